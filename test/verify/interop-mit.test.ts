/**
 * `keytab verify` and `keytab doctor` against the real MIT KDC (MIT.TEST on 127.0.0.1:18888).
 * Keytabs are made with `keytab add`; destructive changes (password resets, disabling) happen
 * to fresh principals with random names, so other suites see the realm unchanged. MIT's own
 * kinit -k is run on the same keytabs to show what it says for each case. Loopback IPs only.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopEnabled, mitKdc, runTool, tempDir, type MitKdc } from '../interop/env.js';
import { runCli } from '../helpers/cli.js';

const mit = mitKdc();

describe.runIf(interopEnabled() && mit !== undefined)('keytab verify against the MIT KDC', () => {
  const m = (): MitKdc => mit!;
  const tag = Math.random().toString(36).slice(2, 8);
  const host = (name: string): string => `HTTP/${name}-${tag}.mit.test`;
  let dir: ReturnType<typeof tempDir>;
  const path = (name: string): string => `${dir.path}/${name}`;
  const created: string[] = [];

  const kadmin = (query: string): string => {
    const r = runTool('kadmin.local', ['-r', m().realm, '-q', query], {
      env: { KRB5_CONFIG: m().krb5Config, KRB5_KDC_PROFILE: m().kdcProfile },
    });
    if (r.status !== 0 || /error|usage/i.test(r.stderr))
      throw new Error(`kadmin.local ${query}: ${r.stderr}`);
    return r.stdout;
  };
  const addprinc = (name: string, password: string): string => {
    kadmin(`addprinc -pw ${password} +requires_preauth ${name}`);
    created.push(name);
    return `${name}@${m().realm}`;
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  const env = (): Record<string, string> => ({ KRB5_CONFIG: m().krb5Config });
  const pwFile = (name: string, password: string): string => {
    writeFileSync(path(name), password);
    return path(name);
  };
  async function keytab(
    file: string,
    principal: string,
    password: string,
    opts: { kvno?: number; salt?: string; enctypes?: string } = {},
  ): Promise<string> {
    const args = [
      'add',
      path(file),
      '-p',
      principal,
      '-k',
      String(opts.kvno ?? 1),
      '-e',
      opts.enctypes ?? 'aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96',
      '--password-file',
      pwFile(`${file}.pw`, password),
    ];
    if (opts.salt !== undefined) args.push('--salt', opts.salt);
    const r = await runCli(args, { now: now() });
    expect(r.code, r.stderr).toBe(0);
    return path(file);
  }
  const verify = (args: string[]) => runCli(['verify', ...args], { env: env(), now: now() });
  const kinit = (kt: string, principal: string) =>
    runTool('kinit', ['-k', '-t', kt, principal], {
      env: { KRB5_CONFIG: m().krb5Config, KRB5CCNAME: `FILE:${path('cc')}` },
    });

  beforeAll(() => {
    dir = tempDir('ktp-verify-mit-');
  });
  afterAll(() => {
    if (mit !== undefined && m().kdcProfile !== undefined)
      for (const p of created) kadmin(`delprinc -force ${p}`);
    dir.cleanup();
  });

  it('a good keytab (every modern enctype and RC4): every key OK, the service ticket decrypts; kinit -k agrees', async () => {
    const kt = await keytab('good.keytab', m().service!.principal, m().service!.password, {
      kvno: 1,
      enctypes:
        'aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96,aes256-cts-hmac-sha384-192,camellia256-cts-cmac,arcfour-hmac',
    });
    // The shared service principal's kvno as kadmin reports it, to make the keytab right.
    const kvno = Number(
      /Key: vno (\d+), aes256-cts-hmac-sha1-96/.exec(
        kadmin(`getprinc ${m().service!.principal}`),
      )?.[1],
    );
    const right =
      kvno === 1
        ? kt
        : await keytab('good2.keytab', m().service!.principal, m().service!.password, {
            kvno,
            enctypes:
              'aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96,aes256-cts-hmac-sha384-192,camellia256-cts-cmac,arcfour-hmac',
          });
    const r = await verify([right, '--kdc', m().kdc, '--no-dns']);
    expect(r.code, r.stdout).toBe(0);
    const keys = r.stdout
      .split('\n')
      .filter((l) => / kvno \d+ /.test(l) && !l.includes('service ticket'));
    expect(keys).toHaveLength(5);
    for (const l of keys) expect(l).toMatch(/^OK {4}.* — the KDC accepts this key/);
    expect(r.stdout).toContain(`salt "${m().realm}HTTPweb.mit.test" (RFC 4120 default`);
    expect(r.stdout).toContain('32768 iterations'); // AES-SHA2 and Camellia
    expect(r.stdout).toContain(
      `it decrypts with the keytab's kvno ${kvno} aes256-cts-hmac-sha1-96 key (what kvno -k checks)`,
    );
    expect(r.stdout).toMatch(
      /OK {4}clock {2}— this host's clock agrees with the KDC 127.0.0.1:18888/,
    );
    expect(kinit(right, m().service!.principal).status).toBe(0);
  });

  it("KDCs from the server's krb5.conf, and over TCP", async () => {
    const p = addprinc(host('conf'), 'Conf-Pass-1!');
    const kt = await keytab('conf.keytab', p, 'Conf-Pass-1!');
    const r = await verify([kt, '--no-dns', '--tcp']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('127.0.0.1:18888 answered over tcp (found through krb5.conf)');
  });

  it('wrong salt: kinit says "Preauthentication failed"; verify names the salts, and with the password, the rule', async () => {
    const p = addprinc(host('salt'), 'Salt-Pass-1!');
    // The AD user rule with the host's first label, as if the account were "salt-TAG".
    const kt = await keytab('salt.keytab', p, 'Salt-Pass-1!', {
      salt: `${m().realm}salt-${tag}`,
      enctypes: 'aes256-cts-hmac-sha1-96',
    });
    expect(kinit(kt, p).stderr).toContain('Preauthentication failed');
    const blind = await verify([kt, '--kdc', m().kdc, '--no-dns']);
    expect(blind.code).toBe(1);
    expect(blind.stdout).toContain('the KDC refuses this key (KDC_ERR_PREAUTH_FAILED');
    expect(blind.stdout).toContain(`the KDC uses salt "${m().realm}HTTPsalt-${tag}.mit.test"`);
    const r = await verify([
      kt,
      '--kdc',
      m().kdc,
      '--no-dns',
      '--password-file',
      pwFile('salt.pw', 'Salt-Pass-1!\n'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `wrong salt: the key is the password's key with salt "${m().realm}salt-${tag}"`,
    );
    expect(r.stdout).toContain(`but the KDC uses salt "${m().realm}HTTPsalt-${tag}.mit.test"`);
    expect(r.stdout).toContain('the password itself is right');
    expect(r.stdout).toContain(`--salt '${m().realm}HTTPsalt-${tag}.mit.test'`);
    // The password's TGT lets verify check the service ticket too: same kvno, wrong key.
    expect(r.stdout).toMatch(
      /FAIL {2}HTTP\/salt-\w+\.mit\.test@MIT\.TEST service ticket {2}— the KDC issues tickets for .* with kvno 1 aes256-cts-hmac-sha1-96, but the keytab's kvno 1 aes256-cts-hmac-sha1-96 key does not decrypt it/,
    );
  });

  it('wrong password: kinit says the same thing; verify tells it apart', async () => {
    const p = addprinc(host('pw'), 'Right-Pass-1!');
    const kt = await keytab('pw.keytab', p, 'Wrong-Pass-1!', {
      enctypes: 'aes256-cts-hmac-sha1-96',
    });
    expect(kinit(kt, p).stderr).toContain('Preauthentication failed');
    const r = await verify([
      kt,
      '--kdc',
      m().kdc,
      '--no-dns',
      '--password-file',
      pwFile('right.pw', 'Right-Pass-1!'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('wrong password in the keytab: the password in');
    expect(r.stdout).toContain("but the keytab's key was made from another password");
  });

  it('stale kvno after cpw to the same password (kinit -k still works), then to another', async () => {
    const p = addprinc(host('stale'), 'Stale-Pass-1!');
    const kt = await keytab('stale.keytab', p, 'Stale-Pass-1!');
    kadmin(`cpw -pw Stale-Pass-1! ${p}`);
    expect(kinit(kt, p).status).toBe(0); // kinit ignores the kvno
    const same = await verify([kt, '--kdc', m().kdc, '--no-dns']);
    expect(same.code).toBe(1);
    expect(same.stdout).toContain(
      'stale kvno: the keytab has kvno 1, the KDC issues tickets with kvno 2: the password was reset after the keytab was made (to the same password, or the keytab was written with a wrong -k: the kvno 1 key still decrypts the ticket',
    );
    kadmin(`cpw -pw Stale-Pass-2! ${p}`);
    const other = await verify([
      kt,
      '--kdc',
      m().kdc,
      '--no-dns',
      '--password-file',
      pwFile('stale2.pw', 'Stale-Pass-2!'),
    ]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('wrong password in the keytab');
    expect(other.stdout).toContain('-k 3');
    expect(other.stdout).toContain(
      'stale kvno: the keytab has kvno 1, the KDC issues tickets with kvno 3: the password was reset after the keytab was made;',
    );
    // Keys of both kvnos: the old one is superseded, not a failure.
    await keytab('stale.keytab', p, 'Stale-Pass-2!', { kvno: 3 });
    const both = await verify([kt, '--kdc', m().kdc, '--no-dns']);
    expect(both.code, both.stdout).toBe(0);
    expect(both.stdout).toMatch(
      /WARN {2}HTTP\/stale-\w+\.mit\.test@MIT\.TEST kvno 1 aes256-cts-hmac-sha1-96 {2}— superseded/,
    );
  });

  it("a missing enctype on the KDC side, and the KDC's ticket enctype missing from the keytab", async () => {
    const p = host('etype');
    kadmin(`addprinc -pw Etype-Pass-1! -e aes128-cts-hmac-sha1-96:normal +requires_preauth ${p}`);
    created.push(p);
    const name = `${p}@${m().realm}`;
    const kt = await keytab('etype.keytab', name, 'Etype-Pass-1!', {
      enctypes: 'aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96',
    });
    const r = await verify([kt, '--kdc', m().kdc, '--no-dns']);
    expect(r.stdout).toMatch(
      /WARN {2}.* kvno 1 aes256-cts-hmac-sha1-96 {2}— the KDC has no aes256-cts-hmac-sha1-96 key for .* \(kinit: "KDC has no support for encryption type"\)/,
    );
    expect(r.stdout).toMatch(/OK {4}.* kvno 1 aes128-cts-hmac-sha1-96/);
    expect(r.code, r.stdout).toBe(0);
    const only256 = await keytab('etype256.keytab', name, 'Etype-Pass-1!', {
      enctypes: 'aes256-cts-hmac-sha1-96',
    });
    const none = await verify([only256, '--kdc', m().kdc, '--no-dns']);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      /FAIL {2}.* kvno 1 aes256-cts-hmac-sha1-96 {2}— the KDC has no aes256-cts-hmac-sha1-96 key/,
    );
  });

  it("a principal without pre-authentication (MIT's default): the clock is still checked (issue 15)", async () => {
    const p = host('nopre');
    kadmin(`addprinc -pw Nopre-Pass-1! -requires_preauth ${p}`);
    created.push(p);
    const kt = await keytab('nopre.keytab', `${p}@${m().realm}`, 'Nopre-Pass-1!');
    const r = await verify([kt, '--kdc', m().kdc, '--no-dns']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /OK {4}clock {2}— this host's clock agrees with the KDC 127\.0\.0\.1:18888/,
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      `verify: OK, the keytab works for ${p}@${m().realm}`,
    );
  });

  it('disabled, expired password (keys still checked through kadmin/changepw), expired principal, unknown', async () => {
    const off = addprinc(host('off'), 'Off-Pass-1!');
    const offKt = await keytab('off.keytab', off, 'Off-Pass-1!');
    kadmin(`modprinc -allow_tix ${off}`);
    expect(kinit(offKt, off).stderr).toContain("Client's credentials have been revoked");
    const r1 = await verify([offKt, '--kdc', m().kdc, '--no-dns']);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain(
      `FAIL  ${off}  — the account of ${off} is disabled or locked out (kinit: "Client's credentials have been revoked"); its keys cannot be checked; fix: MIT: kadmin -q "modprinc +allow_tix ${off}"`,
    );

    const pwexp = addprinc(host('pwexp'), 'Exp-Pass-1!');
    const expKt = await keytab('pwexp.keytab', pwexp, 'Exp-Pass-1!');
    kadmin(`modprinc -pwexpire "2020-01-01 00:00:00" ${pwexp}`);
    const r2 = await verify([expKt, '--kdc', m().kdc, '--no-dns']);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain(
      `FAIL  ${pwexp}  — the password of ${pwexp} has expired (kinit: "Password has expired")`,
    );
    expect(r2.stdout).toMatch(
      /OK {4}.* kvno 1 aes256-cts-hmac-sha1-96 {2}— the KDC accepts this key .*checked against kadmin\/changepw because the password has expired/,
    );

    const gone = addprinc(host('gone'), 'Gone-Pass-1!');
    const goneKt = await keytab('gone.keytab', gone, 'Gone-Pass-1!');
    kadmin(`modprinc -expire "2020-01-01 00:00:00" ${gone}`);
    const r3 = await verify([goneKt, '--kdc', m().kdc, '--no-dns']);
    expect(r3.stdout).toContain(
      `the principal ${gone} has expired (kinit: "Client's entry in database has expired")`,
    );

    const ghost = `${host('ghost')}@${m().realm}`;
    const ghostKt = await keytab('ghost.keytab', ghost, 'Ghost-Pass-1!');
    const r4 = await verify([ghostKt, '--kdc', m().kdc, '--no-dns']);
    expect(r4.code).toBe(1);
    expect(r4.stdout).toContain(
      `the KDC does not know ${ghost} as a client (kinit: "Client '${ghost}' not found in Kerberos database")`,
    );
  });

  it("--service, and clock skew seen from the KDC's replies (the keys still checked on its time)", async () => {
    const p = addprinc(host('svc'), 'Svc-Pass-9!');
    const kt = await keytab('svc.keytab', p, 'Svc-Pass-9!');
    const r = await verify([kt, '--kdc', m().kdc, '--no-dns', '--service', p.replace(/@.*/, '')]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.match(/service ticket/g)).toHaveLength(1);
    const skewed = await runCli(['verify', kt, '--kdc', m().kdc, '--no-dns'], {
      env: env(),
      now: now() - 600,
    });
    expect(skewed.code).toBe(1);
    expect(skewed.stdout).toMatch(
      /FAIL {2}clock {2}— this host's clock is 6\d\d s behind the KDC 127.0.0.1:18888, more than the allowed 300 s/,
    );
    expect(skewed.stdout).toMatch(
      /OK {4}.* kvno 1 aes256-cts-hmac-sha1-96 {2}— the KDC accepts this key/,
    );
  });

  it('a dead KDC next to the live one: found and named', async () => {
    const p = addprinc(host('dead'), 'Dead-Pass-1!');
    const kt = await keytab('dead.keytab', p, 'Dead-Pass-1!');
    const r = await verify([
      kt,
      '--kdc',
      '127.0.0.1:9',
      '--kdc',
      m().kdc,
      '--no-dns',
      '--timeout',
      '1',
    ]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'WARN  KDC for MIT.TEST  — 127.0.0.1:18888 answered over udp (found through --kdc), after 127.0.0.1:9/udp:',
    );
  });

  it("doctor: the server's krb5.conf and a good keytab have no errors", async () => {
    const p = addprinc(host('doc'), 'Doc-Pass-1!');
    const kt = await keytab('doc.keytab', p, 'Doc-Pass-1!');
    const r = await runCli(['doctor', '--keytab', kt, '--no-dns'], { env: env(), now: now() });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'OK     kdc: KDC 127.0.0.1:18888  — answers over udp (KDC_ERR_PREAUTH_REQUIRED; listed in krb5.conf)',
    );
    expect(r.stdout).toContain('WARN   krb5.conf: allow_weak_crypto');
    expect(r.stdout).toContain(
      'INFO   directory: LDAP search base  — dc=mit,dc=test for the domain mit.test',
    );
  });
});
