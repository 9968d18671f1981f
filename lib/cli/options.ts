/** Option parsing shared by several commands: enctype lists, kvnos, principals. */
import { KtError } from '../errors.js';
import { resolveEnctype } from '../crypto/enctypes.js';
import type { PrincipalPattern } from '../keytab/ops.js';
import { parsePrincipal } from '../principal.js';
import type { CliContext } from './context.js';
import { warn } from './context.js';

/** Splits repeated and comma-separated option values: `-e a,b -e c` → [a, b, c]. */
export function splitList(values: readonly (string | number)[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(/[,\s]+/)).filter((v) => v !== '');
}

/**
 * Enctype filter values: names, aliases or any 16-bit number (numbers we don't know still
 * match). Keytabs store the enctype in 16 bits, read as signed (MIT klist shows `etype -1`):
 * 32768-65535 are the same values as -32768..-1; anything else could never match and is refused.
 */
export function enctypeFilter(values: readonly (string | number)[] | undefined): number[] {
  return splitList(values).map((v) => {
    if (!/^-?\d+$/.test(v)) return resolveEnctype(v).id;
    const n = Number(v);
    if (n < -0x8000 || n > 0xffff) {
      throw new KtError(
        'USAGE',
        `-e ${v}: an enctype number is 16 bits (-32768 to 65535); no keytab entry can have it`,
      );
    }
    return (n << 16) >> 16;
  });
}

export function kvnoList(
  values: readonly (string | number)[] | undefined,
  option = '--kvno',
): number[] {
  return splitList(values).map((v) => {
    if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) {
      throw new KtError('USAGE', `${option} ${v}: a kvno is a whole number from 0 to 4294967295`);
    }
    return Number(v);
  });
}

/** Exactly one kvno (add -k): an empty value or a list is refused in words. */
export function oneKvno(value: string | number, option = '--kvno'): number {
  const list = kvnoList([value], option);
  if (list.length !== 1) {
    throw new KtError(
      'USAGE',
      `${option} "${String(value)}": give one key version number, a whole number from 0 to 4294967295`,
    );
  }
  return list[0] as number;
}

/** Principal patterns: with a realm they match exactly; without one, in any realm. */
export function principalPatterns(values: readonly string[] | undefined): PrincipalPattern[] {
  return (values ?? []).map((text) => {
    const hasRealm = /(^|[^\\])@/.test(text);
    const p = parsePrincipal(text, hasRealm ? {} : { defaultRealm: '\u0000' });
    return { components: p.components, realm: hasRealm ? p.realm : undefined };
  });
}

/**
 * The realm of a principal as typed (after its last unescaped `@`), or undefined without one.
 */
function realmOf(text: string): string | undefined {
  const m = /(?:^|[^\\])@([^@]*)$/.exec(text);
  return m ? m[1] : undefined;
}

/**
 * Warns about principals whose realm is not upper case (`HTTP/web@example.com`): realm names
 * are case-sensitive, and an AD realm is always its DNS domain in upper case, so a lower-case
 * realm is almost always a typo that makes keys no KDC will match.
 */
export function warnRealmCase(
  ctx: CliContext,
  values: readonly string[] | string | undefined,
  option = '-p',
): void {
  for (const text of typeof values === 'string' ? [values] : (values ?? [])) {
    const realm = realmOf(text);
    if (realm === undefined || realm === realm.toUpperCase()) continue;
    const fixed = `${text.slice(0, text.length - realm.length)}${realm.toUpperCase()}`;
    warn(
      ctx,
      `${option} ${text}: the realm ${realm} is not upper case; realm names are case-sensitive and AD realms are upper case: did you mean ${fixed}?`,
    );
  }
}
