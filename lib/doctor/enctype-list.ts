/**
 * krb5.conf enctype lists as MIT reads them (krb5.conf(5) "Encryption types"): names and
 * aliases, the family names des, des3, rc4, aes, aes-sha1, aes-sha2 and camellia, DEFAULT (the
 * built-in list), and a `-` before a name to remove it (`DEFAULT -des3 -rc4`). `+` is allowed
 * and means add.
 */
import { resolveEnctype, type EnctypeFamily, type EnctypeInfo } from '../crypto/enctypes.js';
import { byPreference, ENCTYPE_GROUPS } from '../crypto/policy.js';

/** The enctypes of the given families, in MIT's strongest-first order (EnctypeInfo.preference). */
const ofFamilies = (...families: EnctypeFamily[]): readonly number[] =>
  byPreference((e: EnctypeInfo) => e.family !== undefined && families.includes(e.family)).map(
    (e) => e.id,
  );

/**
 * MIT's family names (lib/krb5/krb/init_ctx.c and krb5.conf(5)), by the enctypes they stand
 * for: each is an enctype family of the table, except `aes`, both AES families.
 */
// prettier-ignore
export const MIT_ENCTYPE_FAMILIES: Readonly<Record<string, readonly number[]>> = Object.freeze({
  des: ofFamilies('des'),
  des3: ofFamilies('des3'),
  rc4: ofFamilies('rc4'),
  aes: ofFamilies('aes-sha1', 'aes-sha2'),
  'aes-sha1': ofFamilies('aes-sha1'),
  'aes-sha2': ofFamilies('aes-sha2'),
  camellia: ofFamilies('camellia'),
  default: ENCTYPE_GROUPS.all.map((n) => resolveEnctype(n).id),
});

export interface ExpandedEnctypes {
  /** The enctypes the list permits, in order. */
  readonly ids: readonly number[];
  /** Words MIT would not recognise (it ignores them silently). */
  readonly unknown: readonly string[];
}

export function expandMitEnctypes(words: readonly string[]): ExpandedEnctypes {
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const raw of words) {
    const remove = raw.startsWith('-');
    const word = raw.replace(/^[+-]/, '');
    let found: readonly number[] | undefined = MIT_ENCTYPE_FAMILIES[word.toLowerCase()];
    if (!found) {
      try {
        found = [resolveEnctype(word).id];
      } catch {
        unknown.push(raw);
        continue;
      }
    }
    for (const id of found) {
      const at = ids.indexOf(id);
      if (remove && at >= 0) ids.splice(at, 1);
      if (!remove && at < 0) ids.push(id);
    }
  }
  return { ids, unknown };
}
