import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import {
  camelliaDecryptBlock,
  camelliaEncryptBlock,
} from '../../lib/crypto/primitives/camellia.js';

// RFC 3713 appendix A: one plaintext under a 128-, 192- and 256-bit key.
const PLAINTEXT = '0123456789abcdeffedcba9876543210';
// prettier-ignore
const RFC3713: readonly [string, string][] = [
  ['0123456789abcdeffedcba9876543210', '67673138549669730857065648eabe43'],
  ['0123456789abcdeffedcba98765432100011223344556677', 'b4993401b3e996f84ee5cee7d79b09b9'],
  ['0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff', '9acc237dff16d76c20ef7c919e3a7509'],
];

describe('Camellia (RFC 3713)', () => {
  for (const [key, ct] of RFC3713) {
    it(`appendix A, ${key.length * 4}-bit key`, () => {
      expect(toHex(camelliaEncryptBlock(fromHex(key), fromHex(PLAINTEXT)))).toBe(ct);
      expect(toHex(camelliaDecryptBlock(fromHex(key), fromHex(ct)))).toBe(PLAINTEXT);
    });
  }

  it('matches node:crypto (OpenSSL) camellia-*-ecb on random keys and blocks', () => {
    for (let i = 0; i < 60; i++) {
      const bits = [128, 192, 256][i % 3]!;
      const key = new Uint8Array(randomBytes(bits / 8));
      const block = new Uint8Array(randomBytes(16));
      const cipher = createCipheriv(`camellia-${bits}-ecb`, key, null).setAutoPadding(false);
      const expected = new Uint8Array([...cipher.update(block), ...cipher.final()]);
      expect(toHex(camelliaEncryptBlock(key, block))).toBe(toHex(expected));
      expect(toHex(camelliaDecryptBlock(key, expected))).toBe(toHex(block));
    }
  });

  it('refuses other key and block sizes', () => {
    expect(() => camelliaEncryptBlock(new Uint8Array(20), new Uint8Array(16))).toThrow(KtError);
    expect(() => camelliaEncryptBlock(new Uint8Array(16), new Uint8Array(15))).toThrow(KtError);
  });
});
