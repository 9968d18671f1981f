/**
 * Where the directory is and how to bind to it: from options (flags), then the environment
 * (KEYTAB_LDAP_URL, KEYTAB_BIND_DN, KEYTAB_BIND_PASSWORD or KEYTAB_BIND_PASSWORD_FILE,
 * KEYTAB_BASE_DN, KEYTAB_CA_FILE, KEYTAB_AUTH, KEYTAB_ADMIN_KEYTAB, KEYTAB_ADMIN_PRINCIPAL), then a
 * no-echo prompt for the password. Which bind is used (Kerberos or simple) is auth-choice.ts's
 * rule. File reading, prompting and warnings are injected, so the rules are tested without a
 * terminal.
 */
import { KtError } from '../errors.js';
import { KEYTAB_SPELLING, option, remedy, renderRemedy } from '../remedy.js';
import type { Remedy, RemedySpelling } from '../remedy.js';

import { chooseAuth, kerberosCredentials, parseAuthMode } from './auth-choice.js';
import type { AuthChoice, KerberosAuth } from './auth-choice.js';

export type { AuthChoice, AuthMode, KerberosAuth } from './auth-choice.js';

/** Everything openDirectory() needs. */
export interface DirectoryConfig {
  /** `ldaps://host[:port]` or `ldap://host[:port]`. */
  readonly url: string;
  /** Simple binds: a DN (`CN=admin,CN=Users,DC=example,DC=com`) or a UPN (`admin@example.com`). */
  readonly bindDn: string | undefined;
  readonly bindPassword: string | undefined;
  /** Which bind was chosen and why (--auth, the URL, the credentials given). */
  readonly auth?: AuthChoice | undefined;
  /** Set: bind with Kerberos (SASL GSSAPI, sealed) instead of a simple bind. */
  readonly kerberos?: KerberosAuth | undefined;
  /** The DC's host name for its ldap/ SPN, when the URL holds an address (default: the RootDSE's dnsHostName). */
  readonly ldapHost?: string | undefined;
  /** KRB5_CONFIG and KRB5CCNAME as the command saw them (Kerberos only). */
  readonly krb5Env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Search base; undefined = the RootDSE's defaultNamingContext. */
  readonly baseDn: string | undefined;
  /** Path of the CA file, for messages. */
  readonly caFile: string | undefined;
  /** PEM text of the CA certificate(s); undefined = Node's CAs plus the system bundle. */
  readonly ca: string | undefined;
  /** Upgrade an ldap:// connection with StartTLS (RFC 4511 4.14) before binding. */
  readonly startTls: boolean;
  /** Certificate verification off (only on explicit request; warned about). */
  readonly insecureTls: boolean;
  /** Connect and per-operation timeout, in milliseconds. */
  readonly timeoutMs: number;
}

/** The options as a command line gives them (all optional; the environment fills gaps). */
export interface DirectoryOptions {
  readonly ldapUrl?: string | undefined;
  readonly bindDn?: string | undefined;
  readonly bindPasswordFile?: string | undefined;
  /** The password itself: visible in `ps`; accepted only with a warning. */
  readonly bindPassword?: string | undefined;
  readonly baseDn?: string | undefined;
  readonly caFile?: string | undefined;
  readonly startTls?: boolean | undefined;
  readonly insecureTls?: boolean | undefined;
  /** Seconds. */
  readonly timeout?: number | undefined;
  /** `auto` (default), `kerberos` or `simple`. */
  readonly auth?: string | undefined;
  readonly adminKeytab?: string | undefined;
  readonly adminPrincipal?: string | undefined;
  readonly ldapHost?: string | undefined;
}

export interface ConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file as text (the CA file); throws a KtError naming the file when it cannot. */
  readonly readFile: (path: string) => string | Promise<string>;
  /** Reads a password file as text, one trailing newline dropped; throws a KtError when it cannot. */
  readonly readSecretFile: (path: string) => string | Promise<string>;
  /** Asks for the bind password without echo; undefined when there is no terminal. */
  readonly prompt?: ((question: string) => Promise<string>) | undefined;
  readonly warn: (message: string) => void;
  /** How the front end spells the options a warning names (default: the keytab CLI's). */
  readonly spelling?: RemedySpelling | undefined;
}

/** A warning that names options, in the front end's spelling. */
const warnOf = (sources: ConfigSources, r: Remedy): void =>
  sources.warn(renderRemedy(r, sources.spelling ?? KEYTAB_SPELLING));

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** The environment variables, by the option they stand in for. */
export const DIRECTORY_ENV = Object.freeze({
  url: 'KEYTAB_LDAP_URL',
  bindDn: 'KEYTAB_BIND_DN',
  bindPassword: 'KEYTAB_BIND_PASSWORD',
  bindPasswordFile: 'KEYTAB_BIND_PASSWORD_FILE',
  baseDn: 'KEYTAB_BASE_DN',
  caFile: 'KEYTAB_CA_FILE',
  auth: 'KEYTAB_AUTH',
  adminKeytab: 'KEYTAB_ADMIN_KEYTAB',
  adminPrincipal: 'KEYTAB_ADMIN_PRINCIPAL',
} as const);

export interface ParsedLdapUrl {
  readonly scheme: 'ldap' | 'ldaps';
  readonly host: string;
  readonly port: number;
  /** Normalised: scheme://host:port (IPv6 in brackets). */
  readonly url: string;
}

/**
 * Parses an LDAP URL (RFC 4516, scheme, host and port only). A bare host name means LDAPS on
 * port 636. A DN, attributes or filter after the host are refused: give --base-dn instead.
 */
export function parseLdapUrl(text: string): ParsedLdapUrl {
  const given = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `ldaps://${given}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new KtError('AD_CONFIG', `"${text}" is not an LDAP URL`, {
      remedy: remedy`write it as ldaps://dc1.example.com (or ldap://dc1.example.com with ${option('startTls')})`,
    });
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'ldap' && scheme !== 'ldaps') {
    throw new KtError('AD_CONFIG', `"${text}": the scheme must be ldaps:// or ldap://`, {
      hint: 'ldapi:// and other schemes are not supported',
    });
  }
  if (
    (u.pathname !== '' && u.pathname !== '/') ||
    u.search !== '' ||
    u.hash !== '' ||
    u.username !== '' ||
    u.password !== ''
  ) {
    throw new KtError('AD_CONFIG', `"${text}": give only scheme, host and port in the URL`, {
      remedy: remedy`the search base goes in ${option('baseDn')} (KEYTAB_BASE_DN)`,
    });
  }
  if (u.hostname === '') throw new KtError('AD_CONFIG', `"${text}" has no host`);
  const port = u.port === '' ? (scheme === 'ldaps' ? 636 : 389) : Number(u.port);
  return {
    scheme,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    url: `${scheme}://${u.hostname}:${port}`,
  };
}

/** True when passwords may be sent: LDAPS, ldap:// upgraded with StartTLS, or sealed with Kerberos. */
export function isEncryptedTransport(
  config: Pick<DirectoryConfig, 'url' | 'startTls' | 'kerberos'>,
): boolean {
  return (
    parseLdapUrl(config.url).scheme === 'ldaps' || config.startTls || config.kerberos !== undefined
  );
}

/**
 * For commands that will send a password: refuses, before any connection is made, a
 * configuration that would send it in clear text.
 */
export function requireEncryptedTransport(
  config: Pick<DirectoryConfig, 'url' | 'startTls' | 'kerberos'>,
): void {
  if (isEncryptedTransport(config)) return;
  throw new KtError(
    'AD_INSECURE_PASSWORD_WRITE',
    `refusing to send a password to ${config.url} over an unencrypted connection (nothing was sent)`,
    {
      details: { url: config.url },
      remedy: remedy`bind with Kerberos (kinit admin@REALM, then ldap://HOST without ${option('auth', 'simple')}), or use ldaps://HOST (port 636) or ${option('startTls')}`,
    },
  );
}

function pick(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  if (option !== undefined && option !== '') return option;
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Drops one trailing newline (a password file usually ends with one). */
function chompLine(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function bindPassword(
  options: DirectoryOptions,
  sources: ConfigSources,
  bindDn: string,
): Promise<string> {
  const { env } = sources;
  if (options.bindPassword !== undefined && options.bindPasswordFile !== undefined) {
    throw new KtError(
      'USAGE',
      remedy`give the bind password one way: ${option('bindPasswordFile')} or ${option('bindPassword')}`,
    );
  }
  if (options.bindPassword !== undefined) {
    warnOf(
      sources,
      remedy`a bind password on the command line is visible to other users (ps) and kept in shell history; prefer ${option('bindPasswordFile')} or KEYTAB_BIND_PASSWORD_FILE`,
    );
    return options.bindPassword;
  }
  if (options.bindPasswordFile !== undefined)
    return chompLine(await sources.readSecretFile(options.bindPasswordFile));
  const fromEnv = env[DIRECTORY_ENV.bindPassword];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = env[DIRECTORY_ENV.bindPasswordFile];
  if (file !== undefined && file !== '') return chompLine(await sources.readSecretFile(file));
  if (sources.prompt) return sources.prompt(`Password for ${bindDn}: `);
  throw new KtError('AD_CONFIG', `no bind password for ${bindDn} and no terminal to ask for one`, {
    remedy: remedy`give ${option('bindPasswordFile', 'FILE')}, or set ${DIRECTORY_ENV.bindPasswordFile} (or ${DIRECTORY_ENV.bindPassword})`,
  });
}

/** Resolves the configuration; warns about clear-text LDAP and disabled verification. */
export async function resolveDirectoryConfig(
  options: DirectoryOptions,
  sources: ConfigSources,
): Promise<DirectoryConfig> {
  const { env } = sources;
  const urlText = pick(options.ldapUrl, env, DIRECTORY_ENV.url);
  if (urlText === undefined) {
    throw new KtError('AD_CONFIG', 'no directory given', {
      remedy: remedy`after kinit admin@REALM, give ${option('ldapUrl', 'ldap://DC')} (Kerberos); or ldaps://DC with ${option('bindDn')} and ${option('caFile')} (or set ${DIRECTORY_ENV.url}, ${DIRECTORY_ENV.bindDn}, ${DIRECTORY_ENV.caFile})`,
    });
  }
  const parsed = parseLdapUrl(urlText);
  const startTls = options.startTls === true;
  if (startTls && parsed.scheme === 'ldaps') {
    throw new KtError(
      'AD_CONFIG',
      remedy`${option('startTls')} is for ldap:// URLs; ${urlText} is already TLS`,
      { remedy: remedy`drop ${option('startTls')}, or use ldap://HOST:389 ${option('startTls')}` },
    );
  }
  const bindDn = pick(options.bindDn, env, DIRECTORY_ENV.bindDn);
  const adminKeytab = pick(options.adminKeytab, env, DIRECTORY_ENV.adminKeytab);
  const adminPrincipal = pick(options.adminPrincipal, env, DIRECTORY_ENV.adminPrincipal);
  const tls = parsed.scheme === 'ldaps' || startTls;
  const inputs = {
    mode: parseAuthMode(pick(options.auth, env, DIRECTORY_ENV.auth)),
    scheme: parsed.scheme,
    host: parsed.host,
    startTls,
    bindDn,
    adminKeytab,
    adminPrincipal,
  };
  const auth = chooseAuth(inputs);
  const kerberosWanted = auth.method === 'kerberos';
  const timeoutSeconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new KtError(
      'USAGE',
      remedy`${option('timeout', String(options.timeout))}: give a number of seconds above 0`,
    );
  }
  const caFile = pick(options.caFile, env, DIRECTORY_ENV.caFile);
  const insecureTls = options.insecureTls === true;
  if (!tls && !kerberosWanted) {
    warnOf(
      sources,
      remedy`${parsed.url} without ${option('startTls')} is not encrypted: the bind password and every answer cross the network in clear text, and password changes are refused; use Kerberos (drop ${option('auth', 'simple')}), ldaps:// or ${option('startTls')}`,
    );
    if (insecureTls) warnOf(sources, remedy`${option('insecureTls')} has no effect without TLS`);
  } else if (insecureTls && tls) {
    warnOf(
      sources,
      remedy`TLS certificate verification is OFF (${option('insecureTls')}): anyone on the network path can pose as ${parsed.host}, read the bind password and every password set; use ${option('caFile')} instead`,
    );
  }
  const ca = caFile !== undefined ? await sources.readFile(caFile) : undefined;
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KtError('AD_CONFIG', `${caFile}: no PEM certificate in it`, {
      hint: 'give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----); convert DER with: openssl x509 -inform der -in ca.cer -out ca.pem',
    });
  }
  const base = {
    url: parsed.url,
    auth,
    baseDn: pick(options.baseDn, env, DIRECTORY_ENV.baseDn),
    caFile,
    ca,
    startTls,
    insecureTls,
  };
  if (kerberosWanted) {
    const kerberos = await kerberosCredentials(inputs, (principal) =>
      bindPassword(options, sources, principal),
    );
    return {
      ...base,
      bindDn: undefined,
      bindPassword: undefined,
      kerberos,
      ldapHost: options.ldapHost,
      krb5Env: { KRB5_CONFIG: env['KRB5_CONFIG'], KRB5CCNAME: env['KRB5CCNAME'] },
      timeoutMs: Math.round(timeoutSeconds * 1000),
    };
  }
  const password = await bindPassword(options, sources, bindDn as string);
  return {
    ...base,
    bindDn,
    bindPassword: password,
    timeoutMs: Math.round(timeoutSeconds * 1000),
  };
}
