/**
 * Thin adapter over @noble/ciphers' AES for what Kerberos key derivation needs: raw CBC without
 * padding (RFC 3961 DR encrypts whole blocks with a zero IV) and single-block encryption (the
 * CMAC and the DK of later profiles). Keys are 16 or 32 bytes for Kerberos, 24 also accepted.
 */
import { cbc, ecb } from '@noble/ciphers/aes.js';
import { KtError } from '../../errors.js';

function checkKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new KtError('KEY_BAD_LENGTH', `an AES key is 16, 24 or 32 bytes, got ${key.length}`);
  }
}

/** AES-CBC over whole 16-byte blocks, no padding. */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  return cbc(key, iv, { disablePadding: true }).encrypt(data);
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key);
  return cbc(key, iv, { disablePadding: true }).decrypt(data);
}

/** AES of one 16-byte block. */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  checkKey(key);
  if (block.length !== 16)
    throw new KtError('INPUT_INVALID', `AES works on 16-byte blocks, got ${block.length}`);
  return ecb(key, { disablePadding: true }).encrypt(block);
}

/** AES-CBC over whole blocks as one value: the cipher under CBC-CTS (RFC 3962, RFC 8009). */
export const AES_CBC = Object.freeze({
  blockSize: 16,
  encrypt: aesCbcEncrypt,
  decrypt: aesCbcDecrypt,
});
