/**
 * MD4 message digest, RFC 1320 (R. Rivest, April 1992).
 *
 * Kerberos needs MD4 for one thing: the RC4-HMAC key is the NT hash, MD4(UTF-16LE(password))
 * (RFC 4757 section 4). MD4 is broken as a hash; it is here because that key definition is fixed
 * and every KDC and Windows domain controller computes it this way. @noble/hashes omits MD4.
 */

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

// RFC 1320 section 3.4: the three auxiliary functions.
const F = (x: number, y: number, z: number): number => (x & y) | (~x & z);
const G = (x: number, y: number, z: number): number => (x & y) | (x & z) | (y & z);
const H = (x: number, y: number, z: number): number => x ^ y ^ z;

// Section 3.4: round 2 adds the square root of 2, round 3 the square root of 3 (as 32-bit words).
const ROUND2_CONSTANT = 0x5a827999;
const ROUND3_CONSTANT = 0x6ed9eba1;

// The word order and the shift amounts of the 16 operations of each round, read off the
// operation lists of section 3.4 (e.g. round 2 is "[ABCD 0 3] [DABC 4 5] [CDAB 8 9] ...").
const ORDER1 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
const ORDER2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] as const;
const ORDER3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;
const SHIFT1 = [3, 7, 11, 19] as const;
const SHIFT2 = [3, 5, 9, 13] as const;
const SHIFT3 = [3, 9, 11, 15] as const;

/** MD4 of a message; returns the 16-byte digest. */
export function md4(message: Uint8Array): Uint8Array {
  // Section 3.1/3.2: append a 1 bit, zeros up to 56 mod 64 bytes, then the bit length as a
  // 64-bit little-endian number.
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = message.length * 8;
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 0x1_0000_0000), true);

  // Section 3.3: the initial registers.
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Int32Array(16);

  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getInt32(block + 4 * i, true);
    const [aa, bb, cc, dd] = [a, b, c, d];
    // Each operation "[abcd k s]" sets a = (a + f(b,c,d) + X[k] + constant) <<< s; the register
    // names rotate (ABCD, DABC, CDAB, BCDA), done here by shifting the four variables.
    for (let i = 0; i < 16; i++) {
      const t = rotl((a + F(b, c, d) + x[ORDER1[i]!]!) | 0, SHIFT1[i & 3]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const t = rotl((a + G(b, c, d) + x[ORDER2[i]!]! + ROUND2_CONSTANT) | 0, SHIFT2[i & 3]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const t = rotl((a + H(b, c, d) + x[ORDER3[i]!]! + ROUND3_CONSTANT) | 0, SHIFT3[i & 3]!);
      [a, b, c, d] = [d, t, b, c];
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }

  // Section 3.5: the digest is A, B, C, D, each little-endian. The padded copy held the
  // message (a password, for RC4): zero it.
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  outView.setInt32(0, a, true);
  outView.setInt32(4, b, true);
  outView.setInt32(8, c, true);
  outView.setInt32(12, d, true);
  padded.fill(0);
  x.fill(0);
  return out;
}
