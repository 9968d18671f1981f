/** `keytab verify` output: one line per check, or JSON. */
import { KEYTAB_SPELLING } from '../remedy.js';
import type { RemedySpelling } from '../remedy.js';
import { countOf as count, jsonWords, reportLine, spelledWords } from '../report-line.js';
import type { SpelledWords } from '../report-line.js';
import type { VerifyCheck, VerifyReport } from './types.js';

/** `FAIL  what  — reason; fix: fix`, the options named in `spelling` (default: the keytab CLI's). */
export function checkLine(c: VerifyCheck, spelling: RemedySpelling = KEYTAB_SPELLING): string {
  return reportLine(c.status, 4, c.what, spelledOf(c, spelling));
}

function spelledOf(c: VerifyCheck, spelling: RemedySpelling): SpelledWords {
  return spelledWords(
    { text: c.reason, remedy: c.reasonRemedy },
    { text: c.fix, remedy: c.remedy },
    spelling,
  );
}

/**
 * The last line: `verify: 2 errors, 1 warning` when a check failed, else
 * `verify: OK, the keytab works for P1, P2` (with its warnings counted when there are some).
 */
export function summaryLine(report: VerifyReport): string {
  const failed = report.checks.filter((c) => c.status === 'FAIL').length;
  const warned = report.checks.filter((c) => c.status === 'WARN').length;
  if (failed > 0 || !report.ok)
    return `verify: ${count(failed, 'error')}, ${count(warned, 'warning')}`;
  const working = [
    ...new Set(
      report.checks
        .filter((c) => c.check === 'key' && c.status === 'OK' && c.principal !== undefined)
        .map((c) => c.principal as string),
    ),
  ];
  const works = working.length ? `, the keytab works for ${working.join(', ')}` : '';
  return `verify: OK${works}${warned ? ` (${count(warned, 'warning')})` : ''}`;
}

/** One line per check, then the summary line. */
export function renderText(
  report: VerifyReport,
  spelling: RemedySpelling = KEYTAB_SPELLING,
): string {
  return `${report.checks.map((c) => `${checkLine(c, spelling)}\n`).join('')}${summaryLine(report)}\n`;
}

/** The JSON form: every field present (null when it does not apply), in a fixed order. */
export interface JsonCheck {
  principal: string | null;
  enctype: string | null;
  kvno: number | null;
  check: VerifyCheck['check'];
  status: VerifyCheck['status'];
  what: string;
  reason: string;
  fix: string | null;
  details: NonNullable<VerifyCheck['details']>;
}

export function jsonReport(
  report: VerifyReport,
  spelling: RemedySpelling = KEYTAB_SPELLING,
): { checks: JsonCheck[]; ok: boolean } {
  return {
    checks: report.checks.map((c) => ({
      principal: c.principal ?? null,
      enctype: c.enctype ?? null,
      kvno: c.kvno ?? null,
      check: c.check,
      status: c.status,
      ...jsonWords('reason', c.what, spelledOf(c, spelling), c.details ?? {}),
    })),
    ok: report.ok,
  };
}
