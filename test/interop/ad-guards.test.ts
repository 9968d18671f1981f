/**
 * Issue 10, points 1-4, against the Samba AD DC: keytabs that could not work are refused
 * before anything changes, and rotation touches only the account's own principals. Each
 * refusal is checked on both sides: the account (kvno, SPNs, enctypes) and the keytab (bytes).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { ktpassDeps } from '../../lib/cli/ktpass-directory.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { serializeEntry } from '../../lib/keytab/encode.js';
import { formatPrincipal } from '../../lib/principal.js';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv, proveKeytab } from '../helpers/samba.js';
import { interopEnabled, sambaDc, tempDir } from './env.js';

const ad = sambaDc();

describe.runIf(interopEnabled() && ad !== undefined)('no keytab that cannot work (Samba)', () => {
  const id = randomBytes(3).toString('hex');
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir('ktp-guard-');
  });
  afterAll(() => tmp.cleanup());
  const realm = (): string => ad!.realm;
  const domain = (): string => realm().toLowerCase();
  const path = (name: string): string => `${tmp.path}/${name}`;
  const keytab = (args: string[]): Promise<RunResult> =>
    runCli(args, { env: adEnv(ad!), cwd: tmp.path });
  const ktpass = (args: string[]): Promise<RunResult> =>
    runCli(args, {
      env: adEnv(ad!),
      cwd: tmp.path,
      program: 'ktpass',
      mainFn: (ctx, argv) => ktpassMain(ctx, argv, ktpassDeps),
    });
  const ok = (r: RunResult, what: string): RunResult => {
    expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    return r;
  };
  const show = async (
    name: string,
  ): Promise<{
    msDSKeyVersionNumber: number;
    servicePrincipalName: string[];
    msDSSupportedEncryptionTypes?: { value: number };
  }> => JSON.parse(ok(await keytab(['ad', 'show', name, '--json']), 'ad show').stdout);
  /** The stored records of one principal's entries, as hex. */
  const records = (kt: string, principal: string): string[] =>
    parseKeytab(readFileSync(kt))
      .entries.filter((e) => formatPrincipal(e.principal) === principal)
      .map((e) => toHex(serializeEntry(e)));
  /** An account with one SPN (also its UPN), AES only, and its keys in `kt`. */
  const account = async (name: string, kt: string): Promise<string> => {
    const principal = `HTTP/${name}.${domain()}@${realm()}`;
    ok(
      await keytab([
        'ad',
        'create',
        name,
        '--spn',
        `HTTP/${name}.${domain()}`,
        '--upn',
        principal,
        '--enctypes',
        'aes256,aes128',
      ]),
      'create',
    );
    ok(await keytab(['ad', 'setpass', name, '--random', '-o', kt, '-p', principal]), 'setpass');
    return principal;
  };

  it("rotate on a keytab shared by two accounts renews only the account's keys; the other's stay byte for byte and keep working", async () => {
    const kt = path('shared.keytab');
    const a = await account(`sa-${id}`, kt);
    const b = await account(`sb-${id}`, kt);
    const bBefore = records(kt, b);
    const kvnoB = (await show(`sb-${id}`)).msDSKeyVersionNumber;
    const k0 = (await show(`sa-${id}`)).msDSKeyVersionNumber;

    const dry = ok(await keytab(['rotate', kt, '--account', `sa-${id}`, '--dry-run']), 'dry run');
    expect(dry.stdout).toContain(`left as they are (not sa-${id}'s): ${b}`);
    const r = ok(await keytab(['rotate', kt, '--account', `sa-${id}`, '--json']), 'rotate');
    expect(JSON.parse(r.stdout).rotations[0]).toMatchObject({
      ok: true,
      principals: [a],
      unchanged: [b],
      kvno: { from: k0, to: k0 + 1 },
    });
    expect(records(kt, b)).toEqual(bBefore);
    expect((await show(`sb-${id}`)).msDSKeyVersionNumber).toBe(kvnoB);
    proveKeytab(ad!, tmp.path, kt, a, a, k0 + 1);
    proveKeytab(ad!, tmp.path, kt, b, b, kvnoB);
  });

  it("rotate --account A on a keytab with none of A's principals: refused before any change, naming both sides (dry run too)", async () => {
    const other = path('other.keytab');
    const b = await account(`ob-${id}`, other);
    const a = `oa-${id}`;
    ok(
      await keytab([
        'ad',
        'create',
        a,
        '--spn',
        `HTTP/${a}.${domain()}`,
        '--enctypes',
        'aes256,aes128',
      ]),
      'create A',
    );
    const kvnoA = (await show(a)).msDSKeyVersionNumber;
    const bytes = readFileSync(other);
    for (const extra of [[], ['--dry-run']]) {
      const r = await keytab(['rotate', other, '--account', a, ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `holds no principal of ${a}: it has ${b}; ${a} has SPNs HTTP/${a}.${domain()}; no UPN; ${a}@${realm()}. Nothing was changed`,
      );
    }
    const p = await keytab(['rotate', other, '--account', a, '-p', b]);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(`${b} is not ${a}'s`);
    expect((await show(a)).msDSKeyVersionNumber).toBe(kvnoA);
    expect(readFileSync(other).equals(bytes)).toBe(true);

    // In a batch, that row fails and the others go on.
    const good = path('good.keytab');
    const g = await account(`og-${id}`, good);
    writeFileSync(path('batch.csv'), `keytab,account\nother.keytab,${a}\ngood.keytab,og-${id}\n`);
    const batch = await keytab(['rotate', '--from', path('batch.csv')]);
    expect(batch.code).toBe(1);
    expect(batch.stdout).toMatch(new RegExp(`FAILED +${a} .*holds no principal of ${a}`));
    expect(batch.stdout).toMatch(new RegExp(`ok +og-${id} `));
    expect(batch.stdout).toContain('1 rotated, 1 failed');
    expect(readFileSync(other).equals(bytes)).toBe(true);
    proveKeytab(ad!, tmp.path, good, g, g, (await show(`og-${id}`)).msDSKeyVersionNumber);
  });

  it('ktpass /mapuser DOMAIN\\account and dns.domain\\account (the runbook form); another domain is refused naming both of ours', async () => {
    const name = `dm-${id}`;
    ok(await keytab(['ad', 'create', name]), 'create');
    const line = (who: string, host: string): string[] => [
      '/out',
      path(`${host}.keytab`),
      '/princ',
      `HTTP/${host}.${domain()}@${realm()}`,
      '/mapuser',
      who,
      '/pass',
      '+rndpass',
      '/crypto',
      'AES256-SHA1',
      '/ptype',
      'KRB5_NT_PRINCIPAL',
    ];
    const netbios = ok(await ktpass(line(`EXAMPLE\\${name}`, `dm1-${id}`)), 'EXAMPLE\\name');
    expect(netbios.stdout).toContain(`Successfully mapped HTTP/dm1-${id}.${domain()} to ${name}.`);
    const kvno = (await show(name)).msDSKeyVersionNumber;
    proveKeytab(
      ad!,
      tmp.path,
      path(`dm1-${id}.keytab`),
      `HTTP/dm1-${id}.${domain()}@${realm()}`,
      `HTTP/dm1-${id}.${domain()}@${realm()}`,
      kvno,
    );
    ok(
      await ktpass([...line(`${domain()}\\${name}`, `dm2-${id}`), '--dry-run']),
      'dns.domain\\name',
    );
    const wrong = await ktpass(line(`CORP\\${name}`, `dm3-${id}`));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `ktpass: error: CORP\\${name}: the directory at ${adEnv(ad!)['KEYTAB_LDAP_URL']} is the domain EXAMPLE (${domain()}), not CORP`,
    );
    expect(existsSync(path(`dm3-${id}.keytab`))).toBe(false);
    // A computer account, DOMAIN\NAME$ (a dry run: resetting a computer's password is its own test).
    ok(await keytab(['ad', 'create', `dc${id}`, '--computer']), 'create computer');
    const computer = ok(
      await ktpass([...line(`EXAMPLE\\DC${id.toUpperCase()}$`, `dm4-${id}`), '--dry-run']),
      'DOMAIN\\NAME$',
    );
    expect(computer.stdout).toContain(`Account: dc${id}$ (computer`);
  });

  it("the vendor guide's /crypto RC4-HMAC-NT on an AES-only account: refused before any change; --allow-rc4 makes the account RC4-only and the keytab works", async () => {
    const name = `r4-${id}`;
    ok(await keytab(['ad', 'create', name, '--enctypes', 'aes256,aes128']), 'create');
    const before = await show(name);
    const spn = `HTTP/r4-${id}.${domain()}`;
    const principal = `${spn}@${realm()}`;
    const kt = path('r4.keytab');
    writeFileSync(path('pw-r4'), `Rc4-${id}-Pass!\n`);
    const vendor = [
      '/out',
      kt,
      '/princ',
      principal,
      '/mapuser',
      name,
      '/crypto',
      'RC4-HMAC-NT',
      '/ptype',
      'KRB5_NT_PRINCIPAL',
      '--password-file',
      path('pw-r4'),
    ];
    const r = await ktpass(vendor);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `ktpass: error: the keytab would hold arcfour-hmac, but msDS-SupportedEncryptionTypes of ${name} is 0x18, so AD issues aes256-cts-hmac-sha1-96 tickets for it`,
    );
    expect(r.stderr).toContain(
      'ktpass: hint: make AES keys: /crypto AES256-SHA1 (or /crypto All); or keep RC4 and make the account RC4-only with --allow-rc4',
    );
    expect(await show(name)).toEqual(before);
    expect(existsSync(kt)).toBe(false);

    const allowed = ok(await ktpass([...vendor, '--allow-rc4']), 'ktpass --allow-rc4');
    expect(allowed.stderr).toContain(
      `msDS-SupportedEncryptionTypes of ${name} set to 0x4: --allow-rc4`,
    );
    const after = await show(name);
    expect(after.msDSSupportedEncryptionTypes?.value).toBe(0x4);
    const klist = proveKeytab(ad!, tmp.path, kt, principal, principal, after.msDSKeyVersionNumber, {
      clientEnctypes: 'arcfour-hmac',
    });
    expect(klist).toMatch(
      /Etype \(skey, tkt\): (DEPRECATED:)?arcfour-hmac, (DEPRECATED:)?arcfour-hmac/,
    );
  });

  it('ad setpass -o with keys AD will not issue tickets for: refused before the password changes', async () => {
    const name = `sp-${id}`;
    ok(
      await keytab([
        'ad',
        'create',
        name,
        '--spn',
        `HTTP/sp-${id}.${domain()}`,
        '--enctypes',
        'aes256,aes128',
      ]),
      'create',
    );
    const before = await show(name);
    const r = await keytab([
      'ad',
      'setpass',
      name,
      '--random',
      '-o',
      path('sp.keytab'),
      '-e',
      'rc4',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `so AD issues aes256-cts-hmac-sha1-96 tickets for it; without aes256-cts-hmac-sha1-96 keys the service cannot decrypt them. Nothing was changed.`,
    );
    expect(await show(name)).toEqual(before);
    expect(existsSync(path('sp.keytab'))).toBe(false);
  });
});
