/**
 * RC4 (ARCFOUR), the stream cipher of arcfour-hmac (RFC 4757). Known-answer tests: RFC 6229
 * section 2 (keystream at offsets 0 .. 4096 for keys of 40 .. 256 bits).
 *
 * RC4 is broken (RFC 7465 bans it from TLS; RFC 8429 deprecates it for Kerberos). It is here
 * because Active Directory still issues RC4-HMAC tickets and keytabs, and a client has to read
 * them. @noble/ciphers omits it.
 *
 * Kerberos never continues a keystream across messages: every message gets a fresh key (K3 of
 * RFC 4757 section 5), so one function call = one key schedule + one pass.
 */
import { KtError } from '../../errors.js';

/**
 * RC4 of `data` under `key` (1..256 bytes): the key-scheduling algorithm, then the output of
 * the pseudo-random generation algorithm XORed onto the data. Encryption and decryption are the
 * same operation. Returns a fresh array; the state is zeroed afterwards.
 */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length < 1 || key.length > 256)
    throw new KtError('KEY_BAD_LENGTH', `an RC4 key is 1 to 256 bytes, got ${key.length}`);
  // KSA: S = identity permutation, then 256 swaps driven by the key bytes (repeated).
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    const si = s[i]!;
    j = (j + si + key[i % key.length]!) & 0xff;
    s[i] = s[j]!;
    s[j] = si;
  }
  // PRGA: i += 1; j += S[i]; swap(S[i], S[j]); output S[S[i] + S[j]].
  const out = new Uint8Array(data.length);
  let i = 0;
  let j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    const si = s[i]!;
    j = (j + si) & 0xff;
    const sj = s[j]!;
    s[i] = sj;
    s[j] = si;
    out[n] = data[n]! ^ s[(si + sj) & 0xff]!;
  }
  s.fill(0);
  i = j = 0;
  return out;
}
