/**
 * Issue 11 points 1, 5 and 6: the keytab lock (timeout, an MIT writer caught on a replaced
 * file), results printed only after the rename, and what a killed write leaves behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keytabLocation, writeKeytab } from '../../lib/cli/io.js';
import { lockKeytab } from '../../lib/cli/lock.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { formatPrincipal } from '../../lib/principal.js';
import { runCli, tempDir, testContext } from '../helpers/cli.js';

const root = new URL('../../', import.meta.url).pathname;
const ATOMIC_WRITE_JS = join(root, 'dist/lib/cli/atomic-write.js');
const lockAddonBuilt = existsSync(join(root, 'build/keytab_lock.node'));
const KTUTIL = '/usr/bin/ktutil';
const AES = 'aes256-cts-hmac-sha1-96';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const addArgs = (file: string, principal: string): string[] => [
  'add',
  file,
  '-p',
  principal,
  '-k',
  '1',
  '-e',
  AES,
  '--random-key',
];
const principalsIn = (file: string): string[] =>
  parseKeytab(new Uint8Array(readFileSync(file))).entries.map((e) => formatPrincipal(e.principal));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

let t: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  t = tempDir('keytab-safety-');
});
afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  t.cleanup();
});

describe('the keytab lock', () => {
  it('a writer that cannot get the lock in KEYTAB_LOCK_TIMEOUT fails with FILE_LOCKED, naming the file, and prints nothing', async () => {
    const k = t.path('busy.keytab');
    expect((await runCli(addArgs(k, 'first@LOCK.TEST'))).code).toBe(0);
    const { ctx } = testContext();
    const lock = await lockKeytab(ctx, k, { create: false });
    try {
      const started = Date.now();
      const r = await runCli(addArgs(k, 'second@LOCK.TEST'), {
        env: { KEYTAB_LOCK_TIMEOUT: '0.4' },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${k}: another process holds the keytab lock (waited 0.4 s)`);
      expect(r.stderr).toContain('KEYTAB_LOCK_TIMEOUT');
      expect(r.stdout).toBe('');
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    } finally {
      lock.release();
    }
    expect(principalsIn(k)).toEqual(['first@LOCK.TEST']);
    expect((await runCli(addArgs(k, 'second@LOCK.TEST'))).code).toBe(0);
  });

  it('a bad KEYTAB_LOCK_TIMEOUT is a usage error', async () => {
    const r = await runCli(addArgs(t.path('x.keytab'), 'a@LOCK.TEST'), {
      env: { KEYTAB_LOCK_TIMEOUT: 'soon' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KEYTAB_LOCK_TIMEOUT=soon');
  });

  it('nothing is left behind when the lock created a keytab that was then not written', async () => {
    const k = t.path('new.keytab');
    const { ctx } = testContext();
    const lock = await lockKeytab(ctx, k, { create: true });
    expect(statSync(k).size).toBe(0); // the placeholder other writers lock meanwhile
    lock.release();
    expect(existsSync(k)).toBe(false);
  });

  it.skipIf(!lockAddonBuilt || !existsSync(KTUTIL))(
    'an MIT ktutil waiting on the file we replace fails loudly instead of writing into the old inode',
    async () => {
      const k = t.path('mit.keytab');
      expect((await runCli(addArgs(k, 'ours@LOCK.TEST'))).code).toBe(0);
      const { ctx } = testContext();
      const lock = await lockKeytab(ctx, k, { create: false });
      let stderr = '';
      const ktutil = spawn(KTUTIL, [], { stdio: ['pipe', 'ignore', 'pipe'] });
      children.push(ktutil);
      ktutil.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      ktutil.stdin?.end(
        `addent -password -p late@LOCK.TEST -k 1 -e ${AES}\nPw-late-1\nwkt ${k}\nquit\n`,
      );
      // Wait until ktutil waits for the lock on this inode (/proc/locks lists blocked requests).
      expect(await someoneWaitsOn(k)).toBe(true);
      try {
        const loc = keytabLocation(ctx, k);
        const entries = parseKeytab(new Uint8Array(readFileSync(k))).entries;
        writeKeytab(ctx, loc, { entries: [...entries, { ...entries[0]!, kvno: 2 }] });
      } finally {
        lock.release();
      }
      await exited(ktutil);
      expect(stderr).toMatch(/Unsupported key table format version number while writing keytab/);
      const after = parseKeytab(new Uint8Array(readFileSync(k))).entries;
      expect(after.map((e) => `${formatPrincipal(e.principal)} ${e.kvno}`)).toEqual([
        'ours@LOCK.TEST 1',
        'ours@LOCK.TEST 2',
      ]);
    },
  );
});

/** Waits until /proc/locks lists a blocked lock request on the inode of `file`. */
async function someoneWaitsOn(file: string): Promise<boolean> {
  const ino = statSync(file).ino;
  for (let i = 0; i < 100; i++) {
    const locks = existsSync('/proc/locks') ? readFileSync('/proc/locks', 'utf8') : '';
    if (locks.split('\n').some((l) => l.includes('->') && l.includes(`:${ino} `))) return true;
    await sleep(50);
  }
  return false;
}

describe.skipIf(!lockAddonBuilt || !existsSync(KTUTIL))(
  'the lock follows the file across renames',
  () => {
    it('after our rename the new file is locked: an MIT writer waits for it, then appends to it', async () => {
      const k = t.path('follow.keytab');
      expect((await runCli(addArgs(k, 'ours@LOCK.TEST'))).code).toBe(0);
      const { ctx } = testContext();
      const lock = await lockKeytab(ctx, k, { create: false });
      let stderr = '';
      let ktutil: ChildProcess | undefined;
      try {
        const entries = parseKeytab(new Uint8Array(readFileSync(k))).entries;
        writeKeytab(ctx, keytabLocation(ctx, k), {
          entries: [...entries, { ...entries[0]!, kvno: 2 }],
        });
        ktutil = spawn(KTUTIL, [], { stdio: ['pipe', 'ignore', 'pipe'] });
        children.push(ktutil);
        ktutil.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        ktutil.stdin?.end(
          `addent -password -p mit@LOCK.TEST -k 1 -e ${AES}\nPw-mit-1\nwkt ${k}\nquit\n`,
        );
        expect(await someoneWaitsOn(k)).toBe(true);
      } finally {
        lock.release();
      }
      await exited(ktutil!);
      expect(stderr).toBe('');
      expect(principalsIn(k)).toEqual(['ours@LOCK.TEST', 'ours@LOCK.TEST', 'mit@LOCK.TEST']);
    });

    it('a replaced file that has another name (a hard link) is not emptied', async () => {
      const k = t.path('linked.keytab');
      expect((await runCli(addArgs(k, 'a@LOCK.TEST'))).code).toBe(0);
      linkSync(k, t.path('other-name.keytab'));
      expect((await runCli(addArgs(k, 'b@LOCK.TEST'))).code).toBe(0);
      expect(principalsIn(t.path('other-name.keytab'))).toEqual(['a@LOCK.TEST']);
      expect(principalsIn(k)).toEqual(['a@LOCK.TEST', 'b@LOCK.TEST']);
    });
  },
);

describe('results are printed only after the rename', () => {
  it('keytab add to a FIFO: an error and no "added:" line', async () => {
    const fifo = t.path('pipe.keytab');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = await runCli(addArgs(fifo, 'a@LOCK.TEST'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a regular file');
    expect(r.stdout).toBe('');
  });

  it('keytab add /dev/zero: an error and no "added:" line', async () => {
    const r = await runCli(addArgs('/dev/zero', 'a@LOCK.TEST'));
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('added');
  });

  it.skipIf(asRoot)(
    'keytab add and remove in a read-only folder: an error and no result line',
    async () => {
      const k = t.path('ro.keytab');
      expect((await runCli(addArgs(k, 'a@LOCK.TEST'))).code).toBe(0);
      chmodSync(t.dir, 0o555);
      try {
        const add = await runCli(addArgs(k, 'b@LOCK.TEST'));
        expect(add.code).toBe(1);
        expect(add.stdout).toBe('');
        const rm = await runCli(['remove', k, '-p', 'a@LOCK.TEST']);
        expect(rm.code).toBe(1);
        expect(rm.stdout).toBe('');
      } finally {
        chmodSync(t.dir, 0o755);
      }
    },
  );
});

describe.skipIf(!existsSync(ATOMIC_WRITE_JS))('a killed write (built library)', () => {
  it("leaves a 0600 temporary file, which the next write removes; a running writer's is left alone", async () => {
    const k = t.path('svc.keytab');
    expect((await runCli(addArgs(k, 'a@LOCK.TEST'))).code).toBe(0);
    chmodSync(k, 0o640);
    // A writer that stops (for good) after its first 128 KB, then is killed.
    const script = `
      import { writeSync } from 'node:fs';
      import { writeFileAtomic } from ${JSON.stringify(ATOMIC_WRITE_JS)};
      function* chunks() {
        yield new Uint8Array(1 << 17).fill(7);
        writeSync(1, 'ready\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      }
      writeFileAtomic(${JSON.stringify(k)}, chunks());
    `;
    const writer = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(writer);
    await new Promise<void>((resolve) =>
      writer.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
    );
    writer.kill('SIGKILL');
    await exited(writer);
    const left = readdirSync(t.dir).filter((f) => f.endsWith('.tmp'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^\\.svc\\.keytab\\.${writer.pid}\\.[0-9a-z]+\\.tmp$`));
    expect(statSync(t.path(left[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(t.path(left[0]!)).size).toBe(1 << 17);

    // A temporary file of a process that still runs.
    const alive = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(alive);
    const live = `.svc.keytab.${alive.pid}.abc123.tmp`;
    writeFileSync(t.path(live), 'in progress', { mode: 0o600 });

    const r = await runCli(addArgs(k, 'b@LOCK.TEST'));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.tmp'))).toEqual([live]);
    expect(statSync(k).mode & 0o777).toBe(0o640); // the keytab's mode, set just before the rename
    expect(principalsIn(k)).toEqual(['a@LOCK.TEST', 'b@LOCK.TEST']);
  });
});
