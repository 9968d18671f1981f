/**
 * The package's public surface (issue 16, point 5): the root entry exports what the README's
 * Library section documents, at most 200 names (values and types); the Kerberos protocol layer
 * is `keytab/krb5`; the KDC's side of the codec is in no entry.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRIES = ['lib/index.node.ts', 'lib/core.ts', 'lib/krb5/index.ts'];

/** The names each module exports (values and types), as the compiler sees them. */
function exportedNames(): Map<string, string[]> {
  const config = ts.parseJsonConfigFileContent(
    JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')),
    ts.sys,
    ROOT,
  );
  const program = ts.createProgram(
    ENTRIES.map((f) => join(ROOT, f)),
    { ...config.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const out = new Map<string, string[]>();
  for (const file of ENTRIES) {
    const source = program.getSourceFile(join(ROOT, file));
    const symbol = source && checker.getSymbolAtLocation(source);
    out.set(file, symbol ? checker.getExportsOfModule(symbol).map((s) => s.getName()) : []);
  }
  return out;
}

describe('the public surface', () => {
  const names = exportedNames();
  const root = names.get('lib/index.node.ts') ?? [];
  const krb5 = names.get('lib/krb5/index.ts') ?? [];

  it('the root exports at most 200 names, the browser entry a subset of them', () => {
    expect(root.length).toBeGreaterThan(50);
    expect(root.length).toBeLessThanOrEqual(200);
    expect((names.get('lib/core.ts') ?? []).filter((n) => !root.includes(n))).toEqual([]);
  });

  it('the root has what the README Library section shows', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const library = readme.slice(
      readme.indexOf('\n## Library'),
      readme.indexOf('\n## ', readme.indexOf('\n## Library') + 5),
    );
    const fromRoot = [...library.matchAll(/import \{([^}]*)\} from 'keytab'/g)].flatMap((m) =>
      (m[1] ?? '').split(',').map((s) => s.trim()),
    );
    const fromKrb5 = [...library.matchAll(/import \{([^}]*)\} from 'keytab\/krb5'/g)].flatMap((m) =>
      (m[1] ?? '').split(',').map((s) => s.trim()),
    );
    expect(fromRoot.length).toBeGreaterThan(3);
    expect(fromKrb5.length).toBeGreaterThan(1);
    expect(fromRoot.filter((n) => !root.includes(n))).toEqual([]);
    expect(fromKrb5.filter((n) => !krb5.includes(n))).toEqual([]);
  });

  it('the message codec is under keytab/krb5, not at the root; the KDC side is in neither', () => {
    for (const n of [
      'decodeKdcReply',
      'encodeKdcReq',
      'decodeApReq',
      'MSG_TYPE',
      'parseKrb5Conf',
      'frameTcp',
    ]) {
      expect(krb5, n).toContain(n);
      expect(root, n).not.toContain(n);
    }
    for (const n of [
      'encodeKdcRep',
      'encodeEncTicketPart',
      'encodeEncKdcRepPart',
      'decodeKdcReq',
      'decodePaEncTsEnc',
      'encodeEtypeInfo2',
    ]) {
      expect([...krb5, ...root], n).not.toContain(n);
    }
  });
});
