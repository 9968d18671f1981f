/** The result of `keytab verify`: one check per line, each with a status, a reason and a fix. */

import type { Remedy } from '../remedy.js';

/** OK: works. WARN: works, with a caveat. FAIL: does not work. SKIP: could not be checked. */
export type CheckStatus = 'OK' | 'WARN' | 'FAIL' | 'SKIP';

/**
 * What a check is about: the KDC, a principal as a whole, one keytab key, the service ticket
 * (what `kvno -k` checks), the directory's account, the clock, or the configuration.
 */
export type CheckName =
  'kdc' | 'principal' | 'key' | 'service-ticket' | 'directory' | 'clock' | 'config';

export type CheckDetailValue =
  string | number | boolean | null | readonly string[] | readonly number[];
export type CheckDetails = Readonly<Record<string, CheckDetailValue>>;

export interface VerifyCheck {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** What was checked, e.g. `HTTP/web.example.com@EXAMPLE.COM kvno 3 aes256-cts-hmac-sha1-96`. */
  readonly what: string;
  /** Why it has this status, in words. */
  readonly reason: string;
  /** What to do about it (absent for OK). */
  readonly fix?: string | undefined;
  /** `fix` as data when it names options (`fix` has them in the keytab CLI's spelling; lib/remedy.ts). */
  readonly remedy?: Remedy | undefined;
  /** `reason` as data when it names options. */
  readonly reasonRemedy?: Remedy | undefined;
  readonly principal?: string | undefined;
  /** Enctype name (MIT spelling). */
  readonly enctype?: string | undefined;
  readonly kvno?: number | undefined;
  readonly details?: CheckDetails | undefined;
}

export interface VerifyReport {
  readonly checks: readonly VerifyCheck[];
  /** True when no check failed. */
  readonly ok: boolean;
}
