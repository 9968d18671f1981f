/**
 * arcfour-hmac (23) and arcfour-hmac-exp (24), RFC 4757.
 *
 * Section 2: "K = MD4(UNICODE(password))": the NT hash. UNICODE is UTF-16LE without a
 * terminator; characters outside the BMP become surrogate pairs (what MIT and Windows hash;
 * Heimdal 7.8 refuses them). The salt and s2kparams are ignored, so one password gives the same
 * key for every principal. The export variant (24) has the same key; its weakening happens in
 * encryption.
 *
 * Section 5, encryption (T = the translated key usage, 4 bytes little-endian):
 *
 *   K1 = HMAC-MD5(K, T)                          (24: HMAC-MD5(K, "fortybits\0" | T))
 *   K2 = K1;  24 only: K1[7..15] = 0xAB          (40 secret bits left in the RC4 key)
 *   checksum = HMAC-MD5(K2, confounder(8) | plaintext)
 *   K3 = HMAC-MD5(K1, checksum)
 *   ciphertext = checksum | RC4(K3, confounder | plaintext)
 *
 * Section 4, the checksum (type -138, KERB_CHECKSUM_HMAC_MD5):
 *
 *   Ksign = HMAC-MD5(K, "signaturekey\0");  tmp = MD5(T | data);  CHKSUM = HMAC-MD5(Ksign, tmp)
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import {
  bytesEqual,
  concatBytes,
  fromUtf8,
  isValidUtf8,
  utf16le,
  utf8,
  wipe,
} from '../../bytes.js';
import { KtError } from '../../errors.js';
import { md4 } from '../primitives/md4.js';
import { rc4 as rc4Cipher } from '../primitives/rc4.js';
import { badCiphertext, integrityFailure } from '../rfc3961.js';
import { identityRandomToKey } from './identity.js';
import type { ChecksumFunctions, EncryptionProfile, FamilyFactory } from './types.js';

/** MD4(UTF-16LE(password)), the password given as UTF-8 bytes. */
export function rc4StringToKey(passwordUtf8: Uint8Array): Uint8Array {
  if (!isValidUtf8(passwordUtf8)) {
    throw new KtError(
      'PASSWORD_INVALID',
      "RC4 keys are made from the password's characters; these bytes are not valid UTF-8",
      {
        hint: 'give the password as text, or as its UTF-8 encoding',
      },
    );
  }
  const unicode = utf16le(fromUtf8(passwordUtf8));
  try {
    return md4(unicode);
  } finally {
    wipe(unicode);
  }
}

/**
 * Section 3 maps RFC 4120 key usages to the message types Windows uses: AS-REP enc-part 3 -> 8,
 * GSS wrap token 23 -> 13; every other usage is used as is. The RFC's table also maps 9 (TGS-REP
 * enc-part under the authenticator subkey) to 8; the RFC 4757 errata withdraw that entry, and
 * current MIT krb5 (checked against 1.20's libk5crypto) and Heimdal both use 9 unchanged.
 */
const MS_USAGE: ReadonlyMap<number, number> = new Map([
  [3, 8],
  [23, 13],
]);

/** The RFC 4757 message type T of a key usage, as the 4 little-endian bytes that get MACed. */
export function rc4UsageBytes(usage: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, MS_USAGE.get(usage) ?? usage, true);
  return out;
}

const hmacMd5 = (key: Uint8Array, data: Uint8Array): Uint8Array => hmac(md5, key, data);

// The C strings of the RFC, with their terminating NUL.
const FORTYBITS = utf8('fortybits\0');
const SIGNATURE_KEY = utf8('signaturekey\0');

/** HMAC-MD5(key, MD5(T | data)): the body of both HMAC-MD5 checksum types. */
function hmacOfMd5(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array {
  const input = concatBytes(rc4UsageBytes(usage), data);
  const tmp = md5(input);
  try {
    return hmacMd5(key, tmp);
  } finally {
    wipe(input, tmp);
  }
}

function verifying(
  make: (key: Uint8Array, usage: number, data: Uint8Array) => Uint8Array,
): ChecksumFunctions['verify'] {
  return (key, usage, data, mac) => {
    const expected = make(key, usage, data);
    const ok = bytesEqual(expected, mac);
    wipe(expected);
    return ok;
  };
}

const hmacMd5Make = (key: Uint8Array, usage: number, data: Uint8Array): Uint8Array => {
  const ksign = hmacMd5(key, SIGNATURE_KEY);
  try {
    return hmacOfMd5(ksign, usage, data);
  } finally {
    wipe(ksign);
  }
};

/** Checksum type -138, hmac-md5 (section 4): the mandatory checksum of 23 and 24. */
export const HMAC_MD5_CHECKSUM: ChecksumFunctions = Object.freeze({
  size: 16,
  make: hmacMd5Make,
  verify: verifying(hmacMd5Make),
});

/**
 * Checksum type -137, md5-hmac-rc4 (MIT's name; Microsoft's netlogon checksum): section 4
 * without the Ksign step, i.e. HMAC-MD5(K, MD5(T | data)) with the key itself.
 */
export const MD5_HMAC_CHECKSUM: ChecksumFunctions = Object.freeze({
  size: 16,
  make: hmacOfMd5,
  verify: verifying(hmacOfMd5),
});

export interface Rc4Parameters {
  /** arcfour-hmac-exp: the "fortybits" usage key, 0xAB over bytes 7..15 of K1. */
  readonly exportGrade: boolean;
}

const CONFOUNDER = 8;
const CHECKSUM = 16;

function rc4Profile(name: string, params: Rc4Parameters): EncryptionProfile {
  /** K1 (weakened for export) and K2 of section 5; the caller wipes both. */
  const usageKeys = (key: Uint8Array, usage: number): { k1: Uint8Array; k2: Uint8Array } => {
    const t = rc4UsageBytes(usage);
    const k2 = hmacMd5(key, params.exportGrade ? concatBytes(FORTYBITS, t) : t);
    const k1 = k2.slice();
    if (params.exportGrade) k1.fill(0xab, 7, 16);
    return { k1, k2 };
  };

  const encrypt = (
    key: Uint8Array,
    usage: number,
    plaintext: Uint8Array,
    confounder: Uint8Array,
  ): Uint8Array => {
    const { k1, k2 } = usageKeys(key, usage);
    const data = concatBytes(confounder, plaintext);
    const checksum = hmacMd5(k2, data);
    const k3 = hmacMd5(k1, checksum);
    const edata = rc4Cipher(k3, data);
    const out = concatBytes(checksum, edata);
    wipe(k1, k2, k3, data, edata);
    return out;
  };

  const decrypt = (key: Uint8Array, usage: number, ciphertext: Uint8Array): Uint8Array => {
    if (ciphertext.length < CHECKSUM + CONFOUNDER) {
      throw badCiphertext(name, ciphertext.length, `at least ${CHECKSUM + CONFOUNDER} bytes`);
    }
    const checksum = ciphertext.subarray(0, CHECKSUM);
    const { k1, k2 } = usageKeys(key, usage);
    const k3 = hmacMd5(k1, checksum);
    const data = rc4Cipher(k3, ciphertext.subarray(CHECKSUM));
    const expected = hmacMd5(k2, data);
    const ok = bytesEqual(expected, checksum);
    wipe(k1, k2, k3, expected);
    if (!ok) {
      wipe(data);
      throw integrityFailure(name);
    }
    const out = data.slice(CONFOUNDER);
    wipe(data);
    return out;
  };

  return Object.freeze({
    confounderLength: CONFOUNDER,
    encrypt,
    decrypt,
    checksum: HMAC_MD5_CHECKSUM,
    // The PRF of MIT krb5 (krb5int_arcfour_prf, checked against MIT 1.20): HMAC-SHA1(K,
    // octet-string). Heimdal 7.8 has no RC4 PRF.
    prf: (key: Uint8Array, input: Uint8Array) => hmac(sha1, key, input),
    prfLength: 20,
  });
}

export const rc4 =
  (params: Rc4Parameters): FamilyFactory =>
  (spec) => ({
    family: 'rc4',
    seedLength: spec.keyLength,
    stringToKey: async (password) => rc4StringToKey(password),
    randomToKey: identityRandomToKey(spec.keyLength, spec.name),
    profile: rc4Profile(spec.name, params),
  });
