/**
 * DES (FIPS 46-3) and Triple DES EDE (NIST SP 800-67), ECB and CBC (FIPS 81), plus the key
 * helpers Kerberos uses: odd parity and the weak-key table of FIPS 74.
 *
 * Kerberos needs single DES for des-cbc-crc/md4/md5 string-to-key (RFC 3961 section 6.2) and
 * 3DES for des3-cbc-sha1 key derivation (RFC 3961 section 6.3). @noble/ciphers omits both.
 * Written for clarity, not speed: Kerberos runs it over a few blocks per key.
 *
 * Bit numbering follows FIPS 46-3: bit 1 is the most significant bit of the first byte.
 */
import { KtError } from '../../errors.js';

// FIPS 46-3, "Initial Permutation IP". The final permutation is its inverse (computed below).
// prettier-ignore
const IP = [
  58, 50, 42, 34, 26, 18, 10,  2,
  60, 52, 44, 36, 28, 20, 12,  4,
  62, 54, 46, 38, 30, 22, 14,  6,
  64, 56, 48, 40, 32, 24, 16,  8,
  57, 49, 41, 33, 25, 17,  9,  1,
  59, 51, 43, 35, 27, 19, 11,  3,
  61, 53, 45, 37, 29, 21, 13,  5,
  63, 55, 47, 39, 31, 23, 15,  7,
] as const;

// FIPS 46-3, the primitive function P (applied to the 32 S-box output bits).
// prettier-ignore
const P = [
  16,  7, 20, 21,
  29, 12, 28, 17,
   1, 15, 23, 26,
   5, 18, 31, 10,
   2,  8, 24, 14,
  32, 27,  3,  9,
  19, 13, 30,  6,
  22, 11,  4, 25,
] as const;

// FIPS 46-3, the selection functions S1..S8, each 4 rows of 16 columns.
// prettier-ignore
const S = [
  [ // S1
    14,  4, 13,  1,  2, 15, 11,  8,  3, 10,  6, 12,  5,  9,  0,  7,
     0, 15,  7,  4, 14,  2, 13,  1, 10,  6, 12, 11,  9,  5,  3,  8,
     4,  1, 14,  8, 13,  6,  2, 11, 15, 12,  9,  7,  3, 10,  5,  0,
    15, 12,  8,  2,  4,  9,  1,  7,  5, 11,  3, 14, 10,  0,  6, 13,
  ],
  [ // S2
    15,  1,  8, 14,  6, 11,  3,  4,  9,  7,  2, 13, 12,  0,  5, 10,
     3, 13,  4,  7, 15,  2,  8, 14, 12,  0,  1, 10,  6,  9, 11,  5,
     0, 14,  7, 11, 10,  4, 13,  1,  5,  8, 12,  6,  9,  3,  2, 15,
    13,  8, 10,  1,  3, 15,  4,  2, 11,  6,  7, 12,  0,  5, 14,  9,
  ],
  [ // S3
    10,  0,  9, 14,  6,  3, 15,  5,  1, 13, 12,  7, 11,  4,  2,  8,
    13,  7,  0,  9,  3,  4,  6, 10,  2,  8,  5, 14, 12, 11, 15,  1,
    13,  6,  4,  9,  8, 15,  3,  0, 11,  1,  2, 12,  5, 10, 14,  7,
     1, 10, 13,  0,  6,  9,  8,  7,  4, 15, 14,  3, 11,  5,  2, 12,
  ],
  [ // S4
     7, 13, 14,  3,  0,  6,  9, 10,  1,  2,  8,  5, 11, 12,  4, 15,
    13,  8, 11,  5,  6, 15,  0,  3,  4,  7,  2, 12,  1, 10, 14,  9,
    10,  6,  9,  0, 12, 11,  7, 13, 15,  1,  3, 14,  5,  2,  8,  4,
     3, 15,  0,  6, 10,  1, 13,  8,  9,  4,  5, 11, 12,  7,  2, 14,
  ],
  [ // S5
     2, 12,  4,  1,  7, 10, 11,  6,  8,  5,  3, 15, 13,  0, 14,  9,
    14, 11,  2, 12,  4,  7, 13,  1,  5,  0, 15, 10,  3,  9,  8,  6,
     4,  2,  1, 11, 10, 13,  7,  8, 15,  9, 12,  5,  6,  3,  0, 14,
    11,  8, 12,  7,  1, 14,  2, 13,  6, 15,  0,  9, 10,  4,  5,  3,
  ],
  [ // S6
    12,  1, 10, 15,  9,  2,  6,  8,  0, 13,  3,  4, 14,  7,  5, 11,
    10, 15,  4,  2,  7, 12,  9,  5,  6,  1, 13, 14,  0, 11,  3,  8,
     9, 14, 15,  5,  2,  8, 12,  3,  7,  0,  4, 10,  1, 13, 11,  6,
     4,  3,  2, 12,  9,  5, 15, 10, 11, 14,  1,  7,  6,  0,  8, 13,
  ],
  [ // S7
     4, 11,  2, 14, 15,  0,  8, 13,  3, 12,  9,  7,  5, 10,  6,  1,
    13,  0, 11,  7,  4,  9,  1, 10, 14,  3,  5, 12,  2, 15,  8,  6,
     1,  4, 11, 13, 12,  3,  7, 14, 10, 15,  6,  8,  0,  5,  9,  2,
     6, 11, 13,  8,  1,  4, 10,  7,  9,  5,  0, 15, 14,  2,  3, 12,
  ],
  [ // S8
    13,  2,  8,  4,  6, 15, 11,  1, 10,  9,  3, 14,  5,  0, 12,  7,
     1, 15, 13,  8, 10,  3,  7,  4, 12,  5,  6, 11,  0, 14,  9,  2,
     7, 11,  4,  1,  9, 12, 14,  2,  0,  6, 10, 13, 15,  3,  5,  8,
     2,  1, 14,  7,  4, 10,  8, 13, 15, 12,  9,  0,  3,  5,  6, 11,
  ],
] as const;

// FIPS 46-3 key schedule: Permuted Choice 1 (drops the parity bits 8, 16, ..., 64) ...
// prettier-ignore
const PC1 = [
  57, 49, 41, 33, 25, 17,  9,
   1, 58, 50, 42, 34, 26, 18,
  10,  2, 59, 51, 43, 35, 27,
  19, 11,  3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15,
   7, 62, 54, 46, 38, 30, 22,
  14,  6, 61, 53, 45, 37, 29,
  21, 13,  5, 28, 20, 12,  4,
] as const;

// ... Permuted Choice 2 (56 bits of C||D to the 48-bit round key) ...
// prettier-ignore
const PC2 = [
  14, 17, 11, 24,  1,  5,
   3, 28, 15,  6, 21, 10,
  23, 19, 12,  4, 26,  8,
  16,  7, 27, 20, 13,  2,
  41, 52, 31, 37, 47, 55,
  30, 40, 51, 45, 33, 48,
  44, 49, 39, 56, 34, 53,
  46, 42, 50, 36, 29, 32,
] as const;

// ... and the left shifts of C and D before each of the 16 rounds.
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1] as const;

/** Bit `pos` (1-based, FIPS numbering) of a byte string. */
function bitOf(bytes: Uint8Array, pos: number): number {
  return (bytes[(pos - 1) >> 3]! >>> (7 - ((pos - 1) & 7))) & 1;
}

/** Gathers the bits named by table[from .. from+count) into a number, first bit most significant. */
function gather(bytes: Uint8Array, table: readonly number[], from: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) v = (v << 1) | bitOf(bytes, table[from + i]!);
  return v >>> 0;
}

// The final permutation IP^-1, as the inverse of IP: output bit IP[i] comes from input bit i+1.
const FP: readonly number[] = (() => {
  const fp = new Array<number>(64);
  IP.forEach((src, i) => (fp[src - 1] = i + 1));
  return fp;
})();

/**
 * S-box and P merged: SP[box][six input bits] = P(the box's 4 output bits in their place).
 * The function f(R, K) is then the XOR of eight lookups. The row is input bits 1 and 6, the
 * column bits 2..5 (FIPS 46-3, "the selection functions").
 */
const SP: readonly Uint32Array[] = S.map((box, boxIndex) => {
  const table = new Uint32Array(64);
  for (let six = 0; six < 64; six++) {
    const row = ((six >> 4) & 2) | (six & 1);
    const col = (six >> 1) & 0xf;
    const nibble = box[row * 16 + col]!;
    // Place the 4 output bits at positions 4*box+1 .. 4*box+4 of the 32-bit S output ...
    const sOut = (nibble << (28 - 4 * boxIndex)) >>> 0;
    // ... then apply P: output bit i+1 is S-output bit P[i].
    let pOut = 0;
    for (let i = 0; i < 32; i++) pOut = (pOut << 1) | ((sOut >>> (32 - P[i]!)) & 1);
    table[six] = pOut >>> 0;
  }
  return table;
});

const rotl28 = (v: number, n: number): number => ((v << n) | (v >>> (28 - n))) & 0x0fffffff;

/** The 16 round keys, each as eight 6-bit groups (one per S-box): 128 bytes. */
export type DesKeySchedule = Uint8Array;

/** FIPS 46-3 key schedule. Parity bits are ignored, as the standard says. */
export function desKeySchedule(key: Uint8Array): DesKeySchedule {
  if (key.length !== 8)
    throw new KtError('KEY_BAD_LENGTH', `a DES key is 8 bytes, got ${key.length}`);
  let c = gather(key, PC1, 0, 28);
  let d = gather(key, PC1, 28, 28);
  const cd = new Uint8Array(7);
  const schedule = new Uint8Array(128);
  for (let round = 0; round < 16; round++) {
    c = rotl28(c, SHIFTS[round]!);
    d = rotl28(d, SHIFTS[round]!);
    // C||D as 56 bits (7 bytes), then PC-2 picks 48 of them.
    cd[0] = c >>> 20;
    cd[1] = c >>> 12;
    cd[2] = c >>> 4;
    cd[3] = ((c << 4) | (d >>> 24)) & 0xff;
    cd[4] = d >>> 16;
    cd[5] = d >>> 8;
    cd[6] = d;
    for (let box = 0; box < 8; box++) schedule[round * 8 + box] = gather(cd, PC2, box * 6, 6);
  }
  cd.fill(0);
  c = d = 0;
  return schedule;
}

/**
 * The cipher function f(R, K) of FIPS 46-3. The expansion E takes, for S-box i, the bits
 * 4i, 4i+1, ..., 4i+5 of R (1-based, with bit 0 meaning bit 32): rotate R right by one and
 * every group is a 6-bit window 4 bits further along.
 */
function f(r: number, schedule: DesKeySchedule, round: number): number {
  const rr = ((r >>> 1) | (r << 31)) >>> 0;
  let out = 0;
  for (let box = 0; box < 8; box++) {
    const window = box === 0 ? rr >>> 26 : ((rr << (4 * box)) | (rr >>> (32 - 4 * box))) >>> 26;
    out ^= SP[box]![(window ^ schedule[round * 8 + box]!) & 0x3f]!;
  }
  return out >>> 0;
}

/** One 8-byte block through the 16 rounds; `decrypt` runs the round keys backwards. */
function desBlock(
  schedule: DesKeySchedule,
  input: Uint8Array,
  inOff: number,
  output: Uint8Array,
  outOff: number,
  decrypt: boolean,
): void {
  const block = input.subarray(inOff, inOff + 8);
  let l = gather(block, IP, 0, 32);
  let r = gather(block, IP, 32, 32);
  for (let i = 0; i < 16; i++) {
    const next = (l ^ f(r, schedule, decrypt ? 15 - i : i)) >>> 0;
    l = r;
    r = next;
  }
  // The preoutput is R16 L16 (the halves are not swapped after the last round).
  const pre = new Uint8Array(8);
  new DataView(pre.buffer).setUint32(0, r);
  new DataView(pre.buffer).setUint32(4, l);
  for (let byte = 0; byte < 8; byte++) output[outOff + byte] = gather(pre, FP, byte * 8, 8);
  pre.fill(0);
}

function checkBlocks(data: Uint8Array, what: string): void {
  if (data.length % 8 !== 0) {
    throw new KtError(
      'INPUT_INVALID',
      `${what}: input must be a multiple of 8 bytes, got ${data.length}`,
    );
  }
}

function checkIv(iv: Uint8Array): void {
  if (iv.length !== 8)
    throw new KtError('INPUT_INVALID', `DES-CBC: the IV is 8 bytes, got ${iv.length}`);
}

/** A block cipher over 8-byte blocks: one key schedule per DES stage. */
type Stages = readonly { schedule: DesKeySchedule; decrypt: boolean }[];

function runStages(
  stages: Stages,
  input: Uint8Array,
  inOff: number,
  output: Uint8Array,
  outOff: number,
): void {
  let src = input;
  let srcOff = inOff;
  for (const stage of stages) {
    desBlock(stage.schedule, src, srcOff, output, outOff, stage.decrypt);
    src = output;
    srcOff = outOff;
  }
}

function inverse(stages: Stages): Stages {
  return [...stages].reverse().map((s) => ({ schedule: s.schedule, decrypt: !s.decrypt }));
}

// FIPS 81 CBC: C[i] = E(P[i] xor C[i-1]), C[0] = IV.
function cbcEncrypt(stages: Stages, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkIv(iv);
  const out = new Uint8Array(data.length);
  const x = new Uint8Array(8);
  let prev = iv;
  let prevOff = 0;
  for (let off = 0; off < data.length; off += 8) {
    for (let i = 0; i < 8; i++) x[i] = data[off + i]! ^ prev[prevOff + i]!;
    runStages(stages, x, 0, out, off);
    prev = out;
    prevOff = off;
  }
  x.fill(0);
  return out;
}

// P[i] = D(C[i]) xor C[i-1].
function cbcDecrypt(stages: Stages, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkIv(iv);
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += 8) {
    runStages(stages, data, off, out, off);
    for (let i = 0; i < 8; i++)
      out[off + i] = out[off + i]! ^ (off === 0 ? iv[i]! : data[off - 8 + i]!);
  }
  return out;
}

function ecb(stages: Stages, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += 8) runStages(stages, data, off, out, off);
  return out;
}

function withStages<T>(keys: readonly Uint8Array[], use: (encrypt: Stages) => T): T {
  // 3DES EDE (SP 800-67 section 3.1): C = E_K3(D_K2(E_K1(P))).
  const schedules = keys.map(desKeySchedule);
  const stages = schedules.map((schedule, i) => ({ schedule, decrypt: i % 2 === 1 }));
  try {
    return use(stages);
  } finally {
    for (const s of schedules) s.fill(0);
  }
}

function tripleKeys(key: Uint8Array): Uint8Array[] {
  if (key.length !== 24)
    throw new KtError('KEY_BAD_LENGTH', `a 3DES key is 24 bytes, got ${key.length}`);
  return [key.subarray(0, 8), key.subarray(8, 16), key.subarray(16, 24)];
}

/** DES-ECB encryption (for known-answer tests; Kerberos itself uses CBC). */
export function desEcbEncrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, 'DES-ECB');
  return withStages([key], (st) => ecb(st, data));
}

export function desEcbDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, 'DES-ECB');
  return withStages([key], (st) => ecb(inverse(st), data));
}

/** DES-CBC encryption without padding (FIPS 81). */
export function desCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, 'DES-CBC');
  return withStages([key], (st) => cbcEncrypt(st, iv, data));
}

export function desCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, 'DES-CBC');
  return withStages([key], (st) => cbcDecrypt(inverse(st), iv, data));
}

/** 3DES-EDE ECB with a 24-byte key K1||K2||K3 (for known-answer tests). */
export function des3EcbEncrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, '3DES-ECB');
  return withStages(tripleKeys(key), (st) => ecb(st, data));
}

export function des3EcbDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, '3DES-ECB');
  return withStages(tripleKeys(key), (st) => ecb(inverse(st), data));
}

/** 3DES-EDE in CBC mode without padding, the cipher of des3-cbc-sha1 (RFC 3961 section 6.3). */
export function des3CbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, '3DES-CBC');
  return withStages(tripleKeys(key), (st) => cbcEncrypt(st, iv, data));
}

export function des3CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, '3DES-CBC');
  return withStages(tripleKeys(key), (st) => cbcDecrypt(inverse(st), iv, data));
}

/**
 * Sets the low bit of every byte so that each byte has an odd number of 1 bits: FIPS 46-3
 * reserves bits 8, 16, ..., 64 for odd parity. Returns a new array.
 */
export function desFixParity(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    let b = key[i]! & 0xfe;
    let ones = 0;
    for (let v = b; v !== 0; v &= v - 1) ones++;
    if (ones % 2 === 0) b |= 1;
    out[i] = b;
  }
  return out;
}

/**
 * The 4 weak and 12 semi-weak DES keys (FIPS 74 section 3.6), with odd parity. Encryption
 * under a weak key is its own inverse, so RFC 3961 section 6.2 replaces them.
 */
const WEAK_KEYS: readonly string[] = [
  '0101010101010101',
  'fefefefefefefefe',
  'e0e0e0e0f1f1f1f1',
  '1f1f1f1f0e0e0e0e',
  '01fe01fe01fe01fe',
  'fe01fe01fe01fe01',
  '1fe01fe00ef10ef1',
  'e01fe01ff10ef10e',
  '01e001e001f101f1',
  'e001e001f101f101',
  '1ffe1ffe0efe0efe',
  'fe1ffe1ffe0efe0e',
  '011f011f010e010e',
  '1f011f010e010e01',
  'e0fee0fef1fef1fe',
  'fee0fee0fef1fef1',
];
const WEAK: readonly Uint8Array[] = WEAK_KEYS.map((hex) =>
  Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16)),
);

/** True for the 16 weak and semi-weak keys (compared with parity, as MIT does). */
export function isDesWeakKey(key: Uint8Array): boolean {
  if (key.length !== 8) return false;
  return WEAK.some((weak) => weak.every((b, i) => b === key[i]));
}
