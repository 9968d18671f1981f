import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { md4 } from '../../lib/crypto/primitives/md4.js';
import { toHex, utf16le } from '../../lib/bytes.js';
import { parseKeytab } from '../../lib/index.js';
import { KTPASS_DIALECT, ktpassMain } from '../../lib/cli/ktpass.js';
import { hintText } from '../../lib/cli/report.js';
import { KtError } from '../../lib/errors.js';
import { option, remedy } from '../../lib/remedy.js';
import { ktpassDeps } from '../../lib/cli/ktpass-directory.js';
import { externalCases } from '../helpers/fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';

const ktpass = (argv: string[], opts: Parameters<typeof runCli>[1] = {}) =>
  runCli(argv, { ...opts, program: 'ktpass', mainFn: (ctx, a) => ktpassMain(ctx, a) });
const split = (line: string): string[] => line.trim().split(/\s+/);

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

describe('ktpass offline (no /mapuser): keys only', () => {
  it('the vendor-guide command line works unchanged (minus /mapuser)', async () => {
    const out = t.path('tomcat.keytab');
    const r = await ktpass(
      split(
        `/out ${out} /ptype KRB5_NT_PRINCIPAL /princ HTTP/MyComputer.MySSODomain.com@MYSSODOMAIN.COM /pass consol.123 /crypto rc4-hmac-nt`,
      ),
    );
    expect(r.code).toBe(0);
    const kt = parseKeytab(readFileSync(out));
    expect(kt.entries).toHaveLength(1);
    const e = kt.entries[0]!;
    expect(e.principal).toEqual({
      components: ['HTTP', 'MyComputer.MySSODomain.com'],
      realm: 'MYSSODOMAIN.COM',
      nameType: 1,
    });
    expect(e.kvno).toBe(1);
    expect(e.enctype).toBe(23);
    expect(toHex(e.key)).toBe(toHex(md4(utf16le('consol.123'))));
    expect(r.stdout).toContain('Key created.');
    expect(r.stdout).toContain(`Output keytab to ${out}:`);
    expect(r.stdout).toContain('Keytab version: 0x502');
    expect(r.stdout).toMatch(
      /keysize \d+ HTTP\/MyComputer\.MySSODomain\.com@MYSSODOMAIN\.COM ptype 1 \(KRB5_NT_PRINCIPAL\) vno 1 etype 0x17 \(RC4-HMAC\) keylength 16 \(key hidden/,
    );
    expect(r.stdout).not.toContain(toHex(e.key));
    expect(r.stderr).toContain('visible to other users');
  });
  it('--show-keys prints the key as ktpass does', async () => {
    const r = await ktpass(
      split(
        `/out ${t.path('k.keytab')} /ptype KRB5_NT_PRINCIPAL /princ HTTP/a@R /pass consol.123 /crypto RC4-HMAC-NT --show-keys`,
      ),
    );
    expect(r.stdout).toContain(`keylength 16 (0x${toHex(md4(utf16le('consol.123')))})`);
  });
  it('without /crypto: RC4 only, with a warning that recommends AES; without /ptype: name type 0 with a warning', async () => {
    const out = t.path('d.keytab');
    const r = await ktpass(['/out', out, '/princ', 'HTTP/a@R', '--password-env', 'PW'], {
      env: { PW: 'x' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no \/crypto given.*AES256-SHA1/);
    expect(r.stderr).toMatch(/no \/ptype given.*name type 0/);
    const e = parseKeytab(readFileSync(out)).entries;
    expect(e.map((x) => [x.enctype, x.principal.nameType])).toEqual([[23, 0]]);
  });
  it('/crypto All: RC4 and both AES (DES left out with the reason), salted from /princ, /kvno honoured', async () => {
    const out = t.path('all.keytab');
    writeFileSync(t.path('pw'), 'password\n');
    const r = await ktpass(
      split(
        `/out ${out} /princ user@EXAMPLE.COM /crypto All /ptype KRB5_NT_PRINCIPAL /kvno 5 --password-file ${t.path('pw')}`,
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/DES-CBC-CRC and DES-CBC-MD5 left out.*RFC 6649/);
    const e = parseKeytab(readFileSync(out)).entries;
    expect(e.map((x) => x.enctype)).toEqual([23, 18, 17]);
    expect(e.every((x) => x.kvno === 5)).toBe(true);
    // Same key as MIT for user@EXAMPLE.COM / "password" (golden file mit-enctypes-all).
    expect(toHex(e[1]!.key)).toBe(
      '511ccb9e22d7d454919b07228c4cee55c6f8137d6c221534ed446aa2d7a4e864',
    );
    const weak = await ktpass(
      split(
        `/out ${t.path('w.keytab')} /princ user@EXAMPLE.COM /crypto All /ptype KRB5_NT_PRINCIPAL --password-file ${t.path('pw')} --allow-weak`,
      ),
    );
    expect(parseKeytab(readFileSync(t.path('w.keytab'))).entries.map((x) => x.enctype)).toEqual([
      1, 3, 23, 18, 17,
    ]);
    expect(weak.code).toBe(0);
  });
  it('+dumpsalt prints the salt as ktpass does', async () => {
    const r = await ktpass(
      split(
        `/out ${t.path('s.keytab')} /princ HTTP/web.example.com@EXAMPLE.COM /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass x +dumpsalt`,
      ),
    );
    expect(r.stdout).toContain(
      'Building salt with principalname HTTP/web.example.com and domain EXAMPLE.COM (encryption type 18)...',
    );
    expect(r.stdout).toContain('Hashing password with salt "EXAMPLE.COMHTTPweb.example.com".');
  });
  it('/rawsalt sets the salt', async () => {
    const out = t.path('r.keytab');
    await ktpass(
      split(
        `/out ${out} /princ HTTP/web.example.com@EXAMPLE.COM /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass Serv1ce-Pa55 /rawsalt EXAMPLE.COMsvc-web /kvno 5`,
      ),
    );
    // mit-explicit-salt: ktutil addent -s EXAMPLE.COMsvc-web
    expect(toHex(parseKeytab(readFileSync(out)).entries[0]!.key)).toBe(
      '1389a4cf7fdb9e8c0128777bcf777a4794aa2a46ad06b9c376ac223d3292ce0f',
    );
  });
  it('--dry-run prints the plan and writes nothing', async () => {
    const out = t.path('n.keytab');
    const r = await ktpass(
      split(
        `/out ${out} /princ HTTP/a@R /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass * --dry-run`,
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing is changed.');
    expect(r.stdout).toContain('Offline: no directory change');
    expect(r.stdout).toContain('salt: "RHTTPa"');
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
  });
  it('/pass * asks without echo, and refuses without a terminal', async () => {
    const out = t.path('p.keytab');
    const ok = await ktpass(
      split(`/out ${out} /princ HTTP/a@R /crypto RC4-HMAC-NT /ptype KRB5_NT_PRINCIPAL /pass *`),
      { stdinIsTTY: true, prompt: async () => 'consol.123' },
    );
    expect(ok.code).toBe(0);
    expect(toHex(parseKeytab(readFileSync(out)).entries[0]!.key)).toBe(
      toHex(md4(utf16le('consol.123'))),
    );
    const no = await ktpass(split(`/out ${out} /princ HTTP/a@R /pass *`));
    expect(no.code).toBe(2);
    expect(no.stderr).toContain('needs a terminal');
  });
  it('/pass * unquoted in a shell with one file in the folder: refused, the file name is not used as the password', async () => {
    writeFileSync(t.path('notes.txt'), 'x');
    const out = t.path('star.keytab');
    const r = await ktpass(
      split(
        `/out ${out} /princ HTTP/a@R /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass notes.txt`,
      ),
      { cwd: t.path('.') },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "ktpass: /pass's value is the name of a file in this folder: the shell expanded an unquoted * into the names of the files in this folder; nothing was changed\nktpass: hint: quote it so that ktpass asks for the password: /pass '*' (or give it with --password-file FILE)\n",
    );
    const { existsSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
  });
  it('bad command lines: one line, exit 2', async () => {
    const r = await ktpass(split('/out x.keytab /prinz HTTP/a@R'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ktpass: unknown option \/prinz\nktpass: hint: did you mean \/princ/);
    expect((await ktpass(['/out', 'x.keytab', '/pass', 'x'])).stderr).toContain(
      'give the principal with /princ',
    );
  });
  it('/? prints the help', async () => {
    const r = await ktpass(['/?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/mapuser <account>');
    expect(r.stdout).toContain('--dry-run');
  });
});

describe("ktpass /in F /out G: new keys appended to F's entries", () => {
  for (const name of [
    'external/kerberos.net/sample.keytab',
    'external/apache-kerby/kerb-core-server.keytab',
  ]) {
    it(`reads the ktpass-written ${name}`, async () => {
      const src = externalCases().find((c) => c.name === name)!;
      const out = t.path('g.keytab');
      const r = await ktpass(
        split(
          `/in ${src.path} /out ${out} /princ HTTP/alias.example.com@EXAMPLE.COM /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass x /kvno 3`,
        ),
      );
      expect(r.code).toBe(0);
      const before = parseKeytab(src.bytes).entries;
      const after = parseKeytab(readFileSync(out)).entries;
      expect(after).toHaveLength(before.length + 1);
      expect(after.slice(0, before.length).map((e) => toHex(e.key))).toEqual(
        before.map((e) => toHex(e.key)),
      );
      expect(after.at(-1)!.principal.components).toEqual(['HTTP', 'alias.example.com']);
    });
  }
  it('F may equal G', async () => {
    const k = t.path('same.keytab');
    await ktpass(
      split(`/out ${k} /princ HTTP/a@R /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass x`),
    );
    const r = await ktpass(
      split(
        `/in ${k} /out ${k} /princ HTTP/b@R /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL /pass x`,
      ),
    );
    expect(r.code).toBe(0);
    expect(parseKeytab(readFileSync(k)).entries.map((e) => e.principal.components[1])).toEqual([
      'a',
      'b',
    ]);
  });
});

describe('ktpass hints', () => {
  // The shared remedies (lib/ad/errors.ts) name the random-password option; ktpass spells it +rndpass.
  const ktpassHint = (hint: string | ReturnType<typeof remedy>): string | undefined =>
    hintText(
      new KtError(
        'AD_PASSWORD_POLICY',
        undefined,
        typeof hint === 'string' ? { hint } : { remedy: hint },
      ),
      KTPASS_DIALECT,
    );
  it("names ktpass's +rndpass where the shared hints name --random", () => {
    expect(
      ktpassHint(remedy`use a longer password, or ${option('random', undefined, '32 characters')}`),
    ).toBe('use a longer password, or +rndpass');
    expect(
      ktpassHint(remedy`add characters of the missing kinds, or use ${option('random')}`),
    ).toBe('add characters of the missing kinds, or use +rndpass');
    expect(ktpassHint('use --password-file FILE')).toBe('use --password-file FILE');
  });
});

describe('ktpass /target: the bind follows keytab ad (issue 12)', () => {
  const withDir = (argv: string[], opts: Parameters<typeof runCli>[1] = {}) =>
    runCli(argv, {
      ...opts,
      program: 'ktpass',
      mainFn: (ctx, a) => ktpassMain(ctx, a, ktpassDeps),
    });
  const line = (target: string) =>
    split(
      `/out ${t.path('t.keytab')} /princ HTTP/web.example.test@EXAMPLE.TEST /mapuser svc-web /ptype KRB5_NT_PRINCIPAL /crypto AES256-SHA1 +rndpass /target ${target}`,
    );
  it('a bare host binds with Kerberos on ldap:// (the admin ticket, as Windows ktpass uses the logon)', async () => {
    const r = await withDir(line('dc1.example.test:1'), {
      env: { KRB5CCNAME: 'FILE:/nonexistent/krb5cc', KRB5_CONFIG: '/nonexistent/krb5.conf' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ktpass: error: no credentials cache FILE:/nonexistent/krb5cc');
  });
  it('with a bind DN configured, a bare host is ldaps:// and a simple bind, as before', async () => {
    const r = await withDir(line('127.0.0.1:1'), {
      env: { KEYTAB_BIND_DN: 'admin@example.test', KEYTAB_BIND_PASSWORD: 'x' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ldaps://127.0.0.1:1');
  });
});
