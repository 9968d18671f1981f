/** The result of `keytab doctor`: findings, each with a severity, what, why and a fix. */

import type { Remedy } from '../remedy.js';

/** error: something fails now; warning: fragile or unsafe; info: worth knowing; ok: checked and fine. */
export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** Which part of the setup a finding is about. */
export type Section = 'krb5.conf' | 'dns' | 'kdc' | 'clock' | 'keytab' | 'directory';

export type FindingDetails = Readonly<
  Record<string, string | number | boolean | null | readonly string[] | readonly number[]>
>;

export interface Finding {
  readonly section: Section;
  readonly severity: Severity;
  /** What was looked at: `default_realm`, `KDC 10.0.0.1:88`, `/etc/krb5.keytab mode`. */
  readonly what: string;
  /** Why it has this severity, in words. */
  readonly why: string;
  /** What to do (absent for ok and most info). */
  readonly fix?: string | undefined;
  /** `fix` as data when it names options (`fix` has them in the keytab CLI's spelling; lib/remedy.ts). */
  readonly remedy?: Remedy | undefined;
  /** `why` as data when it names options. */
  readonly whyRemedy?: Remedy | undefined;
  readonly details?: FindingDetails | undefined;
}

export interface DoctorReport {
  readonly findings: readonly Finding[];
  /** False when any finding is an error. */
  readonly ok: boolean;
}
