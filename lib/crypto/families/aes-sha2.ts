/**
 * aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20), RFC 8009.
 *
 * Section 4: "saltp = enctype-name | 0x00 | salt; tkey = random-to-key(PBKDF2-HMAC-SHA2(
 * passphrase, saltp, iter_count, keylength)); base-key = random-to-key(KDF-HMAC-SHA2(tkey,
 * "kerberos", keylength))", default iteration count 32768 (s2kparams 00 00 80 00), SHA-256 for
 * enctype 19 and SHA-384 for 20 (section 5). The enctype name in the salt is MIT's "pepper".
 *
 * Section 5, encryption: the RFC 3961 simplified profile's shape with two changes, Ke/Ki from
 * KDF-HMAC-SHA2 and encrypt-then-MAC:
 *
 *   C = AES-CTS(Ke, conf | plaintext, IV = 0)        (RFC 3962 CBC-CTS, 16-byte confounder)
 *   H = HMAC-SHA-256/384(Ki, IV | C) truncated to 128/192 bits
 *   ciphertext = C | H
 *
 * Checksums 19 (hmac-sha256-128-aes128) and 20 (hmac-sha384-192-aes256) are HMAC(Kc, data)
 * truncated the same way; PRF = KDF-HMAC-SHA2(base-key, "prf", octet-string, 256 / 384).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { concatBytes, wipe } from '../../bytes.js';
import { KtError } from '../../errors.js';
import { AES_CBC } from '../primitives/aes.js';
import { prfConstant, simplifiedProfile, usageConstant, type KeyKind } from '../rfc3961.js';
import { zeroIvCts } from '../rfc3962.js';
import { identityRandomToKey } from './identity.js';
import { pbkdf2StringToKey } from './pbkdf2-s2k.js';
import type { FamilyFactory } from './types.js';

export const AES_SHA2_DEFAULT_ITERATIONS = 32768;

export interface AesSha2Parameters {
  readonly hash: 'sha256' | 'sha384';
  /** Kc and Ki length in bytes (section 5: 128 bits for enctype 19, 192 for 20). Ke is the key length. */
  readonly macLength: number;
}

const HMAC_HASH = { sha256, sha384 } as const;

/**
 * KDF-HMAC-SHA2(key, label, [context,] k) = k-truncate(K1), K1 = HMAC-SHA-256/384(key,
 * 0x00000001 | label | 0x00 | context | k), k as a 32-bit big-endian bit count (RFC 8009
 * section 3, an SP 800-108 counter-mode KDF with one iteration; k never exceeds the hash
 * length here). The context is empty for key derivation and is the input of the PRF.
 */
export function kdfHmacSha2(
  hash: 'sha256' | 'sha384',
  key: Uint8Array,
  label: Uint8Array,
  outBytes: number,
  context: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const hashFn = HMAC_HASH[hash];
  if (outBytes < 1 || outBytes > hashFn.outputLen) {
    throw new KtError(
      'INTERNAL',
      `KDF-HMAC-SHA2 output ${outBytes} bytes exceeds one ${hash} block`,
    );
  }
  const k = new Uint8Array(4);
  new DataView(k.buffer).setUint32(0, outBytes * 8);
  const message = concatBytes(new Uint8Array([0, 0, 0, 1]), label, new Uint8Array(1), context, k);
  const mac = hmac(hashFn, key, message);
  const out = mac.slice(0, outBytes);
  wipe(mac, message);
  return out;
}

export const aesSha2 =
  (params: AesSha2Parameters): FamilyFactory =>
  (spec) => {
    const randomToKey = identityRandomToKey(spec.keyLength, spec.name);
    // Section 5: Kc = KDF(base-key, usage | 0x99, mac bits), Ke = KDF(base-key, usage | 0xAA,
    // key bits), Ki = KDF(base-key, usage | 0x55, mac bits).
    const kindLength = { Kc: params.macLength, Ke: spec.keyLength, Ki: params.macLength } as const;
    const deriveKey = (baseKey: Uint8Array, usage: number, kind: KeyKind): Uint8Array =>
      kdfHmacSha2(params.hash, baseKey, usageConstant(usage, kind), kindLength[kind]);
    const prfLength = HMAC_HASH[params.hash].outputLen;
    return {
      family: 'aes-sha2',
      seedLength: spec.keyLength,
      defaultIterations: AES_SHA2_DEFAULT_ITERATIONS,
      stringToKey: pbkdf2StringToKey(spec, {
        hash: params.hash,
        defaultIterations: AES_SHA2_DEFAULT_ITERATIONS,
        pepper: true,
        kdf: (tkey, constant) => kdfHmacSha2(params.hash, tkey, constant, spec.keyLength),
      }),
      randomToKey,
      deriveKey,
      profile: simplifiedProfile(spec.name, {
        cipher: zeroIvCts(AES_CBC),
        mac: (key, data) => hmac(HMAC_HASH[params.hash], key, data),
        macLength: params.macLength,
        deriveKey,
        macCovers: 'iv-and-ciphertext',
        prf: (baseKey, input) => kdfHmacSha2(params.hash, baseKey, prfConstant(), prfLength, input),
        prfLength,
      }),
    };
  };
