/**
 * SASL GSSAPI with sealing against the Samba AD DC on ldap://127.0.0.1:389 (Samba's default
 * "ldap server require strong auth = yes": simple binds there are refused). The reconnection
 * tests put a loopback TCP proxy of their own between us and the DC and cut it, as a DC's idle
 * timeout or restart would.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { LdapDirectory } from '../../lib/ad/directory.js';
import { KtError } from '../../lib/errors.js';
import { getInitialTicket, getServiceTicket } from '../../lib/krb5/client.js';
import type { KrbContext, KrbCredentials } from '../../lib/krb5/client.js';
import { createNodeKdcTransport } from '../../lib/node/krb5-transport.js';
import { openSaslGssapi, sealedConnector } from '../../lib/node/sasl-socket.js';
import { parsePrincipal } from '../../lib/principal.js';
import { runCli } from '../helpers/cli.js';
import { proveKeytab } from '../helpers/samba.js';
import { interopEnabled, sambaDc, tempDir } from './env.js';

const ad = sambaDc();

/**
 * A loopback TCP proxy to the DC's LDAP port that counts connections and can cut them all, or
 * flip the last octet of everything the DC sends from now on (a tampered wrap token).
 */
async function ldapProxy(): Promise<{
  port: number;
  connections: () => number;
  cut: () => void;
  corrupt: () => void;
  stop: () => Promise<void>;
}> {
  const live = new Set<Socket>();
  let count = 0;
  let corrupting = false;
  const server: Server = createServer((client) => {
    count++;
    const upstream = connect({ host: '127.0.0.1', port: 389 });
    live.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (corrupting) chunk[chunk.length - 1]! ^= 0x01;
      client.write(chunk);
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    cut: () => {
      for (const s of live) s.destroy();
    },
    corrupt: () => {
      corrupting = true;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A Kerberos directory session (the admin's FILE: ticket cache) to the DC through a proxy port. */
const sessionThrough = (port: number): Promise<LdapDirectory> =>
  LdapDirectory.open({
    url: `ldap://127.0.0.1:${port}`,
    kerberos: { source: 'ccache', ccache: ad!.kerberos!.ccache },
    ldapHost: `dc1.${ad!.realm.toLowerCase()}`,
    krb5Env: { KRB5_CONFIG: ad!.krb5Config, KRB5CCNAME: ad!.kerberos!.ccache },
    bindDn: undefined,
    bindPassword: undefined,
    baseDn: undefined,
    caFile: undefined,
    ca: undefined,
    startTls: false,
    insecureTls: false,
    timeoutMs: 5000,
  });

const administratorQuery = () => ({
  base: `CN=Users,${ad!.baseDn}`,
  scope: 'one' as const,
  filter: '(sAMAccountName=Administrator)',
  attributes: ['sAMAccountName'],
});

const until = async (what: string, ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

describe.runIf(interopEnabled() && ad !== undefined)('SASL GSSAPI, sealed (Samba)', () => {
  const krb = (): KrbContext => ({
    transport: createNodeKdcTransport({ kdcs: [ad!.kdc], useDns: false, timeoutMs: 3000 }),
    now: () => new Date(),
    random: (n) => new Uint8Array(randomBytes(n)),
  });
  it('binds with the admin TGT, then searches over the sealed connection', async () => {
    const ctx = krb();
    const admin = parsePrincipal(`Administrator@${ad!.realm}`);
    const tgt = await getInitialTicket(ctx, admin, {
      password: readFileSync(ad!.bindPasswordFile, 'utf8'),
    });
    expect(tgt.ok).toBe(true);
    if (!tgt.ok) return;
    const svc = await getServiceTicket(
      ctx,
      tgt.credentials,
      parsePrincipal(`ldap/dc1.${ad!.realm.toLowerCase()}@${ad!.realm}`),
    );
    expect(svc.ok, JSON.stringify(!svc.ok && svc.failure.message)).toBe(true);
    if (!svc.ok) return;
    const conn = await openSaslGssapi({
      host: '127.0.0.1',
      port: 389,
      timeoutMs: 5000,
      ticket: svc.credentials,
      random: ctx.random,
      now: ctx.now,
    });
    let used = false;
    const client = new Client({
      url: 'ldap://127.0.0.1:389',
      timeout: 5000,
      createConnection: (() => {
        if (used) throw new Error('reconnect');
        used = true;
        return conn.socket;
      }) as never,
    });
    const root = await client.search('', {
      scope: 'base',
      attributes: ['defaultNamingContext', 'dnsHostName'],
    });
    expect(root.searchEntries[0]?.['defaultNamingContext']).toBe(ad!.baseDn);
    // Anonymous binds see nothing of this; the sealed, authenticated connection does.
    const admin2 = await client.search(`CN=Users,${ad!.baseDn}`, {
      scope: 'one',
      filter: '(sAMAccountName=Administrator)',
      attributes: ['sAMAccountName'],
    });
    expect(admin2.searchEntries[0]?.['sAMAccountName']).toBe('Administrator');
    await client.unbind();
  });

  // keytab ad over ldap://127.0.0.1:389 with --auth kerberos and no CA file, the credentials
  // from each source the DC start made (test/servers/samba-dc.sh admin_credentials).
  for (const mode of ['ccache', 'dir', 'password', 'keytab'] as const) {
    it(`keytab ad show over the sealed connection, credentials from ${mode}`, async () => {
      const k = ad!.kerberos!;
      const env: Record<string, string> = {
        KEYTAB_AUTH: 'kerberos',
        KEYTAB_LDAP_URL: k.ldapUrl,
        KEYTAB_BASE_DN: ad!.baseDn,
        KRB5_CONFIG: ad!.krb5Config,
        KRB5CCNAME: `FILE:${ad!.dir}/none`,
      };
      if (mode === 'ccache') env['KRB5CCNAME'] = k.ccache;
      if (mode === 'dir') env['KRB5CCNAME'] = k.dirCcache;
      if (mode === 'password')
        Object.assign(env, {
          KEYTAB_BIND_DN: k.adminPrincipal,
          KEYTAB_BIND_PASSWORD_FILE: ad!.bindPasswordFile,
        });
      if (mode === 'keytab')
        Object.assign(env, {
          KEYTAB_ADMIN_KEYTAB: k.adminKeytab,
          KEYTAB_ADMIN_PRINCIPAL: k.adminPrincipal,
        });
      const r = await runCli(['ad', 'show', 'Administrator', '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).sAMAccountName).toBe('Administrator');
      expect(r.stderr).toBe('');
    });
  }

  it('a password write over the sealed connection (no TLS anywhere): setpass -o keys pass kinit -k and kvno -k', async () => {
    const k = ad!.kerberos!;
    const env = {
      KEYTAB_AUTH: 'kerberos',
      KEYTAB_LDAP_URL: k.ldapUrl,
      KEYTAB_BASE_DN: ad!.baseDn,
      KRB5_CONFIG: ad!.krb5Config,
      KRB5CCNAME: k.ccache,
    };
    const name = `sasl-${randomBytes(3).toString('hex')}`;
    const principal = `HTTP/${name}.${ad!.realm.toLowerCase()}@${ad!.realm}`;
    const dir = tempDir('ktp-sasl-');
    try {
      expect(
        (
          await runCli(
            [
              'ad',
              'create',
              name,
              '--spn',
              `HTTP/${name}.${ad!.realm.toLowerCase()}`,
              '--upn',
              principal,
              '--enctypes',
              'aes256,aes128',
            ],
            { env },
          )
        ).code,
      ).toBe(0);
      const kt = `${dir.path}/sasl.keytab`;
      const r = await runCli(
        ['ad', 'setpass', name, '--random', '-o', kt, '-p', principal, '--json'],
        { env },
      );
      expect(r.code, r.stderr).toBe(0);
      proveKeytab(ad!, dir.path, kt, principal, principal, JSON.parse(r.stdout).kvno);
    } finally {
      dir.cleanup();
    }
  });

  describe('reconnection after the DC drops the connection', () => {
    async function adminTicket(ctx: KrbContext): Promise<KrbCredentials> {
      const tgt = await getInitialTicket(ctx, parsePrincipal(`Administrator@${ad!.realm}`), {
        password: readFileSync(ad!.bindPasswordFile, 'utf8'),
      });
      if (!tgt.ok) throw new Error(tgt.failure.message);
      const svc = await getServiceTicket(
        ctx,
        tgt.credentials,
        parsePrincipal(`ldap/dc1.${ad!.realm.toLowerCase()}@${ad!.realm}`),
      );
      if (!svc.ok) throw new Error(svc.failure.message);
      return svc.credentials;
    }

    it('ldapts reconnects through the connector: a fresh SASL bind, and the next search works, sealed', async () => {
      const proxy = await ldapProxy();
      const ctx = krb();
      const options = {
        host: '127.0.0.1',
        port: proxy.port,
        timeoutMs: 5000,
        ticket: await adminTicket(ctx),
        random: ctx.random,
        now: ctx.now,
        env: {},
      };
      const conn = await openSaslGssapi(options);
      const client = new Client({
        url: `ldap://127.0.0.1:${proxy.port}`,
        timeout: 5000,
        createConnection: sealedConnector(conn.socket, async () => options) as never,
      });
      try {
        const before = await client.search(`CN=Users,${ad!.baseDn}`, {
          scope: 'one',
          filter: '(sAMAccountName=Administrator)',
          attributes: ['sAMAccountName'],
        });
        expect(before.searchEntries).toHaveLength(1);
        proxy.cut();
        await until('ldapts to see the close', () => !client.isConnected);
        const after = await client.search(`CN=Users,${ad!.baseDn}`, {
          scope: 'one',
          filter: '(sAMAccountName=Administrator)',
          attributes: ['sAMAccountName'],
        });
        expect(after.searchEntries[0]?.['sAMAccountName']).toBe('Administrator');
        expect(proxy.connections()).toBe(2);
      } finally {
        await client.unbind().catch(() => undefined);
        await proxy.stop();
      }
    });

    it('a tampered token from the DC: the directory operation fails with the GSS code in words, at once', async () => {
      const proxy = await ldapProxy();
      const dir = await sessionThrough(proxy.port);
      try {
        const query = administratorQuery();
        expect(await dir.search(query)).toHaveLength(1);
        proxy.corrupt();
        const err = await dir.search(query).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(KtError);
        expect((err as KtError).code).toMatch(/^GSS_/);
        expect((err as KtError).message).not.toMatch(/^\s*$/);
      } finally {
        await dir.close();
        proxy.cut();
        await proxy.stop();
      }
    });

    it('a directory session (--auth kerberos) survives a dropped connection; with the DC gone, the error says so in words', async () => {
      const proxy = await ldapProxy();
      const dir = await sessionThrough(proxy.port);
      try {
        const query = administratorQuery();
        expect(await dir.search(query)).toHaveLength(1);
        proxy.cut();
        await until('the session to see the close', () => !dir.encrypted);
        expect(await dir.search(query)).toHaveLength(1);
        expect(dir.encrypted).toBe(true);
        expect(proxy.connections()).toBe(2);
        // Now the DC is unreachable: the reconnection's bind fails, as a typed error in words.
        proxy.cut();
        await proxy.stop();
        await until('the session to see the close', () => !dir.encrypted);
        const err = await dir.search(query).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(KtError);
        expect((err as KtError).code).toBe('AD_CONNECT');
        expect((err as KtError).message).toMatch(
          /cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/,
        );
      } finally {
        await dir.close();
      }
    });
  });
});
