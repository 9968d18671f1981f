/**
 * The principal and key lines of `keytab verify`, judged from gathered facts (facts.ts): which
 * keys the KDC accepts, and for a refused one, why (wrong salt, wrong password, superseded,
 * missing on the KDC). Pure: no exchange, and no key is read; tests hand-make the facts.
 */
import { enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import type { KdcEtypeInfo, KdcFailure } from '../krb5/client.js';
import { KRB_ERR } from '../krb5/constants.js';
import { formatKdc } from '../krb5/transport.js';
import { formatPrincipal, type Principal } from '../principal.js';
import { adviceIn, command, option, remedy } from '../remedy.js';
import type { CommandRemedy, Remedy } from '../remedy.js';
import { fixOf } from '../report-line.js';
import { defaultSalt } from '../salt/rules.js';
import { CLIENT_ADVICE, NT_STATUS_ADVICE, adviceFor, type Advice } from './advice.js';
import type { DirectoryAccountView } from './directory.js';
import type { KeyResult, Naming, PrincipalEvent, PrincipalFacts } from './facts.js';
import { candidateSalts, describeSalt, enctypeUsesSalt, type SaltHints } from './salts.js';
import type { CheckDetails, VerifyCheck } from './types.js';

const label = (e: number): string => enctypeName(e);

export function failureDetails(f: KdcFailure): CheckDetails {
  const d: Record<string, string | number | null> = {};
  if (f.errorCode !== undefined) d.errorCode = f.errorCode;
  if (f.errorName !== undefined) d.errorName = f.errorName;
  if (f.ntStatusName !== undefined) d.ntStatus = f.ntStatusName;
  if (f.kdc !== undefined) d.kdc = formatKdc(f.kdc);
  return d;
}

/** Advice for a refusal, refined by the NTSTATUS AD puts in the error (disabled vs locked out). */
function clientAdvice(
  f: KdcFailure,
  subject: { principal: string; realm: string; enctype?: string | undefined },
): Advice {
  const base = adviceFor(CLIENT_ADVICE, f.errorCode, subject, f.message);
  const nt = f.ntStatus !== undefined ? NT_STATUS_ADVICE[f.ntStatus] : undefined;
  return nt ? { reason: `${base.reason}: ${nt.reason}`, fix: nt.fix } : base;
}

function hintsOf(account: DirectoryAccountView | undefined): SaltHints {
  return account
    ? { sAMAccountName: account.sAMAccountName, userPrincipalName: account.userPrincipalName }
    : {};
}

function saltWords(info: KdcEtypeInfo, principal: Principal, hints: SaltHints): string {
  if (!enctypeUsesSalt(info.enctype)) return 'no salt (RC4 keys are the MD4 of the password)';
  const iterations = info.iterations !== undefined ? `, ${info.iterations} iterations` : '';
  return `salt "${info.saltText}" (${describeSalt(info.saltText, principal, hints)})${iterations}`;
}

/**
 * ` --salt 'X'` when the KDC salts the principal's keys otherwise than the RFC 4120 default
 * (an AD account's sAMAccountName or UPN salt): every `keytab add` a fix suggests must repeat
 * it, or the new keys are wrong in the same way.
 */
export function kdcSalt(pr: Pick<PrincipalFacts, 'probes' | 'principal'> | undefined): Remedy {
  if (!pr) return NO_SALT;
  for (const p of pr.probes.values()) {
    if (p.kind !== 'ok' || !enctypeUsesSalt(p.info.enctype)) continue;
    return p.info.saltText !== defaultSalt(pr.principal).text
      ? saltOptionOf(p.info.saltText)
      : NO_SALT;
  }
  return NO_SALT;
}

/** kdcSalt in the keytab CLI's words (` --salt 'X'`, or nothing). */
export const kdcSaltOption = (
  pr: Pick<PrincipalFacts, 'probes' | 'principal'> | undefined,
): string => adviceIn(kdcSalt(pr));

/** No salt option: the KDC uses the default salt. */
export const NO_SALT: Remedy = { parts: [] };

/** ` --salt 'X'`, as a remedy (the option spelled by the front end). */
export const saltOptionOf = (salt: string): Remedy => remedy` ${option('salt', `'${salt}'`)}`;

/** A newer kvno the KDC accepts makes this entry's key a superseded one. */
export function superseded(
  pr: Pick<PrincipalFacts, 'entries' | 'results'>,
  entry: KeytabEntry,
): KeytabEntry | undefined {
  return pr.entries.find((e) => e.kvno > entry.kvno && pr.results.get(e)?.kind === 'accepted');
}

function addCommand(
  n: Naming,
  pr: PrincipalFacts,
  entry: KeytabEntry,
  extra: Remedy,
): CommandRemedy {
  const kvno = pr.kdcKvno ?? entry.kvno;
  return command`keytab add ${n.keytabName ?? 'KEYTAB'} -p ${pr.name} -k ${kvno} -e ${label(entry.enctype)}${extra} ${option('replace')}`;
}

// --- the principal as a whole ------------------------------------------------------------------------

function eventLine(pr: PrincipalFacts, ev: PrincipalEvent): VerifyCheck {
  const base = { check: 'principal' as const, what: pr.name, principal: pr.name };
  const subject = { principal: pr.name, realm: pr.principal.realm };
  if (ev.kind === 'not-a-client') {
    return {
      ...base,
      status: 'WARN',
      reason: `${pr.name} is not a client name on the KDC (kinit -k fails with "Client not found in Kerberos database"): it is an SPN of ${ev.account.dn}, which has no such UPN; the keys are checked as ${formatPrincipal(ev.as)}`,
      fix: `only if kinit -k with this name is needed: set userPrincipalName to ${pr.name} on the account (before resetting the password: the salt follows the UPN at reset time)`,
      details: { account: ev.account.dn },
    };
  }
  const advice = clientAdvice(ev.failure, subject);
  if (ev.kind === 'expired')
    return {
      ...base,
      status: 'FAIL',
      reason: advice.reason,
      ...fixOf(advice.fix),
      details: { ...failureDetails(ev.failure), keysCheckedWith: 'kadmin/changepw' },
    };
  const keys = pr.entries.map((e) => `kvno ${e.kvno} ${label(e.enctype)}`);
  return {
    ...base,
    status: 'FAIL',
    reason: `${advice.reason}; its keys cannot be checked`,
    ...fixOf(advice.fix),
    details: { ...failureDetails(ev.failure), keys },
  };
}

/** The lines about the principal as a whole (expired, not a client name, refused). */
export function principalLines(pr: PrincipalFacts): VerifyCheck[] {
  return pr.events.map((ev) => eventLine(pr, ev));
}

// --- one key -----------------------------------------------------------------------------------------

/** The fields every line about one key starts with. */
function keyBase(pr: PrincipalFacts, entry: KeytabEntry) {
  return {
    check: 'key' as const,
    what: `${pr.name} kvno ${entry.kvno} ${label(entry.enctype)}`,
    principal: pr.name,
    kvno: entry.kvno,
    enctype: label(entry.enctype),
  };
}

function rejectedLine(
  n: Naming,
  pr: PrincipalFacts,
  entry: KeytabEntry,
  result: Extract<KeyResult, { kind: 'rejected' }>,
): VerifyCheck {
  const base = keyBase(pr, entry);
  const info = result.info;
  const hints = hintsOf(pr.account);
  const details: Record<string, string | number | boolean | null> = {
    ...failureDetails(result.failure),
    kdcSalt: info.saltText,
    kdcSaltSource: info.saltSource,
    iterations: info.iterations ?? null,
  };
  const kdcSaltWords = saltWords(info, pr.principal, hints);
  const salted = enctypeUsesSalt(entry.enctype);
  const saltOption = salted ? saltOptionOf(info.saltText) : NO_SALT;

  // A newer kvno that works makes this one a superseded key, kept for tickets in flight.
  const newer = superseded(pr, entry);
  if (newer) {
    return {
      ...base,
      status: 'WARN',
      reason: `superseded: the KDC refuses this key, and the keytab's newer kvno ${newer.kvno} works: an old key, useful only for service tickets issued before the password change`,
      ...fixOf(
        remedy`remove it once those tickets have expired (10 hours by default): ${command`keytab remove ${n.keytabName ?? 'KEYTAB'} -p ${pr.name} ${option('kvno', String(entry.kvno))}`}`,
      ),
      details,
    };
  }

  const pw = pr.passwordChecks.get(entry);
  if (!pw) {
    const what2 = salted
      ? 'made from a wrong password, with a wrong salt, or before a password change'
      : 'made from a wrong password or before a password change (RC4 keys have no salt)';
    return {
      ...base,
      status: 'FAIL',
      reason: `the KDC refuses this key (KDC_ERR_PREAUTH_FAILED; kinit -k: "Preauthentication failed while getting initial credentials"): the keytab was ${what2}; the KDC uses ${kdcSaltWords}`,
      ...fixOf(
        remedy`run verify again with ${option('passwordFile', 'FILE')} (the account's password) to tell which; or make the key again with the KDC's salt: ${addCommand(n, pr, entry, saltOption)}`,
      ),
      details,
    };
  }

  const fileName = n.passwordFileName ?? 'the password file';
  const remake = addCommand(
    n,
    pr,
    entry,
    remedy`${saltOption} ${option('passwordFile', n.passwordFileName ?? 'FILE')}`,
  );
  details.passwordAccepted = pw.accepted;
  if (pw.sameKey) {
    return {
      ...base,
      status: 'FAIL',
      reason: `wrong password: the key is the password in ${fileName} under the KDC's ${kdcSaltWords}, and the KDC refuses it: that password is not the account's current one (it was changed after the keytab was made)`,
      ...fixOf(
        remedy`make the keytab from the current password (or reset it, then make the keytab): ${remake}`,
      ),
      details,
    };
  }
  const origin = pw.origin;
  if (origin) {
    details.keytabSalt = origin.salt.text;
    details.keytabSaltRule = origin.salt.rule;
    const adStyle = info.saltText !== defaultSalt(pr.principal).text;
    const madeWith = `the key is the password's key with salt "${origin.salt.text}" (${origin.salt.explanation})`;
    const accountName = info.saltText.startsWith(pr.principal.realm.toUpperCase())
      ? info.saltText.slice(pr.principal.realm.length)
      : undefined;
    const adFix = adStyle
      ? remedy`on AD the salt is fixed when the password is set: the UPN was set after the password. Either make the keytab with the account's salt: ${remake}${accountName ? remedy` (${option('adUser', accountName)} gives the same salt)` : ''}, or reset the password now that the UPN is set, then make the keytab again with the new kvno`
      : remedy`make the key with the KDC's salt: ${remake}`;
    if (pw.accepted) {
      return {
        ...base,
        status: 'FAIL',
        reason: `wrong salt: ${madeWith}, but the KDC uses ${kdcSaltWords}; the password itself is right (the KDC accepts it with its own salt)`,
        ...fixOf(adFix),
        details,
      };
    }
    return {
      ...base,
      status: 'FAIL',
      reason: `wrong salt and wrong password: ${madeWith}, but the KDC uses ${kdcSaltWords}, and it refuses the password in ${fileName} even with its own salt: that password is not the current one either`,
      ...fixOf(remedy`get the current password (or reset it), then: ${remake}`),
      details,
    };
  }
  const tried = salted
    ? `; no known salt rule gives this key from it (tried ${candidateSalts(pr.principal, hints)
        .map((s) => `"${s.text}"`)
        .join(', ')})`
    : '';
  if (pw.accepted) {
    return {
      ...base,
      status: 'FAIL',
      reason: `wrong password in the keytab: the password in ${fileName} works (the KDC accepts it with ${kdcSaltWords}), but the keytab's key was made from another password${tried}`,
      ...fixOf(remedy`make the keytab again from this password: ${remake}`),
      details,
    };
  }
  return {
    ...base,
    status: 'FAIL',
    reason: `the KDC refuses both this key and the password in ${fileName} (with its ${kdcSaltWords})${tried}: neither is the account's current password`,
    ...fixOf(remedy`get the current password (or reset it), then: ${remake}`),
    details,
  };
}

function keyLine(
  n: Naming,
  pr: PrincipalFacts,
  entry: KeytabEntry,
  result: KeyResult,
  anyAccepted: boolean,
): VerifyCheck | undefined {
  const base = keyBase(pr, entry);
  switch (result.kind) {
    case 'accepted': {
      const kvno0 = entry.kvno === 0 ? '; kvno 0 is a wildcard only for MIT acceptors' : '';
      return {
        ...base,
        status: entry.kvno === 0 ? 'WARN' : 'OK',
        reason: `the KDC accepts this key (${saltWords(result.info, pr.principal, hintsOf(pr.account))})${pr.asService ? ', checked against kadmin/changepw because the password has expired' : ''}${kvno0}`,
        ...(entry.kvno === 0
          ? fixOf(
              remedy`write it with the account's kvno: ${addCommand(n, pr, entry, enctypeUsesSalt(entry.enctype) ? kdcSalt(pr) : NO_SALT)}`,
            )
          : {}),
        details: {
          kdcSalt: result.info.saltText,
          kdcSaltSource: result.info.saltSource,
          iterations: result.info.iterations ?? null,
        },
      };
    }
    case 'rejected':
      return rejectedLine(n, pr, entry, result);
    case 'missing': {
      const instead =
        result.announced.length > 0
          ? ` (it offers ${result.announced.map((a) => label(a.enctype)).join(', ')} instead)`
          : '';
      const advice = adviceFor(
        CLIENT_ADVICE,
        KRB_ERR.ETYPE_NOSUPP,
        { principal: pr.name, realm: pr.principal.realm, enctype: label(entry.enctype) },
        '',
      );
      return {
        ...base,
        status: anyAccepted ? 'WARN' : 'FAIL',
        reason: `${advice.reason}${instead}${anyAccepted ? ': this key is never used, the others are' : ''}`,
        ...fixOf(advice.fix),
      };
    }
    case 'refused': {
      const advice = clientAdvice(result.failure, {
        principal: pr.name,
        realm: pr.principal.realm,
        enctype: label(entry.enctype),
      });
      return {
        ...base,
        status: 'FAIL',
        reason: advice.reason,
        ...fixOf(advice.fix),
        details: failureDetails(result.failure),
      };
    }
    case 'uncheckable':
      return {
        ...base,
        status: 'WARN',
        reason: `${label(entry.enctype)} is not an enctype this toolkit can encrypt with, so this key cannot be checked`,
        fix: 'remove the entry if no peer uses this enctype',
      };
    case 'not-checked':
      return undefined;
  }
}

/** One line per keytab key of the principal (none for keys not checked: the principal was refused). */
export function keyLines(n: Naming, pr: PrincipalFacts): VerifyCheck[] {
  const anyAccepted = [...pr.results.values()].some((x) => x.kind === 'accepted');
  return pr.entries.flatMap(
    (entry) =>
      keyLine(n, pr, entry, pr.results.get(entry) ?? { kind: 'not-checked' }, anyAccepted) ?? [],
  );
}
