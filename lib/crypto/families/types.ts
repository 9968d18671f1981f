/**
 * What a family module gives the enctype table: the functions of one enctype, built from the
 * family's parameters (MIT etypes.c keeps the same split: one record per enctype pointing at
 * shared family code).
 */
import type { EnctypeFamily } from '../enctypes.js';
import type { Pbkdf2Function } from '../primitives/pbkdf2.js';
import type { KeyKind } from '../rfc3961.js';

export type { Pbkdf2Function } from '../primitives/pbkdf2.js';

/** Per-call overrides; `stringToKeys` uses it to share one PBKDF2 run between 17 and 18. */
export interface S2kContext {
  readonly pbkdf2?: Pbkdf2Function;
}

/**
 * The derivation functions of one enctype. Inputs are bytes; they are never modified, and
 * every result is a fresh array the caller owns.
 */
export interface FamilyFunctions {
  readonly family: EnctypeFamily;
  /** Bytes random-to-key takes (RFC 3961 "key-generation seed length"). */
  readonly seedLength: number;
  /** PBKDF2 families only: the iteration count used when none is given. */
  readonly defaultIterations?: number;
  /**
   * string-to-key. `iterations` undefined means the family default; families without an
   * iteration count ignore it. The count is validated by the caller (1..2^32-1).
   */
  readonly stringToKey: (
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number | undefined,
    ctx?: S2kContext,
  ) => Promise<Uint8Array>;
  readonly randomToKey: (seed: Uint8Array) => Uint8Array;
  /** Simplified-profile key derivation (Kc/Ke/Ki of a usage); absent for DES and RC4. */
  readonly deriveKey?: (baseKey: Uint8Array, usage: number, kind: KeyKind) => Uint8Array;
  /** Encryption, decryption, the mandatory checksum and the PRF (RFC 3961 sections 3 and 4). */
  readonly profile?: EncryptionProfile;
}

/** Returns n random bytes (injected: the core never picks a random source itself). */
export type RandomSource = (n: number) => Uint8Array;

/**
 * A checksum mechanism (RFC 3961 section 4): `make` is get_mic, `verify` is verify_mic. Keys
 * and usages are already validated by the caller; unkeyed checksums ignore both. `random` is
 * only used by the DES checksums that carry a confounder (RFC 3961 sections 6.2.4, 6.2.5).
 */
export interface ChecksumFunctions {
  /** Checksum bytes on the wire. */
  readonly size: number;
  readonly make: (
    key: Uint8Array,
    usage: number,
    data: Uint8Array,
    random: RandomSource,
  ) => Uint8Array;
  /** Constant-time for keyed checksums; false (never an exception) when the MAC does not match. */
  readonly verify: (key: Uint8Array, usage: number, data: Uint8Array, mac: Uint8Array) => boolean;
}

/**
 * The encryption profile of one enctype (RFC 3961 section 3), with the initial (all-zero, or
 * for des-cbc-crc the key) cipher state: Kerberos messages never chain cipher state.
 */
export interface EncryptionProfile {
  /** Bytes of random confounder prefixed to every plaintext (a cipher block; 8 for RC4). */
  readonly confounderLength: number;
  /** `confounder` has exactly `confounderLength` bytes. */
  readonly encrypt: (
    key: Uint8Array,
    usage: number,
    plaintext: Uint8Array,
    confounder: Uint8Array,
  ) => Uint8Array;
  /**
   * Throws CRYPTO_BAD_CIPHERTEXT for a length no encryption can produce and CRYPTO_INTEGRITY
   * when the integrity check fails. CBC enctypes (DES, DES3) return the plaintext with its zero
   * padding, as RFC 3961 section 3 allows: the length is not carried.
   */
  readonly decrypt: (key: Uint8Array, usage: number, ciphertext: Uint8Array) => Uint8Array;
  /** The enctype's mandatory checksum (RFC 3961 "required checksum mechanism"). */
  readonly checksum: ChecksumFunctions;
  /** pseudo-random (RFC 3961 section 3): `prfLength` bytes. */
  readonly prf: (key: Uint8Array, input: Uint8Array) => Uint8Array;
  readonly prfLength: number;
}

/** What a family needs to know about the enctype it serves. */
export interface EnctypeSpec {
  readonly name: string;
  readonly keyLength: number;
}

export type FamilyFactory = (spec: EnctypeSpec) => FamilyFunctions;
