/**
 * The core says which option would help as data (lib/remedy.ts); only the front ends spell
 * options. This test reads every string and template literal of the core (comments do not
 * count) and fails on a command-line flag spelling, `--` then a lower-case letter.
 *
 * lib/remedy.ts is not core: it holds the spelling tables (keytab's is KtError.hint's wording).
 *
 * Two documented exceptions:
 * - NOT_OURS: text quoting another program's options (samba-tool's --name=), which no front
 *   end of ours spells differently.
 * - PENDING: flag spellings not yet turned into remedies, with the count and the reason (now
 *   none: findings carry a remedy beside their text, messages may be remedies).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const CORE = [
  'lib/crypto',
  'lib/keytab',
  'lib/salt',
  'lib/krb5',
  'lib/ad',
  'lib/verify',
  'lib/doctor',
  'lib/rotate.ts',
  'lib/keys.ts',
  'lib/principal.ts',
  'lib/errors.ts',
];
const FLAG = /--[a-z]/;

/** Literals that quote another program's options. */
const NOT_OURS: readonly RegExp[] = [/samba-tool service-account group-msa-membership/];

/** Not converted yet: path (a file, or a folder ending in /) -> how many literals, and why. */
const PENDING: Readonly<Record<string, { readonly count: number; readonly why: string }>> = {
  // Empty: every place is converted. A new row needs a count and a reason, and should not be needed.
};

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (!statSync(full).isDirectory()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(full).flatMap((name) => files(`${path}/${name}`));
}

/** Every string and template literal (a template as one text, `${}` for its holes) with its line. */
function literals(path: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(
    path,
    readFileSync(join(ROOT, path), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = node.head.text + node.templateSpans.map((s) => `\${}${s.literal.text}`).join('');
    if (text !== undefined)
      out.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

// prettier-ignore
const found = CORE.flatMap(files).flatMap((path) =>
  literals(path)
    .filter((l) => FLAG.test(l.text) && !NOT_OURS.some((r) => r.test(l.text)))
    .map((l) => ({ path: relative(ROOT, join(ROOT, path)), ...l })),
);

describe('the core spells no command-line flag', () => {
  it('outside the pending places, every flag in a message is a remedy', () => {
    const stray = found.filter(
      (f) =>
        !Object.keys(PENDING).some(
          (p) => f.path === p || (p.endsWith('/') && f.path.startsWith(p)),
        ),
    );
    expect(stray.map((f) => `${f.path}:${f.line}: ${f.text}`)).toEqual([]);
  });
  for (const [path, { count, why }] of Object.entries(PENDING)) {
    it(`${path}: ${count} pending (${why})`, () => {
      const here = found.filter((f) =>
        path.endsWith('/') ? f.path.startsWith(path) : f.path === path,
      );
      expect(here.map((f) => `${f.path}:${f.line}: ${f.text}`)).toHaveLength(count);
    });
  }
  it('finds a flag in a string and a template, not in a comment', () => {
    const probe = ts.createSourceFile(
      'probe.ts',
      "// --comment\nconst a = 'use --allow-weak';\nconst b = `x ${1} --base-dn`;\n",
      ts.ScriptTarget.Latest,
      true,
    );
    const texts: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node)) texts.push(node.text);
      if (ts.isTemplateExpression(node))
        texts.push(node.head.text + node.templateSpans.map((s) => s.literal.text).join(''));
      ts.forEachChild(node, visit);
    };
    visit(probe);
    expect(texts.filter((t) => FLAG.test(t))).toEqual(['use --allow-weak', 'x  --base-dn']);
  });
});
