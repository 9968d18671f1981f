/**
 * des3-cbc-sha1 (16), RFC 3961 section 6.3.
 *
 * Section 6.3.1: "tkey = random-to-key(168-fold(string)); key = DK(tkey, "kerberos")", where
 * string is the password followed by the salt and DK uses 3DES-CBC (zero IV) as E. The seed is
 * 21 bytes (168 bits) and random-to-key spreads each 7 bytes over an 8-byte DES key with parity.
 */
import { concatBytes, wipe } from '../../bytes.js';
import { des3CbcEncrypt } from '../primitives/des.js';
import { des3RandomToKey, dk, dr, kerberosConstant, nfold, usageConstant, type DerivationCipher } from '../rfc3961.js';
import type { FamilyFactory } from './types.js';

const SEED_BYTES = 21;

export const DES3_DERIVATION_CIPHER: DerivationCipher = Object.freeze({
  blockSize: 8,
  encryptCbcZeroIv: (key: Uint8Array, data: Uint8Array) => des3CbcEncrypt(key, new Uint8Array(8), data),
});

/** DR with 3DES (the 168-bit value before random-to-key), for the RFC 3961 A.3 vectors. */
export function des3Dr(key: Uint8Array, constant: Uint8Array): Uint8Array {
  return dr(DES3_DERIVATION_CIPHER, key, constant, SEED_BYTES);
}

/** DK with 3DES: random-to-key(DR(key, constant)). */
export function des3Dk(key: Uint8Array, constant: Uint8Array): Uint8Array {
  return dk(DES3_DERIVATION_CIPHER, key, constant, SEED_BYTES, des3RandomToKey);
}

export const des3: FamilyFactory = () => ({
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
  deriveKey: (baseKey, usage, kind) => des3Dk(baseKey, usageConstant(usage, kind)),
});
