/**
 * The lines of `keytab verify` about the run rather than one key: the KDC that answered (or
 * did not), the clock skew, and the directory account against the keytab (the comparison is
 * account-match.ts, shared with `keytab doctor`). Pure: judged from gathered facts.
 */
import { DC_DEFAULT_HOW_TO_TELL, unsetEnctypesWords } from '../ad/ticket-enctypes.js';
import { enctypeName } from '../crypto/enctypes.js';
import { isKtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatKdc, type KdcAttempt } from '../krb5/transport.js';
import { matchAccount } from './account-match.js';
import type { Skew } from './clock.js';
import type { DirectoryAccountView } from './directory.js';
import type { KdcFacts, Naming } from './facts.js';
import { command, option, remedy } from '../remedy.js';
import type { Remedy } from '../remedy.js';
import { fixOf, reasonOf } from '../report-line.js';
import type { VerifyCheck } from './types.js';

const label = (e: number): string => enctypeName(e);

// --- the KDC -----------------------------------------------------------------------------------------

/** `10.0.0.1:88/udp: timed out after 3000 ms` (the socket layer's reasons may name the KDC already). */
function attemptText(a: KdcAttempt): string {
  const where = `${a.kdc}/${a.protocol}: `;
  const why = a.reason ?? a.outcome;
  return why.startsWith(where) ? why : where + why;
}

/** The KDC that answered, how it was found, and the ones that did not answer before it. */
export function kdcLine(run: KdcFacts): VerifyCheck {
  const a = run.answered;
  if (!a)
    return {
      check: 'kdc',
      status: 'SKIP',
      what: `KDC for ${run.realm}`,
      reason: 'no request was sent',
    };
  const failed = a.attempts.filter((x) => x.outcome === 'failed');
  const via = {
    explicit: remedy`${option('kdc')}`,
    'krb5.conf': 'krb5.conf',
    'dns-srv': 'DNS SRV',
  }[a.kdc.source];
  const extra = run.tooBig ? '; UDP replies were too big, TCP was used' : '';
  const details = {
    kdc: formatKdc(a.kdc),
    protocol: a.protocol,
    source: a.kdc.source,
    attempts: a.attempts.map(attemptText),
  };
  if (failed.length > 0) {
    return {
      check: 'kdc',
      status: 'WARN',
      what: `KDC for ${run.realm}`,
      ...reasonOf(
        remedy`${formatKdc(a.kdc)} answered over ${a.protocol} (found through ${via}), after ${failed.map(attemptText).join('; ')}${extra}`,
      ),
      fix: 'remove or repair the KDCs that did not answer (krb5.conf [realms] kdc lines, or DNS SRV records)',
      details,
    };
  }
  return {
    check: 'kdc',
    status: 'OK',
    what: `KDC for ${run.realm}`,
    ...reasonOf(
      remedy`${formatKdc(a.kdc)} answered over ${a.protocol} (found through ${via})${extra}`,
    ),
    details,
  };
}

/** No KDC of the realm answered (KDC_UNREACHABLE, KDC_NOT_FOUND); `pending` names what was not checked. */
export function unreachableLine(
  realm: string,
  e: { message: string; hint?: string | undefined; remedy?: Remedy | undefined; code: string },
  pending: readonly string[],
): VerifyCheck {
  const first = e.remedy ? remedy`${e.remedy}; ` : e.hint ? `${e.hint}; ` : '';
  return {
    check: 'kdc',
    status: 'FAIL',
    what: `KDC for ${realm}`,
    reason: `${e.message}${pending.length > 0 ? `; not checked: ${pending.join(', ')}` : ''}`,
    ...fixOf(
      remedy`${first}give the KDC with ${option('kdc', 'HOST[:PORT]')}, list it as "kdc = HOST" under [realms] ${realm} in krb5.conf, or publish _kerberos._udp.${realm} SRV records`,
    ),
    details: { code: e.code },
  };
}

// --- the clock ---------------------------------------------------------------------------------------

/** The clock line: the worst skew seen against the allowed one. */
export function clockLine(skews: readonly Skew[], allowed: number, warnAbove: number): VerifyCheck {
  if (skews.length === 0)
    return {
      check: 'clock',
      status: 'SKIP',
      what: 'clock',
      reason: "no KDC reply carried the KDC's time",
    };
  const worst = skews.reduce((a, b) => (Math.abs(b.seconds) > Math.abs(a.seconds) ? b : a));
  const abs = Math.abs(worst.seconds);
  const direction = worst.seconds > 0 ? 'behind' : 'ahead of';
  // The CLI clock has whole seconds: a second either way is agreement.
  const words =
    abs <= 1
      ? `this host's clock agrees with the KDC ${worst.kdc} to within 1 s`
      : `this host's clock is ${abs} s ${direction} the KDC ${worst.kdc}`;
  const details = { skewSeconds: worst.seconds, allowedSkewSeconds: allowed, kdc: worst.kdc };
  if (abs > allowed) {
    return {
      check: 'clock',
      status: 'FAIL',
      what: 'clock',
      reason: `${words}, more than the allowed ${allowed} s: kinit and the services fail with "Clock skew too great" (the key checks above used the KDC's time)`,
      fix: 'synchronise the clock (timedatectl set-ntp true, chronyc makestep; on a domain, NTP from the domain controllers)',
      details,
    };
  }
  if (abs > warnAbove) {
    return {
      check: 'clock',
      status: 'WARN',
      what: 'clock',
      reason: `${words} (allowed ${allowed} s)`,
      fix: 'set up NTP before the drift reaches the allowed skew',
      details,
    };
  }
  return {
    check: 'clock',
    status: 'OK',
    what: 'clock',
    reason: `${words} (allowed ${allowed} s)`,
    details,
  };
}

// --- the directory -----------------------------------------------------------------------------------

/** The directory lookup itself failed: the directory checks are skipped. */
export function lookupFailedLine(description: string, e: unknown): VerifyCheck {
  return {
    check: 'directory',
    status: 'WARN',
    what: `directory ${description}`,
    reason: `the directory lookup failed: ${e instanceof Error ? e.message : String(e)}; the directory checks are skipped`,
    ...fixOf(
      isKtError(e) && e.remedy
        ? e.remedy
        : isKtError(e) && e.hint
          ? e.hint
          : 'check the LDAP URL, the bind DN and password, and the CA file',
    ),
  };
}

/** No directory was given: why (the caller's note), and how to give one. */
export function noDirectoryLine(note: string): VerifyCheck {
  return {
    check: 'directory',
    status: 'SKIP',
    what: 'directory',
    reason: note,
    ...fixOf(
      remedy`after kinit admin@REALM, give ${option('ldapUrl', 'ldap://DC')} (or KEYTAB_LDAP_URL): Kerberos needs nothing else; a simple bind needs ldaps:// with ${option('bindDn')}, a password and ${option('caFile')}`,
    ),
  };
}

export interface AccountQuestion {
  /** The principal's name. */
  readonly name: string;
  readonly entries: readonly KeytabEntry[];
  readonly account: DirectoryAccountView | undefined;
  /** How to name the directory (`ldaps://dc1.example.com:636`). */
  readonly directory: string;
  /** ` --salt 'X'` for fixes, when the KDC's salt is not the default (judge-keys kdcSalt). */
  readonly salt?: Remedy | undefined;
}

/** The account's kvno and enctypes against the keytab's (or: no account has the name). */
export function directoryLines(n: Naming, q: AccountQuestion): VerifyCheck[] {
  const base = {
    check: 'directory' as const,
    what: `${q.name} in the directory`,
    principal: q.name,
  };
  const a = q.account;
  if (!a) {
    return [
      {
        ...base,
        status: 'WARN',
        reason: `no account in ${q.directory} has ${q.name} as its userPrincipalName, servicePrincipalName or sAMAccountName`,
        fix: 'check the name; AD: add the SPN to the service account (setspn -S)',
      },
    ];
  }
  const out: VerifyCheck[] = [];
  const m = matchAccount(a, q.entries);
  const k = m.kvno;
  if (k.kind === 'unknown') {
    out.push({
      ...base,
      status: 'SKIP',
      reason: `${a.dn} shows no msDS-KeyVersionNumber (not readable with this bind?)`,
      fix: 'bind with an account that may read msDS-KeyVersionNumber',
    });
  } else if (k.kind === 'stale') {
    out.push({
      ...base,
      status: 'FAIL',
      kvno: k.keytab,
      reason: `stale keytab: the keytab has kvno ${k.keytab}, msDS-KeyVersionNumber of ${a.dn} is ${k.account}: the password was reset after the keytab was made (or the keytab was written with a wrong -k)`,
      ...fixOf(
        remedy`make the keytab from the current password with -k ${k.account}: ${command`keytab add ${n.keytabName ?? 'KEYTAB'} -p ${q.name} -k ${k.account}${q.salt ?? ''} ...`}`,
      ),
      details: { account: a.dn, keyVersionNumber: k.account, keytabKvno: k.keytab },
    });
  } else if (k.kind === 'ahead') {
    out.push({
      ...base,
      status: 'FAIL',
      kvno: k.keytab,
      reason: `the keytab's kvno ${k.keytab} is ahead of msDS-KeyVersionNumber ${k.account} of ${a.dn}: the password reset it was made for did not happen (or not on this DC)`,
      fix: `make the keytab with -k ${k.account} from the account's current password`,
      details: { account: a.dn, keyVersionNumber: k.account, keytabKvno: k.keytab },
    });
  } else {
    out.push({
      ...base,
      status: 'OK',
      kvno: k.keytab,
      reason: `the keytab's kvno ${k.keytab} is msDS-KeyVersionNumber of ${a.dn}`,
      details: { account: a.dn, keyVersionNumber: k.account },
    });
  }
  const e = m.enctypes;
  if (e.kind === 'unset') {
    out.push({
      ...base,
      status: 'WARN',
      reason: `${unsetEnctypesWords(a.dn, e.keytab)}; ${DC_DEFAULT_HOW_TO_TELL}`,
      fix: 'set msDS-SupportedEncryptionTypes to 24 (0x18: AES128 + AES256) on the account',
      details: { account: a.dn, supportedEncryptionTypes: null },
    });
    return out;
  }
  const details = { account: a.dn, supportedEncryptionTypes: e.bits };
  if (e.kind === 'none-allowed') {
    out.push({
      ...base,
      status: 'FAIL',
      reason: `msDS-SupportedEncryptionTypes ${e.words} allows none of the keytab's enctypes (${e.keytab.map(label).join(', ')})`,
      fix: "add keys of an allowed enctype, or allow the keytab's enctypes on the account",
      details,
    });
  } else if (e.kind === 'missing') {
    out.push({
      ...base,
      status: 'WARN',
      reason: `msDS-SupportedEncryptionTypes ${e.words} allows ${e.missing.map(label).join(', ')}, which the keytab lacks`,
      fix: `add the missing keys (keytab add -e ${e.missing.map(label).join(',')})`,
      details,
    });
  } else {
    out.push({
      ...base,
      status: 'OK',
      reason: `msDS-SupportedEncryptionTypes ${e.words} fits the keytab's enctypes`,
      details,
    });
  }
  return out;
}
