/**
 * Service acceptance: real services accept a domain user's ticket with keytabs this toolkit
 * made against the Samba AD DC. Apache httpd + mod_auth_gssapi and an OpenJDK JGSS acceptor
 * (JAAS Krb5LoginModule useKeyTab/storeKey/isInitiator=false, as Tomcat and JBoss use it), both
 * on 127.0.0.1, with curl --negotiate as the browser. Keytabs from:
 *   (a) ktpass /mapuser with the ConSol vendor line (/crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL),
 *   (b) keytab ad setpass --random -o,
 *   (c) keytab rotate: a ticket issued before the rotation still works, and a fresh one.
 *   (d) ktpass /crypto RC4-HMAC-NT: RC4 tickets; Java 17 takes them only with allow_weak_crypto.
 * Each service starts once for the file (ports: KTP_APACHE_PORT, default 18080, and
 * KTP_JGSS_PORT, default 18081; (d) starts a second JVM on KTP_JGSS_STRICT_PORT, default
 * 18082; a busy port fails the suite) and is always stopped.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { ktpassDeps } from '../../lib/cli/ktpass-directory.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv } from '../helpers/samba.js';
import { interopEnabled, sambaDc } from '../interop/env.js';
import { serviceAccount, shareWithServices } from './service-user.js';
import { startApache } from './apache.js';
import type { Apache } from './apache.js';
import { kinit, klistE, negotiate, ticketKvno, writeServicesKrb5Conf } from './client.js';
import type { Client } from './client.js';
import { startJgss } from './jgss.js';
import type { Jgss } from './jgss.js';
import { portFromEnv } from './process.js';

const ad = sambaDc();

describe.runIf(interopEnabled() && ad !== undefined)(
  'service acceptance: Apache mod_auth_gssapi and JGSS with keytabs made against Samba',
  () => {
    const id = randomBytes(3).toString('hex');
    const SITES = ['ktpass', 'setpass', 'rotate', 'rc4'] as const;
    type Site = (typeof SITES)[number];
    let dir = '';
    let krb5Config = '';
    let apache: Apache | undefined;
    let jgss: Jgss | undefined;
    /** (d)'s second JVM, without allow_weak_crypto. */
    let strict: Jgss | undefined;
    const user = { principal: '', password: `User-${id}-Pass!` };

    const realm = (): string => ad!.realm;
    const host = (s: Site): string => `web-${s}-${id}.${realm().toLowerCase()}`;
    const principal = (s: Site): string => `HTTP/${host(s)}@${realm()}`;
    const keytabOf = (s: Site): string => join(dir, `${s}.keytab`);
    const keytab = (args: string[]): Promise<RunResult> =>
      runCli(args, { env: adEnv(ad!), cwd: dir });
    const ok = (r: RunResult, what: string): RunResult => {
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      return r;
    };
    const kvnosIn = (kt: string): number[] =>
      [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);
    let caches = 0;
    const freshClient = (): Client => {
      const c = { krb5Config, ccache: `FILE:${dir}/user-${++caches}.ccache` };
      const r = kinit(c, user.principal, user.password);
      expect(r.status, `kinit ${user.principal}: ${r.stderr}`).toBe(0);
      return c;
    };

    /** Both services accept the client's ticket for site S; returns the ticket's kvno. */
    const bothAccept = (c: Client, s: Site, what: string): number => {
      const viaApache = negotiate(c, dir, host(s), apache!.port, `/${s}/ok.txt`);
      expect(
        viaApache.status,
        `Apache, ${what}: ${viaApache.stderr}\n${tailOf(apache!.errorLog)}`,
      ).toBe(200);
      expect(viaApache.body).toBe('apache ok\n');
      expect(viaApache.remoteUser).toBe(user.principal);
      for (const path of [`/${s}`, `/${s}?login=request`]) {
        const viaJava = negotiate(c, dir, host(s), jgss!.port, path);
        expect(
          viaJava.status,
          `JGSS ${path}, ${what}: ${viaJava.body}${viaJava.stderr}\n${tailOf(jgss!.log)}`,
        ).toBe(200);
        expect(viaJava.body).toBe(
          `OK client=${user.principal} service=${principal(s)} mech=1.2.840.113554.1.2.2 login=${path.includes('login=request') ? 'request' : 'kept'}\n`,
        );
      }
      return ticketKvno(c, principal(s));
    };

    beforeAll(async () => {
      // Under the run's work dir (kept with every log when the run fails).
      const base = process.env.KTP_WORK_DIR ?? tmpdir();
      dir = mkdtempSync(join(base, 'services-'));
      // The services (www-data when root) read their configs and keytabs in here.
      chmodSync(dir, 0o755);
      krb5Config = writeServicesKrb5Conf(ad!, join(dir, 'krb5.conf'));
      const sites = SITES.map((s) => ({ name: s, keytab: keytabOf(s), principal: principal(s) }));
      apache = await startApache(
        join(dir, 'apache'),
        portFromEnv('KTP_APACHE_PORT', 18080),
        sites,
        krb5Config,
      );
      jgss = await startJgss(
        join(dir, 'jgss'),
        portFromEnv('KTP_JGSS_PORT', 18081),
        sites,
        krb5Config,
      );

      const name = `u-${id}`;
      writeFileSync(join(dir, 'user.pw'), `${user.password}\n`);
      ok(
        await keytab(['ad', 'create', name, '--password-file', join(dir, 'user.pw')]),
        'ad create (user)',
      );
      user.principal = `${name}@${realm()}`;
    }, 180_000);

    afterAll(async () => {
      const stops = [apache?.stop(), jgss?.stop(), strict?.stop()];
      await Promise.all(stops);
      if (process.env.KTP_WORK_DIR === undefined && dir !== '')
        rmSync(dir, { recursive: true, force: true });
    });

    it('(a) ktpass /mapuser with the ConSol line: Apache and JGSS accept the user', async () => {
      const account = `tomcat-${id}`;
      ok(await keytab(['ad', 'create', account]), 'ad create');
      const kt = keytabOf('ktpass');
      // ktpass /out tomcat.keytab /ptype KRB5_NT_PRINCIPAL /princ HTTP/web.example.com@EXAMPLE.COM
      //        /pass consol.123 /mapuser tomcat /crypto AES256-SHA1
      const r = ok(
        await runCli(
          [
            '/out',
            kt,
            '/ptype',
            'KRB5_NT_PRINCIPAL',
            '/princ',
            principal('ktpass'),
            '/pass',
            'consol.123',
            '/mapuser',
            account,
            '/crypto',
            'AES256-SHA1',
          ],
          {
            env: adEnv(ad!),
            cwd: dir,
            program: 'ktpass',
            mainFn: (ctx, argv) => ktpassMain(ctx, argv, ktpassDeps),
          },
        ),
        'ktpass',
      );
      expect(r.stdout).toContain(`Successfully mapped HTTP/${host('ktpass')} to ${account}.`);
      shareWithServices(kt);
      const [kvno] = kvnosIn(kt);
      expect(bothAccept(freshClient(), 'ktpass', 'ktpass keytab')).toBe(kvno);
    });

    it('(b) ad setpass --random -o: Apache and JGSS accept the user', async () => {
      const account = `svc-${id}`;
      ok(
        await keytab([
          'ad',
          'create',
          account,
          '--spn',
          `HTTP/${host('setpass')}`,
          '--upn',
          principal('setpass'),
          '--enctypes',
          'aes256,aes128',
        ]),
        'ad create',
      );
      const kt = keytabOf('setpass');
      ok(
        await keytab(['ad', 'setpass', account, '--random', '-o', kt, '-p', principal('setpass')]),
        'ad setpass',
      );
      shareWithServices(kt);
      const [kvno] = kvnosIn(kt);
      expect(bothAccept(freshClient(), 'setpass', 'setpass keytab')).toBe(kvno);
    });

    it('(c) rotate: a ticket issued before the rotation is still accepted, and a fresh one; the services keep running', async () => {
      const account = `rot-${id}`;
      ok(
        await keytab([
          'ad',
          'create',
          account,
          '--spn',
          `HTTP/${host('rotate')}`,
          '--upn',
          principal('rotate'),
          '--enctypes',
          'aes256,aes128',
        ]),
        'ad create',
      );
      const kt = keytabOf('rotate');
      ok(
        await keytab(['ad', 'setpass', account, '--random', '-o', kt, '-p', principal('rotate')]),
        'ad setpass',
      );
      shareWithServices(kt);
      const [k0] = kvnosIn(kt);
      const early = freshClient();
      // The ticket is issued now, before the rotation, and used by both services (the JGSS
      // acceptor's long-lived Subject logs in here, with the keytab holding kvno k0 only).
      expect(bothAccept(early, 'rotate', 'before the rotation')).toBe(k0);

      ok(await keytab(['rotate', kt, '--account', account]), 'rotate');
      expect(kvnosIn(kt)).toEqual([k0!, k0! + 1]);
      const st = statSync(kt);
      expect(st.mode & 0o777, 'rotate keeps the mode the services need').toBe(
        serviceAccount() === undefined ? 0o600 : 0o640,
      );
      if (serviceAccount() !== undefined) expect(st.gid).toBe(serviceAccount()!.gid);

      expect(bothAccept(early, 'rotate', 'old ticket (kvno k0) after the rotation')).toBe(k0);
      // ... and it was that one ticket: the cache holds a single ticket for the service.
      expect(
        klistE(early)
          .split('\n')
          .filter((l) => l.includes(principal('rotate'))),
      ).toHaveLength(1);
      expect(bothAccept(freshClient(), 'rotate', 'new ticket after the rotation')).toBe(k0! + 1);

      // The control: rotate again keeping no previous kvno, and the early ticket is refused.
      ok(await keytab(['rotate', kt, '--account', account, '--keep', '0']), 'rotate --keep 0');
      expect(kvnosIn(kt)).toEqual([k0! + 2]);
      expect(negotiate(early, dir, host('rotate'), apache!.port, '/rotate/ok.txt').status).toBe(
        401,
      );
      const java = negotiate(early, dir, host('rotate'), jgss!.port, '/rotate');
      expect(java.status, java.body).toBe(403);
      expect(bothAccept(freshClient(), 'rotate', 'new ticket after rotate --keep 0')).toBe(k0! + 2);
    });

    it('(d) ktpass /crypto RC4-HMAC-NT: an RC4 ticket, accepted by Apache, and by JGSS only with allow_weak_crypto', async () => {
      // --allow-rc4 makes the account RC4-only (msDS-SupportedEncryptionTypes 0x4; without it ktpass
      // refuses RC4-only keys for an account that follows the DC default), so its tickets are RC4:
      // Java 17 decrypts them only with allow_weak_crypto = true in its krb5.conf.
      const account = `rc4-${id}`;
      ok(await keytab(['ad', 'create', account]), 'ad create');
      const kt = keytabOf('rc4');
      ok(
        await runCli(
          [
            '/out',
            kt,
            '/princ',
            principal('rc4'),
            '/mapuser',
            account,
            '/crypto',
            'RC4-HMAC-NT',
            '/ptype',
            'KRB5_NT_PRINCIPAL',
            '/pass',
            `Rc4-${id}-Pass!`,
            '--allow-rc4',
          ],
          {
            env: adEnv(ad!),
            cwd: dir,
            program: 'ktpass',
            mainFn: (ctx, argv) => ktpassMain(ctx, argv, ktpassDeps),
          },
        ),
        'ktpass rc4',
      );
      shareWithServices(kt);
      expect(parseKeytab(readFileSync(kt)).entries.map((e) => e.enctype)).toEqual([23]);
      const c = freshClient();
      expect(bothAccept(c, 'rc4', 'RC4 keytab')).toBe(kvnosIn(kt)[0]);
      const ticket = klistE(c)
        .split('\n')
        .findIndex((l) => l.includes(principal('rc4')));
      expect(klistE(c).split('\n')[ticket + 1]).toMatch(
        /Etype \(skey, tkt\): .*, (DEPRECATED:)?arcfour-hmac/,
      );

      // The same ticket and keytab, and a JVM whose krb5.conf (the DC's own) lacks allow_weak_crypto.
      const site = { name: 'rc4', keytab: kt, principal: principal('rc4') };
      strict = await startJgss(
        join(dir, 'jgss-strict'),
        portFromEnv('KTP_JGSS_STRICT_PORT', 18082),
        [site],
        ad!.krb5Config,
        { classes: jgss!.classes, portEnv: 'KTP_JGSS_STRICT_PORT' },
      );
      try {
        const refused = negotiate(c, dir, host('rc4'), strict.port, '/rc4');
        expect(refused.status, refused.body).toBe(403);
        expect(refused.body).toContain('Encryption type RC4 with HMAC is not supported/enabled');
      } finally {
        await strict.stop();
      }
    });

    it('a busy port is refused with a clear message, before anything starts', async () => {
      await expect(
        startApache(join(dir, 'apache-busy'), apache!.port, [], krb5Config),
      ).rejects.toThrow(
        new RegExp(
          `refusing to start Apache httpd: TCP port ${apache!.port} is already in use .*KTP_APACHE_PORT=PORT`,
        ),
      );
      await expect(startJgss(join(dir, 'jgss-busy'), apache!.port, [], krb5Config)).rejects.toThrow(
        `refusing to start JGSS acceptor: TCP port ${apache!.port} is already in use`,
      );
    });
  },
);

function tailOf(file: string, lines = 25): string {
  try {
    return `--- ${file}\n` + readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
