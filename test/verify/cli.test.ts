/**
 * `keytab verify` end to end through the CLI, against the fake KDC served on 127.0.0.1 (UDP
 * and TCP) and, for SRV discovery, the fake DNS server on 127.0.0.1. Never the system
 * resolver: every run gives --kdc with an IP, a krb5.conf naming an IP, or --dns-server.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomKey, stringToKey } from '../../lib/crypto/string-to-key.js';
import type { KrbKey } from '../../lib/krb5/client.js';
import { createFakeKdc, type FakePrincipal } from '../helpers/fake-kdc.js';
import { serveFakeKdc, type FakeKdcServer } from '../helpers/fake-kdc-server.js';
import { startFakeDns, type FakeDns } from '../helpers/fake-dns.js';
import { runCli, tempDir } from '../helpers/cli.js';

const REALM = 'FAKE.TEST';
const NOW = 1717243200; // runCli's clock
const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const SALT = `${REALM}HTTPweb.fake.test`;
const PW = 'Svc-Pass-3!';
const P = `HTTP/web.fake.test@${REALM}`;

let server: FakeKdcServer;
let deadPort: number;
let t: ReturnType<typeof tempDir>;

beforeAll(async () => {
  const keys: KrbKey[] = await Promise.all(
    [18, 17].map(async (e) => ({ enctype: e, key: await stringToKey(e, PW, SALT), kvno: 3 })),
  );
  const principals: Record<string, FakePrincipal> = {
    [`krbtgt/${REALM}`]: { keys: [{ enctype: 18, key: randomKey(18, random), kvno: 1 }] },
    'HTTP/web.fake.test': { keys, salt: SALT },
    'HTTP/off.fake.test': { keys, salt: SALT, disabled: true },
  };
  const kdc = createFakeKdc({ realm: REALM, now: () => new Date(NOW * 1000), random, principals });
  server = await serveFakeKdc(kdc.transport, REALM);
  // A port nobody listens on (UDP to it is refused at once on loopback).
  const probe = await serveFakeKdc(kdc.transport, REALM);
  deadPort = probe.port;
  await probe.close();
});
afterAll(async () => server.close());
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const env = (): Record<string, string> => ({ KRB5_CONFIG: t.path('absent-krb5.conf') });
const kdcArgs = (): string[] => ['--kdc', `127.0.0.1:${server.port}`, '--no-dns'];

async function keytab(
  name: string,
  opts: {
    password?: string;
    salt?: string;
    kvno?: number;
    principal?: string;
    enctypes?: string;
  } = {},
): Promise<string> {
  const pw = t.path(`${name}.pw`);
  writeFileSync(pw, opts.password ?? PW);
  const file = t.path(name);
  const args = [
    'add',
    file,
    '-p',
    opts.principal ?? P,
    '-k',
    String(opts.kvno ?? 3),
    '-e',
    opts.enctypes ?? 'aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96',
    '--password-file',
    pw,
  ];
  if (opts.salt !== undefined) args.push('--salt', opts.salt);
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

describe('keytab verify (CLI, fake KDC on 127.0.0.1)', () => {
  it('a good keytab: one OK line per check, exit 0', async () => {
    const kt = await keytab('good.keytab');
    const r = await runCli(['verify', kt, ...kdcArgs()], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, 6))).toEqual([
      'OK    ',
      'OK    ',
      'OK    ',
      'OK    ',
      'SKIP  ',
      'OK    ',
      'verify',
    ]);
    expect(lines[6]).toBe('verify: OK, the keytab works for HTTP/web.fake.test@FAKE.TEST');
    expect(lines[0]).toBe(
      `OK    KDC for ${REALM}  — 127.0.0.1:${server.port} answered over udp (found through --kdc)`,
    );
    expect(lines[1]).toMatch(
      /^OK {4}HTTP\/web.fake.test@FAKE.TEST kvno 3 aes256-cts-hmac-sha1-96 {2}— the KDC accepts this key/,
    );
    expect(lines[3]).toMatch(
      /service ticket {2}— the KDC issues tickets for .* with kvno 3 aes256-cts-hmac-sha1-96; it decrypts with the keytab's kvno 3/,
    );
    expect(lines[4]).toMatch(/^SKIP {2}directory {2}— no directory configured/);
    expect(lines[5]).toMatch(/^OK {4}clock {2}— this host's clock agrees with the KDC/);
  });

  it('--json', async () => {
    const kt = await keytab('good.keytab');
    const r = await runCli(['verify', kt, ...kdcArgs(), '--json'], { env: env() });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: { check: string; status: string; principal: string | null; kvno: number | null }[];
    };
    expect(j.ok).toBe(true);
    expect(j.checks.map((c) => c.check)).toEqual([
      'kdc',
      'key',
      'key',
      'service-ticket',
      'directory',
      'clock',
    ]);
    expect(j.checks[1]).toMatchObject({ principal: P, kvno: 3, status: 'OK' });
  });

  it('wrong salt, told apart from a wrong password with --password-file; exit 1', async () => {
    const kt = await keytab('salt.keytab', { salt: `${REALM}web` });
    const pw = t.path('current.pw');
    writeFileSync(pw, `${PW}\n`);
    const without = await runCli(['verify', kt, ...kdcArgs()], { env: env() });
    expect(without.code).toBe(1);
    expect(without.stdout).toContain(
      'FAIL  HTTP/web.fake.test@FAKE.TEST kvno 3 aes256-cts-hmac-sha1-96  — the KDC refuses this key (KDC_ERR_PREAUTH_FAILED',
    );
    const r = await runCli(['verify', kt, ...kdcArgs(), '--password-file', pw], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`wrong salt: the key is the password's key with salt "${REALM}web"`);
    expect(r.stdout).toContain(`the KDC uses salt "${SALT}"`);
    expect(r.stdout).toContain(`--salt '${SALT}' --password-file ${pw} --replace`);
    const wrong = await keytab('wrong.keytab', { password: 'Old-Pass-1!' });
    const w = await runCli(['verify', wrong, ...kdcArgs(), '--password-file', pw], { env: env() });
    expect(w.stdout).toContain('wrong password in the keytab');
  });

  it('stale kvno', async () => {
    const kt = await keytab('stale.keytab', { kvno: 2 });
    const r = await runCli(['verify', kt, ...kdcArgs()], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'stale kvno: the keytab has kvno 2, the KDC issues tickets with kvno 3: the password was reset after the keytab was made',
    );
  });

  it('-p restricts, --realm filters, a disabled principal is named', async () => {
    const kt = await keytab('two.keytab');
    await keytab('two.keytab', { principal: `HTTP/off.fake.test@${REALM}` });
    const only = await runCli(['verify', kt, ...kdcArgs(), '-p', `HTTP/web.fake.test@${REALM}`], {
      env: env(),
    });
    expect(only.code).toBe(0);
    expect(only.stdout).not.toContain('off.fake.test');
    const off = await runCli(['verify', kt, ...kdcArgs(), '-p', 'HTTP/off.fake.test'], {
      env: env(),
    });
    expect(off.code).toBe(1);
    expect(off.stdout).toContain(
      'FAIL  HTTP/off.fake.test@FAKE.TEST  — the account of HTTP/off.fake.test@FAKE.TEST is disabled or locked out (kinit: "Client\'s credentials have been revoked"): the account is disabled (STATUS_ACCOUNT_DISABLED)',
    );
    const none = await runCli(['verify', kt, ...kdcArgs(), '--realm', 'OTHER.TEST'], {
      env: env(),
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no entry in realm OTHER.TEST');
  });

  it('clock skew from the KDC time in its replies', async () => {
    const kt = await keytab('good.keytab');
    const r = await runCli(['verify', kt, ...kdcArgs()], { env: env(), now: NOW - 400 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  clock  — this host's clock is 400 s behind the KDC 127.0.0.1:${server.port}, more than the allowed 300 s`,
    );
    expect(r.stdout).toMatch(/OK {4}HTTP\/web.fake.test@FAKE.TEST kvno 3 aes256/);
    const warn = await runCli(['verify', kt, ...kdcArgs()], { env: env(), now: NOW + 90 });
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain("WARN  clock  — this host's clock is 90 s ahead of the KDC");
  });

  it('the KDC and clockskew from krb5.conf (KRB5_CONFIG)', async () => {
    const kt = await keytab('good.keytab');
    const conf = t.path('krb5.conf');
    writeFileSync(
      conf,
      `[libdefaults]\n default_realm = ${REALM}\n clockskew = 60\n[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${server.port}\n }\n`,
    );
    const r = await runCli(['verify', kt, '--no-dns'], {
      env: { KRB5_CONFIG: conf },
      now: NOW + 90,
    });
    expect(r.stdout).toContain('(found through krb5.conf)');
    expect(r.stdout).toContain('more than the allowed 60 s');
    expect(r.code).toBe(1);
  });

  it('over TCP only', async () => {
    const kt = await keytab('good.keytab');
    const r = await runCli(['verify', kt, ...kdcArgs(), '--tcp'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('answered over tcp');
  });

  it('a dead KDC: one clear failure line, exit 1', async () => {
    const kt = await keytab('good.keytab');
    const r = await runCli(
      ['verify', kt, '--kdc', `127.0.0.1:${deadPort}`, '--no-dns', '--timeout', '0.5'],
      { env: env() },
    );
    expect(r.code).toBe(1);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toMatch(
      new RegExp(
        `^FAIL  KDC for FAKE.TEST  — no KDC of realm FAKE.TEST answered \\(127.0.0.1:${deadPort}/udp: (connection refused|timed out after 500 ms)`,
      ),
    );
    expect(first).toContain('not checked: HTTP/web.fake.test@FAKE.TEST');
    expect(first).toContain('fix: check that the KDC runs');
  });

  it('a KDC that never answers times out', async () => {
    // A UDP socket that reads and never replies.
    const { createSocket } = await import('node:dgram');
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    try {
      const kt = await keytab('good.keytab');
      const r = await runCli(
        [
          'verify',
          kt,
          '--kdc',
          `udp/127.0.0.1:${silent.address().port}`,
          '--no-dns',
          '--timeout',
          '0.2',
        ],
        { env: env() },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('/udp: timed out after 200 ms');
    } finally {
      silent.close();
    }
  });
});

describe('keytab verify: KDCs from DNS SRV (fake DNS on 127.0.0.1)', () => {
  let dns: FakeDns;
  beforeAll(async () => {
    dns = await startFakeDns({
      [`_kerberos._udp.${REALM}`]: {
        srv: [{ name: 'kdc1.fake.test', port: server.port, priority: 0, weight: 100 }],
      },
      'kdc1.fake.test': { a: ['127.0.0.1'] },
    });
  });
  afterAll(async () => dns.close());

  it('finds the KDC through _kerberos._udp SRV and its A record', async () => {
    const kt = await keytab('good.keytab');
    const r = await runCli(['verify', kt, '--dns-server', `127.0.0.1:${dns.port}`], { env: env() });
    expect(r.stdout).toContain(
      `OK    KDC for ${REALM}  — 127.0.0.1:${server.port} answered over udp (found through DNS SRV)`,
    );
    expect(r.code).toBe(0);
    // The resolver asks in lower case; DNS names are case-insensitive.
    expect(dns.queries.map((q) => q.toLowerCase())).toEqual(
      expect.arrayContaining([`srv _kerberos._udp.${REALM.toLowerCase()}`, 'a kdc1.fake.test']),
    );
  });

  it('without SRV records and without --kdc or krb5.conf: KDC not found, in words', async () => {
    const kt = await keytab('other.keytab', { principal: 'HTTP/web.none.test@NONE.TEST' });
    const r = await runCli(['verify', kt, '--dns-server', `127.0.0.1:${dns.port}`], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL {2}KDC for NONE.TEST {2}— no usable KDC for realm NONE.TEST \(dns-srv\)/,
    );
  });
});
