/**
 * The public key-derivation API: string-to-key, random-to-key and random keys for every
 * derivable enctype, resolved by number or name through the enctype table.
 *
 * Strings are UTF-8 (RFC 3961 section 3: passwords and salts are UTF-8 octet strings); byte
 * arrays are used exactly as given, except that RC4 needs characters and so requires valid
 * UTF-8. Policy (weak enctypes, low iteration counts) is NOT applied here: the core computes
 * what it is asked, including the low counts of the RFC vectors; see policy.ts.
 */
import { toHex, utf8, wipe } from '../bytes.js';
import { KtError } from '../errors.js';
import {
  ENCTYPES,
  isDerivable,
  resolveEnctype,
  type DerivableEnctype,
  type EnctypeInfo,
} from './enctypes.js';
import type { Pbkdf2Function } from './families/types.js';
import { MAX_ITERATIONS, pbkdf2 } from './primitives/pbkdf2.js';
import type { KeyKind } from './rfc3961.js';

export type { KeyKind } from './rfc3961.js';

export interface StringToKeyParams {
  /** PBKDF2 iteration count (AES, Camellia): an integer 1..2^32-1. Ignored by other families. */
  readonly iterations?: number | undefined;
}

/** A derivable enctype, or ENCTYPE_UNKNOWN saying why its keys cannot be made. */
export function derivableEnctype(enctype: number | string | EnctypeInfo): DerivableEnctype {
  const info = typeof enctype === 'object' ? enctype : resolveEnctype(enctype);
  if (isDerivable(info)) return info;
  throw new KtError('ENCTYPE_UNKNOWN', `etype ${info.id} (${info.name}) keys cannot be derived`, {
    details: { enctype: info.id },
    hint: `derivable enctypes: ${ENCTYPES.filter(isDerivable)
      .map((e) => e.name)
      .join(', ')}`,
  });
}

/** Validates an optional iteration count (S2K_BAD_PARAMS unless an integer 1..2^32-1). */
export function checkIterations(iterations: number | undefined): number | undefined {
  if (iterations === undefined) return undefined;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new KtError(
      'S2K_BAD_PARAMS',
      `iteration count must be an integer from 1 to ${MAX_ITERATIONS}, got ${iterations}`,
      {
        details: { iterations },
      },
    );
  }
  return iterations;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 of a string (we own the copy), or the caller's bytes (we do not). */
function asBytes(
  value: string | Uint8Array,
  what: 'password' | 'salt',
): { bytes: Uint8Array; owned: boolean } {
  if (value instanceof Uint8Array) return { bytes: value, owned: false };
  if (typeof value !== 'string') {
    throw new KtError(
      what === 'password' ? 'PASSWORD_INVALID' : 'SALT_INVALID',
      `${what} must be a string or a Uint8Array`,
    );
  }
  // A lone surrogate has no UTF-8 form: TextEncoder would silently put U+FFFD in its place and
  // derive a key for a different password.
  if (LONE_SURROGATE.test(value)) {
    throw new KtError(
      what === 'password' ? 'PASSWORD_INVALID' : 'SALT_INVALID',
      `the ${what} contains an unpaired UTF-16 surrogate (U+D800..U+DFFF), which has no UTF-8 encoding`,
    );
  }
  return { bytes: utf8(value), owned: true };
}

async function deriveOne(
  info: DerivableEnctype,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number | undefined,
  run: Pbkdf2Function | undefined,
): Promise<Uint8Array> {
  const key = await info.stringToKey(password, salt, iterations, run ? { pbkdf2: run } : undefined);
  if (key.length !== info.keyLength) {
    wipe(key);
    throw new KtError(
      'INTERNAL',
      `${info.name}: string-to-key made ${key.length} bytes, expected ${info.keyLength}`,
    );
  }
  return key;
}

/**
 * string-to-key (RFC 3961 section 3) for one enctype.
 *
 *   await stringToKey('aes256-cts-hmac-sha1-96', 'password', 'ATHENA.MIT.EDUraeburn')
 *
 * RC4 ignores the salt and the iteration count; DES and DES3 ignore the iteration count.
 */
export async function stringToKey(
  enctype: number | string,
  password: string | Uint8Array,
  salt: string | Uint8Array,
  params: StringToKeyParams = {},
): Promise<Uint8Array> {
  const info = derivableEnctype(enctype);
  const iterations = checkIterations(params.iterations);
  const pw = asBytes(password, 'password');
  try {
    const s = asBytes(salt, 'salt');
    return await deriveOne(info, pw.bytes, s.bytes, iterations, undefined);
  } finally {
    if (pw.owned) wipe(pw.bytes);
  }
}

/**
 * string-to-key for several enctypes at once (same password, salt and parameters), results in
 * the order asked. The derivations run concurrently (with the native PBKDF2 provider, on
 * separate thread-pool threads), and identical PBKDF2 runs are shared: aes128 and aes256
 * (RFC 3962) use the same PRF and salt, and PBKDF2's first 16 output bytes do not depend on
 * the requested length, so one 32-byte run serves both.
 */
export async function stringToKeys(
  enctypes: readonly (number | string)[],
  password: string | Uint8Array,
  salt: string | Uint8Array,
  params: StringToKeyParams = {},
): Promise<Uint8Array[]> {
  const infos = enctypes.map((e) => derivableEnctype(e));
  const iterations = checkIterations(params.iterations);
  const pw = asBytes(password, 'password');
  const runs: Promise<Uint8Array>[] = [];
  const memo = new Map<string, { dkLen: number; result: Promise<Uint8Array> }>();
  const shared: Pbkdf2Function = async (hash, pwBytes, saltp, count, dkLen) => {
    const id = `${hash}/${count}/${toHex(saltp)}`;
    let entry = memo.get(id);
    if (!entry || entry.dkLen < dkLen) {
      entry = { dkLen, result: pbkdf2(hash, pwBytes, saltp, count, dkLen) };
      memo.set(id, entry);
      runs.push(entry.result);
    }
    return (await entry.result).slice(0, dkLen);
  };
  try {
    const s = asBytes(salt, 'salt');
    // Longest keys first, so the first PBKDF2 request of a shared group asks for the most bytes.
    const order = infos.map((_, i) => i).sort((a, b) => infos[b]!.keyLength - infos[a]!.keyLength);
    const pending = new Array<Promise<Uint8Array>>(infos.length);
    for (const i of order) pending[i] = deriveOne(infos[i]!, pw.bytes, s.bytes, iterations, shared);
    const settled = await Promise.allSettled(pending);
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) {
      for (const r of settled) if (r.status === 'fulfilled') wipe(r.value);
      throw failure.reason;
    }
    return settled.map((r) => (r as PromiseFulfilledResult<Uint8Array>).value);
  } finally {
    if (pw.owned) wipe(pw.bytes);
    for (const r of await Promise.allSettled(runs)) if (r.status === 'fulfilled') wipe(r.value);
  }
}

/** random-to-key (RFC 3961 section 3): `seed` must be exactly the enctype's seed length. */
export function randomToKey(enctype: number | string, seed: Uint8Array): Uint8Array {
  const info = derivableEnctype(enctype);
  if (!(seed instanceof Uint8Array) || seed.length !== info.seedLength) {
    throw new KtError(
      'KEY_BAD_LENGTH',
      `${info.name} random-to-key takes ${info.seedLength} bytes, got ${seed?.length}`,
      {
        details: { enctype: info.id, expected: info.seedLength, got: seed?.length ?? null },
      },
    );
  }
  return info.randomToKey(seed);
}

/**
 * A fresh random key: random-to-key over `seedLength` bytes from the injected source (e.g.
 * `(n) => crypto.getRandomValues(new Uint8Array(n))`). The seed is wiped afterwards.
 */
export function randomKey(enctype: number | string, random: (n: number) => Uint8Array): Uint8Array {
  const info = derivableEnctype(enctype);
  const seed = random(info.seedLength);
  if (!(seed instanceof Uint8Array) || seed.length !== info.seedLength) {
    throw new KtError(
      'INTERNAL',
      `the random source returned ${seed?.length} bytes, ${info.seedLength} were asked`,
    );
  }
  try {
    return randomToKey(info.id, seed);
  } finally {
    wipe(seed);
  }
}

/** KEY_BAD_LENGTH unless `key` has the enctype's key length (e.g. for raw keys from users). */
export function checkKeyLength(enctype: number | string, key: Uint8Array): void {
  const info = resolveEnctype(enctype);
  if (key.length !== info.keyLength) {
    throw new KtError(
      'KEY_BAD_LENGTH',
      `${info.name} keys are ${info.keyLength} bytes, got ${key.length}`,
      {
        details: { enctype: info.id, expected: info.keyLength, got: key.length },
      },
    );
  }
}

/**
 * Simplified-profile key derivation: Kc, Ke or Ki of a key usage (RFC 3961 section 5.3,
 * RFC 3962, RFC 6803 section 5, RFC 8009 section 5). DES3, AES and Camellia only.
 */
export function deriveKey(
  enctype: number | string,
  baseKey: Uint8Array,
  usage: number,
  kind: KeyKind,
): Uint8Array {
  const info = derivableEnctype(enctype);
  if (!info.deriveKey) {
    throw new KtError(
      'ENCTYPE_UNKNOWN',
      `${info.name} (${info.id}) has no simplified-profile key derivation`,
      {
        details: { enctype: info.id },
      },
    );
  }
  checkKeyLength(info.id, baseKey);
  return info.deriveKey(baseKey, usage, kind);
}
