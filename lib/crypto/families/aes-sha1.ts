/**
 * aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18), RFC 3962.
 *
 * Section 4: "tkey = random2key(PBKDF2(passphrase, salt, iter_count, keylength));
 * key = DK(tkey, "kerberos")", PBKDF2 with HMAC-SHA1, default iteration count 4096 (s2kparams
 * 00 00 10 00). DK is the RFC 3961 simplified-profile derivation with AES as E; random-to-key
 * is the identity.
 *
 * Section 6: the encryption and checksum are the RFC 3961 simplified profile with E = AES in
 * CBC-CTS mode (section 5), zero initial state, confounder of one 16-byte block, no padding
 * (message block size 1), HMAC-SHA1 truncated to h = 96 bits; checksum types 15
 * (hmac-sha1-96-aes128) and 16 (hmac-sha1-96-aes256). The PRF is the simplified profile's with
 * H = SHA-1 (16 bytes of output).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { AES_CBC, aesCbcEncrypt } from '../primitives/aes.js';
import { dk, dkPrf, simplifiedProfile, usageConstant, type DerivationCipher } from '../rfc3961.js';
import { zeroIvCts } from '../rfc3962.js';
import { identityRandomToKey } from './identity.js';
import { pbkdf2StringToKey } from './pbkdf2-s2k.js';
import type { FamilyFactory } from './types.js';

/** E for DR: AES-CBC with a zero IV (RFC 3962 section 5: CBC-CTS, which is plain CBC on whole blocks). */
export const AES_DERIVATION_CIPHER: DerivationCipher = Object.freeze({
  blockSize: 16,
  encryptCbcZeroIv: (key: Uint8Array, data: Uint8Array) =>
    aesCbcEncrypt(key, new Uint8Array(16), data),
});

export const AES_SHA1_DEFAULT_ITERATIONS = 4096;

/** RFC 3962 section 6: HMAC-SHA1 truncated to 96 bits. */
const MAC_LENGTH = 12;

export const aesSha1: FamilyFactory = (spec) => {
  const randomToKey = identityRandomToKey(spec.keyLength, spec.name);
  const kdf = (key: Uint8Array, constant: Uint8Array): Uint8Array =>
    dk(AES_DERIVATION_CIPHER, key, constant, spec.keyLength, randomToKey);
  const deriveKey = (baseKey: Uint8Array, usage: number, kind: 'Kc' | 'Ke' | 'Ki'): Uint8Array =>
    kdf(baseKey, usageConstant(usage, kind));
  const cts = zeroIvCts(AES_CBC);
  return {
    family: 'aes-sha1',
    seedLength: spec.keyLength,
    defaultIterations: AES_SHA1_DEFAULT_ITERATIONS,
    stringToKey: pbkdf2StringToKey(spec, {
      hash: 'sha1',
      defaultIterations: AES_SHA1_DEFAULT_ITERATIONS,
      pepper: false,
      kdf,
    }),
    randomToKey,
    deriveKey,
    profile: simplifiedProfile(spec.name, {
      cipher: cts,
      mac: (key, data) => hmac(sha1, key, data),
      macLength: MAC_LENGTH,
      deriveKey,
      macCovers: 'plaintext',
      prf: dkPrf(sha1, cts, kdf),
      prfLength: 16,
    }),
  };
};
