/** Runs the CLI in-process with captured output, as the real binary would run it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CliContext } from '../../lib/cli/context.js';
import { cliKpasswdContext, DEFAULT_KPASSWD_ARGS } from '../../lib/cli/kpasswd-options.js';
import { main } from '../../lib/cli/main.js';
import type { KpasswdContext } from '../../lib/krb5/kpasswd.js';
import { loadNodeKrb5Config } from '../../lib/node/krb5-transport.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Raw bytes written to stdout (for `-o -`). */
  stdoutBytes: Uint8Array;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: Uint8Array | string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  /** The terminal width stdout reports (help is laid out for it). */
  columns?: number;
  now?: number;
  prompt?: (q: string) => Promise<string>;
  program?: string;
  mainFn?: (ctx: CliContext, argv: readonly string[]) => Promise<number>;
}

/** A CliContext like the real one, with captured output. */
export function testContext(options: RunOptions = {}): {
  ctx: CliContext;
  result: (code: number) => RunResult;
} {
  const out: Uint8Array[] = [];
  let err = '';
  const enc = new TextEncoder();
  const ctx: CliContext = {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdout: {
      write: (c) => void out.push(typeof c === 'string' ? enc.encode(c) : c.slice()),
      drain: async () => undefined,
      isTTY: options.stdoutIsTTY ?? false,
      columns: options.columns,
    },
    stderr: {
      write: (c) => void (err += typeof c === 'string' ? c : new TextDecoder().decode(c)),
      drain: async () => undefined,
      isTTY: false,
    },
    stdin: {
      isTTY: options.stdinIsTTY ?? false,
      readAll: async () =>
        typeof options.stdin === 'string'
          ? enc.encode(options.stdin)
          : (options.stdin ?? new Uint8Array()),
    },
    now: () => options.now ?? 1717243200,
    random: (n) => new Uint8Array(randomBytes(n)),
    promptSecret:
      options.prompt ??
      (async () => {
        throw new Error('unexpected prompt');
      }),
    program: options.program ?? 'keytab',
    exitCode: 0,
  };
  const result = (code: number): RunResult => {
    const total = out.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of out) {
      bytes.set(c, at);
      at += c.length;
    }
    return { code, stdout: new TextDecoder().decode(bytes), stderr: err, stdoutBytes: bytes };
  };
  return { ctx, result };
}

export async function runCli(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const { ctx, result } = testContext(options);
  return result(await (options.mainFn ?? main)(ctx, argv));
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'keytab-test-'): {
  dir: string;
  path: (name: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * What a kpasswd command builds without options, on the real clock (as lib/cli/node.ts has
 * it): a CLI context in `cwd` and the KpasswdContext of the krb5.conf at `krb5Config`.
 */
export function realKpasswdContext(
  krb5Config: string,
  cwd: string,
): { ctx: CliContext; kctx: KpasswdContext } {
  const { ctx } = testContext({ env: { KRB5_CONFIG: krb5Config }, cwd });
  const real = { ...ctx, now: () => Math.floor(Date.now() / 1000) };
  const config = loadNodeKrb5Config({ KRB5_CONFIG: krb5Config });
  return { ctx: real, kctx: cliKpasswdContext(real, DEFAULT_KPASSWD_ARGS, config) };
}
