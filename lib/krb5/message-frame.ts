/**
 * The frame around a Kerberos message's fields (RFC 4120 section 5): the `[APPLICATION n]`
 * tag that names it, the pvno (5) and msg-type that open it, and the padding a decrypted
 * plaintext may carry after it. messages.ts, kdc-codec.ts and kpasswd-messages.ts read and
 * write their messages through these; the fields themselves are message-parts.ts's tables.
 *
 * Pure. Decoders throw only KtError('KRB_BAD_MESSAGE') with the offset.
 */
import { KRB5_PVNO } from './constants.js';
import {
  TAG_CLASS,
  derApplication,
  derError,
  derExplicit as X,
  derInteger,
  derSequence,
  field,
  readTlv,
  sequenceFields,
  tagName,
  unwrapApplication,
  type Fields,
  type Tlv,
} from './der.js';
import { int32, readFields, type Codec, type FieldTable } from './der-codec.js';

/** An INTEGER that must hold `expected` (pvno, tkt-vno, authenticator-vno): "What.name is 4, expected 5". */
export function fixedInt(expected: number): Codec<number> {
  return {
    decode: (t, w) => {
      const v = int32.decode(t, w);
      if (v !== expected) throw derError(t.offset, `${w} is ${v}, expected ${expected}`);
      return v;
    },
    encode: int32.encode,
  };
}

/** The protocol version number 5 (pvno, tkt-vno, authenticator-vno). */
export const vno = fixedInt(KRB5_PVNO);

/** Checks a message's pvno field (5). */
export function expectPvno(fields: Fields, tag: number): void {
  field(fields, tag, 'pvno', vno.decode);
}

/** Checks an Authenticator's authenticator-vno field (5). */
export function expectAuthenticatorVno(fields: Fields, tag: number): void {
  field(fields, tag, 'authenticator-vno', vno.decode);
}

/** Reads a message's msg-type field, which must be one of `expected`. */
export function expectMsgType(fields: Fields, tag: number, expected: readonly number[]): number {
  const v = field(fields, tag, 'msg-type', int32.decode);
  if (!expected.includes(v)) {
    throw derError(
      fields.sequence.offset,
      `${fields.what}.msg-type is ${v}, expected ${expected.join(' or ')}`,
    );
  }
  return v;
}

/** Parses one value from a buffer that may be followed by padding (decrypted plaintexts). */
export function decodePadded(bytes: Uint8Array): Tlv {
  if (!(bytes instanceof Uint8Array)) throw derError(0, 'input is not a byte array');
  return readTlv(bytes, 0, bytes.length, 0);
}

/**
 * The name of an `[APPLICATION n]` value whose n must be one of the table's tags, as in
 * `{ 11: 'AS-REP', 13: 'TGS-REP' }` (integer keys list in ascending order); anything else is
 * "expected AS-REP or TGS-REP, found [UNIVERSAL 16]".
 */
export function applicationName(outer: Tlv, names: Readonly<Record<number, string>>): string {
  const name = outer.tagClass === TAG_CLASS.APPLICATION ? names[outer.tagNumber] : undefined;
  if (name !== undefined) return name;
  const list = Object.values(names);
  throw derError(
    outer.offset,
    `expected ${list.slice(0, -1).join(', ')} or ${list.at(-1)}, found ${tagName(outer.tagClass, outer.tagNumber)}`,
  );
}

/** The fields of `[APPLICATION tag] SEQUENCE`, its pvno [pvnoTag] checked. */
export function messageFields(outer: Tlv, tag: number, what: string, pvnoTag: number): Fields {
  const f = sequenceFields(unwrapApplication(outer, tag, what), what);
  expectPvno(f, pvnoTag);
  return f;
}

/**
 * KDC-REQ and KDC-REP: a message named by its APPLICATION tag (one of `names`), whose pvno
 * [pvnoTag] is 5 and whose msg-type [pvnoTag + 1] repeats that tag; the rest read through
 * `table`. Also returns field rawTag's own encoding, byte for byte (the req-body a TGS
 * authenticator checksums, the ticket as the KDC wrote it).
 */
export function decodeKdcMessage<T extends { readonly msgType: number }>(
  outer: Tlv,
  names: Readonly<Record<number, string>>,
  pvnoTag: number,
  table: FieldTable<T>,
  rawTag: number,
): { readonly message: T; readonly raw: Uint8Array } {
  const f = messageFields(outer, outer.tagNumber, applicationName(outer, names), pvnoTag);
  const msgType = expectMsgType(f, pvnoTag + 1, [outer.tagNumber]);
  return {
    message: { msgType, ...(readFields(f, table) as Omit<T, 'msgType'>) } as T,
    raw: (f.byTag.get(rawTag) as Tlv).raw.slice(),
  };
}

/** pvno, msg-type and the rest, as `[APPLICATION msgType] SEQUENCE` (pvno at tag firstTag). */
export function encodeMessage(
  msgType: number,
  firstTag: number,
  rest: readonly (Uint8Array | undefined)[],
): Uint8Array {
  return derApplication(
    msgType,
    derSequence([
      X(firstTag, derInteger(KRB5_PVNO)),
      X(firstTag + 1, derInteger(msgType)),
      ...rest,
    ]),
  );
}
