/**
 * The lock addon, build/keytab_lock.node (native/keytab_lock.c): OFD record locks (the lock MIT
 * libkrb5 takes on keytabs) and flock, neither of which node:fs offers. It is optional: when it
 * is not built (no C compiler at install) or KEYTAB_NATIVE_ADDON=0, `lockAddon()` is null and
 * lib/cli/lock.ts falls back to a lock file.
 */
import { createRequire } from 'node:module';
import { packageFile } from './package-files.js';

/** The lock types the addon takes (the numbers native/keytab_lock.c expects). */
export const LOCK = { shared: 0, exclusive: 1, unlock: 2 } as const;
export type LockType = (typeof LOCK)[keyof typeof LOCK];

/** What build/keytab_lock.node exports. Both calls never block: false = held elsewhere. */
export interface LockAddon {
  ofdLock(fd: number, type: LockType): boolean;
  flock(fd: number, type: LockType): boolean;
}

let addon: LockAddon | null | undefined;

/** The addon when it is built and loads here, else null (looked up once). */
export function lockAddon(): LockAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  const file =
    process.env['KEYTAB_NATIVE_ADDON'] === '0' ? undefined : packageFile('build/keytab_lock.node');
  if (!file) return addon;
  try {
    const loaded = createRequire(import.meta.url)(file) as Partial<LockAddon>;
    if (typeof loaded.ofdLock === 'function' && typeof loaded.flock === 'function')
      addon = loaded as LockAddon;
  } catch {
    // Unloadable (built on another platform, say): the lock-file fallback.
  }
  return addon;
}
