/**
 * The Camellia block cipher, RFC 3713 (M. Matsui, J. Nakajima, S. Moriai, April 2004):
 * 128-bit blocks, 128/192/256-bit keys.
 *
 * Kerberos uses it for camellia128-cts-cmac and camellia256-cts-cmac (RFC 6803), whose key
 * derivation is a CMAC over Camellia. @noble/ciphers omits Camellia.
 *
 * 64-bit quantities of the RFC are handled as two 32-bit halves (hi, lo); 128-bit ones as four
 * 32-bit words, most significant first. Written for clarity: Kerberos runs a handful of blocks
 * per key.
 */
import { KtError } from '../../errors.js';

// RFC 3713 section 2.4.4: SBOX1 (SBOX2..4 are derived from it, below).
const SBOX1 = Uint8Array.from([
  112, 130, 44, 236, 179, 39, 192, 229, 228, 133, 87, 53, 234, 12, 174, 65, 35, 239, 107, 147, 69,
  25, 165, 33, 237, 14, 79, 78, 29, 101, 146, 189, 134, 184, 175, 143, 124, 235, 31, 206, 62, 48,
  220, 95, 94, 197, 11, 26, 166, 225, 57, 202, 213, 71, 93, 61, 217, 1, 90, 214, 81, 86, 108, 77,
  139, 13, 154, 102, 251, 204, 176, 45, 116, 18, 43, 32, 240, 177, 132, 153, 223, 76, 203, 194, 52,
  126, 118, 5, 109, 183, 169, 49, 209, 23, 4, 215, 20, 88, 58, 97, 222, 27, 17, 28, 50, 15, 156, 22,
  83, 24, 242, 34, 254, 68, 207, 178, 195, 181, 122, 145, 36, 8, 232, 168, 96, 252, 105, 80, 170,
  208, 160, 125, 161, 137, 98, 151, 84, 91, 30, 149, 224, 255, 100, 210, 16, 196, 0, 72, 163, 247,
  117, 219, 138, 3, 230, 218, 9, 63, 221, 148, 135, 92, 131, 2, 205, 74, 144, 51, 115, 103, 246,
  243, 157, 127, 191, 226, 82, 155, 216, 38, 200, 55, 198, 59, 129, 150, 111, 75, 19, 190, 99, 46,
  233, 121, 167, 140, 159, 110, 188, 142, 41, 245, 249, 182, 47, 253, 180, 89, 120, 152, 6, 106,
  231, 70, 113, 186, 212, 37, 171, 66, 136, 162, 141, 250, 114, 7, 185, 85, 248, 238, 172, 10, 54,
  73, 42, 104, 60, 56, 241, 164, 64, 40, 211, 123, 187, 201, 67, 193, 21, 227, 173, 244, 119, 199,
  128, 158,
]);

const rotl8 = (x: number, n: number): number => ((x << n) | (x >>> (8 - n))) & 0xff;
// Section 2.4.4: SBOX2[x] = SBOX1[x] <<< 1; SBOX3[x] = SBOX1[x] <<< 7; SBOX4[x] = SBOX1[x <<< 1].
const SBOX2 = SBOX1.map((v) => rotl8(v, 1));
const SBOX3 = SBOX1.map((v) => rotl8(v, 7));
const SBOX4 = SBOX1.map((_, x) => SBOX1[rotl8(x, 1)]!);

// Section 2.2: the key-schedule constants Sigma1..Sigma6, as (hi, lo) halves.
// prettier-ignore
const SIGMA = [
  [0xa09e667f, 0x3bcc908b],
  [0xb67ae858, 0x4caa73b2],
  [0xc6ef372f, 0xe94f82be],
  [0x54ff53a5, 0xf1d36f1c],
  [0x10e527fa, 0xde682d1d],
  [0xb05688c2, 0xb3e6c1fd],
] as const;

type U64 = [hi: number, lo: number];
type U128 = [number, number, number, number];

const rotl32 = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/** Section 2.4.1, the F-function: S-boxes then the byte-mixing P-function. */
function F(inHi: number, inLo: number, kHi: number, kLo: number): U64 {
  const xh = (inHi ^ kHi) >>> 0;
  const xl = (inLo ^ kLo) >>> 0;
  const t1 = SBOX1[xh >>> 24]!;
  const t2 = SBOX2[(xh >>> 16) & 0xff]!;
  const t3 = SBOX3[(xh >>> 8) & 0xff]!;
  const t4 = SBOX4[xh & 0xff]!;
  const t5 = SBOX2[xl >>> 24]!;
  const t6 = SBOX3[(xl >>> 16) & 0xff]!;
  const t7 = SBOX4[(xl >>> 8) & 0xff]!;
  const t8 = SBOX1[xl & 0xff]!;
  const y1 = t1 ^ t3 ^ t4 ^ t6 ^ t7 ^ t8;
  const y2 = t1 ^ t2 ^ t4 ^ t5 ^ t7 ^ t8;
  const y3 = t1 ^ t2 ^ t3 ^ t5 ^ t6 ^ t8;
  const y4 = t2 ^ t3 ^ t4 ^ t5 ^ t6 ^ t7;
  const y5 = t1 ^ t2 ^ t6 ^ t7 ^ t8;
  const y6 = t2 ^ t3 ^ t5 ^ t7 ^ t8;
  const y7 = t3 ^ t4 ^ t5 ^ t6 ^ t8;
  const y8 = t1 ^ t4 ^ t5 ^ t6 ^ t7;
  return [
    ((y1 << 24) | (y2 << 16) | (y3 << 8) | y4) >>> 0,
    ((y5 << 24) | (y6 << 16) | (y7 << 8) | y8) >>> 0,
  ];
}

/** Section 2.4.2, FL: x2 ^= (x1 & k1) <<< 1; x1 ^= (x2 | k2). */
function FL(x: U64, kHi: number, kLo: number): U64 {
  const x2 = (x[1] ^ rotl32(x[0] & kHi, 1)) >>> 0;
  const x1 = (x[0] ^ (x2 | kLo)) >>> 0;
  return [x1, x2];
}

/** Section 2.4.3, FL^-1: y1 ^= (y2 | k2); y2 ^= (y1 & k1) <<< 1. */
function FLINV(y: U64, kHi: number, kLo: number): U64 {
  const y1 = (y[0] ^ (y[1] | kLo)) >>> 0;
  const y2 = (y[1] ^ rotl32(y1 & kHi, 1)) >>> 0;
  return [y1, y2];
}

function rotl128(v: U128, n: number): U128 {
  const q = n >>> 5;
  const r = n & 31;
  const w = (i: number): number => v[(i + q) % 4]!;
  const out: U128 = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++)
    out[i] = r === 0 ? w(i) : ((w(i) << r) | (w(i + 1) >>> (32 - r))) >>> 0;
  return out;
}

/**
 * Subkeys in the order the data randomizing part uses them. `k` holds 18 or 24 round keys,
 * `ke` 4 or 6 FL/FL^-1 keys, each as (hi, lo) word pairs.
 */
export interface CamelliaKeySchedule {
  readonly kwIn: Uint32Array;
  readonly k: Uint32Array;
  readonly ke: Uint32Array;
  readonly kwOut: Uint32Array;
}

// Section 2.2, the subkey tables: [source, rotation, half] per 64-bit subkey, in order
// kw1 kw2 | k1..k6 | ke1 ke2 | k7..k12 | ke3 ke4 | k13..k18 [| ke5 ke6 | k19..k24] | kw3 kw4.
type Source = 'KL' | 'KR' | 'KA' | 'KB';
type Part = readonly [Source, number, 'L' | 'R'];
const pair = (src: Source, rot: number): Part[] => [
  [src, rot, 'L'],
  [src, rot, 'R'],
];

// prettier-ignore
const SCHEDULE_128: readonly Part[] = [
  ...pair('KL', 0),
  ...pair('KA', 0), ...pair('KL', 15), ...pair('KA', 15),
  ...pair('KA', 30),
  ...pair('KL', 45), ['KA', 45, 'L'], ['KL', 60, 'R'], ...pair('KA', 60),
  ...pair('KL', 77),
  ...pair('KL', 94), ...pair('KA', 94), ...pair('KL', 111),
  ...pair('KA', 111),
];

// prettier-ignore
const SCHEDULE_256: readonly Part[] = [
  ...pair('KL', 0),
  ...pair('KB', 0), ...pair('KR', 15), ...pair('KA', 15),
  ...pair('KR', 30),
  ...pair('KB', 30), ...pair('KL', 45), ...pair('KA', 45),
  ...pair('KL', 60),
  ...pair('KR', 60), ...pair('KB', 60), ...pair('KL', 77),
  ...pair('KA', 77),
  ...pair('KR', 94), ...pair('KA', 94), ...pair('KL', 111),
  ...pair('KB', 111),
];

function words(bytes: Uint8Array, off: number, n: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + off, 4 * n);
  return Array.from({ length: n }, (_, i) => view.getUint32(4 * i));
}

/** Section 2.2: KL/KR from the key, KA/KB from them through the F-function, then the subkeys. */
export function camelliaKeySchedule(key: Uint8Array): CamelliaKeySchedule {
  let kl: U128;
  let kr: U128;
  if (key.length === 16) {
    kl = words(key, 0, 4) as U128;
    kr = [0, 0, 0, 0];
  } else if (key.length === 24) {
    // A 192-bit key: KR = the rightmost 64 bits || their complement.
    kl = words(key, 0, 4) as U128;
    const [a, b] = words(key, 16, 2) as [number, number];
    kr = [a, b, ~a >>> 0, ~b >>> 0];
  } else if (key.length === 32) {
    kl = words(key, 0, 4) as U128;
    kr = words(key, 16, 4) as U128;
  } else {
    throw new KtError('KEY_BAD_LENGTH', `a Camellia key is 16, 24 or 32 bytes, got ${key.length}`);
  }
  const sigma = (i: number): readonly [number, number] => SIGMA[i]!;
  let d1: U64 = [(kl[0] ^ kr[0]) >>> 0, (kl[1] ^ kr[1]) >>> 0];
  let d2: U64 = [(kl[2] ^ kr[2]) >>> 0, (kl[3] ^ kr[3]) >>> 0];
  const step = (into: U64, from: U64, s: number): U64 => {
    const f = F(from[0], from[1], sigma(s)[0], sigma(s)[1]);
    return [(into[0] ^ f[0]) >>> 0, (into[1] ^ f[1]) >>> 0];
  };
  d2 = step(d2, d1, 0);
  d1 = step(d1, d2, 1);
  d1 = [(d1[0] ^ kl[0]) >>> 0, (d1[1] ^ kl[1]) >>> 0];
  d2 = [(d2[0] ^ kl[2]) >>> 0, (d2[1] ^ kl[3]) >>> 0];
  d2 = step(d2, d1, 2);
  d1 = step(d1, d2, 3);
  const ka: U128 = [d1[0], d1[1], d2[0], d2[1]];
  d1 = [(ka[0] ^ kr[0]) >>> 0, (ka[1] ^ kr[1]) >>> 0];
  d2 = [(ka[2] ^ kr[2]) >>> 0, (ka[3] ^ kr[3]) >>> 0];
  d2 = step(d2, d1, 4);
  d1 = step(d1, d2, 5);
  const kb: U128 = [d1[0], d1[1], d2[0], d2[1]];

  const sources: Record<Source, U128> = { KL: kl, KR: kr, KA: ka, KB: kb };
  const table = key.length === 16 ? SCHEDULE_128 : SCHEDULE_256;
  const all = new Uint32Array(table.length * 2);
  table.forEach(([src, rot, half], i) => {
    const r = rotl128(sources[src], rot);
    all[2 * i] = half === 'L' ? r[0] : r[2];
    all[2 * i + 1] = half === 'L' ? r[1] : r[3];
    r.fill(0);
  });
  for (const v of [kl, kr, ka, kb, d1, d2]) v.fill(0);

  // Split the flat list: kw1 kw2, then groups of 6 round keys separated by FL key pairs.
  const groups = key.length === 16 ? 3 : 4;
  const k = new Uint32Array(groups * 12);
  const ke = new Uint32Array((groups - 1) * 4);
  let at = 4;
  for (let g = 0; g < groups; g++) {
    if (g > 0) {
      ke.set(all.subarray(at, at + 4), (g - 1) * 4);
      at += 4;
    }
    k.set(all.subarray(at, at + 12), g * 12);
    at += 12;
  }
  const schedule = { kwIn: all.slice(0, 4), k, ke, kwOut: all.slice(at, at + 4) };
  all.fill(0);
  return schedule;
}

/** Reverses a list of (hi, lo) pairs. */
function reversePairs(v: Uint32Array): Uint32Array {
  const out = new Uint32Array(v.length);
  for (let i = 0; i < v.length; i += 2) {
    out[v.length - 2 - i] = v[i]!;
    out[v.length - 1 - i] = v[i + 1]!;
  }
  return out;
}

/**
 * Section 2.3.3: decryption is encryption with the subkeys in reverse order (kw3/kw4 first,
 * k18..k1 or k24..k1, the FL key pairs reversed, kw1/kw2 last).
 */
export function camelliaDecryptionSchedule(s: CamelliaKeySchedule): CamelliaKeySchedule {
  return {
    kwIn: s.kwOut.slice(),
    k: reversePairs(s.k),
    ke: reversePairs(s.ke),
    kwOut: s.kwIn.slice(),
  };
}

export function wipeCamelliaSchedule(s: CamelliaKeySchedule): void {
  s.kwIn.fill(0);
  s.k.fill(0);
  s.ke.fill(0);
  s.kwOut.fill(0);
}

/** Section 2.3 (2.3.1 for 128-bit keys, 2.3.2 for 192/256): one 16-byte block. */
export function camelliaBlock(s: CamelliaKeySchedule, input: Uint8Array): Uint8Array {
  if (input.length !== 16)
    throw new KtError('INPUT_INVALID', `Camellia works on 16-byte blocks, got ${input.length}`);
  const [m0, m1, m2, m3] = words(input, 0, 4) as [number, number, number, number];
  let d1: U64 = [(m0 ^ s.kwIn[0]!) >>> 0, (m1 ^ s.kwIn[1]!) >>> 0];
  let d2: U64 = [(m2 ^ s.kwIn[2]!) >>> 0, (m3 ^ s.kwIn[3]!) >>> 0];
  const groups = s.k.length / 12;
  for (let g = 0; g < groups; g++) {
    if (g > 0) {
      const e = (g - 1) * 4;
      d1 = FL(d1, s.ke[e]!, s.ke[e + 1]!);
      d2 = FLINV(d2, s.ke[e + 2]!, s.ke[e + 3]!);
    }
    for (let r = 0; r < 6; r += 2) {
      const k = (g * 6 + r) * 2;
      let f = F(d1[0], d1[1], s.k[k]!, s.k[k + 1]!);
      d2 = [(d2[0] ^ f[0]) >>> 0, (d2[1] ^ f[1]) >>> 0];
      f = F(d2[0], d2[1], s.k[k + 2]!, s.k[k + 3]!);
      d1 = [(d1[0] ^ f[0]) >>> 0, (d1[1] ^ f[1]) >>> 0];
    }
  }
  // The output is (D2 ^ kw3) || (D1 ^ kw4): the halves swap at the end.
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, d2[0] ^ s.kwOut[0]!);
  view.setUint32(4, d2[1] ^ s.kwOut[1]!);
  view.setUint32(8, d1[0] ^ s.kwOut[2]!);
  view.setUint32(12, d1[1] ^ s.kwOut[3]!);
  return out;
}

/** Encrypts one 16-byte block under `key` (16, 24 or 32 bytes). */
export function camelliaEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const s = camelliaKeySchedule(key);
  try {
    return camelliaBlock(s, block);
  } finally {
    wipeCamelliaSchedule(s);
  }
}

/** Decrypts one 16-byte block under `key`. */
export function camelliaDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const enc = camelliaKeySchedule(key);
  const dec = camelliaDecryptionSchedule(enc);
  try {
    return camelliaBlock(dec, block);
  } finally {
    wipeCamelliaSchedule(enc);
    wipeCamelliaSchedule(dec);
  }
}

function checkCbc(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16)
    throw new KtError('INPUT_INVALID', `Camellia-CBC: the IV is 16 bytes, got ${iv.length}`);
  if (data.length % 16 !== 0) {
    throw new KtError(
      'INPUT_INVALID',
      `Camellia-CBC: input must be whole 16-byte blocks, got ${data.length}`,
    );
  }
}

/** Camellia-CBC over whole blocks, no padding (RFC 6803 builds CBC-CTS on it). */
export function camelliaCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbc(iv, data);
  const s = camelliaKeySchedule(key);
  const out = new Uint8Array(data.length);
  const x = new Uint8Array(16);
  try {
    // C[i] = E(P[i] xor C[i-1]), C[0] = IV.
    for (let off = 0; off < data.length; off += 16) {
      for (let i = 0; i < 16; i++)
        x[i] = data[off + i]! ^ (off === 0 ? iv[i]! : out[off - 16 + i]!);
      out.set(camelliaBlock(s, x), off);
    }
    return out;
  } finally {
    x.fill(0);
    wipeCamelliaSchedule(s);
  }
}

export function camelliaCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbc(iv, data);
  const enc = camelliaKeySchedule(key);
  const dec = camelliaDecryptionSchedule(enc);
  const out = new Uint8Array(data.length);
  try {
    // P[i] = D(C[i]) xor C[i-1].
    for (let off = 0; off < data.length; off += 16) {
      const p = camelliaBlock(dec, data.subarray(off, off + 16));
      for (let i = 0; i < 16; i++)
        out[off + i] = p[i]! ^ (off === 0 ? iv[i]! : data[off - 16 + i]!);
      p.fill(0);
    }
    return out;
  } finally {
    wipeCamelliaSchedule(enc);
    wipeCamelliaSchedule(dec);
  }
}
