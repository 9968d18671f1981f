/**
 * rotate --self when the kpasswd answer proves nothing, end to end: the built CLI
 * (dist/bin/keytab.cjs, a child process) talks over real sockets to a fake kpasswd server on
 * 127.0.0.1 (test/helpers/fake-kpasswd-server.ts, started here on KTP_FAKE_KPASSWD_PORT,
 * default 18965; a busy port is refused) and to the real MIT KDC for everything else.
 *
 * The fake server opens the request with the realm's kadmin/changepw key (kadmin.local ktadd
 * -norandkey) and, as Windows Server 2025 does (msktutil issue 228), answers a KRB-ERROR that
 * carries result code 0 instead of an AP-REP + KRB-PRIV:
 * - when it really changed the password first (kadmin.local cpw, the password on stdin), the
 *   CLI proves the change with an AS exchange and completes the rotation;
 * - when it did not, the CLI refuses and the keytab stays byte-identical;
 * - when it changes the password and never answers (UDP dropped, TCP closed), the AS exchange
 *   settles it too.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { formatPrincipal } from '../../lib/principal.js';
import { startFakeKpasswd, type FakeKpasswdServer } from '../helpers/fake-kpasswd-server.js';
import { interopEnabled, mitKdc, runTool, tempDir } from './env.js';

const mit = mitKdc();
const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/bin/keytab.cjs');

describe.runIf(interopEnabled() && mit !== undefined && mit.kdcProfile !== undefined)(
  'rotate --self with an ambiguous kpasswd answer (fake server, real sockets)',
  () => {
    const id = randomBytes(3).toString('hex');
    let tmp: ReturnType<typeof tempDir>;
    let server: FakeKpasswdServer;
    /** Whether the fake server really changes the password before answering. */
    let changes = true;
    const env = () => ({ KRB5_CONFIG: mit!.krb5Config, KRB5_KDC_PROFILE: mit!.kdcProfile });
    const kadmin = (q: string, input?: string): void => {
      const r =
        input === undefined
          ? runTool('kadmin.local', ['-r', mit!.realm, '-q', q], { env: env() })
          : runTool('kadmin.local', ['-r', mit!.realm], { env: env(), input });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/error|while/i);
    };
    const last = new Map<string, string>();

    beforeAll(async () => {
      tmp = tempDir('ktp-self-ambiguous-');
      const changepw = `${tmp.path}/changepw.keytab`;
      kadmin(`ktadd -k ${changepw} -norandkey kadmin/changepw`);
      server = await startFakeKpasswd({
        realm: mit!.realm,
        keys: parseKeytab(readFileSync(changepw)).entries,
        answer: 'krb-error-success',
        act: async ({ client, password }) => {
          const name = formatPrincipal(client);
          // A retry carries the same new password: change it once, as one logical request.
          if (!changes || last.get(name) === password) return;
          kadmin('', `cpw -pw ${password} ${name}\n`);
          last.set(name, password);
        },
      });
    });
    afterAll(async () => {
      await server?.close();
      tmp?.cleanup();
    });

    const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [BIN, ...args],
          {
            env: { PATH: process.env.PATH, ...env(), KRB5CCNAME: `FILE:${tmp.path}/cli-cc` },
            cwd: tmp.path,
            timeout: 60_000,
          },
          (err, stdout, stderr) => {
            resolve({
              code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
              stdout,
              stderr,
            });
          },
        );
      });
    const rotate = (kt: string, ...extra: string[]) =>
      cli(['rotate', kt, '--self', '--kpasswd-server', `127.0.0.1:${server.port}`, ...extra]);
    const kvnos = (kt: string): number[] =>
      [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);
    const principal = (tag: string): { name: string; kt: string } => {
      const name = `HTTP/amb-${tag}-${id}.mit.test@${mit!.realm}`;
      const kt = `${tmp.path}/${tag}.keytab`;
      kadmin(`addprinc -randkey +requires_preauth ${name}`);
      kadmin(
        `ktadd -k ${kt} -e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal ${name}`,
      );
      return { name, kt };
    };
    const proves = (kt: string, name: string, kvno: number): void => {
      const cache = `FILE:${tmp.path}/cc-${randomBytes(3).toString('hex')}`;
      const kinit = runTool('kinit', ['-k', '-t', kt, name], {
        env: { KRB5_CONFIG: mit!.krb5Config, KRB5CCNAME: cache },
      });
      expect(kinit.stderr).toBe('');
      const check = runTool('kvno', ['-k', kt, name], {
        env: { KRB5_CONFIG: mit!.krb5Config, KRB5CCNAME: cache },
      });
      expect(check.stdout + check.stderr).toContain(`${name}: kvno = ${kvno}, keytab entry valid`);
    };

    it('a KRB-ERROR saying success after a real change: proven by an AS exchange, the rotation completes', async () => {
      changes = true;
      server.answer = 'krb-error-success';
      const { name, kt } = principal('ok');
      const r = await rotate(kt, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).rotations[0]).toMatchObject({
        ok: true,
        kvno: { from: 2, to: 3 },
        proof: 'as-exchange',
        server: `127.0.0.1:${server.port}/udp`,
      });
      expect(JSON.parse(r.stdout).rotations[0].notes.join('\n')).toMatch(
        /ambiguous \(the server answered a KRB-ERROR that says success\); an AS exchange with the new password proved the change/,
      );
      expect(
        server.requests
          .filter((q) => formatPrincipal(q.client) === name)
          .map((q) => [q.protocol, q.version]),
      ).toEqual([['udp', 1]]);
      expect(kvnos(kt)).toEqual([2, 3]);
      proves(kt, name, 3);
    });

    it('the same answer without a change: refused in words, the keytab byte-identical', async () => {
      changes = false;
      server.answer = 'krb-error-success';
      const { name, kt } = principal('no');
      const bytes = readFileSync(kt);
      const r = await rotate(kt);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /was not changed: the kpasswd server answered a KRB-ERROR that says success .*and the KDC does not accept the new password/,
      );
      expect(r.stderr).toContain('msktutil issue 228');
      expect(readFileSync(kt)).toEqual(bytes);
      proves(kt, name, 2);
    });

    it('a change and no answer at all (UDP, then TCP): the AS exchange settles it', async () => {
      changes = true;
      server.answer = 'silent';
      const { name, kt } = principal('quiet');
      const r = await rotate(kt, '--timeout', '1');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /note: the kpasswd answer was ambiguous \(no usable answer from the kpasswd server\)/,
      );
      expect(
        server.requests.filter((q) => formatPrincipal(q.client) === name).map((q) => q.protocol),
      ).toEqual(['udp', 'tcp']);
      expect(kvnos(kt)).toEqual([2, 3]);
      proves(kt, name, 3);
    });

    it('a second fake server on the same port is refused, not shared', async () => {
      await expect(
        startFakeKpasswd({
          realm: mit!.realm,
          keys: [],
          answer: 'silent',
          act: async () => undefined,
          port: server.port,
        }),
      ).rejects.toThrow(
        new RegExp(
          `refusing to start the fake kpasswd server: TCP port 127.0.0.1:${server.port} is already in use`,
        ),
      );
    });
  },
);
