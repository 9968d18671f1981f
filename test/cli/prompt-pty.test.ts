/**
 * Issue 11.7: the password prompt must not echo. The question is written only after the
 * terminal has left echo mode, so an answer sent the moment the question shows (a paste, an
 * expect script) is never echoed. Run through a real pty (python3's pty module) against the
 * built CLI; the race needs several tries to show before the fix, so each case runs 8 times.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = (name: string) => join(ROOT, `dist/bin/${name}.cjs`);
const hasPython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'keytab-pty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Answers every "password" question the moment it appears; prints {out, status} as JSON. */
const DRIVER = `
import os, pty, sys, json, time, select
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out, answered, deadline = b'', 0, time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if not r:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if out.lower().count(b'password') > answered:
        answered += 1
        os.write(fd, answer + b'\\r')
_, status = os.waitpid(pid, 0)
print(json.dumps({'out': out.decode('utf-8', 'replace'), 'status': os.waitstatus_to_exitcode(status)}))
`;
const driver = join(dir, 'drive.py');
writeFileSync(driver, DRIVER);

function throughPty(answer: string, argv: string[]): { out: string; status: number } {
  const r = spawnSync('python3', [driver, answer, process.execPath, ...argv], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, TERM: 'dumb' },
  });
  return JSON.parse(r.stdout) as { out: string; status: number };
}

const PASSWORD = 'Secret-Pw-42';

describe.skipIf(!hasPython || !existsSync(BIN('keytab')))(
  'the password prompt through a pty',
  () => {
    it('keytab derive: the answer is never echoed, the key is right', () => {
      const expected = spawnSync(
        process.execPath,
        [
          BIN('keytab'),
          'derive',
          '-e',
          'aes128',
          '--salt',
          'EXAMPLE.COMsvc',
          '--password-env',
          'PW',
        ],
        {
          env: { ...process.env, PW: PASSWORD },
          encoding: 'utf8',
        },
      )
        .stdout.trim()
        .split('\n')
        .at(-1) as string;
      expect(expected).toMatch(/^[0-9a-f]{32}$/);
      for (let i = 0; i < 8; i++) {
        const r = throughPty(PASSWORD, [
          BIN('keytab'),
          'derive',
          '-e',
          'aes128',
          '--salt',
          'EXAMPLE.COMsvc',
        ]);
        expect(r.out).toContain('Password: ');
        expect(r.out).not.toContain(PASSWORD);
        expect(r.out).toContain(expected);
        expect(r.status).toBe(0);
      }
    }, 120_000);
    it('ktpass /pass * (offline: one question) does not echo either', () => {
      for (let i = 0; i < 8; i++) {
        const out = join(dir, `k${i}.keytab`);
        const r = throughPty(PASSWORD, [
          BIN('ktpass'),
          '/out',
          out,
          '/princ',
          'HTTP/web@EX.COM',
          '/pass',
          '*',
          '/crypto',
          'AES256-SHA1',
          '/ptype',
          'KRB5_NT_PRINCIPAL',
        ]);
        expect(r.out).toContain('Type the password for HTTP/web@EX.COM: ');
        expect(r.out).not.toContain(PASSWORD);
        expect(r.status).toBe(0);
        expect(readFileSync(out).length).toBeGreaterThan(0);
      }
    }, 120_000);
  },
);
