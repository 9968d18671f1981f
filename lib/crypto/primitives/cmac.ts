/**
 * CMAC over any 128-bit block cipher: NIST SP 800-38B (the same algorithm as RFC 4493, which
 * specifies it for AES only). RFC 6803 needs it over Camellia, which @noble/ciphers' AES-only
 * `cmac` cannot do.
 */

/** Encrypts one 16-byte block under a key already bound by the caller. */
export type BlockEncrypt = (block: Uint8Array) => Uint8Array;

const BLOCK = 16;
// SP 800-38B section 5.3: R_128 = 0^120 || 10000111.
const RB = 0x87;

/** SP 800-38B section 6.1 (subkey generation): doubling in GF(2^128). */
function dbl(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i]! << 1) | ((block[i + 1] ?? 0) >>> 7)) & 0xff;
  if (block[0]! & 0x80) out[BLOCK - 1] = out[BLOCK - 1]! ^ RB;
  return out;
}

/** SP 800-38B section 6.2 (MAC generation), with the full 128-bit tag. */
export function cmac(encrypt: BlockEncrypt, message: Uint8Array): Uint8Array {
  const l = encrypt(new Uint8Array(BLOCK));
  const k1 = dbl(l);
  const k2 = dbl(k1);
  // The last block is XORed with K1 when complete, else padded with 10* and XORed with K2;
  // an empty message counts as one incomplete block.
  const n = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const last = new Uint8Array(BLOCK);
  const tail = message.subarray((n - 1) * BLOCK);
  last.set(tail);
  if (!complete) last[tail.length] = 0x80;
  const sub = complete ? k1 : k2;
  for (let i = 0; i < BLOCK; i++) last[i] = last[i]! ^ sub[i]!;

  let c: Uint8Array = new Uint8Array(BLOCK);
  const x = new Uint8Array(BLOCK);
  for (let b = 0; b < n; b++) {
    const m = b === n - 1 ? last : message.subarray(b * BLOCK, (b + 1) * BLOCK);
    for (let i = 0; i < BLOCK; i++) x[i] = c[i]! ^ m[i]!;
    const next = encrypt(x);
    c.fill(0);
    c = next;
  }
  for (const v of [l, k1, k2, last, x]) v.fill(0);
  return c;
}
