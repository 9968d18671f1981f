/**
 * Password rotation without an outage, as pure steps over keytab entries.
 *
 * Tickets already issued carry the old kvno and stay valid for hours, so the keytab must keep
 * the previous kvno's keys next to the new ones (msktutil and adcli keep kvno-1 too). The
 * order makes every crash safe:
 *
 *   1. stage: keytab = old entries + new keys at the kvno AD will give them (current + 1)
 *      -> crash: AD unchanged, the old keys still work;
 *   2. reset the password in AD
 *      -> crash: the staged keys match the new password;
 *   3. confirm the kvno AD reports; if it differs, re-stage with that kvno;
 *   4. prune: keep the new kvno and the `keep` newest before it.
 */
import type { EnctypeInfo } from './crypto/enctypes.js';
import { resolveEnctype } from './crypto/enctypes.js';
import { KtError } from './errors.js';
import { mergeEntries, olderKvnoEntries } from './keytab/ops.js';
import type { KeytabEntry } from './keytab/types.js';
import { makeEntries } from './keys.js';
import { formatPrincipal, samePrincipal } from './principal.js';
import type { Principal } from './principal.js';
import type { Salt } from './salt/rules.js';

export interface RotationTarget {
  readonly principal: Principal;
  /** The enctypes the keytab holds for it, in the keytab's order. */
  readonly enctypes: readonly EnctypeInfo[];
}

/** The principals (and their enctypes) whose keys a rotation renews. */
export function rotationTargets(
  entries: readonly KeytabEntry[],
  only: readonly Principal[] = [],
): RotationTarget[] {
  const targets: { principal: Principal; enctypes: EnctypeInfo[] }[] = [];
  for (const e of entries) {
    if (only.length && !only.some((p) => samePrincipal(p, e.principal))) continue;
    let t = targets.find((x) => samePrincipal(x.principal, e.principal));
    if (!t) targets.push((t = { principal: e.principal, enctypes: [] }));
    if (!t.enctypes.some((x) => x.id === e.enctype)) t.enctypes.push(resolveEnctype(e.enctype));
  }
  for (const p of only) {
    if (!targets.some((t) => samePrincipal(t.principal, p))) {
      throw new KtError('INPUT_INVALID', `the keytab has no keys for ${formatPrincipal(p)}`, {
        hint: 'rotation renews the keys a keytab holds; add the principal first with keytab add',
      });
    }
  }
  if (targets.length === 0)
    throw new KtError('INPUT_INVALID', 'the keytab is empty: nothing to rotate');
  return targets;
}

/** New keys for every target at `kvno`, from the new password and the account's salt. */
export async function rotatedEntries(
  targets: readonly RotationTarget[],
  password: Uint8Array,
  salt: Salt,
  kvno: number,
  timestamp: number,
): Promise<KeytabEntry[]> {
  const out: KeytabEntry[] = [];
  for (const t of targets) {
    out.push(
      ...(await makeEntries({
        principal: t.principal,
        kvno,
        timestamp,
        enctypes: t.enctypes,
        source: { kind: 'password', password, salt },
      })),
    );
  }
  return out;
}

/** Old entries plus the new ones (a new key replaces an old one with the same kvno). */
export function stagedEntries(
  old: readonly KeytabEntry[],
  fresh: readonly KeytabEntry[],
): KeytabEntry[] {
  return [
    ...mergeEntries(
      [
        { name: 'keytab', entries: old },
        { name: 'new keys', entries: fresh },
      ],
      { preferLast: true },
    ).entries,
  ];
}

/** Drops, for the rotated principals, every kvno but the newest `keep + 1` (new + `keep` previous). */
export function prunedEntries(
  entries: readonly KeytabEntry[],
  targets: readonly RotationTarget[],
  keep: number,
): { kept: KeytabEntry[]; removed: KeytabEntry[] } {
  const rotated = entries.filter((e) =>
    targets.some((t) => samePrincipal(t.principal, e.principal)),
  );
  const older = olderKvnoEntries(rotated, keep + 1);
  return {
    kept: entries.filter((e) => !older.has(e)),
    removed: entries.filter((e) => older.has(e)),
  };
}

/**
 * What a rotation to `kvno` would keep and remove, for a dry run: the entries staged and
 * pruned as for real, with empty placeholder keys (nothing is derived).
 */
export function previewRotation(
  entries: readonly KeytabEntry[],
  targets: readonly RotationTarget[],
  kvno: number,
  keep: number,
): { kept: KeytabEntry[]; removed: KeytabEntry[] } {
  const placeholders = targets.flatMap((t) =>
    t.enctypes.map((e) => ({
      principal: t.principal,
      kvno,
      enctype: e.id,
      timestamp: 0,
      key: new Uint8Array(0),
    })),
  );
  return prunedEntries(stagedEntries(entries, placeholders), targets, keep);
}
