/**
 * Shared machinery of RFC 3961 (Encryption and Checksum Specifications for Kerberos 5):
 * n-fold (section 5.1), the simplified-profile key derivation DR/DK (section 5.1), the
 * well-known constants of the simplified profile (section 5.3) and the DES-family random-to-key
 * functions (section 6.2, 6.3.1).
 */
import { KtError } from '../errors.js';
import { concatBytes, utf8, wipe } from '../bytes.js';
import { desFixParity } from './primitives/des.js';

/**
 * n-fold (RFC 3961 section 5.1): "replicate the input value to a length that is the least
 * common multiple of n and the length of the input. Before each repetition, the input is
 * rotated to the right by 13 bit positions. The successive n-bit chunks are added together using
 * 1's-complement addition (that is, with end-around carry)."
 *
 * `outBytes` is n/8: every n Kerberos uses is a whole number of bytes. An empty input folds to
 * zeros, as in MIT's krb5int_nfold (the least common multiple is 0, so nothing is added).
 */
export function nfold(input: Uint8Array, outBytes: number): Uint8Array {
  if (!Number.isInteger(outBytes) || outBytes < 1) throw new KtError('INTERNAL', `n-fold: bad output size ${outBytes}`);
  const out = new Uint8Array(outBytes);
  const inBytes = input.length;
  if (inBytes === 0) return out;
  const inBits = inBytes * 8;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const lcm = (inBytes * outBytes) / gcd(inBytes, outBytes);

  // Byte `at` of the replicated string: copy number floor(at / inBytes), rotated right by
  // 13 bits per copy. Bit j of a copy rotated right by r is bit (j - r) mod inBits of the input.
  const bitAt = (pos: number): number => (input[pos >> 3]! >>> (7 - (pos & 7))) & 1;
  const replicatedByte = (at: number): number => {
    const copy = Math.floor(at / inBytes);
    const rot = (13 * copy) % inBits;
    const first = (at % inBytes) * 8;
    let v = 0;
    for (let k = 0; k < 8; k++) v = (v << 1) | bitAt((((first + k - rot) % inBits) + inBits) % inBits);
    return v;
  };

  // 1's-complement sum of the lcm/outBytes chunks: add each chunk with carry from the last
  // byte, then feed the carry out of the top back in at the bottom.
  const chunk = new Uint8Array(outBytes);
  for (let start = 0; start < lcm; start += outBytes) {
    for (let i = 0; i < outBytes; i++) chunk[i] = replicatedByte(start + i);
    let carry = 0;
    for (let i = outBytes - 1; i >= 0; i--) {
      const sum = out[i]! + chunk[i]! + carry;
      out[i] = sum & 0xff;
      carry = sum >>> 8;
    }
    for (let i = outBytes - 1; carry !== 0 && i >= 0; i--) {
      const sum = out[i]! + carry;
      out[i] = sum & 0xff;
      carry = sum >>> 8;
    }
  }
  wipe(chunk);
  return out;
}

/**
 * The block cipher of an enctype, as RFC 3961's simplified profile uses it for key derivation:
 * E(Key, data) in CBC mode with the all-zero initial cipher state, over whole blocks.
 */
export interface DerivationCipher {
  readonly blockSize: number;
  encryptCbcZeroIv(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/**
 * DR(Key, Constant) = k-truncate(E(Key, Constant, initial-cipher-state)), iterated
 * (RFC 3961 section 5.1): K1 = E(Key, n-fold(Constant)), K2 = E(Key, K1), ... and the result is
 * the first `seedBytes` bytes of K1 || K2 || ...
 *
 * The iteration is one CBC pass over n-fold(Constant) followed by zero blocks: with a zero IV,
 * CBC block i is E(Key, block i-1 XOR 0) = E(Key, K(i-1)).
 */
export function dr(cipher: DerivationCipher, key: Uint8Array, constant: Uint8Array, seedBytes: number): Uint8Array {
  const blocks = Math.ceil(seedBytes / cipher.blockSize);
  const input = new Uint8Array(blocks * cipher.blockSize);
  input.set(nfold(constant, cipher.blockSize));
  const stream = cipher.encryptCbcZeroIv(key, input);
  const out = stream.slice(0, seedBytes);
  wipe(stream);
  return out;
}

/** DK(Key, Constant) = random-to-key(DR(Key, Constant)) (RFC 3961 section 5.1). */
export function dk(
  cipher: DerivationCipher,
  key: Uint8Array,
  constant: Uint8Array,
  seedBytes: number,
  randomToKey: (seed: Uint8Array) => Uint8Array,
): Uint8Array {
  const seed = dr(cipher, key, constant, seedBytes);
  try {
    return randomToKey(seed);
  } finally {
    wipe(seed);
  }
}

/** The three derived keys of a base key per usage: checksum, encryption, integrity. */
export type KeyKind = 'Kc' | 'Ke' | 'Ki';

// RFC 3961 section 5.3: Kc = DK(base-key, usage | 0x99), Ke = DK(base-key, usage | 0xAA),
// Ki = DK(base-key, usage | 0x55), the usage as a 32-bit big-endian number. RFC 6803 and
// RFC 8009 reuse the same labels.
const KIND_OCTET: Readonly<Record<KeyKind, number>> = { Kc: 0x99, Ke: 0xaa, Ki: 0x55 };

/** The 5-byte well-known constant for a key usage and kind (RFC 3961 section 5.3). */
export function usageConstant(usage: number, kind: KeyKind): Uint8Array {
  if (!Number.isInteger(usage) || usage < 0 || usage > 0xffffffff) {
    throw new KtError('INPUT_INVALID', `key usage must be an integer 0..2^32-1, got ${usage}`);
  }
  const out = new Uint8Array(5);
  new DataView(out.buffer).setUint32(0, usage);
  out[4] = KIND_OCTET[kind];
  return out;
}

/** The ASCII constant "kerberos" that every derived-key string-to-key feeds to DK/KDF. */
export function kerberosConstant(): Uint8Array {
  return utf8('kerberos');
}

/**
 * 56 random bits to a DES key (RFC 3961 section 6.3.1, the per-key step of DES3 random-to-key,
 * as MIT implements it): the seven bytes become the top seven bits of eight key bytes; the
 * eighth byte collects the low bit of each of the seven, shifted to bits 1..7; then every byte
 * gets odd parity.
 */
function sevenToEight(seed: Uint8Array, off: number): Uint8Array {
  const k = new Uint8Array(8);
  let eighth = 0;
  for (let i = 0; i < 7; i++) {
    const b = seed[off + i]!;
    k[i] = b;
    eighth |= (b & 1) << (i + 1);
  }
  k[7] = eighth;
  const out = desFixParity(k);
  wipe(k);
  return out;
}

/** DES random-to-key: 7 random bytes to an 8-byte key with parity (MIT k5_rand2key_des). */
export function desRandomToKey(seed: Uint8Array): Uint8Array {
  if (seed.length !== 7) throw new KtError('KEY_BAD_LENGTH', `DES random-to-key takes 7 bytes, got ${seed.length}`);
  return sevenToEight(seed, 0);
}

/**
 * DES3 random-to-key (RFC 3961 section 6.3.1): the 168 random bits are three 56-bit pieces,
 * each turned into a DES key as above. Like MIT, no weak-key check here.
 */
export function des3RandomToKey(seed: Uint8Array): Uint8Array {
  if (seed.length !== 21) throw new KtError('KEY_BAD_LENGTH', `DES3 random-to-key takes 21 bytes, got ${seed.length}`);
  const parts = [sevenToEight(seed, 0), sevenToEight(seed, 7), sevenToEight(seed, 14)];
  const out = concatBytes(...parts);
  wipe(...parts);
  return out;
}
