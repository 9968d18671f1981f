/**
 * A small DER encoder and decoder: exactly the subset of ASN.1 that Kerberos (RFC 4120
 * section 5) needs, hand-written rather than built on asn1js or @peculiar/asn1-schema.
 *
 * Why hand-written: zero new dependencies; pure Uint8Array code like the rest of the core;
 * every read bounds-checked in the style of our keytab ByteReader; and the subset is small.
 * Kerberos uses INTEGER (Int32, UInt32, Microseconds), BOOLEAN, OCTET STRING, BIT STRING
 * (KerberosFlags), GeneralString (KerberosString), GeneralizedTime (KerberosTime), SEQUENCE,
 * SEQUENCE OF, context-specific [n] EXPLICIT tags and APPLICATION tags. RFC 4120 section 5.1:
 * "The Kerberos protocol ... uses ... the Distinguished Encoding Rules (DER)" for encoding,
 * while "implementations ... should ... accept ... BER" on input; we therefore decode
 * leniently where that is harmless (non-minimal integers and lengths, other string types) and
 * strictly where it is not (indefinite lengths, truncation, trailing bytes inside a value).
 *
 * Decoding never throws anything but KtError('KRB_BAD_MESSAGE') with the byte offset, never
 * allocates from a length it has not checked against the input, and never loops without
 * consuming input. Decoders are schema-driven (no generic recursion), so hostile nesting cannot
 * exhaust the stack.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes.js';
import { KtError, offsetErrors } from '../errors.js';

// --- tags -------------------------------------------------------------------------------------

export const TAG_CLASS = Object.freeze({
  UNIVERSAL: 0,
  APPLICATION: 1,
  CONTEXT: 2,
  PRIVATE: 3,
} as const);
export type TagClass = (typeof TAG_CLASS)[keyof typeof TAG_CLASS];

/** Universal tag numbers of the types Kerberos uses (X.680 section 8.4). */
export const UNIVERSAL = Object.freeze({
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  PRINTABLE_STRING: 19,
  IA5_STRING: 22,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  GENERAL_STRING: 27,
} as const);

/** Longest length field we accept: 4 length octets (4 GiB), far beyond any Kerberos message. */
const MAX_LENGTH_OCTETS = 4;
/** Longest high-tag-number form we accept (tag numbers below 2^21). */
const MAX_TAG_OCTETS = 3;

/** One decoded tag-length-value. `value` is a view into the input, not a copy. */
export interface Tlv {
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offset of the identifier octet in the outermost input (for error messages). */
  readonly offset: number;
  /** Offset of the first content octet in the outermost input. */
  readonly valueOffset: number;
  readonly value: Uint8Array;
  /** The complete encoding (identifier, length and content), a view into the input. */
  readonly raw: Uint8Array;
}

/** KRB_BAD_MESSAGE at an offset, the only exception this module throws while decoding. */
export const derError = offsetErrors('KRB_BAD_MESSAGE', 'malformed Kerberos message');

/** A readable name for a tag, for error messages: `[APPLICATION 30]`, `[2]`, `SEQUENCE`. */
export function tagName(tagClass: TagClass, tagNumber: number): string {
  if (tagClass === TAG_CLASS.APPLICATION) return `[APPLICATION ${tagNumber}]`;
  if (tagClass === TAG_CLASS.CONTEXT) return `[${tagNumber}]`;
  if (tagClass === TAG_CLASS.PRIVATE) return `[PRIVATE ${tagNumber}]`;
  const name = (Object.keys(UNIVERSAL) as (keyof typeof UNIVERSAL)[]).find(
    (k) => UNIVERSAL[k] === tagNumber,
  );
  return name ?? `[UNIVERSAL ${tagNumber}]`;
}

/**
 * Reads one TLV from `bytes[at..end)`. `base` is the offset of `bytes[0]` in the outermost
 * message, so nested reads report absolute offsets.
 */
export function readTlv(bytes: Uint8Array, at: number, end: number = bytes.length, base = 0): Tlv {
  const start = at;
  if (at >= end) throw derError(base + at, 'expected a value, found the end of the data');
  const id = bytes[at++] as number;
  const tagClass = (id >>> 6) as TagClass;
  const constructed = (id & 0x20) !== 0;
  let tagNumber = id & 0x1f;
  if (tagNumber === 0x1f) {
    // X.690 8.1.2.4: high-tag-number form, base-128 with the top bit as "more".
    tagNumber = 0;
    for (let n = 0; ; n++) {
      if (n >= MAX_TAG_OCTETS) throw derError(base + start, 'tag number too large');
      if (at >= end) throw derError(base + at, 'truncated tag number');
      const b = bytes[at++] as number;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (at >= end) throw derError(base + at, `truncated length of ${tagName(tagClass, tagNumber)}`);
  const first = bytes[at++] as number;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw derError(base + at - 1, 'indefinite length is not allowed in DER');
  } else {
    const count = first & 0x7f;
    if (count > MAX_LENGTH_OCTETS)
      throw derError(base + at - 1, `length field of ${count} octets is too long`);
    if (count > end - at) throw derError(base + at, 'truncated length field');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[at++] as number);
  }
  if (length > end - at) {
    throw derError(
      base + start,
      `${tagName(tagClass, tagNumber)} claims ${length} bytes, only ${end - at} left`,
      {
        claimed: length,
        available: end - at,
      },
    );
  }
  return {
    tagClass,
    constructed,
    tagNumber,
    offset: base + start,
    valueOffset: base + at,
    value: bytes.subarray(at, at + length),
    raw: bytes.subarray(start, at + length),
  };
}

/** Decodes exactly one TLV that fills `bytes` (trailing bytes are an error). */
export function decodeTlv(bytes: Uint8Array, base = 0): Tlv {
  if (!(bytes instanceof Uint8Array)) throw derError(base, 'input is not a byte array');
  const tlv = readTlv(bytes, 0, bytes.length, base);
  if (tlv.raw.length !== bytes.length) {
    throw derError(
      base + tlv.raw.length,
      `${bytes.length - tlv.raw.length} unexpected bytes after the message`,
    );
  }
  return tlv;
}

/** The TLVs inside a constructed value, in order. */
export function children(tlv: Tlv): Tlv[] {
  if (!tlv.constructed)
    throw derError(tlv.offset, `${tagName(tlv.tagClass, tlv.tagNumber)} should be constructed`);
  const out: Tlv[] = [];
  let at = 0;
  while (at < tlv.value.length) {
    const child = readTlv(tlv.value, at, tlv.value.length, tlv.valueOffset);
    out.push(child);
    at += child.raw.length; // always >= 2, so the loop terminates
  }
  return out;
}

/** Checks the tag of a TLV and returns it. */
export function expectTag(tlv: Tlv, tagClass: TagClass, tagNumber: number, what: string): Tlv {
  if (tlv.tagClass !== tagClass || tlv.tagNumber !== tagNumber) {
    throw derError(
      tlv.offset,
      `${what}: expected ${tagName(tagClass, tagNumber)}, found ${tagName(tlv.tagClass, tlv.tagNumber)}`,
    );
  }
  return tlv;
}

/** Unwraps `[APPLICATION n] inner` (always EXPLICIT in Kerberos) and returns the inner TLV. */
export function unwrapApplication(tlv: Tlv, tagNumber: number, what: string): Tlv {
  expectTag(tlv, TAG_CLASS.APPLICATION, tagNumber, what);
  return single(tlv, what);
}

function single(tlv: Tlv, what: string): Tlv {
  const inner = children(tlv);
  if (inner.length !== 1) {
    throw derError(
      tlv.offset,
      `${what}: ${tagName(tlv.tagClass, tlv.tagNumber)} should hold exactly one value, holds ${inner.length}`,
    );
  }
  return inner[0] as Tlv;
}

/**
 * The fields of a SEQUENCE whose components are all `[n] EXPLICIT` (every Kerberos SEQUENCE
 * is: RFC 4120 section 5.2 uses context tags on every component). Tags must ascend, as DER
 * encodes them in definition order; unknown tags are kept (extensibility markers).
 */
export interface Fields {
  readonly sequence: Tlv;
  readonly what: string;
  readonly byTag: ReadonlyMap<number, Tlv>;
}

export function sequenceFields(tlv: Tlv, what: string): Fields {
  expectTag(tlv, TAG_CLASS.UNIVERSAL, UNIVERSAL.SEQUENCE, what);
  const byTag = new Map<number, Tlv>();
  let last = -1;
  for (const child of children(tlv)) {
    if (child.tagClass !== TAG_CLASS.CONTEXT) {
      throw derError(
        child.offset,
        `${what}: expected a context tag, found ${tagName(child.tagClass, child.tagNumber)}`,
      );
    }
    if (child.tagNumber <= last) {
      throw derError(child.offset, `${what}: field [${child.tagNumber}] out of order or repeated`);
    }
    last = child.tagNumber;
    byTag.set(child.tagNumber, single(child, `${what}[${child.tagNumber}]`));
  }
  return { sequence: tlv, what, byTag };
}

/** A required `[tag]` field, decoded by `decode`. */
export function field<T>(
  fields: Fields,
  tag: number,
  name: string,
  decode: (tlv: Tlv, what: string) => T,
): T {
  const tlv = fields.byTag.get(tag);
  if (tlv === undefined)
    throw derError(fields.sequence.offset, `${fields.what}: missing ${name} [${tag}]`);
  return decode(tlv, `${fields.what}.${name}`);
}

/** An OPTIONAL `[tag]` field: undefined when absent. */
export function optionalField<T>(
  fields: Fields,
  tag: number,
  name: string,
  decode: (tlv: Tlv, what: string) => T,
): T | undefined {
  const tlv = fields.byTag.get(tag);
  return tlv === undefined ? undefined : decode(tlv, `${fields.what}.${name}`);
}

/** SEQUENCE OF T. */
export function sequenceOf<T>(tlv: Tlv, what: string, decode: (tlv: Tlv, what: string) => T): T[] {
  expectTag(tlv, TAG_CLASS.UNIVERSAL, UNIVERSAL.SEQUENCE, what);
  return children(tlv).map((c, i) => decode(c, `${what}[${i}]`));
}

/** A decoder for SEQUENCE OF T, to pass to field(). */
export function seqOf<T>(decode: (tlv: Tlv, what: string) => T): (tlv: Tlv, what: string) => T[] {
  return (tlv, what) => sequenceOf(tlv, what, decode);
}

function primitive(tlv: Tlv, tagNumber: number, what: string): Uint8Array {
  expectTag(tlv, TAG_CLASS.UNIVERSAL, tagNumber, what);
  if (tlv.constructed)
    throw derError(tlv.offset, `${what}: constructed encoding is not allowed in DER`);
  return tlv.value;
}

// --- primitive decoders -------------------------------------------------------------------------

/**
 * INTEGER as a JS number. Kerberos integers are Int32, UInt32 or Microseconds (RFC 4120
 * section 5.2.4); we accept up to 6 content octets (any value a double holds exactly, which
 * covers a UInt32 with its leading 00 and non-minimal encodings) and range-check with
 * decodeInt32 / decodeUInt32.
 */
export function decodeInteger(tlv: Tlv, what = 'INTEGER'): number {
  const v = primitive(tlv, UNIVERSAL.INTEGER, what);
  if (v.length === 0) throw derError(tlv.offset, `${what}: empty INTEGER`);
  if (v.length > 6)
    throw derError(tlv.offset, `${what}: INTEGER of ${v.length} octets is out of range`);
  let n = (v[0] as number) >= 0x80 ? (v[0] as number) - 256 : (v[0] as number);
  for (let i = 1; i < v.length; i++) n = n * 256 + (v[i] as number);
  return n;
}

/** Int32 ::= INTEGER (-2147483648..2147483647). */
export function decodeInt32(tlv: Tlv, what = 'Int32'): number {
  const n = decodeInteger(tlv, what);
  if (n < -0x80000000 || n > 0x7fffffff)
    throw derError(tlv.offset, `${what}: ${n} is not an Int32`);
  return n;
}

/**
 * UInt32 ::= INTEGER (0..4294967295). RFC 4120 section 5.2.4 notes that some implementations
 * send the nonce and sequence numbers as negative Int32 values; like MIT we accept those and
 * read them as their unsigned 32-bit equivalent.
 */
export function decodeUInt32(tlv: Tlv, what = 'UInt32'): number {
  const n = decodeInteger(tlv, what);
  if (n < -0x80000000 || n > 0xffffffff)
    throw derError(tlv.offset, `${what}: ${n} is not a UInt32`);
  return n >>> 0;
}

/** Microseconds ::= INTEGER (0..999999). */
export function decodeMicroseconds(tlv: Tlv, what = 'Microseconds'): number {
  const n = decodeInteger(tlv, what);
  if (n < 0 || n > 999_999) throw derError(tlv.offset, `${what}: ${n} is not a microsecond count`);
  return n;
}

export function decodeBoolean(tlv: Tlv, what = 'BOOLEAN'): boolean {
  const v = primitive(tlv, UNIVERSAL.BOOLEAN, what);
  if (v.length !== 1) throw derError(tlv.offset, `${what}: BOOLEAN must be one octet`);
  return v[0] !== 0;
}

/** OCTET STRING, as a fresh copy. */
export function decodeOctetString(tlv: Tlv, what = 'OCTET STRING'): Uint8Array {
  return primitive(tlv, UNIVERSAL.OCTET_STRING, what).slice();
}

const STRING_TAGS: ReadonlySet<number> = new Set([
  UNIVERSAL.GENERAL_STRING,
  UNIVERSAL.UTF8_STRING,
  UNIVERSAL.IA5_STRING,
  UNIVERSAL.PRINTABLE_STRING,
  UNIVERSAL.VISIBLE_STRING,
]);

/**
 * KerberosString ::= GeneralString (IA5String) (RFC 4120 section 5.2.1): the raw octets. In
 * practice they are UTF-8 ("implementations ... may ... contain UTF-8"); some encoders use
 * UTF8String or IA5String tags, which we accept too.
 */
export function decodeStringBytes(tlv: Tlv, what = 'KerberosString'): Uint8Array {
  if (tlv.tagClass !== TAG_CLASS.UNIVERSAL || !STRING_TAGS.has(tlv.tagNumber)) {
    throw derError(
      tlv.offset,
      `${what}: expected GeneralString, found ${tagName(tlv.tagClass, tlv.tagNumber)}`,
    );
  }
  if (tlv.constructed)
    throw derError(tlv.offset, `${what}: constructed encoding is not allowed in DER`);
  return tlv.value.slice();
}

/** KerberosString as text (UTF-8; invalid sequences become U+FFFD, see decodeStringBytes). */
export function decodeString(tlv: Tlv, what = 'KerberosString'): string {
  return fromUtf8(decodeStringBytes(tlv, what));
}

/**
 * KerberosFlags ::= BIT STRING (SIZE (32..MAX)) (RFC 4120 section 5.2.8), as a UInt32 whose
 * most significant bit is ASN.1 bit 0 (`flags & (0x80000000 >>> n)` tests bit n). Shorter
 * strings are zero-filled and bits past 31 ignored, as MIT does.
 */
export function decodeFlags(tlv: Tlv, what = 'KerberosFlags'): number {
  const v = primitive(tlv, UNIVERSAL.BIT_STRING, what);
  if (v.length === 0) throw derError(tlv.offset, `${what}: empty BIT STRING`);
  const unused = v[0] as number;
  if (unused > 7 || (v.length === 1 && unused !== 0))
    throw derError(tlv.offset, `${what}: bad unused-bit count ${unused}`);
  const data = v.subarray(1);
  const octets = [0, 0, 0, 0];
  for (let i = 0; i < 4 && i < data.length; i++) octets[i] = data[i] as number;
  // The unused low bits of the last octet are not flags (DER makes them zero anyway).
  if (unused > 0 && data.length <= 4)
    octets[data.length - 1] = (octets[data.length - 1] as number) & ((0xff << unused) & 0xff);
  const flags =
    (octets[0] as number) * 0x1000000 +
    (((octets[1] as number) << 16) | ((octets[2] as number) << 8) | (octets[3] as number));
  return flags >>> 0;
}

const TIME_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,]\d{1,9})?Z$/;

/**
 * KerberosTime ::= GeneralizedTime -- with no fractional seconds (RFC 4120 section 5.2.3):
 * "YYYYMMDDHHMMSSZ" in UTC. Fractional seconds (BER senders) are accepted and dropped.
 */
export function decodeTime(tlv: Tlv, what = 'KerberosTime'): Date {
  const v = primitive(tlv, UNIVERSAL.GENERALIZED_TIME, what);
  let text = '';
  for (const b of v) {
    if (b < 0x20 || b > 0x7e) throw derError(tlv.offset, `${what}: not a GeneralizedTime`);
    text += String.fromCharCode(b);
  }
  const m = TIME_RE.exec(text);
  if (!m) throw derError(tlv.offset, `${what}: "${text.slice(0, 32)}" is not YYYYMMDDHHMMSSZ`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0..99 as they are.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, Math.min(s, 59), 0); // a leap second (60) reads as 59
  if (
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    h > 23 ||
    mi > 59 ||
    s > 60 ||
    date.getUTCDate() !== d ||
    date.getUTCMonth() !== mo - 1
  ) {
    throw derError(tlv.offset, `${what}: "${text}" is not a valid date`);
  }
  return date;
}

// --- encoders -----------------------------------------------------------------------------------

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** A TLV from its parts (definite length, minimal length octets). */
export function encodeTlv(
  tagClass: TagClass,
  constructed: boolean,
  tagNumber: number,
  content: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber >= 1 << 21) {
    throw new KtError('INTERNAL', `cannot encode tag number ${tagNumber}`);
  }
  const lead = (tagClass << 6) | (constructed ? 0x20 : 0);
  let id: Uint8Array;
  if (tagNumber < 0x1f) {
    id = Uint8Array.of(lead | tagNumber);
  } else {
    const parts: number[] = [tagNumber & 0x7f];
    for (let n = tagNumber >>> 7; n > 0; n >>>= 7) parts.unshift(0x80 | (n & 0x7f));
    id = Uint8Array.of(lead | 0x1f, ...parts);
  }
  return concatBytes(id, encodeLength(content.length), content);
}

/**
 * INTEGER in minimal two's complement. Accepts any safe integer (Kerberos needs Int32 and
 * UInt32: a UInt32 of 2^31 or more gets a leading 00 octet).
 */
export function derInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value))
    throw new KtError('INTERNAL', `cannot encode ${value} as an INTEGER`);
  const octets: number[] = [];
  let n = value;
  for (;;) {
    const byte = ((n % 256) + 256) % 256;
    octets.unshift(byte);
    n = (n - byte) / 256;
    if ((n === 0 && byte < 0x80) || (n === -1 && byte >= 0x80)) break;
  }
  return encodeTlv(TAG_CLASS.UNIVERSAL, false, UNIVERSAL.INTEGER, Uint8Array.from(octets));
}

export function derBoolean(value: boolean): Uint8Array {
  // X.690 11.1: DER encodes TRUE as FF.
  return encodeTlv(TAG_CLASS.UNIVERSAL, false, UNIVERSAL.BOOLEAN, Uint8Array.of(value ? 0xff : 0));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(TAG_CLASS.UNIVERSAL, false, UNIVERSAL.OCTET_STRING, bytes);
}

/** KerberosString (GeneralString) from text (UTF-8) or raw bytes. */
export function derGeneralString(text: string | Uint8Array): Uint8Array {
  return encodeTlv(
    TAG_CLASS.UNIVERSAL,
    false,
    UNIVERSAL.GENERAL_STRING,
    typeof text === 'string' ? utf8(text) : text,
  );
}

/** KerberosFlags: a 32-bit BIT STRING (RFC 4120 section 5.2.8: "at least 32 bits"), as MIT sends. */
export function derFlags(flags: number): Uint8Array {
  const f = flags >>> 0;
  return encodeTlv(
    TAG_CLASS.UNIVERSAL,
    false,
    UNIVERSAL.BIT_STRING,
    Uint8Array.of(0, f >>> 24, (f >>> 16) & 0xff, (f >>> 8) & 0xff, f & 0xff),
  );
}

/** KerberosTime: GeneralizedTime "YYYYMMDDHHMMSSZ", whole seconds (RFC 4120 section 5.2.3). */
export function derTime(date: Date): Uint8Array {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new KtError('INTERNAL', 'cannot encode an invalid date');
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999)
    throw new KtError('INTERNAL', `cannot encode the year ${y} as a KerberosTime`);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const text =
    p(y, 4) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds()) +
    'Z';
  return encodeTlv(TAG_CLASS.UNIVERSAL, false, UNIVERSAL.GENERALIZED_TIME, utf8(text));
}

/** SEQUENCE of already-encoded components (undefined components are skipped: OPTIONAL). */
export function derSequence(parts: readonly (Uint8Array | undefined)[]): Uint8Array {
  return encodeTlv(
    TAG_CLASS.UNIVERSAL,
    true,
    UNIVERSAL.SEQUENCE,
    concatBytes(...parts.filter((p): p is Uint8Array => p !== undefined)),
  );
}

/** `[n] EXPLICIT inner`; undefined stays undefined so OPTIONAL fields compose. */
export function derExplicit(tagNumber: number, inner: Uint8Array): Uint8Array;
export function derExplicit(
  tagNumber: number,
  inner: Uint8Array | undefined,
): Uint8Array | undefined;
export function derExplicit(
  tagNumber: number,
  inner: Uint8Array | undefined,
): Uint8Array | undefined {
  return inner === undefined ? undefined : encodeTlv(TAG_CLASS.CONTEXT, true, tagNumber, inner);
}

/** `[APPLICATION n] inner` (explicit, as everywhere in RFC 4120). */
export function derApplication(tagNumber: number, inner: Uint8Array): Uint8Array {
  return encodeTlv(TAG_CLASS.APPLICATION, true, tagNumber, inner);
}
