/**
 * des3-cbc-sha1 (16), RFC 3961 section 6.3.
 *
 * Section 6.3.1: "tkey = random-to-key(168-fold(string)); key = DK(tkey, "kerberos")", where
 * string is the password followed by the salt and DK uses 3DES-CBC (zero IV) as E. The seed is
 * 21 bytes (168 bits) and random-to-key spreads each 7 bytes over an 8-byte DES key with parity.
 *
 * Section 6.3 (des3-cbc-hmac-sha1-kd): the simplified profile with E = 3DES-EDE in CBC mode,
 * zero initial state, an 8-byte confounder, padding to 8 bytes, and the full 160-bit
 * HMAC-SHA1 (h = 20, no truncation); its checksum is type 12, hmac-sha1-des3-kd. The PRF is
 * the simplified profile's with H = SHA-1 (MIT krb5int_dk_prf; 16 bytes).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { concatBytes, wipe } from '../../bytes.js';
import { des3CbcDecrypt, des3CbcEncrypt } from '../primitives/des.js';
import {
  des3RandomToKey,
  dk,
  dkPrf,
  dr,
  kerberosConstant,
  nfold,
  simplifiedProfile,
  usageConstant,
  zeroIvCbc,
  type CbcCipher,
  type DerivationCipher,
  type KeyKind,
} from '../rfc3961.js';
import type { FamilyFactory } from './types.js';

const SEED_BYTES = 21;

export const DES3_DERIVATION_CIPHER: DerivationCipher = Object.freeze({
  blockSize: 8,
  encryptCbcZeroIv: (key: Uint8Array, data: Uint8Array) =>
    des3CbcEncrypt(key, new Uint8Array(8), data),
});

/** DR with 3DES (the 168-bit value before random-to-key), for the RFC 3961 A.3 vectors. */
export function des3Dr(key: Uint8Array, constant: Uint8Array): Uint8Array {
  return dr(DES3_DERIVATION_CIPHER, key, constant, SEED_BYTES);
}

/** DK with 3DES: random-to-key(DR(key, constant)). */
export function des3Dk(key: Uint8Array, constant: Uint8Array): Uint8Array {
  return dk(DES3_DERIVATION_CIPHER, key, constant, SEED_BYTES, des3RandomToKey);
}

/** 3DES-EDE CBC over whole blocks (SP 800-67). */
export const DES3_CBC: CbcCipher = Object.freeze({
  blockSize: 8,
  encrypt: des3CbcEncrypt,
  decrypt: des3CbcDecrypt,
});

const cbc = zeroIvCbc(DES3_CBC);
const deriveKey = (baseKey: Uint8Array, usage: number, kind: KeyKind): Uint8Array =>
  des3Dk(baseKey, usageConstant(usage, kind));

export const des3: FamilyFactory = (spec) => ({
  family: 'des3',
  seedLength: SEED_BYTES,
  stringToKey: async (password, salt) => {
    const input = concatBytes(password, salt);
    const folded = nfold(input, SEED_BYTES);
    const tkey = des3RandomToKey(folded);
    try {
      return des3Dk(tkey, kerberosConstant());
    } finally {
      wipe(input, folded, tkey);
    }
  },
  randomToKey: des3RandomToKey,
  deriveKey,
  profile: simplifiedProfile(spec.name, {
    cipher: cbc,
    mac: (key, data) => hmac(sha1, key, data),
    macLength: 20,
    deriveKey,
    macCovers: 'plaintext',
    prf: dkPrf(sha1, cbc, des3Dk),
    prfLength: 16,
  }),
});
