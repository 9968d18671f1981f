/**
 * Start and stop the services of the service-acceptance suite (Apache httpd, the JGSS
 * acceptor): loopback only, a busy port is refused, and every process started is stopped.
 *
 * A service runs under test/services/tied.sh in its own process group (detached), with a
 * pipe from this process on its stdin: stop() signals the whole group (SIGTERM, SIGKILL after
 * 5 s); if this process ends without stopping it (a crash, even SIGKILL), the pipe closes and
 * tied.sh stops the service. An exit/signal hook also kills every group still running.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const LIB_SH = join(HERE, '..', 'servers', 'lib.sh');
const TIED = join(HERE, 'tied.sh');

/** True if anything listens on TCP port PORT, on any address (lib.sh: ss, or a bind probe). */
export function portBusy(port: number): boolean {
  const r = spawnSync('bash', ['-c', '. "$1"; ktp_port_busy tcp "$2"', '_', LIB_SH, String(port)], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

/** Throw, naming the port and its listener, when PORT is in use. */
export function requireFreePort(name: string, port: number, envVar: string): void {
  if (!portBusy(port)) return;
  const who =
    spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' }).stdout?.trim() ?? '';
  throw new Error(
    `refusing to start ${name}: TCP port ${port} is already in use${who ? ` (${who})` : ''}; stop that listener or pick another port with ${envVar}=PORT`,
  );
}

/** A port from the environment, else the default. */
export function portFromEnv(envVar: string, fallback: number): number {
  const v = process.env[envVar];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1024 || n > 65535)
    throw new Error(`${envVar}=${v}: give a TCP port from 1024 to 65535`);
  return n;
}

export interface Service {
  name: string;
  port: number;
  /** Pid of tied.sh, also the process group id. */
  pid: number;
  /** stdout+stderr of the service. */
  log: string;
  stop(): Promise<void>;
}

const running = new Map<number, ChildProcess>();

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const pgid of running.keys()) killGroup(pgid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const pgid of running.keys()) killGroup(pgid, 'SIGKILL');
      running.clear();
      process.kill(process.pid, sig);
    });
  }
}

function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 500 });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
  });
}

export interface StartOptions {
  name: string;
  port: number;
  /** Env var that overrides the port, for the busy-port message. */
  portEnv: string;
  cmd: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
  /** File for the service's stdout and stderr. */
  log: string;
  /** Extra log files shown when the start fails (e.g. Apache's ErrorLog). */
  logs?: string[];
  timeoutMs?: number;
}

/** Start a service and wait until it accepts TCP connections on 127.0.0.1:port. */
export async function startService(o: StartOptions): Promise<Service> {
  requireFreePort(o.name, o.port, o.portEnv);
  hookExit();
  const out = openSync(o.log, 'a');
  const child = spawn(TIED, [o.cmd, ...o.args], {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    stdio: ['pipe', out, out],
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${o.name}: could not start ${o.cmd}`);
  running.set(pid, child);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
    running.delete(pid);
  });

  const stop = async (): Promise<void> => {
    if (!running.has(pid) && !groupAlive(pid)) return;
    killGroup(pid, 'SIGTERM');
    for (let i = 0; i < 100 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    for (let i = 0; i < 40 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    child.stdin?.destroy();
    running.delete(pid);
    if (groupAlive(pid)) throw new Error(`${o.name}: process group ${pid} survived SIGKILL`);
  };

  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined) {
      const logs = [o.log, ...(o.logs ?? [])].map((f) => `--- ${f}\n${tail(f)}`).join('\n');
      throw new Error(
        `${o.name} exited (status ${exited}) before listening on 127.0.0.1:${o.port}\n${logs}`,
      );
    }
    if (await tcpOpen(o.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${o.name} did not listen on 127.0.0.1:${o.port} within ${o.timeoutMs ?? 30_000} ms\n${tail(o.log)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name: o.name, port: o.port, pid, log: o.log, stop };
}
