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
 */
import { concatBytes, wipe } from '../../bytes.js';
import { desCbcEncrypt, desFixParity, isDesWeakKey } from '../primitives/des.js';
import { desRandomToKey } from '../rfc3961.js';
import type { FamilyFactory } from './types.js';

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

export const des: FamilyFactory = () => ({
  family: 'des',
  seedLength: 7,
  stringToKey: async (password, salt) => desStringToKey(password, salt),
  // MIT k5_rand2key_des: 56 random bits to a key with parity (no weak-key check, like MIT).
  randomToKey: desRandomToKey,
});
