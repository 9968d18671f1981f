/**
 * Issue 15: doctor on ordinary setups. --no-dns still resolves the KDC names krb5.conf lists;
 * the clock is checked even when the KDC answers with an AS-REP (no pre-authentication); a
 * keytab of one realm is checked in that realm whatever default_realm says. The fake KDC and
 * the fake DNS server run on 127.0.0.1 (never the system resolver).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from '../../lib/crypto/string-to-key.js';
import { checkDirectory } from '../../lib/doctor/directory-checks.js';
import { checkKdcs } from '../../lib/doctor/network-checks.js';
import { checkSearchBase, dnWithin } from '../../lib/doctor/search-base.js';
import type { AccountDirectory } from '../../lib/verify/directory.js';
import { parsePrincipal } from '../../lib/principal.js';
import { createFakeKdc } from '../helpers/fake-kdc.js';
import { serveFakeKdc, type FakeKdcServer } from '../helpers/fake-kdc-server.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';

const REALM = 'FAKE.TEST';
const NOW = 1717243200;
const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const tgt = { keys: [{ enctype: 18, key: randomKey(18, random) }] };

let server: FakeKdcServer;
let dns: FakeDns;
let t: ReturnType<typeof tempDir>;

beforeAll(async () => {
  const kdc = createFakeKdc({
    realm: REALM,
    now: () => new Date(NOW * 1000),
    random,
    principals: { [`krbtgt/${REALM}`]: tgt },
  });
  server = await serveFakeKdc(kdc.transport, REALM);
  // Only an address record: no SRV records at all.
  dns = await startFakeDns({ 'kdc1.fake.test': { a: ['127.0.0.1'] } });
});
afterAll(async () => {
  await server.close();
  await dns.close();
});
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

async function keytab(): Promise<string> {
  const file = t.path('http.keytab');
  const r = await runCli([
    'add',
    file,
    '-p',
    `HTTP/web.fake.test@${REALM}`,
    '-k',
    '2',
    '-e',
    'aes256-cts-hmac-sha1-96',
    '--random',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

function conf(text: string): string {
  const p = t.path('krb5.conf');
  writeFileSync(p, text);
  return p;
}

describe('--no-dns skips SRV lookups only', () => {
  it('doctor: a KDC listed by name (as keytab krb5conf --kdc writes it) is resolved and answers', async () => {
    const kt = await keytab();
    const c = conf(
      `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n rdns = false\n[realms]\n ${REALM} = {\n  kdc = kdc1.fake.test:${server.port}\n }\n[domain_realm]\n .fake.test = ${REALM}\n fake.test = ${REALM}\n`,
    );
    const r = await runCli(
      ['doctor', '--keytab', kt, '--no-dns', '--dns-server', `127.0.0.1:${dns.port}`],
      { env: { KRB5_CONFIG: c } },
    );
    expect(r.stdout).toContain(
      `OK     kdc: KDC 127.0.0.1:${server.port} (kdc1.fake.test)  — answers over udp`,
    );
    expect(r.stdout).toContain('INFO   dns: DNS SRV  — DNS is not used (--no-dns)');
    expect(r.stdout).not.toMatch(/^ERROR/m);
    expect(r.code, r.stdout).toBe(0);
  });
  it('verify: the same krb5.conf works with --no-dns', async () => {
    const kt = await keytab();
    const c = conf(
      `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n[realms]\n ${REALM} = {\n  kdc = kdc1.fake.test:${server.port}\n }\n`,
    );
    const r = await runCli(
      ['verify', kt, '--no-dns', '--dns-server', `127.0.0.1:${dns.port}`, '--json'],
      { env: { KRB5_CONFIG: c } },
    );
    const j = JSON.parse(r.stdout) as {
      checks: { check: string; status: string; reason: string }[];
    };
    expect(j.checks.find((x) => x.check === 'kdc')).toMatchObject({
      status: 'OK',
      reason: expect.stringContaining(`127.0.0.1:${server.port} answered`),
    });
  });
});

describe('the realm doctor checks', () => {
  it("a keytab of one realm is checked in that realm, not default_realm's", async () => {
    const kt = await keytab();
    const c = conf(
      `[libdefaults]\n default_realm = OTHER.TEST\n dns_lookup_kdc = false\n[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${server.port}\n }\n OTHER.TEST = {\n  kdc = 127.0.0.1:1\n }\n`,
    );
    const r = await runCli(['doctor', '--keytab', kt, '--no-dns'], { env: { KRB5_CONFIG: c } });
    expect(r.stdout).toContain(
      `INFO   krb5.conf: default_realm  — OTHER.TEST; ${REALM} is checked here`,
    );
    expect(r.stdout).toContain(`OK     kdc: KDC 127.0.0.1:${server.port}  — answers over udp`);
    expect(r.stdout).not.toContain('127.0.0.1:1 ');
  });
});

describe('the clock without pre-authentication', () => {
  it('an AS-REP carries no readable time: a KRB-ERROR for an unknown principal gives it', async () => {
    const salt = `${REALM}user`;
    const kdc = createFakeKdc({
      realm: REALM,
      now: () => new Date(NOW * 1000 + 120_000),
      random,
      principals: {
        [`krbtgt/${REALM}`]: tgt,
        user: { keys: [{ enctype: 18, key: randomKey(18, random) }], salt, requiresPreauth: false },
      },
    });
    const out = await checkKdcs({
      realm: REALM,
      targets: [{ address: '192.0.2.1', port: 88, host: '192.0.2.1', source: 'explicit' }],
      transportFor: () => kdc.transport,
      now: () => new Date(NOW * 1000),
      random,
      client: parsePrincipal(`user@${REALM}`),
      allowedSkewSeconds: 300,
      warnSkewSeconds: 60,
    });
    expect(out.map((f) => `${f.severity} ${f.section}`)).toEqual(['ok kdc', 'warning clock']);
    expect(out[0]?.why).toContain('an AS-REP');
    expect(out[1]?.why).toBe('is 120 s ahead of this host (allowed 300 s)');
  });
});

describe('the LDAP search base', () => {
  const directory = (context: string | undefined): AccountDirectory => ({
    description: 'ldaps://dc1.ad.example.com',
    findAccount: async () => undefined,
    namingContext: async () => context,
  });
  it('a base outside the domain is an ERROR naming the RootDSE defaultNamingContext', async () => {
    const f = await checkSearchBase({
      realm: 'AD.EXAMPLE.COM',
      configuredBaseDn: 'dc=example,dc=com',
      directory: directory('DC=ad,DC=example,DC=com'),
    });
    expect(f).toMatchObject({ severity: 'error', what: 'LDAP search base' });
    expect(f.why).toContain(
      'ldaps://dc1.ad.example.com says its defaultNamingContext is DC=ad,DC=example,DC=com',
    );
    expect(f.fix).toBe(
      "--base-dn DC=ad,DC=example,DC=com (or KEYTAB_BASE_DN=DC=ad,DC=example,DC=com; or leave it out: the DC's defaultNamingContext is the default)",
    );
  });
  it("without a directory, the base of the realm's domain is the right one", async () => {
    const f = await checkSearchBase({
      realm: 'AD.EXAMPLE.COM',
      configuredBaseDn: 'dc=example,dc=com',
    });
    expect(f).toMatchObject({
      severity: 'error',
      fix: expect.stringContaining('--base-dn dc=ad,dc=example,dc=com'),
    });
  });
  it('an OU of the domain is a narrower search, not an error; the same base in other spelling is fine', async () => {
    expect(
      (
        await checkSearchBase({
          realm: 'AD.EXAMPLE.COM',
          configuredBaseDn: 'OU=Services,DC=ad,DC=example,DC=com',
          directory: directory('DC=ad,DC=example,DC=com'),
        })
      ).severity,
    ).toBe('info');
    expect(
      (
        await checkSearchBase({
          realm: 'AD.EXAMPLE.COM',
          configuredBaseDn: 'DC=ad, DC=Example, DC=com',
        })
      ).severity,
    ).toBe('info');
    expect(dnWithin('ou=x,dc=ad,dc=example,dc=com', 'DC=ad,DC=example,DC=com')).toBe(true);
    expect(dnWithin('dc=example,dc=com', 'DC=ad,DC=example,DC=com')).toBe(false);
    expect(dnWithin('dc=bad,dc=example,dc=com', 'dc=ad,dc=example,dc=com')).toBe(false);
  });
  it('a DC of another domain than the realm is a warning', async () => {
    const f = await checkSearchBase({
      realm: 'AD.EXAMPLE.COM',
      directory: directory('DC=corp,DC=example,DC=net'),
    });
    expect(f).toMatchObject({
      severity: 'warning',
      why: expect.stringContaining('another domain'),
    });
  });
  it('doctor reports it through checkDirectory', async () => {
    const out = await checkDirectory({
      realm: 'AD.EXAMPLE.COM',
      entries: [],
      configuredBaseDn: 'dc=example,dc=com',
      directory: directory('DC=ad,DC=example,DC=com'),
    });
    expect(out[0]).toMatchObject({ severity: 'error', what: 'LDAP search base' });
  });
});
