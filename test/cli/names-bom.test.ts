/**
 * Issue 11.4: a realm or component that starts with U+FEFF (bytes EF BB BF) must round-trip
 * byte for byte through every command; a TextDecoder that drops the "byte-order mark" renamed
 * such entries on any rewrite and made diff call different names equal.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import type { KeytabEntry } from '../../lib/index.js';
import { toHex, utf8 } from '../../lib/bytes.js';
import { prunedEntries, rotatedEntries, rotationTargets, stagedEntries } from '../../lib/rotate.js';
import { explicitSalt } from '../../lib/salt/rules.js';
import { runCli, tempDir } from '../helpers/cli.js';

const BOM = '\uFEFF';
const entry = (
  components: string[],
  realm: string,
  kvno: number,
  keyByte: number,
): KeytabEntry => ({
  principal: { components, realm, nameType: 1 },
  timestamp: 1717243200,
  kvno,
  enctype: 18,
  key: new Uint8Array(32).fill(keyByte),
});
/** The BOM entry, a plain one, and one whose realm is two BOMs and nothing else. */
const bomEntry = entry([`${BOM}svc`, 'web'], `${BOM}EX.COM`, 2, 1);
const plain = entry(['svc', 'web'], 'EX.COM', 2, 2);
const twoBoms = entry(['host'], `${BOM}${BOM}`, 3, 3);

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
const hasKlist = spawnSync('klist', ['-V'], { encoding: 'utf8' }).error === undefined;
const hexOf = (path: string) => toHex(new Uint8Array(readFileSync(path)));
const hexWith = (entries: KeytabEntry[]) => toHex(serializeKeytab({ entries }));

describe('names with a leading U+FEFF round-trip byte for byte', () => {
  it('the codec keeps the BOM (the encoded name holds EF BB BF)', () => {
    const bytes = serializeKeytab({ entries: [bomEntry, twoBoms] });
    expect(toHex(bytes)).toContain(`0009${toHex(utf8(`${BOM}EX.COM`))}`);
    const back = parseKeytab(bytes).entries;
    expect(back[0]!.principal.realm).toBe(`${BOM}EX.COM`);
    expect(back[0]!.principal.components).toEqual([`${BOM}svc`, 'web']);
    expect(back[1]!.principal.realm).toBe(`${BOM}${BOM}`);
    expect(toHex(serializeKeytab(parseKeytab(serializeKeytab(parseKeytab(bytes)))))).toBe(
      toHex(bytes),
    );
  });
  it('list prints the raw bytes, as klist does; --json keeps the character', async () => {
    const p = write('k.keytab', [bomEntry]);
    const r = await runCli(['list', p]);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.length).toBeGreaterThan(0);
    expect(toHex(r.stdoutBytes)).toContain(toHex(utf8(`${BOM}svc/web@${BOM}EX.COM`)));
    const j = await runCli(['list', '--json', p]);
    expect(j.stdout).toContain(JSON.stringify(`${BOM}svc/web@${BOM}EX.COM`));
  });
  it.skipIf(!hasKlist)('list matches MIT klist -k -t -e byte for byte on BOM names', async () => {
    const p = write('k.keytab', [bomEntry, twoBoms]);
    const mit = spawnSync('klist', ['-k', '-t', '-e', p], { env: { ...process.env, TZ: 'UTC' } });
    expect(mit.status).toBe(0);
    const ours = await runCli(['list', p]);
    expect(toHex(ours.stdoutBytes)).toBe(toHex(new Uint8Array(mit.stdout)));
  });
  it('remove of another entry leaves the BOM entries byte-identical', async () => {
    const p = write('k.keytab', [bomEntry, plain, twoBoms]);
    const r = await runCli(['remove', p, '-p', 'svc/web@EX.COM']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 removed');
    expect(hexOf(p)).toBe(hexWith([bomEntry, twoBoms]));
    // A second rewrite changes nothing either (two BOMs never become an empty realm).
    expect((await runCli(['remove', p, '-p', 'nobody@EX.COM'])).code).toBe(0);
    expect((await runCli(['remove', p, '--kvno', '9'])).code).toBe(0);
    expect(hexOf(p)).toBe(hexWith([bomEntry, twoBoms]));
  });
  it('remove -p with the BOM removes only the BOM entry', async () => {
    const p = write('k.keytab', [bomEntry, plain]);
    const r = await runCli(['remove', p, '-p', `${BOM}svc/web@${BOM}EX.COM`]);
    expect(r.code).toBe(0);
    expect(hexOf(p)).toBe(hexWith([plain]));
  });
  it('diff tells a BOM name from the same name without it', async () => {
    const a = write('a.keytab', [bomEntry]);
    const b = write('b.keytab', [
      {
        ...bomEntry,
        principal: { ...bomEntry.principal, components: ['svc', 'web'], realm: 'EX.COM' },
      },
    ]);
    const r = await runCli(['diff', a, b]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 only in');
    expect((await runCli(['diff', a, a])).code).toBe(0);
  });
  it('merge keeps BOM and plain names apart and byte-identical', async () => {
    const a = write('a.keytab', [bomEntry, twoBoms]);
    const b = write('b.keytab', [plain, bomEntry]);
    const out = t.path('m.keytab');
    const r = await runCli(['merge', '-o', out, a, b]);
    expect(r.code).toBe(0);
    expect(hexOf(out)).toBe(hexWith([bomEntry, twoBoms, plain]));
  });
  it('add next to a BOM entry keeps it, and a BOM typed in -p is written', async () => {
    const p = write('k.keytab', [bomEntry, twoBoms]);
    const r = await runCli([
      'add',
      p,
      '-p',
      'other@EX.COM',
      '-e',
      'aes256',
      '-k',
      '1',
      '--key-hex',
      '11'.repeat(32),
    ]);
    expect(r.code).toBe(0);
    const after = new Uint8Array(readFileSync(p));
    expect(toHex(after).startsWith(hexWith([bomEntry, twoBoms]))).toBe(true);
    const q = t.path('new.keytab');
    expect(
      (
        await runCli([
          'add',
          q,
          '-p',
          `${BOM}svc/web@${BOM}EX.COM`,
          '-e',
          'aes256',
          '-k',
          '2',
          '--key-hex',
          '01'.repeat(32),
        ])
      ).code,
    ).toBe(0);
    expect(parseKeytab(new Uint8Array(readFileSync(q))).entries[0]!.principal.realm).toBe(
      `${BOM}EX.COM`,
    );
    expect(hexOf(q)).toContain(toHex(utf8(`${BOM}svc`)));
  });
  it('rotate keeps the BOM in the old and the new entries', async () => {
    const old = parseKeytab(serializeKeytab({ entries: [bomEntry, twoBoms] })).entries;
    const targets = rotationTargets(old);
    expect(targets.map((x) => x.principal.realm)).toEqual([`${BOM}EX.COM`, `${BOM}${BOM}`]);
    const fresh = await rotatedEntries(
      targets,
      utf8('Pass-1!'),
      explicitSalt('EX.COMsvc'),
      4,
      1717243200,
    );
    const { kept } = prunedEntries(stagedEntries(old, fresh), targets, 1);
    const bytes = serializeKeytab({ entries: kept });
    const names = parseKeytab(bytes).entries.map(
      (e) => `${e.principal.components.join('/')}@${e.principal.realm}:${e.kvno}`,
    );
    expect(names).toEqual([
      `${BOM}svc/web@${BOM}EX.COM:2`,
      `host@${BOM}${BOM}:3`,
      `${BOM}svc/web@${BOM}EX.COM:4`,
      `host@${BOM}${BOM}:4`,
    ]);
    expect(toHex(bytes).startsWith(hexWith([bomEntry, twoBoms]).slice(0, 4))).toBe(true);
    expect(toHex(bytes)).toContain(hexWith([bomEntry]).slice(4));
  });
});
