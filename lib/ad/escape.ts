/**
 * Escaping for LDAP search filters (RFC 4515) and distinguished names (RFC 4514), and the few
 * DN helpers the AD code needs. Pure: every value taken from a user or from the directory goes
 * through these before it is put into a filter or a DN.
 */
import { KtError } from '../errors.js';

/**
 * RFC 4515 section 3: in an assertion value, "the characters '*' (ASCII 0x2a), '(' (0x28),
 * ')' (0x29), '\' (0x5c), and NUL (0x00) are represented as a backslash followed by the two
 * hexadecimal digits representing the value of the encoded character". Everything else,
 * including UTF-8, may stand as it is.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(
    /[*()\\\u0000]/g,
    (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * A filter from a template whose interpolated values are escaped:
 * `filter\`(sAMAccountName=${name})\``. Only the values are escaped, never the template.
 */
export function filter(
  strings: TemplateStringsArray,
  ...values: readonly (string | number)[]
): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++)
    out += escapeFilterValue(String(values[i])) + (strings[i + 1] ?? '');
  return out;
}

/** `(|(a)(b)...)` of already-escaped filters; a single term stands alone. */
export function orFilter(terms: readonly string[]): string {
  if (terms.length === 0) throw new KtError('INTERNAL', 'an OR filter needs at least one term');
  return terms.length === 1 ? (terms[0] as string) : `(|${terms.join('')})`;
}

/**
 * RFC 4514 section 2.4: in an attribute value, escape '"', '+', ',', ';', '<', '>', '\' always,
 * a leading '#' or space, a trailing space, and NUL (as \00). '=' is escaped as well: RFC 4514
 * allows it ("special" includes EQUALS) and Active Directory lists it among the characters it
 * escapes in names.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((c, i) => {
    if (c === '\u0000') out += '\\00';
    else if ('"+,;<>\\='.includes(c)) out += `\\${c}`;
    else if (i === 0 && (c === '#' || c === ' ')) out += `\\${c}`;
    else if (i === chars.length - 1 && c === ' ') out += '\\ ';
    else out += c;
  });
  return out;
}

/** One `type=value` part of a DN, with the value unescaped. */
export interface Rdn {
  readonly type: string;
  readonly value: string;
}

/**
 * Splits a DN string (RFC 4514) into its RDNs, leftmost first, unescaping `\c` and `\hh`
 * (UTF-8 byte sequences). Multi-valued RDNs (`a=1+b=2`) are kept as one value with the `+`.
 */
export function parseDn(dn: string): Rdn[] {
  const out: Rdn[] = [];
  if (dn.trim() === '') return out;
  const enc = new TextEncoder();
  let type = '';
  let bytes: number[] = [];
  let inValue = false;
  // Unescaped spaces at the end of a value are not part of it (RFC 2253 writers put spaces
  // after commas; RFC 4514 requires a value's own trailing space to be escaped).
  let looseSpaces = 0;
  const invalid = (why: string): KtError =>
    new KtError('INPUT_INVALID', `"${dn}" is not a distinguished name (${why})`, {
      hint: 'write it as CN=name,OU=unit,DC=example,DC=com',
    });
  const push = (): void => {
    if (!inValue) throw invalid('an RDN lacks "="');
    if (type.trim() === '') throw invalid('an RDN has no attribute type');
    const kept = bytes.slice(0, bytes.length - looseSpaces);
    out.push({ type: type.trim(), value: new TextDecoder().decode(new Uint8Array(kept)) });
    type = '';
    bytes = [];
    inValue = false;
    looseSpaces = 0;
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] as string;
    if (!inValue) {
      if (c === '=') inValue = true;
      else if (c === ',' || c === ';') throw invalid('an RDN lacks "="');
      else type += c;
      continue;
    }
    if (c === '\\') {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else if (i + 1 < dn.length) {
        bytes.push(...enc.encode(dn[i + 1] as string));
        i += 1;
      } else {
        throw invalid('it ends with a lone backslash');
      }
      looseSpaces = 0;
    } else if (c === ',' || c === ';') {
      push();
    } else if (c === ' ' && bytes.length === 0) {
      // a space after "=" or after the separator: not part of the value
    } else {
      bytes.push(...enc.encode(c));
      looseSpaces = c === ' ' ? looseSpaces + 1 : 0;
    }
  }
  push();
  return out;
}

/** True when the text looks like a DN (`type=value,...`) rather than a name or a UPN. */
export function looksLikeDn(text: string): boolean {
  return /^\s*[A-Za-z][A-Za-z0-9-]*\s*=/.test(text) || /^\s*\d+(\.\d+)+\s*=/.test(text);
}

/** `CN=<escaped value>,<parent>`. */
export function childDn(type: string, value: string, parent: string): string {
  return parent === ''
    ? `${type}=${escapeDnValue(value)}`
    : `${type}=${escapeDnValue(value)},${parent}`;
}

/**
 * The DNS domain of an AD object from the DC= parts of its DN, upper-cased: the Kerberos realm
 * of the domain ([MS-KILE] 3.1.5.1: the realm is the domain's DNS name in upper case).
 * `CN=web,CN=Users,DC=example,DC=test` -> `EXAMPLE.TEST`. Undefined when there are no DC= parts.
 */
export function realmOfDn(dn: string): string | undefined {
  const dcs = parseDn(dn)
    .filter((r) => r.type.toLowerCase() === 'dc')
    .map((r) => r.value);
  return dcs.length === 0 ? undefined : dcs.join('.').toUpperCase();
}

/** The value of the first RDN (`svc-web` of `CN=svc-web,CN=Users,...`). */
export function firstRdnValue(dn: string): string | undefined {
  return parseDn(dn)[0]?.value;
}

/** Compares DNs the way the directory does for our purposes: RDN types and values case-insensitively. */
export function sameDn(a: string, b: string): boolean {
  const ra = parseDn(a);
  const rb = parseDn(b);
  return (
    ra.length === rb.length &&
    ra.every(
      (r, i) =>
        r.type.toLowerCase() === rb[i]?.type.toLowerCase() &&
        r.value.toLowerCase() === rb[i]?.value.toLowerCase(),
    )
  );
}
