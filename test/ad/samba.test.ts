/**
 * keytab ad against the real Samba AD DC (test/servers/samba-dc.sh): every subcommand, keytabs
 * proved with MIT kinit -k (client side) and kvno -k (service side), and the errors in words.
 * Runs on Samba's default password policy (admin resets are not subject to history or minimum
 * age, so nothing here needs it relaxed). Account names get a random suffix: reruns against a
 * running DC do not collide.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv } from '../helpers/samba.js';
import { interopEnabled, runTool, sambaDc, tempDir } from '../interop/env.js';

const ad = sambaDc();
/** Tests of the simple bind itself (TLS, clear text, a wrong password): once, not again in the Kerberos passes. */
const simpleOnly = (process.env['KTP_AD_AUTH'] ?? 'simple') === 'simple' ? it : it.skip;

describe.runIf(interopEnabled() && ad !== undefined)('keytab ad against the Samba AD DC', () => {
  const id = randomBytes(3).toString('hex');
  const realm = (): string => ad!.realm;
  const domain = (): string => realm().toLowerCase();
  let tmp: ReturnType<typeof tempDir>;
  let ccache = 0;

  beforeAll(() => {
    tmp = tempDir('ktp-ad-');
  });
  afterAll(() => tmp.cleanup());

  /** The binding of this run (test/helpers/samba.ts adEnv: simple, or Kerberos per KTP_AD_AUTH). */
  const env = (over: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    adEnv(ad!, over);
  /** A simple bind over LDAPS, whatever the run binds with. */
  const simpleEnv = (
    over: Record<string, string | undefined> = {},
  ): Record<string, string | undefined> => ({
    KEYTAB_LDAP_URL: ad!.url,
    KEYTAB_BIND_DN: ad!.bindDn,
    KEYTAB_BIND_PASSWORD_FILE: ad!.bindPasswordFile,
    KEYTAB_BASE_DN: ad!.baseDn,
    KEYTAB_CA_FILE: ad!.caFile,
    ...over,
  });
  const keytab = (
    args: string[],
    over: Record<string, string | undefined> = {},
    input?: string,
  ): Promise<RunResult> =>
    runCli(args, {
      env: env(over),
      ...(input !== undefined ? { stdin: input } : {}),
      cwd: tmp.path,
    });
  const simple = (
    args: string[],
    over: Record<string, string | undefined> = {},
  ): Promise<RunResult> => runCli(args, { env: simpleEnv(over), cwd: tmp.path });
  const ok = async (
    args: string[],
    over: Record<string, string | undefined> = {},
  ): Promise<RunResult> => {
    const r = await keytab(args, over);
    expect(r.stderr.replace(/^keytab: warning: .*\n/gm, ''), `keytab ${args.join(' ')}`).toBe('');
    expect(r.code, `keytab ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const json = async <T = Record<string, unknown>>(args: string[]): Promise<T> =>
    JSON.parse((await ok([...args, '--json'])).stdout) as T;
  const path = (name: string): string => `${tmp.path}/${name}`;
  /** MIT tools with the DC's krb5.conf and a fresh private credential cache. */
  const mit = (cmd: string, args: string[], cache: string, config = ad!.krb5Config) =>
    runTool(cmd, args, { env: { KRB5_CONFIG: config, KRB5CCNAME: cache } });
  /** kinit -k with the keytab, then kvno -k (the service side decrypts its ticket); returns klist -e. */
  const proveKeytab = (
    kt: string,
    client: string,
    service: string,
    kvno: number,
    config = ad!.krb5Config,
  ): string => {
    const cache = `FILE:${tmp.path}/cc${++ccache}`;
    const kinit = mit('kinit', ['-k', '-t', kt, client], cache, config);
    expect(kinit.stderr + kinit.stdout, `kinit -k -t ${kt} ${client}`).toBe('');
    expect(kinit.status).toBe(0);
    const check = mit('kvno', ['-k', kt, service], cache, config);
    expect(check.stderr, `kvno -k ${kt} ${service}`).toBe('');
    expect(check.stdout).toContain(`${service}: kvno = ${kvno}, keytab entry valid`);
    return mit('klist', ['-e'], cache, config).stdout;
  };
  const kvnosIn = (kt: string): number[] =>
    [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort();

  it('creates a user with SPN, UPN and AES enctypes, and shows it decoded', async () => {
    const name = `svc-${id}`;
    const spn = `HTTP/web-${id}.${domain()}`;
    const upn = `${spn}@${realm()}`;
    await ok(['ad', 'create', name, '--spn', spn, '--upn', upn, '--enctypes', 'aes256,aes128']);
    const shown = await json<Record<string, any>>(['ad', 'show', name]);
    expect(shown).toMatchObject({
      dn: `CN=${name},CN=Users,${ad!.baseDn}`,
      objectClass: 'user',
      sAMAccountName: name,
      userPrincipalName: upn,
      servicePrincipalName: [spn],
      msDSKeyVersionNumber: 1,
      msDSSupportedEncryptionTypes: {
        value: 0x18,
        names: ['aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha1-96'],
      },
      userAccountControl: { value: 0x202, flags: ['ACCOUNTDISABLE', 'NORMAL_ACCOUNT'] },
      pwdLastSet: null,
      realm: realm(),
      salt: { text: `${realm()}HTTPweb-${id}.${domain()}`, rule: 'ad-upn' },
    });
    const text = (await ok(['ad', 'show', upn])).stdout;
    expect(text).toContain(`sAMAccountName:        ${name}`);
    expect(text).toContain('userAccountControl:    0x202 disabled, normal account');
    expect(text).toContain(
      'Encryption types:      0x18 aes128-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96',
    );
    expect(text).toMatch(/caveat: AD fixed the salt/);
    // by DN too, and by the implicit UPN (sAMAccountName@domain)
    expect(
      (await json<{ sAMAccountName: string }>(['ad', 'show', `CN=${name},CN=Users,${ad!.baseDn}`]))
        .sAMAccountName,
    ).toBe(name);
    expect(
      (await json<{ sAMAccountName: string }>(['ad', 'show', `${name}@${domain()}`]))
        .sAMAccountName,
    ).toBe(name);
  });

  it('setpass --random -o: AES keys at the new kvno that kinit -k and kvno -k accept; the account is enabled', async () => {
    const name = `svc-${id}`;
    const principal = `HTTP/web-${id}.${domain()}@${realm()}`;
    const kt = path('aes.keytab');
    const r = await ok(['ad', 'setpass', name, '--random', '-o', kt, '-p', principal]);
    expect(r.stdout).toContain(
      `password of ${name} set and the account enabled; msDS-KeyVersionNumber is now 2`,
    );
    expect(r.stdout).not.toMatch(/^password:/m);
    expect(kvnosIn(kt)).toEqual([2]);
    const klist = proveKeytab(kt, principal, principal, 2);
    expect(klist).toContain('Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96');
    expect(
      (await json<{ userAccountControl: { value: number } }>(['ad', 'show', name]))
        .userAccountControl.value,
    ).toBe(0x200);

    // Again, into the same keytab: kvno 3 is added, kvno 2 kept; the service check passes at 3.
    const again = await ok([
      'ad',
      'setpass',
      name,
      '--random',
      '--show-password',
      '-o',
      kt,
      '-p',
      principal,
    ]);
    const shown = /^password: (.+)$/m.exec(again.stdout)?.[1] ?? '';
    expect(shown).toHaveLength(32);
    expect(kvnosIn(kt)).toEqual([2, 3]);
    proveKeytab(kt, principal, principal, 3);
    // The printed password is the account's: kinit with it works.
    const cache = `FILE:${tmp.path}/cc-pw`;
    const kinit = runTool('kinit', [principal], {
      env: { KRB5_CONFIG: ad!.krb5Config, KRB5CCNAME: cache },
      input: `${shown}\n`,
    });
    expect(kinit.status, kinit.stderr).toBe(0);
  });

  it('setpass from the terminal asks twice; from a file; a mismatch changes nothing', async () => {
    const name = `tty-${id}`;
    await ok(['ad', 'create', name]);
    const before = (await json<{ msDSKeyVersionNumber: number }>(['ad', 'show', name]))
      .msDSKeyVersionNumber;
    const answers = ['Typed-Pass-1!', 'Typed-Pass-2!'];
    const mismatch = await runCli(['ad', 'setpass', name], {
      env: env(),
      stdinIsTTY: true,
      prompt: async () => answers.shift() ?? '',
    });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(
      /^keytab: error: the two passwords typed differ; nothing was changed\nkeytab: hint: /,
    );
    const asked: string[] = [];
    const typed = await runCli(['ad', 'setpass', name], {
      env: env(),
      stdinIsTTY: true,
      prompt: async (q) => (asked.push(q), 'Typed-Pass-1!'),
    });
    expect(typed.code, typed.stderr).toBe(0);
    expect(asked).toEqual([`New password for ${name}: `, 'Type the password again: ']);
    writeFileSync(path('new.pass'), 'File-Pass-1!\n');
    await ok(['ad', 'setpass', name, '--password-file', path('new.pass')]);
    expect(
      (await json<{ msDSKeyVersionNumber: number }>(['ad', 'show', name])).msDSKeyVersionNumber,
    ).toBe(before + 2);
  });

  it('setpass with an RC4 account: rc4-hmac keys pass kinit and kvno -k, tickets are RC4', async () => {
    const name = `rc4-${id}`;
    const principal = `HTTP/rc4-${id}.${domain()}@${realm()}`;
    await ok([
      'ad',
      'create',
      name,
      '--spn',
      `HTTP/rc4-${id}.${domain()}`,
      '--upn',
      principal,
      '--enctypes',
      'rc4',
    ]);
    const kt = path('rc4.keytab');
    const r = await keytab([
      'ad',
      'setpass',
      name,
      '--random',
      '-o',
      kt,
      '-p',
      principal,
      '-e',
      'rc4',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*RFC 8429/);
    // Samba keeps AES keys for every account and answers an AES-capable client with AES
    // pre-authentication, so the RC4 client is one that asks for RC4 only (a profile laid over
    // the DC's krb5.conf: MIT reads KRB5_CONFIG as a list, the first file winning).
    writeFileSync(
      path('rc4.conf'),
      '[libdefaults]\n  default_tkt_enctypes = arcfour-hmac\n  default_tgs_enctypes = arcfour-hmac\n',
    );
    const klist = proveKeytab(kt, principal, principal, 2, `${path('rc4.conf')}:${ad!.krb5Config}`);
    expect(klist).toMatch(
      /Etype \(skey, tkt\): (DEPRECATED:)?arcfour-hmac, (DEPRECATED:)?arcfour-hmac/,
    );
  });

  it('a duplicate SPN is refused naming the owner: any case, and through the host/ alias', async () => {
    const other = `dup-${id}`;
    await ok(['ad', 'create', other]);
    const spn = `HTTP/web-${id}.${domain()}`;
    const r = await keytab(['ad', 'spn', 'add', other, spn.toUpperCase().replace('HTTP', 'http')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `keytab: error: SPN http/WEB-${id.toUpperCase()}.${domain().toUpperCase()} is already registered on svc-${id} (CN=svc-${id},CN=Users,${ad!.baseDn})`,
    );
    expect(r.stderr).toContain(
      `keytab: hint: an SPN may belong to one account only: remove it there first (keytab ad spn remove svc-${id} ${spn})`,
    );
    const alias = await keytab(['ad', 'spn', 'add', other, `host/web-${id}.${domain()}`]);
    expect(alias.code).toBe(1);
    expect(alias.stderr).toContain(
      `is already registered on svc-${id} (CN=svc-${id},CN=Users,${ad!.baseDn}) as ${spn}, since host/ covers HTTP/`,
    );
    // Nothing was written.
    expect(
      (await json<{ servicePrincipalName: string[] }>(['ad', 'spn', 'list', other]))
        .servicePrincipalName,
    ).toEqual([]);
    // find: case-insensitive, and the owner through the alias.
    expect((await ok(['ad', 'spn', 'find', spn.toLowerCase()])).stdout).toBe(
      `${spn} is registered on svc-${id} (CN=svc-${id},CN=Users,${ad!.baseDn})\n`,
    );
    const viaHost = await json<{ owners: { sAMAccountName: string; via: string | null }[] }>([
      'ad',
      'spn',
      'find',
      `host/web-${id}.${domain()}`,
    ]);
    expect(viaHost.owners).toEqual([
      expect.objectContaining({ sAMAccountName: `svc-${id}`, via: 'host/ covers HTTP/' }),
    ]);
    const none = await keytab(['ad', 'spn', 'find', `HTTP/nobody-${id}.${domain()}`]);
    expect([none.code, none.stdout]).toEqual([
      1,
      `no account holds HTTP/nobody-${id}.${domain()} (searched ${ad!.baseDn})\n`,
    ]);
  });

  it('spn add, list, remove (with --dry-run), and duplicates', async () => {
    const name = `dup-${id}`;
    const spns = [`HTTP/extra-${id}.${domain()}`, `HTTP/extra-${id}`];
    const dry = await ok(['ad', 'spn', 'add', name, ...spns, '--dry-run']);
    expect(dry.stdout).toContain(
      `dry run: nothing was changed; the LDAP changes would be:\n  modify CN=${name},CN=Users,${ad!.baseDn}\n    add servicePrincipalName: ${spns[0]}`,
    );
    expect(
      (await json<{ servicePrincipalName: string[] }>(['ad', 'spn', 'list', name]))
        .servicePrincipalName,
    ).toEqual([]);
    expect((await ok(['ad', 'spn', 'add', name, ...spns])).stdout).toBe(
      spns.map((s) => `added ${s} to ${name}\n`).join(''),
    );
    expect((await ok(['ad', 'spn', 'add', name, spns[0]!.toUpperCase()])).stdout).toBe(
      `${spns[0]!.toUpperCase()} is already on ${name}\n`,
    );
    expect((await ok(['ad', 'spn', 'list', name])).stdout).toBe(
      `Registered ServicePrincipalNames for CN=${name},CN=Users,${ad!.baseDn}:\n${spns.map((s) => `        ${s}\n`).join('')}`,
    );
    expect((await ok(['ad', 'spn', 'remove', name, spns[1]!.toLowerCase()])).stdout).toBe(
      `removed ${spns[1]} from ${name}\n`,
    );
    expect(
      (await json<{ servicePrincipalName: string[] }>(['ad', 'spn', 'list', name]))
        .servicePrincipalName,
    ).toEqual([spns[0]]);
    // Samba never lets two accounts hold one SPN: CN=Users of a fresh domain has no exact duplicates.
    // (Not the whole domain: audit-samba.test.ts, running alongside, writes one past samldb under OU=audit-*.)
    const users = `CN=Users,${ad!.baseDn}`;
    const dups = await ok(['ad', 'spn', 'duplicates', '--base-dn', users]);
    expect(dups.stdout).toBe(`Checking domain ${users}\nfound 0 groups of duplicate SPNs.\n`);
  });

  it('mapuser: SPN then UPN, as ktpass /mapuser; the keys then use the UPN salt', async () => {
    const name = `map-${id}`;
    const principal = `HTTP/map-${id}.${domain()}@${realm()}`;
    await ok(['ad', 'create', name, '--enctypes', 'aes256,aes128']);
    const dry = await ok(['ad', 'mapuser', name, '-p', principal, '--dry-run']);
    expect(dry.stdout).toContain(
      `  modify CN=${name},CN=Users,${ad!.baseDn}\n    add servicePrincipalName: HTTP/map-${id}.${domain()}\n    replace userPrincipalName: ${principal}\n`,
    );
    expect(
      (await json<{ userPrincipalName: string | null }>(['ad', 'show', name])).userPrincipalName,
    ).toBeNull();
    const r = await ok(['ad', 'mapuser', name, '-p', principal]);
    expect(r.stdout).toContain(`Successfully mapped HTTP/map-${id}.${domain()} to ${name}.`);
    expect(r.stdout).toContain(`salt "${realm()}HTTPmap-${id}.${domain()}"`);
    const shown = await json<{ servicePrincipalName: string[]; userPrincipalName: string }>([
      'ad',
      'show',
      name,
    ]);
    expect([shown.servicePrincipalName, shown.userPrincipalName]).toEqual([
      [`HTTP/map-${id}.${domain()}`],
      principal,
    ]);
    // setpass -o with the default principals (the account name and each SPN).
    const kt = path('map.keytab');
    await ok(['ad', 'setpass', name, '--random', '-o', kt]);
    expect(
      parseKeytab(readFileSync(kt)).entries.map(
        (e) => `${e.principal.components.join('/')} ${e.kvno} ${e.enctype}`,
      ),
    ).toEqual([
      `${name} 2 18`,
      `${name} 2 17`,
      `HTTP/map-${id}.${domain()} 2 18`,
      `HTTP/map-${id}.${domain()} 2 17`,
    ]);
    proveKeytab(kt, principal, principal, 2);
    // --mapop set replaces every SPN; --no-upn leaves the UPN alone.
    const second = `HTTP/map2-${id}.${domain()}@${realm()}`;
    await ok(['ad', 'mapuser', name, '-p', second, '--mapop', 'set', '--no-upn']);
    const after = await json<{ servicePrincipalName: string[]; userPrincipalName: string }>([
      'ad',
      'show',
      name,
    ]);
    expect([after.servicePrincipalName, after.userPrincipalName]).toEqual([
      [`HTTP/map2-${id}.${domain()}`],
      principal,
    ]);
  });

  it('a computer account: created with a password, keys by the computer salt', async () => {
    const name = `c${id}`;
    const host = `host/${name}.${domain()}`;
    const created = await json<{
      account: {
        sAMAccountName: string;
        objectClass: string;
        userAccountControl: { value: number };
        salt: { text: string };
      };
    }>([
      'ad',
      'create',
      name,
      '--computer',
      '--spn',
      host,
      '--enctypes',
      'aes256,aes128',
      '--random-password',
    ]);
    expect(created.account).toMatchObject({
      sAMAccountName: `${name}$`,
      objectClass: 'computer',
      userAccountControl: { value: 0x1000 },
      salt: { text: `${realm()}host${name}.${domain()}` },
    });
    const kt = path('computer.keytab');
    await ok(['ad', 'setpass', `${name}$`, '--random', '-o', kt]);
    proveKeytab(kt, `${name}$@${realm()}`, `${host}@${realm()}`, 3);
  });

  it('enctypes: the attribute is set, decoded, and removed with "default"', async () => {
    const name = `dup-${id}`;
    const r = await ok(['ad', 'enctypes', name, 'aes256,aes128,aes-sk']);
    expect(r.stdout).toContain(
      `msDS-SupportedEncryptionTypes of ${name}: (not set) -> 0x38 (aes128-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96, AES session keys)`,
    );
    expect(
      (await json<{ msDSSupportedEncryptionTypes: { value: number } }>(['ad', 'show', name]))
        .msDSSupportedEncryptionTypes.value,
    ).toBe(0x38);
    await ok(['ad', 'enctypes', name, 'default']);
    expect(
      (await json<{ msDSSupportedEncryptionTypes: unknown }>(['ad', 'show', name]))
        .msDSSupportedEncryptionTypes,
    ).toBeNull();
    const weak = await keytab(['ad', 'enctypes', name, 'des-cbc-md5']);
    expect([weak.code, weak.stderr]).toEqual([1, expect.stringContaining('des-cbc-md5 is weak')]);
  });

  it('flags: a round trip of every flag, "-name" included', async () => {
    const name = `dup-${id}`;
    const before = (await json<{ userAccountControl: { value: number } }>(['ad', 'show', name]))
      .userAccountControl.value;
    const dry = await ok([
      'ad',
      'flags',
      name,
      '+delegation',
      '+dont-expire',
      '+no-preauth',
      '+des-only',
      '-disabled',
      '--dry-run',
    ]);
    expect(dry.stdout).toContain('would become');
    expect(
      (await json<{ userAccountControl: { value: number } }>(['ad', 'show', name]))
        .userAccountControl.value,
    ).toBe(before);
    await ok(['ad', 'flags', name, '+delegation', '+dont-expire', '+no-preauth', '+des-only']);
    const on = await json<{ userAccountControl: { value: number; flags: string[] } }>([
      'ad',
      'show',
      name,
    ]);
    expect(on.userAccountControl.flags).toEqual(
      expect.arrayContaining([
        'DONT_EXPIRE_PASSWD',
        'TRUSTED_FOR_DELEGATION',
        'USE_DES_KEY_ONLY',
        'DONT_REQUIRE_PREAUTH',
      ]),
    );
    const off = await ok([
      'ad',
      'flags',
      name,
      '-delegation',
      '-dont-expire',
      '-no-preauth',
      '-des-only',
    ]);
    expect(off.stdout).toContain(`-> 0x${before.toString(16)} (`);
    expect(
      (await json<{ userAccountControl: { value: number } }>(['ad', 'show', name]))
        .userAccountControl.value,
    ).toBe(before);
  });

  it('the default password policy: a short password is refused in words, nothing changes', async () => {
    const name = `svc-${id}`;
    const kvno = (await json<{ msDSKeyVersionNumber: number }>(['ad', 'show', name]))
      .msDSKeyVersionNumber;
    const r = await keytab(['ad', 'setpass', name, '--password-env', 'NEWPW'], { NEWPW: 'Ab1!' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'keytab: error: the password is too short for the domain policy (at least 7 characters)',
    );
    expect(r.stderr).toContain('keytab: hint: use a longer password, or --random');
    expect(
      (await json<{ msDSKeyVersionNumber: number }>(['ad', 'show', name])).msDSKeyVersionNumber,
    ).toBe(kvno);
    // create: the account is made, and the error says it is disabled without a password.
    const c = await keytab(['ad', 'create', `pol-${id}`, '--password-env', 'NEWPW'], {
      NEWPW: 'Ab1!',
    });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(
      `the account CN=pol-${id},CN=Users,${ad!.baseDn} was created, disabled and without a password`,
    );
    expect(c.stderr).toContain(`set one with "keytab ad setpass pol-${id}"`);
  });

  simpleOnly(
    'plain ldap:// with --auth simple: a password write is refused before connecting; a bind is refused by the DC in words; StartTLS works',
    async () => {
      const plain = ad!.url.replace(/^ldaps:\/\/([^:/]+)(:\d+)?/, 'ldap://$1:389');
      const w = await simple([
        'ad',
        'setpass',
        `svc-${id}`,
        '--random',
        '--ldap-url',
        plain,
        '--auth',
        'simple',
      ]);
      expect(w.code).toBe(1);
      expect(w.stderr).toContain(
        `keytab: error: refusing to send a password to ${plain} over an unencrypted connection (nothing was sent)`,
      );
      expect(w.stderr).toContain(
        'keytab: hint: bind with Kerberos (kinit admin@REALM, then ldap://HOST without --auth simple), or use ldaps://HOST (port 636) or --starttls',
      );
      const b = await simple(['ad', 'show', `svc-${id}`, '--ldap-url', plain, '--auth', 'simple']);
      expect(b.code).toBe(1);
      expect(b.stderr).toMatch(/warning: .* without --starttls is not encrypted/);
      expect(b.stderr).toContain(
        `keytab: error: ${plain} requires an encrypted connection ("BindSimple: Transport encryption required.")`,
      );
      const s = await simple([
        'ad',
        'show',
        `svc-${id}`,
        '--ldap-url',
        plain,
        '--starttls',
        '--json',
      ]);
      expect([s.code, s.stderr]).toEqual([0, '']);
      expect(JSON.parse(s.stdout).sAMAccountName).toBe(`svc-${id}`);
      // A password set over StartTLS goes through.
      expect(
        (
          await simple([
            'ad',
            'setpass',
            `dup-${id}`,
            '--random',
            '--ldap-url',
            plain,
            '--starttls',
          ])
        ).code,
      ).toBe(0);
    },
  );

  simpleOnly(
    'TLS: without the CA file the certificate is not trusted; a wrong host name is named; --insecure-tls warns',
    async () => {
      const r = await simple(['ad', 'show', 'Administrator'], { KEYTAB_CA_FILE: undefined });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^keytab: error: TLS to ldaps:\/\/127\.0\.0\.1:636 failed: the server's certificate is not trusted/m,
      );
      expect(r.stderr).toContain(
        "keytab: hint: give the CA certificate that signed the DC's certificate (PEM) with --ca-file FILE or KEYTAB_CA_FILE",
      );
      const name = await simple(['ad', 'show', 'Administrator'], {
        KEYTAB_LDAP_URL: 'ldaps://localhost:636',
      });
      expect(name.code).toBe(1);
      expect(name.stderr).toContain('failed: the certificate is not for this host name');
      const insecure = await simple(['ad', 'show', 'Administrator', '--insecure-tls'], {
        KEYTAB_CA_FILE: undefined,
      });
      expect(insecure.code).toBe(0);
      expect(insecure.stderr).toMatch(/warning: TLS certificate verification is OFF/);
    },
  );

  it('bind failure, unknown account, filter injection, and an account without rights: each in words', async () => {
    writeFileSync(path('wrong.pass'), 'not-the-password\n');
    const bind = await simple(['ad', 'show', 'Administrator'], {
      KEYTAB_BIND_PASSWORD_FILE: path('wrong.pass'),
    });
    expect(bind.code).toBe(1);
    expect(bind.stderr).toContain(
      `keytab: error: bind as ${ad!.bindDn} to ${ad!.url} failed: wrong password, or no such user (AD data 52e)`,
    );
    const unknown = await keytab(['ad', 'show', `nobody-${id}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `keytab: error: no account with sAMAccountName (with or without $) nobody-${id} under ${ad!.baseDn}`,
    );
    // "*" is a value, not a wildcard.
    expect((await keytab(['ad', 'show', '*'])).stderr).toContain(
      'no account with sAMAccountName (with or without $) *',
    );
    // An ordinary user may bind and read but not change another account.
    const user = `np-${id}`;
    await ok(['ad', 'create', user, '--password-env', 'PW'], { PW: `Np-${id}-Pass!word1` });
    // Kerberos runs: the user's password gets the TGT (an admin keytab would win over it).
    const asUser = {
      KEYTAB_BIND_DN: `${user}@${domain()}`,
      KEYTAB_BIND_PASSWORD_FILE: undefined,
      KEYTAB_BIND_PASSWORD: `Np-${id}-Pass!word1`,
      KEYTAB_ADMIN_KEYTAB: undefined,
      KEYTAB_ADMIN_PRINCIPAL: undefined,
    };
    expect((await keytab(['ad', 'show', `dup-${id}`, '--json'], asUser)).code).toBe(0);
    const denied = await keytab(
      ['ad', 'spn', 'add', `dup-${id}`, `HTTP/denied-${id}.${domain()}`],
      asUser,
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      new RegExp(
        `keytab: error: ${user}@${domain()} may not change attributes on CN=dup-${id},CN=Users,${ad!.baseDn} \\(insufficient access rights`,
        'i',
      ),
    );
    expect(denied.stderr).toContain(
      'keytab: hint: bind as an account with the rights, or delegate them',
    );
    const reset = await keytab(['ad', 'setpass', `dup-${id}`, '--random'], asUser);
    expect([reset.code, reset.stderr]).toEqual([
      1,
      expect.stringContaining('(insufficient access rights'),
    ]);
  });

  it('DNs are escaped: a name that needs escaping round-trips; --dry-run create changes nothing', async () => {
    const name = `#e-${id}`;
    const dry = await ok(['ad', 'create', name, '--dry-run']);
    expect(dry.stdout).toContain(`add CN=\\#e-${id},CN=Users,${ad!.baseDn}`);
    expect((await keytab(['ad', 'show', name])).code).toBe(1);
    await ok(['ad', 'create', name]);
    const shown = await json<{ dn: string; sAMAccountName: string }>(['ad', 'show', name]);
    expect(shown.sAMAccountName).toBe(name);
    expect((await json<{ sAMAccountName: string }>(['ad', 'show', shown.dn])).sAMAccountName).toBe(
      name,
    );
    const again = await keytab(['ad', 'create', name]);
    expect([again.code, again.stderr]).toEqual([
      1,
      expect.stringContaining(`an account named ${name} already exists`),
    ]);
  });
});
