/**
 * keytab gmsa against the Samba 4.22 AD DC (test/servers/samba-dc.sh provision_gmsa: gmsaweb$
 * with SPNs HTTP/gmsaweb.example.test and HTTP/gmsaweb; Administrator and the group
 * gmsa-readers may read its password, gmsa-outsider may not). The keys must be those the DC
 * itself exports (samba-tool domain exportkeytab), and MIT kinit -k / kvno -k must accept them.
 *
 * Samba derives gMSA passwords from the clock (a new one every msDS-ManagedPasswordInterval
 * days) and has no way to force a change, so --refresh across a password change is tested
 * with a recorded blob in test/cli/gmsa.test.ts; here --refresh is checked to leave an
 * up-to-date keytab alone.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { enctypeName } from '../../lib/crypto/enctypes.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv, proveKeytab } from '../helpers/samba.js';
import { interopEnabled, parseEnvFile, runTool, sambaDc, tempDir } from './env.js';

const ad = sambaDc();

/** The gMSA settings env.sh carries (process.env first, as everywhere). */
function gmsaSettings(): Record<string, string | undefined> {
  const file = process.env['KTP_SAMBA_DC_ENV'];
  const vars = file && existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const get = (n: string): string | undefined => process.env[n] ?? vars[n];
  return {
    account: get('KTP_AD_GMSA'),
    reader: get('KTP_AD_GMSA_READER'),
    readerPasswordFile: get('KTP_AD_GMSA_READER_PASSWORD_FILE'),
    outsider: get('KTP_AD_GMSA_OUTSIDER'),
    outsiderPasswordFile: get('KTP_AD_GMSA_OUTSIDER_PASSWORD_FILE'),
  };
}

describe.runIf(interopEnabled() && ad !== undefined)('keytab gmsa against Samba', () => {
  const g = gmsaSettings();
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir('ktp-gmsa-');
    expect(
      g.account,
      'the DC env names no gMSA: test/servers/samba-dc.sh provision_gmsa did not run (an old template?)',
    ).toBe('gmsaweb$');
  });
  afterAll(() => tmp.cleanup());
  const realm = (): string => ad!.realm;
  const path = (name: string): string => `${tmp.path}/${name}`;
  const keytab = (
    args: string[],
    env: Record<string, string | undefined> = adEnv(ad!),
  ): Promise<RunResult> =>
    runCli(args, { env: { KRB5_CONFIG: ad!.krb5Config, ...env }, cwd: tmp.path });
  /** Simple bind over LDAPS as another account. */
  const as = (
    bindDn: string | undefined,
    passwordFile: string | undefined,
  ): Record<string, string | undefined> => ({
    KEYTAB_LDAP_URL: ad!.url,
    KEYTAB_BIND_DN: bindDn,
    KEYTAB_BIND_PASSWORD_FILE: passwordFile,
    KEYTAB_BASE_DN: ad!.baseDn,
    KEYTAB_CA_FILE: ad!.caFile,
  });
  const ok = (r: RunResult, what: string): RunResult => {
    expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    return r;
  };
  const keys = (kt: string, kvno?: number): Map<string, string> =>
    new Map(
      parseKeytab(readFileSync(kt))
        .entries.filter((e) => kvno === undefined || e.kvno === kvno)
        .map((e) => [
          `${e.principal.components.join('/')}@${e.principal.realm} ${e.kvno} ${enctypeName(e.enctype)}`,
          toHex(e.key),
        ]),
    );
  const adKvno = async (): Promise<number> =>
    (
      JSON.parse(ok(await keytab(['ad', 'show', 'gmsaweb$', '--json']), 'ad show').stdout) as {
        msDSKeyVersionNumber: number;
      }
    ).msDSKeyVersionNumber;

  it('keys equal samba-tool domain exportkeytab (aes256, aes128, rc4) at msDS-KeyVersionNumber; kinit -k NAME$ and a service ticket for its SPN decrypt with them', async () => {
    const kt = path('web.keytab');
    const r = ok(await keytab(['gmsa', 'gmsaweb$', '-o', kt, '--json']), 'gmsa');
    const report = JSON.parse(r.stdout) as {
      kvno: number;
      salt: { text: string; kdc: string };
      principals: string[];
    };
    expect(report.salt).toMatchObject({
      text: `${realm()}hostgmsaweb.${realm().toLowerCase()}`,
      kdc: 'agrees',
    });
    expect(report.principals).toEqual([
      `gmsaweb$@${realm()}`,
      `HTTP/gmsaweb.example.test@${realm()}`,
      `HTTP/gmsaweb@${realm()}`,
    ]);
    const kvno = await adKvno();
    expect(report.kvno).toBe(kvno);

    const exported = path('exported.keytab');
    const x = runTool('samba-tool', [
      'domain',
      'exportkeytab',
      exported,
      '--principal=gmsaweb$',
      '-s',
      ad!.smbConf!,
    ]);
    expect(x.status, x.stderr).toBe(0);
    const theirs = keys(exported, kvno);
    const ours = keys(kt, kvno);
    for (const e of ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'arcfour-hmac']) {
      const id = `gmsaweb$@${realm()} ${kvno} ${e}`;
      expect(theirs.get(id), `samba-tool exported ${id}`).toBeDefined();
      expect(ours.get(id), id).toBe(theirs.get(id));
      expect(ours.get(`HTTP/gmsaweb.example.test@${realm()} ${kvno} ${e}`)).toBe(theirs.get(id));
    }
    expect(r.stdout + r.stderr).not.toContain(
      theirs.get(`gmsaweb$@${realm()} ${kvno} arcfour-hmac`)!,
    );

    const klist = proveKeytab(
      ad!,
      tmp.path,
      kt,
      `gmsaweb$@${realm()}`,
      `HTTP/gmsaweb.example.test@${realm()}`,
      kvno,
    );
    expect(klist).toContain('HTTP/gmsaweb.example.test@');
  });

  it('--refresh leaves an up-to-date keytab byte for byte alone and says when the next change is due', async () => {
    const kt = path('refresh.keytab');
    ok(await keytab(['gmsa', 'gmsaweb', '-o', kt, '--refresh']), 'first refresh');
    const before = readFileSync(kt);
    const mtime = statSync(kt).mtimeMs;
    const r = ok(await keytab(['gmsa', 'gmsaweb', '-o', kt, '--refresh']), 'second refresh');
    expect(r.stdout).toMatch(/up to date \(kvno \d+(, \d+)?\); nothing written/);
    expect(r.stdout).toMatch(
      /AD changes the password next at 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ; run --refresh again after that/,
    );
    expect(readFileSync(kt).equals(before)).toBe(true);
    expect(statSync(kt).mtimeMs).toBe(mtime);
  });

  it('a member of the group in msDS-GroupMSAMembership reads it; an account not in it gets the clear error naming who may', async () => {
    const mine = path('reader.keytab');
    ok(
      await keytab(['gmsa', 'gmsaweb$', '-o', mine], as(g.reader, g.readerPasswordFile)),
      'gmsa as the reader',
    );
    const admin = path('admin.keytab');
    ok(await keytab(['gmsa', 'gmsaweb$', '-o', admin]), 'gmsa as admin');
    expect([...keys(mine)]).toEqual([...keys(admin)]);

    const denied = path('outsider.keytab');
    const r = await keytab(
      ['gmsa', 'gmsaweb$', '-o', denied],
      as(g.outsider, g.outsiderPasswordFile),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `keytab: error: ${g.outsider} may not read the password of gmsaweb$: msDS-GroupMSAMembership allows `,
    );
    expect(r.stderr).toMatch(/Administrator \(user, S-1-5-21-[\d-]+-500\)/);
    expect(r.stderr).toMatch(/gmsa-readers \(group, S-1-5-21-[\d-]+\)/);
    expect(r.stderr).toContain('keytab: hint: bind as one of them');
    expect(existsSync(denied)).toBe(false);
  });

  it('the sealed Kerberos connection gives the same keys; a simple bind on plain ldap:// is refused before anything is asked', async () => {
    const kerberos = ad!.kerberos!;
    const kt = path('sealed.keytab');
    const env = {
      KEYTAB_AUTH: 'kerberos',
      KEYTAB_LDAP_URL: kerberos.ldapUrl,
      KEYTAB_BASE_DN: ad!.baseDn,
      KRB5CCNAME: kerberos.ccache,
    };
    ok(await keytab(['gmsa', 'gmsaweb$', '-o', kt], env), 'gmsa over SASL GSSAPI');
    const admin = path('tls.keytab');
    ok(await keytab(['gmsa', 'gmsaweb$', '-o', admin]), 'gmsa over LDAPS');
    expect([...keys(kt)]).toEqual([...keys(admin)]);

    // --auth auto would bind with Kerberos on ldap:// (the bind password as the admin's): insist on a simple bind.
    const r = await keytab(['gmsa', 'gmsaweb$', '-o', path('plain.keytab')], {
      ...as(ad!.bindDn, ad!.bindPasswordFile),
      KEYTAB_LDAP_URL: kerberos.ldapUrl,
      KEYTAB_AUTH: 'simple',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'is not encrypted: domain controllers send msDS-ManagedPassword only over LDAPS, StartTLS or a sealed Kerberos bind (nothing was asked)',
    );
  });

  it('not a gMSA, and an SPN the account does not have, are refused in words', async () => {
    const r = await keytab(['gmsa', 'Administrator', '-o', path('x.keytab')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'keytab: error: Administrator is a user account, not a group managed service account',
    );
    const spn = await keytab([
      'gmsa',
      'gmsaweb$',
      '-o',
      path('x.keytab'),
      '--spn',
      'HTTP/nope.example.test',
    ]);
    expect(spn.code).toBe(1);
    expect(spn.stderr).toContain('HTTP/nope.example.test is not an SPN of gmsaweb$');
    const one = ok(
      await keytab([
        'gmsa',
        'gmsaweb$',
        '-o',
        path('one.keytab'),
        '--spn',
        'HTTP/gmsaweb',
        '-e',
        'aes256-cts-hmac-sha1-96',
      ]),
      '--spn',
    );
    expect(one.stdout).not.toContain('HTTP/gmsaweb.example.test');
    expect([...keys(path('one.keytab')).keys()].map((k) => k.replace(/ \d+ /, ' '))).toEqual([
      `gmsaweb$@${realm()} aes256-cts-hmac-sha1-96`,
      `HTTP/gmsaweb@${realm()} aes256-cts-hmac-sha1-96`,
    ]);
  });
});
