/**
 * Atomic replacement of a file: the new bytes go to a temporary file in the target's folder
 * (created 0600 and exclusive, so key material is never readable by others while it is being
 * written), are fsynced, get the target's owner and mode just before the rename, and are renamed
 * over the target; then the folder is fsynced. A crash or an error leaves either the old file
 * or the new one, never a partial one (a killed write can leave its 0600 temporary file, which
 * the next write to the same target removes: lib/cli/temp-files.ts).
 *
 * When this process holds the keytab lock on the target (lib/cli/lock.ts), the new file is
 * locked before the rename and the lock moves to it: see `heldLockFor`.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { KtError } from '../errors.js';
import { heldLockFor } from './lock.js';
import { removeStaleTemps, tempPathFor } from './temp-files.js';

/** Groups small pieces into writes of about 64 KB. */
export function* batch(chunks: Iterable<Uint8Array>, size = 1 << 16): Generator<Uint8Array> {
  let buf = new Uint8Array(size);
  let used = 0;
  for (const c of chunks) {
    if (c.length >= size) {
      if (used) {
        yield buf.subarray(0, used);
        buf = new Uint8Array(size);
      }
      used = 0;
      yield c;
      continue;
    }
    if (used + c.length > size) {
      yield buf.subarray(0, used);
      buf = new Uint8Array(size);
      used = 0;
    }
    buf.set(c, used);
    used += c.length;
  }
  if (used) yield buf.subarray(0, used);
}

interface Previous {
  mode: number;
  uid: number;
  gid: number;
}

function previousOf(path: string, placeholder: boolean): Previous | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile())
      throw new KtError('FILE_WRITE', `${path}: not a regular file`, { details: { path } });
    // The empty placeholder the lock created for a new keytab: the new file gets a new file's mode.
    return placeholder && st.size === 0
      ? undefined
      : { mode: st.mode & 0o770, uid: st.uid, gid: st.gid };
  } catch (err) {
    if (err instanceof KtError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new KtError('FILE_WRITE', `${path}: ${(err as Error).message} while checking it`, {
      details: { path },
      cause: err,
    });
  }
}

/**
 * Atomic replace. New files get mode 0600. A file being replaced keeps its owner, group and
 * mode, minus any access for others: a keytab shared with a service group stays usable, and
 * none becomes world-readable. The temporary file is 0600 until just before the rename.
 */
export function writeFileAtomic(path: string, data: Uint8Array | Iterable<Uint8Array>): void {
  const dir = dirname(path);
  const lock = heldLockFor(path);
  const previous = previousOf(path, lock?.createdTarget ?? false);
  removeStaleTemps(path);
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    // Read-write: a shared OFD lock (taken before the rename when the keytab lock is held) needs read access.
    fd = openSync(tmp, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
    for (const bytes of data instanceof Uint8Array ? [data] : batch(data)) {
      let written = 0;
      while (written < bytes.length)
        written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
    lock?.adopt(fd);
    if (previous) {
      if (typeof process.getuid === 'function' && process.getuid() === 0)
        fchownSync(fd, previous.uid, previous.gid);
      fchmodSync(fd, previous.mode | 0o600);
    }
    renameSync(tmp, path);
    if (lock) {
      lock.replaced(fd);
      fd = undefined;
    } else {
      closeSync(fd);
      fd = undefined;
    }
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may not exist (or was renamed already); nothing else to clean
    }
    if (err instanceof KtError) throw err;
    throw new KtError('FILE_WRITE', `${path}: ${(err as Error).message}`, {
      details: { path },
      cause: err,
      hint:
        (err as NodeJS.ErrnoException).code === 'EACCES'
          ? 'the folder must be writable: run as root or choose another -o path'
          : undefined,
    });
  }
  try {
    const dfd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some filesystems refuse fsync on a folder; the rename itself has happened.
  }
}
