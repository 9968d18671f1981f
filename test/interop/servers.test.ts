/**
 * Smoke test of the real-server test infrastructure (test/servers/): the MIT KDC answers,
 * the Samba DC serves verified LDAPS on 127.0.0.1, and the extracted Heimdal ktutil runs.
 * Runs only under test/servers/run-all.sh (KTP_INTEROP=1 and the servers' env).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  heimdalKtutil,
  interopEnabled,
  mitKdc,
  parseEnvFile,
  runTool,
  sambaDc,
  tempDir,
  type MitKdc,
  type SambaDc,
} from './env.js';

const TIMEOUT = 30_000;
const mit = mitKdc();
const ad = sambaDc();
const ktutil = heimdalKtutil();

describe('interop env helpers', () => {
  it('parses the env.sh quoting the server scripts write', () => {
    const vars = parseEnvFile(
      "# comment\nexport A='plain'\nexport B='it'\\''s'\nC=bare\nexport D=\"dq\"\nexport E=''\n",
    );
    expect(vars).toEqual({ A: 'plain', B: "it's", C: 'bare', D: 'dq', E: '' });
  });

  it('runTool reports status, output, stdin and env', () => {
    const r = runTool('sh', ['-c', 'read x; echo "$x-$KTP_T"; echo err >&2; exit 3'], {
      input: 'in\n',
      env: { KTP_T: 'env' },
    });
    expect(r).toMatchObject({ status: 3, stdout: 'in-env\n', stderr: 'err\n' });
    expect(runTool('/nonexistent/tool', []).error).toBeDefined();
  });
});

describe.runIf(interopEnabled() && mit !== undefined)('MIT KDC (MIT.TEST on 127.0.0.1)', () => {
  const kdc = mit as MitKdc;
  let tmp: ReturnType<typeof tempDir> | undefined;
  let env: Record<string, string> = {};
  beforeAll(() => {
    tmp = tempDir();
    // A private credentials cache per suite.
    env = { KRB5_CONFIG: kdc.krb5Config, KRB5CCNAME: `FILE:${tmp.path}/ccache` };
  });
  afterAll(() => tmp?.cleanup());

  it('is on loopback port 18888', () => {
    expect(kdc.kdc).toBe('127.0.0.1:18888');
    expect(kdc.realm).toBe('MIT.TEST');
    expect(readFileSync(kdc.krb5Config, 'utf8')).toMatch(/dns_lookup_kdc = false/);
  });

  it(
    'kinit with the user password gets a TGT',
    () => {
      const user = kdc.user;
      expect(user).toBeDefined();
      const r = runTool('kinit', [user!.principal], { env, input: `${user!.password}\n` });
      expect(r.status, r.stderr).toBe(0);
      const k = runTool('klist', [], { env });
      expect(k.status, k.stderr).toBe(0);
      expect(k.stdout).toContain('krbtgt/MIT.TEST@MIT.TEST');
      const v = runTool('kvno', [kdc.service!.principal], { env });
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout).toContain('kvno = 1');
    },
    TIMEOUT,
  );

  it(
    'refuses a wrong password (pre-authentication required)',
    () => {
      const r = runTool('kinit', [kdc.user!.principal], { env, input: 'wrong-password\n' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/Preauthentication failed|Password incorrect/);
    },
    TIMEOUT,
  );
});

describe.runIf(interopEnabled() && ad !== undefined)(
  'Samba AD DC (EXAMPLE.TEST on 127.0.0.1)',
  () => {
    const dc = ad as SambaDc;
    let tmp: ReturnType<typeof tempDir> | undefined;
    beforeAll(() => {
      tmp = tempDir();
    });
    afterAll(() => tmp?.cleanup());
    // (The factory also runs when the suite is skipped: touch `dc` only inside hooks/tests.)
    const ldapEnv = () => ({
      LDAPTLS_CACERT: dc.caFile,
      LDAPTLS_REQCERT: 'demand',
      LDAPRC: '/dev/null',
    });

    it('points at loopback LDAPS', () => {
      expect(dc.url).toBe('ldaps://127.0.0.1:636');
      expect(dc.baseDn).toBe('DC=example,DC=test');
      expect(dc.realm).toBe('EXAMPLE.TEST');
    });

    it(
      'answers an LDAPS search bound as Administrator, verifying the certificate with the CA file',
      () => {
        const r = runTool(
          'ldapsearch',
          [
            '-LLL',
            '-x',
            '-H',
            dc.url,
            '-D',
            dc.bindDn,
            '-y',
            dc.bindPasswordFile,
            '-b',
            dc.baseDn,
            '(sAMAccountName=Administrator)',
            'sAMAccountName',
            'distinguishedName',
          ],
          { env: ldapEnv() },
        );
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('dn: CN=Administrator,CN=Users,DC=example,DC=test');
      },
      TIMEOUT,
    );

    it(
      'presents a certificate that Node verifies for 127.0.0.1 with the CA file only',
      async () => {
        const authorized = await new Promise<boolean>((resolve, reject) => {
          const [host, port] = dc.url.replace('ldaps://', '').split(':');
          const s = connect(
            { host: host!, port: Number(port), ca: readFileSync(dc.caFile) },
            () => {
              resolve(s.authorized);
              s.end();
            },
          );
          s.on('error', reject);
        });
        expect(authorized).toBe(true);
        // And without our CA the same certificate is rejected: verification is really on.
        await expect(
          new Promise((resolve, reject) => {
            const s = connect({ host: '127.0.0.1', port: 636 }, () => {
              resolve(s.authorized);
              s.end();
            });
            s.on('error', reject);
          }),
        ).rejects.toThrow();
      },
      TIMEOUT,
    );

    it(
      'issues a TGT to Administrator from 127.0.0.1:88',
      () => {
        const env = { KRB5_CONFIG: dc.krb5Config, KRB5CCNAME: `FILE:${tmp!.path}/ccache` };
        const password = readFileSync(dc.bindPasswordFile, 'utf8');
        const r = runTool('kinit', [`Administrator@${dc.realm}`], { env, input: `${password}\n` });
        expect(r.status, r.stderr).toBe(0);
        const k = runTool('klist', [], { env });
        expect(k.stdout).toContain(`krbtgt/${dc.realm}@${dc.realm}`);
      },
      TIMEOUT,
    );
  },
);

describe.runIf(interopEnabled() && ktutil !== undefined)(
  'Heimdal ktutil (extracted, not installed)',
  () => {
    let tmp: ReturnType<typeof tempDir> | undefined;
    let env: Record<string, string> = {};
    beforeAll(() => {
      tmp = tempDir();
      // A private config: never /etc/krb5.conf.
      const conf = `${tmp.path}/krb5.conf`;
      writeFileSync(conf, '[libdefaults]\n    default_realm = EXAMPLE.COM\n');
      env = { KRB5_CONFIG: conf };
    });
    afterAll(() => tmp?.cleanup());

    it(
      'adds a password key and lists it with the expected AES256 key',
      () => {
        const kt = `${tmp!.path}/heimdal.keytab`;
        const add = runTool(
          ktutil!,
          [
            '-k',
            kt,
            'add',
            '-p',
            'user@EXAMPLE.COM',
            '-V',
            '3',
            '-e',
            'aes256-cts-hmac-sha1-96',
            '-w',
            'password',
          ],
          { env },
        );
        expect(add.status, add.stderr).toBe(0);
        const list = runTool(ktutil!, ['-k', kt, 'list', '--keys'], { env });
        expect(list.status, list.stderr).toBe(0);
        expect(list.stdout).toMatch(
          /\b3\s+aes256-cts-hmac-sha1-96\s+user@EXAMPLE\.COM\s+511ccb9e22d7d454919b07228c4cee55c6f8137d6c221534ed446aa2d7a4e864/,
        );
        // MIT reads Heimdal's file too.
        const mitList = runTool('klist', ['-k', '-K', '-e', kt], { env });
        expect(mitList.status, mitList.stderr).toBe(0);
        expect(mitList.stdout).toContain(
          '0x511ccb9e22d7d454919b07228c4cee55c6f8137d6c221534ed446aa2d7a4e864',
        );
      },
      TIMEOUT,
    );
  },
);
