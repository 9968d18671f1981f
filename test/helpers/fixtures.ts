/** Loads the keytab fixtures and their manifests (test data only, under test/fixtures). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const GOLDEN = join(FIXTURES, 'keytabs', 'golden');
export const EXTERNAL = join(FIXTURES, 'keytabs', 'external');

export interface ExpectedEntry {
  offset: number;
  record_length: number;
  principal: string;
  realm?: string;
  components?: string[];
  name_type: number | null;
  timestamp: number;
  kvno8: number;
  kvno32: number | null;
  kvno_effective: number;
  enctype: number;
  key_hex: string;
}

export interface KeytabCase {
  /** Path relative to test/fixtures/keytabs. */
  name: string;
  path: string;
  bytes: Uint8Array;
  expected: ExpectedEntry[];
  holes: number;
  warnings: string[];
  parseError: string | null;
  /** Records whose body carries bytes past the kvno tail (Heimdal flags / padding). */
  paddingOrHoles: boolean;
  manifest: Record<string, unknown>;
}

interface GoldenManifest {
  file: string;
  expected_entries: ExpectedEntry[];
  parse: { records: { kind: string; padding_bytes?: number }[]; warnings?: string[] };
  summary?: { holes?: number };
}

export function goldenCases(): KeytabCase[] {
  return readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.json') && f !== 'index.json' && f !== 'tool-enctype-support.json')
    .sort()
    .map((f) => {
      const m = JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')) as GoldenManifest;
      const holes = m.parse.records.filter((r) => r.kind === 'hole').length;
      return {
        name: `golden/${m.file}`,
        path: join(GOLDEN, m.file),
        bytes: new Uint8Array(readFileSync(join(GOLDEN, m.file))),
        expected: m.expected_entries,
        holes,
        warnings: m.parse.warnings ?? [],
        parseError: null,
        paddingOrHoles: holes > 0 || m.parse.records.some((r) => (r.padding_bytes ?? 0) > 0),
        manifest: m as unknown as Record<string, unknown>,
      };
    });
}

interface ExternalIndexFile {
  file: string;
  expected_entries: ExpectedEntry[];
  holes: number;
  parse_error: string | null;
  parse_warnings: string[];
}

export function externalCases(): KeytabCase[] {
  const index = JSON.parse(readFileSync(join(EXTERNAL, 'index.json'), 'utf8')) as {
    files: ExternalIndexFile[];
  };
  return index.files.map((f) => ({
    name: `external/${f.file}`,
    path: join(EXTERNAL, f.file),
    bytes: new Uint8Array(readFileSync(join(EXTERNAL, f.file))),
    expected: f.expected_entries,
    holes: f.holes,
    warnings: f.parse_warnings,
    parseError: f.parse_error,
    paddingOrHoles: f.holes > 0,
    manifest: f as unknown as Record<string, unknown>,
  }));
}

export function allKeytabCases(): KeytabCase[] {
  return [...goldenCases(), ...externalCases()];
}
