import { describe, expect, it } from 'vitest';
import {
  encodeUnicodePwd,
  isNewDisabledAccount,
  meetsComplexity,
  passwordText,
  planSetPassword,
  randomPassword,
  setPassword,
} from '../../lib/ad/password.js';
import type { AccountRecord } from '../../lib/ad/account.js';
import type { Directory, DirectoryChange } from '../../lib/ad/types.js';

const ACCOUNT: AccountRecord = {
  dn: 'CN=svc,CN=Users,DC=example,DC=test',
  sAMAccountName: 'svc',
  servicePrincipalName: [],
  msDSKeyVersionNumber: 1,
  userAccountControl: 0x202,
  pwdLastSet: undefined,
  objectClass: 'user',
  realm: 'EXAMPLE.TEST',
};

/** A deterministic byte source (xorshift) for reproducible tests. */
function seeded(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

describe('unicodePwd encoding ([MS-ADTS] 3.1.1.3.1.5.1)', () => {
  it('is UTF-16LE of the password in double quotes', () => {
    expect(encodeUnicodePwd('Pw1!').toString('hex')).toBe('220050007700310021002200');
    expect(Buffer.isBuffer(encodeUnicodePwd('x'))).toBe(true);
  });
  it('encodes non-BMP characters as surrogate pairs', () => {
    expect(encodeUnicodePwd('😀').toString('hex')).toBe('22003dd800de2200');
  });
  it('a password file must be UTF-8 text', () => {
    expect(passwordText(new TextEncoder().encode('Grüße-1'))).toBe('Grüße-1');
    expect(() => passwordText(new Uint8Array([0xff, 0xfe]))).toThrow(/not valid UTF-8/);
  });
});

describe('random passwords', () => {
  it('32 characters by default, every class present, meets AD complexity', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const pw = randomPassword(seeded(seed));
      expect(pw).toHaveLength(32);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[^A-Za-z0-9]/);
      expect(pw).not.toMatch(/["'`\\\s$]/);
      expect(meetsComplexity(pw)).toBe(true);
    }
  });
  it('is a function of the random source', () => {
    expect(randomPassword(seeded(7))).toBe(randomPassword(seeded(7)));
    expect(randomPassword(seeded(7))).not.toBe(randomPassword(seeded(8)));
  });
  it('never contains an account name it must avoid (draws again)', () => {
    const first = randomPassword(seeded(5));
    const name = first.slice(10, 14);
    const again = randomPassword(seeded(5), { avoid: [name] });
    expect(again).not.toBe(first);
    expect(again.toLowerCase()).not.toContain(name.toLowerCase());
  });
  it('honours a length from 20 to 256 only', () => {
    expect(randomPassword(seeded(1), { length: 64 })).toHaveLength(64);
    expect(() => randomPassword(seeded(1), { length: 8 })).toThrow(/20 to 256/);
  });
  it('meetsComplexity: three classes, and not the account name', () => {
    expect(meetsComplexity('Abcdefg1')).toBe(true);
    expect(meetsComplexity('abcdefgh')).toBe(false);
    expect(meetsComplexity('Svc-Web-1', ['svc-web'])).toBe(false);
  });
});

describe('planSetPassword', () => {
  it('a new disabled account: replace unicodePwd, then enable, in one modify', () => {
    const [c] = planSetPassword(ACCOUNT, 'Pw-123456') as [DirectoryChange & { kind: 'modify' }];
    expect(c.modifications.map((m) => [m.operation, m.attribute, m.secret ?? false])).toEqual([
      ['replace', 'unicodePwd', true],
      ['replace', 'userAccountControl', false],
    ]);
    expect(c.modifications[1]?.values).toEqual(['512']);
    expect(isNewDisabledAccount(ACCOUNT)).toBe(true);
  });
  it('an account disabled after it had a password stays disabled', () => {
    const old = { ...ACCOUNT, pwdLastSet: new Date(0) };
    expect(isNewDisabledAccount(old)).toBe(false);
    const [c] = planSetPassword(old, 'Pw-123456') as [DirectoryChange & { kind: 'modify' }];
    expect(c.modifications.map((m) => m.attribute)).toEqual(['unicodePwd']);
    expect(
      (
        planSetPassword(old, 'Pw-123456', { enable: true })[0] as DirectoryChange & {
          kind: 'modify';
        }
      ).modifications,
    ).toHaveLength(2);
  });
});

describe('setPassword refuses an unencrypted session before sending', () => {
  it('nothing reaches the directory', async () => {
    const sent: DirectoryChange[] = [];
    const plain: Directory = {
      url: 'ldap://dc:389',
      baseDn: 'DC=example,DC=test',
      configurationDn: undefined,
      serverName: undefined,
      encrypted: false,
      search: async () => [],
      apply: async (c) => void sent.push(c),
      close: async () => undefined,
    };
    await expect(setPassword(plain, ACCOUNT, 'Pw-123456')).rejects.toMatchObject({
      code: 'AD_INSECURE_PASSWORD_WRITE',
      message: expect.stringMatching(/nothing was sent/),
    });
    expect(sent).toEqual([]);
  });
});
