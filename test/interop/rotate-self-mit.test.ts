/**
 * keytab rotate --self against the MIT KDC and kadmind's kpasswd service (127.0.0.1:18464,
 * found through krb5.conf kpasswd_server): no admin credentials, only the keytab.
 *
 * - two rotations in a row, kinit -k and kvno -k after each, and a ticket issued before the
 *   rotation still decrypted by the keytab;
 * - --max-age: nothing done while the newest kvno is young;
 * - a policy refusal (minimum length) leaves the keytab byte for byte as it was;
 * - a crash after every step leaves a keytab that works, and the next rotation completes;
 * - set-password (RFC 3244 version 0xff80) as admin/admin.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import type { RotationStep } from '../../lib/cli/commands/rotate.js';
import { rotateSelf } from '../../lib/cli/rotate-self.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { decryptTicket, getInitialTicket, getServiceTicket } from '../../lib/krb5/client.js';
import { adminChangepwTicket, passwordWorks, setPasswordAs } from '../../lib/krb5/kpasswd.js';
import { parsePrincipal } from '../../lib/principal.js';
import { realKpasswdContext, runCli } from '../helpers/cli.js';
import { interopEnabled, mitKdc, runTool, tempDir } from './env.js';

const mit = mitKdc();
class Crash extends Error {}

describe.runIf(interopEnabled() && mit !== undefined && mit.kdcProfile !== undefined)(
  'rotate --self with MIT kpasswd',
  () => {
    const id = randomBytes(3).toString('hex');
    let tmp: ReturnType<typeof tempDir>;
    beforeAll(() => {
      tmp = tempDir('ktp-self-mit-');
    });
    afterAll(() => tmp.cleanup());
    const env = () => ({ KRB5_CONFIG: mit!.krb5Config, KRB5_KDC_PROFILE: mit!.kdcProfile });
    const kadmin = (q: string): void => {
      const r = runTool('kadmin.local', ['-r', mit!.realm, '-q', q], { env: env() });
      expect(r.status, r.stderr).toBe(0);
    };
    const tool = (cmd: string, args: string[], cache: string) =>
      runTool(cmd, args, {
        env: { KRB5_CONFIG: mit!.krb5Config, KRB5CCNAME: `FILE:${tmp.path}/${cache}` },
      });
    const kvnos = (kt: string): number[] =>
      [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);
    const keytab = (args: string[]) =>
      runCli(args, {
        env: { KRB5_CONFIG: mit!.krb5Config },
        cwd: tmp.path,
        now: Math.floor(Date.now() / 1000),
      });

    /** A fresh service principal and its keytab (kvno 2, two AES enctypes). */
    const principal = (tag: string, policy?: string): { name: string; kt: string } => {
      const name = `HTTP/self-${tag}-${id}.mit.test@${mit!.realm}`;
      const kt = `${tmp.path}/${tag}.keytab`;
      kadmin(`addprinc -randkey +requires_preauth ${policy ? `-policy ${policy} ` : ''}${name}`);
      kadmin(
        `ktadd -k ${kt} -e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal ${name}`,
      );
      return { name, kt };
    };
    /** kinit -k as the principal, then kvno -k: the keytab works at `kvno`. */
    const proves = (kt: string, name: string, kvno: number): void => {
      const cache = `cc-${randomBytes(3).toString('hex')}`;
      const kinit = tool('kinit', ['-k', '-t', kt, name], cache);
      expect(kinit.stderr).toBe('');
      expect(kinit.status).toBe(0);
      const check = tool('kvno', ['-k', kt, name], cache);
      expect(check.stderr).toBe('');
      expect(check.stdout).toContain(`${name}: kvno = ${kvno}, keytab entry valid`);
    };
    const kctx = () => realKpasswdContext(mit!.krb5Config, tmp.path);

    it('rotates twice in a row; kinit -k and kvno -k pass after each; an older ticket still decrypts', async () => {
      const { name, kt } = principal('two');
      expect(kvnos(kt)).toEqual([2]);
      // A ticket for the service issued before the rotation (the user's).
      const { kctx: k } = kctx();
      const user = parsePrincipal(mit!.user!.principal);
      const tgt = await getInitialTicket(k, user, { password: mit!.user!.password });
      if (!tgt.ok) throw new Error(tgt.failure.message);
      const before = await getServiceTicket(k, tgt.credentials, parsePrincipal(name));
      if (!before.ok) throw new Error(before.failure.message);
      expect(before.ticketKvno).toBe(2);

      const first = await keytab(['rotate', kt, '--self']);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('password of');
      expect(first.stdout).toContain(
        'kept kvnos 2 and 3 (--keep 1: the new kvno and 1 previous)\n',
      );
      expect(kvnos(kt)).toEqual([2, 3]);
      proves(kt, name, 3);
      const between = await getServiceTicket(k, tgt.credentials, parsePrincipal(name));
      if (!between.ok) throw new Error(between.failure.message);
      expect(between.ticketKvno).toBe(3);

      const second = await keytab(['rotate', kt, '--self', '--json']);
      expect(second.code, second.stderr).toBe(0);
      const json = JSON.parse(second.stdout);
      expect(json.rotations[0]).toMatchObject({
        ok: true,
        kvno: { from: 3, to: 4 },
        proof: 'reply',
        keptKvnos: [3, 4],
        removedKvnos: [2],
      });
      expect(kvnos(kt)).toEqual([3, 4]);
      proves(kt, name, 4);
      // A ticket issued before the second rotation (kvno 3) still decrypts with the keytab.
      const key = parseKeytab(readFileSync(kt)).entries.find(
        (e) => e.kvno === 3 && e.enctype === between.ticketEnctype,
      )!;
      expect(
        decryptTicket(between.credentials.ticket, { enctype: key.enctype, key: key.key }).cname
          .nameString,
      ).toEqual(['user']);
      // --keep counts previous kvnos (as for `keytab rotate`): 2 keeps the newest 3.
      const third = await keytab(['rotate', kt, '--self', '--keep', '2']);
      expect(third.code, third.stderr).toBe(0);
      expect(third.stdout).toContain(
        'kept kvnos 3, 4 and 5 (--keep 2: the new kvno and 2 previous)\n',
      );
      expect(kvnos(kt)).toEqual([3, 4, 5]);
      const fourth = await keytab(['rotate', kt, '--self', '--keep', '0']);
      expect(fourth.code, fourth.stderr).toBe(0);
      expect(fourth.stdout).toContain(
        'kept kvno 6 (--keep 0: only the new kvno); removed kvnos 3, 4 and 5\n',
      );
      expect(kvnos(kt)).toEqual([6]);
      proves(kt, name, 6);
    });

    it('a ticket issued before a rotation still decrypts with the rotated keytab', async () => {
      const { name, kt } = principal('old');
      const { kctx: k } = kctx();
      const tgt = await getInitialTicket(k, parsePrincipal(mit!.user!.principal), {
        password: mit!.user!.password,
      });
      if (!tgt.ok) throw new Error(tgt.failure.message);
      const before = await getServiceTicket(k, tgt.credentials, parsePrincipal(name));
      if (!before.ok) throw new Error(before.failure.message);
      expect((await keytab(['rotate', kt, '--self'])).code).toBe(0);
      const key = parseKeytab(readFileSync(kt)).entries.find(
        (e) => e.kvno === before.ticketKvno && e.enctype === before.ticketEnctype,
      )!;
      expect(
        decryptTicket(before.credentials.ticket, { enctype: key.enctype, key: key.key }).cname
          .nameString,
      ).toEqual(['user']);
    });

    it('--max-age: nothing to do while the newest kvno is younger', async () => {
      const { kt } = principal('age');
      const bytes = readFileSync(kt);
      const r = await keytab(['rotate', kt, '--self', '--max-age', '30']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/younger than --max-age 30: nothing to do/);
      expect(readFileSync(kt)).toEqual(bytes);
    });

    it('a policy refusal leaves the keytab byte-identical, in words with the numbers', async () => {
      kadmin(`addpol -minlength 40 long-${id}`);
      const { name, kt } = principal('pol', `long-${id}`);
      const bytes = readFileSync(kt);
      const r = await keytab(['rotate', kt, '--self']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/KRB5_KPASSWD_SOFTERROR \(4\)/);
      expect(r.stderr).toMatch(/40/);
      expect(readFileSync(kt)).toEqual(bytes);
      proves(kt, name, 2);
    });

    for (const step of [
      'staged',
      'password-set',
      'confirmed',
    ] as const satisfies readonly RotationStep[]) {
      it(`a crash after "${step}": the keytab works; the next rotation completes`, async () => {
        const { name, kt } = principal(`cr-${step}`);
        const { ctx, kctx: k } = kctx();
        await expect(
          rotateSelf(
            ctx,
            k,
            { keytab: kt, principals: [], keep: 1 },
            { verbose: false },
            {
              after: (s) => {
                if (s === step) throw new Crash(s);
              },
            },
          ),
        ).rejects.toBeInstanceOf(Crash);
        expect(kvnos(kt)).toEqual([2, 3]);
        const current = step === 'staged' ? 2 : 3;
        // The service side decrypts tickets at the KDC's kvno.
        const tgt = await getInitialTicket(k, parsePrincipal(mit!.user!.principal), {
          password: mit!.user!.password,
        });
        if (!tgt.ok) throw new Error(tgt.failure.message);
        const st = await getServiceTicket(k, tgt.credentials, parsePrincipal(name));
        if (!st.ok) throw new Error(st.failure.message);
        expect(st.ticketKvno).toBe(current);
        const key = parseKeytab(readFileSync(kt)).entries.find(
          (e) => e.kvno === current && e.enctype === st.ticketEnctype,
        )!;
        decryptTicket(st.credentials.ticket, { enctype: key.enctype, key: key.key });
        const next = await keytab(['rotate', kt, '--self']);
        expect(next.code, next.stderr).toBe(0);
        expect(kvnos(kt)).toEqual([current, current + 1]);
        proves(kt, name, current + 1);
      });
    }

    it('set-password (0xff80) as admin/admin through kpasswd', async () => {
      const { name } = principal('set');
      const { kctx: k } = kctx();
      const admin = parsePrincipal(mit!.admin!.principal);
      const ticket = await adminChangepwTicket(k, admin, { password: mit!.admin!.password });
      const target = parsePrincipal(name);
      const password = utf8(`Set-${randomBytes(8).toString('hex')}-Pw1!`);
      const done = await setPasswordAs(k, ticket, target, password);
      expect(done.proof).toBe('reply');
      expect(await passwordWorks(k, target, password)).toBe(true);
    });
  },
);
