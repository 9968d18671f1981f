/**
 * Keytabs we write are read the same by MIT klist and Heimdal ktutil (the real tools).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enctypeById, resolveEnctype, serializeKeytab } from '../../lib/index.js';
import { toHex } from '../../lib/bytes.js';
import type { KeytabEntry } from '../../lib/index.js';
import { runCli } from '../helpers/cli.js';
import { goldenCases } from '../helpers/fixtures.js';
import { heimdalKtutil, interopEnabled, runTool, tempDir } from './env.js';

const dir = tempDir('ktp-readers-');
afterAll(() => dir.cleanup());

function entry(
  principal: string,
  nameType: number,
  kvno: number,
  enctype: number,
  timestamp = 1717243200,
): KeytabEntry {
  const at = principal.lastIndexOf('@');
  const length = enctypeById(enctype)?.keyLength ?? 16;
  return {
    principal: {
      components: principal.slice(0, at).split('/'),
      realm: principal.slice(at + 1),
      nameType,
    },
    timestamp,
    kvno,
    enctype,
    key: new Uint8Array(randomBytes(length)),
  };
}

// prettier-ignore
const ENTRIES: KeytabEntry[] = [
  ...[18, 17, 20, 19, 26, 25, 16, 23].map((e) => entry('HTTP/web.example.com@EXAMPLE.COM', 1, 2, e)),
  entry('host/web.example.com@EXAMPLE.COM', 3, 255, 18),
  entry('host/web.example.com@EXAMPLE.COM', 3, 256, 18),
  entry('host/web.example.com@EXAMPLE.COM', 3, 70000, 17),
  entry('ldap/dc1.example.com/example.com@EXAMPLE.COM', 1, 1, 18),
  entry('jürgen@EXAMPLE.COM', 1, 0, 18, 3_000_000_000),
  entry('WEB$@EXAMPLE.COM', 1, 7, 23, 0),
];

function write(name: string, entries: readonly KeytabEntry[]): string {
  const path = join(dir.path, name);
  writeFileSync(path, serializeKeytab({ entries }));
  return path;
}

interface Row {
  kvno: number;
  enctype: number;
  principal: string;
  key: string;
}

/** Heimdal `ktutil list --keys`: columns separated by two or more spaces. */
function heimdalRows(stdout: string): Row[] {
  return stdout
    .split('\n')
    .filter((l) => /^\s*\d+\s{2,}/.test(l))
    .map((l) => {
      const [kvno, type, principal, , key] = l.trim().split(/\s{2,}/) as [
        string,
        string,
        string,
        string,
        string,
      ];
      // Heimdal 7.8 has no Camellia: it prints `unknown (26)`.
      const unknown = /^unknown \((-?\d+)\)$/.exec(type);
      return {
        kvno: Number(kvno),
        enctype: unknown ? Number(unknown[1]) : resolveEnctype(type).id,
        principal,
        key,
      };
    });
}

const rowsOf = (entries: readonly KeytabEntry[]): Row[] =>
  entries.map((e) => ({
    kvno: e.kvno,
    enctype: e.enctype,
    principal: `${e.principal.components.join('/')}@${e.principal.realm}`,
    key: toHex(e.key),
  }));

describe.runIf(interopEnabled())('MIT klist reads our keytabs as we do', () => {
  it('klist -k -t -e -K prints exactly what keytab list -K prints', async () => {
    const path = write('ours.keytab', ENTRIES);
    const mit = runTool('klist', ['-k', '-t', '-e', '-K', path], { env: { TZ: 'UTC' } });
    expect(mit.stderr).toBe('');
    expect(mit.status).toBe(0);
    const ours = await runCli(['list', '-K', path]);
    expect(ours.stdout).toBe(mit.stdout);
  });

  it('a merge of an MIT and a Heimdal keytab reads the same in klist', async () => {
    const mitFile = goldenCases().find((c) => c.name === 'golden/mit-http-spn.keytab')!;
    const heimFile = goldenCases().find((c) => c.name === 'golden/heimdal-kvnos-1-2-255.keytab')!;
    const out = join(dir.path, 'merged.keytab');
    expect((await runCli(['merge', '-o', out, mitFile.path, heimFile.path])).code).toBe(0);
    const mit = runTool('klist', ['-k', '-t', '-e', '-K', out], { env: { TZ: 'UTC' } });
    expect(mit.status).toBe(0);
    expect((await runCli(['list', '-K', out])).stdout).toBe(mit.stdout);
  });
});

const heimdal = heimdalKtutil();
describe.runIf(interopEnabled())('Heimdal ktutil reads our keytabs as we do', () => {
  it('is available (test/servers/install-deps.sh extracts it)', () => {
    expect(heimdal).toBeDefined();
  });
  it.runIf(heimdal !== undefined)('ktutil list --keys shows every entry, key and kvno', () => {
    const path = write('for-heimdal.keytab', ENTRIES);
    const r = runTool(heimdal as string, ['-k', path, 'list', '--keys', '--timestamp'], {
      env: { TZ: 'UTC' },
    });
    expect(r.status).toBe(0);
    expect(heimdalRows(r.stdout)).toEqual(rowsOf(ENTRIES));
  });
  it.runIf(heimdal !== undefined)(
    'entries removed by keytab remove are gone for Heimdal too',
    async () => {
      const path = write('pruned.keytab', ENTRIES);
      expect((await runCli(['remove', path, '-e', 'rc4-hmac', '--kvno', '7'])).code).toBe(0);
      const r = runTool(heimdal as string, ['-k', path, 'list', '--keys', '--timestamp'], {
        env: { TZ: 'UTC' },
      });
      expect(heimdalRows(r.stdout)).toEqual(rowsOf(ENTRIES.filter((e) => e.kvno !== 7)));
    },
  );
});
