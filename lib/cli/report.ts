/**
 * The one place an error becomes lines on stderr and an exit status, for `keytab` (lib/cli/main.ts)
 * and `ktpass` (lib/cli/ktpass.ts): a clear message and a hint (a remedy in the program's own
 * spelling of the options), a stack only with --debug.
 */
import { EXIT_FAILURE, KtError } from '../errors.js';
import { KEYTAB_SPELLING } from '../remedy.js';
import type { RemedySpelling } from '../remedy.js';
import type { CliContext } from './context.js';

/** How a program words its errors. */
export interface ErrorDialect {
  /** Before a usage error's message: `error: ` for keytab; nothing for ktpass (as Windows ktpass). */
  readonly usagePrefix: string;
  /** How the program spells the options a remedy names (lib/remedy.ts). */
  readonly spelling: RemedySpelling;
}

export const KEYTAB_DIALECT: ErrorDialect = { usagePrefix: 'error: ', spelling: KEYTAB_SPELLING };

/** The hint line's text in a dialect: the remedy in its spelling, else the plain hint. */
export function hintText(err: KtError, dialect: ErrorDialect = KEYTAB_DIALECT): string | undefined {
  return err.hintIn(dialect.spelling);
}

/** Writes the error and returns the exit status. */
export function reportError(
  ctx: CliContext,
  err: unknown,
  debug: boolean,
  dialect: ErrorDialect = KEYTAB_DIALECT,
): number {
  const p = ctx.program;
  if (err instanceof KtError) {
    ctx.stderr.write(
      `${p}: ${err.code === 'USAGE' ? dialect.usagePrefix : 'error: '}${err.messageIn(dialect.spelling)}\n`,
    );
    const hint = hintText(err, dialect);
    if (hint) ctx.stderr.write(`${p}: hint: ${hint}\n`);
    if (debug) ctx.stderr.write(`${describeDebug(err)}\n`);
    return err.exitCode;
  }
  ctx.stderr.write(
    `${p}: internal error: ${err instanceof Error ? err.message : String(err)}${debug ? '' : ' (run with --debug for details)'}\n`,
  );
  if (debug) ctx.stderr.write(`${describeDebug(err)}\n`);
  return EXIT_FAILURE;
}

/** The stacks of the error and its causes, with a KtError's details. */
export function describeDebug(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  while (e instanceof Error) {
    parts.push(e.stack ?? e.message);
    if (e instanceof KtError && Object.keys(e.details).length)
      parts.push(`details: ${JSON.stringify(e.details)}`);
    e = e.cause;
  }
  return parts.join('\ncaused by: ');
}
