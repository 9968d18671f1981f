/**
 * The command tree as --help shows it: every command path (`list`, `ad spn add`, ...) found
 * by reading the "Commands:" section of each help, so man pages and tests see exactly what
 * users see.
 */
import type { CommandFactory } from './command.js';
import type { CliContext } from './context.js';
import { commands } from './commands/index.js';
import { helpText } from './main.js';

/** Wide enough that yargs puts each command on one line. */
const UNWRAPPED = 1000;

/** The subcommands listed in one help text, as words after `program ...path`. */
export function listedSubcommands(
  help: string,
  program: string,
  path: readonly string[],
): string[] {
  const section = /^Commands:\n((?: {2}.*\n?)*)/m.exec(help)?.[1] ?? '';
  const prefix = [program, ...path].join(' ') + ' ';
  return (
    section
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith(prefix))
      .map((line) => line.slice(prefix.length).split(/\s+/)[0] as string)
      // `completion` is yargs' own command: it has no help of its own beyond its line in the list.
      .filter(
        (word) => /^[a-z][a-z0-9-]*$/.test(word) && !(path.length === 0 && word === 'completion'),
      )
  );
}

export interface CommandHelp {
  readonly path: readonly string[];
  readonly help: string;
  /** True when the command has subcommands of its own. */
  readonly group: boolean;
}

/** Every command path, depth first in --help order, with its help at `width` columns. */
export async function commandTree(
  ctx: CliContext,
  width: number,
  list: readonly CommandFactory[] = commands,
): Promise<CommandHelp[]> {
  const out: CommandHelp[] = [];
  const visit = async (path: readonly string[]): Promise<void> => {
    const subs = listedSubcommands(await helpText(ctx, path, UNWRAPPED, list), ctx.program, path);
    out.push({ path, help: await helpText(ctx, path, width, list), group: subs.length > 0 });
    for (const sub of subs) await visit([...path, sub]);
  };
  await visit([]);
  return out;
}
