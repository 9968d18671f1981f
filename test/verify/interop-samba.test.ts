/**
 * `keytab verify` against the Samba AD DC (EXAMPLE.TEST on 127.0.0.1:88, LDAPS on 636): the
 * classic AD failures, reproduced on a fresh user per run (random name) so other suites are
 * not disturbed: the UPN set after the password (wrong salt), RC4 tickets for an AES-only
 * keytab (msDS-SupportedEncryptionTypes unset), a reset that makes the keytab stale (both
 * kvnos named, from the KDC and from msDS-KeyVersionNumber), a disabled account.
 * Loopback IPs only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, runTool, sambaDc, tempDir, type SambaDc } from '../interop/env.js';
import { adEnv } from '../helpers/samba.js';
import { runCli } from '../helpers/cli.js';

const ad = sambaDc();

describe.runIf(interopEnabled() && ad !== undefined)(
  'keytab verify against the Samba AD DC',
  () => {
    const a = (): SambaDc => ad!;
    const tag = Math.random().toString(36).slice(2, 7);
    const sam = `vt-${tag}`;
    const spn = `HTTP/vt-${tag}.example.test`;
    const principal = (): string => `${spn}@${a().realm}`;
    const PW1 = `Vt-Pass-1-${tag}!`;
    const PW2 = `Vt-Pass-2-${tag}!`;
    let dir: ReturnType<typeof tempDir>;
    const path = (name: string): string => `${dir.path}/${name}`;
    const now = (): number => Math.floor(Date.now() / 1000);

    const sambaTool = (args: string[]): string => {
      const r = runTool('samba-tool', [
        ...args,
        '-s',
        a().smbConf!,
        '-H',
        `${a().dir}/private/sam.ldb`,
      ]);
      if (r.status !== 0) throw new Error(`samba-tool ${args.join(' ')}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    const ldap = (tool: 'ldapmodify' | 'ldapsearch', args: string[], input?: string): string => {
      const r = runTool(
        tool,
        ['-x', '-H', a().url, '-D', a().bindDn, '-y', a().bindPasswordFile, ...args],
        { env: { LDAPTLS_CACERT: a().caFile }, ...(input !== undefined ? { input } : {}) },
      );
      if (r.status !== 0) throw new Error(`${tool}: ${r.stderr}`);
      return r.stdout;
    };
    const dn = (): string =>
      /^dn: (.*)$/m.exec(
        ldap('ldapsearch', ['-b', a().baseDn, `(sAMAccountName=${sam})`, 'dn']),
      )![1]!;
    const kvno = (): number =>
      Number(
        /^msDS-KeyVersionNumber: (\d+)$/m.exec(
          ldap('ldapsearch', [
            '-b',
            a().baseDn,
            `(sAMAccountName=${sam})`,
            'msDS-KeyVersionNumber',
          ]),
        )![1],
      );
    const modify = (ldif: string): void =>
      void ldap('ldapmodify', [], `dn: ${dn()}\nchangetype: modify\n${ldif}\n`);
    const pwFile = (name: string, password: string): string => {
      writeFileSync(path(name), password);
      return path(name);
    };
    // The directory binds as the run does (test/helpers/samba.ts adEnv: simple, or Kerberos per KTP_AD_AUTH).
    const env = (directory: boolean): Record<string, string | undefined> => ({
      KRB5_CONFIG: a().krb5Config,
      ...(directory ? adEnv(a()) : {}),
    });
    async function keytab(
      file: string,
      password: string,
      k: number,
      extra: string[] = [],
    ): Promise<string> {
      const r = await runCli(
        [
          'add',
          path(file),
          '-p',
          principal(),
          '-k',
          String(k),
          '-e',
          'aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96',
          '--password-file',
          pwFile(`${file}.pw`, password),
          ...extra,
        ],
        { now: now() },
      );
      expect(r.code, r.stderr).toBe(0);
      return path(file);
    }
    const verify = (args: string[], directory = false) =>
      runCli(['verify', ...args, '--kdc', a().kdc, '--no-dns'], {
        env: env(directory),
        now: now(),
      });

    beforeAll(() => {
      dir = tempDir('ktp-verify-samba-');
      // The password first, the SPN and the UPN afterwards: the keys keep the sAMAccountName salt.
      sambaTool(['user', 'create', sam, PW1]);
      sambaTool(['spn', 'add', spn, sam]);
      modify(`replace: userPrincipalName\nuserPrincipalName: ${principal()}`);
    });
    afterAll(() => {
      if (ad !== undefined) {
        try {
          sambaTool(['user', 'delete', sam]);
        } catch {
          // already gone
        }
      }
      dir.cleanup();
    });

    it('the UPN set after the password: the keytab made with the UPN salt is a wrong salt, named with both salts and the AD fix', async () => {
      const kt = await keytab('upn.keytab', PW1, kvno());
      const blind = await verify([kt]);
      expect(blind.code).toBe(1);
      expect(blind.stdout).toContain(
        `the KDC uses salt "${a().realm}${sam}" (REALM + "${sam}" (on Active Directory: the sAMAccountName`,
      );
      const r = await verify([kt, '--password-file', pwFile('pw1', PW1)], true);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `wrong salt: the key is the password's key with salt "${a().realm}HTTPvt-${tag}.example.test"`,
      );
      expect(r.stdout).toContain(
        `but the KDC uses salt "${a().realm}${sam}" (Active Directory user without UPN`,
      );
      expect(r.stdout).toContain('the UPN was set after the password');
      expect(r.stdout).toContain(`--salt '${a().realm}${sam}'`);
      expect(r.stdout).toContain(`(--ad-user ${sam} gives the same salt)`);
      expect(r.stdout).toContain('or reset the password now that the UPN is set');
    });

    it("keys made with the account's salt work; RC4 tickets for the AES-only keytab are explained (msDS-SupportedEncryptionTypes unset)", async () => {
      const kt = await keytab('sam.keytab', PW1, kvno(), ['--ad-user', sam]);
      const r = await verify([kt], true);
      expect(r.stdout).toMatch(
        /OK {4}HTTP\/vt-\w+\.example\.test@EXAMPLE\.TEST kvno \d+ aes256-cts-hmac-sha1-96 {2}— the KDC accepts this key \(salt "EXAMPLE\.TESTvt-\w+" \(Active Directory user without UPN/,
      );
      expect(r.stdout).toContain('missing enctype: an RC4 ticket for an AES-only keytab');
      expect(r.stdout).toContain(
        `msDS-SupportedEncryptionTypes is not set on ${dn()}, and this DC applies its default: RC4`,
      );
      expect(r.stdout).toMatch(
        /WARN {2}HTTP\/vt-\w+\.example\.test@EXAMPLE\.TEST in the directory {2}— msDS-SupportedEncryptionTypes is not set/,
      );
      expect(r.stdout).toMatch(
        /OK {4}HTTP\/vt-\w+\.example\.test@EXAMPLE\.TEST in the directory {2}— the keytab's kvno \d+ is msDS-KeyVersionNumber/,
      );
      expect(r.code).toBe(1);
      modify('replace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 24');
      const aes = await verify([kt], true);
      expect(aes.stdout).toMatch(
        /OK {4}HTTP\/vt-\w+\.example\.test@EXAMPLE\.TEST service ticket {2}— the KDC issues tickets for .* with kvno \d+ aes256-cts-hmac-sha1-96; it decrypts with the keytab's/,
      );
      expect(aes.code, aes.stdout).toBe(0);
      // UDP replies carrying a PAC are too big for Samba: the check went over TCP.
      expect(aes.stdout).toContain('UDP replies were too big, TCP was used');
    });

    it('a password reset makes the keytab stale: both kvnos named, by the KDC and by the directory', async () => {
      const before = kvno();
      const kt = await keytab('stale.keytab', PW1, before, ['--ad-user', sam]);
      sambaTool(['user', 'setpassword', sam, `--newpassword=${PW2}`]);
      const after = kvno();
      expect(after).toBe(before + 1);
      const r = await verify([kt, '--password-file', pwFile('pw2', PW2)], true);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `stale keytab: the keytab has kvno ${before}, msDS-KeyVersionNumber of ${dn()} is ${after}: the password was reset after the keytab was made (or the keytab was written with a wrong -k)`,
      );
      expect(r.stdout).toContain(
        `stale kvno: the keytab has kvno ${before}, the KDC issues tickets with kvno ${after}`,
      );
      expect(r.stdout).toContain('wrong password in the keytab');
      // After this reset the salt follows the UPN: a keytab with the default (UPN) salt now works.
      const fresh = await keytab('fresh.keytab', PW2, after);
      const ok = await verify([fresh], true);
      expect(ok.code, ok.stdout).toBe(0);
    });

    it('a disabled account is named as such', async () => {
      const kt = await keytab('off.keytab', PW2, kvno());
      sambaTool(['user', 'disable', sam]);
      try {
        const r = await verify([kt]);
        expect(r.code).toBe(1);
        // Samba checks the pre-authentication first, then the account: the refusal comes on the key line.
        expect(r.stdout).toMatch(
          /FAIL {2}HTTP\/vt-\w+\.example\.test@EXAMPLE\.TEST( kvno \d+ aes256-cts-hmac-sha1-96)? {2}— the account of .* is disabled or locked out \(kinit: "Client's credentials have been revoked"\)/,
        );
      } finally {
        sambaTool(['user', 'enable', sam]);
      }
    });

    it('doctor with the directory: kvno, enctypes attribute and SPN against the keytab, and the LDAP base', async () => {
      const kt = await keytab('doc.keytab', PW2, kvno());
      const r = await runCli(['doctor', '--keytab', kt, '--no-dns'], {
        env: env(true),
        now: now(),
      });
      expect(r.stdout).toContain(
        `OK     directory: ${principal()} SPN  — ${dn()} carries it as a servicePrincipalName`,
      );
      expect(r.stdout).toContain(
        `OK     directory: ${principal()} kvno  — the keytab's kvno ${kvno()} is msDS-KeyVersionNumber`,
      );
      expect(r.stdout).toContain(
        `OK     directory: ${principal()} msDS-SupportedEncryptionTypes  — 0x18`,
      );
      // The configured base, as configured, and what the DC's RootDSE says (issue 15).
      expect(r.stdout).toMatch(
        /^INFO {3}directory: LDAP search base {2}— dc=example,dc=test for the domain example\.test \(the DC's defaultNamingContext is dc=example,dc=test\)$/im,
      );
      expect(readFileSync(a().krb5Config, 'utf8')).toContain('EXAMPLE.TEST');
      expect(r.code, r.stdout).toBe(0);
    });
  },
);
