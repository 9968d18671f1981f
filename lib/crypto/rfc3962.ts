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

function checkLength(cipher: CbcCipher, length: number, what: string): void {
  if (length < cipher.blockSize) {
    throw new KtError(
      'INPUT_INVALID',
      `CBC-CTS ${what}: input of ${length} bytes is shorter than one ${cipher.blockSize}-byte block`,
    );
  }
}

/** CBC-CTS encryption of `input` (at least one block) under `key` from `iv`. */
export function ctsEncrypt(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  input: Uint8Array,
): CtsResult {
  const b = cipher.blockSize;
  checkLength(cipher, input.length, 'encryption');
  if (input.length === b) {
    const output = cipher.encrypt(key, iv, input);
    return { output, nextIv: output.slice() };
  }
  const blocks = Math.ceil(input.length / b);
  const tail = input.length - (blocks - 1) * b; // 1..b bytes in the last block
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
}

/**
 * CBC-CTS decryption. The stolen bytes are recovered from the last block: with Cn = the
 * full block in position n-1 and C' = the partial block in position n (d bytes),
 * D(Cn) = (Pn || zeros) XOR C(n-1), so C(n-1) = C' || D(Cn)[d..] and Pn = D(Cn)[..d] XOR C'.
 * Then C1 .. C(n-1) decrypt as ordinary CBC from `iv`.
 */
export function ctsDecrypt(
  cipher: CbcCipher,
  key: Uint8Array,
  iv: Uint8Array,
  input: Uint8Array,
): CtsResult {
  const b = cipher.blockSize;
  checkLength(cipher, input.length, 'decryption');
  if (input.length === b) return { output: cipher.decrypt(key, iv, input), nextIv: input.slice() };
  const blocks = Math.ceil(input.length / b);
  const tail = input.length - (blocks - 1) * b;
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
}

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
