import { describe, expect, it } from 'vitest';
import { findAccount, parseAccountId } from '../../lib/ad/account.js';
import { readDomainNames } from '../../lib/ad/domain-names.js';
import type { Directory, SearchRequest } from '../../lib/ad/types.js';

/** A stand-in directory with Samba's crossRef for EXAMPLE / example.test and one account. */
function standIn(crossRef = true): Directory & { searches: SearchRequest[] } {
  const searches: SearchRequest[] = [];
  return {
    searches,
    url: 'ldaps://dc1',
    baseDn: 'DC=example,DC=test',
    configurationDn: 'CN=Configuration,DC=example,DC=test',
    serverName: undefined,
    encrypted: true,
    search: async (req) => {
      searches.push(req);
      if (req.base.startsWith('CN=Partitions')) {
        if (!crossRef) throw new Error('insufficient access');
        return [
          {
            dn: 'CN=EXAMPLE,CN=Partitions,CN=Configuration,DC=example,DC=test',
            attributes: { netbiosname: ['EXAMPLE'], dnsroot: ['example.test'] },
          },
        ];
      }
      return req.filter?.includes('tomcat')
        ? [
            {
              dn: 'CN=tomcat,CN=Users,DC=example,DC=test',
              attributes: { samaccountname: ['tomcat'], objectclass: ['user'] },
            },
          ]
        : [];
    },
    apply: async () => {
      throw new Error('no writes expected');
    },
    close: async () => undefined,
  };
}

describe('DOMAIN\\account (the down-level logon name of runbooks)', () => {
  it('parses the domain apart from the name, computers included', () => {
    expect(parseAccountId('EXAMPLE\\tomcat')).toEqual({
      by: 'sam',
      name: 'tomcat',
      domain: 'EXAMPLE',
    });
    expect(parseAccountId('example.test\\WEB$')).toEqual({
      by: 'sam',
      name: 'WEB$',
      domain: 'example.test',
    });
    expect(() => parseAccountId('EXAMPLE\\')).toThrow(/DOMAIN\\account/);
    expect(() => parseAccountId('\\tomcat')).toThrow(/DOMAIN\\account/);
  });
  it("reads the domain's NetBIOS and DNS names from its crossRef", async () => {
    const dir = standIn();
    expect(await readDomainNames(dir)).toEqual({ netbios: 'EXAMPLE', dns: 'example.test' });
    expect(dir.searches[0]).toMatchObject({
      base: 'CN=Partitions,CN=Configuration,DC=example,DC=test',
      scope: 'one',
      filter: '(&(objectClass=crossRef)(nCName=DC=example,DC=test))',
    });
    expect(await readDomainNames(standIn(false))).toEqual({
      netbios: undefined,
      dns: 'example.test',
    });
  });
  it('finds the account by either name of the domain, any case', async () => {
    for (const id of [
      'EXAMPLE\\tomcat',
      'example\\tomcat',
      'example.test\\tomcat',
      'EXAMPLE.TEST\\tomcat',
    ]) {
      expect((await findAccount(standIn(), id))?.sAMAccountName, id).toBe('tomcat');
    }
  });
  it('another domain is refused, naming both of the directory', async () => {
    await expect(findAccount(standIn(), 'CORP\\tomcat')).rejects.toMatchObject({
      code: 'AD_DOMAIN_MISMATCH',
      message:
        'CORP\\tomcat: the directory at ldaps://dc1 is the domain EXAMPLE (example.test), not CORP',
      hint: expect.stringContaining('write EXAMPLE\\tomcat, or just tomcat'),
    });
  });
});
