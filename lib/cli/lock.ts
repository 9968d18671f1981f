/**
 * The keytab lock: every read-modify-write of a keytab file holds it from before the read to
 * after the last rename, so concurrent writers (ours, MIT ktutil, kadmin ktadd) never lose each
 * other's changes.
 *
 * MIT libkrb5 locks a keytab with an OFD fcntl lock on the whole file (shared to read,
 * exclusive to write) and writes in place. We replace the file by rename instead (crash-safe),
 * so the lock has to follow the file from inode to inode. With the lock addon
 * (native/keytab_lock.c):
 *
 * 1. Open the target (creating an empty placeholder when a command may create it), take an
 *    exclusive flock on it (our writers exclude each other) and a shared OFD lock (MIT writers
 *    wait; MIT readers, i.e. services checking tickets, go on reading the current file). Then
 *    check that the path still names the inode we locked; if a writer replaced it meanwhile,
 *    start again on the new one.
 * 2. Each write (lib/cli/atomic-write.ts) locks its new inode the same way before renaming it
 *    over the path, so the path never names an unlocked inode while we work.
 * 3. The inode just replaced: its readers are let finish (an exclusive OFD lock, polled), then
 *    it is truncated to zero before its locks go. An MIT writer that opened the keytab before
 *    our rename and waits for the lock on that old inode then reads no version number and
 *    fails loudly ("Unsupported key table format version number while writing keytab"),
 *    instead of appending its key to a file no name reaches any more.
 *
 * Without the addon, our writers exclude each other with a lock file (lib/cli/lock-file.ts),
 * which MIT does not know: see the README's security notes for what each case guarantees.
 */
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { KtError } from '../errors.js';
import { LOCK, lockAddon } from '../node/lock-native.js';
import type { LockAddon } from '../node/lock-native.js';
import type { CliContext } from './context.js';
import { acquireLockFile, poll } from './lock-file.js';
import { removeStaleTemps } from './temp-files.js';

export const DEFAULT_LOCK_TIMEOUT_SECONDS = 30;
/** How long a replaced inode's readers may take before it is let go unemptied. */
const RETIRE_WAIT_MS = 5000;

export interface LockOptions {
  /** The command may create the keytab (add, merge -o, ktpass /out, setpass -o). */
  readonly create: boolean;
}

/** A held keytab lock; `release()` (or leaving a `using` block) lets others in. */
export interface KeytabLock extends Disposable {
  readonly path: string;
  release(): void;
}

/** What lib/cli/atomic-write.ts asks of the lock held on the file it replaces. */
export interface HeldLock {
  /** True when the lock created the target as an empty placeholder. */
  readonly createdTarget: boolean;
  /** Locks the new file (by its descriptor) before it is renamed over the path. */
  adopt(fd: number): void;
  /** After the rename: the new file holds the lock (keeps `fd`); the old one is let go. */
  replaced(fd: number): void;
}

const held = new Map<string, HeldLock>();

/** The lock this process holds on `path`, if any. */
export function heldLockFor(path: string): HeldLock | undefined {
  return held.get(path);
}

/** Seconds to wait for a lock: KEYTAB_LOCK_TIMEOUT, else 30. */
export function lockTimeoutMs(ctx: CliContext): number {
  const raw = ctx.env['KEYTAB_LOCK_TIMEOUT'];
  if (raw === undefined || raw === '') return DEFAULT_LOCK_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new KtError('USAGE', `KEYTAB_LOCK_TIMEOUT=${raw}: give seconds (a number, 0 or more)`);
  return seconds * 1000;
}

export function lockedError(path: string, timeoutMs: number): KtError {
  return new KtError(
    'FILE_LOCKED',
    `${path}: another process holds the keytab lock (waited ${timeoutMs / 1000} s)`,
    {
      details: { path, timeoutSeconds: timeoutMs / 1000 },
      hint: 'another keytab, ktpass, ktutil or kadmin is changing this keytab: try again when it is done, or wait longer with KEYTAB_LOCK_TIMEOUT=SECONDS',
    },
  );
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The same, without giving up the thread (between a rename and the end of a write; reads). */
export function pollSync(attempt: () => boolean, deadline: number): boolean {
  for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
    if (attempt()) return true;
    if (Date.now() >= deadline) return false;
    Atomics.wait(pause, 0, 0, wait);
  }
}

function openError(err: unknown, path: string): KtError {
  const code = (err as NodeJS.ErrnoException).code;
  const dir = dirname(path);
  if (code === 'ENOENT')
    return new KtError('FILE_WRITE', `${dir}: no such folder for ${basename(path)}`, {
      details: { path },
      cause: err,
    });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new KtError('FILE_WRITE', `${dir}: cannot write there (${code})`, {
      details: { path },
      cause: err,
      hint: 'the folder must be writable: run as root or choose another path',
    });
  }
  if (code === 'EISDIR')
    return new KtError('FILE_WRITE', `${path}: not a regular file (a directory)`, {
      details: { path },
      cause: err,
    });
  return new KtError('FILE_WRITE', `${path}: ${(err as Error).message}`, {
    details: { path },
    cause: err,
  });
}

interface Opened {
  fd: number;
  created: boolean;
  writable: boolean;
}

/** Opens the target for locking (never blocks, also on a FIFO); creates it when allowed. */
function openTarget(path: string, create: boolean): Opened {
  const flags = constants.O_NONBLOCK | constants.O_NOCTTY;
  for (;;) {
    let opened: Opened;
    try {
      opened = { fd: openSync(path, flags | constants.O_RDWR), created: false, writable: true };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !create)
        throw new KtError('FILE_NOT_FOUND', `${path}: no such file`, {
          details: { path },
          cause: err,
        });
      if (code === 'ENOENT') {
        try {
          opened = {
            fd: openSync(
              path,
              flags | constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
              0o600,
            ),
            created: true,
            writable: true,
          };
        } catch (err2) {
          if ((err2 as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw openError(err2, path);
        }
      } else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        // Readable but not writable by us: lockable all the same (the rename needs the folder).
        try {
          opened = {
            fd: openSync(path, flags | constants.O_RDONLY),
            created: false,
            writable: false,
          };
        } catch {
          throw openError(err, path);
        }
      } else throw openError(err, path);
    }
    if (!fstatSync(opened.fd).isFile()) {
      closeSync(opened.fd);
      throw new KtError('FILE_WRITE', `${path}: not a regular file`, { details: { path } });
    }
    return opened;
  }
}

/** True when `path` names the (still linked) file open as `fd`. */
export function stillNamed(fd: number, path: string): boolean {
  const mine = fstatSync(fd);
  if (mine.nlink === 0) return false;
  try {
    const there = statSync(path);
    return there.ino === mine.ino && there.dev === mine.dev;
  } catch {
    return false;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** The lock on one inode: exclusive flock (our writers) + shared OFD lock (MIT writers). */
function tryLockInode(addon: LockAddon, fd: number, flockTaken: { value: boolean }): boolean {
  if (!flockTaken.value) flockTaken.value = addon.flock(fd, LOCK.exclusive);
  return flockTaken.value && addon.ofdLock(fd, LOCK.shared);
}

async function lockNative(
  addon: LockAddon,
  path: string,
  options: LockOptions,
  timeoutMs: number,
): Promise<KeytabLock> {
  const deadline = Date.now() + timeoutMs;
  let opened: Opened;
  for (;;) {
    opened = openTarget(path, options.create);
    const flockTaken = { value: false };
    const fd = opened.fd;
    let got: boolean;
    try {
      got = await poll(() => tryLockInode(addon, fd, flockTaken), deadline);
    } catch (err) {
      closeQuietly(fd);
      throw new KtError(
        'FILE_ACCESS',
        `${path}: cannot be locked here (${(err as NodeJS.ErrnoException).code ?? 'error'}): a filesystem without file locks?`,
        { details: { path }, cause: err },
      );
    }
    if (!got) {
      closeQuietly(fd);
      throw lockedError(path, timeoutMs);
    }
    if (stillNamed(fd, path)) break;
    closeQuietly(fd); // replaced while we waited: lock the file that is there now
    if (Date.now() >= deadline) throw lockedError(path, timeoutMs);
  }
  let current = opened;
  const state: HeldLock = {
    createdTarget: opened.created,
    adopt(fd) {
      if (!tryLockInode(addon, fd, { value: false }))
        throw new KtError('INTERNAL', `${path}: cannot lock the new file before renaming it`);
    },
    replaced(fd) {
      const old = current;
      current = { fd, created: false, writable: true };
      retire(addon, old);
    },
  };
  held.set(path, state);
  removeStaleTemps(path);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    held.delete(path);
    // A placeholder nothing was written to goes again (nothing we write is empty).
    if (opened.created) {
      try {
        if (fstatSync(current.fd).size === 0 && stillNamed(current.fd, path)) unlinkSync(path);
      } catch {
        // gone already
      }
    }
    closeQuietly(current.fd); // drops both locks
  };
  return { path, release, [Symbol.dispose]: release };
}

/**
 * Lets go of an inode the path no longer names. Readers that got to it before the rename
 * finish first; then it is emptied (when we may write it and no other name links it), so that
 * an MIT writer waiting for its lock fails instead of writing into it.
 */
function retire(addon: LockAddon, old: Opened): void {
  try {
    if (
      old.writable &&
      fstatSync(old.fd).nlink === 0 &&
      pollSync(() => addon.ofdLock(old.fd, LOCK.exclusive), Date.now() + RETIRE_WAIT_MS)
    ) {
      ftruncateSync(old.fd, 0);
    }
  } catch {
    // best effort: the new file is in place whatever happens here
  } finally {
    closeQuietly(old.fd);
  }
}

/**
 * Waits (up to KEYTAB_LOCK_TIMEOUT seconds, 30 by default) for the keytab lock on `path` and
 * returns it held. Gives FILE_LOCKED when another process keeps it that long. `-` (standard
 * input/output) needs no lock.
 */
export async function lockKeytab(
  ctx: CliContext,
  path: string,
  options: LockOptions,
): Promise<KeytabLock> {
  if (path === '-') return { path, release: () => undefined, [Symbol.dispose]: () => undefined };
  const timeoutMs = lockTimeoutMs(ctx);
  const addon = lockAddon();
  if (addon) return lockNative(addon, path, options, timeoutMs);
  const release = await acquireLockFile(path, timeoutMs, () => lockedError(path, timeoutMs));
  let released = false;
  const once = (): void => {
    if (released) return;
    released = true;
    release();
  };
  removeStaleTemps(path);
  return { path, release: once, [Symbol.dispose]: once };
}

/** Runs `fn` holding the keytab lock on `path` (no lock for `-`, standard input/output). */
export async function withKeytabLock<T>(
  ctx: CliContext,
  path: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  if (path === '-') return fn();
  const lock = await lockKeytab(ctx, path, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
