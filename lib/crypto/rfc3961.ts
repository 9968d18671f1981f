/**
 * Shared machinery of RFC 3961 (Encryption and Checksum Specifications for Kerberos 5):
 * n-fold (section 5.1), the simplified-profile key derivation DR/DK (section 5.1), the
 * well-known constants of the simplified profile (section 5.3), the DES-family random-to-key
 * functions (section 6.2, 6.3.1), and the simplified profile itself (section 5.3: encryption,
 * checksum and PRF from a cipher, a MAC and a key derivation), which des3-cbc-sha1, RFC 3962,
 * RFC 6803 and RFC 8009 instantiate with their parameters.
 */
import { KtError } from '../errors.js';
import { bytesEqual, concatBytes, utf8, wipe } from '../bytes.js';
import type { ChecksumFunctions, EncryptionProfile, RandomSource } from './families/types.js';
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
  if (!Number.isInteger(outBytes) || outBytes < 1)
    throw new KtError('INTERNAL', `n-fold: bad output size ${outBytes}`);
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
    for (let k = 0; k < 8; k++)
      v = (v << 1) | bitAt((((first + k - rot) % inBits) + inBits) % inBits);
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
export function dr(
  cipher: DerivationCipher,
  key: Uint8Array,
  constant: Uint8Array,
  seedBytes: number,
): Uint8Array {
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
  if (seed.length !== 7)
    throw new KtError('KEY_BAD_LENGTH', `DES random-to-key takes 7 bytes, got ${seed.length}`);
  return sevenToEight(seed, 0);
}

/**
 * DES3 random-to-key (RFC 3961 section 6.3.1): the 168 random bits are three 56-bit pieces,
 * each turned into a DES key as above. Like MIT, no weak-key check here.
 */
export function des3RandomToKey(seed: Uint8Array): Uint8Array {
  if (seed.length !== 21)
    throw new KtError('KEY_BAD_LENGTH', `DES3 random-to-key takes 21 bytes, got ${seed.length}`);
  const parts = [sevenToEight(seed, 0), sevenToEight(seed, 7), sevenToEight(seed, 14)];
  const out = concatBytes(...parts);
  wipe(...parts);
  return out;
}

// --- the simplified profile (RFC 3961 section 5.3) ---------------------------------------

/**
 * A block cipher in CBC mode over whole blocks, without padding: E and D of RFC 3961 section
 * 5.2 before any ciphertext stealing. Keys are raw bytes; every call schedules its key.
 */
export interface CbcCipher {
  readonly blockSize: number;
  encrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/**
 * E and D with the initial cipher state, as a simplified profile uses them: plain CBC with a
 * zero IV (des3-cbc-sha1, RFC 3961 section 6.3) or CBC with ciphertext stealing (RFC 3962
 * section 5, used by RFC 6803 and RFC 8009 too). `minLength` is the shortest input E accepts.
 */
export interface ProfileCipher {
  readonly blockSize: number;
  /** The plaintext is padded to a multiple of this (RFC 3961 "message block size" m): 8 for CBC, 1 for CTS. */
  readonly padTo: number;
  encrypt(key: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** CBC with the all-zero IV over data already padded to whole blocks. */
export function zeroIvCbc(cipher: CbcCipher): ProfileCipher {
  const iv = new Uint8Array(cipher.blockSize);
  return Object.freeze({
    blockSize: cipher.blockSize,
    padTo: cipher.blockSize,
    encrypt: (key: Uint8Array, data: Uint8Array) => cipher.encrypt(key, iv, data),
    decrypt: (key: Uint8Array, data: Uint8Array) => cipher.decrypt(key, iv, data),
  });
}

/** The parameters that make one simplified-profile enctype (RFC 3961 section 5.2). */
export interface SimplifiedProfileParams {
  readonly cipher: ProfileCipher;
  /** HMAC (or CMAC, RFC 6803) of the integrity key, untruncated. */
  readonly mac: (key: Uint8Array, data: Uint8Array) => Uint8Array;
  /** h: bytes of the MAC kept in ciphertexts and checksums. */
  readonly macLength: number;
  /** Kc/Ke/Ki of a usage: DK (RFC 3961), KDF-FEEDBACK-CMAC (RFC 6803), KDF-HMAC-SHA2 (RFC 8009). */
  readonly deriveKey: (baseKey: Uint8Array, usage: number, kind: KeyKind) => Uint8Array;
  /**
   * What the MAC covers: the confounded plaintext (RFC 3961 section 5.3, MAC-then-encrypt), or
   * the initial cipher state and the ciphertext (RFC 8009 section 5, encrypt-then-MAC).
   */
  readonly macCovers: 'plaintext' | 'iv-and-ciphertext';
  readonly prf: (baseKey: Uint8Array, input: Uint8Array) => Uint8Array;
  readonly prfLength: number;
}

/** CRYPTO_BAD_CIPHERTEXT with the numbers that show why. */
export function badCiphertext(what: string, length: number, expected: string): KtError {
  return new KtError(
    'CRYPTO_BAD_CIPHERTEXT',
    `${what}: a ciphertext of ${length} bytes is impossible (${expected})`,
    {
      details: { length, expected },
    },
  );
}

/** CRYPTO_INTEGRITY: the checksum or MAC in the ciphertext does not verify. */
export function integrityFailure(what: string): KtError {
  return new KtError('CRYPTO_INTEGRITY', undefined, {
    details: { enctype: what },
    hint: 'the key (or its kvno, or the key usage) is not the one the data was encrypted with',
  });
}

/** The first `n` bytes of a MAC; the full MAC is wiped. */
function truncated(mac: Uint8Array, n: number): Uint8Array {
  const out = mac.slice(0, n);
  wipe(mac);
  return out;
}

/**
 * The encryption profile of a simplified-profile enctype (RFC 3961 section 5.3):
 *
 *   conf = random-string(c); pad = zeros to a multiple of m
 *   C1 = E(Ke, conf | plaintext | pad, initial-cipher-state)
 *   H1 = HMAC(Ki, conf | plaintext | pad)                       (RFC 3961)
 *   H1 = HMAC(Ki, initial-cipher-state | C1)                     (RFC 8009 section 5)
 *   ciphertext = C1 | H1[1..h]
 *
 *   get_mic = HMAC(Kc, msg)[1..h]
 *
 * Decryption checks H1 in constant time; RFC 8009 checks it before decrypting anything.
 */
export function simplifiedProfile(name: string, p: SimplifiedProfileParams): EncryptionProfile {
  const { cipher, macLength: h } = p;
  const c = cipher.blockSize;
  const initialState = new Uint8Array(c);
  const macOf = (ki: Uint8Array, data: Uint8Array): Uint8Array => truncated(p.mac(ki, data), h);
  const withKeys = <T>(
    baseKey: Uint8Array,
    usage: number,
    use: (ke: Uint8Array, ki: Uint8Array) => T,
  ): T => {
    const ke = p.deriveKey(baseKey, usage, 'Ke');
    const ki = p.deriveKey(baseKey, usage, 'Ki');
    try {
      return use(ke, ki);
    } finally {
      wipe(ke, ki);
    }
  };

  const encrypt = (
    baseKey: Uint8Array,
    usage: number,
    plaintext: Uint8Array,
    confounder: Uint8Array,
  ): Uint8Array =>
    withKeys(baseKey, usage, (ke, ki) => {
      const length = c + plaintext.length;
      const padded = new Uint8Array(Math.ceil(length / cipher.padTo) * cipher.padTo);
      padded.set(confounder);
      padded.set(plaintext, c);
      try {
        const c1 = cipher.encrypt(ke, padded);
        const macInput = p.macCovers === 'plaintext' ? padded : concatBytes(initialState, c1);
        const h1 = macOf(ki, macInput);
        const out = concatBytes(c1, h1);
        wipe(h1);
        return out;
      } finally {
        wipe(padded);
      }
    });

  const decrypt = (baseKey: Uint8Array, usage: number, ciphertext: Uint8Array): Uint8Array => {
    const bodyLength = ciphertext.length - h;
    // E of the confounder alone is one block; CBC output is whole blocks, CTS output is any
    // length from one block up.
    if (bodyLength < c || bodyLength % cipher.padTo !== 0) {
      throw badCiphertext(name, ciphertext.length, `${c} + n*${cipher.padTo} + ${h} bytes`);
    }
    const c1 = ciphertext.subarray(0, bodyLength);
    const h1 = ciphertext.subarray(bodyLength);
    return withKeys(baseKey, usage, (ke, ki) => {
      if (p.macCovers === 'iv-and-ciphertext') {
        const expected = macOf(ki, concatBytes(initialState, c1));
        const ok = bytesEqual(expected, h1);
        wipe(expected);
        if (!ok) throw integrityFailure(name);
        const plain = cipher.decrypt(ke, c1);
        const out = plain.slice(c);
        wipe(plain);
        return out;
      }
      const plain = cipher.decrypt(ke, c1);
      try {
        const expected = macOf(ki, plain);
        const ok = bytesEqual(expected, h1);
        wipe(expected);
        if (!ok) throw integrityFailure(name);
        return plain.slice(c);
      } finally {
        wipe(plain);
      }
    });
  };

  const checksum: ChecksumFunctions = Object.freeze({
    size: h,
    make: (baseKey: Uint8Array, usage: number, data: Uint8Array) => {
      const kc = p.deriveKey(baseKey, usage, 'Kc');
      try {
        return macOf(kc, data);
      } finally {
        wipe(kc);
      }
    },
    verify: (baseKey: Uint8Array, usage: number, data: Uint8Array, mac: Uint8Array) => {
      const expected = checksum.make(baseKey, usage, data, noRandom);
      const ok = bytesEqual(expected, mac);
      wipe(expected);
      return ok;
    },
  });

  return Object.freeze({
    confounderLength: c,
    encrypt,
    decrypt,
    checksum,
    prf: p.prf,
    prfLength: p.prfLength,
  });
}

/** For checksums that take no confounder: asking it for bytes is a bug. */
export const noRandom: RandomSource = () => {
  throw new KtError('INTERNAL', 'this checksum does not use random bytes');
};

/** The constant "prf" of the pseudo-random functions (RFC 3961 section 5.3, RFC 6803, RFC 8009). */
export function prfConstant(): Uint8Array {
  return utf8('prf');
}

/**
 * The simplified-profile PRF (RFC 3961 section 5.3):
 *
 *   tmp1 = H(octet-string)
 *   tmp2 = truncate tmp1 to multiple of m
 *   PRF = E(DK(protocol-key, prfconstant), tmp2, initial-cipher-state)
 *
 * H is SHA-1 for des3-cbc-sha1 and the RFC 3962 enctypes; m is the cipher block size, so the
 * 20-byte hash keeps 16 bytes and the PRF output is 16 bytes.
 */
export function dkPrf(
  hash: (data: Uint8Array) => Uint8Array,
  cipher: ProfileCipher,
  kdf: (key: Uint8Array, constant: Uint8Array) => Uint8Array,
): (baseKey: Uint8Array, input: Uint8Array) => Uint8Array {
  return (baseKey, input) => {
    const tmp1 = hash(input);
    const tmp2 = tmp1.slice(0, tmp1.length - (tmp1.length % cipher.blockSize));
    const key = kdf(baseKey, prfConstant());
    try {
      return cipher.encrypt(key, tmp2);
    } finally {
      wipe(tmp1, tmp2, key);
    }
  };
}
