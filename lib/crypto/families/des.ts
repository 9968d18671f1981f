/**
 * des-cbc-crc (1), des-cbc-md4 (2), des-cbc-md5 (3): single DES, RFC 3961 section 6.2.
 * All three share one string-to-key, mit_des_string_to_key (section 6.2, as pseudocode):
 *
 *   s = passwordString | salt, zero-padded to a multiple of 8 bytes
 *   tempstring = 0 (56 bits); odd = 1
 *   for each 8-byte block of s:
 *       56bitstring = removeMSBits(block)          (the low 7 bits of each byte)
 *       if odd == 0: reverse(56bitstring)          (the whole 56-bit string, bit by bit)
 *       odd = !odd
 *       tempstring = tempstring XOR 56bitstring
 *   tempkey = key_correction(add_parity_bits(tempstring))
 *   key = key_correction(DES-CBC-check(s, tempkey))   (key and IV both tempkey)
 *
 * key_correction fixes parity and XORs a weak or semi-weak key with 00 00 00 00 00 00 00 F0.
 * The iteration count does not apply. These enctypes are broken (RFC 6649); the policy module
 * refuses them unless weak crypto is allowed.
 *
 * Encryption (sections 6.2.1 to 6.2.3) predates key derivation: the key itself encrypts, key
 * usages are ignored, and an unkeyed checksum inside the encryption gives integrity:
 *
 *   buf = confounder(8) | zeros(checksum size) | msg | zeros to a multiple of 8
 *   buf[8 ..] = H(buf)                  (CRC-32: 4 bytes; MD4, MD5: 16 bytes)
 *   ciphertext = DES-CBC(key, IV, buf)  (IV = the key for des-cbc-crc, zeros otherwise)
 *
 * The mandatory checksums are keyed the old way too (sections 6.2.4, 6.2.5): rsa-md5-des (8)
 * for des-cbc-crc and des-cbc-md5, rsa-md4-des (3) for des-cbc-md4.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesEqual, concatBytes, wipe } from '../../bytes.js';
import { modCrc32 } from '../primitives/crc32.js';
import { desCbcDecrypt, desCbcEncrypt, desFixParity, isDesWeakKey } from '../primitives/des.js';
import { md4 } from '../primitives/md4.js';
import { badCiphertext, desRandomToKey, integrityFailure } from '../rfc3961.js';
import type { ChecksumFunctions, EncryptionProfile, FamilyFactory } from './types.js';

/** key_correction: odd parity, then the weak-key fix. Returns a new array. */
export function desKeyCorrection(key: Uint8Array): Uint8Array {
  const out = desFixParity(key);
  if (isDesWeakKey(out)) out[7] = out[7]! ^ 0xf0;
  return out;
}

/** Reverses the 8 bits of a byte. */
function reverseByte(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >>> i) & 1) << (7 - i);
  return r;
}

/**
 * The fan-fold: tempstring after the loop, laid out as add_parity_bits places it (each 7-bit
 * group in the top 7 bits of a byte, parity bits still 0). `s` is password || salt, unpadded.
 *
 * A block's 56-bit string is byte i's low 7 bits at group i, so XORing (b[i] & 0x7f) << 1 into
 * byte i adds it. Reversed, group j holds the bits of group 7-j in reverse order, which is the
 * byte reversal of b[7-j] with its (reversed) top bit dropped: reverseByte(b[7-j]) & 0xfe.
 */
export function desFanFold(s: Uint8Array): Uint8Array {
  const folded = new Uint8Array(8);
  const blocks = Math.ceil(s.length / 8);
  for (let block = 0; block < blocks; block++) {
    const at = (i: number): number => s[block * 8 + i] ?? 0; // zero padding
    const forward = block % 2 === 0;
    for (let j = 0; j < 8; j++) {
      const contribution = forward ? (at(j) & 0x7f) << 1 : reverseByte(at(7 - j)) & 0xfe;
      folded[j] = folded[j]! ^ contribution;
    }
  }
  return folded;
}

/** mit_des_string_to_key (RFC 3961 section 6.2). */
export function desStringToKey(password: Uint8Array, salt: Uint8Array): Uint8Array {
  const s = concatBytes(password, salt);
  const padded = new Uint8Array(Math.ceil(s.length / 8) * 8);
  padded.set(s);
  const folded = desFanFold(s);
  const tempkey = desKeyCorrection(folded);
  // DES-CBC-check: the last cipher block of DES-CBC(s) under key = IV = tempkey. An empty s has
  // no blocks and its check value is the IV (MIT and Heimdal agree: "" with salt "" gives
  // 01 01 01 01 01 01 01 F1, the corrected weak key).
  const cipher = desCbcEncrypt(tempkey, tempkey, padded);
  const check = padded.length === 0 ? tempkey.slice() : cipher.slice(padded.length - 8);
  const key = desKeyCorrection(check);
  wipe(s, padded, folded, tempkey, cipher, check);
  return key;
}

/** The unkeyed hashes of the DES enctypes and checksums (RFC 3961 section 6.1). */
const HASHES = {
  crc32: (data: Uint8Array) => modCrc32(data),
  md4,
  md5,
} as const satisfies Record<string, (data: Uint8Array) => Uint8Array>;

export type DesHash = keyof typeof HASHES;

const ZERO_IV = new Uint8Array(8);

/**
 * rsa-md5-des (8) and rsa-md4-des (3), RFC 3961 sections 6.2.4 and 6.2.5:
 *
 *   conf = random(8)
 *   checksum = DES-CBC(key XOR F0F0F0F0F0F0F0F0, IV = 0, conf | H(conf | msg))   (24 bytes)
 *
 * The "variant" key keeps checksums apart from encryptions under the same key. Verification
 * decrypts, takes the confounder back and recomputes the hash.
 */
export function desConfounderChecksum(hash: 'md4' | 'md5'): ChecksumFunctions {
  const h = HASHES[hash];
  const variant = (key: Uint8Array): Uint8Array => key.map((b) => b ^ 0xf0);
  const fns: ChecksumFunctions = {
    size: 24,
    make: (key, _usage, data, random) => {
      const conf = random(8);
      const k = variant(key);
      const hashInput = concatBytes(conf, data);
      const digest = h(hashInput);
      const block = concatBytes(conf, digest);
      try {
        return desCbcEncrypt(k, ZERO_IV, block);
      } finally {
        wipe(k, hashInput, digest, block);
      }
    },
    verify: (key, _usage, data, mac) => {
      if (mac.length !== 24) return false;
      const k = variant(key);
      const block = desCbcDecrypt(k, ZERO_IV, mac);
      const hashInput = concatBytes(block.subarray(0, 8), data);
      const digest = h(hashInput);
      const ok = bytesEqual(digest, block.subarray(8));
      wipe(k, block, hashInput, digest);
      return ok;
    },
  };
  return Object.freeze(fns);
}

export interface DesParameters {
  /** The checksum inside the ciphertext: des-cbc-crc, des-cbc-md4, des-cbc-md5. */
  readonly integrity: DesHash;
  /** The hash of the mandatory keyed checksum (rsa-md4-des or rsa-md5-des). */
  readonly checksum: 'md4' | 'md5';
  /** The initial cipher state: section 6.2.3 makes it the key for des-cbc-crc; zeros otherwise. */
  readonly initialState: 'key' | 'zero';
}

function desProfile(name: string, params: DesParameters): EncryptionProfile {
  const h = HASHES[params.integrity];
  const size = h(new Uint8Array(0)).length;
  const header = 8 + size;
  const ivFor = (key: Uint8Array): Uint8Array => (params.initialState === 'key' ? key : ZERO_IV);

  const encrypt = (
    key: Uint8Array,
    _usage: number,
    plaintext: Uint8Array,
    confounder: Uint8Array,
  ): Uint8Array => {
    const buf = new Uint8Array(Math.ceil((header + plaintext.length) / 8) * 8);
    buf.set(confounder);
    buf.set(plaintext, header);
    const digest = h(buf);
    buf.set(digest, 8);
    try {
      return desCbcEncrypt(key, ivFor(key), buf);
    } finally {
      wipe(buf, digest);
    }
  };

  const decrypt = (key: Uint8Array, _usage: number, ciphertext: Uint8Array): Uint8Array => {
    if (ciphertext.length < header || ciphertext.length % 8 !== 0) {
      throw badCiphertext(
        name,
        ciphertext.length,
        `a multiple of 8, at least ${Math.ceil(header / 8) * 8} bytes`,
      );
    }
    const buf = desCbcDecrypt(key, ivFor(key), ciphertext);
    try {
      const got = buf.slice(8, header);
      buf.fill(0, 8, header);
      const expected = h(buf);
      const ok = bytesEqual(expected, got);
      wipe(got, expected);
      if (!ok) throw integrityFailure(name);
      return buf.slice(header);
    } finally {
      wipe(buf);
    }
  };

  return Object.freeze({
    confounderLength: 8,
    encrypt,
    decrypt,
    checksum: desConfounderChecksum(params.checksum),
    // The PRF of MIT krb5 up to 1.17 (krb5int_des_prf): DES-CBC(key, IV = 0, MD5(octet-string)).
    // No oracle is left to check it against (MIT 1.18 dropped single DES; Heimdal has no DES PRF).
    prf: (key: Uint8Array, input: Uint8Array) => {
      const digest = md5(input);
      try {
        return desCbcEncrypt(key, ZERO_IV, digest);
      } finally {
        wipe(digest);
      }
    },
    prfLength: 16,
  });
}

export const des =
  (params: DesParameters): FamilyFactory =>
  (spec) => ({
    family: 'des',
    seedLength: 7,
    stringToKey: async (password, salt) => desStringToKey(password, salt),
    // MIT k5_rand2key_des: 56 random bits to a key with parity (no weak-key check, like MIT).
    randomToKey: desRandomToKey,
    profile: desProfile(spec.name, params),
  });
