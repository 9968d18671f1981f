import { describe, expect, it } from 'vitest';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import { formatPrincipal } from '../../lib/principal.js';
import { toHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { allKeytabCases } from '../helpers/fixtures.js';

const cases = allKeytabCases();

describe('every fixture keytab parses to its manifest', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const c of cases) {
    it(c.name, () => {
      if (c.parseError !== null) {
        let err: unknown;
        try {
          parseKeytab(c.bytes);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(KtError);
        expect((err as KtError).code).toBe('KEYTAB_TRUNCATED');
        expect((err as KtError).details.offset).toBeTypeOf('number');
        expect((err as KtError).message).toMatch(/byte \d+/);
        return;
      }
      const kt = parseKeytab(c.bytes);
      const got = kt.entries.map((e) => ({
        principal: formatPrincipal(e.principal),
        realm: e.principal.realm,
        components: e.principal.components,
        name_type: e.principal.nameType,
        timestamp: e.timestamp,
        kvno8: e.wire?.kvno8,
        kvno32: e.wire?.kvno32,
        kvno_effective: e.kvno,
        enctype: e.enctype,
        key_hex: toHex(e.key),
      }));
      const want = c.expected.map((e) => ({
        principal: e.principal,
        realm: e.realm ?? e.principal.slice(e.principal.lastIndexOf('@') + 1),
        components: e.components ?? e.principal.slice(0, e.principal.lastIndexOf('@')).split('/'),
        // v1 files have no name type: MIT and Heimdal use KRB5_NT_UNKNOWN (0).
        name_type: e.name_type ?? 0,
        timestamp: e.timestamp,
        kvno8: e.kvno8,
        kvno32: e.kvno32,
        kvno_effective: e.kvno_effective,
        enctype: e.enctype,
        key_hex: e.key_hex,
      }));
      expect(got).toEqual(want);
      expect(kt.holes?.length ?? 0).toBe(c.holes);
      expect((kt.warnings ?? []).map((w) => w.message)).toEqual(c.warnings);
    });
  }
});

describe('round trip', () => {
  for (const c of cases.filter((x) => x.parseError === null)) {
    const kt = parseKeytab(c.bytes);
    if (kt.version === 0x0502 && !c.paddingOrHoles) {
      it(`${c.name}: serialize(parse(b)) is b`, () => {
        expect(toHex(serializeKeytab(kt))).toBe(toHex(c.bytes));
      });
    } else {
      it(`${c.name}: rewritten as v2, same live entries${c.holes ? ', holes dropped' : ''}`, () => {
        const out = serializeKeytab(kt);
        expect(out[0]).toBe(5);
        expect(out[1]).toBe(2);
        const again = parseKeytab(out);
        expect(again.holes).toBeUndefined();
        const strip = (k: typeof kt) =>
          k.entries.map((e) => ({
            p: formatPrincipal(e.principal),
            t: e.timestamp,
            v: e.kvno,
            e: e.enctype,
            k: toHex(e.key),
          }));
        expect(strip(again)).toEqual(strip(kt));
        if (kt.version === 0x0502) {
          // Each live record is written back byte-identical.
          for (const entry of c.expected) {
            const rec = c.bytes.subarray(entry.offset, entry.offset + 4 + entry.record_length);
            expect(toHex(out)).toContain(toHex(rec));
          }
        }
      });
    }
  }
});
