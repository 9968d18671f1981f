/**
 * Reading a keytab file that a writer may be replacing. As MIT libkrb5 does, the read holds a
 * shared OFD lock (when the lock addon is there): no MIT writer appends while we read, and a
 * file our writers have just replaced is not emptied under us (lib/cli/lock.ts empties a
 * replaced inode only once its readers are done). A file that was replaced before we got its
 * lock is read again at its new inode.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { LOCK, lockAddon } from '../node/lock-native.js';
import type { LockAddon } from '../node/lock-native.js';
import { pollSync, stillNamed } from './lock.js';

const MAX_ATTEMPTS = 100;
const LOCK_WAIT_MS = 30_000;

/** False when the lock could not be had (held elsewhere too long, or no locks on this filesystem). */
function sharedLock(addon: LockAddon, fd: number): boolean {
  try {
    return pollSync(() => addon.ofdLock(fd, LOCK.shared), Date.now() + LOCK_WAIT_MS);
  } catch {
    return false;
  }
}

/**
 * Reads the file at `path` with `readFd` under its shared lock, or, when it is not a regular
 * file (a FIFO, a device), with `readPath` as it comes. Errors as node:fs throws them.
 */
export function readFileStable<T>(
  path: string,
  readFd: (fd: number) => T,
  readPath: (path: string) => T,
): T {
  const addon = lockAddon();
  for (let attempt = 1; ; attempt++) {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!fstatSync(fd).isFile()) return readPath(path);
      if (addon && !sharedLock(addon, fd)) return readFd(fd);
      if (attempt < MAX_ATTEMPTS && !stillNamed(fd, path)) continue;
      return readFd(fd);
    } finally {
      closeSync(fd); // drops the lock
    }
  }
}
