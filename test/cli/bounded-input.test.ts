/**
 * Issue 11.2 and 11.3: every read is bounded (the version bytes first, then a size bound;
 * password files at most 64 KiB), and pipes are read, never judged by their stat size.
 *
 * The /dev/zero cases run the built CLI under `ulimit -v` and a timeout: a regression fails
 * in seconds instead of eating the machine's memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import type { KeytabEntry } from '../../lib/index.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { BoundedCollector, readFileBounded } from '../../lib/node/bounded-read.js';
import { runCli, tempDir } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/bin/keytab.cjs');
const entry = (name: string, kvno: number, keyByte: number): KeytabEntry => ({
  principal: { components: [name], realm: 'EX.COM', nameType: 1 },
  timestamp: 1717243200,
  kvno,
  enctype: 18,
  key: new Uint8Array(32).fill(keyByte),
});

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** Runs the built CLI with at most ~3 GB of address space and 20 seconds. */
function bounded(
  shellArgs: string,
  env: Record<string, string> = {},
): { code: number | null; stderr: string; ms: number } {
  const start = Date.now();
  const r = spawnSync('bash', ['-c', `ulimit -v 3000000; exec node ${BIN} ${shellArgs}`], {
    cwd: t.dir,
    timeout: 20_000,
    encoding: 'utf8',
    env: { ...process.env, NODE_DEBUG: '', ...env },
  });
  return { code: r.status, stderr: r.stderr, ms: Date.now() - start };
}

describe.skipIf(!existsSync(BIN))('reads of endless inputs stop (built CLI, /dev/zero)', () => {
  const NOT_A_KEYTAB = /not a keytab: format version 0x0000 at byte 0/;
  it.each([
    ['list /dev/zero'],
    ['list --json /dev/zero'],
    ['list - < /dev/zero'],
    ['remove /dev/zero -e 18'],
    ['diff /dev/zero /dev/zero'],
    ['merge -o out.keytab /dev/zero'],
    ['merge -o out.keytab - < /dev/zero'],
  ])(
    'keytab %s stops at once (on the version bytes, or a device as the target of a rewrite)',
    (cmd) => {
      const r = bounded(cmd);
      // remove rewrites its keytab: a device is refused as a target before it is read.
      expect(r.stderr).toMatch(cmd.startsWith('remove') ? /not a regular file/ : NOT_A_KEYTAB);
      expect(r.code).toBe(1);
      expect(r.ms).toBeLessThan(15_000);
    },
    30_000,
  );
  it.each([
    ['derive -e aes256 --salt X --password-file /dev/zero'],
    ['derive -e aes256 --salt X --password-stdin < /dev/zero'],
  ])(
    'keytab %s refuses past 64 KiB',
    (cmd) => {
      const r = bounded(cmd);
      expect(r.stderr).toMatch(/more than 64 KiB: too large for a password/);
      expect(r.code).toBe(1);
    },
    30_000,
  );
  it('configuration files are bounded too: krb5.conf (KRB5_CONFIG) and --ca-file', () => {
    writeFileSync(join(t.dir, 'k.keytab'), serializeKeytab({ entries: [entry('a', 1, 1)] }));
    const conf = bounded('doctor --keytab k.keytab', { KRB5_CONFIG: '/dev/zero' });
    expect(conf.stderr).toContain('/dev/zero: more than 1 MiB: too large for a krb5.conf file');
    const ca = bounded('ad show svc --ca-file /dev/zero', {
      KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:1',
      KEYTAB_BIND_DN: 'a@example.test',
      KEYTAB_BIND_PASSWORD: 'x',
    });
    expect(ca.stderr).toContain('/dev/zero: more than 1 MiB: too large for a CA file');
    expect(ca.code).toBe(1);
  }, 60_000);
});

describe('bounded reads (in-process)', () => {
  it('a keytab larger than KEYTAB_MAX_BYTES is refused from its size, naming the knob', async () => {
    const p = t.path('k.keytab');
    writeFileSync(p, serializeKeytab({ entries: [entry('a', 1, 1), entry('b', 1, 2)] }));
    for (const argv of [
      ['list', p],
      ['remove', p, '-e', '18'],
      ['diff', p, p],
      ['merge', '-o', t.path('o.keytab'), p],
    ]) {
      const r = await runCli(argv, { env: { KEYTAB_MAX_BYTES: '100' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${p}: more than 100 bytes: too large for a keytab`);
      expect(r.stderr).toContain('KEYTAB_MAX_BYTES');
    }
    expect((await runCli(['list', p], { env: { KEYTAB_MAX_BYTES: '1000' } })).code).toBe(0);
  });
  it('standard input: the version bytes are checked first, and the size bound applies', async () => {
    const zeros = new Uint8Array(1 << 20);
    const r = await runCli(['list', '-'], { stdin: zeros });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('standard input: not a keytab: format version 0x0000');
    const kt = serializeKeytab({ entries: [entry('a', 1, 1), entry('b', 1, 2)] });
    const big = await runCli(['list', '-'], { stdin: kt, env: { KEYTAB_MAX_BYTES: '50' } });
    expect(big.stderr).toContain('standard input: more than 50 bytes');
  });
  it('a password file over 64 KiB is refused; 64 KiB is accepted', async () => {
    const p = t.path('pw');
    writeFileSync(p, 'x'.repeat(64 * 1024 + 1));
    const r = await runCli(['derive', '-e', 'aes128', '--salt', 'S', '--password-file', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`password file ${p}: more than 64 KiB`);
    writeFileSync(p, 'x'.repeat(64 * 1024));
    expect(
      (await runCli(['derive', '-e', 'aes128', '--salt', 'S', '--password-file', p])).code,
    ).toBe(0);
    const s = await runCli(['derive', '-e', 'aes128', '--salt', 'S', '--password-stdin'], {
      stdin: 'y'.repeat(70_000),
    });
    expect(s.stderr).toContain('more than 64 KiB');
  });
  it('the collector stops at the head check before taking more', () => {
    let checks = 0;
    const c = new BoundedCollector(
      { max: 10, what: 'thing', head: { length: 2, check: () => void checks++ } },
      'x',
    );
    c.push(Uint8Array.of(5));
    expect(checks).toBe(0);
    c.push(Uint8Array.of(2, 0, 0));
    expect(checks).toBe(1);
    expect(() => c.push(new Uint8Array(7))).toThrow(/x: more than 10 bytes: too large for a thing/);
  });
});

describe('pipes are read, not judged by their size (issue 11.3)', () => {
  /** A FIFO fed by a separate `cat` process, as `<(cat file)` is. */
  function fifoOf(source: string): string {
    const fifo = t.path(`fifo${Math.random().toString(36).slice(2, 8)}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    spawn('sh', ['-c', `cat "${source}" > "${fifo}"`], { stdio: 'ignore' });
    return fifo;
  }
  it('readFileBounded reads a FIFO and says it is not a regular file', () => {
    const p = t.path('a.keytab');
    writeFileSync(p, serializeKeytab({ entries: [entry('a', 1, 1)] }));
    const f = readFileBounded(fifoOf(p), { max: 1 << 20, what: 'keytab' });
    expect(f.regular).toBe(false);
    expect(f.bytes).toEqual(new Uint8Array(readFileSync(p)));
  });
  it('ktpass /in <pipe> keeps the piped entries and adds the new key', async () => {
    const a = t.path('a.keytab');
    writeFileSync(a, serializeKeytab({ entries: [entry('a', 1, 1), entry('b', 2, 2)] }));
    const pw = t.path('pw');
    writeFileSync(pw, 'Secret-1\n');
    const out = t.path('b.keytab');
    const r = await runCli(
      [
        '/in',
        fifoOf(a),
        '/out',
        out,
        '/princ',
        'HTTP/web@EX.COM',
        '/crypto',
        'AES256-SHA1',
        '/ptype',
        'KRB5_NT_PRINCIPAL',
        '--password-file',
        pw,
      ],
      {
        program: 'ktpass',
        mainFn: (ctx, argv) => ktpassMain(ctx, argv),
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const names = parseKeytab(new Uint8Array(readFileSync(out))).entries.map(
      (e) => `${e.principal.components.join('/')}:${e.kvno}`,
    );
    expect(names).toEqual(['a:1', 'b:2', 'HTTP/web:1']);
  });
  it('keytab add to a pipe is an error, never an empty keytab (the target of a rewrite must be a regular file)', async () => {
    const empty = t.path('empty');
    writeFileSync(empty, '');
    const r = await runCli([
      'add',
      fifoOf(empty),
      '-p',
      'x@EX.COM',
      '-e',
      'aes256',
      '-k',
      '1',
      '--key-hex',
      '00'.repeat(32),
      '--dry-run',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a regular file/);
  });
  it('an empty regular file is still an empty keytab to add to', async () => {
    const p = t.path('e.keytab');
    writeFileSync(p, '');
    const r = await runCli([
      'add',
      p,
      '-p',
      'x@EX.COM',
      '-e',
      'aes256',
      '-k',
      '1',
      '--key-hex',
      '00'.repeat(32),
    ]);
    expect(r.code).toBe(0);
    expect(parseKeytab(new Uint8Array(readFileSync(p))).entries).toHaveLength(1);
  });
});
