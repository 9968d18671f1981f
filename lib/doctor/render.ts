/** `keytab doctor` output: one line per finding, or JSON. */
import { KEYTAB_SPELLING } from '../remedy.js';
import type { RemedySpelling } from '../remedy.js';
import { countOf, jsonWords, reportLine, spelledWords } from '../report-line.js';
import type { SpelledWords } from '../report-line.js';
import type { DoctorReport, Finding, Severity } from './types.js';

const LABEL: Readonly<Record<Severity, string>> = Object.freeze({
  error: 'ERROR',
  warning: 'WARN',
  info: 'INFO',
  ok: 'OK',
});

/** `ERROR  kdc: KDC 10.0.0.1:88  — why; fix: fix`, the options named in `spelling` (default: the keytab CLI's). */
export function findingLine(x: Finding, spelling: RemedySpelling = KEYTAB_SPELLING): string {
  return reportLine(LABEL[x.severity], 5, `${x.section}: ${x.what}`, spelledOf(x, spelling));
}

function spelledOf(x: Finding, spelling: RemedySpelling): SpelledWords {
  return spelledWords(
    { text: x.why, remedy: x.whyRemedy },
    { text: x.fix, remedy: x.remedy },
    spelling,
  );
}

export function renderDoctorText(
  report: DoctorReport,
  spelling: RemedySpelling = KEYTAB_SPELLING,
): string {
  const counts = (['error', 'warning'] as const).map((s) =>
    countOf(report.findings.filter((x) => x.severity === s).length, s),
  );
  return `${report.findings.map((x) => `${findingLine(x, spelling)}\n`).join('')}${report.ok ? 'no errors' : 'errors found'}: ${counts.join(', ')}\n`;
}

export interface JsonFinding {
  section: Finding['section'];
  severity: Severity;
  what: string;
  why: string;
  fix: string | null;
  details: NonNullable<Finding['details']>;
}

export function jsonDoctorReport(
  report: DoctorReport,
  spelling: RemedySpelling = KEYTAB_SPELLING,
): { findings: JsonFinding[]; ok: boolean } {
  return {
    findings: report.findings.map((x) => ({
      section: x.section,
      severity: x.severity,
      ...jsonWords('why', x.what, spelledOf(x, spelling), x.details ?? {}),
    })),
    ok: report.ok,
  };
}
