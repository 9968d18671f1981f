/** bench/timed.ts (issue 15, point 8): a timeout kills the timed command's whole process group. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { timed } from '../../bench/timed.js';
import { tempDir } from '../helpers/cli.js';

/** Running (a killed child whose parent is gone may stay a zombie until init reaps it). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe.runIf(process.platform === 'linux')('timed', () => {
  it('times a command', async () => {
    const t = await timed('sh', ['-c', 'exit 0']);
    expect(t?.seconds).toBeGreaterThanOrEqual(0);
    expect(t?.maxRssKb).toBeGreaterThan(0);
  });

  it('a timeout kills the command and its children, not only /usr/bin/time', async () => {
    const tmp = tempDir();
    try {
      const pidFile = tmp.path('pid');
      const t0 = Date.now();
      const t = await timed('sh', ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], {
        timeoutMs: 500,
      });
      expect(t).toBeUndefined();
      expect(Date.now() - t0).toBeLessThan(10_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it('a failing command is an error', async () => {
    await expect(timed('sh', ['-c', 'exit 3'])).rejects.toThrow(/failed/);
  });
});
