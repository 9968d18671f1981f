/**
 * Kerberos principal names: components + realm + name type, and their string form.
 *
 * The string form follows MIT krb5_parse_name / krb5_unparse_name: components are separated by
 * `/`, the realm follows `@`, and a backslash escapes `/`, `@` and `\` inside a component, plus
 * `\n`, `\t`, `\b` and `\0` for the control characters. The realm is escaped the same way when
 * printed (MIT klist shows `EX\@AMPLE\/R`), though an unescaped `/` after the `@` is accepted.
 */
import { KtError } from './errors.js';

export interface Principal {
  readonly components: readonly string[];
  readonly realm: string;
  /** RFC 4120 section 6.2 name type (KRB5_NT_*). */
  readonly nameType: number;
}

/** RFC 4120 section 6.2 name types, with the names ktpass /ptype uses. */
export const NAME_TYPES = Object.freeze({
  KRB5_NT_UNKNOWN: 0,
  KRB5_NT_PRINCIPAL: 1,
  KRB5_NT_SRV_INST: 2,
  KRB5_NT_SRV_HST: 3,
  KRB5_NT_SRV_XHST: 4,
  KRB5_NT_UID: 5,
  KRB5_NT_X500_PRINCIPAL: 6,
  KRB5_NT_SMTP_NAME: 7,
  KRB5_NT_ENTERPRISE_PRINCIPAL: 10,
} as const);

export type NameTypeName = keyof typeof NAME_TYPES;

/** The KRB5_NT_* name of a numeric name type, or undefined. */
export function nameTypeName(value: number): NameTypeName | undefined {
  return (Object.keys(NAME_TYPES) as NameTypeName[]).find((k) => NAME_TYPES[k] === value);
}

/** Accepts `1`, `KRB5_NT_PRINCIPAL`, `NT_PRINCIPAL` or `principal` (any case). */
export function parseNameType(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    if (n <= 0xffffffff) return n;
  }
  const upper = trimmed.toUpperCase().replace(/^(KRB5_)?(NT_)?/, '');
  const key = `KRB5_NT_${upper}` as NameTypeName;
  if (key in NAME_TYPES) return NAME_TYPES[key];
  throw new KtError('PRINCIPAL_INVALID', `unknown name type "${text}"`, {
    hint: `use a number or one of ${Object.keys(NAME_TYPES).join(', ')}`,
  });
}

const UNESCAPE: Readonly<Record<string, string>> = { n: '\n', t: '\t', b: '\b', '0': '\0' };
const ESCAPE: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\t': '\\t',
  '\b': '\\b',
  '\0': '\\0',
  '\\': '\\\\',
  '/': '\\/',
  '@': '\\@',
};

export interface ParsePrincipalOptions {
  /** Realm used when the text has none. Without it, a missing realm is an error. */
  readonly defaultRealm?: string;
  /** Name type to record; default as MIT's parser: 2 for krbtgt/..., else 1 (defaultNameType). */
  readonly nameType?: number;
}

/** Parses `comp1/comp2@REALM` with MIT escapes. */
export function parsePrincipal(text: string, options: ParsePrincipalOptions = {}): Principal {
  const components: string[] = [];
  let current = '';
  let realm: string | undefined;
  let inRealm = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) {
        throw new KtError('PRINCIPAL_INVALID', `principal "${text}" ends with a lone backslash`);
      }
      current += UNESCAPE[next] ?? next;
      i++;
    } else if (c === '/' && !inRealm) {
      components.push(current);
      current = '';
    } else if (c === '@' && !inRealm) {
      components.push(current);
      current = '';
      inRealm = true;
    } else if (c === '@') {
      throw new KtError(
        'PRINCIPAL_INVALID',
        `principal "${text}" has more than one unescaped "@"`,
        {
          hint: 'escape an "@" inside a name component as "\\@"',
        },
      );
    } else {
      current += c;
    }
  }
  if (inRealm) realm = current;
  else components.push(current);

  if (realm === undefined) {
    if (options.defaultRealm === undefined) {
      throw new KtError('PRINCIPAL_INVALID', `principal "${text}" has no realm`, {
        hint: 'write it as name@REALM, e.g. HTTP/web.example.com@EXAMPLE.COM',
      });
    }
    realm = options.defaultRealm;
  }
  if (realm === '') {
    throw new KtError('PRINCIPAL_INVALID', `principal "${text}" has an empty realm`);
  }
  if (components.length === 0 || components.every((c) => c === '')) {
    throw new KtError('PRINCIPAL_INVALID', `principal "${text}" has no name`);
  }
  return { components, realm, nameType: options.nameType ?? defaultNameType(components) };
}

const NEEDS_ESCAPE = /[\\/@\n\t\b\0]/;

function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (const c of text) out += ESCAPE[c] ?? c;
  return out;
}

/** `comp1/comp2@REALM`, escaped as MIT's krb5_unparse_name does. */
export function formatPrincipal(principal: Pick<Principal, 'components' | 'realm'>): string {
  return `${formatPrincipalName(principal)}@${escapeText(principal.realm)}`;
}

/** The name without the realm (what AD stores as an SPN). */
export function formatPrincipalName(principal: Pick<Principal, 'components'>): string {
  return principal.components.map((c) => escapeText(c)).join('/');
}

/**
 * The name type MIT's parser gives a principal (what ktutil and kadmin write): NT-SRV-INST for
 * krbtgt/..., NT-PRINCIPAL for everything else. (Heimdal writes NT-SRV-HST for host/...;
 * ktpass writes whatever /ptype says.)
 */
export function defaultNameType(components: readonly string[]): number {
  return components.length === 2 && components[0] === 'krbtgt'
    ? NAME_TYPES.KRB5_NT_SRV_INST
    : NAME_TYPES.KRB5_NT_PRINCIPAL;
}

/** Same name and realm (name type is not part of a principal's identity, as in MIT). */
export function samePrincipal(
  a: Pick<Principal, 'components' | 'realm'>,
  b: Pick<Principal, 'components' | 'realm'>,
): boolean {
  return (
    a.realm === b.realm &&
    a.components.length === b.components.length &&
    a.components.every((c, i) => c === b.components[i])
  );
}
