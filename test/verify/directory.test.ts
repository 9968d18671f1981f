/** The directory view verify and doctor use, over lib/ad's Directory (a fake one here). */
import { describe, expect, it } from 'vitest';
import type { DirEntry, Directory, SearchRequest } from '../../lib/ad/types.js';
import { accountForPrincipal } from '../../lib/cli/verify-directory.js';
import { parsePrincipal } from '../../lib/principal.js';
import { describeSupportedBits, enctypesOfSupportedBits } from '../../lib/verify/directory.js';

// prettier-ignore
const svc: DirEntry = {
  dn: 'CN=svc-web,CN=Users,DC=example,DC=test',
  attributes: {
    samaccountname: ['svc-web'],
    serviceprincipalname: ['HTTP/web.example.test', 'HTTP/web'],
    'msds-keyversionnumber': ['4'],
    useraccountcontrol: ['66048'],
    objectclass: ['top', 'person', 'organizationalPerson', 'user'],
  },
};
const upnUser: DirEntry = {
  dn: 'CN=alice,CN=Users,DC=example,DC=test',
  attributes: {
    samaccountname: ['alice'],
    userprincipalname: ['alice@EXAMPLE.TEST'],
    'msds-supportedencryptiontypes': ['24'],
    objectclass: ['user'],
  },
};

function fakeDirectory(entries: readonly DirEntry[]): Directory & { filters: string[] } {
  const filters: string[] = [];
  const has = (e: DirEntry, attr: string, value: string): boolean =>
    (e.attributes[attr.toLowerCase()] ?? []).some((v) => v.toLowerCase() === value.toLowerCase());
  return {
    url: 'ldaps://192.0.2.9:636',
    baseDn: 'DC=example,DC=test',
    configurationDn: undefined,
    serverName: undefined,
    encrypted: true,
    filters,
    async search(req: SearchRequest) {
      const f = req.filter ?? '';
      filters.push(f);
      const terms = [
        ...f.matchAll(/\((userPrincipalName|servicePrincipalName|sAMAccountName)=([^)]*)\)/g),
      ].map((m) => [m[1]!, m[2]!.replace(/\\2f/gi, '/')] as const);
      return entries.filter((e) => terms.some(([attr, value]) => has(e, attr, value)));
    },
    async apply() {
      throw new Error('read-only');
    },
    async close() {},
  };
}

describe('accountForPrincipal', () => {
  it('finds an account by UPN, then SPN, then sAMAccountName', async () => {
    const dir = fakeDirectory([svc, upnUser]);
    expect(await accountForPrincipal(dir, parsePrincipal('alice@EXAMPLE.TEST'))).toMatchObject({
      sAMAccountName: 'alice',
      userPrincipalName: 'alice@EXAMPLE.TEST',
      supportedEncryptionTypes: 24,
    });
    const bySpn = await accountForPrincipal(
      dir,
      parsePrincipal('HTTP/web.example.test@EXAMPLE.TEST'),
    );
    expect(bySpn).toEqual({
      dn: svc.dn,
      sAMAccountName: 'svc-web',
      userPrincipalName: undefined,
      servicePrincipalNames: ['HTTP/web.example.test', 'HTTP/web'],
      keyVersionNumber: 4,
      supportedEncryptionTypes: undefined,
      userAccountControl: 66048,
    });
    expect(await accountForPrincipal(dir, parsePrincipal('svc-web@EXAMPLE.TEST'))).toMatchObject({
      dn: svc.dn,
    });
    expect(
      await accountForPrincipal(dir, parsePrincipal('HTTP/none.example.test@EXAMPLE.TEST')),
    ).toBeUndefined();
  });

  it('two accounts with one SPN: ambiguous, said so', async () => {
    const dup = {
      ...svc,
      dn: 'CN=other,DC=example,DC=test',
      attributes: { ...svc.attributes, samaccountname: ['other'] },
    };
    await expect(
      accountForPrincipal(
        fakeDirectory([svc, dup]),
        parsePrincipal('HTTP/web.example.test@EXAMPLE.TEST'),
      ),
    ).rejects.toMatchObject({ code: 'AD_ACCOUNT_AMBIGUOUS' });
  });

  it('msDS-SupportedEncryptionTypes bits', () => {
    expect(enctypesOfSupportedBits(0x1c)).toEqual([23, 17, 18]);
    expect(describeSupportedBits(0x18)).toBe(
      '0x18 (AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96)',
    );
    expect(describeSupportedBits(0x20)).toBe('0x20 (no enctype bits)');
  });
});
