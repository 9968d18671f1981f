import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/ad/account.js';
import { describeChanges } from '../../lib/ad/changes.js';
import { parseFlagChanges } from '../../lib/ad/flags.js';
import type { DirectoryChange } from '../../lib/ad/types.js';
import {
  planCreateAccount,
  planMapUser,
  planSetFlags,
  planSetSupportedEnctypes,
  planSetUpn,
} from '../../lib/ad/writes.js';
import { parsePrincipal } from '../../lib/principal.js';

const BASE = 'DC=example,DC=test';
const ACCOUNT: AccountRecord = {
  dn: 'CN=svc-web,CN=Users,DC=example,DC=test',
  sAMAccountName: 'svc-web',
  servicePrincipalName: ['HTTP/old.example.test'],
  msDSKeyVersionNumber: 2,
  userAccountControl: 0x200,
  pwdLastSet: new Date(0),
  objectClass: 'user',
  realm: 'EXAMPLE.TEST',
};

describe('planCreateAccount', () => {
  it('a user: add disabled, then password + enable in one modify', () => {
    const p = planCreateAccount(
      {
        name: 'svc-web',
        kind: 'user',
        upn: 'HTTP/web.example.test@EXAMPLE.TEST',
        spns: ['HTTP/web.example.test', 'http/WEB.example.test'],
        enctypes: 0x18,
        password: 'Pw-1234567',
      },
      BASE,
    );
    expect(p.dn).toBe('CN=svc-web,CN=Users,DC=example,DC=test');
    expect(describeChanges(p.changes)).toEqual([
      'add CN=svc-web,CN=Users,DC=example,DC=test',
      '  add objectClass: top',
      '  add objectClass: person',
      '  add objectClass: organizationalPerson',
      '  add objectClass: user',
      '  add cn: svc-web',
      '  add sAMAccountName: svc-web',
      '  add userAccountControl: 514',
      '  add userPrincipalName: HTTP/web.example.test@EXAMPLE.TEST',
      '  add servicePrincipalName: HTTP/web.example.test',
      '  add msDS-SupportedEncryptionTypes: 24',
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      '  replace unicodePwd: (password, not shown)',
      '  replace userAccountControl: 512',
    ]);
  });
  it('a computer: NAME$, workstation trust, CN=Computers; no password = stays disabled', () => {
    const p = planCreateAccount({ name: 'WEB', kind: 'computer' }, BASE);
    expect(p.sAMAccountName).toBe('WEB$');
    expect(p.dn).toBe('CN=WEB,CN=Computers,DC=example,DC=test');
    expect(p.changes).toHaveLength(1);
    const add = p.changes[0] as DirectoryChange & { kind: 'add' };
    expect(add.attributes.find((a) => a.attribute === 'userAccountControl')?.values).toEqual([
      String(0x1000 | 0x2),
    ]);
    expect(add.attributes.find((a) => a.attribute === 'objectClass')?.values).toContain('computer');
  });
  it('escapes the name in the DN and honours --ou', () => {
    expect(
      planCreateAccount(
        { name: 'svc#1', kind: 'user', ou: 'OU=Service Accounts,DC=example,DC=test' },
        BASE,
      ).dn,
    ).toBe('CN=svc#1,OU=Service Accounts,DC=example,DC=test');
  });
  it('refuses names AD refuses, and says why', () => {
    expect(() => planCreateAccount({ name: 'svc/web', kind: 'user' }, BASE)).toThrow(
      /cannot be an account name/,
    );
    expect(() => planCreateAccount({ name: 'svc@web', kind: 'user' }, BASE)).toThrow(
      /cannot be an account name/,
    );
    expect(() => planCreateAccount({ name: 'web$', kind: 'user' }, BASE)).toThrow(
      /ends with "\$", the mark of a computer account/,
    );
    expect(() =>
      planCreateAccount({ name: 'a-very-long-service-name', kind: 'user' }, BASE),
    ).toThrow(/longer than 20/);
    expect(() => planCreateAccount({ name: 'sixteen-chars-xx', kind: 'computer' }, BASE)).toThrow(
      /longer than 15/,
    );
    expect(() =>
      planCreateAccount({ name: 'svc', kind: 'user', spns: ['HTTP/x@REALM'] }, BASE),
    ).toThrow(/no realm/);
  });
});

describe('planMapUser (ktpass /mapuser)', () => {
  const P = parsePrincipal('HTTP/web.example.test@EXAMPLE.TEST');
  it('mapop add: SPN added, then UPN := principal, one modify', () => {
    const p = planMapUser(ACCOUNT, P);
    expect([p.spn, p.upn]).toEqual(['HTTP/web.example.test', 'HTTP/web.example.test@EXAMPLE.TEST']);
    expect(describeChanges(p.changes)).toEqual([
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      '  add servicePrincipalName: HTTP/web.example.test',
      '  replace userPrincipalName: HTTP/web.example.test@EXAMPLE.TEST',
    ]);
  });
  it('mapop set replaces the SPNs; setUpn false leaves the UPN', () => {
    expect(
      describeChanges(planMapUser(ACCOUNT, P, { mapop: 'set', setUpn: false }).changes),
    ).toEqual([
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      '  replace servicePrincipalName: HTTP/web.example.test',
    ]);
  });
  it('nothing to do when already mapped', () => {
    const mapped = {
      ...ACCOUNT,
      servicePrincipalName: ['http/WEB.example.test'],
      userPrincipalName: 'HTTP/web.example.test@EXAMPLE.TEST',
    };
    expect(planMapUser(mapped, P).changes).toEqual([]);
  });
});

describe('small plans', () => {
  it('UPN: replace, delete, or nothing', () => {
    expect(describeChanges(planSetUpn(ACCOUNT, 'svc-web@example.test'))).toEqual([
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      '  replace userPrincipalName: svc-web@example.test',
    ]);
    expect(
      describeChanges(planSetUpn({ ...ACCOUNT, userPrincipalName: 'a@b' }, undefined)),
    ).toEqual([
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      '  delete userPrincipalName (all values)',
    ]);
    expect(planSetUpn(ACCOUNT, undefined)).toEqual([]);
  });
  it('enctypes: replace with the decimal value, delete for default', () => {
    expect(describeChanges(planSetSupportedEnctypes(ACCOUNT, 0x18))).toEqual([
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      '  replace msDS-SupportedEncryptionTypes: 24',
    ]);
    expect(
      describeChanges(
        planSetSupportedEnctypes({ ...ACCOUNT, msDSSupportedEncryptionTypes: 4 }, undefined),
      )[1],
    ).toBe('  delete msDS-SupportedEncryptionTypes (all values)');
    expect(planSetSupportedEnctypes({ ...ACCOUNT, msDSSupportedEncryptionTypes: 24 }, 24)).toEqual(
      [],
    );
  });
  it('flags: one replace of userAccountControl, nothing if unchanged', () => {
    expect(
      describeChanges(planSetFlags(ACCOUNT, parseFlagChanges(['+dont-expire', '+delegation']))),
    ).toEqual([
      'modify CN=svc-web,CN=Users,DC=example,DC=test',
      `  replace userAccountControl: ${0x200 | 0x10000 | 0x80000}`,
    ]);
    expect(planSetFlags(ACCOUNT, parseFlagChanges(['-disabled']))).toEqual([]);
  });
});
