/**
 * yargs' complaints about a command line, said the way a person needs them: which word was
 * not a command (`keytab ad shwo`: "shwo", not "ad"), which option was meant (`--jsn`: did you
 * mean --json?), which argument is missing (ACCOUNT), and the --help of the command at hand.
 */
import type { Argv } from 'yargs';

/** Where yargs was when it gave up: the commands it had entered and the options they know. */
export interface ParseState {
  /** Command definitions entered, outermost first, e.g. ['ad <command>', 'setpass <account>']. */
  readonly commands: readonly string[];
  /** Every option name and alias known there, without dashes. */
  readonly options: readonly string[];
}

interface YargsInternals {
  getInternalMethods(): { getContext(): { fullCommands?: string[] } };
  getOptions(): { key: Record<string, unknown> };
}

/** Reads the state from a parser that has just thrown (yargs keeps it until the next parse). */
export function parseState(parser: Argv): ParseState {
  try {
    const internals = parser as unknown as YargsInternals;
    return {
      commands: [...(internals.getInternalMethods().getContext().fullCommands ?? [])],
      options: Object.keys(internals.getOptions().key),
    };
  } catch {
    return { commands: [], options: [] };
  }
}

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known name closest to `word`, if it is close enough to be a typo of it. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return bestDistance <= Math.max(1, Math.min(3, Math.floor(word.length / 3))) ? best : undefined;
}

const dashes = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** The words of a command line that are not options (a rough cut: enough to name a word). */
function positionals(argv: readonly string[]): string[] {
  return argv.filter((a) => !a.startsWith('-'));
}

/** What to say for one rejected command line, and which command's --help to point at. */
export interface UsageReport {
  readonly message: string;
  /** The command path whose --help helps, e.g. ['ad', 'setpass']; [] for the top level. */
  readonly helpPath: readonly string[];
}

/** Rules: a yargs message pattern and what to say instead. The first that matches wins. */
const RULES: readonly {
  pattern: RegExp;
  say: (m: RegExpExecArray, argv: readonly string[], state: ParseState) => string;
}[] = [
  {
    // recommendCommands: "Did you mean show?"
    pattern: /^Did you mean (.+)\?$/,
    say: (m, argv, state) =>
      `unknown command "${positionals(argv)[state.commands.length] ?? '?'}". Did you mean ${m[1]}?`,
  },
  {
    pattern: /^Unknown arguments?: (.+)$/,
    say: (m, argv, state) => unknownArguments((m[1] as string).split(', '), argv, state),
  },
  {
    pattern: /^Not enough non-option arguments: got (\d+), need at least (\d+)$/,
    say: (m, _argv, state) => {
      const demanded = [...(state.commands.at(-1) ?? '').matchAll(/<([^>.]+)(?:\.\.)?>/g)].map(
        (x) => (x[1] as string).toUpperCase(),
      );
      const missing = demanded.slice(Number(m[1]));
      if (missing.length === 0) return m[0];
      // `ad <command>`: a group whose subcommand is missing.
      if (missing[0] === 'COMMAND')
        return `"${state.commands.map((c) => c.split(' ')[0]).join(' ')}" needs a subcommand (listed by --help)`;
      return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`;
    },
  },
];

function unknownArguments(
  names: readonly string[],
  argv: readonly string[],
  state: ParseState,
): string {
  const given = (name: string): boolean =>
    argv.some(
      (a) =>
        a === dashes(name) ||
        a.startsWith(`${dashes(name)}=`) ||
        (name.length === 1 && /^-[^-]/.test(a) && a.includes(name)),
    );
  return names
    .map((name) => {
      if (!given(name)) return `unexpected argument "${name}"`;
      const known = state.options.filter(
        (o) => o.length > 1 === name.length > 1 || name.length > 2,
      );
      const guess = closest(name, known);
      return `unknown option ${dashes(name)}${guess ? `. Did you mean ${dashes(guess)}?` : ''}`;
    })
    .join('; ');
}

/** Rewords a yargs rejection; a message no rule knows is passed through. */
export function usageReport(
  message: string,
  argv: readonly string[],
  state: ParseState,
): UsageReport {
  const helpPath = state.commands.map((c) => c.split(' ')[0] as string);
  for (const rule of RULES) {
    const m = rule.pattern.exec(message);
    if (m) return { message: rule.say(m, argv, state), helpPath };
  }
  return { message, helpPath };
}
