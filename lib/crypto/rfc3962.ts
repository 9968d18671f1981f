/**
 * CBC with ciphertext stealing as RFC 3962 section 5 defines it for Kerberos (RFC 6803 and
 * RFC 8009 reuse it), written once, generic over any CBC block cipher (AES, Camellia):
 *
 *   "For consistency, ciphertext stealing is always used for the last two blocks of the data
 *   to be encrypted, as in [RC5]. If the data length is a multiple of the block size, this is
 *   equivalent to plain CBC mode with the last two ciphertext blocks swapped."
 *
 *   "The initial vector carried out from one encryption for use in a subsequent encryption is
 *   the next-to-last block of the encryption output; this is the encrypted form of the last
 *   plaintext block."
 *
 * So this is CS3 of the NIST SP 800-38A addendum (the swap happens even for whole blocks). A
 * single block is plain CBC: there is no second block to steal from. Shorter inputs are
 * undefined and refused; Kerberos never has them (the confounder alone is a block).
 *
 * Encryption runs CBC over the zero-padded input: the last block of that chain is
 * E((Pn || zeros) XOR C(n-1)) = Cn, exactly the block CTS puts next-to-last, and the block
 * before it is C(n-1), which CTS truncates to the length of Pn and puts last.
 */
import { concatBytes, wipe } from '../bytes.js';
import { KtError } from '../errors.js';
import type { CbcCipher, ProfileCipher } from './rfc3961.js';

export interface CtsResult {
  readonly output: Uint8Array;
  /** The cipher state carried out: the next-to-last output block (the whole output for one block). */
  readonly nextIv: Uint8Array;
}

/** One direction of CBC-CTS: `input` (at least one block) under `key`, chained from `iv`. */
export type CtsFunction = (
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  input: Uint8Array,
) => CtsResult;

/** How `length` bytes fall into blocks of b: `blocks` in all, the last holding `tail` (1..b). */
function blocksOf(
  cipher: CbcCipher,
  length: number,
  what: string,
): { b: number; blocks: number; tail: number } {
  const b = cipher.blockSize;
  if (length < b) {
    throw new KtError(
      'INPUT_INVALID',
      `CBC-CTS ${what}: input of ${length} bytes is shorter than one ${b}-byte block`,
    );
  }
  const blocks = Math.ceil(length / b);
  return { b, blocks, tail: length - (blocks - 1) * b };
}

/** CBC-CTS encryption. */
export const ctsEncrypt: CtsFunction = (cipher, key, iv, input) => {
  const { b, blocks, tail } = blocksOf(cipher, input.length, 'encryption');
  if (blocks === 1) {
    const output = cipher.encrypt(key, iv, input);
    return { output, nextIv: output.slice() };
  }
  const padded = new Uint8Array(blocks * b);
  padded.set(input);
  const chain = cipher.encrypt(key, iv, padded);
  const penultimate = chain.subarray((blocks - 2) * b, (blocks - 1) * b);
  const last = chain.subarray((blocks - 1) * b);
  const output = new Uint8Array(input.length);
  output.set(chain.subarray(0, (blocks - 2) * b));
  output.set(last, (blocks - 2) * b);
  output.set(penultimate.subarray(0, tail), (blocks - 1) * b);
  const nextIv = last.slice();
  wipe(padded, chain);
  return { output, nextIv };
};

/**
 * CBC-CTS decryption. The stolen bytes are recovered from the last block: with Cn = the
 * full block in position n-1 and C' = the partial block in position n (d bytes),
 * D(Cn) = (Pn || zeros) XOR C(n-1), so C(n-1) = C' || D(Cn)[d..] and Pn = D(Cn)[..d] XOR C'.
 * Then C1 .. C(n-1) decrypt as ordinary CBC from `iv`.
 */
export const ctsDecrypt: CtsFunction = (cipher, key, iv, input) => {
  const { b, blocks, tail } = blocksOf(cipher, input.length, 'decryption');
  if (blocks === 1) return { output: cipher.decrypt(key, iv, input), nextIv: input.slice() };
  const cn = input.subarray((blocks - 2) * b, (blocks - 1) * b);
  const partial = input.subarray((blocks - 1) * b);
  const dn = cipher.decrypt(key, new Uint8Array(b), cn); // D(Cn), no chaining
  const previous = new Uint8Array(b);
  previous.set(partial);
  previous.set(dn.subarray(tail), tail);
  const lastPlain = new Uint8Array(tail);
  for (let i = 0; i < tail; i++) lastPlain[i] = dn[i]! ^ partial[i]!;
  const chain = concatBytes(input.subarray(0, (blocks - 2) * b), previous);
  const head = cipher.decrypt(key, iv, chain);
  const output = concatBytes(head, lastPlain);
  wipe(dn, previous, lastPlain, chain, head);
  return { output, nextIv: cn.slice() };
};

/** CBC-CTS with the all-zero initial cipher state, as the Kerberos profiles use it. */
export function zeroIvCts(cipher: CbcCipher): ProfileCipher {
  const iv = new Uint8Array(cipher.blockSize);
  return Object.freeze({
    blockSize: cipher.blockSize,
    padTo: 1,
    encrypt: (key: Uint8Array, data: Uint8Array) => ctsEncrypt(cipher, key, iv, data).output,
    decrypt: (key: Uint8Array, data: Uint8Array) => ctsDecrypt(cipher, key, iv, data).output,
  });
}
