/** lib/doctor: each check on its own (pure), then runDoctor with fake KDCs, DNS and directory. */
import { describe, expect, it } from 'vitest';
import { randomKey } from '../../lib/crypto/string-to-key.js';
import {
  checkEnctypeSettings,
  checkKrb5Conf,
  type Krb5ConfView,
} from '../../lib/doctor/config-checks.js';
import { checkDirectory } from '../../lib/doctor/directory-checks.js';
import { runDoctor } from '../../lib/doctor/doctor.js';
import { expandMitEnctypes } from '../../lib/doctor/enctype-list.js';
import { checkKeytabFile, type KeytabView } from '../../lib/doctor/keytab-checks.js';
import { makeKrb5Conf } from '../../lib/doctor/krb5conf.js';
import { checkDns } from '../../lib/doctor/network-checks.js';
import { findingLine, jsonDoctorReport, renderDoctorText } from '../../lib/doctor/render.js';
import type { Finding } from '../../lib/doctor/types.js';
import { KtError } from '../../lib/errors.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import { parseKrb5Conf, realmConfig, realmForHost } from '../../lib/krb5/config.js';
import type { KdcTransport, SrvRecord, SrvResolver } from '../../lib/krb5/transport.js';
import { parsePrincipal } from '../../lib/principal.js';
import {
  baseDnForDomain,
  type AccountDirectory,
  type DirectoryAccountView,
} from '../../lib/verify/directory.js';
import { createFakeKdc } from '../helpers/fake-kdc.js';

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const REALM = 'FAKE.TEST';
const view = (text: string): Krb5ConfView => ({
  paths: ['krb5.conf'],
  config: parseKrb5Conf(text),
  missing: false,
});
const find = (list: readonly Finding[], what: string | RegExp): Finding[] =>
  list.filter((f) => (typeof what === 'string' ? f.what === what : what.test(f.what)));
const entry = (
  name: string,
  kvno: number,
  enctype: number,
  nameType = 1,
  key?: Uint8Array,
): KeytabEntry => ({
  principal: { ...parsePrincipal(name), nameType },
  kvno,
  enctype,
  key: key ?? randomKey(enctype === 24 ? 23 : enctype, random),
  timestamp: 0,
});

describe('krb5.conf checks', () => {
  it('a correct file: ok findings only (and the rdns advice)', () => {
    const c = view(
      `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n rdns = false\n[realms]\n ${REALM} = {\n  kdc = 10.0.0.1\n }\n[domain_realm]\n .fake.test = ${REALM}\n fake.test = ${REALM}\n`,
    );
    const out = checkKrb5Conf(c, REALM);
    expect(out.map((f) => f.severity)).toEqual(['ok', 'ok']);
  });

  it('realm case, domain_realm keys, missing KDCs, clockskew, DNS realm lookup', () => {
    const c = view(
      '[libdefaults]\n default_realm = fake.test\n dns_lookup_kdc = false\n dns_lookup_realm = true\n clockskew = 60\n[realms]\n fake.test = {\n  admin_server = x\n }\n[domain_realm]\n .Fake.Test = fake.test\n',
    );
    const out = checkKrb5Conf(c, REALM);
    expect(find(out, 'default_realm')[0]).toMatchObject({
      severity: 'error',
      fix: `default_realm = ${REALM}`,
    });
    expect(find(out, '[domain_realm] .Fake.Test').map((f) => f.severity)).toEqual([
      'error',
      'warning',
    ]);
    expect(find(out, '[domain_realm] .Fake.Test')[0]!.why).toContain('never matches');
    expect(find(out, '[realms] fake.test')[0]).toMatchObject({ severity: 'error' });
    expect(find(out, `[realms] ${REALM}`)[0]).toMatchObject({ severity: 'error' });
    expect(find(out, `[realms] ${REALM}`)[0]!.why).toContain('no KDC can be found');
    expect(find(out, 'clockskew')[0]).toMatchObject({ severity: 'warning' });
    expect(find(out, 'dns_lookup_realm')[0]).toMatchObject({ severity: 'info' });
    expect(find(out, 'rdns')[0]).toMatchObject({ severity: 'info' });
  });

  it('no file, and a file that does not parse', () => {
    expect(checkKrb5Conf({ paths: ['/etc/krb5.conf'], missing: true }, REALM)).toMatchObject([
      { severity: 'warning', what: 'krb5.conf' },
    ]);
    expect(
      checkKrb5Conf({ paths: ['/x'], missing: false, error: '/x:3: unmatched "}"' }, REALM),
    ).toMatchObject([{ severity: 'error', why: expect.stringContaining('unmatched') }]);
  });

  it('a bad kdc line', () => {
    const out = checkKrb5Conf(
      view(
        `[libdefaults]\n default_realm = ${REALM}\n[realms]\n ${REALM} = {\n  kdc = https://proxy/KdcProxy\n }\n`,
      ),
      REALM,
    );
    expect(find(out, /kdc = https/)[0]).toMatchObject({ severity: 'error' });
  });

  it('MIT enctype lists: families, DEFAULT and removals', () => {
    expect(expandMitEnctypes(['DEFAULT', '-des3', '-rc4']).ids).toEqual([18, 17, 20, 19, 25, 26]);
    expect(expandMitEnctypes(['aes', 'rc4', 'nonsense'])).toEqual({
      ids: [18, 17, 20, 19, 23],
      unknown: ['nonsense'],
    });
    expect(expandMitEnctypes(['aes256-cts', 'arcfour-hmac-md5', 'des']).ids).toEqual([
      18, 23, 1, 3, 2,
    ]);
  });

  it('permitted_enctypes against the keytab', () => {
    const c = parseKrb5Conf(
      '[libdefaults]\n permitted_enctypes = aes256-cts-hmac-sha1-96 des-cbc-crc bogus\n',
    );
    const out = checkEnctypeSettings(c, [18, 17]);
    expect(out.map((f) => `${f.severity}:${f.why.slice(0, 20)}`)).toEqual([
      'warning:bogus: not enctype n',
      'warning:lists weak enctypes:',
      'warning:does not permit aes1',
    ]);
    expect(checkEnctypeSettings(c, [17])[2]).toMatchObject({ severity: 'error' });
    expect(
      checkEnctypeSettings(parseKrb5Conf('[libdefaults]\n permitted_enctypes = aes\n'), [18, 17]),
    ).toMatchObject([{ severity: 'ok' }]);
  });
});

describe('keytab file checks', () => {
  const base: KeytabView = { display: 'FILE:/k', path: '/k', explicit: true };
  it('mode and owner', () => {
    const good = [entry(`HTTP/a.fake.test@${REALM}`, 2, 18)];
    expect(
      checkKeytabFile({
        ...base,
        entries: good,
        stat: { mode: 0o100600, uid: 0, gid: 0, owner: 'root', group: 'root' },
      })[0],
    ).toMatchObject({ severity: 'ok', why: '0600, owner root (uid 0), group root (gid 0)' });
    expect(
      checkKeytabFile({
        ...base,
        entries: good,
        stat: { mode: 0o100640, uid: 0, gid: 48, group: 'apache' },
      })[0],
    ).toMatchObject({
      severity: 'warning',
      why: expect.stringContaining('members of group apache can read it'),
    });
    expect(
      checkKeytabFile({ ...base, entries: good, stat: { mode: 0o100644, uid: 0, gid: 0 } })[0],
    ).toMatchObject({
      severity: 'error',
      why: expect.stringContaining('every user of this host can read it'),
    });
  });

  it('weak and deprecated enctypes, name type 0, duplicates', () => {
    const key = randomKey(18, random);
    const entries = [
      entry(`HTTP/a.fake.test@${REALM}`, 2, 18, 0, key),
      entry(`HTTP/a.fake.test@${REALM}`, 2, 18, 1, key),
      entry(`HTTP/a.fake.test@${REALM}`, 2, 17),
      entry(`HTTP/a.fake.test@${REALM}`, 2, 17),
      entry(`HTTP/a.fake.test@${REALM}`, 2, 3, 1, new Uint8Array(8)),
      entry(`HTTP/a.fake.test@${REALM}`, 2, 23),
    ];
    const out = checkKeytabFile({ ...base, entries });
    const line = (w: string): Finding | undefined => out.find((f) => f.what === w);
    expect(line('FILE:/k des-cbc-md5')).toMatchObject({ severity: 'error' });
    expect(line('FILE:/k arcfour-hmac')).toMatchObject({ severity: 'warning' });
    expect(line('FILE:/k name type 0')).toMatchObject({
      severity: 'warning',
      details: { principals: [`HTTP/a.fake.test@${REALM}`] },
    });
    const dups = out.filter((f) => f.what === 'FILE:/k duplicates');
    expect(dups.map((f) => f.severity)).toEqual(['error', 'warning']);
    expect(dups[0]!.why).toContain('HTTP/a.fake.test@FAKE.TEST kvno 2 aes128-cts-hmac-sha1-96');
    expect(dups[1]!.why).toContain('kvno 2 aes256-cts-hmac-sha1-96');
  });

  it('missing: info for the default keytab, error for one named', () => {
    expect(
      checkKeytabFile({
        ...base,
        explicit: false,
        error: { message: 'no such file', missing: true },
      }),
    ).toMatchObject([{ severity: 'info' }]);
    expect(
      checkKeytabFile({ ...base, error: { message: 'no such file', missing: true } }),
    ).toMatchObject([{ severity: 'error' }]);
  });
});

describe('DNS SRV checks (injected resolver)', () => {
  const resolver = (table: Record<string, SrvRecord[]>): SrvResolver => ({
    resolveSrv: async (name) => table[name] ?? [],
  });
  it('records found; missing ones are an error only when nothing else names a KDC', async () => {
    const srv = resolver({
      [`_kerberos._udp.${REALM}`]: [
        { name: 'kdc1.fake.test.', port: 88, priority: 0, weight: 100 },
      ],
    });
    const host = {
      resolveHost: async (name: string) => (name === 'kdc1.fake.test' ? ['10.0.0.1'] : []),
    };
    const out = await checkDns({
      realm: REALM,
      srvResolver: srv,
      hostResolver: host,
      kdcsListed: false,
    });
    expect(out.map((f) => `${f.severity} ${f.what}`)).toEqual([
      `ok _kerberos._udp.${REALM}`,
      `info _kerberos._tcp.${REALM}`,
      `info _kpasswd._udp.${REALM}`,
    ]);
    expect(out[0]!.why).toBe('kdc1.fake.test:88 (priority 0, weight 100)');
    const none = await checkDns({ realm: REALM, srvResolver: resolver({}), kdcsListed: false });
    expect(none[0]).toMatchObject({ severity: 'error' });
    const listed = await checkDns({ realm: REALM, srvResolver: resolver({}), kdcsListed: true });
    expect(listed[0]).toMatchObject({
      severity: 'info',
      why: expect.stringContaining('fine: krb5.conf or --kdc lists the KDCs'),
    });
    const dangling = await checkDns({
      realm: REALM,
      srvResolver: srv,
      hostResolver: { resolveHost: async () => [] },
      kdcsListed: true,
    });
    expect(dangling[1]).toMatchObject({
      severity: 'warning',
      what: `_kerberos._udp.${REALM} -> kdc1.fake.test`,
    });
    expect(
      await checkDns({ realm: REALM, kdcsListed: true, skipped: 'DNS is not used (--no-dns)' }),
    ).toMatchObject([{ severity: 'info', why: 'DNS is not used (--no-dns)' }]);
  });
});

describe('directory checks', () => {
  const account: DirectoryAccountView = {
    dn: 'CN=web,DC=fake,DC=test',
    sAMAccountName: 'web',
    servicePrincipalNames: ['HTTP/web.fake.test'],
    keyVersionNumber: 3,
  };
  const dir: AccountDirectory = {
    description: 'ldaps://192.0.2.9',
    findAccount: async (p) =>
      p.components.includes('web.fake.test') || p.components[0] === 'other' ? account : undefined,
  };
  it('the LDAP base from the domain', async () => {
    expect(baseDnForDomain('ad.example.com')).toBe('dc=ad,dc=example,dc=com');
    expect(baseDnForDomain('.AD.Example.COM.')).toBe('dc=ad,dc=example,dc=com');
    const out = await checkDirectory({ realm: 'AD.EXAMPLE.COM', entries: [] });
    expect(out[0]).toMatchObject({
      severity: 'info',
      what: 'LDAP search base',
      why: 'dc=ad,dc=example,dc=com for the domain ad.example.com',
    });
    expect(out[1]).toMatchObject({ severity: 'info', what: 'directory' });
    const mismatch = await checkDirectory({
      realm: 'AD.EXAMPLE.COM',
      entries: [],
      configuredBaseDn: 'DC=example,DC=com',
    });
    expect(mismatch[0]).toMatchObject({
      severity: 'error',
      fix: expect.stringContaining('--base-dn dc=ad,dc=example,dc=com'),
    });
    expect(
      (
        await checkDirectory({
          realm: 'AD.EXAMPLE.COM',
          entries: [],
          configuredBaseDn: 'DC=ad, DC=Example, DC=com',
        })
      )[0]!.severity,
    ).toBe('info');
  });

  it('kvno, enctypes attribute and SPNs against the keytab', async () => {
    const entries = [
      entry(`HTTP/web.fake.test@${REALM}`, 2, 18),
      entry(`other/x@${REALM}`, 3, 18),
      entry(`ghost/x@${REALM}`, 3, 18),
    ];
    const out = await checkDirectory({ realm: REALM, directory: dir, entries });
    const of = (what: string): Finding[] => out.filter((f) => f.what === what);
    expect(of(`HTTP/web.fake.test@${REALM} SPN`)).toMatchObject([{ severity: 'ok' }]);
    expect(of(`HTTP/web.fake.test@${REALM} kvno`)).toMatchObject([
      {
        severity: 'error',
        why: expect.stringContaining('stale keytab: kvno 2 in the keytab, msDS-KeyVersionNumber 3'),
      },
    ]);
    expect(of(`HTTP/web.fake.test@${REALM} msDS-SupportedEncryptionTypes`)).toMatchObject([
      {
        severity: 'error',
        why: expect.stringContaining(
          'older DCs (and Samba) issue arcfour-hmac (RC4) tickets; the keytab has no arcfour-hmac key, so the service fails where those tickets are issued',
        ),
      },
    ]);
    expect(of(`other/x@${REALM} SPN`)).toMatchObject([{ severity: 'error' }]);
    expect(of(`ghost/x@${REALM}`)).toMatchObject([{ severity: 'error' }]);
  });
});

describe('runDoctor', () => {
  const NOW = new Date('2025-01-01T00:00:00Z');
  const kdc = createFakeKdc({
    realm: REALM,
    now: () => new Date(NOW.getTime() + 120_000),
    random,
    principals: { [`krbtgt/${REALM}`]: { keys: [{ enctype: 18, key: randomKey(18, random) }] } },
  });
  const dead: KdcTransport = {
    send: async () => {
      throw new KtError(
        'KDC_UNREACHABLE',
        'no KDC of realm FAKE.TEST answered (10.0.0.2:88/udp: timed out after 3000 ms)',
      );
    },
  };
  it('every section, in order; a dead KDC and a skewed clock are named; ok is false on errors', async () => {
    const report = await runDoctor(
      {
        now: () => NOW,
        random,
        transportFor: (t) => (t.address === '10.0.0.1' ? kdc.transport : dead),
      },
      {
        krb5conf: view(
          `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n rdns = false\n[realms]\n ${REALM} = {\n  kdc = 10.0.0.1\n  kdc = 10.0.0.2\n }\n[domain_realm]\n .fake.test = ${REALM}\n`,
        ),
        keytab: {
          display: 'FILE:/k',
          path: '/k',
          explicit: true,
          entries: [entry(`HTTP/a.fake.test@${REALM}`, 2, 18)],
          stat: { mode: 0o600, uid: 0, gid: 0 },
        },
        dnsSkipped: 'DNS is not used (--no-dns)',
      },
    );
    expect(report.ok).toBe(false);
    const sections = report.findings.map((f) => f.section);
    expect(sections).toEqual(
      [...sections].sort(
        (a, b) =>
          ['krb5.conf', 'keytab', 'dns', 'kdc', 'clock', 'directory'].indexOf(a) -
          ['krb5.conf', 'keytab', 'dns', 'kdc', 'clock', 'directory'].indexOf(b),
      ),
    );
    const kdcs = report.findings.filter((f) => f.section === 'kdc');
    expect(kdcs.map((f) => `${f.severity} ${f.what}`)).toEqual([
      'ok KDC 10.0.0.1:88',
      'error KDC 10.0.0.2:88',
    ]);
    expect(kdcs[0]!.why).toBe(
      'answers over udp (KDC_ERR_C_PRINCIPAL_UNKNOWN; listed in krb5.conf)',
    );
    expect(kdcs[1]!.why).toContain(
      'listed in krb5.conf, but does not answer: no KDC of realm FAKE.TEST answered',
    );
    expect(report.findings.find((f) => f.section === 'clock')).toMatchObject({
      severity: 'warning',
      what: 'clock of 10.0.0.1:88',
      why: 'is 120 s ahead of this host (allowed 300 s)',
    });
    expect(findingLine(kdcs[1]!)).toMatch(/^ERROR  kdc: KDC 10.0.0.2:88 {2}— listed in krb5.conf/);
    expect(renderDoctorText(report).trimEnd().split('\n').at(-1)).toBe(
      'errors found: 1 error, 1 warning',
    );
    const j = jsonDoctorReport(report);
    expect(j.ok).toBe(false);
    expect(Object.keys(j.findings[0]!)).toEqual([
      'section',
      'severity',
      'what',
      'why',
      'fix',
      'details',
    ]);
  });

  it('the directory: the auth findings open its section; after a failed bind no account is looked up', async () => {
    let lookups = 0;
    const directory: AccountDirectory = {
      description: 'ldap://127.0.0.1:389',
      findAccount: async () => (lookups++, undefined),
    };
    const failure = {
      code: 'CCACHE_EXPIRED',
      message: 'expired',
      details: { principal: 'admin@FAKE.TEST', endTime: '2024-12-31T00:00:00.000Z' },
    };
    const report = await runDoctor(
      { now: () => NOW, random, transportFor: () => dead, directory },
      {
        realm: REALM,
        krb5conf: view('[libdefaults]\n dns_lookup_kdc = false\n'),
        keytab: {
          display: 'FILE:/k',
          path: '/k',
          explicit: true,
          entries: [entry(`HTTP/a.fake.test@${REALM}`, 2, 18)],
          stat: { mode: 0o600, uid: 0, gid: 0 },
        },
        directoryAuth: {
          url: 'ldap://127.0.0.1:389',
          choice: { requested: 'auto', method: 'kerberos', reason: 'ldap:// without TLS' },
          failure,
        },
      },
    );
    const dir = report.findings.filter((f) => f.section === 'directory');
    expect(dir.map((f) => `${f.severity} ${f.what}`)).toEqual([
      'info auth ldap://127.0.0.1:389 method',
      'error auth ldap://127.0.0.1:389: expired TGT',
      'info LDAP search base',
      'info directory',
    ]);
    expect(dir[3]!.why).toMatch(/the bind failed/);
    expect(lookups).toBe(0);
  });

  it('no realm at all', async () => {
    const report = await runDoctor(
      { now: () => NOW, random, transportFor: () => dead },
      { krb5conf: { paths: ['/none'], missing: true } },
    );
    expect(report.findings.find((f) => f.what === 'realm')).toMatchObject({ severity: 'error' });
  });

  it('no KDC known: KDC_NOT_FOUND in words', async () => {
    const report = await runDoctor(
      { now: () => NOW, random, transportFor: () => dead },
      { realm: REALM, krb5conf: view('[libdefaults]\n dns_lookup_kdc = false\n') },
    );
    expect(report.findings.find((f) => f.what === `KDCs of ${REALM}`)).toMatchObject({
      severity: 'error',
      why: expect.stringContaining('Cannot find KDC for realm'),
    });
  });
});

describe('krb5conf generator', () => {
  it("round trip through the project's parser", () => {
    const { text, notes } = makeKrb5Conf({
      realm: 'ad.example.com',
      kdcs: ['DC1.ad.example.com', 'dc2.ad.example.com:88', '[2001:db8::1]:750'],
      domains: ['AD.Example.com', 'example.net'],
      adminServer: 'dc1.ad.example.com',
    });
    expect(notes).toEqual([
      'realm ad.example.com written as AD.EXAMPLE.COM: realm names are case-sensitive, and AD realms are upper case',
      'domain AD.Example.com written as ad.example.com: MIT compares lower-cased host names with these keys',
    ]);
    const c = parseKrb5Conf(text);
    expect(c.warnings).toEqual([]);
    expect(c.libdefaults).toMatchObject({
      defaultRealm: 'AD.EXAMPLE.COM',
      dnsLookupKdc: false,
      dnsLookupRealm: false,
      rdns: false,
      permittedEnctypes: [
        'aes256-cts-hmac-sha1-96',
        'aes128-cts-hmac-sha1-96',
        'aes256-cts-hmac-sha384-192',
        'aes128-cts-hmac-sha256-128',
      ],
    });
    expect(realmConfig(c, 'AD.EXAMPLE.COM')).toMatchObject({
      kdc: ['dc1.ad.example.com', 'dc2.ad.example.com:88', '[2001:db8::1]:750'],
      adminServer: ['dc1.ad.example.com'],
    });
    expect(c.domainRealm.map((m) => `${m.domain}=${m.realm}`)).toEqual([
      '.ad.example.com=AD.EXAMPLE.COM',
      'ad.example.com=AD.EXAMPLE.COM',
      '.example.net=AD.EXAMPLE.COM',
      'example.net=AD.EXAMPLE.COM',
    ]);
    expect(realmForHost(c, 'WEB.AD.EXAMPLE.COM')).toBe('AD.EXAMPLE.COM');
    expect(realmForHost(c, 'example.net')).toBe('AD.EXAMPLE.COM');
    // doctor finds nothing wrong with it
    expect(
      checkKrb5Conf({ paths: ['x'], config: c, missing: false }, 'AD.EXAMPLE.COM').filter(
        (f) => f.severity !== 'ok',
      ),
    ).toEqual([]);
    expect(checkEnctypeSettings(c, [18, 17]).map((f) => f.severity)).toEqual(['ok']);
  });

  it('without KDCs: DNS lookups on; RC4 on request; bad input refused', () => {
    const { text, notes } = makeKrb5Conf({ realm: 'EXAMPLE.COM', kdcs: [], allowRc4: true });
    const c = parseKrb5Conf(text);
    expect(c.libdefaults.dnsLookupKdc).toBe(true);
    expect(c.libdefaults.permittedEnctypes).toContain('arcfour-hmac');
    expect(realmConfig(c, 'EXAMPLE.COM')?.kdc).toEqual([]);
    expect(notes[0]).toContain('DNS SRV');
    expect(() => makeKrb5Conf({ realm: 'EX AMPLE', kdcs: [] })).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(() => makeKrb5Conf({ realm: 'EXAMPLE.COM', kdcs: ['a b'] })).toThrow(KtError);
    expect(() =>
      makeKrb5Conf({ realm: 'EXAMPLE.COM', kdcs: [], domains: ['bad_domain!'] }),
    ).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
