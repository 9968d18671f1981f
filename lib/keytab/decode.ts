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
import { ByteReader, fromUtf8, isValidUtf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { NAME_TYPES } from '../principal.js';
import type { EntryWire, Keytab, KeytabEntry, KeytabHole, KeytabVersion, KeytabWarning } from './types.js';
import { KEYTAB_V1, KEYTAB_V2 } from './types.js';

/** MIT 1.20's v1 writer counts a name_type it does not write: its last record overruns by 4. */
const V1_OVERCOUNT = 4;

export function parseKeytab(bytes: Uint8Array): Keytab {
  if (bytes.length < 2) {
    throw new KtError('KEYTAB_BAD_VERSION', bytes.length === 0 ? 'empty file: not a keytab' : 'file too short to be a keytab (1 byte)', {
      details: { offset: 0, size: bytes.length },
    });
  }
  const version = ((bytes[0] as number) << 8) | (bytes[1] as number);
  if (version !== KEYTAB_V1 && version !== KEYTAB_V2) {
    throw new KtError('KEYTAB_BAD_VERSION', `not a keytab: format version 0x${version.toString(16).padStart(4, '0')} at byte 0 (expected 0x0502 or 0x0501)`, {
      details: { offset: 0, version },
    });
  }
  const v1 = version === KEYTAB_V1;
  const reader = new ByteReader(bytes, 2, bytes.length, v1);
  const entries: KeytabEntry[] = [];
  const holes: KeytabHole[] = [];
  const warnings: KeytabWarning[] = [];

  while (reader.remaining > 0) {
    const offset = reader.offset;
    if (reader.remaining < 4) {
      warnings.push({ offset, message: `${reader.remaining} stray byte(s) at the end of the file ignored` });
      break;
    }
    const length = reader.i32('record length');
    const available = reader.remaining;
    if (length === 0) {
      // MIT and Heimdal stop at a zero length: space reserved but never written.
      const rest = bytes.subarray(reader.offset);
      if (rest.some((b) => b !== 0)) {
        warnings.push({ offset, message: `record length 0 at byte ${offset}: the ${rest.length} byte(s) after it were ignored` });
      }
      break;
    }
    if (length < 0) {
      const size = -length;
      if (size > available) {
        throw new KtError('KEYTAB_TRUNCATED', `hole at byte ${offset} claims ${size} bytes but only ${available} remain`, {
          details: { offset, declared: size, available },
        });
      }
      holes.push({ offset, size });
      reader.subarray(size, 'hole');
      continue;
    }
    let end = reader.offset + length;
    if (length > available) {
      if (!(v1 && length - available <= V1_OVERCOUNT)) {
        throw new KtError('KEYTAB_TRUNCATED', `record at byte ${offset} declares ${length} bytes but only ${available} remain`, {
          details: { offset, declared: length, available },
        });
      }
      warnings.push({ offset, message: `record at offset ${offset} declares ${length} bytes but only ${available} remain in the file` });
      end = bytes.length;
    }
    entries.push(readEntry(new ByteReader(bytes, reader.offset, end, v1), offset, v1));
    reader.subarray(end - reader.offset, 'record');
  }

  const keytab: { version: KeytabVersion; entries: KeytabEntry[]; holes?: KeytabHole[]; warnings?: KeytabWarning[] } = {
    version: version as KeytabVersion,
    entries,
  };
  if (holes.length > 0) keytab.holes = holes;
  if (warnings.length > 0) keytab.warnings = warnings;
  return keytab;
}

function readEntry(r: ByteReader, recordOffset: number, v1: boolean): KeytabEntry {
  let count = r.u16('component count');
  if (v1) {
    if (count === 0) {
      throw new KtError('KEYTAB_BAD_RECORD', `record at byte ${recordOffset}: v1 component count 0 (it must include the realm)`, {
        details: { offset: recordOffset },
      });
    }
    count -= 1;
  }
  if (count === 0) {
    throw new KtError('KEYTAB_BAD_RECORD', `record at byte ${recordOffset}: principal has zero components`, {
      details: { offset: recordOffset },
    });
  }
  const realmBytes = r.subarray(r.u16('realm length'), 'realm');
  const componentBytes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) componentBytes.push(r.subarray(r.u16('component length'), 'component'));
  const nameType = v1 ? NAME_TYPES.KRB5_NT_UNKNOWN : r.u32('name type');
  const timestamp = r.u32('timestamp');
  const kvno8 = r.u8('kvno');
  // MIT and Heimdal store the enctype as a signed 16-bit number (klist shows `etype -1`).
  const enctype = (r.u16('enctype') << 16) >> 16;
  const key = r.take(r.u16('key length'), 'key');
  const kvno32 = r.remaining >= 4 ? r.u32('kvno32') : null;
  // v1's leftover bytes are MIT's miscount, not data: they are not carried into a v2 rewrite.
  const trailer = v1 ? new Uint8Array(0) : r.take(r.remaining, 'trailer');

  const allText = isValidUtf8(realmBytes) && componentBytes.every(isValidUtf8);
  const wire: EntryWire = {
    kvno8,
    kvno32,
    trailer,
    ...(allText ? {} : { rawName: { realm: realmBytes.slice(), components: componentBytes.map((c) => c.slice()) } }),
  };
  return {
    principal: { components: componentBytes.map(decodeText), realm: decodeText(realmBytes), nameType },
    timestamp,
    kvno: kvno32 !== null && kvno32 !== 0 ? kvno32 : kvno8,
    enctype,
    key,
    wire,
  };
}

/** ASCII is by far the common case; it skips the TextDecoder call. */
function decodeText(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  return ascii ? String.fromCharCode(...bytes) : fromUtf8(bytes);
}
