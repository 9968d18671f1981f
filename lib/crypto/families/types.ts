/**
 * What a family module gives the enctype table: the functions of one enctype, built from the
 * family's parameters (MIT etypes.c keeps the same split: one record per enctype pointing at
 * shared family code).
 */
import type { EnctypeFamily } from '../enctypes.js';
import type { Pbkdf2Hash } from '../primitives/pbkdf2.js';
import type { KeyKind } from '../rfc3961.js';

export type Pbkdf2Function = (
  hash: Pbkdf2Hash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
) => Promise<Uint8Array>;

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
  readonly stringToKey: (password: Uint8Array, salt: Uint8Array, iterations: number | undefined, ctx?: S2kContext) => Promise<Uint8Array>;
  readonly randomToKey: (seed: Uint8Array) => Uint8Array;
  /** Simplified-profile key derivation (Kc/Ke/Ki of a usage); absent for DES and RC4. */
  readonly deriveKey?: (baseKey: Uint8Array, usage: number, kind: KeyKind) => Uint8Array;
}

/** What a family needs to know about the enctype it serves. */
export interface EnctypeSpec {
  readonly name: string;
  readonly keyLength: number;
}

export type FamilyFactory = (spec: EnctypeSpec) => FamilyFunctions;
