/**
 * The one line format of `keytab verify` checks and `keytab doctor` findings:
 * `LABEL  what  — why; fix: fix`, the label padded so the columns line up. Pure. Also what a
 * check and a finding share (ReportEntry, the tail of their JSON), and how either holds text
 * that names options: the words in the keytab CLI's spelling (what --json prints) and the
 * remedy beside them, which a renderer spells its front end's way.
 */

import { KEYTAB_SPELLING, renderRemedy } from './remedy.js';
import type { Advice, Remedy, RemedySpelling } from './remedy.js';

/** Machine-readable facts of a check or finding (the `details` of --json). */
export type ReportDetails = Readonly<
  Record<string, string | number | boolean | null | readonly string[] | readonly number[]>
>;

/**
 * What a `keytab verify` check and a `keytab doctor` finding both hold: what was looked at, what
 * to do about it, and the facts. Each adds its own status and its own word for why (verify's
 * `reason`, doctor's `why`), since their JSON names them differently.
 */
export interface ReportEntry {
  /** What was looked at: `KDC 10.0.0.1:88`, `HTTP/web.example.com@EXAMPLE.COM kvno 3 aes256-...`. */
  readonly what: string;
  /** What to do about it (absent when there is nothing to do). */
  readonly fix?: string | undefined;
  /** `fix` as data when it names options (`fix` has them in the keytab CLI's spelling; lib/remedy.ts). */
  readonly remedy?: Remedy | undefined;
  readonly details?: ReportDetails | undefined;
}

/** A fix for a check or finding: the words in keytab's spelling (as --json has them) and, when it names options, as data. */
export function fixOf(a: Advice): { fix: string; remedy?: Remedy } {
  const w = wordsOf(a);
  return w.remedy ? { fix: w.text, remedy: w.remedy } : { fix: w.text };
}

/** A text field that names options: the words in keytab's spelling, and the remedy to spell it otherwise. */
export function wordsOf(a: Advice): { text: string; remedy?: Remedy } {
  if (typeof a === 'string') return { text: a };
  const text = renderRemedy(a, KEYTAB_SPELLING);
  return a.parts.every((p) => typeof p === 'string') ? { text } : { text, remedy: a };
}

/** A finding's `why` that names options: `why` in keytab's spelling, `whyRemedy` as data. */
export function whyOf(a: Advice): { why: string; whyRemedy?: Remedy } {
  const w = wordsOf(a);
  return w.remedy ? { why: w.text, whyRemedy: w.remedy } : { why: w.text };
}

/** A check's `reason` that names options: `reason` in keytab's spelling, `reasonRemedy` as data. */
export function reasonOf(a: Advice): { reason: string; reasonRemedy?: Remedy } {
  const w = wordsOf(a);
  return w.remedy ? { reason: w.text, reasonRemedy: w.remedy } : { reason: w.text };
}

/** A check's or finding's two spelled fields: why it has its status, and the fix if any. */
export interface SpelledWords {
  readonly why: string;
  readonly fix: string | undefined;
}

/** `why` and `fix` in a front end's spelling: each field's remedy when it has one, else its words. */
export function spelledWords(
  why: { readonly text: string; readonly remedy?: Remedy | undefined },
  fix: { readonly text?: string | undefined; readonly remedy?: Remedy | undefined },
  spelling: RemedySpelling,
): SpelledWords {
  const spell = (r: Remedy | undefined, text: string | undefined): string | undefined =>
    r === undefined ? text : renderRemedy(r, spelling);
  return { why: spell(why.remedy, why.text) as string, fix: spell(fix.remedy, fix.text) };
}

/**
 * The JSON tail both reports share, in this order: `what`, the reason under `key` (doctor's
 * `why`, verify's `reason`), `fix` (null when there is none) and `details` ({} when none).
 */
export function jsonWords<K extends string, D>(
  key: K,
  what: string,
  words: SpelledWords,
  details: D,
): { what: string } & Record<K, string> & { fix: string | null; details: D } {
  return { what, [key]: words.why, fix: words.fix ?? null, details } as {
    what: string;
  } & Record<K, string> & { fix: string | null; details: D };
}

/** `FAIL  what  — why; fix: fix` (`width`: the widest label of the report). */
export function reportLine(label: string, width: number, what: string, w: SpelledWords): string {
  return `${label.padEnd(width)}  ${what}  — ${w.why}${w.fix !== undefined ? `; fix: ${w.fix}` : ''}`;
}

/** `1 error`, `2 warnings`. */
export function countOf(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
