/**
 * keytab rotate --self against the Samba AD DC's kpasswd (port 464): the account renews its own
 * password with its keytab. The domain's default policy (minimum password age 1 day) refuses
 * a change right after the admin set the password: the keytab stays byte-identical. A password
 * settings object with no minimum age, applied to the test accounts only, lets them rotate.
 * `ad setpass --kpasswd` sets a password through kpasswd set-password with the admin's
 * credential from each source: the UPN bind password, and with --auth kerberos the ticket
 * cache, the admin keytab and the admin password.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import type { RotationStep } from '../../lib/cli/commands/rotate.js';
import { rotateSelf } from '../../lib/cli/rotate-self.js';
import { realKpasswdContext, runCli } from '../helpers/cli.js';
import { adEnv, mitTool, proveKeytab } from '../helpers/samba.js';
import { interopEnabled, runTool, sambaDc, tempDir } from './env.js';

const ad = sambaDc();
class Crash extends Error {}

describe.runIf(
  interopEnabled() && ad !== undefined && ad.smbConf !== undefined && ad.dir !== undefined,
)('rotate --self with Samba AD kpasswd', () => {
  const id = randomBytes(3).toString('hex');
  const pso = `ktp-self-${id}`;
  let tmp: ReturnType<typeof tempDir>;
  const samba = (args: string[]) => {
    const r = runTool('samba-tool', [
      ...args,
      '-s',
      ad!.smbConf!,
      '-H',
      `${ad!.dir}/private/sam.ldb`,
    ]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
  };
  beforeAll(() => {
    tmp = tempDir('ktp-self-ad-');
    samba([
      'domain',
      'passwordsettings',
      'pso',
      'create',
      pso,
      '1',
      '--min-pwd-age=0',
      '--history-length=0',
      '--complexity=on',
      '--min-pwd-length=7',
    ]);
  });
  afterAll(() => tmp.cleanup());
  const keytab = (args: string[]) =>
    runCli(args, {
      env: adEnv(ad!, { KRB5_CONFIG: ad!.krb5Config }),
      cwd: tmp.path,
      now: Math.floor(Date.now() / 1000),
    });
  const kvnos = (kt: string): number[] =>
    [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);

  const account = async (
    tag: string,
    options: { upn?: boolean; relaxed?: boolean } = {},
  ): Promise<{ name: string; principal: string; kt: string }> => {
    const name = `sf-${tag}-${id}`;
    const spn = `HTTP/sf-${tag}-${id}.${ad!.realm.toLowerCase()}`;
    const principal = `${spn}@${ad!.realm}`;
    const kt = `${tmp.path}/${tag}.keytab`;
    const create = await keytab([
      'ad',
      'create',
      name,
      '--spn',
      spn,
      ...(options.upn === false ? [] : ['--upn', principal]),
      '--enctypes',
      'aes256,aes128',
    ]);
    expect(create.code, create.stderr).toBe(0);
    if (options.relaxed !== false) samba(['domain', 'passwordsettings', 'pso', 'apply', pso, name]);
    const set = await keytab([
      'ad',
      'setpass',
      name,
      '--random',
      '-o',
      kt,
      '-p',
      principal,
      '-e',
      'aes256,aes128',
    ]);
    expect(set.code, set.stderr).toBe(0);
    return { name, principal, kt };
  };

  it('the default policy (minimum password age) refuses: in words, the keytab byte-identical', async () => {
    const { principal, kt } = await account('pol', { relaxed: false });
    const bytes = readFileSync(kt);
    const before = kvnos(kt);
    const r = await keytab(['rotate', kt, '--self']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was not changed/);
    expect(r.stderr).toMatch(/minimum password age|KRB5_KPASSWD_SOFTERROR/);
    expect(readFileSync(kt)).toEqual(bytes);
    proveKeytab(ad!, tmp.path, kt, principal, principal, before[0]!);
  });

  it('rotates twice in a row (UPN = SPN); kinit -k and kvno -k pass after each', async () => {
    const { principal, kt } = await account('two');
    const [k0] = kvnos(kt);
    const first = await keytab(['rotate', kt, '--self']);
    expect(first.code, first.stderr).toBe(0);
    expect(kvnos(kt)).toEqual([k0!, k0! + 1]);
    proveKeytab(ad!, tmp.path, kt, principal, principal, k0! + 1);
    const second = await keytab(['rotate', kt, '--self', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).rotations[0]).toMatchObject({
      ok: true,
      kvno: { from: k0! + 1, to: k0! + 2 },
    });
    expect(kvnos(kt)).toEqual([k0! + 1, k0! + 2]);
    proveKeytab(ad!, tmp.path, kt, principal, principal, k0! + 2);
  });

  it('a keytab of SPNs only: the error asks for --client; with --client NAME@REALM it rotates', async () => {
    const { name, principal, kt } = await account('spn', { upn: false });
    const [k0] = kvnos(kt);
    const bytes = readFileSync(kt);
    const refused = await keytab(['rotate', kt, '--self']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--client');
    expect(readFileSync(kt)).toEqual(bytes);
    const r = await keytab(['rotate', kt, '--self', '--client', `${name}@${ad!.realm}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(kvnos(kt)).toEqual([k0!, k0! + 1]);
    // The keytab holds no key for NAME@REALM (kinit -k cannot use it): the service side, with
    // the administrator's TGT.
    const cache = `FILE:${tmp.path}/cc-admin-${id}`;
    const password = readFileSync(ad!.bindPasswordFile, 'utf8');
    expect(
      mitTool(ad!, 'kinit', [`Administrator@${ad!.realm}`], cache, { input: `${password}\n` })
        .status,
    ).toBe(0);
    const check = mitTool(ad!, 'kvno', ['-k', kt, principal], cache);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain(`${principal}: kvno = ${k0! + 1}, keytab entry valid`);
  });

  // The admin's credential for kpasswd set-password, from each source the directory bind knows:
  // a simple bind as a UPN with its password, and with --auth kerberos (sealed ldap://) the
  // ticket cache (MIT kinit's FILE: cache), the admin keytab, or the admin's password.
  const adminSources: Record<string, () => Record<string, string | undefined>> = {
    'UPN bind password': () => ({
      KEYTAB_LDAP_URL: ad!.url,
      KEYTAB_BIND_DN: ad!.bindDn,
      KEYTAB_BIND_PASSWORD_FILE: ad!.bindPasswordFile,
      KEYTAB_BASE_DN: ad!.baseDn,
      KEYTAB_CA_FILE: ad!.caFile,
    }),
    'ticket cache (KRB5CCNAME, --auth kerberos)': () => ({
      ...kerberosBase(),
      KRB5CCNAME: ad!.kerberos!.ccache,
    }),
    'admin keytab (--admin-keytab, --admin-principal)': () => ({
      ...kerberosBase(),
      KEYTAB_ADMIN_KEYTAB: ad!.kerberos!.adminKeytab,
      KEYTAB_ADMIN_PRINCIPAL: ad!.kerberos!.adminPrincipal,
    }),
    'admin password (--auth kerberos)': () => ({
      ...kerberosBase(),
      KEYTAB_BIND_DN: ad!.kerberos!.adminPrincipal,
      KEYTAB_BIND_PASSWORD_FILE: ad!.bindPasswordFile,
    }),
  };
  const kerberosBase = () => ({
    KEYTAB_AUTH: 'kerberos',
    KEYTAB_LDAP_URL: ad!.kerberos!.ldapUrl,
    KEYTAB_BASE_DN: ad!.baseDn,
    KRB5_CONFIG: ad!.krb5Config,
    KRB5CCNAME: `FILE:${tmp.path}/no-cache`,
  });
  for (const [source, env] of Object.entries(adminSources)) {
    it(`ad setpass --kpasswd, the admin's ${source}: kpasswd set-password, then the keytab is written`, async () => {
      if (ad!.kerberos === undefined && source !== 'UPN bind password')
        throw new Error('the DC env has no Kerberos credentials (samba-dc.sh writes them)');
      const { name, principal, kt } = await account(
        `kp${Object.keys(adminSources).indexOf(source)}`,
        { relaxed: false },
      );
      const [k0] = kvnos(kt);
      const r = await runCli(
        [
          'ad',
          'setpass',
          name,
          '--random',
          '--kpasswd',
          '-o',
          kt,
          '-p',
          principal,
          '-e',
          'aes256,aes128',
        ],
        {
          env: { ...env(), KRB5_CONFIG: ad!.krb5Config },
          cwd: tmp.path,
          now: Math.floor(Date.now() / 1000),
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`msDS-KeyVersionNumber is now ${k0! + 1}`);
      proveKeytab(ad!, tmp.path, kt, principal, principal, k0! + 1);
    });
  }

  for (const step of [
    'staged',
    'password-set',
    'confirmed',
  ] as const satisfies readonly RotationStep[]) {
    it(`a crash after "${step}": the service keeps working; the next --self rotation completes`, async () => {
      const { principal, kt } = await account(`c${step.slice(0, 2)}`);
      const [k0] = kvnos(kt);
      const { ctx: real, kctx } = realKpasswdContext(ad!.krb5Config, tmp.path);
      await expect(
        rotateSelf(
          real,
          kctx,
          { keytab: kt, principals: [], keep: 1 },
          { verbose: false },
          {
            after: (s) => {
              if (s === step) throw new Crash(s);
            },
          },
        ),
      ).rejects.toBeInstanceOf(Crash);
      expect(kvnos(kt)).toEqual([k0!, k0! + 1]);
      const now = step === 'staged' ? k0! : k0! + 1;
      const cache = `FILE:${tmp.path}/cc-admin-${randomBytes(3).toString('hex')}`;
      const password = readFileSync(ad!.bindPasswordFile, 'utf8');
      expect(
        mitTool(ad!, 'kinit', [`Administrator@${ad!.realm}`], cache, { input: `${password}\n` })
          .status,
      ).toBe(0);
      const check = mitTool(ad!, 'kvno', ['-k', kt, principal], cache);
      expect(check.stderr).toBe('');
      expect(check.stdout).toContain(`${principal}: kvno = ${now}, keytab entry valid`);
      const next = await keytab(['rotate', kt, '--self']);
      expect(next.code, next.stderr).toBe(0);
      expect(kvnos(kt)).toEqual([now, now + 1]);
      proveKeytab(ad!, tmp.path, kt, principal, principal, now + 1);
    });
  }
});
