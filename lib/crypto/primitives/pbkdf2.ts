/**
 * PBKDF2-HMAC (RFC 8018 section 5.2) behind a replaceable provider.
 *
 * The pure core computes it with @noble/hashes. PBKDF2 is where string-to-key spends nearly all
 * its time (4096 or 32768 HMAC iterations per output block), so a host may register a native
 * implementation (see lib/node/pbkdf2-native.ts, which runs node:crypto on the libuv thread
 * pool). The core never imports that module; both implementations are cross-checked in tests.
 */
import { pbkdf2 as noblePbkdf2, pbkdf2Async as noblePbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { KtError } from '../../errors.js';

/** The PRFs Kerberos uses: HMAC-SHA1 (RFC 3962, RFC 6803), HMAC-SHA256/384 (RFC 8009). */
export type Pbkdf2Hash = 'sha1' | 'sha256' | 'sha384';

/** One PBKDF2 derivation: the PRF, password, salt, iteration count and output length. */
export type Pbkdf2Function = (
  hash: Pbkdf2Hash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
) => Promise<Uint8Array>;

export interface Pbkdf2Provider {
  /** Shown by `getPbkdf2ProviderName()` (e.g. in `--debug` output and benchmarks). */
  readonly name: string;
  /** Arguments are already validated. Must not keep references to password or salt. */
  readonly derive: Pbkdf2Function;
}

/** A frozen provider (its `derive` parameters are typed by Pbkdf2Function). */
export function definePbkdf2Provider(name: string, derive: Pbkdf2Function): Pbkdf2Provider {
  return Object.freeze({ name, derive });
}

const HASHES = { sha1, sha256, sha384 } as const;

/**
 * Below this many iterations the synchronous loop is used: it finishes in a few milliseconds
 * and skips the async variant's per-iteration clock checks. Above it, noble's async loop yields
 * to the event loop every 10 ms so a long derivation does not freeze the process.
 */
const SYNC_ITERATION_LIMIT = 8192;

/** The default provider: @noble/hashes, pure JavaScript. */
export const purePbkdf2: Pbkdf2Provider = definePbkdf2Provider(
  'noble',
  async (hash, password, salt, iterations, dkLen) => {
    const opts = { c: iterations, dkLen };
    return iterations <= SYNC_ITERATION_LIMIT
      ? noblePbkdf2(HASHES[hash], password, salt, opts)
      : noblePbkdf2Async(HASHES[hash], password, salt, opts);
  },
);

let provider: Pbkdf2Provider = purePbkdf2;

/** Registers a provider; `null` restores the pure default. */
export function setPbkdf2Provider(next: Pbkdf2Provider | null): void {
  provider = next ?? purePbkdf2;
}

export function getPbkdf2ProviderName(): string {
  return provider.name;
}

/** Largest iteration count PBKDF2 parameters can carry in Kerberos (4-byte s2kparams). */
export const MAX_ITERATIONS = 0xffffffff;

/**
 * PBKDF2 with the selected provider. The iteration count must be an integer 1..2^32-1: the
 * core accepts the low counts of the RFC vectors; refusing weak counts is policy (policy.ts).
 */
export const pbkdf2: Pbkdf2Function = (hash, password, salt, iterations, dkLen) => {
  if (!Object.hasOwn(HASHES, hash)) {
    return Promise.reject(
      new KtError('S2K_BAD_PARAMS', `unsupported PBKDF2 hash "${String(hash)}"`),
    );
  }
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    return Promise.reject(
      new KtError(
        'S2K_BAD_PARAMS',
        `iteration count must be an integer from 1 to ${MAX_ITERATIONS}, got ${iterations}`,
        {
          details: { iterations },
        },
      ),
    );
  }
  if (!Number.isInteger(dkLen) || dkLen < 1 || dkLen > 1024) {
    return Promise.reject(
      new KtError('S2K_BAD_PARAMS', `PBKDF2 output length must be 1..1024 bytes, got ${dkLen}`),
    );
  }
  return provider.derive(hash, password, salt, iterations, dkLen);
};
