/**
 * What `keytab gmsa` does to a keytab, as data: pure, so --dry-run prints it and tests check it.
 *
 * The gMSA's principals (NAME$@REALM and its SPNs) get the keys of the current password at the
 * account's kvno, and with --previous (always with --refresh) those of the previous password
 * at kvno-1: tickets issued before a change still carry the old kvno for hours. Entries of
 * every other principal are kept as they are.
 *
 * --refresh rewrites nothing when the keytab already holds the current keys at the current
 * kvno (for cron and systemd timers: the file changes only when AD's password did). When AD's
 * blob has no previous password (a new account, or a password set outside the schedule), the
 * keytab's own newest older kvno is kept instead.
 */
import { bytesEqual } from '../bytes.js';
import type { KeytabEntry } from '../keytab/types.js';
import { samePrincipal } from '../principal.js';
import type { Principal } from '../principal.js';

export interface GmsaPlanRequest {
  readonly existing: readonly KeytabEntry[];
  readonly principals: readonly Principal[];
  /** The current password's entries, every principal, at the current kvno. */
  readonly current: readonly KeytabEntry[];
  /** The previous password's entries at the kvno before, when AD sent one. */
  readonly previous: readonly KeytabEntry[];
  readonly refresh: boolean;
  /** Write the previous password's keys too (forced by refresh). */
  readonly withPrevious: boolean;
}

export interface GmsaPlan {
  /** The keytab's entries after the change (the existing ones when nothing changes). */
  readonly entries: readonly KeytabEntry[];
  /** False: the keytab already holds these keys; nothing is written (refresh). */
  readonly changed: boolean;
  readonly added: readonly KeytabEntry[];
  readonly removed: readonly KeytabEntry[];
  /** Entries of other principals, left as they are. */
  readonly others: readonly KeytabEntry[];
  /** kvnos of the gMSA's keys after the change, newest first. */
  readonly kvnos: readonly number[];
}

const same = (a: KeytabEntry, b: KeytabEntry): boolean =>
  samePrincipal(a.principal, b.principal) &&
  a.kvno === b.kvno &&
  a.enctype === b.enctype &&
  bytesEqual(a.key, b.key);

/** The keytab already holds exactly these keys (same principal, kvno, enctype and key). */
export function holdsAll(
  existing: readonly KeytabEntry[],
  wanted: readonly KeytabEntry[],
): boolean {
  return wanted.every((w) => existing.some((e) => same(e, w)));
}

/** For each principal, the keytab's entries of its newest kvno below `kvno`. */
function previousFromKeytab(
  targets: readonly KeytabEntry[],
  principals: readonly Principal[],
  kvno: number,
): KeytabEntry[] {
  const out: KeytabEntry[] = [];
  for (const p of principals) {
    const older = targets.filter((e) => samePrincipal(e.principal, p) && e.kvno < kvno);
    if (older.length === 0) continue;
    const newest = Math.max(...older.map((e) => e.kvno));
    out.push(...older.filter((e) => e.kvno === newest));
  }
  return out;
}

export function planGmsaKeytab(request: GmsaPlanRequest): GmsaPlan {
  const isTarget = (e: KeytabEntry): boolean =>
    request.principals.some((p) => samePrincipal(p, e.principal));
  const targets = request.existing.filter(isTarget);
  const others = request.existing.filter((e) => !isTarget(e));
  const kvno = request.current[0]?.kvno ?? 0;
  if (request.refresh && holdsAll(targets, request.current)) {
    const kvnos = [...new Set(targets.map((e) => e.kvno))].sort((a, b) => b - a);
    return { entries: request.existing, changed: false, added: [], removed: [], others, kvnos };
  }
  const previous =
    request.refresh || request.withPrevious
      ? request.previous.length
        ? request.previous
        : request.refresh
          ? previousFromKeytab(targets, request.principals, kvno)
          : []
      : [];
  const fresh = [...request.current, ...previous];
  const added = fresh.filter((f) => !targets.some((e) => same(e, f)));
  const removed = targets.filter((e) => !fresh.some((f) => same(e, f)));
  const kvnos = [...new Set(fresh.map((e) => e.kvno))].sort((a, b) => b - a);
  return { entries: [...others, ...fresh], changed: true, added, removed, others, kvnos };
}
