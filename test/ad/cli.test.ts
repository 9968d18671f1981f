/** keytab ad without a directory: configuration errors, the refusals that happen before connecting, usage. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Port 1 on loopback: nothing listens there, so a connection attempt would fail with ECONNREFUSED.
// A simple bind there (--auth simple): ldap:// alone would bind with Kerberos.
const NOWHERE = {
  KEYTAB_LDAP_URL: 'ldap://127.0.0.1:1',
  KEYTAB_BIND_DN: 'admin@example.test',
  KEYTAB_BIND_PASSWORD: 'x',
  KEYTAB_AUTH: 'simple',
};

describe('keytab ad (no directory needed)', () => {
  it('lists its subcommands', async () => {
    const r = await runCli(['ad', '--help']);
    expect(r.code).toBe(0);
    for (const c of ['show', 'create', 'spn', 'mapuser', 'setpass', 'enctypes', 'flags', 'audit'])
      expect(r.stdout).toContain(`keytab ad ${c}`);
    expect(r.stdout).toContain('KEYTAB_LDAP_URL');
  });
  it('without configuration: one line naming the option and the variable, exit 2', async () => {
    const r = await runCli(['ad', 'show', 'svc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'keytab: error: no directory given\nkeytab: hint: after kinit admin@REALM, give --ldap-url ldap://DC (Kerberos); or ldaps://DC with --bind-dn and --ca-file (or set KEYTAB_LDAP_URL, KEYTAB_BIND_DN, KEYTAB_CA_FILE)\n',
    );
  });
  it('setpass over plain ldap:// is refused before any connection', async () => {
    const r = await runCli(['ad', 'setpass', 'svc', '--random'], { env: NOWHERE });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'keytab: error: refusing to send a password to ldap://127.0.0.1:1 over an unencrypted connection (nothing was sent)',
    );
    expect(r.stderr).not.toContain('ECONNREFUSED');
  });
  it('create with a password over plain ldap:// is refused too; without one it would connect', async () => {
    const r = await runCli(['ad', 'create', 'svc', '--random-password'], { env: NOWHERE });
    expect(r.stderr).toContain('refusing to send a password');
    const plain = await runCli(['ad', 'create', 'svc', '--timeout', '5'], { env: NOWHERE });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(
      'keytab: error: cannot reach ldap://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(plain.stderr).toContain(
      'keytab: warning: ldap://127.0.0.1:1 without --starttls is not encrypted',
    );
  });
  it('a CA file that is missing is named', async () => {
    const r = await runCli(['ad', 'show', 'svc', '--ca-file', '/nonexistent/ca.pem'], {
      env: { ...NOWHERE, KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:1' },
    });
    expect([r.code, r.stderr]).toEqual([
      1,
      'keytab: error: CA file /nonexistent/ca.pem: no such file\n',
    ]);
  });
  it('usage errors come before any connection', async () => {
    const flags = await runCli(['ad', 'flags', 'svc', '+trusted'], { env: NOWHERE });
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('unknown flag "+trusted"');
    const enc = await runCli(['ad', 'enctypes', 'svc', 'aes256-sha2'], { env: NOWHERE });
    expect(enc.stderr).toContain(
      'Active Directory has no msDS-SupportedEncryptionTypes bit for it',
    );
    const both = await runCli(['ad', 'setpass', 'svc', '--random', '--password-env', 'X'], {
      env: { ...NOWHERE, KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:1', X: 'y' },
    });
    expect([both.code, both.stderr]).toEqual([
      2,
      'keytab: error: give --random or a password option, not both\n',
    ]);
    const none = await runCli(['ad', 'setpass', 'svc'], {
      env: { ...NOWHERE, KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:1' },
    });
    expect([none.code, none.stderr]).toEqual([
      2,
      'keytab: error: give the new password: --password-file FILE, --password-stdin, --password-env VAR, or --random\n',
    ]);
    const noOut = await runCli(['ad', 'setpass', 'svc', '--random', '-p', 'HTTP/x@X'], {
      env: NOWHERE,
    });
    expect([noOut.code, noOut.stderr]).toEqual([
      2,
      'keytab: error: -p and -e say what to write to a keytab: add -o KEYTAB\n',
    ]);
    const starttls = await runCli(['ad', 'show', 'svc', '--starttls'], {
      env: { ...NOWHERE, KEYTAB_LDAP_URL: 'ldaps://dc' },
    });
    expect(starttls.stderr).toContain('--starttls is for ldap:// URLs');
  });
  it('audit --help lists the findings; bad --days and --page-size are refused before connecting', async () => {
    const help = await runCli(['ad', 'audit', '--help']);
    expect(help.code).toBe(0);
    for (const code of [
      'RC4_ONLY',
      'DES_ENABLED',
      'ENCTYPES_UNSET',
      'PASSWORD_OLD',
      'PREAUTH_DISABLED',
      'UNCONSTRAINED_DELEGATION',
      'DUPLICATE_SPN',
      'RC4_ENABLED',
    ])
      expect(help.stdout).toContain(code);
    expect(help.stdout).toContain('keytab ad audit --json --days 180');
    const days = await runCli(['ad', 'audit', '--days', '-1'], { env: NOWHERE });
    expect([days.code, days.stderr]).toEqual([
      2,
      'keytab: error: the password age limit (days) must be a number of at least 0 (got -1)\n',
    ]);
    const page = await runCli(['ad', 'audit', '--page-size', '0'], { env: NOWHERE });
    expect([page.code, page.stderr]).toEqual([
      2,
      'keytab: error: the page size must be a number of at least 1 (got 0)\n',
    ]);
  });
  it('ldap:// alone binds with Kerberos: without a ticket cache, --debug-auth names the cause and the fix', async () => {
    const env = {
      KEYTAB_LDAP_URL: 'ldap://dc1.example.test:1',
      KRB5CCNAME: 'FILE:/nonexistent/krb5cc',
      KRB5_CONFIG: '/nonexistent/krb5.conf',
    };
    const r = await runCli(
      ['ad', 'show', 'svc', '--debug-auth', '--ldap-host', 'dc1.example.test'],
      { env },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'keytab: debug-auth: INFO   directory: auth ldap://dc1.example.test:1 method  — kerberos (--auth auto): ldap://dc1.example.test without TLS: Kerberos (SASL GSSAPI, sealed), the default there',
    );
    expect(r.stderr).toContain(
      'keytab: debug-auth: ERROR  directory: auth ldap://dc1.example.test:1: no ticket cache  — no credentials cache FILE:/nonexistent/krb5cc',
    );
    expect(r.stderr).toContain('KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) kinit admin@REALM');
    expect(r.stderr).toContain('keytab: error: no credentials cache FILE:/nonexistent/krb5cc');
    const keyring = await runCli(
      ['ad', 'show', 'svc', '--debug-auth', '--ldap-host', 'dc1.example.test'],
      { env: { ...env, KRB5CCNAME: 'KEYRING:persistent:0' } },
    );
    expect(keyring.stderr).toContain(
      'ticket cache not readable  — KEYRING:persistent:0 lives outside the file system',
    );
  });
  it('verify and doctor take the directory options of keytab ad (one definition)', async () => {
    for (const cmd of ['verify', 'doctor']) {
      const help = await runCli([cmd, '--help']);
      for (const o of [
        '--ldap-url',
        '--auth',
        '--bind-dn',
        '--bind-password-file',
        '--admin-keytab',
        '--admin-principal',
        '--ldap-host',
        '--base-dn',
        '--ca-file',
        '--starttls',
        '--insecure-tls',
      ])
        expect(help.stdout, `${cmd} ${o}`).toContain(o);
    }
  });
});
