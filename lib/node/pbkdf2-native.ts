/**
 * The native PBKDF2 provider: node:crypto's pbkdf2 (OpenSSL), asynchronous, so each call runs
 * on a libuv thread-pool thread and several keys derive in parallel (UV_THREADPOOL_SIZE, 4 by
 * default). This is an edge module: the pure core never imports it; a host calls
 * `useNativeCrypto()` once at start-up.
 */
import { pbkdf2 as nodePbkdf2 } from 'node:crypto';
import { purePbkdf2, setPbkdf2Provider, type Pbkdf2Hash, type Pbkdf2Provider } from '../crypto/primitives/pbkdf2.js';

/** node:crypto validates the iteration count as a signed 32-bit integer. */
const NODE_MAX_ITERATIONS = 0x7fffffff;

export const nativePbkdf2: Pbkdf2Provider = Object.freeze({
  name: 'node:crypto',
  derive(hash: Pbkdf2Hash, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Promise<Uint8Array> {
    // Counts from 2^31 to 2^32-1 are legal in Kerberos but not in node:crypto: compute those
    // with the pure implementation rather than fail.
    if (iterations > NODE_MAX_ITERATIONS) return purePbkdf2.derive(hash, password, salt, iterations, dkLen);
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
});

/** Makes every PBKDF2 in the process use node:crypto. */
export function useNativeCrypto(): void {
  setPbkdf2Provider(nativePbkdf2);
}
