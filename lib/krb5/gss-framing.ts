/**
 * The mechanism-independent token framing of RFC 2743 section 3.1, as RFC 1964 section 1.1
 * uses it for every Kerberos V5 token (context tokens, and the per-message tokens of the
 * RFC 1964 / RFC 4757 formats; RFC 4121's own per-message tokens have no framing). Pure.
 *
 *   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *       thisMech MechType,                        -- 06 09 2a 86 48 86 f7 12 01 02 02
 *       innerContextToken ANY }                   -- TOK_ID (2 octets) || token body
 *
 * The outer length is DER (short or long form). Anything else, a trailing octet, another
 * mechanism or a body shorter than its TOK_ID, is GSS_BAD_TOKEN.
 */
import { concatBytes } from '../bytes.js';
import { KtError } from '../errors.js';
import { encodeTlv, TAG_CLASS } from './der.js';

/** DER of the OID 1.2.840.113554.1.2.2 (the Kerberos V5 GSS-API mechanism). */
export const KRB5_MECH_OID = Uint8Array.from([
  0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02,
]);

/** [APPLICATION 0] { mech OID, TOK_ID || body }. */
export function frameMechToken(tokId: number, body: Uint8Array): Uint8Array {
  return encodeTlv(
    TAG_CLASS.APPLICATION,
    true,
    0,
    concatBytes(KRB5_MECH_OID, Uint8Array.from([tokId >> 8, tokId & 0xff]), body),
  );
}

function bad(message: string): KtError {
  return new KtError('GSS_BAD_TOKEN', `not a Kerberos GSS-API token: ${message}`);
}

/** The TOK_ID and body of a framed token that fills `token` exactly. */
export function unframeMechToken(token: Uint8Array): { tokId: number; body: Uint8Array } {
  if (token.length < 2 || token[0] !== 0x60)
    throw bad(
      `it starts with ${token.length ? `0x${token[0]!.toString(16)}` : 'nothing'}, not 0x60`,
    );
  let at = 2;
  let length = token[1]!;
  if (length >= 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || token.length < 2 + n) throw bad('a bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + token[2 + i]!;
    at += n;
  }
  if (at + length !== token.length)
    throw bad(`it says ${length} octets and has ${token.length - at}`);
  const oid = token.subarray(at, at + KRB5_MECH_OID.length);
  if (oid.length !== KRB5_MECH_OID.length || !oid.every((b, i) => b === KRB5_MECH_OID[i]))
    throw bad('another mechanism than Kerberos V5');
  at += KRB5_MECH_OID.length;
  if (token.length < at + 2) throw bad('no TOK_ID');
  return { tokId: (token[at]! << 8) | token[at + 1]!, body: token.subarray(at + 2) };
}
