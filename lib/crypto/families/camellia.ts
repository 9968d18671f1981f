/**
 * camellia128-cts-cmac (25) and camellia256-cts-cmac (26), RFC 6803.
 *
 * Section 4: "saltp = enctype-name | 0x00 | salt; tkey = random-to-key(PBKDF2(passphrase,
 * saltp, iter_count, keylength)); base-key = random-to-key(KDF-FEEDBACK-CMAC(tkey,
 * "kerberos"))", default iteration count 32768. The PBKDF2 PRF is HMAC-SHA1, as for RFC 3962
 * (MIT's krb5int_camellia_string_to_key calls the same HMAC-SHA1 PBKDF2; the RFC 6803
 * vectors only reproduce with SHA-1).
 *
 * Section 5: encryption and checksums are the RFC 3961 simplified profile with E = Camellia
 * in CBC-CTS mode (RFC 3962 section 5), a 16-byte confounder, and CMAC instead of HMAC:
 *
 *   C = Camellia-CTS(Ke, conf | plaintext, IV = 0); H = CMAC(Ki, conf | plaintext)
 *   ciphertext = C | H                         (h = 128 bits, not truncated)
 *   checksum   = CMAC(Kc, data)                (types 17 cmac-camellia128, 18 cmac-camellia256)
 *   PRF        = CMAC(DK(base-key, "prf"), octet-string)
 */
import { concatBytes, wipe } from '../../bytes.js';
import {
  camelliaBlock,
  camelliaCbcDecrypt,
  camelliaCbcEncrypt,
  camelliaKeySchedule,
  wipeCamelliaSchedule,
} from '../primitives/camellia.js';
import { cmac } from '../primitives/cmac.js';
import {
  prfConstant,
  simplifiedProfile,
  usageConstant,
  type CbcCipher,
  type KeyKind,
} from '../rfc3961.js';
import { zeroIvCts } from '../rfc3962.js';
import { identityRandomToKey } from './identity.js';
import { pbkdf2StringToKey } from './pbkdf2-s2k.js';
import type { FamilyFactory } from './types.js';

export const CAMELLIA_DEFAULT_ITERATIONS = 32768;

/** CMAC-Camellia (SP 800-38B over Camellia), the PRF of RFC 6803 section 3 and its checksum. */
export function camelliaCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const schedule = camelliaKeySchedule(key);
  try {
    return cmac((block) => camelliaBlock(schedule, block), message);
  } finally {
    wipeCamelliaSchedule(schedule);
  }
}

const be32 = (n: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
};

/**
 * RFC 6803 section 3 (SP 800-108 feedback mode with CMAC as the PRF):
 *   n = ceiling(k / 128); K(0) = zeros;
 *   K(i) = CMAC(key, K(i-1) | i | constant | 0x00 | k)   (i and k 32-bit big-endian, k in bits)
 *   DR(key, constant) = k-truncate(K(1) | K(2) | ... | K(n))
 *   KDF-FEEDBACK-CMAC(key, constant) = random-to-key(DR(key, constant))   (identity)
 */
export function kdfFeedbackCmac(
  key: Uint8Array,
  constant: Uint8Array,
  outBytes: number,
): Uint8Array {
  const schedule = camelliaKeySchedule(key);
  const encrypt = (block: Uint8Array): Uint8Array => camelliaBlock(schedule, block);
  const out = new Uint8Array(outBytes);
  let previous: Uint8Array = new Uint8Array(16);
  try {
    for (let i = 1, at = 0; at < outBytes; i++, at += 16) {
      const input = concatBytes(previous, be32(i), constant, new Uint8Array(1), be32(outBytes * 8));
      const next = cmac(encrypt, input);
      wipe(input, previous);
      previous = next;
      out.set(next.subarray(0, Math.min(16, outBytes - at)), at);
    }
    return out;
  } finally {
    wipe(previous);
    wipeCamelliaSchedule(schedule);
  }
}

/** Camellia-CBC over whole blocks: the cipher under CBC-CTS. */
export const CAMELLIA_CBC: CbcCipher = Object.freeze({
  blockSize: 16,
  encrypt: camelliaCbcEncrypt,
  decrypt: camelliaCbcDecrypt,
});

export const camellia: FamilyFactory = (spec) => {
  const randomToKey = identityRandomToKey(spec.keyLength, spec.name);
  const kdf = (key: Uint8Array, constant: Uint8Array): Uint8Array =>
    kdfFeedbackCmac(key, constant, spec.keyLength);
  // Section 5: Kc, Ke and Ki are KDF-FEEDBACK-CMAC(base-key, usage | 0x99/0xAA/0x55), all of key length.
  const deriveKey = (baseKey: Uint8Array, usage: number, kind: KeyKind): Uint8Array =>
    kdf(baseKey, usageConstant(usage, kind));
  return {
    family: 'camellia',
    seedLength: spec.keyLength,
    defaultIterations: CAMELLIA_DEFAULT_ITERATIONS,
    stringToKey: pbkdf2StringToKey(spec, {
      hash: 'sha1',
      defaultIterations: CAMELLIA_DEFAULT_ITERATIONS,
      pepper: true,
      kdf,
    }),
    randomToKey,
    deriveKey,
    profile: simplifiedProfile(spec.name, {
      cipher: zeroIvCts(CAMELLIA_CBC),
      mac: camelliaCmac,
      macLength: 16,
      deriveKey,
      macCovers: 'plaintext',
      prf: (baseKey, input) => {
        const key = kdf(baseKey, prfConstant());
        try {
          return camelliaCmac(key, input);
        } finally {
          wipe(key);
        }
      },
      prfLength: 16,
    }),
  };
};
