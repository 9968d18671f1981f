/**
 * RFC 4757 section 7.3 Wrap tokens (GSS_Wrap / GSS_Unwrap) for arcfour-hmac (23) and
 * arcfour-hmac-exp (24) keys: the RFC 1964 section 1.2.2 token layout with RC4 algorithms, in
 * the RFC 1964 section 1.1 framing (gss-framing.ts). Initiator side. Pure.
 *
 *   octets  0..1   TOK_ID     02 01
 *           2..3   SGN_ALG    11 00 (HMAC-MD5)
 *           4..5   SEAL_ALG   10 00 (RC4) or ff ff (not sealed)
 *           6..7   Filler     ff ff
 *           8..15  SND_SEQ    RC4(Kseq, seq (4 octets, big-endian) || direction (4 octets))
 *           16..23 SGN_CKSUM  the first 8 octets of the HMAC-MD5 checksum (type -138)
 *           24..31 Confounder 8 random octets, RC4-encrypted when sealed
 *           32..   Data       the message || padding (one octet 01), RC4-encrypted when sealed
 *
 *   SGN_CKSUM = HMAC-MD5 checksum, key usage 13, over octets 0..7 || Confounder || Data (plain)
 *   Kseq      = HMAC-MD5(HMAC-MD5(K, T), SGN_CKSUM)              T = 00 00 00 00
 *   Klocal    = K XOR F0 (every octet)
 *   Kcrypt    = HMAC-MD5(HMAC-MD5(Klocal, T), seq (4 octets, big-endian))
 *   Confounder || Data is one RC4 stream under Kcrypt.
 *
 * Direction: 00 00 00 00 from the initiator, ff ff ff ff from the acceptor. For the 40-bit
 * export enctype, the inner HMAC takes "fortybits\0" || T and its octets 7..15 are set to AB
 * (MIT util_crypt.c kg_arcfour_docrypt applies this only to that enctype; so does Heimdal's
 * arcfour.c). The checksum itself has no export variant. Errors: GSS_BAD_TOKEN (malformed),
 * GSS_INTEGRITY (checksum, or our own direction reflected back), GSS_SEQUENCE (order).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5 } from '@noble/hashes/legacy.js';
import { bytesEqual, concatBytes, utf8, wipe } from '../bytes.js';
import { resolveEnctype } from '../crypto/enctypes.js';
import { rc4 } from '../crypto/primitives/rc4.js';
import { checksum, checksumTypeFor } from '../crypto/profiles.js';
import { KtError } from '../errors.js';
import type { KrbKey } from './client.js';
import { frameMechToken, unframeMechToken } from './gss-framing.js';
import { acceptSequence, type WrapFunction, type WrapState } from './gss-wrap.js';

const TOK_WRAP = 0x0201;
const SGN_ALG_HMAC_MD5 = [0x11, 0x00] as const;
const SEAL_ALG_RC4 = [0x10, 0x00] as const;
const SEAL_ALG_NONE = [0xff, 0xff] as const;
/** RFC 4757 section 7.3: the Wrap checksum's key usage (MIT's KG_USAGE_SIGN 23, translated). */
const WRAP_USAGE = 13;
const CKSUM = 8;
const CONFOUNDER = 8;
/** SGN_ALG .. Confounder: the token body after TOK_ID, before the data. */
const FIXED = 6 + 8 + CKSUM + CONFOUNDER;
const FROM_INITIATOR = Uint8Array.of(0, 0, 0, 0);
const FROM_ACCEPTOR = Uint8Array.of(0xff, 0xff, 0xff, 0xff);
const FORTYBITS = utf8('fortybits\0');
const T0 = Uint8Array.of(0, 0, 0, 0);

const hmacMd5 = (key: Uint8Array, data: Uint8Array): Uint8Array => hmac(md5, key, data);

function bad(message: string): KtError {
  return new KtError('GSS_BAD_TOKEN', message);
}

/** In the rc4 family of the enctype table, only the 40-bit export enctype is marked weak. */
function exportGrade(key: KrbKey): boolean {
  return resolveEnctype(key.enctype).weak;
}

/** HMAC-MD5(HMAC-MD5(key, [fortybits\0] || T), data), the RC4 key of kg_arcfour_docrypt. */
function rc4Key(key: Uint8Array, exp: boolean, data: Uint8Array): Uint8Array {
  const usageKey = hmacMd5(key, exp ? concatBytes(FORTYBITS, T0) : T0);
  if (exp) usageKey.fill(0xab, 7, 16);
  const out = hmacMd5(usageKey, data);
  wipe(usageKey);
  return out;
}

function klocal(key: Uint8Array): Uint8Array {
  return key.map((b) => b ^ 0xf0);
}

function seqBytes(seq: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, seq);
  return out;
}

function sgnCksum(key: KrbKey, header: Uint8Array, plain: Uint8Array): Uint8Array {
  return checksum(
    checksumTypeFor(key.enctype),
    key.key,
    WRAP_USAGE,
    concatBytes(header, plain),
  ).subarray(0, CKSUM);
}

/** GSS_Wrap: one framed token for `data`. `random` gives the 8-octet confounder. */
export const wrapRc4: WrapFunction = (state, data, conf, random) => {
  const { key } = state;
  const exp = exportGrade(key);
  const seq = Number(state.sendSeq & 0xffffffffn);
  state.sendSeq = BigInt((seq + 1) >>> 0);
  const header = Uint8Array.of(
    TOK_WRAP >> 8,
    TOK_WRAP & 0xff,
    ...SGN_ALG_HMAC_MD5,
    ...(conf ? SEAL_ALG_RC4 : SEAL_ALG_NONE),
    0xff,
    0xff,
  );
  const plain = concatBytes(random(CONFOUNDER).subarray(0, CONFOUNDER), data, Uint8Array.of(1));
  const cksum = sgnCksum(key, header, plain);
  const kseq = rc4Key(key.key, exp, cksum);
  const sndSeq = rc4(kseq, concatBytes(seqBytes(seq), FROM_INITIATOR));
  let sealed = plain;
  if (conf) {
    const local = klocal(key.key);
    const kcrypt = rc4Key(local, exp, seqBytes(seq));
    sealed = rc4(kcrypt, plain);
    wipe(local, kcrypt, plain);
  }
  wipe(kseq);
  return frameMechToken(TOK_WRAP, concatBytes(header.subarray(2), sndSeq, cksum, sealed));
};

/** GSS_Unwrap of an acceptor's framed token: the data, and whether it was sealed. */
export function unwrapRc4(
  state: WrapState,
  token: Uint8Array,
): { data: Uint8Array; sealed: boolean } {
  const { tokId, body } = unframeMechToken(token);
  if (tokId !== TOK_WRAP)
    throw bad(`not an RFC 4757 wrap token (TOK_ID ${tokId.toString(16).padStart(4, '0')})`);
  if (body.length < FIXED + 1)
    throw bad(`an RC4 wrap token body of ${body.length} octets (at least ${FIXED + 1})`);
  if (body[0] !== SGN_ALG_HMAC_MD5[0] || body[1] !== SGN_ALG_HMAC_MD5[1])
    throw bad(`SGN_ALG ${body[0]?.toString(16)} ${body[1]?.toString(16)} is not HMAC-MD5 (11 00)`);
  const sealAlg = (body[2]! << 8) | body[3]!;
  if (sealAlg !== 0x1000 && sealAlg !== 0xffff)
    throw bad(
      `SEAL_ALG ${sealAlg.toString(16).padStart(4, '0')} is neither RC4 (1000) nor none (ffff)`,
    );
  if (body[4] !== 0xff || body[5] !== 0xff) throw bad('wrap token filler is not FF FF');
  const sealed = sealAlg === 0x1000;
  const { key } = state;
  const exp = exportGrade(key);
  const header = concatBytes(Uint8Array.of(TOK_WRAP >> 8, TOK_WRAP & 0xff), body.subarray(0, 6));
  const cksum = body.subarray(14, 14 + CKSUM);
  const kseq = rc4Key(key.key, exp, cksum);
  const seqPlain = rc4(kseq, body.subarray(6, 14));
  wipe(kseq);
  let plain = body.subarray(14 + CKSUM);
  if (sealed) {
    const local = klocal(key.key);
    const kcrypt = rc4Key(local, exp, seqPlain.subarray(0, 4));
    plain = rc4(kcrypt, plain);
    wipe(local, kcrypt);
  }
  if (!bytesEqual(sgnCksum(key, header, plain), cksum)) {
    throw new KtError(
      'GSS_INTEGRITY',
      `a${sealed ? ' sealed' : ' signed'} message from the server fails its checksum: tampered with, or another key`,
    );
  }
  const direction = seqPlain.subarray(4, 8);
  if (!bytesEqual(direction, FROM_ACCEPTOR)) {
    throw new KtError(
      'GSS_INTEGRITY',
      bytesEqual(direction, FROM_INITIATOR)
        ? 'a wrap token from the server says the initiator sent it: a reflected message'
        : 'a wrap token from the server has a garbled direction: tampered with',
    );
  }
  const pad = plain[plain.length - 1]!;
  if (
    pad < 1 ||
    pad > 8 ||
    plain.length < CONFOUNDER + pad ||
    !plain.subarray(plain.length - pad).every((b) => b === pad)
  ) {
    throw bad(`an RC4 wrap token with bad padding (${pad})`);
  }
  const seq = BigInt(new DataView(seqPlain.buffer, seqPlain.byteOffset, 4).getUint32(0));
  acceptSequence(state, seq, 0xffffffffn);
  return { data: plain.slice(CONFOUNDER, plain.length - pad), sealed };
}
