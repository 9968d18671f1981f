/**
 * The public encryption API: RFC 3961 encrypt, decrypt, get_mic/verify_mic and pseudo-random
 * for every enctype with a profile, resolved through the enctype and checksum tables.
 *
 *   const ct = encrypt(18, key, KEY_USAGE.PA_ENC_TIMESTAMP, timestampDer);
 *   const part = decrypt(18, key, KEY_USAGE.AS_REP_ENC_PART, encPart.cipher);   // CRYPTO_INTEGRITY on a wrong key
 *
 * All synchronous: Kerberos messages are small. The core picks no randomness itself: the
 * confounder comes from an injected source, by default Web Crypto's getRandomValues (a global
 * in Node >= 20 and in browsers). Cipher state always starts at its initial value; Kerberos
 * messages never chain it.
 *
 * Decryption of the CBC enctypes (DES, DES3) returns the plaintext with its zero padding to
 * the block size, as RFC 3961 section 3 allows: the plaintext length is not carried, and DER
 * messages know their own length.
 */
import { KtError } from '../errors.js';
import { wipe } from '../bytes.js';
import { resolveChecksumType, type ChecksumTypeInfo } from './checksums.js';
import { resolveEnctype, type EnctypeInfo } from './enctypes.js';
import type { EncryptionProfile, RandomSource } from './families/types.js';
import { checkKeyLength } from './string-to-key.js';

export type { RandomSource } from './families/types.js';

export interface EncryptOptions {
  /** The confounder (known-answer tests): exactly one confounder length. Random when absent. */
  readonly confounder?: Uint8Array;
  /** Where random confounders come from; defaults to `webCryptoRandom`. */
  readonly random?: RandomSource;
}

export interface ChecksumOptions {
  /** For the DES checksums' confounder (rsa-md4-des, rsa-md5-des); defaults to `webCryptoRandom`. */
  readonly random?: RandomSource;
}

/** n bytes from `globalThis.crypto.getRandomValues` (Web Crypto; no node:crypto import). */
export const webCryptoRandom: RandomSource = (n) =>
  globalThis.crypto.getRandomValues(new Uint8Array(n));

interface Profiled {
  readonly info: EnctypeInfo;
  readonly profile: EncryptionProfile;
}

/** The enctype and its profile, or ENCTYPE_UNKNOWN; the key must have the enctype's length. */
function profiled(enctype: number | string, key: Uint8Array): Profiled {
  const info = resolveEnctype(enctype);
  if (!info.profile) {
    throw new KtError(
      'ENCTYPE_UNKNOWN',
      `etype ${info.id} (${info.name}) has no encryption profile here`,
      {
        details: { enctype: info.id },
      },
    );
  }
  bytesArgument(key, 'key');
  checkKeyLength(info.id, key);
  return { info, profile: info.profile };
}

function bytesArgument(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new KtError('INPUT_INVALID', `${what} must be a Uint8Array`);
}

/** Key usages are 32-bit unsigned numbers (RFC 3961 section 3; RFC 4120 section 7.5.1). */
function checkUsage(usage: number): void {
  if (!Number.isInteger(usage) || usage < 0 || usage > 0xffffffff) {
    throw new KtError('INPUT_INVALID', `key usage must be an integer 0..2^32-1, got ${usage}`, {
      details: { usage },
    });
  }
}

function randomBytes(random: RandomSource, n: number): Uint8Array {
  const bytes = random(n);
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
    throw new KtError(
      'INTERNAL',
      `the random source returned ${bytes?.length} bytes, ${n} were asked`,
    );
  }
  return bytes;
}

/**
 * RFC 3961 encrypt with the initial cipher state: confounder, integrity and encryption as the
 * enctype's profile defines them. The 5th argument is a confounder (for known-answer tests)
 * or options with a random source.
 */
export function encrypt(
  enctype: number | string,
  key: Uint8Array,
  usage: number,
  plaintext: Uint8Array,
  confounderOrOptions?: Uint8Array | EncryptOptions,
): Uint8Array {
  const { info, profile } = profiled(enctype, key);
  checkUsage(usage);
  bytesArgument(plaintext, 'plaintext');
  const options: EncryptOptions =
    confounderOrOptions instanceof Uint8Array
      ? { confounder: confounderOrOptions }
      : (confounderOrOptions ?? {});
  const given = options.confounder;
  if (
    given !== undefined &&
    (!(given instanceof Uint8Array) || given.length !== profile.confounderLength)
  ) {
    throw new KtError(
      'INPUT_INVALID',
      `${info.name} takes a ${profile.confounderLength}-byte confounder, got ${given?.length}`,
      {
        details: { enctype: info.id, expected: profile.confounderLength },
      },
    );
  }
  const confounder =
    given ?? randomBytes(options.random ?? webCryptoRandom, profile.confounderLength);
  try {
    return profile.encrypt(key, usage, plaintext, confounder);
  } finally {
    if (given === undefined) wipe(confounder);
  }
}

/**
 * RFC 3961 decrypt. Throws CRYPTO_INTEGRITY when the integrity check fails (a wrong key, kvno
 * or usage, or tampered data) and CRYPTO_BAD_CIPHERTEXT for a length no encryption produces.
 */
export function decrypt(
  enctype: number | string,
  key: Uint8Array,
  usage: number,
  ciphertext: Uint8Array,
): Uint8Array {
  const { profile } = profiled(enctype, key);
  checkUsage(usage);
  bytesArgument(ciphertext, 'ciphertext');
  return profile.decrypt(key, usage, ciphertext);
}

/** A checksum type and a key it accepts (unkeyed types take any key, including an empty one). */
function keyedChecksum(
  cksumtype: number | string,
  key: Uint8Array,
  usage: number,
): ChecksumTypeInfo {
  const info = resolveChecksumType(cksumtype);
  bytesArgument(key, 'key');
  checkUsage(usage);
  const range = info.keyLength;
  if (range && (key.length < range.min || key.length > range.max)) {
    const expected = range.min === range.max ? `${range.min}` : `${range.min} to ${range.max}`;
    throw new KtError(
      'KEY_BAD_LENGTH',
      `${info.name} (${info.id}) takes ${expected}-byte keys, got ${key.length}`,
      {
        details: { cksumtype: info.id, got: key.length },
      },
    );
  }
  return info;
}

/** RFC 3961 get_mic: the checksum of `data` (cksumtype by number or name). */
export function checksum(
  cksumtype: number | string,
  key: Uint8Array,
  usage: number,
  data: Uint8Array,
  options: ChecksumOptions = {},
): Uint8Array {
  const info = keyedChecksum(cksumtype, key, usage);
  bytesArgument(data, 'data');
  return info.make(key, usage, data, options.random ?? webCryptoRandom);
}

/** RFC 3961 verify_mic: true when `mac` is the checksum of `data` (constant-time for keyed types). */
export function verifyChecksum(
  cksumtype: number | string,
  key: Uint8Array,
  usage: number,
  data: Uint8Array,
  mac: Uint8Array,
): boolean {
  const info = keyedChecksum(cksumtype, key, usage);
  bytesArgument(data, 'data');
  bytesArgument(mac, 'mac');
  return info.verify(key, usage, data, mac);
}

/** The mandatory keyed checksum type of an enctype, e.g. 18 -> 16 (hmac-sha1-96-aes256), 23 -> -138. */
export function checksumTypeFor(enctype: number | string): number {
  const info = resolveEnctype(enctype);
  if (info.checksumType === undefined) {
    throw new KtError(
      'ENCTYPE_UNKNOWN',
      `etype ${info.id} (${info.name}) has no checksum type here`,
      {
        details: { enctype: info.id },
      },
    );
  }
  return info.checksumType;
}

/** RFC 3961 pseudo-random: `prfLength(enctype)` bytes (16 for DES/DES3/AES-SHA1/Camellia, 20 RC4, 32/48 RFC 8009). */
export function prf(enctype: number | string, key: Uint8Array, input: Uint8Array): Uint8Array {
  const { profile } = profiled(enctype, key);
  bytesArgument(input, 'input');
  return profile.prf(key, input);
}

export function prfLength(enctype: number | string): number {
  const info = resolveEnctype(enctype);
  if (!info.profile)
    throw new KtError(
      'ENCTYPE_UNKNOWN',
      `etype ${info.id} (${info.name}) has no encryption profile here`,
    );
  return info.profile.prfLength;
}
