/** The real process as a CliContext: the only place the CLI touches process.* directly. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CliContext } from './context.js';
import { nativeSha1Backend, useNativeCrypto } from '../node/pbkdf2-native.js';
import { packageFile } from '../node/package-files.js';
import { promptSecret } from './prompt.js';
import { INPUT_BOUND, readChunksBounded } from '../node/bounded-read.js';

/**
 * A process stream as an OutStream. When the reader goes away (`keytab list | head`), the
 * rest of the output is dropped quietly instead of failing with EPIPE.
 */
function outStream(stream: NodeJS.WriteStream): CliContext['stdout'] {
  let full = false;
  let closed = false;
  let wake: (() => void) | undefined;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
    wake?.();
  });
  stream.on('drain', () => wake?.());
  return {
    write: (chunk) => {
      if (!closed && !stream.write(chunk)) full = true;
    },
    drain: async () => {
      if (!full || closed) return;
      full = false;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    },
    isTTY: stream.isTTY === true,
    columns: stream.isTTY ? stream.columns : undefined,
  };
}

export function processContext(program: string): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: outStream(process.stdout),
    stderr: outStream(process.stderr),
    stdin: {
      isTTY: process.stdin.isTTY === true,
      // Bounded: `keytab list - < /dev/zero` stops at the version bytes, a huge input at the bound.
      readAll: (bound = INPUT_BOUND) =>
        readChunksBounded(process.stdin as AsyncIterable<Uint8Array>, bound, 'standard input'),
    },
    now: () => Math.floor(Date.now() / 1000),
    random: (n) => new Uint8Array(randomBytes(n)),
    promptSecret,
    program,
    versionText,
    exitCode: 0,
  };
}

function versionText(): string {
  let version = 'unknown';
  const file = packageFile('package.json');
  try {
    if (file)
      version = String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version);
  } catch {
    // an unreadable package.json only loses the number
  }
  const sha1 =
    nativeSha1Backend() === 'sha-ni'
      ? 'SHA-NI addon (build/keytab_native.node)'
      : 'node:crypto (OpenSSL)';
  return [
    `keytab ${version}`,
    `node ${process.version}`,
    `PBKDF2-HMAC-SHA1 (AES-SHA1, Camellia): ${sha1}`,
    'PBKDF2-HMAC-SHA256/384 (AES-SHA2): node:crypto (OpenSSL)',
  ].join('\n');
}

/** Entry point used by bin/: runs argv, sets the exit status, never calls process.exit. */
export async function run(
  program: string,
  main: (ctx: CliContext, argv: readonly string[]) => Promise<number>,
): Promise<void> {
  // PBKDF2 on the thread pool (the SHA-NI addon for HMAC-SHA1, else OpenSSL): the same keys as
  // the pure code, several times faster.
  useNativeCrypto();
  const ctx = processContext(program);
  process.exitCode = await main(ctx, process.argv.slice(2));
}
