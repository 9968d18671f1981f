/** `keytab doctor` output: one line per finding, or JSON. */
import { countOf, reportLine } from '../report-line.js';
import type { DoctorReport, Finding, Severity } from './types.js';

const LABEL: Readonly<Record<Severity, string>> = Object.freeze({ error: 'ERROR', warning: 'WARN', info: 'INFO', ok: 'OK' });

/** `ERROR  kdc: KDC 10.0.0.1:88  — why; fix: fix`. */
export function findingLine(x: Finding): string {
  return reportLine(LABEL[x.severity], 5, `${x.section}: ${x.what}`, x.why, x.fix);
}

export function renderDoctorText(report: DoctorReport): string {
  const counts = (['error', 'warning'] as const).map((s) => countOf(report.findings.filter((x) => x.severity === s).length, s));
  return `${report.findings.map((x) => `${findingLine(x)}\n`).join('')}${report.ok ? 'no errors' : 'errors found'}: ${counts.join(', ')}\n`;
}

export interface JsonFinding {
  section: Finding['section'];
  severity: Severity;
  what: string;
  why: string;
  fix: string | null;
  details: NonNullable<Finding['details']>;
}

export function jsonDoctorReport(report: DoctorReport): { findings: JsonFinding[]; ok: boolean } {
  return {
    findings: report.findings.map((x) => ({ section: x.section, severity: x.severity, what: x.what, why: x.why, fix: x.fix ?? null, details: x.details ?? {} })),
    ok: report.ok,
  };
}
