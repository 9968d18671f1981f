import { describe, expect, it } from 'vitest';
import {
  accountFromEntry,
  accountQuery,
  accountSalt,
  fileTimeToDate,
  nextKvno,
  parseAccountId,
} from '../../lib/ad/account.js';
import type { AccountRecord } from '../../lib/ad/account.js';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import { toHex } from '../../lib/bytes.js';

/** An entry as Samba 4.17 returned it for a user made by `keytab ad create` (captured). */
// prettier-ignore
const SAMBA_USER = {
  dn: 'CN=svc-web,CN=Users,DC=example,DC=test',
  attributes: {
    objectclass: ['top', 'person', 'organizationalPerson', 'user'],
    useraccountcontrol: ['66048'],
    pwdlastset: ['134398330263817280'],
    samaccountname: ['svc-web'],
    userprincipalname: ['HTTP/web.example.test@EXAMPLE.TEST'],
    serviceprincipalname: ['HTTP/web.example.test', 'HTTP/web'],
    'msds-keyversionnumber': ['3'],
    'msds-supportedencryptiontypes': ['24'],
  },
};

const record = (over: Partial<AccountRecord>): AccountRecord => ({
  ...accountFromEntry(SAMBA_USER),
  ...over,
});

describe('account names', () => {
  it('tells a DN, a UPN and a sAMAccountName apart', () => {
    expect(parseAccountId('CN=svc,CN=Users,DC=example,DC=test')).toEqual({
      by: 'dn',
      dn: 'CN=svc,CN=Users,DC=example,DC=test',
    });
    expect(parseAccountId('HTTP/web.example.test@EXAMPLE.TEST')).toEqual({
      by: 'upn',
      upn: 'HTTP/web.example.test@EXAMPLE.TEST',
    });
    expect(parseAccountId(' WEB$ ')).toEqual({ by: 'sam', name: 'WEB$' });
    expect(() => parseAccountId('  ')).toThrow(/give the account/);
  });
  it('searches a name with and without $, a UPN, and a DN at base scope, all escaped', () => {
    expect(accountQuery({ by: 'sam', name: 'web' }, 'DC=x').filter).toBe(
      '(&(objectClass=user)(|(sAMAccountName=web)(sAMAccountName=web$)))',
    );
    expect(accountQuery({ by: 'sam', name: 'WEB$' }, 'DC=x').filter).toBe(
      '(&(objectClass=user)(sAMAccountName=WEB$))',
    );
    expect(accountQuery({ by: 'sam', name: 'a*)(x=*' }, 'DC=x').filter).toBe(
      '(&(objectClass=user)(|(sAMAccountName=a\\2a\\29\\28x=\\2a)(sAMAccountName=a\\2a\\29\\28x=\\2a$)))',
    );
    expect(accountQuery({ by: 'upn', upn: 'a@b' }, 'DC=x')).toEqual({
      base: 'DC=x',
      scope: 'sub',
      filter: '(&(objectClass=user)(userPrincipalName=a@b))',
    });
    expect(accountQuery({ by: 'dn', dn: 'CN=a,DC=x' }, 'DC=x')).toEqual({
      base: 'CN=a,DC=x',
      scope: 'base',
      filter: '(objectClass=user)',
    });
  });
});

describe('AccountRecord from an entry', () => {
  it('reads every field', () => {
    const a = accountFromEntry(SAMBA_USER);
    expect(a).toMatchObject({
      dn: 'CN=svc-web,CN=Users,DC=example,DC=test',
      sAMAccountName: 'svc-web',
      userPrincipalName: 'HTTP/web.example.test@EXAMPLE.TEST',
      servicePrincipalName: ['HTTP/web.example.test', 'HTTP/web'],
      msDSKeyVersionNumber: 3,
      msDSSupportedEncryptionTypes: 0x18,
      userAccountControl: 0x10200,
      objectClass: 'user',
      realm: 'EXAMPLE.TEST',
    });
    expect(a.pwdLastSet?.toISOString()).toBe('2026-11-22T14:57:06.381Z');
  });
  it('a computer is a computer, and missing attributes are undefined', () => {
    const c = accountFromEntry({
      dn: 'CN=WEB,CN=Computers,DC=example,DC=test',
      attributes: {
        objectclass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
        samaccountname: ['WEB$'],
        useraccountcontrol: ['4098'],
        pwdlastset: ['0'],
      },
    });
    expect(c.objectClass).toBe('computer');
    expect(c.userPrincipalName).toBeUndefined();
    expect(c.msDSSupportedEncryptionTypes).toBeUndefined();
    expect(c.msDSKeyVersionNumber).toBeUndefined();
    expect(c.pwdLastSet).toBeUndefined();
    expect(c.servicePrincipalName).toEqual([]);
  });
  it('an entry without sAMAccountName is refused', () => {
    expect(() => accountFromEntry({ dn: 'CN=x,DC=y', attributes: {} })).toThrow(
      /no sAMAccountName/,
    );
  });
  it('FILETIME: 100 ns since 1601; 0 and the "never" maximum are undefined', () => {
    expect(fileTimeToDate('116444736000000000')?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(fileTimeToDate('0')).toBeUndefined();
    expect(fileTimeToDate('9223372036854775807')).toBeUndefined();
    expect(fileTimeToDate(undefined)).toBeUndefined();
  });
  it('nextKvno is msDS-KeyVersionNumber + 1', () => {
    expect(nextKvno(record({ msDSKeyVersionNumber: 3 }))).toBe(4);
    expect(() => nextKvno(record({ msDSKeyVersionNumber: undefined }))).toThrow(/not readable/);
  });
});

describe('accountSalt: the rule AD uses ([MS-KILE] 3.1.1.2)', () => {
  it('a user with a UPN: REALM + the UPN name part without "/"', () => {
    const s = accountSalt(record({}), 'EXAMPLE.TEST');
    expect(s.rule).toBe('ad-upn');
    expect(s.text).toBe('EXAMPLE.TESTHTTPweb.example.test');
    expect(s.caveat).toMatch(/fixed .* when the password was last set \(2026-11-22/);
  });
  it('a user without a UPN: REALM + sAMAccountName, case kept', () => {
    const s = accountSalt(
      record({ userPrincipalName: undefined, sAMAccountName: 'Svc-Web' }),
      'EXAMPLE.TEST',
    );
    expect([s.rule, s.text]).toEqual(['ad-user', 'EXAMPLE.TESTSvc-Web']);
  });
  it('a computer: REALM + host + lower(name) + . + lower(realm), whatever its UPN', () => {
    const s = accountSalt(
      record({
        objectClass: 'computer',
        sAMAccountName: 'WEB$',
        userPrincipalName: 'host/web.example.test@EXAMPLE.TEST',
      }),
      'EXAMPLE.TEST',
    );
    expect([s.rule, s.text]).toEqual(['ad-computer', 'EXAMPLE.TESThostweb.example.test']);
  });
  it('gives the KDC-checked key of the facts note', async () => {
    // Password Svc-Pass-3!, salt EXAMPLE.TESTHTTPweb.example.test (kerberos-ad-facts.md).
    const s = accountSalt(record({}), 'EXAMPLE.TEST');
    expect(toHex(await stringToKey(17, 'Svc-Pass-3!', s.bytes))).toBe(
      '33f7b777d0ed118f642171ce6f8d6ae4',
    );
  });
});
