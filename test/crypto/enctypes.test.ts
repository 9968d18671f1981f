import { describe, expect, it } from 'vitest';
import { ENCTYPES, enctypeById, isDerivable, resolveEnctype } from '../../lib/crypto/enctypes.js';

describe('the enctype table', () => {
  it('has unique ids, and no name or alias names two records', () => {
    const ids = ENCTYPES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const owner = new Map<string, number>();
    for (const e of ENCTYPES) {
      for (const n of [e.name, ...e.aliases].map((x) => x.toLowerCase())) {
        expect(owner.get(n) ?? e.id, n).toBe(e.id);
        owner.set(n, e.id);
      }
    }
  });

  it('gives every record with a family its functions and sizes', () => {
    for (const e of ENCTYPES.filter((x) => x.family)) {
      expect(isDerivable(e), e.name).toBe(true);
      expect(typeof e.stringToKey).toBe('function');
      expect(typeof e.randomToKey).toBe('function');
      expect(e.seedLength).toBeGreaterThan(0);
      expect(e.seedLength).toBeLessThanOrEqual(e.keyLength);
    }
  });

  it('keeps 5, 7 and 8 without family or functions', () => {
    for (const id of [5, 7, 8]) {
      const e = enctypeById(id)!;
      expect(e.family).toBeUndefined();
      expect(e.stringToKey).toBeUndefined();
      expect(e.randomToKey).toBeUndefined();
      expect(isDerivable(e)).toBe(false);
    }
  });

  it('records the sizes and default iteration counts of the RFCs', () => {
    const facts = ENCTYPES.filter(isDerivable).map((e) => [
      e.id,
      e.keyLength,
      e.seedLength,
      e.defaultIterations ?? null,
    ]);
    expect(facts).toEqual([
      [1, 8, 7, null],
      [2, 8, 7, null],
      [3, 8, 7, null],
      [16, 24, 21, null],
      [17, 16, 16, 4096],
      [18, 32, 32, 4096],
      [19, 16, 16, 32768],
      [20, 32, 32, 32768],
      [23, 16, 16, null],
      [24, 16, 16, null],
      [25, 16, 16, 32768],
      [26, 32, 32, 32768],
    ]);
  });

  it('explains every weak or deprecated enctype', () => {
    for (const e of ENCTYPES.filter((x) => x.weak || x.deprecated))
      expect(e.policyNote, e.name).toBeTruthy();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ENCTYPES)).toBe(true);
    for (const e of ENCTYPES) {
      expect(Object.isFrozen(e)).toBe(true);
      expect(Object.isFrozen(e.aliases)).toBe(true);
    }
    expect(resolveEnctype('AES256-SHA1').id).toBe(18);
  });
});
