/**
 * "Nothing outside the enctype table switches on enctype numbers" (lib/crypto/enctypes.ts):
 * every lib/ file outside lib/crypto is scanned for enctype numbers used as enctypes.
 *
 * The heuristic, on the code only (comments and string contents are blanked first, so messages
 * like "msDS-SupportedEncryptionTypes 0x18" and RFC quotes stay free), with N an id of the
 * table (1 2 3 5 7 8 16 17 18 19 20 23 24 25 26) and B an msDS-SupportedEncryptionTypes
 * enctype bit (0x1 0x2 0x4 0x8 0x10):
 *   - a comparison with N: `enctype === N`, `e.id !== N`, `etype == N`, `N === keytype`
 *     (the other side names an enctype: *enctype*, *etype*, keytype, `id`, or a bare `e`);
 *   - a lookup by N: `resolveEnctype(N)`, `enctypeById(N)`, `enctypeName(N)`, `enctypeBit(N)`,
 *     `stringToKey(N, ...)`, `ktpassEtypeLabel(N)`;
 *   - a list of two or more ids, all of them enctype ids: `[18, 17]`;
 *   - `includes(N)`;
 *   - an enctype property set to N: `enctype: 23`, `etypes: [18, ...`;
 *   - a record keyed by N with a string value: `{ 23: 'RC4-HMAC' }`;
 *   - a list of two or more AD enctype bits in hex: `[0x10, 0x8, 0x4]`;
 *   - an AD enctype mask in hex (0x1..0x1f) combined with `&` or `|` and a *bits* or
 *     *EncryptionTypes* value: `(bits & 0x1f)`.
 * It misses what it cannot see (a `switch` on an enctype, a number reached by arithmetic);
 * reviewers still read for those. Numbers that are not enctypes (name types, lengths, tags,
 * padata types) are not matched unless they sit in one of the forms above.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AD_ENCTYPES, ENCTYPES } from '../../lib/crypto/enctypes.js';

const ROOT = join(import.meta.dirname, '../..');

const ID = [...ENCTYPES.map((e) => e.id)].sort((a, b) => b - a).join('|');
const BIT = [...AD_ENCTYPES.map((e) => `0x${e.adBit.toString(16)}`)]
  .sort((a, b) => b.length - a.length || b.localeCompare(a))
  .join('|');
const N = `(?<![\\w.])(?:${ID})(?![\\w.])`;
const B = `(?<![\\w.])(?:${BIT})(?![\\w.])`;
/** A name that says enctype (case-sensitive, so that nameType is not one): enctype, Enctype, etype, Etype, keytype. */
const ENCTYPE_WORD = '(?:\\w*[eE]nctype|\\w*Etype|\\betype|\\w*[kK]eytype)(?:s|Id)?\\b';
const NAMED = `(?:(?:[\\w.]*\\.)?${ENCTYPE_WORD}|(?:[\\w.]*\\.)?id|e)`;

// prettier-ignore
const PATTERNS: readonly { readonly what: string; readonly re: RegExp }[] = [
  { what: 'comparison with an enctype number', re: new RegExp(`\\b${NAMED}\\s*(?:===|!==|==|!=)\\s*${N}`, 'g') },
  { what: 'comparison with an enctype number', re: new RegExp(`${N}\\s*(?:===|!==|==|!=)\\s*${NAMED}\\b`, 'g') },
  { what: 'lookup by enctype number', re: new RegExp(`\\b(?:resolveEnctype|enctypeById|enctypeName|enctypeBit|stringToKey|ktpassEtypeLabel)\\(\\s*${N}\\s*[,)]`, 'g') },
  { what: 'list of enctype numbers', re: new RegExp(`\\[\\s*${N}(?:\\s*,\\s*${N})+\\s*,?\\s*\\]`, 'g') },
  { what: 'includes(enctype number)', re: new RegExp(`\\bincludes\\(\\s*${N}\\s*\\)`, 'g') },
  { what: 'enctype property set to a number', re: new RegExp(`\\b${ENCTYPE_WORD}\\s*:\\s*\\[?\\s*${N}`, 'g') },
  { what: 'record keyed by an enctype number', re: new RegExp(`[{,]\\s*${N}\\s*:\\s*['"\`]`, 'g') },
  { what: 'list of AD enctype bits', re: new RegExp(`\\[\\s*${B}(?:\\s*,\\s*${B})+\\s*,?\\s*\\]`, 'gi') },
  { what: 'AD enctype mask', re: /\b\w*(?:bits|encryptiontypes)\w*\)?\s*[&|]\s*0x(?:1[0-9a-f]|[1-9a-f])\b/gi },
];

/** The code with comments and string contents blanked (newlines kept, so lines still count). */
export function codeOnly(source: string): string {
  let out = '';
  let i = 0;
  const templates: number[] = []; // brace depth at each open `${`
  let depth = 0;
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n')
        j += source[j] === '\\' ? 2 : 1;
      out += c + blank(source.slice(i + 1, j)) + c;
      i = j + 1;
    } else if (
      c === '`' ||
      (c === '}' && templates.length > 0 && templates[templates.length - 1] === depth)
    ) {
      if (c === '}') templates.pop();
      let j = i + 1;
      while (
        j < source.length &&
        source[j] !== '`' &&
        !(source[j] === '$' && source[j + 1] === '{')
      )
        j += source[j] === '\\' ? 2 : 1;
      out += c + blank(source.slice(i + 1, j));
      if (source[j] === '$') {
        templates.push(depth);
        out += '${';
        i = j + 2;
      } else {
        out += '`';
        i = j + 1;
      }
    } else {
      if (c === '{') depth++;
      if (c === '}') depth--;
      out += c;
      i++;
    }
  }
  return out;
}

export function enctypeLiterals(source: string): { line: number; what: string; text: string }[] {
  const code = codeOnly(source);
  const found: { line: number; what: string; text: string }[] = [];
  for (const { what, re } of PATTERNS) {
    for (const m of code.matchAll(re)) {
      found.push({ line: code.slice(0, m.index).split('\n').length, what, text: m[0] });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('enctype numbers outside lib/crypto', () => {
  it('finds each form of the heuristic, and leaves other numbers, comments and strings alone', () => {
    const bad = [
      'if (e.id === 17 || e.id === 18) x();',
      'const weak = allowed.filter((e) => e !== 1 && e !== 3);',
      'if (entry.enctype == 23) y();',
      'return [resolveEnctype(23)];',
      'enctypeName(18)',
      'const ALL = [1, 3, 23, 18, 17];',
      'if (enctypes.includes(23)) z();',
      'probe(ctx, client, { enctypes: [18, 17] });',
      "{ bit: 0x4, name: 'RC4-HMAC', enctype: 23 }",
      "const LABEL = { 23: 'RC4-HMAC' };",
      'const order = [0x10, 0x8, 0x4, 0x2, 0x1];',
      'if ((bits & 0x1f) === 0) w();',
      'const s = `x ${enctypeById(17)?.name} y`;',
    ];
    for (const line of bad) expect(enctypeLiterals(line), line).not.toEqual([]);
    const fine = [
      '// e.id === 17: aes128',
      "const m = 'set msDS-SupportedEncryptionTypes to 24 (0x18: AES128 + AES256)';",
      'const t = `keys of etype 23 ${name}`;',
      'if (nameType === 1) a();',
      'const bytes = Uint8Array.of(0x10, 0x00);',
      'const kvno = current + 1;',
      'if (parts.length === 2) b();',
      'const SEAL_ALG_RC4 = [0x10, 0x00] as const;',
      'const READ_PROPERTY = 0x10;',
      'return { ok: e.id === RC4.id };',
      'const list = [1, 0];',
    ];
    for (const line of fine) expect(enctypeLiterals(line), line).toEqual([]);
  });

  it('finds none in lib/ outside lib/crypto', () => {
    const hits: string[] = [];
    for (const path of tsFiles(join(ROOT, 'lib'))) {
      const rel = relative(ROOT, path).split('\\').join('/');
      if (rel.startsWith('lib/crypto/')) continue;
      for (const h of enctypeLiterals(readFileSync(path, 'utf8')))
        hits.push(`${rel}:${h.line}: ${h.what}: ${h.text}`);
    }
    expect(
      hits,
      'use the enctype table (lib/crypto/enctypes.ts) or a named group (lib/crypto/policy.ts)',
    ).toEqual([]);
  });
});
