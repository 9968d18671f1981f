import { describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import { ENCTYPES, isDerivable, resolveEnctype } from '../../lib/crypto/enctypes.js';
import {
  checkEnctypePolicy,
  defaultEnctypes,
  ENCTYPE_GROUPS,
  expandEnctypeList,
} from '../../lib/crypto/policy.js';

function refusal(fn: () => unknown): KtError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KtError);
    return e as KtError;
  }
  throw new Error('expected a refusal');
}

const info = (id: number) => resolveEnctype(id);

describe('checkEnctypePolicy', () => {
  it('refuses single DES and the export RC4 unless weak crypto is allowed (RFC 6649)', () => {
    for (const id of [1, 2, 3, 24]) {
      const e = refusal(() => checkEnctypePolicy(info(id)));
      expect(e.code).toBe('ENCTYPE_WEAK');
      expect(e.message).toContain('RFC 6649');
      expect(e.details['rule']).toBe('weak enctype');
      expect(e.hint).toBeDefined();
      const warnings = checkEnctypePolicy(info(id), { allowWeak: true });
      expect(warnings.join('\n')).toMatch(/RFC 6649.*allowed/);
    }
    expect(refusal(() => checkEnctypePolicy(info(1))).message).toMatch(/56-bit/);
    expect(refusal(() => checkEnctypePolicy(info(24))).message).toMatch(/40-bit/);
  });

  it('refuses the enctypes known by number only as weak too', () => {
    for (const id of [5, 7, 8])
      expect(refusal(() => checkEnctypePolicy(info(id))).code).toBe('ENCTYPE_WEAK');
  });

  it('allows DES3 and RC4 with an RFC 8429 warning', () => {
    for (const id of [16, 23]) {
      const warnings = checkEnctypePolicy(info(id));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('RFC 8429');
    }
  });

  it('has nothing to say about AES and Camellia at default counts', () => {
    for (const id of [17, 18, 19, 20, 25, 26]) {
      expect(checkEnctypePolicy(info(id))).toEqual([]);
      expect(checkEnctypePolicy(info(id), { iterations: info(id).defaultIterations })).toEqual([]);
      expect(checkEnctypePolicy(info(id), { iterations: 1_000_000 })).toEqual([]);
    }
  });

  it('refuses iteration counts below the family default unless weak crypto is allowed', () => {
    expect(refusal(() => checkEnctypePolicy(info(18), { iterations: 4095 })).code).toBe(
      'S2K_BAD_PARAMS',
    );
    expect(refusal(() => checkEnctypePolicy(info(20), { iterations: 4096 })).code).toBe(
      'S2K_BAD_PARAMS',
    );
    expect(refusal(() => checkEnctypePolicy(info(26), { iterations: 32767 })).code).toBe(
      'S2K_BAD_PARAMS',
    );
    expect(refusal(() => checkEnctypePolicy(info(17), { iterations: 1 })).details['rule']).toBe(
      'low iteration count',
    );
    expect(checkEnctypePolicy(info(17), { iterations: 1, allowWeak: true })).toEqual([
      expect.stringMatching(/1 PBKDF2 iterations is below the 4096 default.*allowed/),
    ]);
  });

  it('warns that an iteration count does not apply to DES3 and RC4', () => {
    expect(checkEnctypePolicy(info(23), { iterations: 10 }).join('\n')).toMatch(/ignored/);
    expect(checkEnctypePolicy(info(16), { iterations: 10 }).join('\n')).toMatch(/ignored/);
  });

  it('always refuses iteration counts that cannot exist', () => {
    for (const iterations of [0, -1, 2.5, 2 ** 32]) {
      expect(
        refusal(() => checkEnctypePolicy(info(18), { iterations, allowWeak: true })).code,
      ).toBe('S2K_BAD_PARAMS');
    }
  });
});

describe('expandEnctypeList', () => {
  const ids = (spec: string) => expandEnctypeList(spec).map((e) => e.id);

  it('`all` is MIT’s default order of every derivable non-weak enctype', () => {
    expect(ids('all')).toEqual([18, 17, 20, 19, 16, 23, 25, 26]);
    const expected = ENCTYPES.filter((e) => isDerivable(e) && !e.weak).map((e) => e.id);
    expect([...ids('all')].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(defaultEnctypes().map((e) => e.id)).toEqual(ids('all'));
  });

  it('`ad` is what Active Directory keys: AES256, AES128, RC4', () => {
    expect(ids('ad')).toEqual([18, 17, 23]);
    expect(Object.keys(ENCTYPE_GROUPS)).toEqual(['all', 'ad']);
  });

  it('takes names, aliases, ktpass spellings and numbers, comma and/or space separated', () => {
    expect(ids('aes256-cts-hmac-sha1-96,aes128-cts')).toEqual([18, 17]);
    expect(ids(' AES256-SHA1  RC4-HMAC-NT ')).toEqual([18, 23]);
    expect(ids('18, 17 ,23')).toEqual([18, 17, 23]);
    expect(ids('des')).toEqual([3]);
  });

  it('drops duplicates and keeps the first position', () => {
    expect(ids('23 aes256-cts 18 rc4-hmac')).toEqual([23, 18]);
    expect(ids('AD all')).toEqual([18, 17, 23, 20, 19, 16, 25, 26]);
  });

  it('applies no policy (weak enctypes resolve; the caller checks them)', () => {
    expect(ids('des-cbc-crc,des-cbc-md5,7')).toEqual([1, 3, 7]);
  });

  it('refuses unknown names and empty lists', () => {
    expect(refusal(() => expandEnctypeList('aes512')).code).toBe('ENCTYPE_UNKNOWN');
    expect(refusal(() => expandEnctypeList('  , ')).code).toBe('ENCTYPE_UNKNOWN');
    expect(refusal(() => expandEnctypeList('')).code).toBe('ENCTYPE_UNKNOWN');
  });
});
