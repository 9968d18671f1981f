/**
 * The service-ticket line of `keytab verify`: the kvno and enctype of the ticket the KDC issues
 * against the keytab's, and whether the keytab's key decrypts it (what `kvno -k` checks): stale
 * kvno, missing enctype, RC4 tickets for an AES-only keytab, kvno 0. Pure: judged from the
 * gathered ServiceResult (facts.ts).
 */
import { enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal, type Principal } from '../principal.js';
import { command, option, remedy } from '../remedy.js';
import type { Remedy } from '../remedy.js';
import { fixOf } from '../report-line.js';
import { SERVICE_ADVICE, adviceFor } from './advice.js';
import { describeSupportedBits, type DirectoryAccountView } from './directory.js';
import { RC4_HMAC, isAesSha1 } from './enctype-names.js';
import type { Naming, ServiceResult } from './facts.js';
import { NO_SALT, failureDetails } from './judge-keys.js';
import { enctypeUsesSalt } from './salts.js';
import type { CheckStatus, VerifyCheck } from './types.js';

const label = (e: number): string => enctypeName(e);

function enctypeList(entries: readonly KeytabEntry[]): string {
  return [...new Set(entries.map((e) => label(e.enctype)))].join(', ') || 'none';
}

export interface TicketQuestion {
  readonly service: Principal;
  readonly result: ServiceResult;
  /** The keytab's entries named like the service. */
  readonly byName: readonly KeytabEntry[];
  /** Judged against when none is named like the service (--service: the realm's entries). */
  readonly fallback: readonly KeytabEntry[];
  readonly account: DirectoryAccountView | undefined;
  /** The service was asked for (--service): a refusal is an error even for a one-part name. */
  readonly explicit: boolean;
  /** ` --salt 'X'` for fixes, when the KDC's salt is not the default (judge-keys kdcSalt). */
  readonly salt?: Remedy | undefined;
}

/** The service-ticket line: the ticket's kvno and enctype against the keytab's. */
export function serviceTicketLine(n: Naming, q: TicketQuestion): VerifyCheck {
  const { service, result, byName, account } = q;
  const salt = q.salt ?? NO_SALT;
  const name = formatPrincipal(service);
  const base = {
    check: 'service-ticket' as const,
    what: `${name} service ticket`,
    principal: name,
  };
  const kt = n.keytabName ?? 'KEYTAB';
  if (result.kind === 'no-tgt') {
    return {
      ...base,
      status: 'SKIP',
      reason:
        'not checked: no key of this realm got a ticket-granting ticket (see the lines above)',
      ...fixOf(
        remedy`fix the keys first, or give ${option('passwordFile')} with the account's password`,
      ),
    };
  }
  if (result.kind === 'refused') {
    const advice = adviceFor(
      SERVICE_ADVICE,
      result.failure.errorCode,
      { principal: name, realm: service.realm },
      result.failure.message,
    );
    // A user principal that is not a service is normal for a client keytab.
    const status: CheckStatus = q.explicit || service.components.length > 1 ? 'FAIL' : 'WARN';
    return {
      ...base,
      status,
      reason: advice.reason,
      ...fixOf(advice.fix),
      details: failureDetails(result.failure),
    };
  }
  const tKvno = result.kvno;
  const tEnc = result.enctype;
  const entries = byName.length > 0 ? byName : q.fallback;
  const details: Record<string, string | number | readonly number[] | null> = {
    ticketKvno: tKvno ?? null,
    ticketEnctype: label(tEnc),
    keytabKvnos: [...new Set(entries.map((e) => e.kvno))].sort((a, b) => a - b),
  };
  const ticketWords = `the KDC issues tickets for ${name} with kvno ${tKvno ?? '(none)'} ${label(tEnc)}`;
  const sameEnctype = entries.filter((e) => e.enctype === tEnc);
  const kvnoNote =
    tKvno !== undefined && !entries.some((e) => e.kvno === tKvno)
      ? `; its kvno ${Math.max(...entries.map((e) => e.kvno))} is not the ticket's ${tKvno} either`
      : '';
  const list = enctypeList(entries);
  if (sameEnctype.length === 0) {
    if (tEnc === RC4_HMAC && entries.some((e) => isAesSha1(e.enctype))) {
      const attr = account
        ? account.supportedEncryptionTypes === undefined
          ? `msDS-SupportedEncryptionTypes is not set on ${account.dn}, and this DC applies its default: RC4 (DCs with the April 2026 update for CVE-2026-20833, KB5073381, issue AES instead)`
          : `${account.dn} has msDS-SupportedEncryptionTypes ${describeSupportedBits(account.supportedEncryptionTypes)}`
        : 'on Active Directory this happens when msDS-SupportedEncryptionTypes is not set on the account (RC4 is then the default of DCs without the April 2026 update for CVE-2026-20833)';
      return {
        ...base,
        status: 'FAIL',
        reason: `missing enctype: an RC4 ticket for an AES-only keytab: ${ticketWords}, the keytab has only ${list} (kinit -k works, the service fails: "No key table entry found" / "Cannot find key of appropriate type"); ${attr}${kvnoNote}`,
        fix: `set msDS-SupportedEncryptionTypes to 24 (0x18, AES128 + AES256) on the service account (Set-ADUser ACCOUNT -KerberosEncryptionType AES128,AES256, or ldapmodify), or add an RC4 key: keytab add ${kt} -p ${name} -k ${tKvno ?? 'KVNO'} -e arcfour-hmac`,
        details,
      };
    }
    return {
      ...base,
      status: 'FAIL',
      reason: `missing enctype: ${ticketWords}, and the keytab has no ${label(tEnc)} key for it (only ${list}): the service cannot decrypt its tickets (MIT acceptors: "Request ticket server ${name} kvno ${tKvno ?? 0} found in keytab but not with enctype ${label(tEnc)}")${kvnoNote}`,
      ...fixOf(
        remedy`add the ${label(tEnc)} key: ${command`keytab add ${kt} -p ${name} -k ${tKvno ?? 'KVNO'} -e ${label(tEnc)}${enctypeUsesSalt(tEnc) ? salt : NO_SALT}`} (from the current password)`,
      ),
      details,
    };
  }
  const nameNote =
    byName.length === 0
      ? `; but the keytab has no entry named ${name}: acceptors that look the key up by the ticket's name fail ("No key table entry found")`
      : '';
  const withKvno = (kvno: number): { kvno: number; enctype: string } => ({
    kvno,
    enctype: label(tEnc),
  });
  const exact =
    sameEnctype.find((e) => e.kvno === tKvno) ?? (tKvno === undefined ? sameEnctype[0] : undefined);
  if (exact) {
    if (result.decrypts.has(exact)) {
      return {
        ...base,
        status: byName.length === 0 ? 'WARN' : 'OK',
        ...withKvno(exact.kvno),
        reason: `${ticketWords}; it decrypts with the keytab's kvno ${exact.kvno} ${label(tEnc)} key (what kvno -k checks)${nameNote}`,
        fix:
          byName.length === 0
            ? `add entries named ${name} (keytab add ${kt} -p ${name} ...)`
            : undefined,
        details,
      };
    }
    return {
      ...base,
      status: 'FAIL',
      ...withKvno(exact.kvno),
      reason: `${ticketWords}, but the keytab's kvno ${exact.kvno} ${label(tEnc)} key does not decrypt it (MIT acceptors: "Request ticket server ${name} kvno ${exact.kvno} enctype ${label(tEnc)} found in keytab but cannot decrypt ticket"; others: "Wrong principal in request", "Decrypt integrity check failed"): the keytab's key under the current kvno is not the service's (made from another password, or with another salt)`,
      ...fixOf(
        remedy`make the keytab again from the current password: ${command`keytab add ${kt} -p ${name} -k ${exact.kvno} -e ${list.replace(/, /g, ',')}${salt} ${option('passwordFile', 'FILE')} ${option('replace')}`}`,
      ),
      details,
    };
  }
  const newest = sameEnctype.reduce((a, b) => (b.kvno > a.kvno ? b : a));
  const wildcard = sameEnctype.find((e) => e.kvno === 0);
  if (wildcard && result.decrypts.has(wildcard)) {
    return {
      ...base,
      status: 'WARN',
      ...withKvno(0),
      reason: `${ticketWords}; the keytab's entry has kvno 0, which MIT acceptors take as "any kvno", and its key decrypts the ticket; Java, Heimdal and Windows acceptors look for kvno ${tKvno} and fail`,
      ...fixOf(
        remedy`write the entries with kvno ${String(tKvno)}: ${command`keytab add ${kt} -p ${name} -k ${String(tKvno)}${salt} ...`}`,
      ),
      details,
    };
  }
  const keyStillGood = result.decrypts.has(newest);
  if (tKvno !== undefined && newest.kvno < tKvno) {
    return {
      ...base,
      status: 'FAIL',
      ...withKvno(newest.kvno),
      reason:
        `stale kvno: the keytab has kvno ${newest.kvno}, the KDC issues tickets with kvno ${tKvno}: the password was reset after the keytab was made` +
        (keyStillGood
          ? ` (to the same password, or the keytab was written with a wrong -k: the kvno ${newest.kvno} key still decrypts the ticket, only the number is stale)`
          : '') +
        `; acceptors fail with "Request ticket server ${name} kvno ${tKvno} not found in keytab; keytab is likely out of date"`,
      ...fixOf(
        keyStillGood
          ? remedy`write the same keys with kvno ${tKvno}: ${command`keytab add ${kt} -p ${name} -k ${tKvno} -e ${list.replace(/, /g, ',')}${salt} ${option('passwordFile', 'FILE')}`} (the same password)`
          : remedy`make the keytab from the current password with kvno ${tKvno}: ${command`keytab add ${kt} -p ${name} -k ${tKvno} -e ${list.replace(/, /g, ',')}${salt}`} (MIT: kadmin -q "ktadd -k FILE -norandkey ${name}")`,
      ),
      details,
    };
  }
  return {
    ...base,
    status: 'FAIL',
    ...withKvno(newest.kvno),
    reason: `the keytab's kvno ${newest.kvno} is ahead of the KDC's ${tKvno ?? '(none)'}: it was made for a password change that did not happen, or has not reached this KDC yet (MIT acceptors: "Request ticket server ${name} kvno ${tKvno ?? 0} not found in keytab; ticket is likely out of date")`,
    ...fixOf(
      remedy`check the account's kvno (msDS-KeyVersionNumber, or kadmin getprinc) and make the keytab for it: ${command`keytab add ${kt} -p ${name} -k ${tKvno ?? 'KVNO'}${salt} ...`}`,
    ),
    details,
  };
}
