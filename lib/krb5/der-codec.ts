/**
 * Codecs: a DER type's decoder and encoder side by side (der.ts has them apart), and field
 * tables that turn a Kerberos SEQUENCE of `[n] EXPLICIT` fields into a record and back. One
 * table per shape serves both directions, so the client's codec (messages.ts), the KDC side of
 * the tests (kdc-codec.ts) and kpasswd (kpasswd-messages.ts) cannot disagree on a field.
 *
 * Pure. Decoding keeps der.ts's promises (only KtError('KRB_BAD_MESSAGE'), with the offset, and
 * error paths named `What.field-name`); a decoded record has every key of its table, undefined
 * where an OPTIONAL field is absent.
 */
import {
  decodeBoolean,
  decodeFlags,
  decodeInt32,
  decodeMicroseconds,
  decodeOctetString,
  decodeString,
  decodeStringBytes,
  decodeTime,
  decodeUInt32,
  derApplication,
  derBoolean,
  derExplicit,
  derFlags,
  derGeneralString,
  derInteger,
  derOctetString,
  derSequence,
  derTime,
  field,
  optionalField,
  seqOf as seqOfDecoder,
  sequenceFields,
  unwrapApplication,
  type Fields,
  type Tlv,
} from './der.js';

/** How one type is read and written. Method syntax on purpose: a table holds codecs of many types. */
export interface Codec<T> {
  decode(tlv: Tlv, what: string): T;
  encode(value: T): Uint8Array;
}

/** A codec from a der.ts decoder and encoder of the same type. */
function codec<T>(
  decode: (tlv: Tlv, what: string) => T,
  encode: (value: T) => Uint8Array,
): Codec<T> {
  return { decode: (t, w) => decode(t, w), encode: (v) => encode(v) };
}

export const int32: Codec<number> = codec(decodeInt32, derInteger);
/** UInt32: negative Int32 senders are read as unsigned (see decodeUInt32), written unsigned. */
export const uint32: Codec<number> = codec(decodeUInt32, (n) => derInteger(n >>> 0));
export const usec: Codec<number> = codec(decodeMicroseconds, derInteger);
export const time: Codec<Date> = codec(decodeTime, derTime);
export const octets: Codec<Uint8Array> = codec(decodeOctetString, derOctetString);
export const kstring: Codec<string> = codec(decodeString, derGeneralString);
/** A KerberosString kept as its octets (salts). */
export const kstringBytes: Codec<Uint8Array> = codec(decodeStringBytes, derGeneralString);
export const flags: Codec<number> = codec(decodeFlags, derFlags);
export const boolean: Codec<boolean> = codec(decodeBoolean, derBoolean);

/** SEQUENCE OF T. */
export function seqOf<T>(item: Codec<T>): Codec<T[]> {
  return {
    decode: seqOfDecoder((t, w) => item.decode(t, w)),
    encode: (list) => derSequence(list.map((v) => item.encode(v))),
  };
}

/** `[APPLICATION n] T` (explicit, as everywhere in RFC 4120). */
export function application<T>(tagNumber: number, inner: Codec<T>): Codec<T> {
  return {
    decode: (t, w) => inner.decode(unwrapApplication(t, tagNumber, w), w),
    encode: (v) => derApplication(tagNumber, inner.encode(v)),
  };
}

/**
 * One `[tag] name` field of a SEQUENCE, stored under `key`. optional: the field may be absent
 * (undefined); 'empty': absent means an empty list, and an empty list is left out.
 */
export interface FieldSpec<T> {
  readonly tag: number;
  readonly name: string;
  readonly key: keyof T & string;
  readonly codec: Codec<unknown>;
  readonly optional?: boolean | 'empty' | undefined;
}

export type FieldTable<T> = readonly FieldSpec<T>[];

/** A typed row maker for the table of T: `row(0, 'etype', 'etype', int32)`. */
export function fieldsOf<T>() {
  return <K extends keyof T & string>(
    tag: number,
    name: string,
    key: K,
    codec: Codec<NonNullable<T[K]>>,
    optional?: boolean | 'empty',
  ): FieldSpec<T> => ({ tag, name, key, codec: codec as Codec<unknown>, optional });
}

/** The fields of a table, read from an already split SEQUENCE, in table order. */
export function readFields<T>(f: Fields, table: FieldTable<T>): T {
  const out: Record<string, unknown> = {};
  for (const spec of table) {
    const decode = (t: Tlv, w: string): unknown => spec.codec.decode(t, w);
    if (spec.optional === 'empty')
      out[spec.key] = optionalField(f, spec.tag, spec.name, decode) ?? [];
    else if (spec.optional) out[spec.key] = optionalField(f, spec.tag, spec.name, decode);
    else out[spec.key] = field(f, spec.tag, spec.name, decode);
  }
  return out as T;
}

/**
 * The `[tag] value` components of a table's fields (undefined for absent ones, which
 * derSequence skips). `raw` gives a field's encoding as it is (a ticket exactly as the KDC sent it).
 */
export function writeFields<T>(
  table: FieldTable<T>,
  value: T,
  raw: Readonly<Record<number, Uint8Array | undefined>> = {},
): (Uint8Array | undefined)[] {
  return table.map((spec) => {
    const given = raw[spec.tag];
    if (given !== undefined) return derExplicit(spec.tag, given);
    const v = value[spec.key] as unknown;
    if (spec.optional === 'empty')
      return (v as readonly unknown[]).length > 0
        ? derExplicit(spec.tag, spec.codec.encode(v))
        : undefined;
    if (spec.optional && v === undefined) return undefined;
    return derExplicit(spec.tag, spec.codec.encode(v));
  });
}

/** A SEQUENCE record codec from its field table. */
export function record<T>(table: FieldTable<T>): Codec<T> {
  return {
    decode: (t, w) => readFields(sequenceFields(t, w), table),
    encode: (v) => derSequence(writeFields(table, v)),
  };
}
