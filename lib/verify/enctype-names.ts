/**
 * The enctypes verify and doctor name on purpose, looked up by name in the enctype table
 * (lib/crypto/enctypes.ts), so no number stands here. Candidates for lib/crypto/policy.ts.
 */
import { enctypeById, resolveEnctype } from '../crypto/enctypes.js';

const ids = (...names: readonly string[]): readonly number[] => Object.freeze(names.map((n) => resolveEnctype(n).id));

/**
 * Offered together with a deprecated enctype when the KDC refuses it alone (measured: MIT 1.20
 * answers ETYPE_NOSUPP to an AS-REQ offering only des3 or rc4, since it must also choose a
 * session key; with a modern enctype after it, it announces the deprecated one first).
 */
export const SESSION_ENCTYPES = ids('aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192', 'aes128-cts-hmac-sha256-128');

/** Offered by the clock probe (an AS-REQ for a made-up name: any enctype the KDC has will do). */
export const CLOCK_PROBE_ENCTYPES = ids('aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96');

/** RC4-HMAC: what AD issues for an account without msDS-SupportedEncryptionTypes (older DCs). */
export const RC4_HMAC = resolveEnctype('arcfour-hmac').id;

/** Single DES: allowed by some msDS-SupportedEncryptionTypes values, never worth a missing-key warning. */
export function isSingleDes(enctype: number): boolean {
  return enctypeById(enctype)?.family === 'des';
}

/** AES with HMAC-SHA1 (RFC 3962): the AES enctypes AD has. */
export function isAesSha1(enctype: number): boolean {
  return enctypeById(enctype)?.family === 'aes-sha1';
}
