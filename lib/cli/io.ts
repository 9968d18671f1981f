/**
 * The file edge: keytab names as MIT spells them, reading, and atomic writes.
 *
 * Writes are atomic (lib/cli/atomic-write.ts): a crash or an error leaves either the old file
 * or the new one, never a partial one. A read-modify-write holds the keytab lock
 * (lib/cli/lock.ts) from the read to the last write.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { KtError } from '../errors.js';
import { keytabVersion, parseKeytab } from '../keytab/decode.js';
import { serializeKeytab } from '../keytab/encode.js';
import type { Keytab } from '../keytab/types.js';
import { emptyKeytab } from '../keytab/types.js';
import {
  INPUT_BOUND,
  KEYTAB_MAX_BYTES,
  checkBound,
  readFdBounded,
  readFileBounded,
} from '../node/bounded-read.js';
import type { BoundedFile, ReadBound } from '../node/bounded-read.js';
import { batch, writeFileAtomic } from './atomic-write.js';
import type { CliContext } from './context.js';
import { readFileStable } from './stable-read.js';
import { isStdio } from './context.js';

export interface KeytabLocation {
  /** `-` for standard input/output, else an absolute path. */
  readonly path: string;
  /** How to show it to the user, as klist does: `FILE:` + the name as given. */
  readonly display: string;
}

export const DEFAULT_KEYTAB = '/etc/krb5.keytab';

/**
 * Resolves a keytab name: `FILE:path`, `WRFILE:path`, a plain path, or `-`. Without a name,
 * KRB5_KTNAME, then MIT's default /etc/krb5.keytab.
 */
export function keytabLocation(ctx: CliContext, name: string | undefined): KeytabLocation {
  const given = name ?? ctx.env['KRB5_KTNAME'] ?? `FILE:${DEFAULT_KEYTAB}`;
  if (isStdio(given)) return { path: '-', display: '-' };
  const m = /^([A-Za-z][A-Za-z0-9]*):(.*)$/.exec(given);
  let path = given;
  let type = 'FILE';
  if (m) {
    type = (m[1] as string).toUpperCase();
    if (type !== 'FILE' && type !== 'WRFILE') {
      throw new KtError(
        'INPUT_INVALID',
        `keytab type ${m[1]}: is not supported: give a file path (or FILE:path)`,
        {
          details: { keytab: given },
          hint:
            type === 'MEMORY' || type === 'KEYRING' || type === 'KDB'
              ? 'export it to a file first, e.g. with kadmin ktadd'
              : undefined,
        },
      );
    }
    path = m[2] as string;
  }
  if (path === '') throw new KtError('INPUT_INVALID', `keytab name "${given}" has no path`);
  // Shown as MIT shows it: the name as given, with its type.
  return { path: resolve(ctx.cwd, path), display: `${type}:${path}` };
}

function fsError(err: unknown, path: string, doing: string): KtError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new KtError('FILE_NOT_FOUND', `${path}: no such file`, {
      details: { path },
      cause: err,
    });
  if (code === 'EACCES' || code === 'EPERM') {
    return new KtError('FILE_ACCESS', `${path}: permission denied while ${doing}`, {
      details: { path },
      cause: err,
      hint: 'keytabs are usually readable by root only: run as root or as the service user',
    });
  }
  if (code === 'EISDIR')
    return new KtError('FILE_ACCESS', `${path}: is a directory`, { details: { path }, cause: err });
  return new KtError('FILE_ACCESS', `${path}: ${(err as Error).message} while ${doing}`, {
    details: { path },
    cause: err,
  });
}

/**
 * How much of a keytab is read: KEYTAB_MAX_BYTES from the environment, else 1 GiB. With
 * `head`, the version bytes are checked as soon as they arrive (before anything else is read).
 */
export function keytabBound(ctx: CliContext, head = true): ReadBound {
  const given = ctx.env['KEYTAB_MAX_BYTES'];
  const max =
    given !== undefined && /^\d+$/.test(given) && Number(given) > 0
      ? Number(given)
      : KEYTAB_MAX_BYTES;
  return {
    max,
    what: head ? 'keytab' : 'file',
    hint: 'set KEYTAB_MAX_BYTES to a larger size in bytes if this is really the file you mean',
    ...(head ? { head: { length: 2, check: (b: Uint8Array) => void keytabVersion(b) } } : {}),
  };
}

/** A file's or standard input's bytes within `bound` (default: a file's size bound). */
export async function readBytes(
  ctx: CliContext,
  loc: KeytabLocation,
  bound: ReadBound = keytabBound(ctx, false),
): Promise<Uint8Array> {
  if (loc.path !== '-') return readBytesSync(loc, bound);
  // The real standard input stops itself at the bound; this also bounds one that cannot.
  return checkBound(await ctx.stdin.readAll(bound), bound, 'standard input');
}

/** A keytab's bytes: the version bytes are checked before the rest is read. */
export function readKeytabBytes(ctx: CliContext, loc: KeytabLocation): Promise<Uint8Array> {
  return readBytes(ctx, loc, keytabBound(ctx));
}

/** A file's bytes (not standard input) within `bound`, with errors in words. */
export function readBytesSync(loc: KeytabLocation, bound: ReadBound = INPUT_BOUND): Uint8Array {
  return readFileChecked(loc, bound).bytes;
}

function readFileChecked(loc: KeytabLocation, bound: ReadBound): BoundedFile {
  try {
    return readFileStable(
      loc.path,
      (fd) => readFdBounded(fd, bound, loc.path),
      (path) => readFileBounded(path, bound),
    );
  } catch (err) {
    if (err instanceof KtError) throw err;
    throw fsError(err, loc.path, 'reading');
  }
}

/** Reads and parses a keytab; parse errors name the file. */
export async function readKeytab(ctx: CliContext, loc: KeytabLocation): Promise<Keytab> {
  return (await readKeytabAndBytes(ctx, loc)).keytab;
}

/** The keytab and the bytes it was read from, in one read (for a byte-exact restore). */
export async function readKeytabAndBytes(
  ctx: CliContext,
  loc: KeytabLocation,
): Promise<{ keytab: Keytab; bytes: Uint8Array }> {
  const bytes = await readKeytabBytes(ctx, loc);
  return { keytab: parseNamed(bytes, loc), bytes };
}

/**
 * Reads a keytab that a command will add to: a missing file, or an empty regular file, is an
 * empty keytab. Anything else is read, not judged by its size: a pipe (`/in <(cat a.keytab)`)
 * has size 0 in stat but holds a keytab, and a pipe that delivers nothing is an error.
 */
export async function readKeytabForUpdate(ctx: CliContext, loc: KeytabLocation): Promise<Keytab> {
  if (loc.path === '-') return readKeytab(ctx, loc);
  let file: BoundedFile;
  try {
    file = readFileBounded(loc.path, keytabBound(ctx));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyKeytab();
    if (err instanceof KtError) throw err;
    throw fsError(err, loc.path, 'reading');
  }
  if (file.bytes.length === 0) {
    if (file.regular) return emptyKeytab();
    throw new KtError(
      'KEYTAB_BAD_VERSION',
      `${loc.path}: empty input (not a regular file, e.g. a pipe): not a keytab`,
      {
        details: { path: loc.path, size: 0 },
        hint: 'give the keytab file itself, or leave the input out to start a new keytab',
      },
    );
  }
  return parseNamed(file.bytes, loc);
}

function parseNamed(bytes: Uint8Array, loc: KeytabLocation): Keytab {
  try {
    return parseKeytab(bytes);
  } catch (err) {
    if (err instanceof KtError) {
      throw new KtError(
        err.code,
        `${loc.path === '-' ? 'standard input' : loc.path}: ${err.message}`,
        {
          details: { ...err.details, path: loc.path },
          cause: err,
          hint: err.hint,
          remedy: err.remedy,
        },
      );
    }
    throw err;
  }
}

/** Fails early, in words, when a keytab could not be written at `path` (before other changes). */
export function checkWritable(path: string): void {
  const dir = dirname(path);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KtError(
      'FILE_WRITE',
      code === 'ENOENT'
        ? `${dir}: no such folder for ${basename(path)}`
        : `${dir}: cannot write there (${code ?? 'error'})`,
      {
        details: { path },
        cause: err,
      },
    );
  }
  checkRegularTarget(path);
}

/**
 * A keytab that a command rewrites is a regular file or does not exist yet: a FIFO or a device
 * there is refused before it is read (reading a FIFO would wait for a writer).
 */
export function checkRegularTarget(path: string): void {
  try {
    if (!statSync(path).isFile())
      throw new KtError('FILE_WRITE', `${path}: not a regular file`, { details: { path } });
  } catch (err) {
    if (err instanceof KtError) throw err;
  }
}

/** Serializes and writes a keytab atomically (or to standard output for `-`). */
export function writeKeytab(
  ctx: CliContext,
  loc: KeytabLocation,
  keytab: Pick<Keytab, 'entries'>,
): void {
  writeKeytabBytes(ctx, loc, [serializeKeytab(keytab)]);
}

/** Writes a keytab given as pieces atomically (or to standard output for `-`). */
export function writeKeytabBytes(
  ctx: CliContext,
  loc: KeytabLocation,
  chunks: Iterable<Uint8Array>,
): void {
  if (loc.path === '-') {
    if (ctx.stdout.isTTY) {
      throw new KtError('INPUT_INVALID', 'refusing to write a binary keytab to a terminal', {
        hint: 'redirect standard output to a file, or give -o FILE',
      });
    }
    for (const chunk of batch(chunks)) ctx.stdout.write(chunk);
    return;
  }
  writeFileAtomic(loc.path, chunks);
}

export { writeFileAtomic } from './atomic-write.js';
