/**
 * The README's "Unattended rotation" works verbatim: the cron line and the systemd service and
 * timer are taken from README.md (the fenced block after each `<!-- readme-test: PATH -->`
 * comment, PATH being where the README says the file goes), checked, and run against the MIT
 * KDC.
 *
 * What the test changes, and only this:
 * - every absolute path in a block (/usr/local/bin/keytab, /etc/krb5.keytab,
 *   /var/log/keytab-rotate.log) is prefixed with the test's private root directory ROOT:
 *   ROOT/usr/local/bin/keytab is a symlink to dist/bin/keytab.cjs, as `npm install -g` makes
 *   it, and ROOT/etc/krb5.keytab a keytab of a fresh MIT principal;
 * - the command runs with KRB5_CONFIG set to the MIT realm's private krb5.conf (on a host,
 *   /etc/krb5.conf) and a private KRB5CCNAME, and with the PATH cron (/usr/bin:/bin) or
 *   systemd (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) gives;
 * - the keytab's timestamps are set 31 days back, so --max-age 30 finds it due.
 * The cron command runs under /bin/sh -c as cron does; ExecStart is split into words as systemd
 * does (it has no quotes). `systemd-analyze verify` checks both unit files when it exists
 * (install-deps.sh installs systemd's package; nothing here starts systemd).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { serializeKeytab } from '../../lib/keytab/encode.js';
import { interopEnabled, mitKdc, runTool, tempDir } from './env.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(REPO, 'dist/bin/keytab.cjs');
const CRON_PATH = '/usr/bin:/bin';
const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DAY = 86_400;

/** The fenced blocks that follow `<!-- readme-test: PATH ... -->` comments, by PATH. */
function readmeBlocks(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- readme-test: (\S+)[^>]*-->\s*\n```[a-z]*\n([\s\S]*?)\n```/g;
  for (const m of markdown.matchAll(re)) out.set(m[1] as string, `${m[2] as string}\n`);
  return out;
}

/** /etc/cron.d syntax: five time fields, the user, the command. */
function cronEntry(block: string): { fields: string[]; user: string; command: string } {
  const lines = block.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  expect(lines).toHaveLength(1);
  const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.+)$/.exec(lines[0] as string);
  if (!m) throw new Error(`not a cron.d line: ${lines[0]}`);
  const fields = m.slice(1, 6);
  const ranges: [number, number][] = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 7],
  ];
  fields.forEach((f, i) => {
    if (f === '*') return;
    const n = Number(f);
    expect(
      Number.isInteger(n) && n >= ranges[i]![0] && n <= ranges[i]![1],
      `cron field ${i + 1}: ${f}`,
    ).toBe(true);
  });
  return { fields, user: m[6] as string, command: m[7] as string };
}

/** Every absolute path in `text` moved under `root`. */
const underRoot = (text: string, root: string): string =>
  text.replace(/(^|[\s=>])\/(?=[a-z])/g, `$1${root}/`);

const blocks = readmeBlocks(readFileSync(join(REPO, 'README.md'), 'utf8'));
const mit = mitKdc();

describe("README 'Unattended rotation': the blocks", () => {
  it('has the cron line, the service and the timer, marked', () => {
    expect([...blocks.keys()]).toEqual(
      expect.arrayContaining([
        '/etc/cron.d/keytab-rotate',
        '/etc/systemd/system/keytab-rotate.service',
        '/etc/systemd/system/keytab-rotate.timer',
      ]),
    );
    const cron = cronEntry(blocks.get('/etc/cron.d/keytab-rotate')!);
    expect(cron.user).toBe('root');
    expect(cron.command).toMatch(/^\/usr\/local\/bin\/keytab rotate \S+ --self --max-age \d+ /);
    expect(blocks.get('/etc/systemd/system/keytab-rotate.service')).toMatch(
      /^ExecStart=\/usr\/local\/bin\/keytab rotate \S+ --self/m,
    );
  });
});

describe.runIf(
  interopEnabled() && mit !== undefined && mit.kdcProfile !== undefined && existsSync(BIN),
)("README 'Unattended rotation' runs verbatim against MIT", () => {
  let tmp: ReturnType<typeof tempDir>;
  let root: string;
  const id = randomBytes(3).toString('hex');
  beforeAll(() => {
    tmp = tempDir('ktp-self-readme-');
    root = tmp.path;
    for (const d of ['usr/local/bin', 'etc/systemd/system', 'etc/cron.d', 'var/log'])
      mkdirSync(join(root, d), { recursive: true });
    symlinkSync(BIN, join(root, 'usr/local/bin/keytab'));
    for (const [path, text] of blocks) writeFileSync(join(root, path), underRoot(text, root));
  });
  afterAll(() => tmp.cleanup());
  const env = (path: string) => ({
    PATH: path,
    KRB5_CONFIG: mit!.krb5Config,
    KRB5CCNAME: `FILE:${root}/cc`,
  });
  const kadmin = (q: string): void => {
    const r = runTool('kadmin.local', ['-r', mit!.realm, '-q', q], {
      env: { KRB5_CONFIG: mit!.krb5Config, KRB5_KDC_PROFILE: mit!.kdcProfile },
    });
    expect(r.status, r.stderr).toBe(0);
  };
  const kvnos = (kt: string): number[] =>
    [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);
  /** ROOT/etc/krb5.keytab: a fresh principal's keys (kvno 2), dated 31 days ago. */
  const hostKeytab = (tag: string): { name: string; kt: string } => {
    const name = `host/readme-${tag}-${id}.mit.test@${mit!.realm}`;
    const kt = join(root, 'etc/krb5.keytab');
    kadmin(`addprinc -randkey +requires_preauth ${name}`);
    rmSync(kt, { force: true });
    kadmin(
      `ktadd -k ${kt} -e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal ${name}`,
    );
    const old = Math.floor(Date.now() / 1000) - 31 * DAY;
    writeFileSync(
      kt,
      serializeKeytab({
        entries: parseKeytab(readFileSync(kt)).entries.map(({ wire: _wire, ...e }) => ({
          ...e,
          timestamp: old,
        })),
      }),
    );
    expect(kvnos(kt)).toEqual([2]);
    return { name, kt };
  };
  const proves = (kt: string, name: string, kvno: number): void => {
    const cache = `FILE:${root}/cc-${randomBytes(3).toString('hex')}`;
    const kinit = runTool('kinit', ['-k', '-t', kt, name], {
      env: { KRB5_CONFIG: mit!.krb5Config, KRB5CCNAME: cache },
    });
    expect(kinit.stderr).toBe('');
    const check = runTool('kvno', ['-k', kt, name], {
      env: { KRB5_CONFIG: mit!.krb5Config, KRB5CCNAME: cache },
    });
    expect(check.stdout + check.stderr).toContain(`${name}: kvno = ${kvno}, keytab entry valid`);
  };

  it.runIf(existsSync('/usr/bin/systemd-analyze') || existsSync('/bin/systemd-analyze'))(
    'systemd-analyze verify accepts the service and the timer',
    () => {
      const units = ['keytab-rotate.service', 'keytab-rotate.timer'].map((u) =>
        join(root, 'etc/systemd/system', u),
      );
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], {
        encoding: 'utf8',
        env: { PATH: SYSTEMD_PATH, SYSTEMD_LOG_COLOR: '0' },
        timeout: 30_000,
      });
      expect(r.stderr + r.stdout).toBe('');
      expect(r.status).toBe(0);
    },
  );

  it("the cron line's command rotates a keytab that is due, then leaves it alone", () => {
    const { name, kt } = hostKeytab('cron');
    const { command } = cronEntry(readFileSync(join(root, 'etc/cron.d/keytab-rotate'), 'utf8'));
    const log = join(root, 'var/log/keytab-rotate.log');
    const first = spawnSync('/bin/sh', ['-c', command], {
      encoding: 'utf8',
      env: env(CRON_PATH),
      cwd: '/',
      timeout: 60_000,
    });
    expect(first.status, readFileSync(log, 'utf8')).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(`password of ${name} changed through kpasswd`);
    expect(kvnos(kt)).toEqual([2, 3]);
    proves(kt, name, 3);
    // The next night: the new keys are young, nothing to do.
    const bytes = readFileSync(kt);
    const second = spawnSync('/bin/sh', ['-c', command], {
      encoding: 'utf8',
      env: env(CRON_PATH),
      cwd: '/',
      timeout: 60_000,
    });
    expect(second.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/younger than --max-age 30: nothing to do/);
    expect(readFileSync(kt)).toEqual(bytes);
  });

  it("the service's ExecStart rotates a keytab that is due", () => {
    const { name, kt } = hostKeytab('systemd');
    const unit = readFileSync(join(root, 'etc/systemd/system/keytab-rotate.service'), 'utf8');
    const exec = /^ExecStart=(.+)$/m.exec(unit)![1]!;
    const [program, ...args] = exec.trim().split(/\s+/) as [string, ...string[]];
    const r = spawnSync(program, args, {
      encoding: 'utf8',
      env: env(SYSTEMD_PATH),
      cwd: '/',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kept kvnos 2 and 3 (--keep 1: the new kvno and 1 previous)');
    expect(kvnos(kt)).toEqual([2, 3]);
    proves(kt, name, 3);
  });
});
