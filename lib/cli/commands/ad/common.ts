/** What the `keytab ad` subcommands share: the directory options (directory-options.ts), printing changes. */
import type { CommandModule } from 'yargs';
import { changesToJson, describeChanges } from '../../../ad/changes.js';
import { directoryError } from '../../../ad/errors.js';
import type { DirectoryChange } from '../../../ad/types.js';
import { KtError } from '../../../errors.js';
import { recastHandlerErrors } from '../../command.js';
import type { CliContext } from '../../context.js';

export * from '../../directory-options.js';

/**
 * A subcommand whose handler errors all come out as KtErrors (the CLI prints those as one line
 * and a hint; anything else would be reported as an internal or usage error).
 */
export function subcommand<A>(module: CommandModule<object, A>): CommandModule<object, A> {
  return recastHandlerErrors(module, (err) =>
    err instanceof KtError || !(err instanceof Error) ? err : directoryError(err),
  );
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints the LDAP changes: what was sent, or for a dry run what would be. */
export function printChanges(
  ctx: CliContext,
  changes: readonly DirectoryChange[],
  dryRun: boolean,
): void {
  if (changes.length === 0) {
    ctx.stdout.write(`${dryRun ? 'dry run: ' : ''}nothing to change\n`);
    return;
  }
  ctx.stdout.write(
    dryRun ? 'dry run: nothing was changed; the LDAP changes would be:\n' : 'LDAP changes sent:\n',
  );
  for (const line of describeChanges(changes)) ctx.stdout.write(`  ${line}\n`);
}

export { changesToJson };

/** `key: value` lines with the values aligned; a list value continues on indented lines. */
export function fields(rows: readonly (readonly [string, string | readonly string[]])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  let out = '';
  for (const [key, value] of rows) {
    const list = typeof value === 'string' ? [value] : value.length ? value : ['(none)'];
    list.forEach((v, i) => {
      out += `${(i === 0 ? `${key}:` : '').padEnd(width)}${v}\n`;
    });
  }
  return out;
}
