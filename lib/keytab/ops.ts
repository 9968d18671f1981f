/**
 * Pure operations on keytab entries: identity, merge, filter, diff and kvno pruning.
 * An entry is identified by (principal, kvno, enctype); two entries with that identity and the
 * same key are the same entry, with a different key they conflict.
 */
import { bytesEqual } from '../bytes.js';
import { enctypeName } from '../crypto/enctypes.js';
import { KtError } from '../errors.js';
import { formatPrincipal } from '../principal.js';
import { option, remedy } from '../remedy.js';
import type { KeytabEntry } from './types.js';

/** A string that is equal for entries with the same (principal, kvno, enctype). */
export function entryId(entry: KeytabEntry): string {
  // The realm and components are joined with separators that cannot occur unescaped.
  return `${formatPrincipal(entry.principal)}\u0000${entry.kvno}\u0000${entry.enctype}`;
}

export interface MergeSource {
  /** A label for messages: usually the file name. */
  readonly name: string;
  readonly entries: readonly KeytabEntry[];
}

export interface MergeResult {
  readonly entries: readonly KeytabEntry[];
  /** Entries dropped because an identical one was already taken. */
  readonly duplicates: number;
  /** Conflicts resolved in favour of the later source (only with preferLast). */
  readonly replaced: readonly {
    readonly entry: KeytabEntry;
    readonly from: string;
    readonly by: string;
  }[];
}

/**
 * Union in input order. An identical entry is kept once; the same identity with a different
 * key is a MERGE_CONFLICT naming both sources, unless preferLast, where the later key takes the
 * earlier one's place.
 */
export function mergeEntries(
  sources: readonly MergeSource[],
  options: { preferLast?: boolean } = {},
): MergeResult {
  const out: KeytabEntry[] = [];
  const seen = new Map<string, { index: number; from: string }>();
  const replaced: { entry: KeytabEntry; from: string; by: string }[] = [];
  let duplicates = 0;
  for (const source of sources) {
    for (const entry of source.entries) {
      const id = entryId(entry);
      const prior = seen.get(id);
      if (prior === undefined) {
        seen.set(id, { index: out.length, from: source.name });
        out.push(entry);
        continue;
      }
      const kept = out[prior.index] as KeytabEntry;
      if (bytesEqual(kept.key, entry.key)) {
        duplicates++;
        continue;
      }
      if (!options.preferLast) {
        throw mergeConflict(
          formatPrincipal(entry.principal),
          entry.kvno,
          entry.enctype,
          prior.from,
          source.name,
        );
      }
      replaced.push({ entry: kept, from: prior.from, by: source.name });
      out[prior.index] = entry;
      seen.set(id, { index: prior.index, from: source.name });
    }
  }
  return { entries: out, duplicates, replaced };
}

/** A principal to match; without a realm it matches the name in any realm. */
export interface PrincipalPattern {
  readonly components: readonly string[];
  readonly realm?: string | undefined;
}

export interface EntryFilter {
  /** Principals to match; empty or absent = any. */
  readonly principals?: readonly PrincipalPattern[];
  readonly kvnos?: readonly number[];
  readonly enctypes?: readonly number[];
}

export function matchesFilter(entry: KeytabEntry, filter: EntryFilter): boolean {
  if (filter.principals?.length && !filter.principals.some((p) => matchesPrincipal(entry, p)))
    return false;
  if (filter.kvnos?.length && !filter.kvnos.includes(entry.kvno)) return false;
  if (filter.enctypes?.length && !filter.enctypes.includes(entry.enctype)) return false;
  return true;
}

function matchesPrincipal(entry: KeytabEntry, p: PrincipalPattern): boolean {
  const c = entry.principal.components;
  return (
    (p.realm === undefined || p.realm === entry.principal.realm) &&
    c.length === p.components.length &&
    c.every((x, i) => x === p.components[i])
  );
}

/**
 * For each principal, the entries whose kvno is not among its newest `keep` kvnos.
 * kvno 0 ("unspecified") counts as a kvno like the others.
 */
export function olderKvnoEntries(entries: readonly KeytabEntry[], keep: number): Set<KeytabEntry> {
  const kvnos = new Map<string, Set<number>>();
  for (const e of entries) {
    const p = formatPrincipal(e.principal);
    let set = kvnos.get(p);
    if (!set) kvnos.set(p, (set = new Set()));
    set.add(e.kvno);
  }
  const kept = new Map<string, Set<number>>();
  for (const [p, set] of kvnos)
    kept.set(p, new Set([...set].sort((a, b) => b - a).slice(0, Math.max(0, keep))));
  return new Set(entries.filter((e) => !kept.get(formatPrincipal(e.principal))?.has(e.kvno)));
}

export interface KeytabDiff {
  readonly onlyA: readonly KeytabEntry[];
  readonly onlyB: readonly KeytabEntry[];
  /** Same (principal, kvno, enctype), different key. */
  readonly changed: readonly { readonly a: KeytabEntry; readonly b: KeytabEntry }[];
}

export function diffEntries(a: readonly KeytabEntry[], b: readonly KeytabEntry[]): KeytabDiff {
  const inB = new Map<string, KeytabEntry[]>();
  for (const e of b) {
    const id = entryId(e);
    const list = inB.get(id);
    if (list) list.push(e);
    else inB.set(id, [e]);
  }
  const onlyA: KeytabEntry[] = [];
  const changed: { a: KeytabEntry; b: KeytabEntry }[] = [];
  const matchedB = new Set<KeytabEntry>();
  for (const e of a) {
    const candidates = inB.get(entryId(e)) ?? [];
    const same = candidates.find((c) => !matchedB.has(c) && bytesEqual(c.key, e.key));
    if (same) {
      matchedB.add(same);
      continue;
    }
    const other = candidates.find((c) => !matchedB.has(c));
    if (other) {
      matchedB.add(other);
      changed.push({ a: e, b: other });
    } else {
      onlyA.push(e);
    }
  }
  return { onlyA, onlyB: b.filter((e) => !matchedB.has(e)), changed };
}

/** The highest kvno per principal. */
export function maxKvno(entries: readonly KeytabEntry[], principal: string): number | undefined {
  let max: number | undefined;
  for (const e of entries) {
    if (formatPrincipal(e.principal) === principal && (max === undefined || e.kvno > max))
      max = e.kvno;
  }
  return max;
}

/** MERGE_CONFLICT: two inputs hold different keys for one principal, kvno and enctype. */
export function mergeConflict(
  principal: string,
  kvno: number,
  enctype: number,
  first: string,
  second: string,
): KtError {
  return new KtError(
    'MERGE_CONFLICT',
    `${principal} kvno ${kvno} ${enctypeName(enctype)} has different keys in ${first} and ${second}`,
    {
      details: { principal, kvno, enctype, first, second },
      remedy: remedy`keep one of them with ${option('preferLast')} (the later file wins), or remove the stale entry first`,
    },
  );
}
