/** lib/verify/account-match.ts: the account-vs-keytab comparison verify and doctor share. */
import { describe, expect, it } from 'vitest';
import { resolveEnctype } from '../../lib/crypto/enctypes.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import { parsePrincipal } from '../../lib/principal.js';
import { matchAccount } from '../../lib/verify/account-match.js';
import type { DirectoryAccountView } from '../../lib/verify/directory.js';

const AES256 = resolveEnctype('aes256-cts-hmac-sha1-96').id;
const AES128 = resolveEnctype('aes128-cts-hmac-sha1-96').id;
const RC4 = resolveEnctype('arcfour-hmac').id;
const principal = parsePrincipal('HTTP/web.fake.test@FAKE.TEST');
const entry = (kvno: number, enctype: number): KeytabEntry => ({
  principal,
  kvno,
  enctype,
  key: new Uint8Array(16),
  timestamp: 0,
});
const account = (more: Partial<DirectoryAccountView>): DirectoryAccountView => ({
  dn: 'CN=svc,DC=fake,DC=test',
  sAMAccountName: 'svc',
  servicePrincipalNames: [],
  ...more,
});

describe('matchAccount', () => {
  it('kvno: the newest of the keytab against msDS-KeyVersionNumber', () => {
    const entries = [entry(2, AES256), entry(3, AES256)];
    expect(matchAccount(account({}), entries).kvno).toEqual({ kind: 'unknown', keytab: 3 });
    expect(matchAccount(account({ keyVersionNumber: 3 }), entries).kvno).toEqual({
      kind: 'same',
      keytab: 3,
      account: 3,
    });
    expect(matchAccount(account({ keyVersionNumber: 4 }), entries).kvno).toEqual({
      kind: 'stale',
      keytab: 3,
      account: 4,
    });
    expect(matchAccount(account({ keyVersionNumber: 2 }), entries).kvno).toEqual({
      kind: 'ahead',
      keytab: 3,
      account: 2,
    });
  });

  it('enctypes: unset (with whether both DC defaults decrypt), none allowed, missing (never DES), fits', () => {
    expect(matchAccount(account({}), [entry(1, AES256)]).enctypes).toEqual({
      kind: 'unset',
      keytab: [AES256],
      ticketsOk: false,
    });
    expect(matchAccount(account({}), [entry(1, AES256), entry(1, RC4)]).enctypes).toMatchObject({
      kind: 'unset',
      ticketsOk: true,
    });
    expect(
      matchAccount(account({ supportedEncryptionTypes: 0x4 }), [entry(1, AES256)]).enctypes,
    ).toMatchObject({ kind: 'none-allowed', bits: 4, missing: [RC4] });
    expect(
      matchAccount(account({ supportedEncryptionTypes: 0x1b }), [entry(1, AES256)]).enctypes,
    ).toMatchObject({ kind: 'missing', missing: [AES128] });
    expect(
      matchAccount(account({ supportedEncryptionTypes: 0x13 }), [entry(1, AES256)]).enctypes,
    ).toMatchObject({
      kind: 'fits',
      missing: [],
      words: '0x13 (DES-CBC-CRC, DES-CBC-MD5, AES256-CTS-HMAC-SHA1-96)',
    });
  });
});
