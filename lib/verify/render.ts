/** `keytab verify` output: one line per check, or JSON. */
import type { VerifyCheck, VerifyReport } from './types.js';

/** `FAIL  what  — reason; fix: fix`. */
export function checkLine(c: VerifyCheck): string {
  return `${c.status.padEnd(4)}  ${c.what}  — ${c.reason}${c.fix !== undefined ? `; fix: ${c.fix}` : ''}`;
}

export function renderText(report: VerifyReport): string {
  return report.checks.map((c) => `${checkLine(c)}\n`).join('');
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

export function jsonReport(report: VerifyReport): { checks: JsonCheck[]; ok: boolean } {
  return {
    checks: report.checks.map((c) => ({
      principal: c.principal ?? null,
      enctype: c.enctype ?? null,
      kvno: c.kvno ?? null,
      check: c.check,
      status: c.status,
      what: c.what,
      reason: c.reason,
      fix: c.fix ?? null,
      details: c.details ?? {},
    })),
    ok: report.ok,
  };
}
