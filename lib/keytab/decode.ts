/**
 * Keytab reader, written from the bytes of files made by MIT, Heimdal, ktpass, Java and Samba.
 *
 *   file    = 05 vv record*            vv = 02 (big-endian) or 01 (host order, read as LE)
 *   record  = int32 length, body       length < 0: a hole of -length bytes (deleted entry)
 *   body    = uint16 count, data realm, data component * count,
 *             uint32 name_type (v2 only), uint32 timestamp, uint8 kvno, uint16 enctype,
 *             uint16 keylen, key, [uint32 kvno], [trailer]
 *   data    = uint16 length, bytes
 *
 * v1 counts the realm in `count`. The 32-bit kvno is read when at least 4 bytes of the record
 * remain and wins over the 8-bit one when non-zero (MIT keytab.txt). Every read is
 * bounds-checked, and a record's length is checked against the bytes left before anything is
 * read from it, so hostile lengths fail fast with the offset.
 */
import { ByteReader, equalAt, fromUtf8, isValidUtf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { NAME_TYPES } from '../principal.js';
import type { Principal } from '../principal.js';
import type {
  EntryWire,
  Keytab,
  KeytabEntry,
  KeytabHole,
  KeytabVersion,
  KeytabWarning,
} from './types.js';
import { KEYTAB_V1, KEYTAB_V2 } from './types.js';

/** MIT 1.20's v1 writer counts a name_type it does not write: its last record overruns by 4. */
const V1_OVERCOUNT = 4;

/** Told about the records of a streamed read besides the entries themselves. */
export interface KeytabReadEvents {
  hole?(hole: KeytabHole): void;
  warning?(warning: KeytabWarning): void;
}

/**
 * Where one record's fields are in the file, found without copying anything. The scanner
 * reuses ONE object for every record: read what you need before asking for the next.
 */
export interface RecordView {
  readonly bytes: Uint8Array;
  readonly v1: boolean;
  /** Offset of the record's length field, and the end of the record. */
  offset: number;
  end: number;
  /** The name: component count field through the last component. */
  nameStart: number;
  nameEnd: number;
  /** Components after the realm (v1's count field is one more). */
  componentCount: number;
  nameType: number;
  timestamp: number;
  kvno8: number;
  kvno32: number | null;
  /** Effective kvno: the 32-bit field when present and non-zero. */
  kvno: number;
  enctype: number;
  keyStart: number;
  keyLength: number;
  trailerStart: number;
  trailerLength: number;
}
/**
 * Reads a whole keytab into memory. The bytes are copied once; entries' keys are views into
 * that private copy.
 */
export function parseKeytab(bytes: Uint8Array): Keytab {
  const entries: KeytabEntry[] = [];
  const holes: KeytabHole[] = [];
  const warnings: KeytabWarning[] = [];
  const own = bytes.slice();
  for (const entry of readKeytabEntries(own, {
    hole: (h) => void holes.push(h),
    warning: (w) => void warnings.push(w),
  })) {
    entries.push(entry);
  }
  const version = keytabVersion(own);
  const keytab: {
    version: KeytabVersion;
    entries: KeytabEntry[];
    holes?: KeytabHole[];
    warnings?: KeytabWarning[];
  } = { version, entries };
  if (holes.length > 0) keytab.holes = holes;
  if (warnings.length > 0) keytab.warnings = warnings;
  return keytab;
}

/** Checks the header and returns the format version. */
export function keytabVersion(bytes: Uint8Array): KeytabVersion {
  if (bytes.length < 2) {
    throw new KtError(
      'KEYTAB_BAD_VERSION',
      bytes.length === 0 ? 'empty file: not a keytab' : 'file too short to be a keytab (1 byte)',
      {
        details: { offset: 0, size: bytes.length },
      },
    );
  }
  const version = ((bytes[0] as number) << 8) | (bytes[1] as number);
  if (version !== KEYTAB_V1 && version !== KEYTAB_V2) {
    throw new KtError(
      'KEYTAB_BAD_VERSION',
      `not a keytab: format version 0x${version.toString(16).padStart(4, '0')} at byte 0 (expected 0x0502 or 0x0501)`,
      {
        details: { offset: 0, version },
      },
    );
  }
  return version;
}

/**
 * Streams a keytab's entries without keeping them. Entries are views into `bytes`: the caller
 * must not change it while it uses them. The header is checked when iteration starts.
 */
export function* readKeytabEntries(
  bytes: Uint8Array,
  events: KeytabReadEvents = {},
): Generator<KeytabEntry, void, undefined> {
  const state = newReadState();
  const cursor = recordCursor(bytes, events);
  while (cursor.next()) yield entryOf(cursor.view, state);
}

/** Steps through a keytab's records; `view` describes the current one. */
export interface RecordCursor {
  readonly view: RecordView;
  /** Moves to the next record: false at the end of the file. */
  next(): boolean;
}

/**
 * Walks a keytab record by record without allocating: the cheapest way through a large file.
 * `list` and `merge` read fields from the (reused) view and never build entries they do not
 * keep. The header is checked here.
 */
export function recordCursor(bytes: Uint8Array, events: KeytabReadEvents = {}): RecordCursor {
  const v1 = keytabVersion(bytes) === KEYTAB_V1;
  const reader = new ByteReader(bytes, 2, bytes.length, v1);
  const warn = (offset: number, message: string): void => events.warning?.({ offset, message });
  const view: RecordView = {
    bytes,
    v1,
    offset: 0,
    end: 0,
    nameStart: 0,
    nameEnd: 0,
    componentCount: 0,
    nameType: 0,
    timestamp: 0,
    kvno8: 0,
    kvno32: null,
    kvno: 0,
    enctype: 0,
    keyStart: 0,
    keyLength: 0,
    trailerStart: 0,
    trailerLength: 0,
  };
  let done = false;

  const next = (): boolean => {
    while (!done && reader.remaining > 0) {
      const offset = reader.offset;
      if (reader.remaining < 4) {
        warn(offset, `${reader.remaining} stray byte(s) at the end of the file ignored`);
        break;
      }
      const length = reader.i32('record length');
      const available = reader.remaining;
      if (length === 0) {
        // MIT and Heimdal stop at a zero length: space reserved but never written.
        const rest = bytes.subarray(reader.offset);
        if (rest.some((b) => b !== 0))
          warn(
            offset,
            `record length 0 at byte ${offset}: the ${rest.length} byte(s) after it were ignored`,
          );
        break;
      }
      if (length < 0) {
        const size = -length;
        if (size > available) {
          throw new KtError(
            'KEYTAB_TRUNCATED',
            `hole at byte ${offset} claims ${size} bytes but only ${available} remain`,
            {
              details: { offset, declared: size, available },
            },
          );
        }
        events.hole?.({ offset, size });
        reader.skip(size, 'hole');
        continue;
      }
      let end = reader.offset + length;
      if (length > available) {
        if (!(v1 && length - available <= V1_OVERCOUNT)) {
          throw new KtError(
            'KEYTAB_TRUNCATED',
            `record at byte ${offset} declares ${length} bytes but only ${available} remain`,
            {
              details: { offset, declared: length, available },
            },
          );
        }
        warn(
          offset,
          `record at offset ${offset} declares ${length} bytes but only ${available} remain in the file`,
        );
        end = bytes.length;
      }
      const fileEnd = reader.limit(end);
      view.offset = offset;
      view.end = end;
      readRecord(reader, view);
      reader.limit(fileEnd);
      reader.skip(end - reader.offset, 'record');
      return true;
    }
    done = true;
    return false;
  };
  return { view, next };
}

const EMPTY = new Uint8Array(0);
/** Bytes to a string one character per byte (windows-1252 maps every byte to its own character). */
const latin1 = new TextDecoder('latin1');

function readRecord(r: ByteReader, view: RecordView): void {
  const { v1, offset } = view;
  view.nameStart = r.offset;
  let count = r.u16('component count');
  if (v1) {
    if (count === 0) {
      throw new KtError(
        'KEYTAB_BAD_RECORD',
        `record at byte ${offset}: v1 component count 0 (it must include the realm)`,
        {
          details: { offset },
        },
      );
    }
    count -= 1;
  }
  if (count === 0) {
    throw new KtError(
      'KEYTAB_BAD_RECORD',
      `record at byte ${offset}: principal has zero components`,
      {
        details: { offset },
      },
    );
  }
  view.componentCount = count;
  r.skip(r.u16('realm length'), 'realm');
  for (let i = 0; i < count; i++) r.skip(r.u16('component length'), 'component');
  view.nameEnd = r.offset;
  view.nameType = v1 ? NAME_TYPES.KRB5_NT_UNKNOWN : r.u32('name type');
  view.timestamp = r.u32('timestamp');
  view.kvno8 = r.u8('kvno');
  // MIT and Heimdal store the enctype as a signed 16-bit number (klist shows `etype -1`).
  view.enctype = (r.u16('enctype') << 16) >> 16;
  view.keyLength = r.u16('key length');
  view.keyStart = r.offset;
  r.skip(view.keyLength, 'key');
  view.kvno32 = r.remaining >= 4 ? r.u32('kvno32') : null;
  view.kvno = view.kvno32 !== null && view.kvno32 !== 0 ? view.kvno32 : view.kvno8;
  // v1's leftover bytes are MIT's miscount, not data: they are not carried into a v2 rewrite.
  view.trailerStart = r.offset;
  view.trailerLength = v1 ? 0 : r.remaining;
  r.skip(view.trailerLength, 'trailer');
}

/** The last principal read, reused while the next records name the same one (the usual case). */
interface NameCache {
  start: number;
  end: number;
  nameType: number;
  principal: Principal;
  rawName: EntryWire['rawName'];
}

/** Per-file memo: the last principal, and one shared object per distinct storage form. */
export interface ReadState {
  last?: NameCache;
  lastKey?: { start: number; end: number; key: string };
  lastWire?: EntryWire;
  wires: Map<string, EntryWire>;
}

export function newReadState(): ReadState {
  return { wires: new Map() };
}

/** The principal a record names (decoded once for a run of records naming the same one). */
export function principalOf(view: RecordView, state: ReadState): Principal {
  return nameOf(view, state).principal;
}

function nameOf(view: RecordView, state: ReadState): NameCache {
  const { bytes, nameStart, nameEnd, nameType } = view;
  let name = state.last;
  if (!(
    name &&
    name.nameType === nameType &&
    name.end - name.start === nameEnd - nameStart &&
    equalAt(bytes, name.start, bytes, nameStart, nameEnd - nameStart)
  )) {
    name = readName(bytes, nameStart + 2, view.componentCount, nameType, view.v1);
    name.start = nameStart;
    name.end = nameEnd;
    state.last = name;
  }
  return name;
}

/**
 * A string that is equal for records naming the same principal (realm and components; the
 * name type does not count, as in MIT), in either format version, without decoding the name:
 * each part as its length and its bytes as Latin-1 characters.
 */
export function nameKeyOf(view: RecordView, state: ReadState): string {
  const { bytes, nameStart, nameEnd } = view;
  const last = state.lastKey;
  if (
    last &&
    last.end - last.start === nameEnd - nameStart &&
    equalAt(bytes, last.start, bytes, nameStart, nameEnd - nameStart)
  )
    return last.key;
  // v2 stores the lengths big-endian: its name bytes are the key as they are. v1 (little-endian
  // lengths) is rewritten into the same form, so a v1 and a v2 file name a principal alike.
  let region = bytes.subarray(nameStart + 2, nameEnd);
  if (view.v1) {
    region = region.slice();
    for (let at = 0, i = 0; i <= view.componentCount; i++) {
      const length = (region[at] as number) | ((region[at + 1] as number) << 8);
      region[at] = length >> 8;
      region[at + 1] = length & 0xff;
      at += 2 + length;
    }
  }
  const key = latin1.decode(region);
  state.lastKey = { start: nameStart, end: nameEnd, key };
  return key;
}

/** The record as a KeytabEntry (its key a view into the file's bytes). */
export function entryOf(view: RecordView, state: ReadState): KeytabEntry {
  const { bytes, kvno8, kvno32, trailerStart, trailerLength } = view;
  const name = nameOf(view, state);
  let wire = state.lastWire;
  if (
    name.rawName ||
    !wire ||
    wire.kvno8 !== kvno8 ||
    wire.kvno32 !== kvno32 ||
    wire.trailer.length !== trailerLength ||
    !equalAt(wire.trailer, 0, bytes, trailerStart, trailerLength)
  ) {
    const trailer =
      trailerLength === 0 ? EMPTY : bytes.subarray(trailerStart, trailerStart + trailerLength);
    if (name.rawName) {
      wire = { kvno8, kvno32, trailer, rawName: name.rawName };
    } else {
      // Storage forms repeat (MIT: kvno8 + kvno32; Heimdal: + 4 zero bytes): share them.
      const id = trailerLength <= 16 ? `${kvno8}/${kvno32}/${trailer.join(',')}` : undefined;
      wire = id === undefined ? undefined : state.wires.get(id);
      if (!wire) {
        wire = { kvno8, kvno32, trailer };
        if (id !== undefined) state.wires.set(id, wire);
      }
      state.lastWire = wire;
    }
  }
  return {
    principal: name.principal,
    timestamp: view.timestamp,
    kvno: view.kvno,
    enctype: view.enctype,
    key: bytes.subarray(view.keyStart, view.keyStart + view.keyLength),
    wire,
  };
}

/** Decodes a name whose bounds were already checked: realm then `count` components. */
function readName(
  bytes: Uint8Array,
  at: number,
  count: number,
  nameType: number,
  littleEndian: boolean,
): NameCache {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let i = 0; i <= count; i++) {
    const length = view.getUint16(at, littleEndian);
    parts.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  const [realm, ...components] = parts as [Uint8Array, ...Uint8Array[]];
  const text = parts.every((p) => isAscii(p) || isValidUtf8(p));
  return {
    start: 0,
    end: 0,
    nameType,
    principal: Object.freeze({
      components: Object.freeze(components.map(decodeText)),
      realm: decodeText(realm),
      nameType,
    }),
    rawName: text ? undefined : { realm, components },
  };
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/** ASCII is by far the common case; short ASCII strings skip the TextDecoder call. */
function decodeText(bytes: Uint8Array): string {
  if (bytes.length > 64) return fromUtf8(bytes);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return fromUtf8(bytes);
    out += String.fromCharCode(b);
  }
  return out;
}
