/**
 * The Kerberos keys of a group managed service account, from its managed password (the raw
 * UTF-16LE code units of gmsa-blob.ts), as a Windows DC derives them:
 *
 * - RC4 (RFC 4757): K = MD4(the password's UTF-16LE bytes) as they are. The password is random
 *   wide characters, lone surrogates included, so it is hashed as bytes, never as text.
 * - AES and every other string-to-key enctype (RFC 3962): the password is decoded from UTF-16LE
 *   with each unpaired surrogate replaced by U+FFFD (what Windows' UTF-16 to UTF-8 conversion
 *   does), encoded as UTF-8 and given to string-to-key with the account's salt. A gMSA is a
 *   computer account, so the salt follows the computer rule ([MS-KILE] 3.1.1.2,
 *   lib/salt/rules.ts adComputerSalt); the KDC's ETYPE-INFO2 confirms it (cea-sec/gmsad does the
 *   same check).
 *
 * Pure; intermediate copies of the password are wiped.
 */
import { utf8, wipe } from '../bytes.js';
import type { EnctypeFamily, EnctypeInfo } from '../crypto/enctypes.js';
import { md4 } from '../crypto/primitives/md4.js';
import { derivableEnctype, stringToKeys } from '../crypto/string-to-key.js';
import type { KeytabEntry } from '../keytab/types.js';
import type { Principal } from '../principal.js';

/** Which form of the password each enctype family takes. */
const PASSWORD_FORM: Readonly<Record<EnctypeFamily, 'utf16-bytes' | 'utf8-text'>> = Object.freeze({
  rc4: 'utf16-bytes',
  des: 'utf8-text',
  des3: 'utf8-text',
  'aes-sha1': 'utf8-text',
  'aes-sha2': 'utf8-text',
  camellia: 'utf8-text',
});

// The WHATWG UTF-16LE decoder replaces every unpaired surrogate with U+FFFD (not fatal).
const utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true });

/**
 * The UTF-8 bytes that string-to-key gets for a managed password: UTF-16LE decoded with lone
 * surrogates replaced by U+FFFD, then UTF-8 encoded. The caller wipes the result.
 */
export function managedPasswordUtf8(units: Uint8Array): Uint8Array {
  return utf8(utf16Decoder.decode(units));
}

/** One key per enctype, in the order given, from the raw UTF-16LE password and the salt. */
export async function managedPasswordKeys(
  units: Uint8Array,
  salt: Uint8Array,
  enctypes: readonly EnctypeInfo[],
): Promise<Uint8Array[]> {
  const infos = enctypes.map((e) => derivableEnctype(e));
  const textual = infos.filter((e) => PASSWORD_FORM[e.family] === 'utf8-text');
  let derived: Uint8Array[] = [];
  if (textual.length > 0) {
    const password = managedPasswordUtf8(units);
    try {
      derived = await stringToKeys(
        textual.map((e) => e.id),
        password,
        salt,
      );
    } finally {
      wipe(password);
    }
  }
  const byId = new Map(textual.map((e, i) => [e.id, derived[i] as Uint8Array]));
  const keys = infos.map((e) =>
    PASSWORD_FORM[e.family] === 'utf16-bytes' ? md4(units) : (byId.get(e.id) as Uint8Array).slice(),
  );
  wipe(...derived);
  return keys;
}

export interface ManagedKeysRequest {
  readonly principals: readonly Principal[];
  readonly kvno: number;
  /** Seconds since 1970 for the entries' timestamp. */
  readonly timestamp: number;
  readonly enctypes: readonly EnctypeInfo[];
  /** The raw UTF-16LE password (ManagedPassword.current or .previous). */
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
}

/** Keytab entries for every principal: one per enctype, all principals sharing the account's keys. */
export async function managedPasswordEntries(request: ManagedKeysRequest): Promise<KeytabEntry[]> {
  const keys = await managedPasswordKeys(request.password, request.salt, request.enctypes);
  const out: KeytabEntry[] = [];
  for (const principal of request.principals) {
    request.enctypes.forEach((e, i) =>
      out.push({
        principal,
        timestamp: request.timestamp,
        kvno: request.kvno,
        enctype: e.id,
        key: (keys[i] as Uint8Array).slice(),
      }),
    );
  }
  wipe(...keys);
  return out;
}
