/**
 * `keytab doctor` and `keytab krb5conf` through the CLI: the fake KDC on 127.0.0.1, the fake
 * DNS server on 127.0.0.1 (never the system resolver), krb5.conf from KRB5_CONFIG.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from '../../lib/crypto/string-to-key.js';
import { parseKrb5Conf, realmConfig } from '../../lib/krb5/config.js';
import { createFakeKdc } from '../helpers/fake-kdc.js';
import { serveFakeKdc, type FakeKdcServer } from '../helpers/fake-kdc-server.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { runCli, tempDir } from '../helpers/cli.js';

const REALM = 'FAKE.TEST';
const NOW = 1717243200;
const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

let server: FakeKdcServer;
let dns: FakeDns;
let dead: number;
let t: ReturnType<typeof tempDir>;

beforeAll(async () => {
  const kdc = createFakeKdc({
    realm: REALM,
    now: () => new Date(NOW * 1000),
    random,
    principals: { [`krbtgt/${REALM}`]: { keys: [{ enctype: 18, key: randomKey(18, random) }] } },
  });
  server = await serveFakeKdc(kdc.transport, REALM);
  const gone = await serveFakeKdc(kdc.transport, REALM);
  dead = gone.port;
  await gone.close();
  dns = await startFakeDns({
    [`_kerberos._udp.${REALM}`]: {
      srv: [{ name: 'kdc1.fake.test', port: server.port, priority: 0, weight: 100 }],
    },
    [`_kerberos._tcp.${REALM}`]: {
      srv: [{ name: 'kdc1.fake.test', port: server.port, priority: 0, weight: 100 }],
    },
    'kdc1.fake.test': { a: ['127.0.0.1'] },
  });
});
afterAll(async () => {
  await server.close();
  await dns.close();
});
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

async function keytab(mode: number): Promise<string> {
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
    '--random-key',
  ]);
  expect(r.code, r.stderr).toBe(0);
  chmodSync(file, mode);
  return file;
}

function conf(text: string): string {
  const p = t.path('krb5.conf');
  writeFileSync(p, text);
  return p;
}

describe('keytab doctor (CLI)', () => {
  it('a healthy setup: exit 0, every KDC answers, SRV records found through the given DNS server', async () => {
    const kt = await keytab(0o600);
    const c = conf(
      `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n rdns = false\n[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${server.port}\n }\n[domain_realm]\n .fake.test = ${REALM}\n fake.test = ${REALM}\n`,
    );
    const r = await runCli(['doctor', '--keytab', kt, '--dns-server', `127.0.0.1:${dns.port}`], {
      env: { KRB5_CONFIG: c },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(
      `OK     kdc: KDC 127.0.0.1:${server.port}  — answers over udp (KDC_ERR_C_PRINCIPAL_UNKNOWN; listed in krb5.conf)`,
    );
    expect(
      lines.some((l) =>
        l.startsWith(`OK     dns: _kerberos._udp.${REALM}  — kdc1.fake.test:${server.port}`),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        l.startsWith(`OK     clock: clock of 127.0.0.1:${server.port}  — agrees with this host`),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        l.startsWith(
          'INFO   directory: LDAP search base  — dc=fake,dc=test for the domain fake.test',
        ),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toBe('no errors: 0 errors, 0 warnings');
  });

  it('problems: a dead KDC, a world-readable keytab, lower-case realm, skew; exit 1; --json', async () => {
    const kt = await keytab(0o644);
    const c = conf(
      `[libdefaults]\n default_realm = fake.test\n dns_lookup_kdc = false\n[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${server.port}\n  kdc = 127.0.0.1:${dead}\n }\n`,
    );
    const r = await runCli(
      ['doctor', '--realm', REALM, '--keytab', kt, '--no-dns', '--timeout', '0.5', '--json'],
      { env: { KRB5_CONFIG: c }, now: NOW - 100 },
    );
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      findings: { section: string; severity: string; what: string; why: string }[];
    };
    expect(j.ok).toBe(false);
    const by = (what: string): { severity: string; why: string } | undefined =>
      j.findings.find((x) => x.what === what);
    expect(by('default_realm')?.severity).toBe('error');
    expect(by(`FILE:${kt} mode`)).toMatchObject({
      severity: 'error',
      why: expect.stringContaining('0644'),
    });
    expect(by(`KDC 127.0.0.1:${dead}`)).toMatchObject({
      severity: 'error',
      why: expect.stringContaining('does not answer'),
    });
    expect(by(`clock of 127.0.0.1:${server.port}`)).toMatchObject({
      severity: 'warning',
      why: 'is 100 s ahead of this host (allowed 300 s)',
    });
    expect(by('DNS SRV')).toMatchObject({
      severity: 'info',
      why: expect.stringContaining('--no-dns'),
    });
  });

  it('KDCs from DNS SRV when krb5.conf names none', async () => {
    const r = await runCli(
      [
        'doctor',
        '--realm',
        REALM,
        '--keytab',
        t.path('none.keytab'),
        '--dns-server',
        `127.0.0.1:${dns.port}`,
      ],
      { env: { KRB5_CONFIG: t.path('absent.conf') } },
    );
    expect(r.stdout).toContain(
      `OK     kdc: KDC 127.0.0.1:${server.port} (kdc1.fake.test)  — answers over udp`,
    );
    expect(r.stdout).toContain('listed in DNS SRV');
    expect(r.stdout).toContain('WARN   krb5.conf: krb5.conf  — no krb5.conf');
    expect(r.stdout).toContain(`ERROR  keytab: FILE:${t.path('none.keytab')}  — no such file`);
    expect(r.code).toBe(1);
  });
});

describe('keytab krb5conf (CLI)', () => {
  it('prints a krb5.conf that the project parses back; notes go to stderr', async () => {
    const r = await runCli([
      'krb5conf',
      '--realm',
      'example.com',
      '--kdc',
      'dc1.example.com',
      '--kdc',
      '10.0.0.2:88',
      '--domain',
      'Example.com',
      '--domain',
      'corp.example.net',
      '--admin-server',
      'dc1.example.com',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('keytab: warning: realm example.com written as EXAMPLE.COM');
    expect(r.stdout).toBe(
      [
        '# krb5.conf for EXAMPLE.COM, written by keytab krb5conf',
        '[libdefaults]',
        '    default_realm = EXAMPLE.COM',
        '    dns_lookup_realm = false',
        '    dns_lookup_kdc = false',
        '    rdns = false',
        '    permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192 aes128-cts-hmac-sha256-128',
        '',
        '[realms]',
        '    EXAMPLE.COM = {',
        '        kdc = dc1.example.com',
        '        kdc = 10.0.0.2:88',
        '        admin_server = dc1.example.com',
        '    }',
        '',
        '[domain_realm]',
        '    .example.com = EXAMPLE.COM',
        '    example.com = EXAMPLE.COM',
        '    .corp.example.net = EXAMPLE.COM',
        '    corp.example.net = EXAMPLE.COM',
        '',
      ].join('\n'),
    );
    const c = parseKrb5Conf(r.stdout);
    expect(realmConfig(c, 'EXAMPLE.COM')?.kdc).toEqual(['dc1.example.com', '10.0.0.2:88']);
    expect(c.libdefaults.defaultRealm).toBe('EXAMPLE.COM');
  });

  it('refuses a missing realm and a bad KDC', async () => {
    expect((await runCli(['krb5conf'])).code).toBe(2);
    const bad = await runCli(['krb5conf', '--realm', 'EXAMPLE.COM', '--kdc', 'https://proxy/kdc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('MS-KKDCP');
  });
});
