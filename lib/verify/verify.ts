/**
 * `keytab verify`: asks the KDC whether a keytab's keys work, and if not, why.
 *
 * Per principal of the keytab:
 *   1. an AS-REQ without pre-authentication per enctype (PA-ETYPE-INFO2 carries one entry per
 *      reply on MIT and Samba, so each enctype is asked alone) gives the KDC's salt and
 *      iteration count, the KDC's clock, and refusals about the principal as a whole
 *      (unknown, disabled, expired);
 *   2. each key authenticates (PA-ENC-TIMESTAMP): accepted or refused;
 *   3. a refused key, given the account's password, is re-derived under the KDC's salt and the
 *      other salt rules: "wrong salt" (the right password under another rule) is told apart
 *      from "wrong password";
 *   4. with a TGT, a service ticket for the principal (or --service) is decrypted with the
 *      keytab, comparing the ticket's kvno and enctype with the keytab's (what `kvno -k`
 *      checks): stale kvno, missing enctype, RC4 tickets for an AES-only keytab;
 *   5. with a directory, the keytab's kvno against msDS-KeyVersionNumber and the enctypes
 *      against msDS-SupportedEncryptionTypes;
 * and once: the clock skew to the KDC (measured from its replies; the key checks themselves
 * run on the KDC's time, so a bad clock does not hide the keys' state).
 *
 * Pure: the transport, the clock, the random source and the directory are injected. The
 * checks branch on KDC error codes only, never on e-text.
 */
import { DC_DEFAULT_HOW_TO_TELL, unsetEnctypesWords } from '../ad/ticket-enctypes.js';
import { bytesEqual, wipe } from '../bytes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import { stringToKey } from '../crypto/string-to-key.js';
import { isKtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import {
  decryptTicket,
  getInitialTicket,
  getServiceTicket,
  probeAsReq,
  type KdcEtypeInfo,
  type KdcFailure,
  type KrbContext,
  type KrbCredentials,
  type ProbeResult,
  type ServiceTicket,
} from '../krb5/client.js';
import { KRB_ERR } from '../krb5/constants.js';
import { formatKdc, type KdcAttempt, type KdcTarget, type KdcTransport } from '../krb5/transport.js';
import { formatPrincipal, samePrincipal, type Principal } from '../principal.js';
import { defaultSalt, type Salt } from '../salt/rules.js';
import { clockLine, probeKdcClock, type Skew } from './clock.js';
import { CLIENT_ADVICE, NT_STATUS_ADVICE, SERVICE_ADVICE, adviceFor, type Advice } from './advice.js';
import { describeSupportedBits, enctypesOfSupportedBits, type AccountDirectory, type DirectoryAccountView } from './directory.js';
import { candidateSalts, describeSalt, enctypeUsesSalt, findKeyOrigin, type KeyOrigin, type SaltHints } from './salts.js';
import type { CheckDetails, CheckStatus, VerifyCheck, VerifyReport } from './types.js';

/** MIT's and AD's default maximum clock skew (krb5.conf clockskew), in seconds. */
export const DEFAULT_ALLOWED_SKEW = 300;
/** Above this the clock check warns, though Kerberos still works. */
export const DEFAULT_WARN_SKEW = 60;

/**
 * Offered together with a deprecated enctype when the KDC refuses it alone (measured: MIT 1.20
 * answers ETYPE_NOSUPP to an AS-REQ offering only des3 or rc4, since it must also choose a
 * session key; with a modern enctype after it, it announces the deprecated one first).
 */
const SESSION_ENCTYPES: readonly number[] = [18, 17, 20, 19];

export interface VerifyDeps {
  readonly transport: KdcTransport;
  /** The local clock. */
  readonly now: () => Date;
  readonly random: (n: number) => Uint8Array;
  /** The directory, when one is configured. */
  readonly directory?: AccountDirectory | undefined;
}

export interface VerifyOptions {
  /** The keytab entries to check (already filtered by principal). */
  readonly entries: readonly KeytabEntry[];
  /** Ask for a ticket to this service instead of each keytab principal (--service). */
  readonly service?: Principal | undefined;
  /** The account's password (--password-file), to tell a wrong salt from a wrong password. */
  readonly password?: Uint8Array | undefined;
  /** Errors above this skew (krb5.conf clockskew; default 300 s). */
  readonly allowedSkewSeconds?: number | undefined;
  /** Warns above this skew (default 60 s). */
  readonly warnSkewSeconds?: number | undefined;
  /** Why there is no directory (printed as a SKIP line); omitted: no directory line. */
  readonly directoryNote?: string | undefined;
  /** How to name the keytab in fixes (`keytab add FILE ...`). */
  readonly keytabName?: string | undefined;
  /** How to name the password file in fixes. */
  readonly passwordFileName?: string | undefined;
}

// --- per-run state --------------------------------------------------------------------------------

interface RealmRun {
  readonly realm: string;
  /** KDC time minus local time, from the first reply that carried it. */
  offsetMs: number | undefined;
  answered?: { readonly kdc: KdcTarget; readonly protocol: string; readonly attempts: readonly KdcAttempt[] } | undefined;
  /** Some reply was too big for UDP (KRB_ERR_RESPONSE_TOO_BIG) and came over TCP. */
  tooBig: boolean;
  readonly tgts: KrbCredentials[];
}

type EnctypeProbe =
  | { readonly kind: 'ok'; readonly probe: ProbeResult; readonly info: KdcEtypeInfo; readonly offered: readonly number[] }
  | { readonly kind: 'missing'; readonly announced: readonly KdcEtypeInfo[] }
  | { readonly kind: 'refused'; readonly failure: KdcFailure };

type KeyResult =
  | { readonly kind: 'accepted'; readonly credentials: KrbCredentials; readonly info: KdcEtypeInfo }
  | { readonly kind: 'rejected'; readonly failure: KdcFailure; readonly info: KdcEtypeInfo }
  | { readonly kind: 'refused'; readonly failure: KdcFailure }
  | { readonly kind: 'missing'; readonly announced: readonly KdcEtypeInfo[] }
  | { readonly kind: 'uncheckable' }
  | { readonly kind: 'not-checked' };

interface PrincipalRun {
  readonly principal: Principal;
  readonly name: string;
  readonly entries: readonly KeytabEntry[];
  /** The name the AS exchanges use (the principal, or its AD account's sAMAccountName). */
  client: Principal;
  /** The service asked for in AS exchanges: the TGS, or kadmin/changepw for an expired password. */
  asService?: Principal | undefined;
  account?: DirectoryAccountView | undefined;
  readonly probes: Map<number, EnctypeProbe>;
  readonly results: Map<KeytabEntry, KeyResult>;
  /** Lines about the principal as a whole (before its key lines). */
  readonly notes: VerifyCheck[];
  tgt?: KrbCredentials | undefined;
  /** The KDC's kvno for the principal, from its service ticket. */
  kdcKvno?: number | undefined;
  service?: ServiceResult | undefined;
}

type ServiceResult =
  | { readonly kind: 'ticket'; readonly ticket: ServiceTicket }
  | { readonly kind: 'refused'; readonly failure: KdcFailure }
  | { readonly kind: 'no-tgt' };

interface Runner {
  readonly deps: VerifyDeps;
  readonly options: VerifyOptions;
  readonly skews: Skew[];
  readonly run: RealmRun;
  /** Context on the local clock (probes: they measure the skew). */
  readonly raw: KrbContext;
  /** Context on the KDC's clock (authentication: a bad clock must not hide the keys' state). */
  readonly corrected: KrbContext;
  /** Keys derived from the password per enctype, and whether the KDC takes them. */
  readonly passwordKeys: Map<number, Promise<{ key: Uint8Array; accepted: boolean; credentials?: KrbCredentials | undefined }>>;
}

// --- helpers -----------------------------------------------------------------------------------------

const label = (e: number): string => enctypeName(e);

function check(c: VerifyCheck): VerifyCheck {
  return c;
}

function entryWhat(name: string, entry: KeytabEntry): string {
  return `${name} kvno ${entry.kvno} ${label(entry.enctype)}`;
}

function failureDetails(f: KdcFailure): CheckDetails {
  const d: Record<string, string | number | null> = {};
  if (f.errorCode !== undefined) d.errorCode = f.errorCode;
  if (f.errorName !== undefined) d.errorName = f.errorName;
  if (f.ntStatusName !== undefined) d.ntStatus = f.ntStatusName;
  if (f.kdc !== undefined) d.kdc = formatKdc(f.kdc);
  return d;
}

function isTgt(c: KrbCredentials): boolean {
  return c.server.components[0] === 'krbtgt';
}

/** Advice for a refusal, refined by the NTSTATUS AD puts in the error (disabled vs locked out). */
function clientAdvice(f: KdcFailure, subject: { principal: string; realm: string; enctype?: string | undefined }): Advice {
  const base = adviceFor(CLIENT_ADVICE, f.errorCode, subject, f.message);
  const nt = f.ntStatus !== undefined ? NT_STATUS_ADVICE[f.ntStatus] : undefined;
  return nt ? { reason: `${base.reason}: ${nt.reason}`, fix: nt.fix } : base;
}

function saltWords(info: KdcEtypeInfo, principal: Principal, hints: SaltHints): string {
  if (!enctypeUsesSalt(info.enctype)) return 'no salt (RC4 keys are the MD4 of the password)';
  const iterations = info.iterations !== undefined ? `, ${info.iterations} iterations` : '';
  return `salt "${info.saltText}" (${describeSalt(info.saltText, principal, hints)})${iterations}`;
}

function hintsOf(account: DirectoryAccountView | undefined): SaltHints {
  return account ? { sAMAccountName: account.sAMAccountName, userPrincipalName: account.userPrincipalName } : {};
}

// --- probing -----------------------------------------------------------------------------------------

function noteExchange(r: Runner, p: { kdc?: KdcTarget | undefined; protocol?: string | undefined; attempts?: readonly KdcAttempt[] | undefined }): void {
  if (p.attempts?.some((a) => a.outcome === 'response-too-big')) r.run.tooBig = true;
  if (!r.run.answered && p.kdc !== undefined && p.protocol !== undefined) r.run.answered = { kdc: p.kdc, protocol: p.protocol, attempts: p.attempts ?? [] };
}

async function probe(r: Runner, client: Principal, enctypes: readonly number[], service: Principal | undefined): Promise<ProbeResult> {
  const result = await probeAsReq(r.raw, client, { enctypes, service });
  noteExchange(r, result);
  if (result.kind !== 'as-rep') {
    const seconds = Math.round((result.kdcTime.getTime() - result.localTime.getTime()) / 1000);
    r.skews.push({ kdc: formatKdc(result.kdc), seconds });
    if (r.run.offsetMs === undefined) r.run.offsetMs = result.kdcTime.getTime() - result.localTime.getTime();
  } else if (r.run.offsetMs === undefined) {
    // No pre-authentication: the AS-REP hides the KDC's time; ask for it another way.
    const clock = await probeKdcClock(r.raw, client.realm);
    if (clock) {
      r.skews.push({ kdc: clock.kdc, seconds: clock.seconds });
      r.run.offsetMs = clock.offsetMs;
    }
  }
  return result;
}

/** What the KDC has for one enctype of a principal. */
async function probeEnctype(r: Runner, client: Principal, enctype: number, service: Principal | undefined): Promise<EnctypeProbe> {
  let result = await probe(r, client, [enctype], service);
  let offered: readonly number[] = [enctype];
  if (result.kind === 'error' && result.error.errorCode === KRB_ERR.ETYPE_NOSUPP) {
    const withModern = [enctype, ...SESSION_ENCTYPES.filter((e) => e !== enctype)];
    const second = await probe(r, client, withModern, service);
    if (second.kind !== 'error' || second.error.errorCode !== KRB_ERR.ETYPE_NOSUPP) {
      result = second;
      offered = withModern;
    }
  }
  if (result.kind === 'error') {
    if (result.error.errorCode === KRB_ERR.ETYPE_NOSUPP) return { kind: 'missing', announced: [] };
    return { kind: 'refused', failure: result.failure };
  }
  const info = result.etypeInfo.find((i) => i.enctype === enctype);
  // The KDC announced another enctype first: it holds no key of this one for the principal.
  if (!info) return { kind: 'missing', announced: result.etypeInfo };
  return { kind: 'ok', probe: result, info, offered };
}

function changepwPrincipal(realm: string): Principal {
  return { components: ['kadmin', 'changepw'], realm, nameType: 2 };
}

// --- the keys of one principal -----------------------------------------------------------------------

async function probePrincipal(r: Runner, pr: PrincipalRun, checkable: readonly number[]): Promise<boolean> {
  for (const enctype of checkable) {
    let p = await probeEnctype(r, pr.client, enctype, pr.asService);
    if (p.kind === 'refused' && pr.probes.size === 0) {
      const code = p.failure.errorCode;
      const subject = { principal: pr.name, realm: pr.principal.realm };
      if (code === KRB_ERR.KEY_EXPIRED && pr.asService === undefined) {
        // An expired password still opens the password-change service (what kpasswd uses),
        // so the keys can still be checked.
        const advice = clientAdvice(p.failure, subject);
        pr.notes.push(check({ check: 'principal', status: 'FAIL', what: pr.name, principal: pr.name, reason: advice.reason, fix: advice.fix, details: { ...failureDetails(p.failure), keysCheckedWith: 'kadmin/changepw' } }));
        pr.asService = changepwPrincipal(pr.principal.realm);
        p = await probeEnctype(r, pr.client, enctype, pr.asService);
      } else if (code === KRB_ERR.C_PRINCIPAL_UNKNOWN && pr.account !== undefined && samePrincipal(pr.client, pr.principal)) {
        // AD: the name is an SPN of the account, not a UPN: check the keys as the account.
        const sam: Principal = { components: [pr.account.sAMAccountName], realm: pr.principal.realm, nameType: 1 };
        pr.notes.push(
          check({
            check: 'principal',
            status: 'WARN',
            what: pr.name,
            principal: pr.name,
            reason: `${pr.name} is not a client name on the KDC (kinit -k fails with "Client not found in Kerberos database"): it is an SPN of ${pr.account.dn}, which has no such UPN; the keys are checked as ${formatPrincipal(sam)}`,
            fix: `only if kinit -k with this name is needed: set userPrincipalName to ${pr.name} on the account (before resetting the password: the salt follows the UPN at reset time)`,
            details: { account: pr.account.dn },
          }),
        );
        pr.client = sam;
        p = await probeEnctype(r, pr.client, enctype, pr.asService);
      }
      if (p.kind === 'refused') {
        const advice = clientAdvice(p.failure, subject);
        const keys = pr.entries.map((e) => `kvno ${e.kvno} ${label(e.enctype)}`);
        pr.notes.push(check({ check: 'principal', status: 'FAIL', what: pr.name, principal: pr.name, reason: `${advice.reason}; its keys cannot be checked`, fix: advice.fix, details: { ...failureDetails(p.failure), keys } }));
        return false;
      }
    }
    pr.probes.set(enctype, p);
  }
  return true;
}

async function authenticate(r: Runner, pr: PrincipalRun, enctype: number, key: Uint8Array, kvno: number | undefined, p: Extract<EnctypeProbe, { kind: 'ok' }>): Promise<KeyResult> {
  const out = await getInitialTicket(r.corrected, pr.client, { keys: [{ enctype, key, kvno }] }, { enctypes: p.offered, probe: p.probe, service: pr.asService });
  noteExchange(r, out.ok ? out : out.failure);
  if (out.ok) return { kind: 'accepted', credentials: out.credentials, info: p.info };
  const f = out.failure;
  if (f.kind === 'reply-integrity' || (f.kind === 'kdc-error' && f.errorCode === KRB_ERR.PREAUTH_FAILED)) return { kind: 'rejected', failure: f, info: p.info };
  return { kind: 'refused', failure: f };
}

async function checkKeys(r: Runner, pr: PrincipalRun): Promise<void> {
  const done: { enctype: number; key: Uint8Array; result: KeyResult }[] = [];
  for (const entry of pr.entries) {
    if (pr.results.has(entry)) continue;
    const p = pr.probes.get(entry.enctype);
    if (!p) continue;
    if (p.kind === 'missing') {
      pr.results.set(entry, { kind: 'missing', announced: p.announced });
      continue;
    }
    if (p.kind === 'refused') {
      pr.results.set(entry, { kind: 'refused', failure: p.failure });
      continue;
    }
    // The same key under several kvnos (a reset to the same password) is asked about once.
    const same = done.find((d) => d.enctype === entry.enctype && bytesEqual(d.key, entry.key));
    const result = same ? same.result : await authenticate(r, pr, entry.enctype, entry.key, entry.kvno, p);
    if (!same) done.push({ enctype: entry.enctype, key: entry.key, result });
    pr.results.set(entry, result);
    if (result.kind === 'accepted' && isTgt(result.credentials)) {
      pr.tgt ??= result.credentials;
      r.run.tgts.push(result.credentials);
    }
  }
}

/** The password's key under the KDC's salt, and whether the KDC takes it (once per enctype). */
function passwordKey(r: Runner, pr: PrincipalRun, p: Extract<EnctypeProbe, { kind: 'ok' }>): Promise<{ key: Uint8Array; accepted: boolean; credentials?: KrbCredentials | undefined }> {
  const password = r.options.password as Uint8Array;
  const cached = r.passwordKeys.get(p.info.enctype);
  if (cached) return cached;
  const work = (async () => {
    const key = await stringToKey(p.info.enctype, password, p.info.salt, { iterations: p.info.iterations });
    const result = await authenticate(r, pr, p.info.enctype, key, undefined, p);
    if (result.kind === 'accepted') {
      if (isTgt(result.credentials)) r.run.tgts.push(result.credentials);
      return { key, accepted: true, credentials: result.credentials };
    }
    return { key, accepted: false };
  })();
  r.passwordKeys.set(p.info.enctype, work);
  return work;
}

// --- service ticket ----------------------------------------------------------------------------------

async function askServiceTicket(r: Runner, service: Principal, tgt: KrbCredentials | undefined): Promise<ServiceResult> {
  if (!tgt) return { kind: 'no-tgt' };
  const out = await getServiceTicket(r.corrected, tgt, service);
  noteExchange(r, out.ok ? out : out.failure);
  if (!out.ok) return { kind: 'refused', failure: out.failure };
  return { kind: 'ticket', ticket: out };
}

function tryDecrypt(st: ServiceTicket, entry: KeytabEntry): boolean {
  try {
    decryptTicket(st.credentials.ticket, { enctype: entry.enctype, key: entry.key, kvno: entry.kvno });
    return true;
  } catch (e) {
    if (isKtError(e) && (e.code === 'CRYPTO_INTEGRITY' || e.code === 'KRB_ENCTYPE_MISMATCH' || e.code === 'KRB_BAD_MESSAGE')) return false;
    throw e;
  }
}

function enctypeList(entries: readonly KeytabEntry[]): string {
  return [...new Set(entries.map((e) => label(e.enctype)))].join(', ') || 'none';
}

const RC4 = 23;

/** The service-ticket line: the ticket's kvno and enctype against the keytab's. */
function judgeServiceTicket(r: Runner, service: Principal, result: ServiceResult, byName: readonly KeytabEntry[], fallback: readonly KeytabEntry[], account: DirectoryAccountView | undefined, explicit: boolean, salt = ''): VerifyCheck {
  const name = formatPrincipal(service);
  const what = `${name} service ticket`;
  const base = { check: 'service-ticket' as const, what, principal: name };
  const kt = r.options.keytabName ?? 'KEYTAB';
  if (result.kind === 'no-tgt') {
    return check({
      ...base,
      status: 'SKIP',
      reason: 'not checked: no key of this realm got a ticket-granting ticket (see the lines above)',
      fix: 'fix the keys first, or give --password-file with the account\'s password',
    });
  }
  if (result.kind === 'refused') {
    const advice = adviceFor(SERVICE_ADVICE, result.failure.errorCode, { principal: name, realm: service.realm }, result.failure.message);
    // A user principal that is not a service is normal for a client keytab.
    const status: CheckStatus = explicit || service.components.length > 1 ? 'FAIL' : 'WARN';
    return check({ ...base, status, reason: advice.reason, fix: advice.fix, details: failureDetails(result.failure) });
  }
  const st = result.ticket;
  const tKvno = st.ticketKvno;
  const tEnc = st.ticketEnctype;
  const entries = byName.length > 0 ? byName : fallback;
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
  if (sameEnctype.length === 0) {
    const hasAes = entries.some((e) => enctypeById(e.enctype)?.family === 'aes-sha1');
    if (tEnc === RC4 && hasAes) {
      const attr = account
        ? account.supportedEncryptionTypes === undefined
          ? `msDS-SupportedEncryptionTypes is not set on ${account.dn}, and this DC applies its default: RC4 (DCs with the April 2026 update for CVE-2026-20833, KB5073381, issue AES instead)`
          : `${account.dn} has msDS-SupportedEncryptionTypes ${describeSupportedBits(account.supportedEncryptionTypes)}`
        : 'on Active Directory this happens when msDS-SupportedEncryptionTypes is not set on the account (RC4 is then the default of DCs without the April 2026 update for CVE-2026-20833)';
      return check({
        ...base,
        status: 'FAIL',
        reason: `missing enctype: an RC4 ticket for an AES-only keytab: ${ticketWords}, the keytab has only ${enctypeList(entries)} (kinit -k works, the service fails: "No key table entry found" / "Cannot find key of appropriate type"); ${attr}${kvnoNote}`,
        fix: `set msDS-SupportedEncryptionTypes to 24 (0x18, AES128 + AES256) on the service account (Set-ADUser ACCOUNT -KerberosEncryptionType AES128,AES256, or ldapmodify), or add an RC4 key: keytab add ${kt} -p ${name} -k ${tKvno ?? 'KVNO'} -e arcfour-hmac`,
        details,
      });
    }
    return check({
      ...base,
      status: 'FAIL',
      reason: `missing enctype: ${ticketWords}, and the keytab has no ${label(tEnc)} key for it (only ${enctypeList(entries)}): the service cannot decrypt its tickets (MIT acceptors: "Request ticket server ${name} kvno ${tKvno ?? 0} found in keytab but not with enctype ${label(tEnc)}")${kvnoNote}`,
      fix: `add the ${label(tEnc)} key: keytab add ${kt} -p ${name} -k ${tKvno ?? 'KVNO'} -e ${label(tEnc)}${enctypeUsesSalt(tEnc) ? salt : ''} (from the current password)`,
      details,
    });
  }
  const nameNote =
    byName.length === 0
      ? `; but the keytab has no entry named ${name}: acceptors that look the key up by the ticket's name fail ("No key table entry found")`
      : '';
  const exact = sameEnctype.find((e) => e.kvno === tKvno) ?? (tKvno === undefined ? sameEnctype[0] : undefined);
  if (exact) {
    if (tryDecrypt(st, exact)) {
      return check({
        ...base,
        status: byName.length === 0 ? 'WARN' : 'OK',
        kvno: exact.kvno,
        enctype: label(tEnc),
        reason: `${ticketWords}; it decrypts with the keytab's kvno ${exact.kvno} ${label(tEnc)} key (what kvno -k checks)${nameNote}`,
        fix: byName.length === 0 ? `add entries named ${name} (keytab add ${kt} -p ${name} ...)` : undefined,
        details,
      });
    }
    return check({
      ...base,
      status: 'FAIL',
      kvno: exact.kvno,
      enctype: label(tEnc),
      reason: `${ticketWords}, but the keytab's kvno ${exact.kvno} ${label(tEnc)} key does not decrypt it (MIT acceptors: "Request ticket server ${name} kvno ${exact.kvno} enctype ${label(tEnc)} found in keytab but cannot decrypt ticket"; others: "Wrong principal in request", "Decrypt integrity check failed"): the keytab's key under the current kvno is not the service's (made from another password, or with another salt)`,
      fix: `make the keytab again from the current password: keytab add ${kt} -p ${name} -k ${exact.kvno} -e ${enctypeList(entries).replace(/, /g, ',')}${salt} --password-file FILE --replace`,
      details,
    });
  }
  const newest = sameEnctype.reduce((a, b) => (b.kvno > a.kvno ? b : a));
  const wildcard = sameEnctype.find((e) => e.kvno === 0);
  if (wildcard && tryDecrypt(st, wildcard)) {
    return check({
      ...base,
      status: 'WARN',
      kvno: 0,
      enctype: label(tEnc),
      reason: `${ticketWords}; the keytab's entry has kvno 0, which MIT acceptors take as "any kvno", and its key decrypts the ticket; Java, Heimdal and Windows acceptors look for kvno ${tKvno} and fail`,
      fix: `write the entries with kvno ${tKvno}: keytab add ${kt} -p ${name} -k ${tKvno}${salt} ...`,
      details,
    });
  }
  const keyStillGood = tryDecrypt(st, newest);
  if (tKvno !== undefined && newest.kvno < tKvno) {
    return check({
      ...base,
      status: 'FAIL',
      kvno: newest.kvno,
      enctype: label(tEnc),
      reason:
        `stale kvno: the keytab has kvno ${newest.kvno}, the KDC issues tickets with kvno ${tKvno}: the password was reset after the keytab was made` +
        (keyStillGood
          ? ` (to the same password, or the keytab was written with a wrong -k: the kvno ${newest.kvno} key still decrypts the ticket, only the number is stale)`
          : '') +
        `; acceptors fail with "Request ticket server ${name} kvno ${tKvno} not found in keytab; keytab is likely out of date"`,
      fix: keyStillGood
        ? `write the same keys with kvno ${tKvno}: keytab add ${kt} -p ${name} -k ${tKvno} -e ${enctypeList(entries).replace(/, /g, ',')}${salt} --password-file FILE (the same password)`
        : `make the keytab from the current password with kvno ${tKvno}: keytab add ${kt} -p ${name} -k ${tKvno} -e ${enctypeList(entries).replace(/, /g, ',')}${salt} (MIT: kadmin -q "ktadd -k FILE -norandkey ${name}")`,
      details,
    });
  }
  return check({
    ...base,
    status: 'FAIL',
    kvno: newest.kvno,
    enctype: label(tEnc),
    reason: `the keytab's kvno ${newest.kvno} is ahead of the KDC's ${tKvno ?? '(none)'}: it was made for a password change that did not happen, or has not reached this KDC yet (MIT acceptors: "Request ticket server ${name} kvno ${tKvno ?? 0} not found in keytab; ticket is likely out of date")`,
    fix: `check the account's kvno (msDS-KeyVersionNumber, or kadmin getprinc) and make the keytab for it: keytab add ${kt} -p ${name} -k ${tKvno ?? 'KVNO'}${salt} ...`,
    details,
  });
}

// --- the key lines -----------------------------------------------------------------------------------

/**
 * ` --salt 'X'` when the KDC salts the principal's keys otherwise than the RFC 4120 default
 * (an AD account's sAMAccountName or UPN salt): every `keytab add` a fix suggests must repeat
 * it, or the new keys are wrong in the same way.
 */
function kdcSaltOption(pr: PrincipalRun | undefined): string {
  if (!pr) return '';
  for (const p of pr.probes.values()) {
    if (p.kind !== 'ok' || !enctypeUsesSalt(p.info.enctype)) continue;
    return p.info.saltText !== defaultSalt(pr.principal).text ? ` --salt '${p.info.saltText}'` : '';
  }
  return '';
}

function addCommand(r: Runner, pr: PrincipalRun, entry: KeytabEntry, extra: string): string {
  const kvno = pr.kdcKvno ?? entry.kvno;
  return `keytab add ${r.options.keytabName ?? 'KEYTAB'} -p ${pr.name} -k ${kvno} -e ${label(entry.enctype)}${extra} --replace`;
}

async function judgeRejected(r: Runner, pr: PrincipalRun, entry: KeytabEntry, result: Extract<KeyResult, { kind: 'rejected' }>): Promise<VerifyCheck> {
  const what = entryWhat(pr.name, entry);
  const base = { check: 'key' as const, what, principal: pr.name, kvno: entry.kvno, enctype: label(entry.enctype) };
  const info = result.info;
  const hints = hintsOf(pr.account);
  const details: Record<string, string | number | boolean | null> = { ...failureDetails(result.failure), kdcSalt: info.saltText, kdcSaltSource: info.saltSource, iterations: info.iterations ?? null };
  const kdcSaltWords = saltWords(info, pr.principal, hints);
  const salted = enctypeUsesSalt(entry.enctype);
  const saltOption = salted ? ` --salt '${info.saltText}'` : '';

  // A newer kvno that works makes this one a superseded key, kept for tickets in flight.
  const newer = pr.entries.find((e) => e.kvno > entry.kvno && pr.results.get(e)?.kind === 'accepted');
  if (newer) {
    return check({
      ...base,
      status: 'WARN',
      reason: `superseded: the KDC refuses this key, and the keytab's newer kvno ${newer.kvno} works: an old key, useful only for service tickets issued before the password change`,
      fix: `remove it once those tickets have expired (10 hours by default): keytab remove ${r.options.keytabName ?? 'KEYTAB'} -p ${pr.name} --kvno ${entry.kvno}`,
      details,
    });
  }

  const p = pr.probes.get(entry.enctype);
  if (r.options.password === undefined || p?.kind !== 'ok') {
    const what2 = salted ? 'made from a wrong password, with a wrong salt, or before a password change' : 'made from a wrong password or before a password change (RC4 keys have no salt)';
    return check({
      ...base,
      status: 'FAIL',
      reason: `the KDC refuses this key (KDC_ERR_PREAUTH_FAILED; kinit -k: "Preauthentication failed while getting initial credentials"): the keytab was ${what2}; the KDC uses ${kdcSaltWords}`,
      fix: `run verify again with --password-file FILE (the account's password) to tell which; or make the key again with the KDC's salt: ${addCommand(r, pr, entry, saltOption)}`,
      details,
    });
  }

  const password = r.options.password;
  const pw = await passwordKey(r, pr, p);
  if (pw.credentials && isTgt(pw.credentials)) pr.tgt ??= pw.credentials;
  const fileName = r.options.passwordFileName ?? 'the password file';
  const pwOption = ` --password-file ${r.options.passwordFileName ?? 'FILE'}`;
  details.passwordAccepted = pw.accepted;
  if (bytesEqual(pw.key, entry.key)) {
    return check({
      ...base,
      status: 'FAIL',
      reason: `wrong password: the key is the password in ${fileName} under the KDC's ${kdcSaltWords}, and the KDC refuses it: that password is not the account's current one (it was changed after the keytab was made)`,
      fix: `make the keytab from the current password (or reset it, then make the keytab): ${addCommand(r, pr, entry, `${saltOption}${pwOption}`)}`,
      details,
    });
  }
  let origin: KeyOrigin | undefined;
  if (salted) {
    const candidates: KeyOrigin[] = candidateSalts(pr.principal, hints)
      .filter((s) => !bytesEqual(s.bytes, info.salt) || (info.iterations !== undefined && info.iterations !== enctypeById(entry.enctype)?.defaultIterations))
      .map((salt) => ({ salt }));
    const defaultIterations = enctypeById(entry.enctype)?.defaultIterations;
    if (info.iterations !== undefined && defaultIterations !== undefined && info.iterations !== defaultIterations) {
      const kdcSalt: Salt = { rule: 'explicit', bytes: info.salt, text: info.saltText, explanation: `the KDC's salt at the default ${defaultIterations} iterations, not the KDC's ${info.iterations}` };
      candidates.unshift({ salt: kdcSalt, iterations: defaultIterations });
    }
    origin = await findKeyOrigin(entry.enctype, password, entry.key, candidates);
  }
  if (origin) {
    details.keytabSalt = origin.salt.text;
    details.keytabSaltRule = origin.salt.rule;
    const adStyle = info.saltText !== defaultSalt(pr.principal).text;
    const madeWith = `the key is the password's key with salt "${origin.salt.text}" (${origin.salt.explanation})`;
    const accountName = info.saltText.startsWith(pr.principal.realm.toUpperCase()) ? info.saltText.slice(pr.principal.realm.length) : undefined;
    const adFix = adStyle
      ? ` on AD the salt is fixed when the password is set: the UPN was set after the password. Either make the keytab with the account's salt: ${addCommand(r, pr, entry, `${saltOption}${pwOption}`)}${accountName ? ` (--ad-user ${accountName} gives the same salt)` : ''}, or reset the password now that the UPN is set, then make the keytab again with the new kvno`
      : ` make the key with the KDC's salt: ${addCommand(r, pr, entry, `${saltOption}${pwOption}`)}`;
    if (pw.accepted) {
      return check({
        ...base,
        status: 'FAIL',
        reason: `wrong salt: ${madeWith}, but the KDC uses ${kdcSaltWords}; the password itself is right (the KDC accepts it with its own salt)`,
        fix: adFix.trim(),
        details,
      });
    }
    return check({
      ...base,
      status: 'FAIL',
      reason: `wrong salt and wrong password: ${madeWith}, but the KDC uses ${kdcSaltWords}, and it refuses the password in ${fileName} even with its own salt: that password is not the current one either`,
      fix: `get the current password (or reset it), then: ${addCommand(r, pr, entry, `${saltOption}${pwOption}`)}`,
      details,
    });
  }
  const tried = salted ? `; no known salt rule gives this key from it (tried ${candidateSalts(pr.principal, hints).map((s) => `"${s.text}"`).join(', ')})` : '';
  if (pw.accepted) {
    return check({
      ...base,
      status: 'FAIL',
      reason: `wrong password in the keytab: the password in ${fileName} works (the KDC accepts it with ${kdcSaltWords}), but the keytab's key was made from another password${tried}`,
      fix: `make the keytab again from this password: ${addCommand(r, pr, entry, `${saltOption}${pwOption}`)}`,
      details,
    });
  }
  return check({
    ...base,
    status: 'FAIL',
    reason: `the KDC refuses both this key and the password in ${fileName} (with its ${kdcSaltWords})${tried}: neither is the account's current password`,
    fix: `get the current password (or reset it), then: ${addCommand(r, pr, entry, `${saltOption}${pwOption}`)}`,
    details,
  });
}

async function keyLines(r: Runner, pr: PrincipalRun): Promise<VerifyCheck[]> {
  const out: VerifyCheck[] = [];
  const anyAccepted = [...pr.results.values()].some((x) => x.kind === 'accepted');
  const hints = hintsOf(pr.account);
  for (const entry of pr.entries) {
    const result = pr.results.get(entry) ?? { kind: 'not-checked' as const };
    const what = entryWhat(pr.name, entry);
    const base = { check: 'key' as const, what, principal: pr.name, kvno: entry.kvno, enctype: label(entry.enctype) };
    switch (result.kind) {
      case 'accepted': {
        const kvno0 = entry.kvno === 0 ? '; kvno 0 is a wildcard only for MIT acceptors' : '';
        out.push(
          check({
            ...base,
            status: entry.kvno === 0 ? 'WARN' : 'OK',
            reason: `the KDC accepts this key (${saltWords(result.info, pr.principal, hints)})${pr.asService ? ', checked against kadmin/changepw because the password has expired' : ''}${kvno0}`,
            fix: entry.kvno === 0 ? `write it with the account's kvno: ${addCommand(r, pr, entry, enctypeUsesSalt(entry.enctype) ? kdcSaltOption(pr) : '')}` : undefined,
            details: { kdcSalt: result.info.saltText, kdcSaltSource: result.info.saltSource, iterations: result.info.iterations ?? null },
          }),
        );
        break;
      }
      case 'rejected':
        out.push(await judgeRejected(r, pr, entry, result));
        break;
      case 'missing': {
        const instead = result.announced.length > 0 ? ` (it offers ${result.announced.map((a) => label(a.enctype)).join(', ')} instead)` : '';
        const advice = adviceFor(CLIENT_ADVICE, KRB_ERR.ETYPE_NOSUPP, { principal: pr.name, realm: pr.principal.realm, enctype: label(entry.enctype) }, '');
        out.push(
          check({
            ...base,
            status: anyAccepted ? 'WARN' : 'FAIL',
            reason: `${advice.reason}${instead}${anyAccepted ? ': this key is never used, the others are' : ''}`,
            fix: advice.fix,
          }),
        );
        break;
      }
      case 'refused': {
        const advice = clientAdvice(result.failure, { principal: pr.name, realm: pr.principal.realm, enctype: label(entry.enctype) });
        out.push(check({ ...base, status: 'FAIL', reason: advice.reason, fix: advice.fix, details: failureDetails(result.failure) }));
        break;
      }
      case 'uncheckable':
        out.push(check({ ...base, status: 'WARN', reason: `${label(entry.enctype)} is not an enctype this toolkit can encrypt with, so this key cannot be checked`, fix: 'remove the entry if no peer uses this enctype' }));
        break;
      case 'not-checked':
        break;
    }
  }
  return out;
}

// --- directory ---------------------------------------------------------------------------------------

function directoryLines(r: Runner, pr: PrincipalRun): VerifyCheck[] {
  const dir = r.deps.directory;
  if (!dir) return [];
  const what = `${pr.name} in the directory`;
  const base = { check: 'directory' as const, what, principal: pr.name };
  const a = pr.account;
  if (!a) {
    return [
      check({
        ...base,
        status: 'WARN',
        reason: `no account in ${dir.description} has ${pr.name} as its userPrincipalName, servicePrincipalName or sAMAccountName`,
        fix: 'check the name; AD: add the SPN to the service account (setspn -S)',
      }),
    ];
  }
  const out: VerifyCheck[] = [];
  const kvnos = pr.entries.map((e) => e.kvno);
  const newest = Math.max(...kvnos);
  if (a.keyVersionNumber === undefined) {
    out.push(check({ ...base, status: 'SKIP', reason: `${a.dn} shows no msDS-KeyVersionNumber (not readable with this bind?)`, fix: 'bind with an account that may read msDS-KeyVersionNumber' }));
  } else if (newest < a.keyVersionNumber) {
    out.push(
      check({
        ...base,
        status: 'FAIL',
        kvno: newest,
        reason: `stale keytab: the keytab has kvno ${newest}, msDS-KeyVersionNumber of ${a.dn} is ${a.keyVersionNumber}: the password was reset after the keytab was made (or the keytab was written with a wrong -k)`,
        fix: `make the keytab from the current password with -k ${a.keyVersionNumber}: keytab add ${r.options.keytabName ?? 'KEYTAB'} -p ${pr.name} -k ${a.keyVersionNumber}${kdcSaltOption(pr)} ...`,
        details: { account: a.dn, keyVersionNumber: a.keyVersionNumber, keytabKvno: newest },
      }),
    );
  } else if (newest > a.keyVersionNumber) {
    out.push(
      check({
        ...base,
        status: 'FAIL',
        kvno: newest,
        reason: `the keytab's kvno ${newest} is ahead of msDS-KeyVersionNumber ${a.keyVersionNumber} of ${a.dn}: the password reset it was made for did not happen (or not on this DC)`,
        fix: `make the keytab with -k ${a.keyVersionNumber} from the account's current password`,
        details: { account: a.dn, keyVersionNumber: a.keyVersionNumber, keytabKvno: newest },
      }),
    );
  } else {
    out.push(check({ ...base, status: 'OK', kvno: newest, reason: `the keytab's kvno ${newest} is msDS-KeyVersionNumber of ${a.dn}`, details: { account: a.dn, keyVersionNumber: a.keyVersionNumber } }));
  }
  const keytabEnctypes = [...new Set(pr.entries.map((e) => e.enctype))];
  if (a.supportedEncryptionTypes === undefined) {
    out.push(
      check({
        ...base,
        status: 'WARN',
        reason: `${unsetEnctypesWords(a.dn, keytabEnctypes)}; ${DC_DEFAULT_HOW_TO_TELL}`,
        fix: 'set msDS-SupportedEncryptionTypes to 24 (0x18: AES128 + AES256) on the account',
        details: { account: a.dn, supportedEncryptionTypes: null },
      }),
    );
  } else {
    const allowed = enctypesOfSupportedBits(a.supportedEncryptionTypes);
    const usable = keytabEnctypes.filter((e) => allowed.includes(e));
    const missing = allowed.filter((e) => e !== 1 && e !== 3 && !keytabEnctypes.includes(e));
    const words = describeSupportedBits(a.supportedEncryptionTypes);
    if (usable.length === 0) {
      out.push(check({ ...base, status: 'FAIL', reason: `msDS-SupportedEncryptionTypes ${words} allows none of the keytab's enctypes (${keytabEnctypes.map(label).join(', ')})`, fix: 'add keys of an allowed enctype, or allow the keytab\'s enctypes on the account', details: { account: a.dn, supportedEncryptionTypes: a.supportedEncryptionTypes } }));
    } else if (missing.length > 0) {
      out.push(check({ ...base, status: 'WARN', reason: `msDS-SupportedEncryptionTypes ${words} allows ${missing.map(label).join(', ')}, which the keytab lacks`, fix: `add the missing keys (keytab add -e ${missing.map(label).join(',')})`, details: { account: a.dn, supportedEncryptionTypes: a.supportedEncryptionTypes } }));
    } else {
      out.push(check({ ...base, status: 'OK', reason: `msDS-SupportedEncryptionTypes ${words} fits the keytab's enctypes`, details: { account: a.dn, supportedEncryptionTypes: a.supportedEncryptionTypes } }));
    }
  }
  return out;
}

// --- the run -----------------------------------------------------------------------------------------

/** `10.0.0.1:88/udp: timed out after 3000 ms` (the socket layer's reasons may name the KDC already). */
function attemptText(a: KdcAttempt): string {
  const where = `${a.kdc}/${a.protocol}: `;
  const why = a.reason ?? a.outcome;
  return why.startsWith(where) ? why : where + why;
}

function groupByPrincipal(entries: readonly KeytabEntry[]): PrincipalRun[] {
  const runs: PrincipalRun[] = [];
  for (const e of entries) {
    let pr = runs.find((x) => samePrincipal(x.principal, e.principal));
    if (!pr) {
      pr = { principal: e.principal, name: formatPrincipal(e.principal), entries: [], client: e.principal, probes: new Map(), results: new Map(), notes: [] };
      runs.push(pr);
    }
    (pr.entries as KeytabEntry[]).push(e);
  }
  return runs;
}

function kdcLine(run: RealmRun): VerifyCheck {
  const a = run.answered;
  if (!a) return check({ check: 'kdc', status: 'SKIP', what: `KDC for ${run.realm}`, reason: 'no request was sent' });
  const failed = a.attempts.filter((x) => x.outcome === 'failed');
  const tooBig = run.tooBig;
  const via = { explicit: '--kdc', 'krb5.conf': 'krb5.conf', 'dns-srv': 'DNS SRV' }[a.kdc.source];
  const extra = tooBig ? '; UDP replies were too big, TCP was used' : '';
  const details = { kdc: formatKdc(a.kdc), protocol: a.protocol, source: a.kdc.source, attempts: a.attempts.map(attemptText) };
  if (failed.length > 0) {
    return check({
      check: 'kdc',
      status: 'WARN',
      what: `KDC for ${run.realm}`,
      reason: `${formatKdc(a.kdc)} answered over ${a.protocol} (found through ${via}), after ${failed.map(attemptText).join('; ')}${extra}`,
      fix: 'remove or repair the KDCs that did not answer (krb5.conf [realms] kdc lines, or DNS SRV records)',
      details,
    });
  }
  return check({ check: 'kdc', status: 'OK', what: `KDC for ${run.realm}`, reason: `${formatKdc(a.kdc)} answered over ${a.protocol} (found through ${via})${extra}`, details });
}

function unreachableLine(realm: string, e: { message: string; hint?: string | undefined; code: string }, pending: readonly PrincipalRun[]): VerifyCheck {
  return check({
    check: 'kdc',
    status: 'FAIL',
    what: `KDC for ${realm}`,
    reason: `${e.message}${pending.length > 0 ? `; not checked: ${pending.map((p) => p.name).join(', ')}` : ''}`,
    fix: `${e.hint ? `${e.hint}; ` : ''}give the KDC with --kdc HOST[:PORT], list it as "kdc = HOST" under [realms] ${realm} in krb5.conf, or publish _kerberos._udp.${realm} SRV records`,
    details: { code: e.code },
  });
}

async function lookUpAccounts(deps: VerifyDeps, runs: readonly PrincipalRun[], out: VerifyCheck[]): Promise<boolean> {
  const dir = deps.directory;
  if (!dir) return false;
  for (const pr of runs) {
    try {
      pr.account = await dir.findAccount(pr.principal);
    } catch (e) {
      out.push(
        check({
          check: 'directory',
          status: 'WARN',
          what: `directory ${dir.description}`,
          reason: `the directory lookup failed: ${e instanceof Error ? e.message : String(e)}; the directory checks are skipped`,
          fix: isKtError(e) && e.hint ? e.hint : 'check the LDAP URL, the bind DN and password, and the CA file',
        }),
      );
      for (const p of runs) p.account = undefined;
      return false;
    }
  }
  return true;
}

/** Runs every check for the entries; never throws for a KDC's answer, only for broken input. */
export async function verifyKeytab(deps: VerifyDeps, options: VerifyOptions): Promise<VerifyReport> {
  const checks: VerifyCheck[] = [];
  const runs = groupByPrincipal(options.entries);
  const skews: Skew[] = [];
  const directoryUsable = await lookUpAccounts(deps, runs, checks);
  const effectiveDeps: VerifyDeps = directoryUsable ? deps : { ...deps, directory: undefined };
  const realms = [...new Set([...runs.map((r) => r.principal.realm), ...(options.service ? [options.service.realm] : [])])];
  for (const realm of realms) {
    const run: RealmRun = { realm, offsetMs: undefined, tgts: [], tooBig: false };
    const raw: KrbContext = { transport: deps.transport, now: deps.now, random: deps.random };
    const corrected: KrbContext = { transport: deps.transport, random: deps.random, now: () => new Date(deps.now().getTime() + (run.offsetMs ?? 0)) };
    const r: Runner = { deps: effectiveDeps, options, skews, run, raw, corrected, passwordKeys: new Map() };
    const mine = runs.filter((p) => p.principal.realm === realm);
    const lines: VerifyCheck[] = [];
    let pending = [...mine];
    try {
      for (const pr of mine) {
        await forgetPasswordKeys(r);
        const checkable = [...new Set(pr.entries.map((e) => e.enctype))].filter((e) => enctypeById(e)?.profile !== undefined);
        for (const e of pr.entries) if (!checkable.includes(e.enctype)) pr.results.set(e, { kind: 'uncheckable' });
        if (checkable.length > 0 && (await probePrincipal(r, pr, checkable))) await checkKeys(r, pr);
        // The service ticket: with the principal's own TGT, else its password's, else any of the realm's.
        if (!options.service) {
          if (options.password !== undefined && !pr.tgt) await passwordTgt(r, pr);
          pr.service = await askServiceTicket(r, pr.principal, pr.tgt ?? run.tgts[0]);
          if (pr.service.kind === 'ticket') pr.kdcKvno = pr.service.ticket.ticketKvno;
        } else if (samePrincipal(options.service, pr.principal) && options.password !== undefined && !pr.tgt) {
          await passwordTgt(r, pr);
        }
        lines.push(...pr.notes, ...(await keyLines(r, pr)));
        if (pr.service) lines.push(judgeServiceTicket(r, pr.principal, pr.service, pr.entries, [], pr.account, false, kdcSaltOption(pr)));
        lines.push(...directoryLines(r, pr));
        pending = pending.filter((p) => p !== pr);
      }
      if (options.service && options.service.realm === realm) {
        const service = options.service;
        const result = await askServiceTicket(r, service, run.tgts[0]);
        const byName = options.entries.filter((e) => samePrincipal(e.principal, service));
        const fallback = options.entries.filter((e) => e.principal.realm === realm);
        const own = mine.find((p) => samePrincipal(p.principal, service));
        lines.push(judgeServiceTicket(r, service, result, byName, fallback, own?.account, true, kdcSaltOption(own)));
      }
      await forgetPasswordKeys(r);
      checks.push(kdcLine(run), ...lines);
    } catch (e) {
      if (!isKtError(e) || (e.code !== 'KDC_UNREACHABLE' && e.code !== 'KDC_NOT_FOUND')) throw e;
      if (run.answered) checks.push(kdcLine(run));
      checks.push(...lines, unreachableLine(realm, e, pending));
    }
  }
  if (options.directoryNote !== undefined && !deps.directory) {
    checks.push(check({ check: 'directory', status: 'SKIP', what: 'directory', reason: options.directoryNote, fix: 'after kinit admin@REALM, give --ldap-url ldap://DC (or KEYTAB_LDAP_URL): Kerberos needs nothing else; a simple bind needs ldaps:// with --bind-dn, a password and --ca-file' }));
  }
  checks.push(clockLine(skews, options.allowedSkewSeconds ?? DEFAULT_ALLOWED_SKEW, options.warnSkewSeconds ?? DEFAULT_WARN_SKEW));
  return { checks, ok: !checks.some((c) => c.status === 'FAIL') };
}

/** A TGT from the password, when every key of the principal was refused. */
async function passwordTgt(r: Runner, pr: PrincipalRun): Promise<void> {
  for (const p of pr.probes.values()) {
    if (p.kind !== 'ok') continue;
    const pw = await passwordKey(r, pr, p);
    if (pw.accepted && pw.credentials && isTgt(pw.credentials)) {
      pr.tgt = pw.credentials;
      return;
    }
  }
}

/** Zeroes the keys derived from the password and forgets them. */
async function forgetPasswordKeys(r: Runner): Promise<void> {
  for (const work of r.passwordKeys.values()) wipe((await work).key);
  r.passwordKeys.clear();
}
