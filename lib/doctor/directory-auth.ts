/**
 * How keytab authenticated to the directory, and when it could not, why in words and the fix.
 * Pure: facts in (the bind that was chosen and why, the session's report, or the error), lines
 * out. `keytab doctor` prints these findings in its directory section, `keytab ad show
 * --debug-auth` prints them on stderr, and `keytab verify` prints the first in its directory
 * lines.
 */
import { option, remedy } from '../remedy.js';
import type { Advice, Remedy } from '../remedy.js';
import { fixOf, whyOf } from '../report-line.js';
import type { DirectoryAuthInfo } from '../ad/types.js';
import type { Finding } from './types.js';

/** A failure as the KtError gave it: stable code, message, hint and details; nothing else is read. */
export interface AuthFailureFacts {
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
  /** The hint as data, when it names options. */
  readonly remedy?: Remedy | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface DirectoryAuthFacts {
  readonly url: string;
  /** The bind chosen and why (absent when the configuration itself failed). */
  readonly choice?:
    | {
        readonly requested: string;
        readonly method: 'kerberos' | 'simple';
        readonly reason: string;
        readonly reasonRemedy?: Remedy | undefined;
      }
    | undefined;
  readonly bound?: DirectoryAuthInfo | undefined;
  readonly failure?: AuthFailureFacts | undefined;
}

/** The fix for a ticket cache Node cannot read, or none at all (one line, as the issue asks). */
export const FILE_CCACHE_FIX = 'KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) kinit admin@REALM';

interface Diagnosis {
  readonly what: string;
  readonly why: (f: AuthFailureFacts) => string;
  readonly fix: (f: AuthFailureFacts) => Advice;
}

const detail = (f: AuthFailureFacts, name: string): string | undefined => {
  const v = f.details?.[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
};
const kinitWho = (f: AuthFailureFacts): string => detail(f, 'principal') ?? 'admin@REALM';

/** Keyed by `CODE` or `CODE/reason` (details.reason), the more specific key first. */
const DIAGNOSES: Readonly<Record<string, Diagnosis>> = Object.freeze({
  CCACHE_NOT_FOUND: {
    what: 'no ticket cache',
    why: (f) => `${f.message}: the Kerberos bind needs the TGT of kinit`,
    fix: () =>
      `kinit admin@REALM; if your kinit keeps tickets in KEYRING: or KCM: (which Node cannot read), run ${FILE_CCACHE_FIX} and export that KRB5CCNAME`,
  },
  CCACHE_UNSUPPORTED: {
    what: 'ticket cache not readable',
    why: (f) =>
      `${detail(f, 'name') ?? 'the ticket cache'} lives outside the file system (KEYRING:, KCM: and the like cannot be read from Node)`,
    fix: () => `${FILE_CCACHE_FIX}, and export that KRB5CCNAME for keytab`,
  },
  CCACHE_EXPIRED: {
    what: 'expired TGT',
    why: (f) =>
      `the ticket-granting ticket of ${kinitWho(f)} expired at ${detail(f, 'endTime') ?? '(unknown)'}`,
    fix: (f) => `kinit ${kinitWho(f)} (or kinit -R while it is renewable)`,
  },
  CCACHE_NO_TICKET: {
    what: 'no TGT in the ticket cache',
    why: (f) => f.message,
    fix: (f) => `kinit ${kinitWho(f)}`,
  },
  'AD_SASL/clock-skew': {
    what: 'clock skew',
    why: (f) =>
      `the KDC refused the ticket request: this host's clock and the DC's differ by more than the allowed skew (5 minutes) (${f.message})`,
    fix: () =>
      'sync the clock with the DC (chronyc makestep, timedatectl set-ntp true); keytab doctor shows the offset in its clock section',
  },
  'AD_SASL/unknown-ldap-spn': {
    what: 'no ldap/ SPN for that host name',
    why: (f) =>
      `KDC_ERR_S_PRINCIPAL_UNKNOWN: no account carries ${detail(f, 'service') ?? 'the ldap/ SPN asked for'}, so the DC cannot be given a ticket under that name`,
    fix: () =>
      remedy`give the DC's own DNS name, its dnsHostName (ldapsearch -x -H ldap://DC -s base dnsHostName), with ${option('ldapHost', 'dc1.example.com')} or in the URL`,
  },
  'AD_SASL/wrong-password': {
    what: 'wrong admin password',
    why: (f) => f.message,
    fix: () =>
      remedy`check the password given for ${option('bindDn')} (${option('bindPasswordFile')}, KEYTAB_BIND_PASSWORD_FILE)`,
  },
  'AD_SASL/stale-admin-keytab': {
    what: 'stale admin keytab',
    why: (f) => f.message,
    fix: () => 'the admin password changed since the keytab was made: make the admin keytab again',
  },
  AD_STRONG_AUTH_REQUIRED: {
    what: 'strongAuthRequired',
    why: (f) =>
      `the DC refuses a simple bind without TLS (it requires LDAP signing or encryption): ${f.message}`,
    fix: () =>
      remedy`bind with Kerberos, which signs and seals on port 389: kinit admin@REALM, then ldap://DC without ${option('auth', 'simple')}; or use ldaps://DC (port 636)`,
  },
  'AD_BIND/80090346': {
    what: 'channel binding required (80090346)',
    why: () =>
      'the DC requires LDAPS channel binding (LdapEnforceChannelBinding) and rejected the bind without it',
    fix: () =>
      remedy`bind with Kerberos over ldap:// instead (kinit admin@REALM, then ${option('ldapUrl', 'ldap://DC')}): its sealing does not depend on TLS channel binding`,
  },
});

function diagnosisOf(f: AuthFailureFacts): Diagnosis | undefined {
  const reason = detail(f, 'reason');
  const data = /data ([0-9a-f]+)/i.exec(detail(f, 'diagnostic') ?? '')?.[1]?.toLowerCase();
  for (const key of [reason && `${f.code}/${reason}`, data && `${f.code}/${data}`, f.code]) {
    if (key && Object.hasOwn(DIAGNOSES, key)) return DIAGNOSES[key];
  }
  return undefined;
}

/** What the bound session used, in words: `Kerberos (ticket cache FILE:/tmp/krb5cc_0) as admin@EXAMPLE.COM`. */
export function boundWords(b: DirectoryAuthInfo): string {
  if (b.method === 'simple') return `simple bind as ${b.client || '(anonymous)'}`;
  const from =
    b.source === 'ccache'
      ? `ticket cache ${b.from ?? ''}`
      : b.source === 'keytab'
        ? `admin keytab ${b.from ?? ''}`
        : 'admin password (TGT kept in memory)';
  return `Kerberos (${from.trim()}) as ${b.client}`;
}

/** The directory's auth findings: how the bind went, or why it failed and what to do. */
export function diagnoseDirectoryAuth(facts: DirectoryAuthFacts): Finding[] {
  const out: Finding[] = [];
  const what = `auth ${facts.url}`;
  if (facts.choice) {
    const c = facts.choice;
    out.push({
      section: 'directory',
      severity: 'info',
      what: `${what} method`,
      ...whyOf(remedy`${c.method} (${option('auth', c.requested)}): ${c.reasonRemedy ?? c.reason}`),
    });
  }
  if (facts.bound) {
    const b = facts.bound;
    const kerberos = b.method === 'kerberos';
    const buffer = b.maxBuffer !== undefined ? `, max buffer ${b.maxBuffer} octets` : '';
    const parts = [
      boundWords(b),
      ...(kerberos ? [`service ${b.service ?? '?'}`, `KDC ${b.kdc ?? '?'}`] : []),
      `layer ${b.layer}${buffer}`,
    ];
    const clear = !kerberos && /none/.test(b.layer);
    out.push({
      section: 'directory',
      severity: clear ? 'warning' : 'ok',
      what,
      why: parts.join('; '),
      ...(clear
        ? fixOf(
            remedy`bind with Kerberos (ldap:// without ${option('auth', 'simple')}), or use ldaps:// or ${option('startTls')}: the bind password crossed the network in clear text`,
          )
        : {}),
      details: {
        method: b.method,
        layer: b.layer,
        client: b.client,
        ...(b.source ? { source: b.source } : {}),
        ...(b.from ? { from: b.from } : {}),
        ...(b.service ? { service: b.service } : {}),
        ...(b.maxBuffer !== undefined ? { maxBuffer: b.maxBuffer } : {}),
      },
    });
  }
  if (facts.failure) {
    const f = facts.failure;
    const d = diagnosisOf(f);
    out.push({
      section: 'directory',
      severity: 'error',
      what: d ? `${what}: ${d.what}` : what,
      why: d ? d.why(f) : f.message,
      ...fixOf(
        d
          ? d.fix(f)
          : (f.remedy ??
              f.hint ??
              remedy`check the directory options (keytab ad ${option('help')})`),
      ),
      details: { code: f.code },
    });
  }
  return out;
}
