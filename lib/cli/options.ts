/** Option parsing shared by several commands: enctype lists, kvnos, principals. */
import { KtError } from '../errors.js';
import { resolveEnctype } from '../crypto/enctypes.js';
import type { PrincipalPattern } from '../keytab/ops.js';
import { parsePrincipal } from '../principal.js';

/** Splits repeated and comma-separated option values: `-e a,b -e c` → [a, b, c]. */
export function splitList(values: readonly (string | number)[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(/[,\s]+/)).filter((v) => v !== '');
}

/** Enctype filter values: names, aliases or any number (numbers we don't know still match). */
export function enctypeFilter(values: readonly (string | number)[] | undefined): number[] {
  return splitList(values).map((v) => (/^-?\d+$/.test(v) ? Number(v) : resolveEnctype(v).id));
}

export function kvnoList(values: readonly (string | number)[] | undefined, option = '--kvno'): number[] {
  return splitList(values).map((v) => {
    if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) {
      throw new KtError('USAGE', `${option} ${v}: a kvno is a whole number from 0 to 4294967295`);
    }
    return Number(v);
  });
}

/** Principal patterns: with a realm they match exactly; without one, in any realm. */
export function principalPatterns(values: readonly string[] | undefined): PrincipalPattern[] {
  return (values ?? []).map((text) => {
    const hasRealm = /(^|[^\\])@/.test(text);
    const p = parsePrincipal(text, hasRealm ? {} : { defaultRealm: '\u0000' });
    return { components: p.components, realm: hasRealm ? p.realm : undefined };
  });
}
