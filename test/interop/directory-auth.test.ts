/**
 * How the bind to the Samba DC is reported, and each failure Samba can produce, in words with
 * the fix (issue 12): no ticket cache, an expired TGT (the client's clock moved past the
 * TGT's endtime with faketime), an unknown ldap/ host, a simple bind on 389 refused with
 * strongAuthRequired, and clock skew (the client's clock an hour ahead with faketime; the DC's
 * own clock cannot be moved). Only kinit's ticket cache and an ldap:// URL are given: the
 * default (--auth auto) binds with Kerberos.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { interopEnabled, runTool, sambaDc, tempDir } from './env.js';

const ad = sambaDc();
const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/bin/keytab.cjs');
const faketime = runTool('faketime', ['-f', '+0', 'true']).status === 0;

describe.runIf(interopEnabled() && ad?.kerberos !== undefined)(
  'directory auth against the Samba AD DC: reported, and each failure diagnosed',
  () => {
    const k = () => ad!.kerberos!;
    /** kinit's cache and an ldap:// URL: nothing else. */
    const env = (over: Record<string, string | undefined> = {}) => ({
      KEYTAB_LDAP_URL: k().ldapUrl,
      KRB5_CONFIG: ad!.krb5Config,
      KRB5CCNAME: k().ccache,
      ...over,
    });
    const debugLines = (stderr: string) =>
      stderr.split('\n').filter((l) => l.startsWith('keytab: debug-auth: '));
    /** The CLI as a process under faketime (the client's clock only). */
    const fakeClock = (offset: string, args: string[]) => {
      // The process inherits run-all's KEYTAB_* (a bind DN would win over the ticket cache): cleared.
      const cleared = {
        KEYTAB_BIND_DN: undefined,
        KEYTAB_BIND_PASSWORD_FILE: undefined,
        KEYTAB_BIND_PASSWORD: undefined,
        KEYTAB_CA_FILE: undefined,
        KEYTAB_ADMIN_KEYTAB: undefined,
        KEYTAB_AUTH: undefined,
      };
      return runTool('faketime', ['-f', offset, process.execPath, BIN, ...args], {
        env: env(cleared),
      });
    };

    it('ad show --debug-auth: Kerberos from the ticket cache, the ldap/ SPN from the RootDSE, the sealed layer', async () => {
      const r = await runCli(['ad', 'show', 'Administrator', '--debug-auth'], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      const lines = debugLines(r.stderr);
      expect(lines[0]).toContain(
        `INFO   directory: auth ${k().ldapUrl} method  — kerberos (--auth auto): ldap://127.0.0.1 without TLS: Kerberos (SASL GSSAPI, sealed), the default there`,
      );
      expect(lines[1]).toContain(
        `OK     directory: auth ${k().ldapUrl}  — Kerberos (ticket cache ${k().ccache}) as ${k().adminPrincipal}; service ldap/dc1.example.test@${ad!.realm}; KDC `,
      );
      expect(lines[1]).toMatch(/layer SASL GSSAPI, sealed \(aes256-cts-hmac-sha1-96\)/);
      expect(r.stdout).toContain('sAMAccountName:');
    });

    it('doctor and verify bind the same way and say so', async () => {
      const doctor = await runCli(
        [
          'doctor',
          '--realm',
          ad!.realm,
          '--kdc',
          ad!.kdc,
          '--no-dns',
          '--keytab',
          '/nonexistent/k.keytab',
        ],
        { env: env() },
      );
      expect(doctor.stdout).toContain(
        `OK     directory: auth ${k().ldapUrl}  — Kerberos (ticket cache ${k().ccache}) as ${k().adminPrincipal}; service ldap/dc1.example.test@${ad!.realm}`,
      );
      const tmp = tempDir('ktp-auth-');
      try {
        const kt = `${tmp.path}/admin.keytab`;
        const add = await runCli(
          [
            'add',
            kt,
            '-p',
            k().adminPrincipal,
            '-k',
            '1',
            '-e',
            'aes256-cts-hmac-sha1-96',
            '--password-file',
            ad!.bindPasswordFile,
          ],
          { env: env() },
        );
        expect(add.code, add.stderr).toBe(0);
        const verify = await runCli(['verify', kt, '--kdc', ad!.kdc, '--no-dns'], { env: env() });
        const line = verify.stdout.split('\n').find((l) => l.includes(`auth ${k().ldapUrl}`));
        expect(line, verify.stdout).toContain(
          `OK    auth ${k().ldapUrl}  — Kerberos (ticket cache ${k().ccache}) as ${k().adminPrincipal}; service ldap/dc1.example.test@${ad!.realm};`,
        );
        expect(line).toContain(
          '(ldap://127.0.0.1 without TLS: Kerberos (SASL GSSAPI, sealed), the default there)',
        );
      } finally {
        tmp.cleanup();
      }
    });

    it('no ticket cache: the cause and kinit, KEYRING:/KCM: with the FILE: one-liner', async () => {
      const r = await runCli(['ad', 'show', 'Administrator', '--debug-auth'], {
        env: env({ KRB5CCNAME: `FILE:${ad!.dir}/no-such-cache` }),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `ERROR  directory: auth ${k().ldapUrl}: no ticket cache  — no credentials cache FILE:${ad!.dir}/no-such-cache`,
      );
      expect(r.stderr).toContain(
        'fix: kinit admin@REALM; if your kinit keeps tickets in KEYRING: or KCM:',
      );
      const kcm = await runCli(
        [
          'doctor',
          '--realm',
          ad!.realm,
          '--kdc',
          ad!.kdc,
          '--no-dns',
          '--keytab',
          '/nonexistent/k.keytab',
        ],
        { env: env({ KRB5CCNAME: 'KCM:' }) },
      );
      expect(kcm.stdout).toContain(
        'ticket cache not readable  — KCM: lives outside the file system',
      );
      expect(kcm.stdout).toContain(
        'fix: KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) kinit admin@REALM, and export that KRB5CCNAME',
      );
    });

    it('an unknown ldap/ host: KDC_ERR_S_PRINCIPAL_UNKNOWN in words, --ldap-host suggested', async () => {
      const r = await runCli(
        ['ad', 'show', 'Administrator', '--debug-auth', '--ldap-host', 'nosuch.example.test'],
        { env: env() },
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `ERROR  directory: auth ${k().ldapUrl}: no ldap/ SPN for that host name  — KDC_ERR_S_PRINCIPAL_UNKNOWN: no account carries ldap/nosuch.example.test@${ad!.realm}`,
      );
      expect(r.stderr).toContain('--ldap-host dc1.example.com');
      expect(r.stderr).toMatch(
        /keytab: error: no ticket for ldap\/nosuch.example.test@EXAMPLE.TEST: /,
      );
    });

    it('a simple bind on 389: strongAuthRequired, with Kerberos or ldaps:// as the fix', async () => {
      const r = await runCli(['ad', 'show', 'Administrator', '--debug-auth', '--auth', 'simple'], {
        env: env({ KEYTAB_BIND_DN: ad!.bindDn, KEYTAB_BIND_PASSWORD_FILE: ad!.bindPasswordFile }),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `ERROR  directory: auth ${k().ldapUrl}: strongAuthRequired  — the DC refuses a simple bind without TLS`,
      );
      expect(r.stderr).toContain('fix: bind with Kerberos, which signs and seals on port 389');
    });

    it.runIf(faketime)(
      'an expired TGT: the client clock past the endtime of the cached TGT',
      () => {
        const r = fakeClock('+3d', ['ad', 'show', 'Administrator', '--debug-auth']);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(
          new RegExp(
            `ERROR  directory: auth ${k().ldapUrl}: expired TGT  — the ticket-granting ticket of ${k().adminPrincipal} expired at \\d{4}-`,
          ),
        );
        expect(r.stderr).toContain(`fix: kinit ${k().adminPrincipal}`);
      },
    );

    it.runIf(faketime)('clock skew: the client an hour ahead of the DC', () => {
      const r = fakeClock('+1h', ['ad', 'show', 'Administrator', '--debug-auth']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `ERROR  directory: auth ${k().ldapUrl}: clock skew  — the KDC refused the ticket request`,
      );
      expect(r.stderr).toContain('fix: sync the clock with the DC');
      expect(r.stderr).toContain(
        `keytab: error: no ticket for ldap/dc1.example.test@${ad!.realm}: KRB_AP_ERR_SKEW (37): Clock skew too great`,
      );
    });
  },
);
