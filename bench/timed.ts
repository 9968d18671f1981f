/**
 * Runs a command under /usr/bin/time in a process group of its own, so that a timeout kills
 * the command too and not only /usr/bin/time (spawnSync's timeout did that, and left MIT
 * ktutil running at full CPU for many minutes after the bench stopped timing it).
 */
import { spawn } from 'node:child_process';

export interface Timed {
  seconds: number;
  maxRssKb: number;
}

export interface TimedOptions {
  input?: string;
  /** 0 or absent: no limit. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Kills a whole process group, quietly if it is already gone. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Groups still running. Ctrl-C reaches only the terminal's process group, not these: pass it on. */
const live = new Set<number>();
let signalsHandled = false;
function handleSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      for (const pid of live) killGroup(pid);
      process.exit(status);
    });
  }
  process.on('exit', () => {
    for (const pid of live) killGroup(pid);
  });
}

/** Wall seconds and peak RSS of one run; undefined when the limit stopped it. Throws on failure. */
export function timed(
  cmd: string,
  argv: readonly string[],
  options: TimedOptions = {},
): Promise<Timed | undefined> {
  return new Promise((resolve, reject) => {
    // detached: a new session and process group, led by /usr/bin/time.
    const child = spawn('/usr/bin/time', ['-f', '%e %M', cmd, ...argv], {
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: options.env ?? { ...process.env, TZ: 'UTC' },
    });
    let stderr = '';
    let stopped = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const timer = options.timeoutMs
      ? setTimeout(() => ((stopped = true), killGroup(child.pid)), options.timeoutMs)
      : undefined;
    handleSignals();
    if (child.pid !== undefined) live.add(child.pid);
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (status) => {
      if (timer) clearTimeout(timer);
      if (child.pid !== undefined) live.delete(child.pid);
      // Anything the command left behind in its group goes too.
      killGroup(child.pid);
      if (stopped) return resolve(undefined);
      const m = /^([\d.]+) (\d+)$/.exec(stderr.trim().split('\n').at(-1) ?? '');
      if (status !== 0 || !m)
        return reject(new Error(`${cmd} ${argv.join(' ')} failed: ${stderr.slice(-500)}`));
      resolve({ seconds: Number(m[1]), maxRssKb: Number(m[2]) });
    });
  });
}
