/**
 * `keytab ad setpass ACCOUNT --kpasswd`: the admin sets the password through kpasswd
 * set-password (RFC 3244, version 0xff80) instead of an LDAP unicodePwd write; the directory is
 * still read for the account and its new kvno.
 *
 * The admin's kadmin/changepw ticket comes from the same credentials as the directory bind:
 * - a password (a simple bind as a UPN, or --auth kerberos with --bind-dn): an AS exchange;
 * - an admin keytab (--admin-keytab, --admin-principal): an AS exchange with its newest keys;
 * - the ticket cache (--auth kerberos without either; KRB5CCNAME): a kadmin/changepw ticket
 *   already in the cache (kinit -S kadmin/changepw), else one asked for with its TGT (a
 *   TGS exchange; a KDC that issues kadmin/changepw tickets only from an AS exchange says so).
 * The KDC and the kpasswd server: krb5.conf when it names the realm's KDC, else the DC of the
 * LDAP URL (a DC is a KDC and a kpasswd server, port 464).
 */
import type { AccountRecord } from '../ad/account.js';
import { rereadAccount } from '../ad/account.js';
import { parseLdapUrl, type DirectoryConfig, type KerberosAuth } from '../ad/config.js';
import type { Directory } from '../ad/types.js';
import type { SetPasswordResult } from '../ad/password.js';
import { utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { getServiceTicket, type KrbCredentials } from '../krb5/client.js';
import {
  ccacheCredentials,
  findCredential,
  isExpired,
  principalText,
  requireTgt,
} from '../krb5/ccache.js';
import { configValues, type Krb5Config } from '../krb5/config.js';
import {
  adminChangepwTicket,
  changepwPrincipal,
  setPasswordAs,
  type KpasswdContext,
} from '../krb5/kpasswd.js';
import { formatPrincipal, parsePrincipal } from '../principal.js';
import { adminKeytabKeys } from '../node/directory-kerberos.js';
import { readCcache } from '../node/ccache.js';
import type { CliContext } from './context.js';
import { loadCliKrb5Config } from './kdc-options.js';
import { cliKpasswdContext, DEFAULT_KPASSWD_ARGS } from './kpasswd-options.js';

type AdminTicket = (
  ctx: CliContext,
  kctx: KpasswdContext,
  config: Krb5Config | undefined,
) => Promise<KrbCredentials>;

/** The credentials of a simple bind as a Kerberos source: only a UPN with its password will do. */
function simpleBindAuth(config: DirectoryConfig): KerberosAuth {
  const bindDn = config.bindDn ?? '';
  if (config.bindPassword === undefined || !/^[^=,]+@[^=,]+$/.test(bindDn)) {
    throw new KtError(
      'USAGE',
      '--kpasswd logs the admin in with Kerberos: give the bind name as a UPN (admin@example.com), not a DN, or use --auth kerberos (the ticket cache, or --admin-keytab)',
    );
  }
  const [user, domain] = bindDn.split('@') as [string, string];
  return {
    source: 'password',
    principal: `${user}@${domain.toUpperCase()}`,
    password: config.bindPassword,
  };
}

function fromCcache(auth: Extract<KerberosAuth, { source: 'ccache' }>): AdminTicket {
  return async (ctx, kctx, config) => {
    const loaded = await readCcache({
      env: ctx.env,
      config,
      ...(auth.ccache !== undefined ? { name: auth.ccache } : {}),
    });
    const { cache } = loaded;
    const now = new Date(ctx.now() * 1000);
    const realm = cache.defaultPrincipal.realm;
    const service = changepwPrincipal(realm);
    const held = findCredential(cache, service);
    if (held && !isExpired(held, now)) return ccacheCredentials(held);
    const tgt = ccacheCredentials(requireTgt(cache, now, realm));
    const r = await getServiceTicket(kctx, tgt, service);
    if (r.ok) return r.credentials;
    const who = principalText(cache.defaultPrincipal);
    throw new KtError(
      'KRB_KDC_ERROR',
      `no kadmin/changepw ticket for ${who} from the TGT in ${loaded.name}: ${r.failure.message}`,
      {
        details: { principal: who, ...(r.failure.errorName ? { error: r.failure.errorName } : {}) },
        hint: `this KDC may issue kadmin/changepw tickets only from an AS exchange (a password or keytab): run kinit -S kadmin/changepw ${who}, or give --admin-keytab with --admin-principal`,
      },
    );
  };
}

function fromKeytab(auth: Extract<KerberosAuth, { source: 'keytab' }>): AdminTicket {
  return async (_ctx, kctx) => {
    return adminChangepwTicket(kctx, parsePrincipal(auth.principal), {
      keys: adminKeytabKeys(auth.keytab, auth.principal),
    });
  };
}

function fromPassword(auth: Extract<KerberosAuth, { source: 'password' }>): AdminTicket {
  return (_ctx, kctx) =>
    adminChangepwTicket(kctx, parsePrincipal(auth.principal), { password: auth.password });
}

const SOURCES: {
  readonly [S in KerberosAuth['source']]: (
    auth: Extract<KerberosAuth, { source: S }>,
  ) => AdminTicket;
} = {
  ccache: fromCcache,
  keytab: fromKeytab,
  password: fromPassword,
};

function adminTicketOf(auth: KerberosAuth): AdminTicket {
  return (SOURCES[auth.source] as (a: KerberosAuth) => AdminTicket)(auth);
}

/** The realm's KDC from krb5.conf, else the DC of the LDAP URL. */
function kdcOverride(
  config: Krb5Config | undefined,
  realm: string,
  url: string,
): string[] | undefined {
  if (config !== undefined && configValues(config, ['realms', realm, 'kdc']).length > 0)
    return undefined;
  const host = parseLdapUrl(url).host;
  return [host.includes(':') ? `[${host}]` : host];
}

export async function setPasswordByKpasswd(
  ctx: CliContext,
  dir: Directory,
  config: DirectoryConfig,
  account: AccountRecord,
  password: string,
): Promise<SetPasswordResult> {
  const auth = config.kerberos ?? simpleBindAuth(config);
  const loaded = loadCliKrb5Config(ctx);
  const kdc = kdcOverride(loaded.config, account.realm, config.url);
  const kctx = cliKpasswdContext(ctx, { ...DEFAULT_KPASSWD_ARGS, kdc }, loaded.config);
  const ticket = await adminTicketOf(auth)(ctx, kctx, loaded.config);
  const target = parsePrincipal(`${account.sAMAccountName}@${account.realm}`);
  if (ticket.client.realm !== account.realm) {
    throw new KtError(
      'USAGE',
      `the admin's ticket is for realm ${ticket.client.realm}, the account ${formatPrincipal(target)} is in ${account.realm}`,
      { hint: "use an admin of the account's domain" },
    );
  }
  await setPasswordAs(kctx, ticket, target, utf8(password));
  const now = await rereadAccount(dir, account);
  return {
    changes: [],
    applied: true,
    account: now,
    kvno: now.msDSKeyVersionNumber ?? 0,
    enabled: false,
  };
}
