import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { mergeEntries, parseKeytab, serializeKeytab } from '../../lib/index.js';
import type { KeytabEntry } from '../../lib/index.js';
import { mergeKeytabFiles } from '../../lib/keytab/merge-files.js';
import { goldenCases } from '../helpers/fixtures.js';

// Few principals, kvnos, enctypes and keys, so duplicates and conflicts are common.
// prettier-ignore
const entryArb: fc.Arbitrary<KeytabEntry> = fc.record({
  principal: fc.record({ components: fc.constantFrom(['a'], ['HTTP', 'web'], ['b']), realm: fc.constantFrom('R', 'S'), nameType: fc.constant(1) }),
  timestamp: fc.constantFrom(0, 5),
  kvno: fc.constantFrom(1, 2, 300),
  enctype: fc.constantFrom(17, 18, 23),
  key: fc.constantFrom(Uint8Array.of(1), Uint8Array.of(2)),
});

function both(
  inputs: KeytabEntry[][],
  preferLast: boolean,
): { files?: string; entries?: string; error?: string } {
  const run = (f: () => string): { value?: string; error?: string } => {
    try {
      return { value: f() };
    } catch (e) {
      if (e instanceof KtError) return { error: e.code };
      throw e;
    }
  };
  const files = run(() => {
    const r = mergeKeytabFiles(
      inputs.map((entries, i) => {
        const bytes = serializeKeytab({ entries });
        return { name: `f${i}`, read: () => bytes };
      }),
      { preferLast },
    );
    return toHex(concatBytes(...r.chunks()));
  });
  const entries = run(() => {
    const parsed = inputs.map((entries, i) => ({
      name: `f${i}`,
      entries: parseKeytab(serializeKeytab({ entries })).entries,
    }));
    return toHex(serializeKeytab({ entries: mergeEntries(parsed, { preferLast }).entries }));
  });
  return { files: files.value ?? files.error!, entries: entries.value ?? entries.error! };
}

describe('merging files record by record', () => {
  it('gives exactly what mergeEntries + serializeKeytab give (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(entryArb, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (inputs, preferLast) => {
          const r = both(inputs, preferLast);
          expect(r.files).toBe(r.entries);
        },
      ),
      { numRuns: 500 },
    );
  });
  it('copies records from every kind of fixture unchanged, and rewrites v1 as v2', () => {
    const cases = goldenCases();
    const r = mergeKeytabFiles(
      cases.map((c) => ({ name: c.name, read: () => c.bytes })),
      { preferLast: true },
    );
    const out = concatBytes(...r.chunks());
    const viaEntries = serializeKeytab({
      entries: mergeEntries(
        cases.map((c) => ({ name: c.name, entries: parseKeytab(c.bytes).entries })),
        { preferLast: true },
      ).entries,
    });
    expect(toHex(out)).toBe(toHex(viaEntries));
  });
  it('names the file a parse error is in', () => {
    expect(() =>
      mergeKeytabFiles([
        { name: 'good', read: () => Uint8Array.of(5, 2) },
        { name: 'bad.keytab', read: () => Uint8Array.of(5, 9) },
      ]),
    ).toThrow(/^bad\.keytab: not a keytab/);
  });
  it('both merges name a conflict the same way, with the enctype by name', () => {
    const entry = (key: number): KeytabEntry => ({
      principal: { components: ['a'], realm: 'R', nameType: 1 },
      timestamp: 0,
      kvno: 1,
      enctype: 18,
      key: Uint8Array.of(key),
    });
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (e instanceof KtError && e.code === 'MERGE_CONFLICT') return e.message;
        throw e;
      }
      throw new Error('no conflict');
    };
    const expected = 'a@R kvno 1 aes256-cts-hmac-sha1-96 has different keys in x and y';
    expect(
      message(() =>
        mergeEntries([
          { name: 'x', entries: [entry(1)] },
          { name: 'y', entries: [entry(2)] },
        ]),
      ),
    ).toBe(expected);
    const file = (name: string, key: number) => ({
      name,
      read: () => serializeKeytab({ entries: [entry(key)] }),
    });
    expect(message(() => mergeKeytabFiles([file('x', 1), file('y', 2)]))).toBe(expected);
  });
});
