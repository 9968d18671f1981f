import { randomBytes } from 'node:crypto';
import { cmac as nobleAesCmac } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../lib/bytes.js';
import { aesEncryptBlock } from '../../lib/crypto/primitives/aes.js';
import { cmac } from '../../lib/crypto/primitives/cmac.js';

const aes = (key: Uint8Array) => (block: Uint8Array) => aesEncryptBlock(key, block);

// RFC 4493 section 4 (= NIST SP 800-38B D.1), AES-128.
const KEY = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
const MESSAGE = fromHex(
  '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
);
// prettier-ignore
const RFC4493: readonly [number, string][] = [
  [0, 'bb1d6929e95937287fa37d129b756746'],
  [16, '070a16b46b4d4144f79bdd9dd04a287c'],
  [40, 'dfa66747de9ae63030ca32611497c827'],
  [64, '51f0bebf7e3b9d92fc49741779363cfe'],
];

describe('CMAC (SP 800-38B) over a pluggable block cipher', () => {
  for (const [len, tag] of RFC4493) {
    it(`RFC 4493 AES-CMAC, ${len}-byte message`, () => {
      expect(toHex(cmac(aes(KEY), MESSAGE.subarray(0, len)))).toBe(tag);
    });
  }

  it('equals @noble/ciphers AES-CMAC for random keys and lengths 0..70', () => {
    for (let len = 0; len <= 70; len++) {
      const key = new Uint8Array(randomBytes(len % 2 ? 16 : 32));
      const msg = new Uint8Array(randomBytes(len));
      expect(toHex(cmac(aes(key), msg))).toBe(toHex(nobleAesCmac(msg, key)));
    }
  });
});
