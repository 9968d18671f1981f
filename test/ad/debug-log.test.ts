/**
 * Issue 11.8: with NODE_DEBUG=ldapts, ldapts logs a unicodePwd modify whole (the new password
 * as UTF-16LE). No password is sent while that logging is on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ldaptsDebugOn, nodeDebugEnables, refuseLoggedPassword } from '../../lib/ad/debug-guard.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { ktpassDeps } from '../../lib/cli/ktpass-directory.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/bin/keytab.cjs');
const GUARD = join(ROOT, 'dist/lib/ad/debug-guard.js');
// ldaps:// to port 1 on loopback: a connection attempt would fail with ECONNREFUSED.
const NOWHERE = {
  KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:1',
  KEYTAB_BIND_DN: 'admin@example.test',
  KEYTAB_BIND_PASSWORD: 'x',
};
const REFUSED = 'refusing to send a password while NODE_DEBUG turns on ldapts logging';

describe('NODE_DEBUG and ldapts', () => {
  it('matches NODE_DEBUG as Node does: lists, wildcards, any case', () => {
    for (const on of ['ldapts', 'LDAPTS', 'net,ldapts', 'ldapts,tls', '*', 'ldap*', '*ts'])
      expect([on, nodeDebugEnables(on, 'ldapts')]).toEqual([on, true]);
    for (const off of [undefined, '', 'ldap', 'net,tls', 'ldapts2', 'xldapts'])
      expect([off, nodeDebugEnables(off, 'ldapts')]).toEqual([off, false]);
  });
  it('the guard throws a typed error for an environment that turns it on', () => {
    expect(ldaptsDebugOn({ NODE_DEBUG: 'net' })).toBe(false);
    expect(() => refuseLoggedPassword({ NODE_DEBUG: 'net,ldapts' })).toThrow(
      expect.objectContaining({ code: 'AD_PASSWORD_LOGGED' }),
    );
  });
  it.each([
    ['ad setpass --random', ['ad', 'setpass', 'svc', '--random']],
    ['ad setpass --password-env', ['ad', 'setpass', 'svc', '--password-env', 'PW']],
    ['ad create --random-password', ['ad', 'create', 'svc', '--random-password']],
  ])('%s is refused before any connection', async (_name, argv) => {
    for (const NODE_DEBUG of ['ldapts', 'net,LDAP*', '*']) {
      const r = await runCli(argv, { env: { ...NOWHERE, NODE_DEBUG, PW: 'New-Pass-1' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`keytab: error: ${REFUSED}`);
      expect(r.stderr).not.toContain('ECONNREFUSED');
      expect(r.stderr).not.toContain('New-Pass-1');
    }
  });
  it('without it, the same command goes on to connect', async () => {
    const r = await runCli(['ad', 'setpass', 'svc', '--random', '--timeout', '5'], {
      env: { ...NOWHERE, NODE_DEBUG: 'net' },
    });
    expect(r.stderr).not.toContain(REFUSED);
    expect(r.stderr).toContain('ECONNREFUSED');
  });
  it('ktpass /mapuser with a password reset is refused before connecting; -setpass is not', async () => {
    const argv = [
      '/out',
      '/tmp/never.keytab',
      '/princ',
      'HTTP/web@EX.COM',
      '/mapuser',
      'svc',
      '/pass',
      '+rndpass',
      '/crypto',
      'AES256-SHA1',
      '/ptype',
      'KRB5_NT_PRINCIPAL',
    ];
    const run = (extra: string[]) =>
      runCli([...argv, ...extra], {
        program: 'ktpass',
        env: { ...NOWHERE, NODE_DEBUG: 'ldapts' },
        mainFn: (ctx, a) => ktpassMain(ctx, a, ktpassDeps),
      });
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(REFUSED);
    expect(r.stderr).not.toContain('ECONNREFUSED');
    const keep = await run(['-setpass']);
    expect(keep.stderr).not.toContain(REFUSED);
  });
});

describe.skipIf(!existsSync(BIN) || !existsSync(GUARD))(
  'with NODE_DEBUG=ldapts really set in the process (built CLI)',
  () => {
    const env = (NODE_DEBUG: string) => ({ ...process.env, ...NOWHERE, NODE_DEBUG });
    it('keytab ad setpass --random refuses, and ldapts logs nothing', () => {
      const r = spawnSync(process.execPath, [BIN, 'ad', 'setpass', 'svc', '--random'], {
        env: env('ldapts'),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(REFUSED);
      expect(r.stderr).not.toMatch(/LDAPTS \d+:/);
    });
    it('the last guard (before a modify is sent) sees the logging ldapts itself would do', () => {
      const script = `import(${JSON.stringify(GUARD)}).then((m) => { console.log(m.ldaptsDebugOn({})); try { m.refuseLoggedPassword({}); console.log('sent'); } catch (e) { console.log(e.code); } })`;
      const on = spawnSync(process.execPath, ['-e', script], {
        env: env('net,ldapts'),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(on.stdout.trim().split('\n')).toEqual(['true', 'AD_PASSWORD_LOGGED']);
      const off = spawnSync(process.execPath, ['-e', script], {
        env: env('net'),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(off.stdout.trim().split('\n')).toEqual(['false', 'sent']);
    });
  },
);
