import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../lib/bytes.js';
import { modCrc32 } from '../../lib/crypto/primitives/crc32.js';

describe('RFC 3961 modified CRC-32', () => {
  it('is not zlib CRC-32 (no initial or final complement)', () => {
    expect(toHex(modCrc32(utf8('foo')))).toBe('33bc3273');
    expect(toHex(modCrc32(new Uint8Array(0)))).toBe('00000000');
  });

  it('chains: crc(a || b) = crc(b) started from crc(a)', () => {
    const a = utf8('hello, ');
    const b = utf8('world');
    const first = new DataView(modCrc32(a).buffer).getUint32(0, true);
    expect(toHex(modCrc32(b, first))).toBe(toHex(modCrc32(utf8('hello, world'))));
  });
});
