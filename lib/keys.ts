/**
 * Keytab entries for a principal: from a password (string-to-key with a salt rule), from
 * fresh random keys (like kadmin -randkey), or from a key given as bytes. Pure: the random
 * source is passed in.
 */
import type { EnctypeInfo } from './crypto/enctypes.js';
import {
  checkKeyLength,
  derivableEnctype,
  randomKey,
  stringToKeys,
} from './crypto/string-to-key.js';
import { KtError } from './errors.js';
import type { KeytabEntry } from './keytab/types.js';
import type { Principal } from './principal.js';
import type { Salt } from './salt/rules.js';

export type KeySource =
  | {
      readonly kind: 'password';
      readonly password: Uint8Array | string;
      readonly salt: Salt;
      readonly iterations?: number | undefined;
    }
  | { readonly kind: 'random'; readonly random: (length: number) => Uint8Array }
  | { readonly kind: 'key'; readonly key: Uint8Array };

export interface EntryRequest {
  readonly principal: Principal;
  readonly kvno: number;
  readonly timestamp: number;
  /** In the order the entries are to be written. */
  readonly enctypes: readonly EnctypeInfo[];
  readonly source: KeySource;
}

/** Makes one entry per enctype, in the order given. */
export async function makeEntries(request: EntryRequest): Promise<KeytabEntry[]> {
  const { principal, kvno, timestamp, enctypes, source } = request;
  if (!Number.isInteger(kvno) || kvno < 0 || kvno > 0xffffffff) {
    throw new KtError(
      'USAGE',
      `kvno ${kvno}: a key version is a whole number from 0 to 4294967295`,
    );
  }
  let keys: Uint8Array[];
  if (source.kind === 'password') {
    keys = await stringToKeys(
      enctypes.map((e) => e.id),
      source.password,
      source.salt.bytes,
      source.iterations === undefined ? {} : { iterations: source.iterations },
    );
  } else if (source.kind === 'random') {
    keys = enctypes.map((e) => randomKey(derivableEnctype(e).id, source.random));
  } else {
    if (enctypes.length !== 1) {
      throw new KtError(
        'USAGE',
        `a key given in hex is for one enctype; ${enctypes.length} were asked for`,
      );
    }
    checkKeyLength((enctypes[0] as EnctypeInfo).id, source.key);
    keys = [source.key.slice()];
  }
  return enctypes.map((e, i) => ({
    principal,
    timestamp,
    kvno,
    enctype: e.id,
    key: keys[i] as Uint8Array,
  }));
}
