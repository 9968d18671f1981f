import { describe, expect, it } from 'vitest';
import {
  checkSpnsFree,
  clashingSpns,
  groupDuplicateSpns,
  parseSpnMappings,
  planSpnAdd,
  planSpnRemove,
  validateSpn,
} from '../../lib/ad/spn.js';
import type { Directory } from '../../lib/ad/types.js';

/** The sPNMappings value of a fresh Samba 4.17 domain (captured). */
const SAMBA_MAPPINGS = parseSpnMappings([
  'host=alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator,eventlog,eventsystem,policyagent,oakley,dmserver,dns,mcsvc,fax,msiserver,ias,messenger,netlogon,netman,netdde,netddedsm,nmagent,plugplay,protectedstorage,rasman,rpclocator,rpc,rpcss,remoteaccess,rsvp,samss,scardsvr,scesrv,seclogon,scm,dcom,cifs,spooler,snmp,schedule,tapisrv,trksvr,trkwks,ups,time,wins,www,http,w3svc,iisadmin,msdtc',
]);

const ACCOUNT = {
  dn: 'CN=svc,CN=Users,DC=example,DC=test',
  servicePrincipalName: ['HTTP/web.example.test', 'HTTP/web'],
};

describe('SPN syntax', () => {
  it('accepts service/host, service/host:port and service/host/name', () => {
    for (const s of [
      'HTTP/web.example.test',
      'MSSQLSvc/db.example.test:1433',
      'ldap/dc1.example.test/example.test',
      'HTTP/web',
    ])
      expect(validateSpn(` ${s} `)).toBe(s);
  });
  it('refuses a realm, a missing host, spaces and bad ports, saying why', () => {
    expect(() => validateSpn('HTTP/web@EXAMPLE.TEST')).toThrow(/an SPN has no realm/);
    expect(() => validateSpn('HTTP')).toThrow(/no "\/"/);
    expect(() => validateSpn('HTTP/')).toThrow(/empty/);
    expect(() => validateSpn('HTTP/web example')).toThrow(/white space/);
    expect(() => validateSpn('HTTP/web:99999')).toThrow(/not host or host:port/);
    expect(() => validateSpn('a/b/c/d')).toThrow(/more than three/);
    try {
      validateSpn('HTTP/web@EXAMPLE.TEST');
    } catch (e) {
      expect((e as { hint: string }).hint).toBe('drop the "@REALM": HTTP/web');
    }
  });
});

describe('sPNMappings aliases', () => {
  it('parses x=a,b,c into alias -> x', () => {
    expect(SAMBA_MAPPINGS.get('http')).toBe('host');
    expect(SAMBA_MAPPINGS.get('cifs')).toBe('host');
    expect(SAMBA_MAPPINGS.has('host')).toBe(false);
  });
  it('HTTP/x clashes with host/x; host/x clashes with every alias/x', () => {
    expect(clashingSpns('HTTP/web.example.test', SAMBA_MAPPINGS).map((c) => c.spn)).toEqual([
      'HTTP/web.example.test',
      'host/web.example.test',
    ]);
    const forHost = clashingSpns('host/web', SAMBA_MAPPINGS).map((c) => c.spn);
    expect(forHost[0]).toBe('host/web');
    expect(forHost).toContain('http/web');
    expect(forHost).toContain('cifs/web');
    expect(forHost).toHaveLength(1 + SAMBA_MAPPINGS.size);
    expect(clashingSpns('MSSQLSvc/db:1433', SAMBA_MAPPINGS).map((c) => c.spn)).toEqual([
      'MSSQLSvc/db:1433',
    ]);
  });
});

describe('SPN plans', () => {
  it('add skips what the account already has, in any case', () => {
    const p = planSpnAdd(ACCOUNT, [
      'http/WEB.example.test',
      'HTTP/web.example.test:8443',
      'HTTP/web.example.test:8443',
    ]);
    expect(p.added).toEqual(['HTTP/web.example.test:8443']);
    expect(p.unchanged).toEqual(['http/WEB.example.test', 'HTTP/web.example.test:8443']);
    expect(p.changes).toEqual([
      {
        kind: 'modify',
        dn: ACCOUNT.dn,
        modifications: [
          {
            operation: 'add',
            attribute: 'servicePrincipalName',
            values: ['HTTP/web.example.test:8443'],
          },
        ],
      },
    ]);
    expect(planSpnAdd(ACCOUNT, ['HTTP/web']).changes).toEqual([]);
  });
  it('remove deletes the stored spelling and reports what was not there', () => {
    const p = planSpnRemove(ACCOUNT, ['http/web', 'HTTP/other']);
    expect(p.removed).toEqual(['HTTP/web']);
    expect(p.unchanged).toEqual(['HTTP/other']);
    expect(p.changes[0]).toMatchObject({
      modifications: [
        { operation: 'delete', attribute: 'servicePrincipalName', values: ['HTTP/web'] },
      ],
    });
  });
});

describe('duplicates (setspn -X)', () => {
  const holders = [
    { dn: 'CN=a,DC=x', sAMAccountName: 'a', servicePrincipalName: ['HTTP/web', 'host/app'] },
    { dn: 'CN=b,DC=x', sAMAccountName: 'b', servicePrincipalName: ['http/WEB'] },
    { dn: 'CN=c,DC=x', sAMAccountName: 'c', servicePrincipalName: ['cifs/app', 'HTTP/solo'] },
  ];
  it('finds the same SPN on two accounts, case-insensitively', () => {
    const d = groupDuplicateSpns(holders);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ spn: 'HTTP/web', kind: 'exact' });
    expect(d[0]?.owners.map((o) => o.sAMAccountName)).toEqual(['a', 'b']);
  });
  it('with the mappings, also host/X against an alias of it on another account', () => {
    const d = groupDuplicateSpns(holders, SAMBA_MAPPINGS);
    const alias = d.find((x) => x.kind === 'alias');
    expect(alias?.spn).toBe('host/app');
    expect(alias?.owners.map((o) => [o.sAMAccountName, o.spn, o.via ?? null])).toEqual([
      ['a', 'host/app', null],
      ['c', 'cifs/app', 'host/ covers cifs/'],
    ]);
  });
  it('one account holding an SPN twice is no duplicate', () => {
    expect(
      groupDuplicateSpns([
        { dn: 'CN=a,DC=x', sAMAccountName: 'a', servicePrincipalName: ['HTTP/x', 'http/X'] },
      ]),
    ).toEqual([]);
  });
});

describe('checkSpnsFree names the owner (error path, on a stand-in directory)', () => {
  const owner = {
    dn: 'CN=svc-old,CN=Users,DC=example,DC=test',
    attributes: { samaccountname: ['svc-old'], serviceprincipalname: ['host/web.example.test'] },
  };
  const dir: Directory = {
    url: 'ldaps://dc',
    baseDn: 'DC=example,DC=test',
    configurationDn: 'CN=Configuration,DC=example,DC=test',
    serverName: undefined,
    encrypted: true,
    search: async (req) =>
      req.base.startsWith('CN=Directory Service')
        ? [{ dn: req.base, attributes: { spnmappings: ['host=http,cifs'] } }]
        : req.filter?.includes('host/web.example.test')
          ? [owner]
          : [],
    apply: async () => {
      throw new Error('no writes expected');
    },
    close: async () => undefined,
  };
  it('an alias clash is refused with the owner and the reason', async () => {
    await expect(
      checkSpnsFree(dir, { dn: 'CN=svc-new,CN=Users,DC=example,DC=test' }, [
        'HTTP/web.example.test',
      ]),
    ).rejects.toMatchObject({
      code: 'AD_SPN_DUPLICATE',
      message:
        'SPN HTTP/web.example.test is already registered on svc-old (CN=svc-old,CN=Users,DC=example,DC=test) as host/web.example.test, since host/ covers HTTP/',
      hint: expect.stringContaining('keytab ad spn remove svc-old host/web.example.test'),
    });
  });
});
