/**
 * Every failure of a directory operation becomes a KtError with a stable code, a sentence
 * saying what happened and a hint saying what to do. Pure: takes the thrown object (an ldapts
 * ResultCodeError with a numeric LDAP result code and the server's diagnostic message, or a
 * Node socket/TLS error with a string code) and the context of the operation.
 *
 * AD puts its reason in the diagnostic message: a Win32 error code in hex ("0000052D:",
 * [MS-ERREF] 2.2), for binds an "AcceptSecurityContext error, data 52e" sub-code. Samba adds
 * its own words ("samldb: spn[...] would cause a conflict"). The tables below read both.
 */
import { KtError } from '../errors.js';
import type { KtErrorCode } from '../errors.js';
import { advice, KEYTAB_SPELLING, option, remedy, renderRemedy } from '../remedy.js';
import type { Advice, Remedy } from '../remedy.js';

export type DirectoryOperation =
  'connect' | 'starttls' | 'bind' | 'search' | 'add' | 'modify' | 'delete';

export interface ErrorContext {
  readonly operation?: DirectoryOperation;
  readonly url?: string;
  /** The bind DN or UPN (never the password). */
  readonly bindDn?: string;
  /** The entry the operation was about. */
  readonly dn?: string;
  /** Whether a CA file was given (changes the TLS hint). */
  readonly caFile?: string | undefined;
  readonly timeoutMs?: number;
}

/** What we could read out of a thrown object. */
export interface ErrorFacts {
  /** LDAP result code (RFC 4511 4.1.9), when the server answered. */
  readonly resultCode?: number;
  /** Node's error code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...). */
  readonly systemCode?: string;
  /** The server's diagnostic message without ldapts's " Code: 0x.." suffix, or the error message. */
  readonly message: string;
}

export function errorFacts(err: unknown): ErrorFacts {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  const message = err.message.replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '').trim();
  if (typeof code === 'number') return { resultCode: code, message };
  if (typeof code === 'string') return { systemCode: code, message };
  return { message };
}

/** A bind failure in words; `hint` is the advice in the keytab CLI's spelling, `remedy` it as data. */
export interface BindDataCode {
  readonly words: string;
  readonly hint: string;
  readonly remedy?: Remedy;
}

const bindCode = (words: string, a: Advice): BindDataCode =>
  typeof a === 'string'
    ? { words, hint: a }
    : { words, hint: renderRemedy(a, KEYTAB_SPELLING), remedy: a };

/**
 * The "data" sub-code of an AD bind failure (LDAP 49, "AcceptSecurityContext error, data 52e"):
 * Win32 error codes ([MS-ERREF] 2.2) in hex.
 */
// prettier-ignore
export const BIND_DATA_CODES: Readonly<Record<string, BindDataCode>> = Object.freeze({
  '525': bindCode('no such user', remedy`check ${option('bindDn')}: a DN (CN=...,DC=...) or user@domain`),
  '52e': bindCode('wrong password, or no such user', remedy`check the bind DN or UPN and the bind password (${option('bindPasswordFile')}, KEYTAB_BIND_PASSWORD_FILE)`),
  '530': { words: 'logon not permitted at this time', hint: 'the account has logon hours: try within them or ask an administrator' },
  '531': { words: 'logon not permitted from this workstation', hint: 'the account may only log on from listed workstations (userWorkstations)' },
  '532': { words: 'the password has expired', hint: 'set a new password for the bind account' },
  '533': { words: 'the account is disabled', hint: 'enable the bind account, or bind as another one' },
  '568': { words: 'too many security IDs in the token', hint: 'the bind account is in too many groups' },
  '701': { words: 'the account has expired', hint: 'extend accountExpires of the bind account' },
  '773': { words: 'the password must be changed before first logon', hint: 'set a new password for the bind account (pwdLastSet is 0)' },
  '775': { words: 'the account is locked out', hint: 'wait for the lockout to end or unlock the bind account' },
  // SEC_E_BAD_BINDINGS: the DC requires LDAPS channel binding (LdapEnforceChannelBinding), which the bind did not carry.
  '80090346': bindCode('the DC requires channel binding on LDAPS, which this bind does not carry', remedy`bind with Kerberos over ldap:// instead (kinit admin@REALM, then ${option('ldapUrl', 'ldap://DC')}): its sealing does not depend on TLS channel binding`),
});

interface Rule {
  readonly test: RegExp;
  readonly code: KtErrorCode;
  readonly message: (m: RegExpExecArray, ctx: ErrorContext, facts: ErrorFacts) => string;
  readonly hint?: Advice | ((m: RegExpExecArray, ctx: ErrorContext) => Advice);
}

const where = (ctx: ErrorContext): string => (ctx.dn ? ` on ${ctx.dn}` : '');

/**
 * Diagnostic messages, tried first, in order. Measured on Samba 4.17 (see the captured
 * messages in test/ad/errors.test.ts); the Win32 codes are those Windows DCs send as well.
 */
const DIAGNOSTIC_RULES: readonly Rule[] = [
  {
    test: /spn\[([^\]]*)\] would cause a conflict/i,
    code: 'AD_SPN_DUPLICATE',
    message: (m) => `SPN ${m[1]} is already registered on another account`,
    hint: 'an SPN may belong to one account only: find it with "keytab ad spn find SPN" and remove it there first',
  },
  {
    // Samba, for host/X when another account has an alias of it (HTTP/X, cifs/X ...): no SPN named.
    test: /error in module samldb: Constraint violation during LDB_(MODIFY|ADD)/i,
    code: 'AD_SPN_DUPLICATE',
    message: (_m, ctx) =>
      `the directory refused the change${where(ctx)}: an SPN (or its host/ alias) is already registered on another account`,
    hint: 'host/NAME covers HTTP/NAME, cifs/NAME and the other sPNMappings aliases: "keytab ad spn find host/NAME" shows the owner',
  },
  {
    test: /userPrincipalName '([^']*)' is already in use/i,
    code: 'AD_UPN_DUPLICATE',
    message: (m) => `UPN ${m[1]} is already used by another account`,
    hint: 'a UPN must be unique in the forest: choose another, or clear it on the other account',
  },
  {
    test: /samAccountName '([^']*)' already in use/i,
    code: 'AD_ACCOUNT_EXISTS',
    message: (m) => `an account named ${m[1]} already exists`,
    hint: 'choose another name, or use the existing account',
  },
  {
    test: /00002035[^\n]*NT hash password directly/i,
    code: 'AD_PASSWORD_ENCODING',
    message: (_m, ctx) =>
      `the directory rejected the password value${where(ctx)} (Samba's misleading "00002035 ... not allowed to set the NT hash password directly": the value was not a quoted UTF-16LE unicodePwd)`,
    hint: 'send the password as unicodePwd = UTF-16LE of "password" in double quotes, over LDAPS or StartTLS (keytab ad setpass does this)',
  },
  {
    test: /(?=[^]*(?:password|0000052D))[^]*too short/i,
    code: 'AD_PASSWORD_POLICY',
    message: (_m, _ctx, f) =>
      `the password is too short for the domain policy${lengthOf(f.message)}`,
    hint: remedy`use a longer password, or ${option('random', undefined, '32 characters')}`,
  },
  {
    test: /(?=[^]*(?:password|0000052D))[^]*complexity/i,
    code: 'AD_PASSWORD_POLICY',
    message: () =>
      'the password does not meet the complexity rules (three of: upper case, lower case, digit, symbol; not containing the account name)',
    hint: remedy`add characters of the missing kinds, or use ${option('random')}`,
  },
  {
    test: /(?=[^]*(?:password|0000052D))[^]*(?:history|already used)/i,
    code: 'AD_PASSWORD_POLICY',
    message: () => 'the password was used before (password history)',
    hint: remedy`choose a password not used recently, or use ${option('random')}`,
  },
  {
    test: /(?=[^]*(?:password|0000052D))[^]*too young/i,
    code: 'AD_PASSWORD_POLICY',
    message: () =>
      'the password is too young to change (minimum password age): a user changing their own password must wait',
    hint: 'reset it as an administrator (keytab ad setpass with an account allowed to reset passwords), or wait for minPwdAge',
  },
  {
    // Windows: "0000052D: SvcErr: DSID-..., problem 5003 (WILL_NOT_PERFORM)": no detail given.
    test: /^0000052D/i,
    code: 'AD_PASSWORD_POLICY',
    message: () =>
      'the password does not meet the domain password policy (length, complexity, history or age)',
    hint: remedy`use a longer password with upper and lower case, digits and symbols, or ${option('random')}`,
  },
  {
    test: /can only be modified as system|system-only|systemOnly/i,
    code: 'AD_REFUSED',
    message: (_m, ctx, f) =>
      `the directory refused the change${where(ctx)}: the attribute is maintained by the directory itself (${f.message})`,
    hint: 'msDS-KeyVersionNumber and similar attributes change only as a side effect (a password set raises the kvno)',
  },
];

function lengthOf(message: string): string {
  const m = /longer than (\d+) characters/i.exec(message);
  return m ? ` (at least ${m[1]} characters)` : '';
}

const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
]);
const TLS_DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'EADDRNOTAVAIL',
]);

/** Whether `err` says the directory was not reached at all (refused, unreachable, timed out). */
export function isUnreachableError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (NETWORK.has(code) || code === 'ETIMEDOUT');
}

function target(ctx: ErrorContext): string {
  return ctx.url ?? 'the directory';
}

function tlsHint(ctx: ErrorContext): Remedy {
  return ctx.caFile
    ? remedy`${ctx.caFile} does not hold the CA that signed the server's certificate: give the right one with ${option('caFile')} (or KEYTAB_CA_FILE)`
    : remedy`give the CA certificate that signed the DC's certificate (PEM) with ${option('caFile', 'FILE')} or KEYTAB_CA_FILE`;
}

/** Socket, TLS and timeout failures (no LDAP result code). */
function systemError(facts: ErrorFacts, ctx: ErrorContext, err: unknown): KtError | undefined {
  const code = facts.systemCode;
  const opts = (hint: Advice, details: Record<string, string>) => ({
    cause: err,
    ...advice(hint),
    details: { ...details, ...(ctx.url ? { url: ctx.url } : {}) },
  });
  if (code !== undefined && TLS_TRUST.has(code)) {
    return new KtError(
      'AD_TLS',
      `TLS to ${target(ctx)} failed: the server's certificate is not trusted (${facts.message})`,
      opts(tlsHint(ctx), { reason: code }),
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new KtError(
      'AD_TLS',
      `TLS to ${target(ctx)} failed: the certificate is not for this host name (${facts.message})`,
      opts(
        remedy`connect by a name (or IP) the certificate lists in its subjectAltName, e.g. the DC's DNS name; ${option('caFile')} does not fix a name mismatch`,
        { reason: code },
      ),
    );
  }
  if (code !== undefined && TLS_DATES.has(code)) {
    return new KtError(
      'AD_TLS',
      `TLS to ${target(ctx)} failed: the server's certificate is outside its validity dates (${facts.message})`,
      opts("renew the DC certificate, or check this machine's clock", { reason: code }),
    );
  }
  if (
    code === 'EPROTO' ||
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    /wrong version number|packet length too long|unknown protocol/i.test(facts.message)
  ) {
    return new KtError(
      'AD_TLS',
      `TLS to ${target(ctx)} failed: the server did not answer with TLS (${facts.message})`,
      opts(
        remedy`ldaps:// needs the LDAPS port (636); for port 389 use ldap:// with ${option('startTls')}`,
        { reason: code ?? 'tls' },
      ),
    );
  }
  if (code !== undefined && NETWORK.has(code)) {
    return new KtError(
      'AD_CONNECT',
      `cannot reach ${target(ctx)}: ${facts.message}`,
      opts(
        remedy`check the host and port of ${option('ldapUrl')} (LDAPS is 636, LDAP 389) and that the DC is up and reachable`,
        { reason: code },
      ),
    );
  }
  if (code === 'ETIMEDOUT' || /Connection timeout|timed out/i.test(facts.message)) {
    const after = ctx.timeoutMs ? ` within ${Math.round(ctx.timeoutMs / 1000)} s` : '';
    return new KtError(
      'AD_TIMEOUT',
      `${target(ctx)} did not answer${after} (${ctx.operation ?? 'request'})`,
      opts(
        remedy`check the URL and the network path (firewalls often drop rather than refuse); raise ${option('timeout')} for a slow DC`,
        { reason: 'timeout' },
      ),
    );
  }
  if (/Connection closed|Socket error|socket hang up/i.test(facts.message)) {
    return new KtError(
      'AD_CONNECT',
      `the connection to ${target(ctx)} was closed (${facts.message})`,
      opts('the server dropped the connection: retry; if it persists, check the server log', {
        reason: 'closed',
      }),
    );
  }
  return undefined;
}

/** LDAP result codes (RFC 4511 appendix A) once the diagnostic rules had nothing to say. */
function resultCodeError(rc: number, facts: ErrorFacts, ctx: ErrorContext, err: unknown): KtError {
  const details = {
    ldapResultCode: rc,
    diagnostic: facts.message,
    ...(ctx.url ? { url: ctx.url } : {}),
    ...(ctx.dn ? { dn: ctx.dn } : {}),
  };
  const base = { cause: err, details };
  if (rc === 49) {
    const data = /data ([0-9a-f]+)/i.exec(facts.message)?.[1]?.toLowerCase();
    const known = data !== undefined ? BIND_DATA_CODES[data] : undefined;
    const who = ctx.bindDn ? ` as ${ctx.bindDn}` : '';
    const fix = known ?? BIND_DATA_CODES['52e'];
    return new KtError(
      'AD_BIND',
      `bind${who} to ${target(ctx)} failed: ${known ? known.words : 'invalid credentials'}${data ? ` (AD data ${data})` : ''}`,
      {
        ...base,
        ...advice(fix?.remedy ?? fix?.hint),
      },
    );
  }
  if (rc === 8 || rc === 13) {
    return new KtError(
      'AD_STRONG_AUTH_REQUIRED',
      `${target(ctx)} requires an encrypted connection ("${facts.message}")`,
      {
        ...base,
        remedy: remedy`bind with Kerberos, which signs and seals on port 389 (kinit admin@REALM, then ldap://HOST without ${option('auth', 'simple')}), or use ldaps://HOST (port 636) or ${option('startTls')}`,
      },
    );
  }
  if (rc === 50) {
    return new KtError(
      'AD_INSUFFICIENT_RIGHTS',
      `${ctx.bindDn ?? 'the bind account'} may not ${verb(ctx.operation)}${where(ctx)} (insufficient access rights: ${facts.message})`,
      {
        ...base,
        hint: 'bind as an account with the rights, or delegate them: "Reset password" and write access to servicePrincipalName, userPrincipalName, msDS-SupportedEncryptionTypes and userAccountControl on the service accounts\' OU',
      },
    );
  }
  if (rc === 32) {
    return new KtError(
      'AD_OBJECT_NOT_FOUND',
      `${ctx.dn ?? 'the object'} does not exist in ${target(ctx)} (${facts.message})`,
      {
        ...base,
        remedy: remedy`check the DN (${option('ou')}, ${option('baseDn')}); "keytab ad show NAME" finds an account by name`,
      },
    );
  }
  if (rc === 68) {
    return new KtError('AD_ACCOUNT_EXISTS', `${ctx.dn ?? 'the entry'} already exists`, {
      ...base,
      hint: 'choose another name, or use the existing account',
    });
  }
  if (rc === 20) {
    return new KtError('AD_REFUSED', `the value is already there${where(ctx)} (${facts.message})`, {
      ...base,
      hint: 'nothing to add',
    });
  }
  if (rc === 3) {
    return new KtError(
      'AD_TIMEOUT',
      `${target(ctx)} gave up: time limit exceeded (${facts.message})`,
      { ...base, remedy: remedy`narrow the request, or raise ${option('timeout')}` },
    );
  }
  if (rc === 34) {
    return new KtError('AD_REFUSED', `invalid DN${ctx.dn ? ` ${ctx.dn}` : ''} (${facts.message})`, {
      ...base,
      hint: 'write a DN as CN=name,OU=unit,DC=example,DC=com',
    });
  }
  return new KtError(
    'AD_REFUSED',
    `${target(ctx)} refused to ${verb(ctx.operation)}${where(ctx)}: ${facts.message} (LDAP result ${rc})`,
    {
      ...base,
      remedy: remedy`run with ${option('debug')} for the details; the server log has more`,
    },
  );
}

const VERBS: Readonly<Record<DirectoryOperation, string>> = {
  connect: 'connect',
  starttls: 'start TLS',
  bind: 'bind',
  search: 'search',
  add: 'create entries',
  modify: 'change attributes',
  delete: 'delete entries',
};

function verb(op: DirectoryOperation | undefined): string {
  return op === undefined ? 'do this' : VERBS[op];
}

/** Turns anything a directory operation threw into a KtError (a KtError passes through). */
export function directoryError(err: unknown, ctx: ErrorContext = {}): KtError {
  if (err instanceof KtError) return err;
  const facts = errorFacts(err);
  for (const rule of DIAGNOSTIC_RULES) {
    const m = rule.test.exec(facts.message);
    if (!m) continue;
    if (facts.resultCode === undefined) break;
    const hint = typeof rule.hint === 'function' ? rule.hint(m, ctx) : rule.hint;
    return new KtError(rule.code, rule.message(m, ctx, facts), {
      cause: err,
      ...advice(hint),
      details: {
        ldapResultCode: facts.resultCode,
        diagnostic: facts.message,
        ...(ctx.dn ? { dn: ctx.dn } : {}),
        ...(ctx.url ? { url: ctx.url } : {}),
      },
    });
  }
  if (facts.resultCode !== undefined) return resultCodeError(facts.resultCode, facts, ctx, err);
  const sys = systemError(facts, ctx, err);
  if (sys) return sys;
  return new KtError('AD_CONNECT', `${target(ctx)}: ${facts.message}`, {
    cause: err,
    remedy: remedy`run with ${option('debug')} for the details`,
    details: ctx.url ? { url: ctx.url } : {},
  });
}
