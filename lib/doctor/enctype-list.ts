/**
 * krb5.conf enctype lists as MIT reads them (krb5.conf(5) "Encryption types"): names and
 * aliases, the family names des, des3, rc4, aes, aes-sha1, aes-sha2 and camellia, DEFAULT (the
 * built-in list), and a `-` before a name to remove it (`DEFAULT -des3 -rc4`). `+` is allowed
 * and means add.
 */
import { resolveEnctype } from '../crypto/enctypes.js';
import { ENCTYPE_GROUPS } from '../crypto/policy.js';

/** MIT's family names (lib/crypto/krb/etypes.c and krb5.conf(5)), by the enctypes they stand for. */
export const MIT_ENCTYPE_FAMILIES: Readonly<Record<string, readonly number[]>> = Object.freeze({
  des: [1, 3, 2],
  des3: [16],
  rc4: [23],
  aes: [18, 17, 20, 19],
  'aes-sha1': [18, 17],
  'aes-sha2': [20, 19],
  camellia: [26, 25],
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
