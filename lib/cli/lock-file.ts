/**
 * The keytab lock without the lock addon: a lock file `.NAME.lock` next to the keytab, created
 * exclusively (O_EXCL) and holding the owner's PID. Our writers exclude each other with it; MIT
 * libkrb5 knows nothing of it. A lock file whose process is gone (a killed writer) is taken
 * over: it is renamed aside first, so that of two processes seeing the same stale file only one
 * removes it.
 */
import {
  closeSync,
  constants,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KtError } from '../errors.js';
import { processAlive } from './temp-files.js';

export function lockFilePath(path: string): string {
  return join(dirname(path), `.${basename(path)}.lock`);
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** One attempt: true when this process now holds the lock file. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Moves aside a lock file whose owner is dead; puts it back if it was a live one after all. */
function breakStale(file: string): void {
  const owner = ownerOf(file);
  if (owner === undefined || owner === process.pid || processAlive(owner)) return;
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else broke it first
  }
  if (ownerOf(aside) !== owner) {
    // A new owner took the lock between our read and the rename: give it back.
    try {
      linkSync(aside, file);
    } catch {
      // another process holds a new lock file already; nothing better to do
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Calls `attempt` until it returns true, with a growing pause; false at the deadline. */
export async function poll(attempt: () => boolean, deadline: number): Promise<boolean> {
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    if (attempt()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(wait * (0.5 + Math.random()), Math.max(1, deadline - Date.now())));
  }
}

/** Waits for the lock file of `path`; returns its release. */
export async function acquireLockFile(
  path: string,
  timeoutMs: number,
  timedOut: () => KtError,
): Promise<() => void> {
  const file = lockFilePath(path);
  const attempt = (): boolean => {
    if (tryCreate(file)) return true;
    breakStale(file);
    return tryCreate(file);
  };
  let ok: boolean;
  try {
    ok = await poll(attempt, Date.now() + timeoutMs);
  } catch (err) {
    throw new KtError(
      'FILE_WRITE',
      `${file}: cannot create the lock file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { details: { path }, cause: err },
    );
  }
  if (!ok) throw timedOut();
  return () => {
    if (ownerOf(file) === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // gone
      }
    }
  };
}
