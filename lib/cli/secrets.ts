/**
 * Where a password comes from: a file, standard input, an environment variable, a no-echo
 * prompt, or (only when asked for explicitly, with a warning) the command line.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import {
  PASSWORD_MAX_BYTES,
  checkBound,
  formatSize,
  readFileBounded,
} from '../node/bounded-read.js';
import type { ReadBound } from '../node/bounded-read.js';
import type { CliContext } from './context.js';
import { isStdio, warn } from './context.js';

export interface SecretArgs {
  'password-file': string | undefined;
  'password-stdin': boolean;
  'password-env': string | undefined;
  password: string | undefined;
}

/** Adds the password source options to a command. */
export function secretOptions<T>(
  y: Argv<T>,
  group = 'Password (default: ask on the terminal, without echo):',
): Argv<T & SecretArgs> {
  return y
    .option('password-file', {
      type: 'string',
      describe:
        'read the password from this file (bytes as they are, at most 64 KiB; one trailing "\\n" or "\\r\\n" dropped; - = stdin)',
    })
    .option('password-stdin', {
      type: 'boolean',
      default: false,
      describe: 'read the password from standard input',
    })
    .option('password-env', {
      type: 'string',
      describe: 'read the password from this environment variable',
    })
    .option('password', {
      type: 'string',
      describe: 'the password itself: visible to other users in ps and shell history, avoid',
    })
    .group(['password-file', 'password-stdin', 'password-env', 'password'], group) as Argv<
    T & SecretArgs
  >;
}

/**
 * Drops one trailing "\n" or "\r\n", as a password file usually ends with one. Both characters
 * of "\r\n" go: a file saved on Windows holds the same password as one saved on Linux. (MIT
 * ktutil reading a password from a pipe keeps the "\r"; readSecretFile warns about the
 * difference.) A password that really ends in "\r" is kept when the file has no newline after it.
 */
export function stripNewline(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) {
    end--;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
  }
  return bytes.subarray(0, end);
}

/** The bound on a password file or a password on standard input. */
function secretBound(what: string): ReadBound {
  return {
    max: PASSWORD_MAX_BYTES,
    what,
    hint: `a ${what} file holds one password (at most ${formatSize(PASSWORD_MAX_BYTES)}): check the file name`,
  };
}

/** A password's bytes without their line end; a "\r\n" end is dropped with a warning. */
function secretFromBytes(ctx: CliContext, bytes: Uint8Array, source: string): Uint8Array {
  const n = bytes.length;
  if (n >= 2 && bytes[n - 2] === 0x0d && bytes[n - 1] === 0x0a) {
    warn(
      ctx,
      `${source} ends in "\\r\\n" (a Windows line end): both characters are dropped; MIT ktutil would keep the "\\r" and make a different key. ` +
        'If the password really ends in "\\r", end the file with it, without a newline.',
    );
  }
  return stripNewline(bytes);
}

/** A password file (or `-`: standard input), at most 64 KiB, without its line end. */
export function readSecretFile(
  ctx: CliContext,
  path: string,
  what = 'password',
): Promise<Uint8Array> | Uint8Array {
  if (isStdio(path)) return readSecretStdin(ctx, what);
  const abs = resolve(ctx.cwd, path);
  let bytes: Uint8Array;
  try {
    bytes = readFileBounded(abs, secretBound(what), `${what} file ${abs}`).bytes;
  } catch (err) {
    if (err instanceof KtError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new KtError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_ACCESS',
      `${what} file ${abs}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      {
        details: { path: abs },
        cause: err,
      },
    );
  }
  return secretFromBytes(ctx, bytes, `${what} file ${abs}`);
}

/** A password on standard input, at most 64 KiB, without its line end. */
async function readSecretStdin(ctx: CliContext, what: string): Promise<Uint8Array> {
  const bound = secretBound(what);
  const bytes = checkBound(await ctx.stdin.readAll(bound), bound, `${what} on standard input`);
  return secretFromBytes(ctx, bytes, `the ${what} on standard input`);
}

/** How many of the password options were given. */
export function secretSourceCount(args: SecretArgs): number {
  return [
    args['password-file'] !== undefined,
    args['password-stdin'],
    args['password-env'] !== undefined,
    args.password !== undefined,
  ].filter(Boolean).length;
}

/** The question asked the second time (as ktpass asks it). */
export const CONFIRM_PROMPT = 'Type the password again: ';

/**
 * Asks for a password on the terminal; with `confirm`, twice, and two different answers are
 * an error (a typo in a new password would otherwise be set, or made into keys, unnoticed).
 */
export async function promptPassword(
  ctx: CliContext,
  prompt: string,
  confirm: boolean,
): Promise<string> {
  const first = await ctx.promptSecret(prompt);
  if (!confirm) return first;
  const again = await ctx.promptSecret(CONFIRM_PROMPT);
  if (again !== first) {
    throw new KtError('INPUT_INVALID', 'the two passwords typed differ; nothing was changed', {
      hint: 'run the command again and type the same password twice (or give --password-file FILE)',
    });
  }
  return first;
}

/**
 * The password as bytes (a file's bytes are kept as they are; typed text is UTF-8).
 * `prompt` is the question asked on a terminal when no source is given; `confirm` asks it
 * twice (a new password, or one that keys are made from).
 */
export async function readPassword(
  ctx: CliContext,
  args: SecretArgs,
  prompt: string,
  options: { confirm?: boolean } = {},
): Promise<Uint8Array> {
  if (secretSourceCount(args) > 1) {
    throw new KtError(
      'USAGE',
      'give the password one way only: --password-file, --password-stdin, --password-env or --password',
    );
  }
  if (args['password-file'] !== undefined) return readSecretFile(ctx, args['password-file']);
  if (args['password-stdin']) return readSecretStdin(ctx, 'password');
  if (args['password-env'] !== undefined) {
    const value = ctx.env[args['password-env']];
    if (value === undefined)
      throw new KtError('INPUT_INVALID', `environment variable ${args['password-env']} is not set`);
    return utf8(value);
  }
  if (args.password !== undefined) {
    warn(
      ctx,
      'a password on the command line is visible to other users (ps) and kept in shell history; prefer --password-file or the prompt',
    );
    return utf8(args.password);
  }
  if (!ctx.stdin.isTTY) {
    throw new KtError('USAGE', 'no password given and no terminal to ask for one', {
      hint: 'use --password-file FILE, --password-stdin or --password-env VAR',
    });
  }
  return utf8(await promptPassword(ctx, prompt, options.confirm ?? false));
}
