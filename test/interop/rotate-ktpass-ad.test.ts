/**
 * keytab rotate and ktpass /mapuser against the Samba AD DC, proved with MIT kinit -k and
 * kvno -k. Account names get a random suffix, so reruns against a running DC do not collide.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { ktpassDeps } from '../../lib/cli/ktpass-directory.js';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv, proveKeytab } from '../helpers/samba.js';
import { interopEnabled, sambaDc, tempDir } from './env.js';

const ad = sambaDc();

describe.runIf(interopEnabled() && ad !== undefined)(
  'rotate and ktpass /mapuser against Samba',
  () => {
    const id = randomBytes(3).toString('hex');
    let tmp: ReturnType<typeof tempDir>;
    beforeAll(() => {
      tmp = tempDir('ktp-rot-');
    });
    afterAll(() => tmp.cleanup());
    const realm = (): string => ad!.realm;
    const domain = (): string => realm().toLowerCase();
    const path = (name: string): string => `${tmp.path}/${name}`;
    const keytab = (args: string[], opts: { stdin?: string } = {}): Promise<RunResult> =>
      runCli(args, { env: adEnv(ad!), cwd: tmp.path, ...opts });
    const ktpass = (
      args: string[],
      opts: { stdin?: string; stdinIsTTY?: boolean; prompt?: (q: string) => Promise<string> } = {},
    ): Promise<RunResult> =>
      runCli(args, {
        env: adEnv(ad!),
        cwd: tmp.path,
        program: 'ktpass',
        mainFn: (ctx, argv) => ktpassMain(ctx, argv, ktpassDeps),
        ...opts,
      });
    const ok = (r: RunResult, what: string): RunResult => {
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      return r;
    };
    const show = async (
      name: string,
    ): Promise<{
      msDSKeyVersionNumber: number;
      userPrincipalName?: string;
      servicePrincipalName: string[];
      msDSSupportedEncryptionTypes?: { value: number };
    }> => JSON.parse(ok(await keytab(['ad', 'show', name, '--json']), 'ad show').stdout);
    const kvnos = (kt: string): number[] =>
      [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);

    it('ktpass /mapuser: SPN, UPN, password, AES bits, then keys at the kvno AD reports; kinit -k and kvno -k pass (AES and RC4)', async () => {
      const name = `tomcat-${id}`;
      ok(await keytab(['ad', 'create', name]), 'ad create');
      const before = (await show(name)).msDSKeyVersionNumber;
      const spn = `HTTP/web-${id}.${domain()}`;
      const principal = `${spn}@${realm()}`;
      const kt = path('tomcat.keytab');
      writeFileSync(path('pw'), `Tomcat-${id}-Pass!\n`);
      const r = ok(
        await ktpass([
          '/out',
          kt,
          '/princ',
          principal,
          '/mapuser',
          name,
          '/crypto',
          'All',
          '/ptype',
          'KRB5_NT_PRINCIPAL',
          '--password-file',
          path('pw'),
        ]),
        'ktpass',
      );
      expect(r.stdout).toMatch(/^Targeting domain controller: /);
      expect(r.stdout).toContain(`Successfully mapped ${spn} to ${name}.`);
      expect(r.stdout).toContain('Password successfully set!');
      expect(r.stdout).toContain(
        `ptype 1 (KRB5_NT_PRINCIPAL) vno ${before + 1} etype 0x12 (AES256-SHA1)`,
      );
      expect(r.stderr).toContain('msDS-SupportedEncryptionTypes');
      const after = await show(name);
      expect(after.msDSKeyVersionNumber).toBe(before + 1);
      expect(after.userPrincipalName).toBe(principal);
      expect(after.servicePrincipalName).toEqual([spn]);
      expect((after.msDSSupportedEncryptionTypes?.value ?? 0) & 0x18).toBe(0x18);
      expect(kvnos(kt)).toEqual([before + 1]);
      expect(proveKeytab(ad!, tmp.path, kt, principal, principal, before + 1)).toContain(
        'aes256-cts-hmac-sha1-96',
      );
      // An RC4-only client authenticates with the RC4 key (the AS reply is sealed with it); the
      // ticket itself is AES, as the account now allows AES.
      expect(
        proveKeytab(ad!, tmp.path, kt, principal, principal, before + 1, {
          clientEnctypes: 'arcfour-hmac',
        }),
      ).toMatch(/Etype \(skey, tkt\): (DEPRECATED:)?arcfour-hmac, /);

      // Microsoft's multi-SPN recipe: a second SPN in the same keytab, password and UPN kept.
      const alias = `HTTP/alias-${id}.${domain()}`;
      const kt2 = path('tomcat2.keytab');
      const again = ok(
        await ktpass([
          '/in',
          kt,
          '/out',
          kt2,
          '/princ',
          `${alias}@${realm()}`,
          '/mapuser',
          name,
          '-setpass',
          '-setupn',
          '/kvno',
          String(before + 1),
          '/crypto',
          'AES256-SHA1',
          '/ptype',
          'KRB5_NT_PRINCIPAL',
          '--password-file',
          path('pw'),
        ]),
        'ktpass multi-SPN',
      );
      expect(again.stdout).not.toContain('Password successfully set!');
      expect(again.stderr).toContain('salt AD really uses');
      const final = await show(name);
      expect(final.msDSKeyVersionNumber).toBe(before + 1);
      expect(final.userPrincipalName).toBe(principal);
      expect(final.servicePrincipalName.sort()).toEqual([alias, spn].sort());
      // The service side: a ticket for the alias decrypts with kt2 (the keys use the account's salt).
      proveKeytab(ad!, tmp.path, kt2, principal, `${alias}@${realm()}`, before + 1);
    });

    it('ktpass /mapuser /crypto RC4-HMAC-NT on an account that follows the DC default: refused (2026 DCs issue AES); --allow-rc4 makes it RC4-only and RC4 tickets decrypt', async () => {
      const name = `rc4-${id}`;
      ok(await keytab(['ad', 'create', name]), 'ad create');
      const spn = `HTTP/rc4-${id}.${domain()}`;
      const principal = `${spn}@${realm()}`;
      const kt = path('rc4.keytab');
      writeFileSync(path('pw-rc4'), `Rc4-${id}-Pass!\n`);
      const line = [
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
        path('pw-rc4'),
      ];
      const before = await show(name);
      const refused = await ktpass(line);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `msDS-SupportedEncryptionTypes is not set on ${name}: DCs with the April 2026 update (CVE-2026-20833, KB5073381) issue aes256-cts-hmac-sha1-96 tickets, older DCs (and Samba) issue arcfour-hmac (RC4) tickets`,
      );
      expect(await show(name)).toEqual(before);
      expect(existsSync(kt)).toBe(false);
      const r = ok(await ktpass([...line, '--allow-rc4']), 'ktpass rc4');
      expect(r.stderr).toContain(`msDS-SupportedEncryptionTypes of ${name} set to 0x4`);
      expect((await show(name)).msDSSupportedEncryptionTypes?.value).toBe(0x4);
      const kvno = (await show(name)).msDSKeyVersionNumber;
      expect(parseKeytab(readFileSync(kt)).entries.map((e) => [e.enctype, e.kvno])).toEqual([
        [23, kvno],
      ]);
      const klist = proveKeytab(ad!, tmp.path, kt, principal, principal, kvno, {
        clientEnctypes: 'arcfour-hmac',
      });
      expect(klist).toMatch(
        /Etype \(skey, tkt\): (DEPRECATED:)?arcfour-hmac, (DEPRECATED:)?arcfour-hmac/,
      );
    });

    it('ktpass /mapuser with a password the policy refuses: the error in words, the hint in ktpass terms', async () => {
      const name = `short-${id}`;
      ok(await keytab(['ad', 'create', name]), 'ad create');
      const kvno = (await show(name)).msDSKeyVersionNumber;
      writeFileSync(path('short-pw'), 'Ab1!\n');
      const kt = path('short.keytab');
      const r = await ktpass([
        '/out',
        kt,
        '/princ',
        `HTTP/short-${id}.${domain()}@${realm()}`,
        '/mapuser',
        name,
        '/crypto',
        'AES256-SHA1',
        '/ptype',
        'KRB5_NT_PRINCIPAL',
        '--password-file',
        path('short-pw'),
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'ktpass: error: the password is too short for the domain policy (at least 7 characters)',
      );
      expect(r.stderr).toContain('ktpass: hint: use a longer password, or +rndpass\n');
      expect((await show(name)).msDSKeyVersionNumber).toBe(kvno);
      expect(existsSync(kt), 'no keytab is left behind for keys AD refused').toBe(false);
    });

    it('ktpass --dry-run with /mapuser changes nothing', async () => {
      const name = `dry-${id}`;
      ok(await keytab(['ad', 'create', name]), 'ad create');
      const before = await show(name);
      const r = ok(
        await ktpass([
          '/out',
          path('dry.keytab'),
          '/princ',
          `HTTP/dry-${id}.${domain()}@${realm()}`,
          '/mapuser',
          name,
          '/pass',
          '+rndpass',
          '/crypto',
          'AES256-SHA1',
          '/ptype',
          'KRB5_NT_PRINCIPAL',
          '--dry-run',
        ]),
        'dry run',
      );
      expect(r.stdout).toContain('Dry run: nothing is changed.');
      expect(r.stdout).toContain('reset the password to a random one');
      expect(await show(name)).toEqual(before);
    });

    it('rotate: new password, keys at the new kvno, the previous kvno kept, older pruned; kinit -k and kvno -k pass', async () => {
      const name = `rot-${id}`;
      const spn = `HTTP/rot-${id}.${domain()}`;
      const principal = `${spn}@${realm()}`;
      ok(
        await keytab([
          'ad',
          'create',
          name,
          '--spn',
          spn,
          '--upn',
          principal,
          '--enctypes',
          'aes256,aes128,rc4',
        ]),
        'create',
      );
      const kt = path('rot.keytab');
      ok(
        await keytab([
          'ad',
          'setpass',
          name,
          '--random',
          '-o',
          kt,
          '-p',
          principal,
          '-e',
          'aes256,aes128,rc4',
        ]),
        'setpass',
      );
      const k0 = (await show(name)).msDSKeyVersionNumber;

      const dry = ok(
        await keytab(['rotate', kt, '--account', name, '--dry-run']),
        'rotate --dry-run',
      );
      expect(dry.stdout).toContain(`kvno ${k0} -> ${k0 + 1}`);
      expect((await show(name)).msDSKeyVersionNumber).toBe(k0);

      ok(await keytab(['rotate', kt, '--account', name]), 'rotate 1');
      expect((await show(name)).msDSKeyVersionNumber).toBe(k0 + 1);
      expect(kvnos(kt)).toEqual([k0, k0 + 1]);
      proveKeytab(ad!, tmp.path, kt, principal, principal, k0 + 1);

      const r = ok(await keytab(['rotate', kt, '--account', name, '--json']), 'rotate 2');
      expect(JSON.parse(r.stdout).rotations[0]).toMatchObject({
        ok: true,
        kvno: { from: k0 + 1, to: k0 + 2 },
        removedKvnos: [k0],
      });
      expect(kvnos(kt)).toEqual([k0 + 1, k0 + 2]);
      proveKeytab(ad!, tmp.path, kt, principal, principal, k0 + 2);
    });

    it('rotate --from: carries on after a failure, a summary line per account, exit 1', async () => {
      const good = `rb-${id}`;
      const spn = `HTTP/rb-${id}.${domain()}`;
      ok(
        await keytab([
          'ad',
          'create',
          good,
          '--spn',
          spn,
          '--upn',
          `${spn}@${realm()}`,
          '--enctypes',
          'aes256',
        ]),
        'create',
      );
      ok(
        await keytab([
          'ad',
          'setpass',
          good,
          '--random',
          '-o',
          path('rb.keytab'),
          '-p',
          `${spn}@${realm()}`,
          '-e',
          'aes256',
        ]),
        'setpass',
      );
      writeFileSync(
        path('batch.csv'),
        `keytab,account\nrb.keytab,${good}\nrb.keytab,missing-${id}\n`,
      );
      const r = await keytab(['rotate', '--from', path('batch.csv')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`ok +${good} `));
      expect(r.stdout).toMatch(new RegExp(`FAILED +missing-${id} .*no account`));
      expect(r.stdout).toContain('1 rotated, 1 failed');
    });
  },
);
