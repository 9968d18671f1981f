/**
 * Which bind a directory configuration uses (--auth auto|kerberos|simple, KEYTAB_AUTH) and,
 * for Kerberos, where the credentials come from. Pure: the password is read by the caller.
 *
 * auto, the default:
 *   ldap:// without --starttls          Kerberos. A simple bind there is clear text: refused for
 *                                       password writes, and by DCs that require LDAP signing.
 *   ldaps:// or --starttls, a bind DN   simple, as before (back-compatible).
 *   ldaps:// or --starttls, no bind DN  refused (AD_CONFIG): Kerberos runs over ldap:// on port
 *                                       389 and seals the connection itself; the hint says how.
 * kerberos: ldap:// only (no --starttls). simple: a bind DN and its password.
 *
 * Kerberos credentials, when several are present: --admin-keytab (with --admin-principal),
 * then --bind-dn with its password, then the ticket cache (KRB5CCNAME, after `kinit`).
 */
import { KtError } from '../errors.js';
import { KEYTAB_SPELLING, option, remedy, renderRemedy } from '../remedy.js';
import type { Remedy } from '../remedy.js';
import { looksLikeDn } from './escape.js';

export type AuthMode = 'auto' | 'kerberos' | 'simple';

/**
 * Kerberos credentials for the directory (SASL GSSAPI with sealing on ldap://): the admin's
 * ticket cache, an admin password (a TGT is asked for with it, and kept in memory only), or
 * an admin keytab (for cron jobs).
 */
export type KerberosAuth =
  | { readonly source: 'ccache'; readonly ccache?: string | undefined }
  | { readonly source: 'password'; readonly principal: string; readonly password: string }
  | { readonly source: 'keytab'; readonly principal: string; readonly keytab: string };

/** The bind chosen, and why in words (doctor and --debug-auth print it). */
export interface AuthChoice {
  readonly requested: AuthMode;
  readonly method: 'kerberos' | 'simple';
  /** In the keytab CLI's spelling of the options it names. */
  readonly reason: string;
  /** The reason as data, when it names an option (front ends spell it their way). */
  readonly reasonRemedy?: Remedy | undefined;
}

/** A choice whose reason names an option: the words in keytab's spelling, and as data. */
const named = (requested: AuthMode, method: AuthChoice['method'], r: Remedy): AuthChoice => ({
  requested,
  method,
  reason: renderRemedy(r, KEYTAB_SPELLING),
  reasonRemedy: r,
});

export interface AuthInputs {
  readonly mode: AuthMode;
  readonly scheme: 'ldap' | 'ldaps';
  readonly host: string;
  readonly startTls: boolean;
  readonly bindDn: string | undefined;
  readonly adminKeytab: string | undefined;
  readonly adminPrincipal: string | undefined;
}

export function parseAuthMode(text: string | undefined): AuthMode {
  const mode = (text ?? 'auto').toLowerCase();
  if (mode === 'auto' || mode === 'kerberos' || mode === 'simple') return mode;
  throw new KtError('USAGE', remedy`${option('auth', text)}: give kerberos, simple or auto`);
}

const KERBEROS_OVER_LDAP =
  'Kerberos runs over ldap:// (port 389) and seals the connection itself: no TLS, no certificate';

/** Decides the bind; refuses the combinations that cannot work, saying what to give instead. */
export function chooseAuth(i: AuthInputs): AuthChoice {
  const tls = i.scheme === 'ldaps' || i.startTls;
  const where = i.startTls
    ? remedy`ldap://${i.host} with ${option('startTls')}`
    : remedy`${i.scheme}://${i.host}`;
  if (i.mode === 'simple') {
    if (i.adminKeytab !== undefined)
      throw new KtError(
        'USAGE',
        remedy`${option('adminKeytab')} binds with Kerberos, not with ${option('auth', 'simple')}`,
        {
          remedy: remedy`drop ${option('auth', 'simple')} and give an ldap:// URL, or drop ${option('adminKeytab')}`,
        },
      );
    if (i.bindDn === undefined) {
      throw new KtError('AD_CONFIG', remedy`${option('auth', 'simple')} needs a bind account`, {
        remedy: remedy`give ${option('bindDn', 'admin@example.com')} (a UPN or a DN), or set KEYTAB_BIND_DN; or bind with Kerberos: kinit admin@REALM, then ${option('ldapUrl', `ldap://${i.host}`)}`,
      });
    }
    return named(
      'simple',
      'simple',
      remedy`${option('auth', 'simple')}: a simple bind as ${i.bindDn}`,
    );
  }
  if (tls) {
    if (i.mode === 'kerberos' || i.adminKeytab !== undefined) {
      const what =
        i.mode === 'kerberos'
          ? remedy`${option('auth', 'kerberos')}`
          : remedy`${option('adminKeytab')} (a Kerberos credential)`;
      throw new KtError(
        'AD_CONFIG',
        remedy`${what} cannot be used with ${where}: ${KERBEROS_OVER_LDAP}`,
        {
          remedy: remedy`give ${option('ldapUrl', `ldap://${i.host}`)} (port 389, no ${option('startTls')}), or a simple bind: ${option('auth', 'simple')} ${option('bindDn', 'admin@example.com')}`,
        },
      );
    }
    if (i.bindDn === undefined) {
      throw new KtError(
        'AD_CONFIG',
        remedy`no bind account for ${where}: over TLS keytab binds with a bind DN and password, and ${KERBEROS_OVER_LDAP}`,
        {
          remedy: remedy`to use your Kerberos ticket (kinit admin@REALM), give ${option('ldapUrl', `ldap://${i.host}`)}; for a simple bind, give ${option('bindDn', 'admin@example.com')} (or KEYTAB_BIND_DN)`,
        },
      );
    }
    const r = remedy`${where} with a bind DN: a simple bind as ${i.bindDn} over TLS`;
    return r.parts.length === 1
      ? { requested: 'auto', method: 'simple', reason: renderRemedy(r, KEYTAB_SPELLING) }
      : named('auto', 'simple', r);
  }
  if (i.mode === 'kerberos')
    return named('kerberos', 'kerberos', remedy`${option('auth', 'kerberos')}`);
  return {
    requested: i.mode,
    method: 'kerberos',
    reason: `ldap://${i.host} without TLS: Kerberos (SASL GSSAPI, sealed), the default there`,
  };
}

/** A principal from a UPN or principal name: the realm in upper case (admin@example.com -> admin@EXAMPLE.COM). */
export function kerberosPrincipal(name: string): string {
  if (looksLikeDn(name)) {
    throw new KtError(
      'AD_CONFIG',
      `${name} is a DN: a Kerberos bind needs the account as a principal or UPN`,
      {
        remedy: remedy`give ${option('bindDn', 'admin@EXAMPLE.COM')}; or, for a simple bind with the DN, use ldaps:// (or ${option('startTls')})`,
      },
    );
  }
  const at = name.lastIndexOf('@');
  if (at <= 0)
    throw new KtError('AD_CONFIG', `${name}: give the account with its realm, admin@EXAMPLE.COM`);
  return `${name.slice(0, at)}@${name.slice(at + 1).toUpperCase()}`;
}

/**
 * Where the Kerberos credentials come from, in this order: an admin keytab (--admin-keytab),
 * else the bind account's password (--bind-dn; `password` reads it from a file, the
 * environment or the prompt), else the admin's ticket cache (KRB5CCNAME or krb5.conf's
 * default), the usual way after `kinit admin@REALM`.
 */
export async function kerberosCredentials(
  i: Pick<AuthInputs, 'bindDn' | 'adminKeytab' | 'adminPrincipal'>,
  password: (principal: string) => Promise<string>,
): Promise<KerberosAuth> {
  if (i.adminKeytab !== undefined) {
    const principal = i.adminPrincipal ?? i.bindDn;
    if (principal === undefined) {
      throw new KtError(
        'AD_CONFIG',
        remedy`${option('adminKeytab', i.adminKeytab)} needs the principal to use from it`,
        {
          remedy: remedy`give ${option('adminPrincipal', 'admin@EXAMPLE.COM')} (or set KEYTAB_ADMIN_PRINCIPAL)`,
        },
      );
    }
    return { source: 'keytab', principal: kerberosPrincipal(principal), keytab: i.adminKeytab };
  }
  if (i.adminPrincipal !== undefined)
    throw new KtError(
      'USAGE',
      remedy`${option('adminPrincipal')} goes with ${option('adminKeytab')}`,
      { remedy: remedy`for a password, give the account with ${option('bindDn')}` },
    );
  if (i.bindDn !== undefined) {
    const principal = kerberosPrincipal(i.bindDn);
    return { source: 'password', principal, password: await password(principal) };
  }
  return { source: 'ccache' };
}
