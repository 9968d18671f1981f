/**
 * The one PBKDF2 -> derive routine behind AES-SHA1 (RFC 3962), AES-SHA2 (RFC 8009) and
 * Camellia (RFC 6803). The three RFCs share the shape
 *
 *   saltp    = [enctype-name || 0x00 ||] salt
 *   tkey     = random-to-key(PBKDF2(passphrase, saltp, iter_count, keylength))
 *   base-key = random-to-key(KDF(tkey, "kerberos"))
 *
 * and differ only in the parameters (MIT s2k_pbkdf2.c makes the same point in code):
 *
 *   | family   | PRF         | KDF                          | default iterations | pepper |
 *   | aes-sha1 | HMAC-SHA1   | DK (RFC 3961 section 5.1)    | 4096               | no     |
 *   | aes-sha2 | HMAC-SHA256 / HMAC-SHA384 | KDF-HMAC-SHA2 (RFC 8009 section 3) | 32768 | yes |
 *   | camellia | HMAC-SHA1   | KDF-FEEDBACK-CMAC (RFC 6803 section 3) | 32768    | yes    |
 *
 * random-to-key is the identity for all three.
 */
import { concatBytes, utf8, wipe } from '../../bytes.js';
import { pbkdf2, type Pbkdf2Hash } from '../primitives/pbkdf2.js';
import { kerberosConstant } from '../rfc3961.js';
import type { EnctypeSpec, FamilyFunctions } from './types.js';

export interface Pbkdf2Profile {
  readonly hash: Pbkdf2Hash;
  readonly defaultIterations: number;
  /** RFC 8009 section 4 and RFC 6803 section 4 prefix the salt with the enctype name and 0x00. */
  readonly pepper: boolean;
  /** The family KDF: (key, constant) -> derived key of the enctype's key length. */
  readonly kdf: (key: Uint8Array, constant: Uint8Array) => Uint8Array;
}

/** The PBKDF2 salt: the salt itself, or enctype-name || 0x00 || salt. */
export function pbkdf2Salt(
  spec: EnctypeSpec,
  profile: Pbkdf2Profile,
  salt: Uint8Array,
): Uint8Array {
  return profile.pepper ? concatBytes(utf8(spec.name), new Uint8Array(1), salt) : salt;
}

export function pbkdf2StringToKey(
  spec: EnctypeSpec,
  profile: Pbkdf2Profile,
): FamilyFunctions['stringToKey'] {
  return async (password, salt, iterations, ctx) => {
    const saltp = pbkdf2Salt(spec, profile, salt);
    const run = ctx?.pbkdf2 ?? pbkdf2;
    const tkey = await run(
      profile.hash,
      password,
      saltp,
      iterations ?? profile.defaultIterations,
      spec.keyLength,
    );
    try {
      return profile.kdf(tkey, kerberosConstant());
    } finally {
      wipe(tkey);
    }
  };
}
