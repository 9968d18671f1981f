/**
 * The one line format of `keytab verify` checks and `keytab doctor` findings:
 * `LABEL  what  — why; fix: fix`, the label padded so the columns line up. Pure.
 */

/** `FAIL  what  — why; fix: fix` (`width`: the widest label of the report). */
export function reportLine(label: string, width: number, what: string, why: string, fix?: string | undefined): string {
  return `${label.padEnd(width)}  ${what}  — ${why}${fix !== undefined ? `; fix: ${fix}` : ''}`;
}

/** `1 error`, `2 warnings`. */
export function countOf(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
