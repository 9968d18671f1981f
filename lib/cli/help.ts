/**
 * --help as people read it: the width of the terminal, and example commands that are never
 * wrapped (yargs would cut `keytab ad create svc-web --upn HTTP/web...` in the middle of a word,
 * and a wrapped command can't be pasted). Every `.example(cmd, what)` a command declares is
 * handed to yargs as a short token; after yargs has laid out the help, each token line becomes
 * the full command on one line, with its description wrapped on the lines below it.
 */
import type { Argv } from 'yargs';

/** The widest help we lay out, even on a wider terminal. */
export const MAX_HELP_WIDTH = 100;

/** The width help is laid out for: the terminal's, at most MAX_HELP_WIDTH; 100 off a terminal. */
export function helpWidth(columns: number | undefined): number {
  return Math.max(40, Math.min(MAX_HELP_WIDTH, columns && columns > 0 ? columns : MAX_HELP_WIDTH));
}

/** The examples a parser was given, in order, as the commands declared them. */
export interface ExampleBook {
  readonly examples: [command: string, description: string][];
}

const TOKEN = /^\s*\u0001(\d+)\u0001\s*$/;
const token = (n: number): string => `\u0001${n}\u0001`;

type ExampleFn = (
  command: string | readonly (readonly [string, (string | undefined)?])[],
  description?: string,
) => Argv;

/** Makes `parser.example(...)` (also in every command builder: yargs passes the same instance) record into a book. */
export function collectExamples(parser: Argv): ExampleBook {
  const book: ExampleBook = { examples: [] };
  const original = parser.example.bind(parser) as ExampleFn;
  const record: ExampleFn = (command, description) => {
    const pairs: readonly (readonly [string, (string | undefined)?])[] =
      typeof command === 'string' ? [[command, description]] : command;
    for (const [cmd, what] of pairs) {
      book.examples.push([cmd, what ?? '']);
      original(token(book.examples.length - 1), '');
    }
    return parser;
  };
  (parser as unknown as { example: ExampleFn }).example = record;
  return book;
}

/** Words of `text` on lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapWords(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** Replaces the example tokens in help text laid out by yargs with the examples themselves. */
export function renderExamples(
  text: string,
  book: ExampleBook,
  program: string,
  width: number,
): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const m = TOKEN.exec(line);
      const example = m ? book.examples[Number(m[1])] : undefined;
      if (!example) return [line];
      const [command, description] = example;
      return [`  ${command.replace(/\$0/g, program)}`, ...wrapWords(description, width, '      ')];
    })
    .join('\n');
}
