/**
 * `keytab ad audit` against a directory: one paged search (RFC 2696) of every account with an
 * SPN (users, computers, gMSAs, MSAs; disabled ones too, since they still hold SPNs that clash),
 * the rules of audit.ts over the enabled ones, and the counts.
 */
import { KtError } from '../errors.js';
import { ACCOUNT_ATTRIBUTES, accountFromEntry } from './account.js';
import type { AccountRecord } from './account.js';
import {
  AUDIT_RULES,
  SEVERITIES,
  auditAccount,
  auditKind,
  isEnabled,
  sharedSpnsOf,
} from './audit.js';
import type { AuditKind, Finding, FindingCode, Severity } from './audit.js';
import { realmOfDn } from './escape.js';
import type { DirEntry, Directory, SearchRequest } from './types.js';

/** Every account that can hold an SPN: user (computers and managed accounts derive from it) and the managed classes by name. */
export const AUDIT_FILTER =
  '(&(servicePrincipalName=*)(|(objectClass=user)(objectClass=msDS-GroupManagedServiceAccount)(objectClass=msDS-ManagedServiceAccount)))';

export const DEFAULT_PASSWORD_AGE_DAYS = 365;
export const DEFAULT_AUDIT_PAGE_SIZE = 500;

export interface AuditOptions {
  /** PASSWORD_OLD beyond this many days (default 365). */
  readonly maxPasswordAgeDays?: number;
  /** Entries per LDAP page (default 500). */
  readonly pageSize?: number;
  readonly now?: Date;
}

export interface AuditedAccount {
  readonly account: AccountRecord;
  readonly kind: AuditKind;
  readonly findings: readonly Finding[];
}

export interface AuditSummary {
  /** Enabled accounts with SPNs that were checked. */
  readonly accounts: number;
  readonly withFindings: number;
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly byCode: Readonly<Record<FindingCode, number>>;
  readonly maxPasswordAgeDays: number;
  /** Disabled accounts with SPNs (not audited; still counted for DUPLICATE_SPN). */
  readonly disabled: number;
  /** Entries that could not be read as accounts (no sAMAccountName visible to the bind account). */
  readonly unreadable: readonly string[];
  /** LDAP pages the search took. */
  readonly pages: number;
}

export interface AuditReport {
  readonly baseDn: string;
  readonly accounts: readonly AuditedAccount[];
  readonly summary: AuditSummary;
}

/** The pages of a paged search: the directory's own when it has searchPages, else one page of everything. */
export async function* searchPages(
  dir: Directory,
  request: SearchRequest,
): AsyncGenerator<DirEntry[]> {
  const paged = { ...request, paged: true };
  if (dir.searchPages) yield* dir.searchPages(paged);
  else yield await dir.search(paged);
}

function checkNumber(value: number, what: string, min: number): number {
  if (!Number.isFinite(value) || value < min)
    throw new KtError('USAGE', `${what} must be a number of at least ${min} (got ${value})`);
  return value;
}

/** The options with their defaults, checked (USAGE errors), so a front end can refuse them before connecting. */
export function auditSettings(options: AuditOptions = {}): {
  maxPasswordAgeDays: number;
  pageSize: number;
} {
  return {
    maxPasswordAgeDays: checkNumber(
      options.maxPasswordAgeDays ?? DEFAULT_PASSWORD_AGE_DAYS,
      'the password age limit (days)',
      0,
    ),
    pageSize: Math.floor(
      checkNumber(options.pageSize ?? DEFAULT_AUDIT_PAGE_SIZE, 'the page size', 1),
    ),
  };
}

/** Counts per severity and code. Pure. */
export function summarize(
  accounts: readonly AuditedAccount[],
): Pick<AuditSummary, 'accounts' | 'withFindings' | Severity | 'byCode'> {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const byCode = Object.fromEntries(AUDIT_RULES.map((r) => [r.code, 0])) as Record<
    FindingCode,
    number
  >;
  for (const a of accounts) {
    for (const f of a.findings) {
      bySeverity[f.severity]++;
      byCode[f.code]++;
    }
  }
  return {
    accounts: accounts.length,
    withFindings: accounts.filter((a) => a.findings.length > 0).length,
    ...bySeverity,
    byCode,
  };
}

/** The worst severity among the findings, or undefined when there are none. */
export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  return SEVERITIES.find((s) => findings.some((f) => f.severity === s));
}

/**
 * Audits every enabled account with an SPN under the base DN. One paged search; accounts
 * in sAMAccountName order.
 */
export async function auditDirectory(
  dir: Directory,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const { maxPasswordAgeDays, pageSize } = auditSettings(options);
  const fallbackRealm = realmOfDn(dir.baseDn);
  const subjects: { account: AccountRecord; kind: AuditKind }[] = [];
  const holders: {
    dn: string;
    sAMAccountName: string;
    servicePrincipalName: readonly string[];
    enabled: boolean;
  }[] = [];
  const unreadable: string[] = [];
  let pages = 0;
  for await (const page of searchPages(dir, {
    base: dir.baseDn,
    filter: AUDIT_FILTER,
    attributes: ACCOUNT_ATTRIBUTES,
    pageSize,
  })) {
    pages++;
    for (const entry of page) {
      let account: AccountRecord;
      try {
        account = accountFromEntry(entry, fallbackRealm);
      } catch (err) {
        if (!(err instanceof KtError)) throw err;
        unreadable.push(entry.dn);
        continue;
      }
      const enabled = isEnabled(account);
      holders.push({
        dn: account.dn,
        sAMAccountName: account.sAMAccountName,
        servicePrincipalName: account.servicePrincipalName,
        enabled,
      });
      if (enabled)
        subjects.push({ account, kind: auditKind(account, entry.attributes['objectclass'] ?? []) });
    }
  }
  const ctx = {
    now: options.now ?? new Date(),
    maxPasswordAgeDays,
    sharedSpns: sharedSpnsOf(holders),
  };
  const accounts = subjects
    .map((s) => ({ account: s.account, kind: s.kind, findings: auditAccount(s, ctx) }))
    .sort((a, b) =>
      a.account.sAMAccountName.toLowerCase().localeCompare(b.account.sAMAccountName.toLowerCase()),
    );
  return {
    baseDn: dir.baseDn,
    accounts,
    summary: {
      ...summarize(accounts),
      maxPasswordAgeDays,
      disabled: holders.length - subjects.length,
      unreadable,
      pages,
    },
  };
}
