import { readFileSync, readdirSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import type { KeytabEntry } from '../../lib/index.js';
import { toHex } from '../../lib/bytes.js';
import { goldenCases } from '../helpers/fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';

const golden = (name: string) => goldenCases().find((c) => c.name === `golden/${name}.keytab`)!;
const entry = (principal: string, kvno: number, enctype: number, keyByte: number): KeytabEntry => {
  const [name, realm] = principal.split('@') as [string, string];
  return {
    principal: { components: name.split('/'), realm, nameType: 1 },
    timestamp: 1717243200,
    kvno,
    enctype,
    key: new Uint8Array(16).fill(keyByte),
  };
};

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function write(name: string, entries: KeytabEntry[]): string {
  const p = t.path(name);
  writeFileSync(p, serializeKeytab({ entries }));
  return p;
}
const entriesOf = (path: string) => parseKeytab(new Uint8Array(readFileSync(path))).entries;
const ids = (path: string) =>
  entriesOf(path).map(
    (e) =>
      `${e.principal.components.join('/')}@${e.principal.realm}:${e.kvno}:${e.enctype}:${e.key[0]}`,
  );

describe('keytab merge', () => {
  it('unions in input order and writes identical entries once', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1), entry('b@R', 1, 18, 2)]);
    const b = write('b.keytab', [entry('b@R', 1, 18, 2), entry('c@R', 1, 17, 3)]);
    const r = await runCli(['merge', '-o', t.path('out.keytab'), a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote 3 entries from 2 keytabs (1 duplicate written once)');
    expect(ids(t.path('out.keytab'))).toEqual(['a@R:1:18:1', 'b@R:1:18:2', 'c@R:1:17:3']);
    expect(statSync(t.path('out.keytab')).mode & 0o777).toBe(0o600);
  });
  it('refuses different keys for the same entry, naming both files, and writes nothing', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1)]);
    const b = write('b.keytab', [entry('a@R', 1, 18, 9)]);
    const r = await runCli(['merge', '-o', t.path('out.keytab'), a, b]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `a@R kvno 1 aes256-cts-hmac-sha1-96 has different keys in ${a} and ${b}`,
    );
    expect(r.stderr).toContain('--prefer-last');
    expect(readdirSync(t.dir).sort()).toEqual(['a.keytab', 'b.keytab']);
  });
  it('--prefer-last keeps the later key in the earlier place', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1), entry('z@R', 1, 18, 5)]);
    const b = write('b.keytab', [entry('a@R', 1, 18, 9)]);
    const r = await runCli(['merge', '--prefer-last', '-o', t.path('out.keytab'), a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('replaced a@R kvno 1');
    expect(ids(t.path('out.keytab'))).toEqual(['a@R:1:18:9', 'z@R:1:18:5']);
  });
  it('merging MIT and Heimdal files keeps every entry byte-identical', async () => {
    const mit = golden('mit-http-spn');
    const heim = golden('heimdal-http-spn');
    const r = await runCli(['merge', '-o', t.path('m.keytab'), mit.path, heim.path]);
    expect(r.code).toBe(0);
    const out = toHex(readFileSync(t.path('m.keytab')));
    expect(out.startsWith(toHex(mit.bytes))).toBe(true);
  });
  it('can write to standard output and read from standard input', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1)]);
    const r = await runCli(['merge', '-o', '-', '-', a], {
      stdin: serializeKeytab({ entries: [entry('b@R', 2, 17, 4)] }),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote 2 entries');
    expect(parseKeytab(r.stdoutBytes).entries).toHaveLength(2);
  });
  it('refuses to write binary to a terminal', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1)]);
    const r = await runCli(['merge', '-o', '-', a], { stdoutIsTTY: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to write a binary keytab to a terminal');
  });
  it('a bad input leaves the output untouched', async () => {
    const out = write('out.keytab', [entry('keep@R', 1, 18, 1)]);
    const before = readFileSync(out);
    const bad = t.path('bad.keytab');
    writeFileSync(bad, Uint8Array.from([5, 2, 0, 0, 0, 9, 0]));
    const r = await runCli(['merge', '-o', out, out, bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.keytab: record at byte 2 declares 9 bytes/);
    expect(readFileSync(out)).toEqual(before);
  });
});

describe('keytab remove', () => {
  const setup = () =>
    write('k.keytab', [
      entry('HTTP/web@R', 1, 18, 1),
      entry('HTTP/web@R', 1, 23, 2),
      entry('HTTP/web@R', 2, 18, 3),
      entry('HTTP/web@R', 3, 18, 4),
      entry('host/web@R', 1, 18, 5),
    ]);
  it('by principal and kvno, printing what it removed', async () => {
    const k = setup();
    const r = await runCli(['remove', k, '-p', 'HTTP/web@R', '--kvno', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'removed: HTTP/web@R kvno 1 aes256-cts-hmac-sha1-96\nremoved: HTTP/web@R kvno 1 arcfour-hmac\n2 removed, 3 left in FILE:' +
        k +
        '\n',
    );
    expect(ids(k)).toEqual(['HTTP/web@R:2:18:3', 'HTTP/web@R:3:18:4', 'host/web@R:1:18:5']);
  });
  it('by enctype name (any alias)', async () => {
    const k = setup();
    await runCli(['remove', k, '-e', 'RC4-HMAC-NT']);
    expect(ids(k)).not.toContain('HTTP/web@R:1:23:2');
    expect(ids(k)).toHaveLength(4);
  });
  it('--keep-kvnos keeps the newest N kvnos per principal', async () => {
    const k = setup();
    const r = await runCli(['remove', k, '--keep-kvnos', '2']);
    expect(r.code).toBe(0);
    expect(ids(k)).toEqual(['HTTP/web@R:2:18:3', 'HTTP/web@R:3:18:4', 'host/web@R:1:18:5']);
  });
  it('a principal without a realm matches any realm', async () => {
    const k = setup();
    await runCli(['remove', k, '-p', 'host/web']);
    expect(ids(k)).toHaveLength(4);
  });
  it('--dry-run changes nothing', async () => {
    const k = setup();
    const before = readFileSync(k);
    const r = await runCli(['remove', k, '--keep-kvnos', '1', '--dry-run']);
    expect(r.stdout).toContain('would remove: HTTP/web@R kvno 1 aes256-cts-hmac-sha1-96');
    expect(r.stdout).toContain('dry run: 3 would remove');
    expect(readFileSync(k)).toEqual(before);
  });
  it('--json lists the removed entries without keys', async () => {
    const k = setup();
    const r = JSON.parse((await runCli(['remove', k, '--kvno', '3', '--json'])).stdout);
    expect(r.removed).toHaveLength(1);
    expect(r.removed[0].key).toBeUndefined();
    expect(r.remaining).toBe(4);
  });
  it('refuses to run without a selection', async () => {
    const r = await runCli(['remove', setup()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('say what to remove');
  });
  it('unknown enctype lists the valid names', async () => {
    const r = await runCli(['remove', setup(), '-e', 'aes512']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown encryption type "aes512"');
    expect(r.stderr).toContain('aes256-cts-hmac-sha1-96');
  });
  it('removing from a file with holes drops the holes', async () => {
    const src = golden('mit-hole-ktremove');
    const k = t.path('h.keytab');
    writeFileSync(k, src.bytes);
    const r = await runCli(['remove', k, '--kvno', '3']);
    expect(r.code).toBe(0);
    const kt = parseKeytab(new Uint8Array(readFileSync(k)));
    expect(kt.holes).toBeUndefined();
    expect(kt.entries.map((e) => e.kvno)).toEqual([1]);
  });
  it('keeps the mode and drops access for others when rewriting', async () => {
    const k = setup();
    chmodSync(k, 0o644);
    await runCli(['remove', k, '--kvno', '3']);
    expect(statSync(k).mode & 0o777).toBe(0o640);
  });
  it('an unwritable folder leaves the file as it was', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; covered by the write-failure test below
    const k = setup();
    chmodSync(t.dir, 0o500);
    const r = await runCli(['remove', k, '--kvno', '3']);
    chmodSync(t.dir, 0o700);
    expect(r.code).toBe(1);
  });
  it('a failed write leaves no temporary file behind', async () => {
    const k = setup();
    const asDir = t.path('dir.keytab');
    mkdirSync(asDir);
    const r = await runCli(['merge', '-o', asDir, k]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a regular file');
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('keytab diff', () => {
  it('exit 0 when equal, whatever the timestamps and order', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1), entry('b@R', 1, 18, 2)]);
    const b = write('b.keytab', [
      { ...entry('b@R', 1, 18, 2), timestamp: 5 },
      entry('a@R', 1, 18, 1),
    ]);
    const r = await runCli(['diff', a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('keytabs hold the same entries\n');
  });
  it('exit 1 with only-in and changed-key lines', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1), entry('b@R', 1, 18, 2)]);
    const b = write('b.keytab', [entry('a@R', 1, 18, 7), entry('c@R', 1, 18, 3)]);
    const r = await runCli(['diff', a, b]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `only in ${a}: b@R kvno 1 aes256-cts-hmac-sha1-96\nonly in ${b}: c@R kvno 1 aes256-cts-hmac-sha1-96\ndifferent key: a@R kvno 1 aes256-cts-hmac-sha1-96\n1 only in ${a}, 1 only in ${b}, 1 with different keys\n`,
    );
    const j = JSON.parse((await runCli(['diff', '--json', a, b])).stdout);
    expect(j.equal).toBe(false);
    expect(j.changed).toHaveLength(1);
  });
});
