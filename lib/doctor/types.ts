/** The result of `keytab doctor`: findings, each with a severity, what, why and a fix. */

import type { Remedy } from '../remedy.js';
import type { ReportDetails, ReportEntry } from '../report-line.js';

/** error: something fails now; warning: fragile or unsafe; info: worth knowing; ok: checked and fine. */
export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** Which part of the setup a finding is about. */
export type Section = 'krb5.conf' | 'dns' | 'kdc' | 'clock' | 'keytab' | 'directory';

export type FindingDetails = ReportDetails;

/** `what` is e.g. `default_realm`, `/etc/krb5.keytab mode`; `fix` is absent for ok and most info. */
export interface Finding extends ReportEntry {
  readonly section: Section;
  readonly severity: Severity;
  /** Why it has this severity, in words. */
  readonly why: string;
  /** `why` as data when it names options. */
  readonly whyRemedy?: Remedy | undefined;
}

export interface DoctorReport {
  readonly findings: readonly Finding[];
  /** False when any finding is an error. */
  readonly ok: boolean;
}
