/**
 * What both rotations share (`keytab rotate`: commands/rotate.ts; `rotate --self`:
 * rotate-self.ts), done the same way: the start (dry run or not, progress lines unless --json,
 * and the keytab: a file, not standard output, locked from the read to the last write and a
 * restore, read once with its bytes kept for a byte-exact restore); new keys staged next to
 * the old ones, then pruned to the `keep` previous kvnos; the names of the steps that the
 * crash tests stop a rotation at.
 */
import { KtError } from '../errors.js';
import type { Keytab, KeytabEntry } from '../keytab/types.js';
import { prunedEntries, stagedEntries } from '../rotate.js';
import type { RotationTarget } from '../rotate.js';
import type { CliContext } from './context.js';
import { keytabLocation, readKeytabAndBytes, writeKeytab } from './io.js';
import type { KeytabLocation } from './io.js';
import { lockKeytab } from './lock.js';

/** The points between the steps of a rotation (for tests that simulate a crash there). */
export type RotationStep = 'staged' | 'password-set' | 'confirmed' | 'pruned';

export interface RotationHooks {
  /** Called after each step; throwing stops the rotation there, as a crash would. */
  after?(step: RotationStep): void | Promise<void>;
}

export interface RotationOptions {
  /** Plan only: no lock, no write. */
  readonly dryRun?: boolean;
  /** Progress lines on stdout (default true; false for --json). */
  readonly verbose?: boolean;
}

/** What every rotation starts with; leaving its `using` block lets the keytab lock go. */
export interface RotationStart extends Disposable {
  readonly dryRun: boolean;
  /** Prints one progress line (not when verbose is false). */
  readonly say: (line: string) => void;
  readonly loc: KeytabLocation;
  readonly keytab: Keytab;
  /** The bytes as read, for a byte-exact restore. */
  readonly original: Uint8Array;
}

export async function beginRotation(
  ctx: CliContext,
  name: string,
  options: RotationOptions,
): Promise<RotationStart> {
  const dryRun = options.dryRun ?? false;
  const say = (line: string): void => {
    if (options.verbose ?? true) ctx.stdout.write(`${line}\n`);
  };
  const loc = keytabLocation(ctx, name);
  if (loc.path === '-') throw new KtError('USAGE', 'rotate rewrites a keytab file: give a path');
  // Held from the read to the last write (and a restore): nobody else's change is overwritten.
  const lock = dryRun ? undefined : await lockKeytab(ctx, loc.path, { create: false });
  try {
    const { keytab, bytes } = await readKeytabAndBytes(ctx, loc);
    const release = (): void => lock?.[Symbol.dispose]();
    return { dryRun, say, loc, keytab, original: bytes, [Symbol.dispose]: release };
  } catch (err) {
    lock?.[Symbol.dispose]();
    throw err;
  }
}

/** Writes the keytab as read with the `fresh` keys staged next to its entries. */
export function writeStaged(
  ctx: CliContext,
  opened: RotationStart,
  fresh: readonly KeytabEntry[],
): void {
  writeKeytab(ctx, opened.loc, { entries: stagedEntries(opened.keytab.entries, fresh) });
}

/** The last step: keeps the new kvno and `keep` previous ones of the targets, and writes that. */
export function writePruned(
  ctx: CliContext,
  opened: RotationStart,
  fresh: readonly KeytabEntry[],
  targets: readonly RotationTarget[],
  keep: number,
): { kept: KeytabEntry[]; removed: KeytabEntry[] } {
  const pruned = prunedEntries(stagedEntries(opened.keytab.entries, fresh), targets, keep);
  writeKeytab(ctx, opened.loc, { entries: pruned.kept });
  return pruned;
}
