/**
 * Issue 11 point 1: concurrent writers of one keytab lose nothing. Real processes of the built
 * CLI (npm run build first), MIT ktutil and kadmin.local (skipped when not installed), all at
 * once on one keytab; then every change must be there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { formatPrincipal } from '../../lib/principal.js';
import { tempDir } from '../helpers/cli.js';

const root = new URL('../../', import.meta.url).pathname;
const KEYTAB = join(root, 'dist/bin/keytab.cjs');
const KTPASS = join(root, 'dist/bin/ktpass.cjs');
const built =
  existsSync(KEYTAB) && existsSync(KTPASS) && existsSync(join(root, 'build/keytab_lock.node'));
const KTUTIL = '/usr/bin/ktutil';
const KADMIN_LOCAL = '/usr/sbin/kadmin.local';
const KDB5_UTIL = '/usr/sbin/kdb5_util';
const AES = 'aes256-cts-hmac-sha1-96';

interface Ran {
  name: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts a process; resolves when it exits (killed after 60 s: nothing may outlive the test). */
function run(
  name: string,
  cmd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ name, code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const keytab = (name: string, args: string[]): Promise<Ran> =>
  run(name, process.execPath, [KEYTAB, ...args]);

function principalsIn(file: string): string[] {
  return parseKeytab(new Uint8Array(readFileSync(file))).entries.map((e) =>
    formatPrincipal(e.principal),
  );
}

const sync = (args: string[]): void => {
  const r = spawnSync(process.execPath, [KEYTAB, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`keytab ${args.join(' ')}: ${r.stderr}`);
};
const seed = (file: string, principal: string): void =>
  sync(['add', file, '-p', principal, '-k', '1', '-e', AES, '--random-key']);

/** MIT ktutil adding one password key to `file` (its wkt locks and appends in place). */
const ktutilAdd = (file: string, principal: string): Promise<Ran> =>
  run(principal, KTUTIL, [], {
    input: `addent -password -p ${principal} -k 1 -e ${AES}\nPw-${principal}\nwkt ${file}\nquit\n`,
  });

describe.skipIf(!built)('concurrent writers of one keytab (built CLI)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('keytab-lock-');
  });
  afterEach(() => t.cleanup());

  it('20 add, 4 remove, 4 merge and 4 ktpass /in /out processes at once: no change lost', async () => {
    const k = t.path('shared.keytab');
    seed(k, 'seed@LOCK.TEST');
    for (let i = 0; i < 4; i++) seed(k, `r${i}@LOCK.TEST`);
    for (let i = 0; i < 4; i++) seed(t.path(`m${i}.keytab`), `m${i}@LOCK.TEST`);
    writeFileSync(t.path('pw'), 'Pw-ktpass-1\n', { mode: 0o600 });

    const jobs: Promise<Ran>[] = [];
    for (let i = 0; i < 20; i++)
      jobs.push(
        keytab(`add a${i}`, [
          'add',
          k,
          '-p',
          `a${i}@LOCK.TEST`,
          '-k',
          '1',
          '-e',
          AES,
          '--random-key',
        ]),
      );
    for (let i = 0; i < 4; i++)
      jobs.push(keytab(`remove r${i}`, ['remove', k, '-p', `r${i}@LOCK.TEST`]));
    for (let i = 0; i < 4; i++)
      jobs.push(keytab(`merge m${i}`, ['merge', '-o', k, k, t.path(`m${i}.keytab`)]));
    for (let i = 0; i < 4; i++) {
      jobs.push(
        run(`ktpass k${i}`, process.execPath, [
          KTPASS,
          '/in',
          k,
          '/out',
          k,
          '/princ',
          `k${i}@LOCK.TEST`,
          '--password-file',
          t.path('pw'),
          '/crypto',
          'AES256-SHA1',
          '/ptype',
          'KRB5_NT_PRINCIPAL',
          '/kvno',
          '1',
        ]),
      );
    }
    const results = await Promise.all(jobs);
    for (const r of results) expect(r.code, `${r.name}: ${r.stderr}`).toBe(0);

    const names = principalsIn(k);
    const expected = [
      'seed',
      ...Array.from({ length: 20 }, (_, i) => `a${i}`),
      ...[0, 1, 2, 3].flatMap((i) => [`m${i}`, `k${i}`]),
    ].map((p) => `${p}@LOCK.TEST`);
    expect(names.filter((n) => !expected.includes(n))).toEqual([]); // the removed ones stay removed
    expect(expected.filter((n) => !names.includes(n))).toEqual([]); // nothing lost
    expect(names.length).toBe(expected.length);
    // No temporary file survives a successful write.
    expect(spawnSync('ls', ['-A', t.dir], { encoding: 'utf8' }).stdout).not.toMatch(/\.tmp\b/);
  }, 120_000);

  it.skipIf(!existsSync(KTUTIL))(
    'our writers and MIT ktutil at once: every MIT key is there or its ktutil said why not',
    async () => {
      for (let round = 0; round < 2; round++) {
        const k = t.path(`mixed${round}.keytab`);
        seed(k, 'seed@LOCK.TEST');
        const ours: Promise<Ran>[] = [];
        const mit: Promise<Ran>[] = [];
        for (let i = 0; i < 12; i++) {
          ours.push(
            keytab(`a${i}`, [
              'add',
              k,
              '-p',
              `a${i}@LOCK.TEST`,
              '-k',
              '1',
              '-e',
              AES,
              '--random-key',
            ]),
          );
          mit.push(ktutilAdd(k, `u${i}@LOCK.TEST`));
        }
        const [our, their] = await Promise.all([Promise.all(ours), Promise.all(mit)]);
        const names = principalsIn(k);
        for (const r of our) {
          expect(r.code, `${r.name}: ${r.stderr}`).toBe(0);
          expect(names).toContain(`${r.name}@LOCK.TEST`);
        }
        // ktutil exits 0 whatever happens; a write it could not make is on its stderr.
        for (const r of their)
          if (!names.includes(r.name))
            expect(r.stderr, `${r.name} lost silently`).toMatch(
              /while writing keytab|Unsupported key table format version/i,
            );
        expect(names).toContain('seed@LOCK.TEST');
        expect(their.filter((r) => names.includes(r.name)).length).toBeGreaterThan(0);
      }
    },
    120_000,
  );
});

/** A private MIT realm (database only, no KDC) for kadmin.local. */
function privateRealm(dir: string): NodeJS.ProcessEnv {
  mkdirSync(join(dir, 'db'));
  writeFileSync(
    join(dir, 'krb5.conf'),
    `[libdefaults]\n  default_realm = KDB.TEST\n[realms]\n  KDB.TEST = {\n    kdc = 127.0.0.1:1\n  }\n`,
  );
  writeFileSync(
    join(dir, 'kdc.conf'),
    `[realms]\n  KDB.TEST = {\n    database_name = ${dir}/db/principal\n    key_stash_file = ${dir}/db/stash\n    acl_file = ${dir}/kadm5.acl\n    supported_enctypes = ${AES}:normal\n  }\n`,
  );
  writeFileSync(join(dir, 'kadm5.acl'), '');
  const env = { KRB5_CONFIG: join(dir, 'krb5.conf'), KRB5_KDC_PROFILE: join(dir, 'kdc.conf') };
  const made = spawnSync(KDB5_UTIL, ['create', '-s', '-r', 'KDB.TEST', '-P', 'Master-Pw-1'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`kdb5_util create: ${made.stderr}`);
  return env;
}

describe.skipIf(!built || !existsSync(KADMIN_LOCAL) || !existsSync(KDB5_UTIL))(
  'our writers and kadmin.local ktadd at once',
  () => {
    let t: ReturnType<typeof tempDir>;
    beforeEach(() => {
      t = tempDir('keytab-lock-kdb-');
    });
    afterEach(() => t.cleanup());

    it('every key kadmin.local wrote is there or kadmin.local said why not; all of ours are there', async () => {
      const env = privateRealm(t.dir);
      const services = Array.from({ length: 10 }, (_, i) => `svc${i}`);
      for (const s of services) {
        const r = spawnSync(KADMIN_LOCAL, ['-r', 'KDB.TEST', '-q', `addprinc -randkey ${s}`], {
          env: { ...process.env, ...env },
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
      }
      const k = t.path('kadmin.keytab');
      seed(k, 'seed@KDB.TEST');
      const ours = Array.from({ length: 16 }, (_, i) =>
        keytab(`a${i}`, ['add', k, '-p', `a${i}@KDB.TEST`, '-k', '1', '-e', AES, '--random-key']),
      );
      const theirs = services.map((s) =>
        run(
          `${s}@KDB.TEST`,
          KADMIN_LOCAL,
          ['-r', 'KDB.TEST', '-q', `ktadd -k ${k} -e ${AES}:normal ${s}`],
          { env },
        ),
      );
      const [our, their] = await Promise.all([Promise.all(ours), Promise.all(theirs)]);
      const names = principalsIn(k);
      for (const r of our) {
        expect(r.code, `${r.name}: ${r.stderr}`).toBe(0);
        expect(names).toContain(`${r.name}@KDB.TEST`);
      }
      for (const r of their) {
        const said = `${r.stdout}\n${r.stderr}`;
        if (!names.includes(r.name))
          expect(said, `${r.name} lost silently`).toMatch(
            /while adding key|Unsupported key table format version/i,
          );
      }
      expect(their.filter((r) => names.includes(r.name)).length).toBeGreaterThan(0);
    }, 120_000);
  },
);

describe.skipIf(!built)('without the lock addon (KEYTAB_NATIVE_ADDON=0): a lock file', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('keytab-lockfile-');
  });
  afterEach(() => t.cleanup());

  it('16 add processes at once lose nothing; a lock file of a dead process is taken over; none is left', async () => {
    const k = t.path('fallback.keytab');
    seed(k, 'seed@LOCK.TEST');
    // The lock file of a writer that was killed: a PID that runs no more.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    writeFileSync(t.path('.fallback.keytab.lock'), `${dead}\n`);
    const env = { KEYTAB_NATIVE_ADDON: '0' };
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        run(
          `a${i}`,
          process.execPath,
          [KEYTAB, 'add', k, '-p', `a${i}@LOCK.TEST`, '-k', '1', '-e', AES, '--random-key'],
          { env },
        ),
      ),
    );
    for (const r of results) expect(r.code, `${r.name}: ${r.stderr}`).toBe(0);
    const names = principalsIn(k);
    for (let i = 0; i < 16; i++) expect(names).toContain(`a${i}@LOCK.TEST`);
    expect(names).toHaveLength(17);
    expect(existsSync(t.path('.fallback.keytab.lock'))).toBe(false);
  }, 120_000);
});
