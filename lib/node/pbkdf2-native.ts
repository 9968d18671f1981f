/**
 * The native PBKDF2 providers. This is an edge module: the pure core never imports it; a host
 * calls `useNativeCrypto()` once at start-up.
 *
 * - `opensslPbkdf2`: node:crypto's pbkdf2 (OpenSSL), asynchronous, so each call runs on a libuv
 *   thread-pool thread and several keys derive in parallel (UV_THREADPOOL_SIZE, 4 by default).
 * - `nativePbkdf2`: the same, except that PBKDF2-HMAC-SHA1 (AES-SHA1 and Camellia
 *   string-to-key) goes to the project's addon, build/keytab_native.node, when it is built and
 *   the CPU has the SHA extensions. It is several times faster than OpenSSL there (see
 *   native/keytab_native.c) and also runs on the thread pool. It is loaded on first use, so
 *   commands that derive nothing do not pay for it.
 */
import { pbkdf2 as nodePbkdf2 } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  definePbkdf2Provider,
  purePbkdf2,
  setPbkdf2Provider,
  type Pbkdf2Provider,
} from '../crypto/primitives/pbkdf2.js';
import { packageFile } from './package-files.js';

/** node:crypto validates the iteration count as a signed 32-bit integer. */
const NODE_MAX_ITERATIONS = 0x7fffffff;

export const opensslPbkdf2: Pbkdf2Provider = definePbkdf2Provider(
  'node:crypto',
  (hash, password, salt, iterations, dkLen) => {
    // Counts from 2^31 to 2^32-1 are legal in Kerberos but not in node:crypto: compute those
    // with the pure implementation rather than fail.
    if (iterations > NODE_MAX_ITERATIONS)
      return purePbkdf2.derive(hash, password, salt, iterations, dkLen);
    return new Promise((resolve, reject) => {
      nodePbkdf2(password, salt, iterations, dkLen, hash, (err, derived) => {
        if (err) {
          reject(err);
          return;
        }
        // Hand the core a plain Uint8Array, and zero node's Buffer.
        const out = new Uint8Array(derived.length);
        out.set(derived);
        derived.fill(0);
        resolve(out);
      });
    });
  },
);

/** What build/keytab_native.node exports. */
interface NativeAddon {
  /** True when the CPU has the SHA extensions (the only case the addon computes anything). */
  readonly accelerated: boolean;
  pbkdf2HmacSha1(
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    dkLen: number,
  ): Promise<Uint8Array>;
}

let addon: NativeAddon | null | undefined;

/** The addon when it is built and useful on this CPU, else null (looked up once). */
function loadAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  const file =
    process.env['KEYTAB_NATIVE_ADDON'] === '0'
      ? undefined
      : packageFile('build/keytab_native.node');
  if (!file) return addon;
  try {
    const loaded = createRequire(import.meta.url)(file) as NativeAddon;
    if (loaded.accelerated === true && typeof loaded.pbkdf2HmacSha1 === 'function') addon = loaded;
  } catch {
    // Unloadable (built on another platform, say): OpenSSL computes the same keys.
  }
  return addon;
}

/** Which PBKDF2-HMAC-SHA1 implementation `nativePbkdf2` uses here: 'sha-ni' or 'node:crypto'. */
export function nativeSha1Backend(): 'sha-ni' | 'node:crypto' {
  return loadAddon() ? 'sha-ni' : 'node:crypto';
}

export const nativePbkdf2: Pbkdf2Provider = definePbkdf2Provider(
  'native',
  (hash, password, salt, iterations, dkLen) => {
    const fast = hash === 'sha1' ? loadAddon() : null;
    return fast
      ? fast.pbkdf2HmacSha1(password, salt, iterations, dkLen)
      : opensslPbkdf2.derive(hash, password, salt, iterations, dkLen);
  },
);

/** Makes every PBKDF2 in the process use the native providers. */
export function useNativeCrypto(): void {
  setPbkdf2Provider(nativePbkdf2);
}
