import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import {
  des3CbcDecrypt,
  des3CbcEncrypt,
  des3EcbDecrypt,
  des3EcbEncrypt,
  desCbcDecrypt,
  desCbcEncrypt,
  desEcbDecrypt,
  desEcbEncrypt,
  desFixParity,
  isDesWeakKey,
} from '../../lib/crypto/primitives/des.js';

// NIST SP 800-17 (Modes of Operation Validation System) known answers: variable plaintext
// (Table 1), variable key (Table 2), permutation operation (Table 3) and substitution table
// (Table 4) tests, a sample of each; key, plaintext, ciphertext.
// prettier-ignore
const SP800_17: readonly [string, string, string][] = [
  ['0101010101010101', '8000000000000000', '95f8a5e5dd31d900'],
  ['0101010101010101', '4000000000000000', 'dd7f121ca5015619'],
  ['0101010101010101', '2000000000000000', '2e8653104f3834ea'],
  ['0101010101010101', '0000000000000001', '166b40b44aba4bd6'],
  ['8001010101010101', '0000000000000000', '95a8d72813daa94d'],
  ['4001010101010101', '0000000000000000', '0eec1487dd8c26d5'],
  ['0101010101010102', '0000000000000000', '869efd7f9f265a09'],
  ['1046913489980131', '0000000000000000', '88d55e54f54c97b4'],
  ['7ca110454a1a6e57', '01a1d6d039776742', '690f5b0d9a26939b'],
  ['0131d9619dc1376e', '5cd54ca83def57da', '7a389d10354bd271'],
  ['07a1133e4a0b2686', '0248d43806f67172', '868ebb51cab4599a'],
];

describe('DES known answers', () => {
  for (const [key, pt, ct] of SP800_17) {
    it(`SP 800-17: key ${key}, plaintext ${pt}`, () => {
      expect(toHex(desEcbEncrypt(fromHex(key), fromHex(pt)))).toBe(ct);
      expect(toHex(desEcbDecrypt(fromHex(key), fromHex(ct)))).toBe(pt);
    });
  }

  // FIPS 81 appendix B: key 0123456789abcdef, "Now is the time for all ".
  const key = fromHex('0123456789abcdef');
  const text = utf8('Now is the time for all ');
  it('FIPS 81 ECB example (table B1)', () => {
    expect(toHex(desEcbEncrypt(key, text))).toBe(
      '3fa40e8a984d48156a271787ab8883f9893d51ec4b563b53',
    );
  });

  it('FIPS 81 CBC example (table C1, IV 1234567890abcdef)', () => {
    const iv = fromHex('1234567890abcdef');
    const ct = desCbcEncrypt(key, iv, text);
    expect(toHex(ct)).toBe('e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6');
    expect(toHex(desCbcDecrypt(key, iv, ct))).toBe(toHex(text));
  });
});

describe('3DES EDE', () => {
  it('SP 800-67 example: three distinct keys', () => {
    const key = fromHex('0123456789abcdef23456789abcdef01456789abcdef0123');
    const ct = des3EcbEncrypt(key, utf8('The qufck brown fox jump'));
    expect(toHex(ct)).toBe('a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900');
    expect(toHex(des3EcbDecrypt(key, ct))).toBe(toHex(utf8('The qufck brown fox jump')));
  });

  it('with K1 = K2 = K3 equals single DES (SP 800-20 keying option 3)', () => {
    const k = fromHex('0123456789abcdef');
    const text = utf8('Now is the time for all ');
    const triple = new Uint8Array([...k, ...k, ...k]);
    expect(toHex(des3EcbEncrypt(triple, text))).toBe(toHex(desEcbEncrypt(k, text)));
  });

  it('matches node:crypto des-ede3-cbc on random keys, IVs and data', () => {
    for (let i = 0; i < 40; i++) {
      const key = new Uint8Array(randomBytes(24));
      const iv = new Uint8Array(randomBytes(8));
      const data = new Uint8Array(randomBytes(8 * (1 + (i % 6))));
      const cipher = createCipheriv('des-ede3-cbc', key, iv).setAutoPadding(false);
      const expected = new Uint8Array([...cipher.update(data), ...cipher.final()]);
      const ours = des3CbcEncrypt(key, iv, data);
      expect(toHex(ours)).toBe(toHex(expected));
      expect(toHex(des3CbcDecrypt(key, iv, ours))).toBe(toHex(data));
    }
  });

  it('refuses wrong key, IV and data sizes', () => {
    expect(() => des3CbcEncrypt(new Uint8Array(16), new Uint8Array(8), new Uint8Array(8))).toThrow(
      KtError,
    );
    expect(() => desCbcEncrypt(new Uint8Array(8), new Uint8Array(4), new Uint8Array(8))).toThrow(
      KtError,
    );
    expect(() => desCbcEncrypt(new Uint8Array(8), new Uint8Array(8), new Uint8Array(7))).toThrow(
      KtError,
    );
  });
});

describe('DES key helpers', () => {
  it('sets odd parity in the low bit', () => {
    expect(toHex(desFixParity(fromHex('0000000000000000')))).toBe('0101010101010101');
    expect(toHex(desFixParity(fromHex('c01e38688ac86c2e')))).toBe('c11f38688ac86d2f');
    expect(toHex(desFixParity(fromHex('fffffffffffffffe')))).toBe('fefefefefefefefe');
  });

  it('knows the 16 weak and semi-weak keys of FIPS 74', () => {
    expect(isDesWeakKey(fromHex('0101010101010101'))).toBe(true);
    expect(isDesWeakKey(fromHex('e0fee0fef1fef1fe'))).toBe(true);
    expect(isDesWeakKey(fromHex('01010101010101f1'))).toBe(false);
    // A weak key's encryption is an involution: E(E(x)) = x.
    for (const hex of [
      '0101010101010101',
      'fefefefefefefefe',
      'e0e0e0e0f1f1f1f1',
      '1f1f1f1f0e0e0e0e',
    ]) {
      const k = fromHex(hex);
      const x = fromHex('0123456789abcdef');
      expect(toHex(desEcbEncrypt(k, desEcbEncrypt(k, x)))).toBe(toHex(x));
    }
  });
});
