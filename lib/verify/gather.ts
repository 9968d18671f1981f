/**
 * The KDC side of `keytab verify`: the exchanges that gather the facts (lib/verify/facts.ts)
 * the judge modules put into words. Per principal:
 *   1. an AS-REQ without pre-authentication per enctype (PA-ETYPE-INFO2 carries one entry per
 *      reply on MIT and Samba, so each enctype is asked alone) gives the KDC's salt and
 *      iteration count, the KDC's clock, and refusals about the principal as a whole;
 *   2. each key authenticates (PA-ENC-TIMESTAMP): accepted or refused;
 *   3. with a TGT, a service ticket for the principal (or --service), and which keytab keys
 *      decrypt it;
 *   4. a refused key, given the account's password, is re-derived under the KDC's salt and the
 *      other salt rules (a wrong salt is the right password under another rule).
 * The key checks run on the KDC's clock (measured from its replies), so a bad clock does not
 * hide the keys' state. Pure: the transport, the clock and the random source are injected.
 */
import { bytesEqual, wipe } from '../bytes.js';
import { enctypeById } from '../crypto/enctypes.js';
import { stringToKey } from '../crypto/string-to-key.js';
import { isKtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import {
  decryptTicket,
  getInitialTicket,
  getServiceTicket,
  probeAsReq,
  type KrbContext,
  type KrbCredentials,
  type ProbeResult,
} from '../krb5/client.js';
import { KRB_ERR } from '../krb5/constants.js';
import { formatKdc, type KdcAttempt, type KdcTarget } from '../krb5/transport.js';
import { formatPrincipal, samePrincipal, type Principal } from '../principal.js';
import type { Salt } from '../salt/rules.js';
import { probeKdcClock, type Skew } from './clock.js';
import type { AccountDirectory, DirectoryAccountView } from './directory.js';
import { SESSION_ENCTYPES } from './enctype-names.js';
import type {
  EnctypeProbe,
  KdcFacts,
  KeyResult,
  PasswordFacts,
  PrincipalEvent,
  ServiceResult,
} from './facts.js';
import { superseded } from './judge-keys.js';
import { candidateSalts, enctypeUsesSalt, findKeyOrigin, type KeyOrigin } from './salts.js';

/** The KDC client's context (the transport, the local clock, the random source), and a directory. */
export interface GatherDeps extends KrbContext {
  /** The directory, when one is configured. */
  readonly directory?: AccountDirectory | undefined;
}

/** The KDC of a realm, and the TGTs its keys got. */
export interface RealmRun extends KdcFacts {
  /** KDC time minus local time, from the first reply that carried it. */
  offsetMs: number | undefined;
  answered?: KdcFacts['answered'];
  tooBig: boolean;
  readonly tgts: KrbCredentials[];
}

/** A principal's facts as they are gathered. */
export interface PrincipalRun {
  readonly principal: Principal;
  readonly name: string;
  readonly entries: readonly KeytabEntry[];
  /** The name the AS exchanges use (the principal, or its AD account's sAMAccountName). */
  client: Principal;
  asService?: Principal | undefined;
  account?: DirectoryAccountView | undefined;
  readonly probes: Map<number, EnctypeProbe>;
  readonly results: Map<KeytabEntry, KeyResult>;
  readonly passwordChecks: Map<KeytabEntry, PasswordFacts>;
  readonly events: PrincipalEvent[];
  tgt?: KrbCredentials | undefined;
  kdcKvno?: number | undefined;
  service?: ServiceResult | undefined;
}

type PasswordKey = { key: Uint8Array; accepted: boolean; credentials?: KrbCredentials | undefined };

export interface Runner {
  readonly skews: Skew[];
  readonly run: RealmRun;
  /** The account's password (--password-file), if given. */
  readonly password: Uint8Array | undefined;
  /** Context on the local clock (probes: they measure the skew). */
  readonly raw: KrbContext;
  /** Context on the KDC's clock (authentication: a bad clock must not hide the keys' state). */
  readonly corrected: KrbContext;
  /** Keys derived from the password per enctype, and whether the KDC takes them. */
  readonly passwordKeys: Map<number, Promise<PasswordKey>>;
}

export function newRunner(
  deps: GatherDeps,
  realm: string,
  skews: Skew[],
  password: Uint8Array | undefined,
): Runner {
  const run: RealmRun = { realm, offsetMs: undefined, tgts: [], tooBig: false };
  const raw: KrbContext = { transport: deps.transport, now: deps.now, random: deps.random };
  const corrected: KrbContext = {
    transport: deps.transport,
    random: deps.random,
    now: () => new Date(deps.now().getTime() + (run.offsetMs ?? 0)),
  };
  return { skews, run, password, raw, corrected, passwordKeys: new Map() };
}

export function groupByPrincipal(entries: readonly KeytabEntry[]): PrincipalRun[] {
  const runs: PrincipalRun[] = [];
  for (const e of entries) {
    let pr = runs.find((x) => samePrincipal(x.principal, e.principal));
    if (!pr) {
      pr = {
        principal: e.principal,
        name: formatPrincipal(e.principal),
        entries: [],
        client: e.principal,
        probes: new Map(),
        results: new Map(),
        passwordChecks: new Map(),
        events: [],
      };
      runs.push(pr);
    }
    (pr.entries as KeytabEntry[]).push(e);
  }
  return runs;
}

/** Looks up each principal's account; on a failed lookup forgets them all and returns the error. */
export async function lookUpAccounts(
  dir: AccountDirectory,
  runs: readonly PrincipalRun[],
): Promise<{ readonly failed: unknown } | undefined> {
  for (const pr of runs) {
    try {
      pr.account = await dir.findAccount(pr.principal);
    } catch (e) {
      for (const p of runs) p.account = undefined;
      return { failed: e };
    }
  }
  return undefined;
}

const isTgt = (c: KrbCredentials): boolean => c.server.components[0] === 'krbtgt';

// --- probing -----------------------------------------------------------------------------------------

function noteExchange(
  r: Runner,
  p: {
    kdc?: KdcTarget | undefined;
    protocol?: string | undefined;
    attempts?: readonly KdcAttempt[] | undefined;
  },
): void {
  if (p.attempts?.some((a) => a.outcome === 'response-too-big')) r.run.tooBig = true;
  if (!r.run.answered && p.kdc !== undefined && p.protocol !== undefined)
    r.run.answered = { kdc: p.kdc, protocol: p.protocol, attempts: p.attempts ?? [] };
}

async function probe(
  r: Runner,
  client: Principal,
  enctypes: readonly number[],
  service: Principal | undefined,
): Promise<ProbeResult> {
  const result = await probeAsReq(r.raw, client, { enctypes, service });
  noteExchange(r, result);
  if (result.kind !== 'as-rep') {
    const seconds = Math.round((result.kdcTime.getTime() - result.localTime.getTime()) / 1000);
    r.skews.push({ kdc: formatKdc(result.kdc), seconds });
    if (r.run.offsetMs === undefined)
      r.run.offsetMs = result.kdcTime.getTime() - result.localTime.getTime();
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
async function probeEnctype(
  r: Runner,
  client: Principal,
  enctype: number,
  service: Principal | undefined,
): Promise<EnctypeProbe> {
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

/** Probes each enctype; false when the KDC refuses the principal as a whole. */
async function probePrincipal(
  r: Runner,
  pr: PrincipalRun,
  checkable: readonly number[],
): Promise<boolean> {
  for (const enctype of checkable) {
    let p = await probeEnctype(r, pr.client, enctype, pr.asService);
    if (p.kind === 'refused' && pr.probes.size === 0) {
      const code = p.failure.errorCode;
      if (code === KRB_ERR.KEY_EXPIRED && pr.asService === undefined) {
        // An expired password still opens the password-change service (what kpasswd uses),
        // so the keys can still be checked.
        pr.events.push({ kind: 'expired', failure: p.failure });
        pr.asService = changepwPrincipal(pr.principal.realm);
        p = await probeEnctype(r, pr.client, enctype, pr.asService);
      } else if (
        code === KRB_ERR.C_PRINCIPAL_UNKNOWN &&
        pr.account !== undefined &&
        samePrincipal(pr.client, pr.principal)
      ) {
        // AD: the name is an SPN of the account, not a UPN: check the keys as the account.
        const sam: Principal = {
          components: [pr.account.sAMAccountName],
          realm: pr.principal.realm,
          nameType: 1,
        };
        pr.events.push({ kind: 'not-a-client', as: sam, account: pr.account });
        pr.client = sam;
        p = await probeEnctype(r, pr.client, enctype, pr.asService);
      }
      if (p.kind === 'refused') {
        pr.events.push({ kind: 'refused', failure: p.failure });
        return false;
      }
    }
    pr.probes.set(enctype, p);
  }
  return true;
}

// --- the keys ----------------------------------------------------------------------------------------

type Authenticated = {
  readonly result: KeyResult;
  readonly credentials?: KrbCredentials | undefined;
};

async function authenticate(
  r: Runner,
  pr: PrincipalRun,
  enctype: number,
  key: Uint8Array,
  kvno: number | undefined,
  p: Extract<EnctypeProbe, { kind: 'ok' }>,
): Promise<Authenticated> {
  const out = await getInitialTicket(
    r.corrected,
    pr.client,
    { keys: [{ enctype, key, kvno }] },
    { enctypes: p.offered, probe: p.probe, service: pr.asService },
  );
  noteExchange(r, out.ok ? out : out.failure);
  if (out.ok) return { result: { kind: 'accepted', info: p.info }, credentials: out.credentials };
  const f = out.failure;
  if (
    f.kind === 'reply-integrity' ||
    (f.kind === 'kdc-error' && f.errorCode === KRB_ERR.PREAUTH_FAILED)
  )
    return { result: { kind: 'rejected', failure: f, info: p.info } };
  return { result: { kind: 'refused', failure: f } };
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
    const out = same
      ? { result: same.result, credentials: undefined }
      : await authenticate(r, pr, entry.enctype, entry.key, entry.kvno, p);
    if (!same) done.push({ enctype: entry.enctype, key: entry.key, result: out.result });
    pr.results.set(entry, out.result);
    if (out.credentials && isTgt(out.credentials)) {
      pr.tgt ??= out.credentials;
      r.run.tgts.push(out.credentials);
    }
  }
}

/** The password's key under the KDC's salt, and whether the KDC takes it (once per enctype). */
function passwordKey(
  r: Runner,
  pr: PrincipalRun,
  p: Extract<EnctypeProbe, { kind: 'ok' }>,
): Promise<PasswordKey> {
  const password = r.password as Uint8Array;
  const cached = r.passwordKeys.get(p.info.enctype);
  if (cached) return cached;
  const work = (async () => {
    const key = await stringToKey(p.info.enctype, password, p.info.salt, {
      iterations: p.info.iterations,
    });
    const out = await authenticate(r, pr, p.info.enctype, key, undefined, p);
    if (out.credentials) {
      if (isTgt(out.credentials)) r.run.tgts.push(out.credentials);
      return { key, accepted: true, credentials: out.credentials };
    }
    return { key, accepted: false };
  })();
  r.passwordKeys.set(p.info.enctype, work);
  return work;
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
export async function forgetPasswordKeys(r: Runner): Promise<void> {
  for (const work of r.passwordKeys.values()) wipe((await work).key);
  r.passwordKeys.clear();
}

/** What the password shows about a rejected key: the same key, another salt's, or neither. */
async function checkWithPassword(
  r: Runner,
  pr: PrincipalRun,
  entry: KeytabEntry,
  p: Extract<EnctypeProbe, { kind: 'ok' }>,
): Promise<PasswordFacts> {
  const password = r.password as Uint8Array;
  const info = p.info;
  const pw = await passwordKey(r, pr, p);
  if (pw.credentials && isTgt(pw.credentials)) pr.tgt ??= pw.credentials;
  if (bytesEqual(pw.key, entry.key)) return { accepted: pw.accepted, sameKey: true };
  if (!enctypeUsesSalt(entry.enctype)) return { accepted: pw.accepted, sameKey: false };
  const hints = pr.account
    ? { sAMAccountName: pr.account.sAMAccountName, userPrincipalName: pr.account.userPrincipalName }
    : {};
  const defaultIterations = enctypeById(entry.enctype)?.defaultIterations;
  const candidates: KeyOrigin[] = candidateSalts(pr.principal, hints)
    .filter(
      (s) =>
        !bytesEqual(s.bytes, info.salt) ||
        (info.iterations !== undefined && info.iterations !== defaultIterations),
    )
    .map((salt) => ({ salt }));
  if (
    info.iterations !== undefined &&
    defaultIterations !== undefined &&
    info.iterations !== defaultIterations
  ) {
    const kdcSalt: Salt = {
      rule: 'explicit',
      bytes: info.salt,
      text: info.saltText,
      explanation: `the KDC's salt at the default ${defaultIterations} iterations, not the KDC's ${info.iterations}`,
    };
    candidates.unshift({ salt: kdcSalt, iterations: defaultIterations });
  }
  return {
    accepted: pw.accepted,
    sameKey: false,
    origin: await findKeyOrigin(entry.enctype, password, entry.key, candidates),
  };
}

// --- service ticket ----------------------------------------------------------------------------------

function decrypts(ticket: KrbCredentials['ticket'], entry: KeytabEntry): boolean {
  try {
    decryptTicket(ticket, { enctype: entry.enctype, key: entry.key, kvno: entry.kvno });
    return true;
  } catch (e) {
    if (
      isKtError(e) &&
      (e.code === 'CRYPTO_INTEGRITY' ||
        e.code === 'KRB_ENCTYPE_MISMATCH' ||
        e.code === 'KRB_BAD_MESSAGE')
    )
      return false;
    throw e;
  }
}

/** A service ticket, and which of `entries` (those of its enctype) decrypt it. */
export async function askServiceTicket(
  r: Runner,
  service: Principal,
  tgt: KrbCredentials | undefined,
  entries: readonly KeytabEntry[],
): Promise<ServiceResult> {
  if (!tgt) return { kind: 'no-tgt' };
  const out = await getServiceTicket(r.corrected, tgt, service);
  noteExchange(r, out.ok ? out : out.failure);
  if (!out.ok) return { kind: 'refused', failure: out.failure };
  const ticket = out.credentials.ticket;
  const good = entries.filter((e) => e.enctype === out.ticketEnctype && decrypts(ticket, e));
  return {
    kind: 'ticket',
    kvno: out.ticketKvno,
    enctype: out.ticketEnctype,
    decrypts: new Set(good),
  };
}

// --- one principal -------------------------------------------------------------------------------

/**
 * Every exchange about one principal: its probes and keys, a TGT from the password when no key
 * got one, its service ticket (unless `service` is asked for instead), and the password's word
 * on each rejected key.
 */
export async function gatherPrincipal(
  r: Runner,
  pr: PrincipalRun,
  service: Principal | undefined,
): Promise<void> {
  await forgetPasswordKeys(r);
  const checkable = [...new Set(pr.entries.map((e) => e.enctype))].filter(
    (e) => enctypeById(e)?.profile !== undefined,
  );
  for (const e of pr.entries)
    if (!checkable.includes(e.enctype)) pr.results.set(e, { kind: 'uncheckable' });
  if (checkable.length > 0 && (await probePrincipal(r, pr, checkable))) await checkKeys(r, pr);
  // The service ticket: with the principal's own TGT, else its password's, else any of the realm's.
  if (!service) {
    if (r.password !== undefined && !pr.tgt) await passwordTgt(r, pr);
    pr.service = await askServiceTicket(r, pr.principal, pr.tgt ?? r.run.tgts[0], pr.entries);
    if (pr.service.kind === 'ticket') pr.kdcKvno = pr.service.kvno;
  } else if (samePrincipal(service, pr.principal) && r.password !== undefined && !pr.tgt) {
    await passwordTgt(r, pr);
  }
  if (r.password === undefined) return;
  for (const entry of pr.entries) {
    const p = pr.probes.get(entry.enctype);
    if (pr.results.get(entry)?.kind !== 'rejected' || p?.kind !== 'ok' || superseded(pr, entry))
      continue;
    pr.passwordChecks.set(entry, await checkWithPassword(r, pr, entry, p));
  }
}
