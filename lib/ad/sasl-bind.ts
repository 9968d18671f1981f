/**
 * The LDAP side of a SASL GSSAPI bind (RFC 4511 section 4.2, RFC 4752 section 3.1), as pure
 * encoders and decoders: ldapts binds in one step only, and GSSAPI takes three.
 *
 *   LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp CHOICE { bindRequest [APPLICATION 0] ... } }
 *   BindRequest ::= [APPLICATION 0] SEQUENCE { version INTEGER (3), name LDAPDN (""),
 *                     authentication [3] SaslCredentials { mechanism OCTET STRING, credentials OCTET STRING OPTIONAL } }
 *   BindResponse ::= [APPLICATION 1] SEQUENCE { resultCode ENUMERATED, matchedDN, diagnosticMessage,
 *                     referral [3] OPTIONAL, serverSaslCreds [7] OCTET STRING OPTIONAL }
 *
 * The exchange (RFC 4752 section 3.1): (1) the initial context token; the server answers
 * saslBindInProgress (14) with its AP-REP; (2) an empty response; the server sends a wrapped
 * 4-octet offer: security layers (1 none, 2 integrity, 4 confidentiality) and its maximum
 * message size; (3) the wrapped choice (layer, our maximum size, no authorization identity);
 * the server answers success (0). From then on every LDAP message is sent as a 4-octet length
 * and a wrap token.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import {
  decodeInteger,
  decodeTlv,
  derInteger,
  derOctetString,
  derSequence,
  encodeTlv,
  readTlv,
  TAG_CLASS,
} from '../krb5/der.js';
import type { Tlv } from '../krb5/der.js';

export const SASL_LAYER = Object.freeze({ NONE: 1, INTEGRITY: 2, CONFIDENTIALITY: 4 } as const);
export const LDAP_SUCCESS = 0;
export const LDAP_SASL_BIND_IN_PROGRESS = 14;

export function encodeSaslBindRequest(
  messageId: number,
  mechanism: string,
  credentials: Uint8Array | undefined,
): Uint8Array {
  const sasl = encodeTlv(
    TAG_CLASS.CONTEXT,
    true,
    3,
    concatBytes(
      derOctetString(utf8(mechanism)),
      credentials === undefined ? new Uint8Array(0) : derOctetString(credentials),
    ),
  );
  const bind = encodeTlv(
    TAG_CLASS.APPLICATION,
    true,
    0,
    concatBytes(derInteger(3), derOctetString(new Uint8Array(0)), sasl),
  );
  return derSequence([derInteger(messageId), bind]);
}

export interface BindResponse {
  readonly messageId: number;
  readonly resultCode: number;
  readonly diagnosticMessage: string;
  readonly serverSaslCreds: Uint8Array | undefined;
}

function bad(message: string): KtError {
  return new KtError('AD_SASL', `the directory's bind response is malformed: ${message}`);
}

export function decodeBindResponse(bytes: Uint8Array): BindResponse {
  const msg = decodeTlv(bytes);
  if (msg.tagClass !== TAG_CLASS.UNIVERSAL || msg.tagNumber !== 16) throw bad('not an LDAPMessage');
  let at = 0;
  const next = () => {
    const t = readTlv(msg.value, at);
    at += t.raw.length;
    return t;
  };
  const messageId = decodeInteger(next(), 'messageID');
  const op = next();
  if (op.tagClass !== TAG_CLASS.APPLICATION || op.tagNumber !== 1)
    throw bad(`expected a BindResponse, got [APPLICATION ${op.tagNumber}]`);
  let p = 0;
  const parts: Tlv[] = [];
  while (p < op.value.length) {
    const t = readTlv(op.value, p);
    p += t.raw.length;
    parts.push(t);
  }
  const [code, , diag] = parts;
  if (
    code === undefined ||
    code.tagNumber !== 10 ||
    code.value.length === 0 ||
    code.value.length > 4
  )
    throw bad('no resultCode');
  const resultCode = code.value.reduce((n, b) => n * 256 + b, 0);
  const creds = parts.find((t) => t.tagClass === TAG_CLASS.CONTEXT && t.tagNumber === 7);
  return {
    messageId,
    resultCode,
    diagnosticMessage: diag ? fromUtf8(diag.value) : '',
    serverSaslCreds: creds?.value,
  };
}

/**
 * The length of the first complete BER element in `buf` (an LDAP message before the security
 * layer), or undefined while more octets are needed. Lengths above `max` are refused.
 */
export function berElementLength(buf: Uint8Array, max: number): number | undefined {
  if (buf.length < 2) return undefined;
  const first = buf[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw bad('indefinite or oversized length');
  if (buf.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i]!;
  if (len > max) throw bad(`a message of ${len} octets (at most ${max})`);
  return 2 + n + len;
}

/** The server's security-layer offer (the unwrapped 4 octets). */
export function parseLayerOffer(data: Uint8Array): { layers: number; maxSize: number } {
  if (data.length !== 4)
    throw new KtError(
      'AD_SASL',
      `the directory's security-layer offer has ${data.length} octets, not 4`,
    );
  return { layers: data[0]!, maxSize: (data[1]! << 16) | (data[2]! << 8) | data[3]! };
}

/** Our choice: one layer and the largest message we accept (no authorization identity). */
export function layerChoice(layer: number, maxSize: number): Uint8Array {
  return Uint8Array.from([layer, (maxSize >>> 16) & 0xff, (maxSize >>> 8) & 0xff, maxSize & 0xff]);
}
