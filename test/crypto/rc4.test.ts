import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { rc4 } from '../../lib/crypto/primitives/rc4.js';

/** The keystream is RC4 over zeros. */
const keystream = (key: string, length: number): Uint8Array =>
  rc4(fromHex(key), new Uint8Array(length));

/**
 * RFC 6229 section 2 ("Test Vectors for the Stream Cipher RC4"): 16 keystream bytes at each
 * offset. All values were also reproduced with pyca/cryptography's ARC4.
 */
const RFC6229: readonly { key: string; at: Readonly<Record<number, string>> }[] = [
  {
    key: '0102030405',
    at: {
      0: 'b2396305f03dc027ccc3524a0a1118a8',
      16: '6982944f18fc82d589c403a47a0d0919',
      240: '28cb1132c96ce286421dcaadb8b69eae',
      256: '1cfcf62b03eddb641d77dfcf7f8d8c93',
      496: '42b7d0cdd918a8a33dd51781c81f4041',
      512: '6459844432a7da923cfb3eb4980661f6',
      752: 'ec10327bde2beefd18f9277680457e22',
      768: 'eb62638d4f0ba1fe9fca20e05bf8ff2b',
      1008: '45129048e6a0ed0b56b490338f078da5',
      1024: '30abbcc7c20b01609f23ee2d5f6bb7df',
      1520: '3294f744d8f9790507e70f62e5bbceea',
      1536: 'd8729db41882259bee4f825325f5a130',
      2032: '1eb14a0c13b3bf47fa2a0ba93ad45b8b',
      2048: 'cc582f8ba9f265e2b1be9112e975d2d7',
    },
  },
  { key: '0102030405060708090a0b0c0d0e0f10', at: { 0: '9ac7cc9a609d1ef7b2932899cde41b97' } },
  {
    key: '0102030405060708090a0b0c0d0e0f101112131415161718',
    at: { 0: '0595e57fe5f0bb3c706edac8a4b2db11' },
  },
  {
    key: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
    at: { 0: 'eaa6bd25880bf93d3f5d1e4ca2611d91' },
  },
  {
    key: '1ada31d5cf688221c109163908ebe51debb46227c6cc8b37641910833222772a',
    at: { 4096: '370b1c1fe655916d97fd0d47ca1d72b8' },
  },
];

describe('RC4 (RFC 6229 keystream vectors)', () => {
  for (const v of RFC6229) {
    it(`key ${v.key.length * 4} bits ${v.key.slice(0, 10)}...`, () => {
      const offsets = Object.keys(v.at).map(Number);
      const stream = keystream(v.key, Math.max(...offsets) + 16);
      for (const at of offsets)
        expect(toHex(stream.subarray(at, at + 16)), `offset ${at}`).toBe(v.at[at]);
    });
  }

  it('encrypts the classic "Key" / "Plaintext" example', () => {
    expect(toHex(rc4(utf8('Key'), utf8('Plaintext')))).toBe('bbf316e8d940af0ad3');
  });
});

describe('RC4 properties', () => {
  it('is its own inverse, returns a fresh array and leaves its inputs alone', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, data) => {
          const keyCopy = key.slice();
          const dataCopy = data.slice();
          const out = rc4(key, data);
          expect(out).not.toBe(data);
          expect(out.length).toBe(data.length);
          expect(rc4(key, out)).toEqual(data);
          expect(key).toEqual(keyCopy);
          expect(data).toEqual(dataCopy);
        },
      ),
    );
  });

  it('is a stream: a longer message starts with the encryption of its prefix', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(100),
        (key, data, cut) => {
          const prefix = data.subarray(0, Math.min(cut, data.length));
          expect(rc4(key, data).subarray(0, prefix.length)).toEqual(rc4(key, prefix));
        },
      ),
    );
  });

  it('refuses keys of 0 or more than 256 bytes', () => {
    for (const n of [0, 257]) {
      expect(() => rc4(new Uint8Array(n), new Uint8Array(1))).toThrow(KtError);
      try {
        rc4(new Uint8Array(n), new Uint8Array(1));
      } catch (e) {
        expect((e as KtError).code).toBe('KEY_BAD_LENGTH');
      }
    }
    expect(rc4(new Uint8Array(256), new Uint8Array(0))).toEqual(new Uint8Array(0));
  });
});
