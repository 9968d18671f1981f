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
import { parseKeytab } from '../keytab/decode.js';
import { serializeKeytab } from '../keytab/encode.js';
import type { Keytab } from '../keytab/types.js';
import { emptyKeytab } from '../keytab/types.js';
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
      throw new KtError('INPUT_INVALID', `keytab type ${m[1]}: is not supported: give a file path (or FILE:path)`, {
        details: { keytab: given },
        hint: type === 'MEMORY' || type === 'KEYRING' || type === 'KDB' ? 'export it to a file first, e.g. with kadmin ktadd' : undefined,
      });
    }
    path = m[2] as string;
  }
  if (path === '') throw new KtError('INPUT_INVALID', `keytab name "${given}" has no path`);
  // Shown as MIT shows it: the name as given, with its type.
  return { path: resolve(ctx.cwd, path), display: `${type}:${path}` };
}

function fsError(err: unknown, path: string, doing: string): KtError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new KtError('FILE_NOT_FOUND', `${path}: no such file`, { details: { path }, cause: err });
  if (code === 'EACCES' || code === 'EPERM') {
    return new KtError('FILE_ACCESS', `${path}: permission denied while ${doing}`, {
      details: { path },
      cause: err,
      hint: 'keytabs are usually readable by root only: run as root or as the service user',
    });
  }
  if (code === 'EISDIR') return new KtError('FILE_ACCESS', `${path}: is a directory`, { details: { path }, cause: err });
  return new KtError('FILE_ACCESS', `${path}: ${(err as Error).message} while ${doing}`, { details: { path }, cause: err });
}

export async function readBytes(ctx: CliContext, loc: KeytabLocation): Promise<Uint8Array> {
  return loc.path === '-' ? ctx.stdin.readAll() : readBytesSync(loc);
}

/** A file's bytes (not standard input), with errors in words. */
export function readBytesSync(loc: KeytabLocation): Uint8Array {
  try {
    const buf = readFileStable(loc.path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw fsError(err, loc.path, 'reading');
  }
}

/** Reads and parses a keytab; parse errors name the file. */
export async function readKeytab(ctx: CliContext, loc: KeytabLocation): Promise<Keytab> {
  const bytes = await readBytes(ctx, loc);
  return parseNamed(bytes, loc);
}

/** Reads a keytab that a command will add to: a missing or empty file is an empty keytab. */
export async function readKeytabForUpdate(ctx: CliContext, loc: KeytabLocation): Promise<Keytab> {
  if (loc.path !== '-') {
    try {
      if (statSync(loc.path).size === 0) return emptyKeytab();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyKeytab();
      throw fsError(err, loc.path, 'reading');
    }
  }
  return readKeytab(ctx, loc);
}

function parseNamed(bytes: Uint8Array, loc: KeytabLocation): Keytab {
  try {
    return parseKeytab(bytes);
  } catch (err) {
    if (err instanceof KtError) {
      throw new KtError(err.code, `${loc.path === '-' ? 'standard input' : loc.path}: ${err.message}`, {
        details: { ...err.details, path: loc.path },
        cause: err,
        hint: err.hint,
      });
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
    throw new KtError('FILE_WRITE', code === 'ENOENT' ? `${dir}: no such folder for ${basename(path)}` : `${dir}: cannot write there (${code ?? 'error'})`, {
      details: { path },
      cause: err,
    });
  }
  try {
    if (!statSync(path).isFile()) throw new KtError('FILE_WRITE', `${path}: not a regular file`, { details: { path } });
  } catch (err) {
    if (err instanceof KtError) throw err;
  }
}

/** Serializes and writes a keytab atomically (or to standard output for `-`). */
export function writeKeytab(ctx: CliContext, loc: KeytabLocation, keytab: Pick<Keytab, 'entries'>): void {
  writeKeytabBytes(ctx, loc, [serializeKeytab(keytab)]);
}

/** Writes a keytab given as pieces atomically (or to standard output for `-`). */
export function writeKeytabBytes(ctx: CliContext, loc: KeytabLocation, chunks: Iterable<Uint8Array>): void {
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
