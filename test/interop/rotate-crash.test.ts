/**
 * keytab rotate, stopped between each of its steps as a crash would stop it: whatever the
 * point, the service side works against the Samba AD DC (kvno -k decrypts a ticket at the kvno
 * AD has then), and a rotation run afterwards completes with kinit -k and kvno -k passing.
 *
 * One window is not safe for initiators: between staging the new keys and AD's change, the
 * keytab holds a kvno AD does not have yet, and MIT kinit -k uses the newest kvno it finds.
 * The test pins that down (see the README on rotate).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { withDirectory } from '../../lib/cli/commands/ad/common.js';
import type { DirectoryArgs } from '../../lib/cli/commands/ad/common.js';
import { rotateKeytab } from '../../lib/cli/commands/rotate.js';
import type { RotationStep } from '../../lib/cli/commands/rotate.js';
import { KtError } from '../../lib/errors.js';
import { runCli, testContext } from '../helpers/cli.js';
import { adEnv, mitTool, proveKeytab } from '../helpers/samba.js';
import { interopEnabled, sambaDc, tempDir } from './env.js';

const ad = sambaDc();
const NO_FLAGS: DirectoryArgs = {
  'ldap-url': undefined,
  'bind-dn': undefined,
  'bind-password-file': undefined,
  'bind-password': undefined,
  'base-dn': undefined,
  'ca-file': undefined,
  starttls: false,
  'insecure-tls': false,
  timeout: undefined,
};

class Crash extends Error {}

describe.runIf(interopEnabled() && ad !== undefined)(
  'rotate survives a crash at every step (Samba)',
  () => {
    const id = randomBytes(3).toString('hex');
    let tmp: ReturnType<typeof tempDir>;
    beforeAll(() => {
      tmp = tempDir('ktp-crash-');
    });
    afterAll(() => tmp.cleanup());
    const keytab = (args: string[]) => runCli(args, { env: adEnv(ad!), cwd: tmp.path });
    const kvnoOf = async (name: string): Promise<number> =>
      JSON.parse((await keytab(['ad', 'show', name, '--json'])).stdout).msDSKeyVersionNumber;
    const kvnos = (kt: string): number[] =>
      [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);

    /** A fresh account with an SPN/UPN, AES allowed, and a keytab at its first kvno. */
    const account = async (
      tag: string,
    ): Promise<{ name: string; principal: string; kt: string }> => {
      const name = `cr-${tag}-${id}`;
      const spn = `HTTP/cr-${tag}-${id}.${ad!.realm.toLowerCase()}`;
      const principal = `${spn}@${ad!.realm}`;
      const kt = `${tmp.path}/${tag}.keytab`;
      expect(
        (
          await keytab([
            'ad',
            'create',
            name,
            '--spn',
            spn,
            '--upn',
            principal,
            '--enctypes',
            'aes256,aes128',
          ])
        ).code,
      ).toBe(0);
      expect(
        (
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
            'aes256,aes128',
          ])
        ).code,
      ).toBe(0);
      return { name, principal, kt };
    };
    const rotate = async (
      kt: string,
      name: string,
      crashAfter?: RotationStep,
      failPassword = false,
    ): Promise<void> => {
      const { ctx } = testContext({ env: adEnv(ad!), cwd: tmp.path });
      await withDirectory(ctx, NO_FLAGS, async (dir) => {
        if (failPassword) {
          // AD refusing the password write (a policy error, say): the modify is rejected.
          Object.defineProperty(dir, 'apply', {
            value: async () =>
              Promise.reject(new KtError('AD_PASSWORD_POLICY', 'injected refusal')),
          });
        }
        await rotateKeytab(
          ctx,
          dir,
          { keytab: kt, account: name, principals: [], keep: 1 },
          { verbose: false },
          {
            after: (step) => {
              if (step === crashAfter) throw new Crash(`crash after ${step}`);
            },
          },
        );
      });
    };

    /** The service side alone: kvno -k with a TGT of the administrator's. */
    const serviceWorks = (kt: string, service: string, kvno: number): void => {
      const cache = `FILE:${tmp.path}/cc-admin-${randomBytes(3).toString('hex')}`;
      const password = readFileSync(ad!.bindPasswordFile, 'utf8');
      const kinit = mitTool(ad!, 'kinit', [`Administrator@${ad!.realm}`], cache, {
        input: `${password}\n`,
      });
      expect(kinit.status, kinit.stderr).toBe(0);
      const check = mitTool(ad!, 'kvno', ['-k', kt, service], cache);
      expect(check.stderr).toBe('');
      expect(check.stdout).toContain(`${service}: kvno = ${kvno}, keytab entry valid`);
    };

    for (const [step, tag] of [
      ['staged', 'st'],
      ['password-set', 'pw'],
      ['confirmed', 'cf'],
    ] as const) {
      it(`a crash after "${step}": the service keeps working; the next rotation completes`, async () => {
        const { name, principal, kt } = await account(tag);
        const before = await kvnoOf(name);
        await expect(rotate(kt, name, step)).rejects.toBeInstanceOf(Crash);
        const now = await kvnoOf(name);
        expect(now).toBe(step === 'staged' ? before : before + 1);
        // Both kvnos are in the keytab: tickets at whatever kvno AD now has decrypt.
        expect(kvnos(kt)).toEqual([before, before + 1]);
        serviceWorks(kt, principal, now);
        if (step === 'staged') {
          // The initiator side in that window: kinit -k picks the newest kvno, not yet AD's.
          const kinit = mitTool(
            ad!,
            'kinit',
            ['-k', '-t', kt, principal],
            `FILE:${tmp.path}/cc-st-${id}`,
          );
          expect(kinit.stderr).toContain('Preauthentication failed');
        } else {
          proveKeytab(ad!, tmp.path, kt, principal, principal, now);
        }
        await rotate(kt, name);
        const after = await kvnoOf(name);
        expect(after).toBe(now + 1);
        expect(kvnos(kt)).toEqual([now, now + 1]);
        proveKeytab(ad!, tmp.path, kt, principal, principal, after);
      });
    }

    it('AD refusing the new password leaves the old keytab as it was', async () => {
      const { name, principal, kt } = await account('rf');
      const before = await kvnoOf(name);
      const bytes = readFileSync(kt);
      await expect(rotate(kt, name, undefined, true)).rejects.toThrow(/injected refusal/);
      expect(await kvnoOf(name)).toBe(before);
      expect(readFileSync(kt)).toEqual(bytes);
      proveKeytab(ad!, tmp.path, kt, principal, principal, before);
    });
    it('the keytab stays locked from the read to the last write, restore included: other writers wait', async () => {
      const { name, kt } = await account('lk');
      const bytes = readFileSync(kt);
      const other = (principal: string, timeout?: string) =>
        runCli(
          [
            'add',
            kt,
            '-p',
            `${principal}@${ad!.realm}`,
            '-k',
            '1',
            '-e',
            'aes256-cts-hmac-sha1-96',
            '--random-key',
          ],
          { env: timeout ? { KEYTAB_LOCK_TIMEOUT: timeout } : {}, cwd: tmp.path },
        );
      const { ctx } = testContext({ env: adEnv(ad!), cwd: tmp.path });
      let refused: Awaited<ReturnType<typeof runCli>> | undefined;
      let waiting: ReturnType<typeof other> | undefined;
      await withDirectory(ctx, NO_FLAGS, async (dir) => {
        Object.defineProperty(dir, 'apply', {
          value: async () => Promise.reject(new KtError('AD_PASSWORD_POLICY', 'injected refusal')),
        });
        const run = rotateKeytab(
          ctx,
          dir,
          { keytab: kt, account: name, principals: [], keep: 1 },
          { verbose: false },
          {
            after: async (step) => {
              if (step !== 'staged') return;
              refused = await other('short-wait', '0.3'); // gives up while the rotation holds the lock
              waiting = other('patient'); // waits for the rotation, restore included
            },
          },
        );
        await expect(run).rejects.toThrow(/injected refusal/);
      });
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).toContain('another process holds the keytab lock');
      const late = await waiting!;
      expect(late.code, late.stderr).toBe(0);
      // The restore put the old keytab back before the waiting writer added to it: nothing lost.
      const entries = parseKeytab(readFileSync(kt)).entries;
      expect(entries.slice(0, parseKeytab(bytes).entries.length)).toEqual(
        parseKeytab(bytes).entries,
      );
      expect(entries.at(-1)?.principal.components).toEqual(['patient']);
    });
  },
);
