/**
 * Kerberos for the directory: the admin's ticket-granting ticket (from the ticket cache, a
 * password or an admin keytab), a service ticket for ldap/<DC host name>, and the sealed
 * SASL GSSAPI connection (sasl-socket.ts) that ldapts is then given.
 *
 * Where things come from:
 * - the KDC: krb5.conf (KRB5_CONFIG, else /etc/krb5.conf) when it names one for the realm,
 *   else the directory's own host on port 88 (a DC is a KDC); no DNS lookups;
 * - the DC's host name for the SPN: --ldap-host, else the URL's host when it is a name, else
 *   the RootDSE's dnsHostName read before binding (an anonymous read every DC allows);
 * - the realm: the admin principal's, or the ticket cache's.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Client } from 'ldapts';
import { parseLdapUrl } from '../ad/config.js';
import type { DirectoryConfig, KerberosAuth } from '../ad/config.js';
import { KtError } from '../errors.js';
import { directoryError, isUnreachableError } from '../ad/errors.js';
import { getInitialTicket, getServiceTicket } from '../krb5/client.js';
import type { KdcFailure, KrbContext, KrbCredentials, KrbKey } from '../krb5/client.js';
import { ccacheCredentials, principalText, requireTgt } from '../krb5/ccache.js';
import { KRB_ERR } from '../krb5/constants.js';
import { parseKeytab } from '../keytab/decode.js';
import { configValues } from '../krb5/config.js';
import type { Krb5Config } from '../krb5/config.js';
import { parsePrincipal, samePrincipal } from '../principal.js';
import { readCcache } from './ccache.js';
import { readFileBounded, KEYTAB_MAX_BYTES } from './bounded-read.js';
import { createNodeKdcTransport, loadNodeKrb5Config } from './krb5-transport.js';
import { openSaslGssapi, sealedConnector } from './sasl-socket.js';
import type { SaslConnection, SealedSocket } from './sasl-socket.js';

/** What the directory session reports about its Kerberos bind (doctor, --debug-auth). */
export interface KerberosBindInfo {
  readonly source: KerberosAuth['source'];
  /** Where the credentials came from: the cache name, the keytab path, or the principal. */
  readonly from: string;
  readonly client: string;
  readonly service: string;
  readonly kdc: string;
}

function loadConfig(env: Readonly<Record<string, string | undefined>>): Krb5Config | undefined {
  try {
    return loadNodeKrb5Config(env);
  } catch {
    return undefined;
  }
}

function kdcContext(
  env: Readonly<Record<string, string | undefined>>,
  realm: string,
  dcHost: string,
  timeoutMs: number,
): { ctx: KrbContext; kdc: string } {
  const config = loadConfig(env);
  const known = config !== undefined && configValues(config, ['realms', realm, 'kdc']).length > 0;
  const kdcs = known
    ? undefined
    : [dcHost.includes(':') && isIP(dcHost) === 6 ? `[${dcHost}]:88` : `${dcHost}:88`];
  return {
    ctx: {
      transport: createNodeKdcTransport({
        kdcs,
        config,
        useDns: false,
        timeoutMs: Math.min(timeoutMs, 10_000),
      }),
      now: () => new Date(),
      random: (n) => new Uint8Array(randomBytes(n)),
    },
    kdc: known ? `the KDCs of ${realm} in krb5.conf` : `${dcHost}:88`,
  };
}

/** Why a KDC refused, by its error code: the `reason` in the error's details (doctor reads it), and the fix. */
const REFUSALS: Readonly<
  Record<
    number,
    { readonly reason: string; readonly hint: (service: string | undefined) => string }
  >
> = Object.freeze({
  [KRB_ERR.SKEW]: {
    reason: 'clock-skew',
    hint: () =>
      "this host's clock and the DC's differ by more than 5 minutes: sync the clock (chronyc makestep, timedatectl set-ntp true)",
  },
  [KRB_ERR.S_PRINCIPAL_UNKNOWN]: {
    reason: 'unknown-ldap-spn',
    hint: (service) =>
      `the DC has no SPN ${service ?? 'ldap/<host>'}: give the DC's own DNS name (its dnsHostName, e.g. dc1.example.com) with --ldap-host or in the URL`,
  },
  [KRB_ERR.C_PRINCIPAL_UNKNOWN]: {
    reason: 'unknown-client',
    hint: () => 'no such account: check the admin principal (admin@REALM, the realm in capitals)',
  },
});

/** A KDC refusal in words, with the usual causes named. */
function refusal(
  what: string,
  failure: KdcFailure,
  o: { hint?: string | undefined; reason?: string | undefined; service?: string | undefined } = {},
): KtError {
  const known = failure.errorCode === undefined ? undefined : REFUSALS[failure.errorCode];
  const reason = known?.reason ?? o.reason;
  return new KtError('AD_SASL', `${what}: ${failure.message}`, {
    details: {
      errorCode: failure.errorCode ?? 0,
      ...(reason !== undefined ? { reason } : {}),
      ...(o.service !== undefined ? { service: o.service } : {}),
    },
    hint: known?.hint(o.service) ?? o.hint,
  });
}

/** The newest keys of `principal` in an admin keytab (AD_CONFIG when it has none). */
export function adminKeytabKeys(keytab: string, principalName: string): KrbKey[] {
  const principal = parsePrincipal(principalName);
  const entries = parseKeytab(
    readFileBounded(keytab, { max: KEYTAB_MAX_BYTES, what: 'keytab' }).bytes,
  ).entries.filter((e) => samePrincipal(e.principal, principal));
  if (entries.length === 0)
    throw new KtError('AD_CONFIG', `${keytab} has no keys for ${principalName}`, {
      hint: 'give the principal the admin keytab holds with --admin-principal (keytab list shows them)',
    });
  const newest = Math.max(...entries.map((e) => e.kvno));
  return entries
    .filter((e) => e.kvno === newest)
    .map((e) => ({ enctype: e.enctype, key: e.key, kvno: e.kvno }));
}

async function tgtFrom(
  auth: KerberosAuth,
  env: Readonly<Record<string, string | undefined>>,
  dcHost: string,
  timeoutMs: number,
): Promise<{ tgt: KrbCredentials; ctx: KrbContext; kdc: string; from: string }> {
  if (auth.source === 'ccache') {
    const loaded = await readCcache({
      env,
      config: loadConfig(env),
      ...(auth.ccache !== undefined ? { name: auth.ccache } : {}),
    });
    const entry = requireTgt(loaded.cache, new Date());
    const realm = loaded.cache.defaultPrincipal.realm;
    return {
      tgt: ccacheCredentials(entry),
      ...kdcContext(env, realm, dcHost, timeoutMs),
      from: loaded.name,
    };
  }
  const principal = parsePrincipal(auth.principal);
  const { ctx, kdc } = kdcContext(env, principal.realm, dcHost, timeoutMs);
  const keys = auth.source === 'keytab' ? adminKeytabKeys(auth.keytab, auth.principal) : undefined;
  const secret = keys ? { keys } : { password: auth.source === 'password' ? auth.password : '' };
  const r = await getInitialTicket(ctx, principal, secret);
  if (!r.ok) {
    const preauth = r.failure.errorCode === KRB_ERR.PREAUTH_FAILED;
    throw refusal(`the KDC refused ${auth.principal}`, r.failure, {
      hint: preauth
        ? keys
          ? 'the admin keytab is stale (the password changed since): make it again'
          : 'wrong password for the admin account'
        : undefined,
      reason: preauth ? (keys ? 'stale-admin-keytab' : 'wrong-password') : undefined,
    });
  }
  return {
    tgt: r.credentials,
    ctx,
    kdc,
    from: auth.source === 'keytab' ? auth.keytab : auth.principal,
  };
}

/** The admin's TGT and a service ticket for ldap/<host>; `renew` asks for another one with the same TGT. */
export async function ldapServiceTicket(
  auth: KerberosAuth,
  env: Readonly<Record<string, string | undefined>>,
  dcAddress: string,
  /** The DC's host name for its ldap/ SPN: asked for after the TGT (no network before a bad cache is named). */
  spnHost: () => Promise<string>,
  timeoutMs: number,
): Promise<{
  ticket: KrbCredentials;
  ctx: KrbContext;
  info: KerberosBindInfo;
  renew: () => Promise<KrbCredentials>;
}> {
  const { tgt, ctx, kdc, from } = await tgtFrom(auth, env, dcAddress, timeoutMs);
  const realm = tgt.client.realm;
  const service = parsePrincipal(`ldap/${(await spnHost()).toLowerCase()}@${realm}`);
  const renew = async (): Promise<KrbCredentials> => {
    const r = await getServiceTicket(ctx, tgt, service);
    if (!r.ok) {
      const expired = r.failure.errorCode === 32; /* KRB_AP_ERR_TKT_EXPIRED */
      throw refusal(`no ticket for ${principalText(service)}`, r.failure, {
        service: principalText(service),
        ...(expired
          ? {
              hint: 'the Kerberos credentials expired while connected: run the command again (after kinit)',
            }
          : {}),
      });
    }
    return r.credentials;
  };
  const ticket = await renew();
  return {
    ticket,
    ctx,
    renew,
    info: {
      source: auth.source,
      from,
      client: principalText(tgt.client),
      service: principalText(service),
      kdc,
    },
  };
}

/** The DC's host name for its SPN: given, the URL's when it is a name, else the RootDSE's dnsHostName. */
async function spnHostOf(config: DirectoryConfig, host: string, port: number): Promise<string> {
  if (config.ldapHost !== undefined) return config.ldapHost;
  if (isIP(host) === 0) return host;
  const client = new Client({
    url: `ldap://${isIP(host) === 6 ? `[${host}]` : host}:${port}`,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
  });
  try {
    const r = await client.search('', { scope: 'base', attributes: ['dnsHostName'] });
    const name = r.searchEntries[0]?.['dnsHostName'];
    if (typeof name === 'string' && name !== '') return name;
  } catch (err) {
    // Not reachable at all: the host name would not help; say so, as every other connect error.
    if (isUnreachableError(err)) {
      throw directoryError(err, {
        operation: 'connect',
        url: config.url,
        timeoutMs: config.timeoutMs,
      });
    }
    throw new KtError(
      'AD_CONNECT',
      `cannot read the DC's host name from ${host}:${port} (the RootDSE, before binding): ${(err as Error).message}`,
      {
        hint: "give the DC's DNS name with --ldap-host dc1.example.com (its ldap/ SPN names it)",
        cause: err,
      },
    );
  } finally {
    await client.unbind().catch(() => undefined);
  }
  throw new KtError(
    'AD_CONFIG',
    `${host} did not give its host name (no dnsHostName in the RootDSE)`,
    { hint: "give the DC's DNS name with --ldap-host dc1.example.com" },
  );
}

/**
 * The bound, sealed connection for a Kerberos configuration, how it was made, and ldapts'
 * createConnection: it hands over this connection, then binds anew whenever ldapts reconnects
 * (the same service ticket while it is valid for another minute, else a new one).
 */
export async function openSealedConnection(
  config: DirectoryConfig & { readonly kerberos: KerberosAuth },
): Promise<{
  conn: SaslConnection;
  info: KerberosBindInfo;
  createConnection: () => SealedSocket;
  socketError: () => Error | undefined;
}> {
  const url = parseLdapUrl(config.url);
  const { ticket, ctx, info, renew } = await ldapServiceTicket(
    config.kerberos,
    config.krb5Env ?? {},
    url.host,
    () => spnHostOf(config, url.host, url.port),
    config.timeoutMs,
  );
  const base = {
    host: url.host,
    port: url.port,
    timeoutMs: config.timeoutMs,
    random: ctx.random,
    now: ctx.now,
  };
  const conn = await openSaslGssapi({ ...base, ticket });
  let current = ticket;
  const connect = sealedConnector(conn.socket, async () => {
    if (current.endTime.getTime() - ctx.now().getTime() < 60_000) current = await renew();
    return { ...base, ticket: current };
  });
  // ldapts keeps only the message of a socket error: the typed error (GSS_* codes) is read back here.
  let latest = conn.socket;
  const createConnection = (): SealedSocket => (latest = connect());
  return { conn, info, createConnection, socketError: () => latest.lastError };
}
