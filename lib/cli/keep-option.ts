/**
 * `--keep N` of `keytab rotate` and `keytab rotate --self`, one meaning for both: N is the
 * number of PREVIOUS kvnos kept next to the new one, so the keytab holds the newest N+1 kvnos
 * of each rotated principal. The default 1 keeps the new kvno and the one before it (tickets
 * issued before the change stay valid); 0 keeps only the new keys. The output names the kvnos
 * kept ("kept kvnos 5 and 6"), so the count cannot be misread.
 */
import { KtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import { samePrincipal } from '../principal.js';
import type { RotationTarget } from '../rotate.js';

export const KEEP_DEFAULT = 1;

export const KEEP_DESCRIBE =
  'PREVIOUS kvnos kept next to the new one: the keytab keeps the newest N+1 kvnos (default 1: the new kvno and the one before it, for tickets issued before the change; 0: only the new keys)';

export function checkKeep(keep: number): void {
  if (!Number.isInteger(keep) || keep < 0)
    throw new KtError(
      'USAGE',
      `--keep ${keep}: give a whole number of previous kvnos to keep (0 keeps only the new keys; the default 1 keeps the new kvno and the one before it)`,
    );
}

/** The kvnos, ascending, of the rotated principals' entries. */
export function rotatedKvnos(
  entries: readonly KeytabEntry[],
  targets: readonly RotationTarget[],
): number[] {
  return [
    ...new Set(
      entries
        .filter((e) => targets.some((t) => samePrincipal(t.principal, e.principal)))
        .map((e) => e.kvno),
    ),
  ].sort((a, b) => a - b);
}

/** "kvno 6", "kvnos 5 and 6", "kvnos 4, 5 and 6". */
export function kvnoList(kvnos: readonly number[]): string {
  const sorted = [...new Set(kvnos)].sort((a, b) => a - b);
  if (sorted.length <= 1) return `kvno ${sorted.join('')}`;
  return `kvnos ${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
}

/** `--keep 1: the new kvno and 1 previous` */
function rule(keep: number): string {
  return keep === 0
    ? '--keep 0: only the new kvno'
    : `--keep ${keep}: the new kvno and ${keep} previous`;
}

/** After a rotation: "kept kvnos 5 and 6 (--keep 1: the new kvno and 1 previous); removed kvno 4". */
export function keptLine(
  kept: readonly number[],
  removed: readonly number[],
  keep: number,
): string {
  return `kept ${kvnoList(kept)} (${rule(keep)})${removed.length ? `; removed ${kvnoList(removed)}` : ''}`;
}

/** In a plan: "keeps kvnos 5 and 6 (--keep 1: ...); removes kvno 4". */
export function keepsLine(
  kept: readonly number[],
  removed: readonly number[],
  keep: number,
): string {
  return `keeps ${kvnoList(kept)} (${rule(keep)})${removed.length ? `; removes ${kvnoList(removed)}` : ''}`;
}
