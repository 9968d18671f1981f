/**
 * `keytab verify`: asks the KDC whether a keytab's keys work, and if not, why.
 *
 * Two halves: gather.ts talks to the KDC (per principal: a probe per enctype for the KDC's
 * salt, clock and refusals; each key's pre-authentication; a service ticket and which keys
 * decrypt it; a refused key re-derived from the password under each salt rule) and records
 * facts (facts.ts); the judge modules turn the facts into lines, purely: judge-keys.ts (the
 * principal and its keys), judge-ticket.ts (the service ticket, what `kvno -k` checks),
 * judge-run.ts (the KDC, the clock, the directory account via account-match.ts). This module
 * runs the two in order, realm by realm.
 *
 * Pure: the transport, the clock, the random source and the directory are injected. The
 * checks branch on KDC error codes only, never on e-text.
 */
import { isKtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import { samePrincipal, type Principal } from '../principal.js';
import type { Skew } from './clock.js';
import type { Naming } from './facts.js';
import {
  askServiceTicket,
  forgetPasswordKeys,
  gatherPrincipal,
  groupByPrincipal,
  lookUpAccounts,
  newRunner,
  type GatherDeps,
  type PrincipalRun,
} from './gather.js';
import { kdcSalt, keyLines, principalLines } from './judge-keys.js';
import {
  clockLine,
  directoryLines,
  kdcLine,
  lookupFailedLine,
  noDirectoryLine,
  unreachableLine,
} from './judge-run.js';
import { serviceTicketLine } from './judge-ticket.js';
import type { VerifyCheck, VerifyReport } from './types.js';

/** MIT's and AD's default maximum clock skew (krb5.conf clockskew), in seconds. */
export const DEFAULT_ALLOWED_SKEW = 300;
/** Above this the clock check warns, though Kerberos still works. */
export const DEFAULT_WARN_SKEW = 60;

export type VerifyDeps = GatherDeps;

export interface VerifyOptions extends Naming {
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
}

/** The lines of one principal, once its facts are gathered. */
function principalChecks(
  options: VerifyOptions,
  pr: PrincipalRun,
  directory: string | undefined,
): VerifyCheck[] {
  const lines = [...principalLines(pr), ...keyLines(options, pr)];
  if (pr.service)
    lines.push(
      serviceTicketLine(options, {
        service: pr.principal,
        result: pr.service,
        byName: pr.entries,
        fallback: [],
        account: pr.account,
        explicit: false,
        salt: kdcSalt(pr),
      }),
    );
  if (directory !== undefined)
    lines.push(
      ...directoryLines(options, {
        name: pr.name,
        entries: pr.entries,
        account: pr.account,
        directory,
        salt: kdcSalt(pr),
      }),
    );
  return lines;
}

/** Runs every check for the entries; never throws for a KDC's answer, only for broken input. */
export async function verifyKeytab(
  deps: VerifyDeps,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const checks: VerifyCheck[] = [];
  const runs = groupByPrincipal(options.entries);
  const skews: Skew[] = [];
  const lookup = deps.directory ? await lookUpAccounts(deps.directory, runs) : undefined;
  if (deps.directory && lookup)
    checks.push(lookupFailedLine(deps.directory.description, lookup.failed));
  const directory = deps.directory && !lookup ? deps.directory.description : undefined;
  const realms = [
    ...new Set([
      ...runs.map((r) => r.principal.realm),
      ...(options.service ? [options.service.realm] : []),
    ]),
  ];
  for (const realm of realms) {
    const r = newRunner(deps, realm, skews, options.password);
    const mine = runs.filter((p) => p.principal.realm === realm);
    const lines: VerifyCheck[] = [];
    let pending = [...mine];
    try {
      for (const pr of mine) {
        await gatherPrincipal(r, pr, options.service);
        lines.push(...principalChecks(options, pr, directory));
        pending = pending.filter((p) => p !== pr);
      }
      if (options.service && options.service.realm === realm) {
        const service = options.service;
        const byName = options.entries.filter((e) => samePrincipal(e.principal, service));
        const fallback = options.entries.filter((e) => e.principal.realm === realm);
        const result = await askServiceTicket(
          r,
          service,
          r.run.tgts[0],
          byName.length > 0 ? byName : fallback,
        );
        const own = mine.find((p) => samePrincipal(p.principal, service));
        lines.push(
          serviceTicketLine(options, {
            service,
            result,
            byName,
            fallback,
            account: own?.account,
            explicit: true,
            salt: kdcSalt(own),
          }),
        );
      }
      await forgetPasswordKeys(r);
      checks.push(kdcLine(r.run), ...lines);
    } catch (e) {
      if (!isKtError(e) || (e.code !== 'KDC_UNREACHABLE' && e.code !== 'KDC_NOT_FOUND')) throw e;
      if (r.run.answered) checks.push(kdcLine(r.run));
      checks.push(
        ...lines,
        unreachableLine(
          realm,
          e,
          pending.map((p) => p.name),
        ),
      );
    }
  }
  if (options.directoryNote !== undefined && !deps.directory)
    checks.push(noDirectoryLine(options.directoryNote));
  checks.push(
    clockLine(
      skews,
      options.allowedSkewSeconds ?? DEFAULT_ALLOWED_SKEW,
      options.warnSkewSeconds ?? DEFAULT_WARN_SKEW,
    ),
  );
  return { checks, ok: !checks.some((c) => c.status === 'FAIL') };
}
