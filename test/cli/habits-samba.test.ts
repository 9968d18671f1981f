/**
 * Issue 15 against the real Samba AD DC: --random in ad create, rotate's output in words, a
 * missing --ou named with the ways to create it (in a dry run too), and a search base outside
 * the domain named with the DC's defaultNamingContext (doctor and verify).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv } from '../helpers/samba.js';
import { interopEnabled, sambaDc, tempDir } from '../interop/env.js';

const ad = sambaDc();

describe.runIf(interopEnabled() && ad !== undefined)(
  'issue 15 habits against the Samba AD DC',
  () => {
    const id = randomBytes(3).toString('hex');
    const realm = (): string => ad!.realm;
    const domain = (): string => realm().toLowerCase();
    let tmp: ReturnType<typeof tempDir>;
    beforeAll(() => {
      tmp = tempDir('ktp-habits-');
    });
    afterAll(() => tmp.cleanup());

    const keytab = (
      args: string[],
      over: Record<string, string | undefined> = {},
    ): Promise<RunResult> => runCli(args, { env: adEnv(ad!, over), cwd: tmp.path });
    const ok = async (
      args: string[],
      over: Record<string, string | undefined> = {},
    ): Promise<RunResult> => {
      const r = await keytab(args, over);
      expect(r.code, `keytab ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };

    it('ad create --random (and the old --random-password); rotate names enctypes and counts entries', async () => {
      const name = `hb-${id}`;
      const spn = `HTTP/hb-${id}.${domain()}`;
      const principal = `${spn}@${realm()}`;
      await ok([
        'ad',
        'create',
        name,
        '--spn',
        spn,
        '--upn',
        principal,
        '--enctypes',
        'aes256,aes128',
        '--random',
      ]);
      await ok(['ad', 'create', `hb2-${id}`, '--random-password']);
      const kt = `${tmp.path}/hb.keytab`;
      await ok(['ad', 'setpass', name, '--random', '-o', kt, '-p', principal, '-e', 'aes256']);
      const r = await ok(['rotate', kt, '--account', name]);
      expect(r.stdout).toMatch(
        new RegExp(
          `^added: ${principal.replace(/[.]/g, '\\.')} kvno \\d+ aes256-cts-hmac-sha1-96$`,
          'm',
        ),
      );
      expect(r.stdout).not.toMatch(/enctype \d+/);
      expect(r.stdout).toContain(`FILE:${kt}: 2 entries`);
    });

    it('ad create --ou naming a missing container: refused in a dry run, with samba-tool, PowerShell and ldapmodify', async () => {
      const ou = `OU=Missing-${id},${ad!.baseDn}`;
      const r = await keytab(['ad', 'create', `hou-${id}`, '--ou', ou, '--dry-run']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`keytab: error: --ou ${ou}: no such container in`);
      expect(r.stderr).toContain(`samba-tool ou add '${ou}'`);
      expect(r.stderr).toContain('New-ADOrganizationalUnit');
      // The default container exists: the dry run goes through.
      await ok(['ad', 'create', `hou-${id}`, '--ou', `CN=Users,${ad!.baseDn}`, '--dry-run']);
    });

    it('a search base outside the domain: doctor ERROR and verify FAIL, naming the defaultNamingContext', async () => {
      const wrong = 'DC=elsewhere,DC=invalid';
      const kt = `${tmp.path}/doc.keytab`;
      await ok([
        'add',
        kt,
        '-p',
        `HTTP/x-${id}.${domain()}@${realm()}`,
        '-e',
        'aes256-cts-hmac-sha1-96',
        '-k',
        '1',
        '--random',
      ]);
      const doctor = await keytab(['doctor', '--keytab', kt, '--no-dns'], {
        KEYTAB_BASE_DN: wrong,
        KRB5_CONFIG: ad!.krb5Config,
      });
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(
        new RegExp(
          `^ERROR  directory: LDAP search base  — the configured base "${wrong}" is outside the domain: .* says its defaultNamingContext is ${ad!.baseDn}`,
          'mi',
        ),
      );
      expect(doctor.stdout.toLowerCase()).toContain(`fix: --base-dn ${ad!.baseDn}`.toLowerCase());
      const verify = await keytab(['verify', kt, '--no-dns'], {
        KEYTAB_BASE_DN: wrong,
        KRB5_CONFIG: ad!.krb5Config,
      });
      expect(verify.code).toBe(1);
      expect(verify.stdout).toMatch(/^FAIL {2}LDAP search base {2}— the configured base/m);
      expect(verify.stdout.trimEnd().split('\n').at(-1)).toMatch(
        /^verify: \d+ errors?, \d+ warnings?$/,
      );
    });
  },
);
