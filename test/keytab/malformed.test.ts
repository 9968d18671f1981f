import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import type { KeytabEntry } from '../../lib/index.js';
import { allKeytabCases } from '../helpers/fixtures.js';

function errorOf(bytes: Uint8Array): KtError {
  try {
    parseKeytab(bytes);
  } catch (e) {
    if (e instanceof KtError) return e;
    throw new Error(`foreign exception: ${String(e)}`);
  }
  throw new Error('parsed without error');
}

// One MIT entry: user@EXAMPLE.COM kvno 1 aes256, as in the golden files.
const ENTRY =
  '000000460001000b4558414d504c452e434f4d00047573657200000001665b0d400100120020511ccb9e22d7d454919b07228c4cee55c6f8137d6c221534ed446aa2d7a4e86400000001';

describe('malformed input gives a typed error with the byte offset', () => {
  it('empty file', () => {
    const e = errorOf(new Uint8Array());
    expect(e.code).toBe('KEYTAB_BAD_VERSION');
    expect(e.message).toMatch(/empty/);
  });
  it('bad magic', () => {
    const e = errorOf(fromHex('0602'));
    expect(e.code).toBe('KEYTAB_BAD_VERSION');
    expect(e.details.offset).toBe(0);
    expect(e.message).toContain('0x0602');
  });
  it('a text file', () => {
    expect(errorOf(new TextEncoder().encode('hello\n')).code).toBe('KEYTAB_BAD_VERSION');
  });
  it('record claiming 0x7fffffff bytes (v2)', () => {
    const e = errorOf(fromHex('05027fffffff0001'));
    expect(e.code).toBe('KEYTAB_TRUNCATED');
    expect(e.details.offset).toBe(2);
    expect(e.details.declared).toBe(0x7fffffff);
  });
  it('hole claiming more than the file', () => {
    const e = errorOf(fromHex('0502ffffff000000'));
    expect(e.code).toBe('KEYTAB_TRUNCATED');
    expect(e.message).toMatch(/hole at byte 2/);
  });
  it('zero components', () => {
    const e = errorOf(fromHex('05020000000a0000000141' + '00000001000000'));
    expect(e.code).toBe('KEYTAB_BAD_RECORD');
    expect(e.message).toMatch(/zero components/);
  });
  it('component length past the record', () => {
    const e = errorOf(fromHex('050200000008000100014100ff4142'));
    expect(e.code).toBe('KEYTAB_TRUNCATED');
    expect(e.details.field).toBe('component');
    expect(e.details.offset).toBe(13);
  });
  it('every truncation of a valid file fails cleanly or drops only whole records', () => {
    const full = fromHex('0502' + ENTRY + ENTRY);
    for (let n = 0; n < full.length; n++) {
      const cut = full.subarray(0, n);
      try {
        const kt = parseKeytab(cut);
        // Only cuts at a record boundary (or inside a length field) may parse.
        expect(kt.entries.length).toBeLessThanOrEqual(2);
      } catch (e) {
        expect(e).toBeInstanceOf(KtError);
      }
    }
  });
  it('stray bytes after the last record are reported, not fatal', () => {
    const kt = parseKeytab(fromHex('0502' + ENTRY + '0000'));
    expect(kt.entries).toHaveLength(1);
    expect(kt.warnings?.[0]?.message).toMatch(/stray/);
  });
  it('a zero record length ends the file', () => {
    const kt = parseKeytab(fromHex('0502' + ENTRY + '00000000' + '0000'));
    expect(kt.entries).toHaveLength(1);
    expect(kt.warnings).toBeUndefined();
  });
  it('zero padding inside a record after the entry is tolerated and kept', () => {
    // Record length grown by 6: kvno32 + 6 zero bytes (as after MIT reuses a hole).
    const padded = '0000004c' + ENTRY.slice(8) + '000000000000';
    const bytes = fromHex('0502' + padded);
    const kt = parseKeytab(bytes);
    expect(kt.entries[0]?.kvno).toBe(1);
    expect(toHex(serializeKeytab(kt))).toBe(toHex(bytes));
  });
  it('the 32-bit kvno wins only when non-zero', () => {
    const zeroTail = ENTRY.slice(0, -8) + '00000000';
    expect(parseKeytab(fromHex('0502' + zeroTail)).entries[0]?.kvno).toBe(1);
    const bigTail = ENTRY.slice(0, -8) + '00000100';
    expect(parseKeytab(fromHex('0502' + bigTail)).entries[0]?.kvno).toBe(256);
  });
});

// prettier-ignore
const principalArb = fc.record({
  components: fc.array(fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
  realm: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  nameType: fc.nat({ max: 0xffffffff }),
});

// prettier-ignore
const entryArb: fc.Arbitrary<KeytabEntry> = fc.record({
  principal: principalArb,
  timestamp: fc.nat({ max: 0xffffffff }),
  kvno: fc.nat({ max: 0xffffffff }),
  enctype: fc.integer({ min: -0x8000, max: 0x7fff }),
  key: fc.uint8Array({ minLength: 0, maxLength: 64 }),
});

describe('property: random entries survive a round trip', () => {
  it('parse(serialize(entries)) has the same entries', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 8 }), (entries) => {
        const bytes = serializeKeytab({ entries });
        const kt = parseKeytab(bytes);
        expect(kt.entries.map(({ wire: _w, ...rest }) => rest)).toEqual(entries);
        expect(toHex(serializeKeytab(kt))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: mutated files give a keytab or a KtError, nothing else', () => {
  const seeds = allKeytabCases()
    .filter((c) => c.parseError === null && c.bytes.length > 2)
    .map((c) => c.bytes);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
    fc.record({
      kind: fc.constant('length' as const),
      at: fc.nat(),
      value: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    }),
  );
  it('never throws a foreign exception', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (seedIndex, muts) => {
          let bytes = (seeds[seedIndex] as Uint8Array).slice();
          for (const m of muts) {
            const at = m.at % Math.max(1, bytes.length);
            if (m.kind === 'flip') bytes[at] = m.value;
            else if (m.kind === 'cut') bytes = bytes.slice(0, at);
            else if (m.kind === 'insert')
              bytes = Uint8Array.from([...bytes.subarray(0, at), m.value, ...bytes.subarray(at)]);
            else if (bytes.length >= at + 4) new DataView(bytes.buffer).setInt32(at, m.value);
          }
          try {
            const kt = parseKeytab(bytes);
            serializeKeytab(kt);
          } catch (e) {
            if (!(e instanceof KtError)) throw e;
            expect(typeof e.code).toBe('string');
          }
        },
      ),
      { numRuns: 3000 },
    );
  }, 60_000);
});
