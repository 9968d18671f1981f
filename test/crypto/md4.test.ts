import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../lib/bytes.js';
import { md4 } from '../../lib/crypto/primitives/md4.js';

// RFC 1320 appendix A.5, "Test suite".
// prettier-ignore
const RFC1320: readonly [string, string][] = [
  ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
  ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
  ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
  ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
];

describe('MD4 (RFC 1320 A.5)', () => {
  for (const [input, digest] of RFC1320) {
    it(`MD4("${input}")`, () => {
      expect(toHex(md4(utf8(input)))).toBe(digest);
    });
  }

  it('pads correctly around the 55/56/64-byte block boundaries', () => {
    // Lengths 56..63 need a second padding block; every length must give its own digest.
    const seen = new Set<string>();
    for (const n of [55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      const d = toHex(md4(new Uint8Array(n).fill(0x61)));
      expect(d).toMatch(/^[0-9a-f]{32}$/);
      seen.add(d);
    }
    expect(seen.size).toBe(9);
  });

  it('does not modify its input', () => {
    const input = utf8('message digest');
    md4(input);
    expect(toHex(input)).toBe(toHex(utf8('message digest')));
  });
});
