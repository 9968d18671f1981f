/**
 * keytab rotate --self against Heimdal's KDC and kpasswdd (test/servers/heimdal-kdc.sh: realm
 * HEIMDAL.TEST, KDC 127.0.0.1:18988, kpasswdd 127.0.0.1:18964/udp, found through krb5.conf
 * kpasswd_server), run from the debs install-deps.sh extracts (heimdal-kdc conflicts with
 * MIT's packages, so it is never installed).
 *
 * - two rotations in a row; after each, Heimdal's own kinit logs in with the keytab and MIT's
 *   kvno -k checks the keytab's key against a fresh service ticket; a ticket issued before the
 *   rotation still decrypts with the rotated keytab;
 * - a policy refusal (the realm's [password_quality] external check refuses principals named
 *   refuse-*) leaves the keytab byte-identical, with Heimdal's reason in the message;
 * - set-password (RFC 3244 version 0xff80) as admin/admin (kadmind.acl "all").
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { decryptTicket, getInitialTicket, getServiceTicket } from '../../lib/krb5/client.js';
import { adminChangepwTicket, passwordWorks, setPasswordAs } from '../../lib/krb5/kpasswd.js';
import { parsePrincipal } from '../../lib/principal.js';
import { realKpasswdContext, runCli } from '../helpers/cli.js';
import { interopEnabled, parseEnvFile, runTool, tempDir } from './env.js';

/** The variables heimdal-kdc.sh wrote into its env.sh (run-all.sh names it in KTP_HEIMDAL_KDC_ENV). */
function heimdalKdc(): Record<string, string> | undefined {
  const file = process.env.KTP_HEIMDAL_KDC_ENV;
  if (file === undefined || file === '' || !existsSync(file)) return undefined;
  const vars = parseEnvFile(readFileSync(file, 'utf8'));
  return vars.KTP_HEIMDAL_KRB5_CONFIG !== undefined ? vars : undefined;
}

const h = heimdalKdc();

describe.runIf(interopEnabled() && h !== undefined)('rotate --self with Heimdal kpasswdd', () => {
  const id = randomBytes(3).toString('hex');
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir('ktp-self-heimdal-');
  });
  afterAll(() => tmp.cleanup());
  const v = (name: string): string => h![name] as string;
  const realm = () => v('KTP_HEIMDAL_REALM');
  const conf = () => v('KTP_HEIMDAL_KRB5_CONFIG');
  /** An extracted Heimdal program, with its libraries and the realm's krb5.conf. */
  const heimdal = (program: string, args: string[], extra: Record<string, string> = {}) =>
    runTool(`${v('KTP_HEIMDAL_ROOT')}/usr/bin/${program}`, args, {
      env: { LD_LIBRARY_PATH: v('KTP_HEIMDAL_LIBDIR'), KRB5_CONFIG: conf(), ...extra },
    });
  const kadmin = (args: string[]): void => {
    const r = heimdal('kadmin.heimdal', ['-l', '-r', realm(), ...args]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toBe('');
  };
  const kvnos = (kt: string): number[] =>
    [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);
  const keytab = (args: string[]) =>
    runCli(args, {
      env: { KRB5_CONFIG: conf() },
      cwd: tmp.path,
      now: Math.floor(Date.now() / 1000),
    });

  /** A fresh service principal (requires pre-authentication) and its keytab (kvno 1, AES). */
  const principal = (tag: string): { name: string; kt: string } => {
    const name = `${tag}-${id}/host.heimdal.test@${realm()}`;
    const kt = `${tmp.path}/${tag}.keytab`;
    kadmin(['add', '--random-key', '--use-defaults', '--attributes=requires-pre-auth', name]);
    kadmin(['ext_keytab', '-k', kt, name]);
    return { name, kt };
  };
  /** Heimdal's kinit logs in with the keytab; MIT's kvno -k finds the KDC's key at `kvno` in it. */
  const proves = (kt: string, name: string, kvno: number): void => {
    const cache = `FILE:${tmp.path}/cc-${randomBytes(3).toString('hex')}`;
    const kinit = heimdal('kinit.heimdal', ['--use-keytab', `--keytab=${kt}`, name], {
      KRB5CCNAME: cache,
    });
    expect(kinit.stderr).toBe('');
    expect(kinit.status).toBe(0);
    const check = runTool('kvno', ['-k', kt, name], {
      env: { KRB5_CONFIG: conf(), KRB5CCNAME: cache },
    });
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain(`${name}: kvno = ${kvno}, keytab entry valid`);
  };
  const kctx = () => realKpasswdContext(conf(), tmp.path).kctx;
  /** A ticket for the service, issued now to the realm's user. */
  const ticketFor = async (name: string) => {
    const k = kctx();
    const tgt = await getInitialTicket(k, parsePrincipal(v('KTP_HEIMDAL_USER')), {
      password: v('KTP_HEIMDAL_USER_PASSWORD'),
    });
    if (!tgt.ok) throw new Error(tgt.failure.message);
    const st = await getServiceTicket(k, tgt.credentials, parsePrincipal(name));
    if (!st.ok) throw new Error(st.failure.message);
    return st;
  };

  it('rotates twice in a row; Heimdal kinit -k and kvno -k pass after each; an older ticket still decrypts', async () => {
    const { name, kt } = principal('two');
    expect(kvnos(kt)).toEqual([1]);
    proves(kt, name, 1);
    const before = await ticketFor(name);
    expect(before.ticketKvno).toBe(1);

    const first = await keytab(['rotate', kt, '--self']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `password of ${name} changed through kpasswd (${v('KTP_HEIMDAL_KPASSWD')}/udp)`,
    );
    expect(kvnos(kt)).toEqual([1, 2]);
    proves(kt, name, 2);
    // The ticket issued before the rotation (kvno 1) still decrypts with the rotated keytab.
    const old = parseKeytab(readFileSync(kt)).entries.find(
      (e) => e.kvno === 1 && e.enctype === before.ticketEnctype,
    )!;
    expect(
      decryptTicket(before.credentials.ticket, { enctype: old.enctype, key: old.key }).cname
        .nameString,
    ).toEqual(['user']);

    const between = await ticketFor(name);
    expect(between.ticketKvno).toBe(2);
    const second = await keytab(['rotate', kt, '--self', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).rotations[0]).toMatchObject({
      ok: true,
      kvno: { from: 2, to: 3 },
      proof: 'reply',
      removedKvnos: [1],
    });
    expect(kvnos(kt)).toEqual([2, 3]);
    proves(kt, name, 3);
    const prev = parseKeytab(readFileSync(kt)).entries.find(
      (e) => e.kvno === 2 && e.enctype === between.ticketEnctype,
    )!;
    expect(
      decryptTicket(between.credentials.ticket, { enctype: prev.enctype, key: prev.key }).cname
        .nameString,
    ).toEqual(['user']);
  });

  it("a policy refusal (the realm's password quality check) leaves the keytab byte-identical", async () => {
    const { name, kt } = principal('refuse');
    const bytes = readFileSync(kt);
    const r = await keytab(['rotate', kt, '--self']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was not changed: KRB5_KPASSWD_SOFTERROR \(4\)/);
    expect(r.stderr).toContain(`the test realm's policy refuses every new password of ${name}`);
    expect(readFileSync(kt)).toEqual(bytes);
    proves(kt, name, 1);
  });

  it('set-password (0xff80) as admin/admin through kpasswdd', async () => {
    const { name } = principal('set');
    const k = kctx();
    const ticket = await adminChangepwTicket(k, parsePrincipal(v('KTP_HEIMDAL_ADMIN')), {
      password: v('KTP_HEIMDAL_ADMIN_PASSWORD'),
    });
    const target = parsePrincipal(name);
    const password = utf8(`Set-${randomBytes(8).toString('hex')}-Pw1!`);
    const done = await setPasswordAs(k, ticket, target, password);
    expect(done.proof).toBe('reply');
    expect(await passwordWorks(k, target, password)).toBe(true);
  });
});
