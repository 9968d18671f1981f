/**
 * A directory account against a keytab: the keytab's newest kvno against msDS-KeyVersionNumber,
 * and its enctypes against msDS-SupportedEncryptionTypes. `keytab verify` and `keytab doctor`
 * word the outcome each in their own way; the comparison is this one. Pure.
 */
import { ticketFit } from '../ad/ticket-enctypes.js';
import { enctypeById } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import {
  describeSupportedBits,
  enctypesOfSupportedBits,
  type DirectoryAccountView,
} from './directory.js';
import { isSingleDes } from './enctype-names.js';

export type KvnoMatch =
  /** msDS-KeyVersionNumber is not readable. */
  | { readonly kind: 'unknown'; readonly keytab: number }
  | {
      readonly kind: 'same' | 'stale' | 'ahead';
      readonly keytab: number;
      readonly account: number;
    };

export type EnctypeMatch =
  /** msDS-SupportedEncryptionTypes is not set: the DC's default decides (`ticketsOk`: the keytab decrypts both defaults' tickets). */
  | { readonly kind: 'unset'; readonly keytab: readonly number[]; readonly ticketsOk: boolean }
  /** Set (`words`: `0x18 (AES128-..., AES256-...)`): allows none of the keytab's enctypes, allows some the keytab lacks, or fits. */
  | {
      readonly kind: 'none-allowed' | 'missing' | 'fits';
      readonly keytab: readonly number[];
      readonly bits: number;
      readonly words: string;
      readonly missing: readonly number[];
    };

export interface AccountMatch {
  readonly kvno: KvnoMatch;
  readonly enctypes: EnctypeMatch;
}

/** Compares an account with the keytab entries of its principal (at least one). */
export function matchAccount(
  account: DirectoryAccountView,
  entries: readonly KeytabEntry[],
): AccountMatch {
  const keytab = Math.max(...entries.map((e) => e.kvno));
  const have = account.keyVersionNumber;
  const kvno: KvnoMatch =
    have === undefined
      ? { kind: 'unknown', keytab }
      : { kind: keytab < have ? 'stale' : keytab > have ? 'ahead' : 'same', keytab, account: have };
  const enctypes = [...new Set(entries.map((e) => e.enctype))];
  const bits = account.supportedEncryptionTypes;
  if (bits === undefined) {
    return {
      kvno,
      enctypes: {
        kind: 'unset',
        keytab: enctypes,
        ticketsOk: ticketFit(
          undefined,
          enctypes.flatMap((e) => enctypeById(e) ?? []),
        ).ok,
      },
    };
  }
  const allowed = enctypesOfSupportedBits(bits);
  const missing = allowed.filter((e) => !isSingleDes(e) && !enctypes.includes(e));
  const kind = !enctypes.some((e) => allowed.includes(e))
    ? 'none-allowed'
    : missing.length > 0
      ? 'missing'
      : 'fits';
  return {
    kvno,
    enctypes: { kind, keytab: enctypes, bits, words: describeSupportedBits(bits), missing },
  };
}
