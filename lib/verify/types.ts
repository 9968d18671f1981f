/** The result of `keytab verify`: one check per line, each with a status, a reason and a fix. */

import type { Remedy } from '../remedy.js';
import type { ReportDetails, ReportEntry } from '../report-line.js';

/** OK: works. WARN: works, with a caveat. FAIL: does not work. SKIP: could not be checked. */
export type CheckStatus = 'OK' | 'WARN' | 'FAIL' | 'SKIP';

/**
 * What a check is about: the KDC, a principal as a whole, one keytab key, the service ticket
 * (what `kvno -k` checks), the directory's account, the clock, or the configuration.
 */
export type CheckName =
  'kdc' | 'principal' | 'key' | 'service-ticket' | 'directory' | 'clock' | 'config';

export type CheckDetails = ReportDetails;

/** `fix` is absent for OK. */
export interface VerifyCheck extends ReportEntry {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** Why it has this status, in words. */
  readonly reason: string;
  /** `reason` as data when it names options. */
  readonly reasonRemedy?: Remedy | undefined;
  /** The key a `key` check is about: principal, enctype name (MIT spelling) and kvno. */
  readonly principal?: string | undefined;
  readonly enctype?: string | undefined;
  readonly kvno?: number | undefined;
}

export interface VerifyReport {
  readonly checks: readonly VerifyCheck[];
  /** True when no check failed. */
  readonly ok: boolean;
}
