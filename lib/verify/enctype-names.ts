/**
 * The enctypes verify and doctor name on purpose, looked up by name in the enctype table
 * (lib/crypto/enctypes.ts) or named in lib/crypto/policy.ts, so no number stands here.
 */
import { enctypeById, resolveEnctype } from '../crypto/enctypes.js';

/**
 * SESSION_ENCTYPES is offered together with a deprecated enctype when the KDC refuses it alone
 * (measured: MIT 1.20 answers ETYPE_NOSUPP to an AS-REQ offering only des3 or rc4, since it
 * must also choose a session key; with a modern enctype after it, it announces the deprecated
 * one first). The clock probe (an AS-REQ for a made-up name) offers PROBE_ENCTYPES: any
 * enctype the KDC has will do. Both groups are named in lib/crypto/policy.ts.
 */
export { SESSION_ENCTYPES, PROBE_ENCTYPES as CLOCK_PROBE_ENCTYPES } from '../crypto/policy.js';

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
