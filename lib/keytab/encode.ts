/**
 * Keytab writer: always format 0x0502, big-endian, with the 32-bit kvno tail on new entries
 * (as MIT has since 1.14). Entries read from a file keep their stored form (missing kvno tail,
 * Heimdal flags, padding) as long as their kvno and name are unchanged, so an unmodified file
 * is reproduced byte for byte. Holes are not written back.
 */
import { ByteWriter, fromUtf8, utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import type { Keytab, KeytabEntry } from './types.js';
import { KEYTAB_V2 } from './types.js';

const U16 = 0xffff;
const U32 = 0xffffffff;

export function serializeKeytab(keytab: Pick<Keytab, 'entries'>): Uint8Array {
  const w = new ByteWriter(2 + keytab.entries.length * 96);
  w.u16(KEYTAB_V2);
  for (const entry of keytab.entries) writeEntry(w, entry);
  return w.finish();
}

/** One entry's record (length field + body), as serializeKeytab writes it. */
export function serializeEntry(entry: KeytabEntry): Uint8Array {
  const w = new ByteWriter(96);
  writeEntry(w, entry);
  return w.finish();
}

function check(value: number, max: number, what: string, entry: KeytabEntry, min = 0): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KtError(
      'KEYTAB_TOO_LARGE',
      `${what} ${value} cannot be stored in a keytab (${min}..${max})`,
      {
        details: { field: what, value, min, max, realm: entry.principal.realm },
      },
    );
  }
}

function nameBytes(entry: KeytabEntry): { realm: Uint8Array; components: readonly Uint8Array[] } {
  const raw = entry.wire?.rawName;
  if (
    raw &&
    fromUtf8(raw.realm) === entry.principal.realm &&
    raw.components.length === entry.principal.components.length &&
    raw.components.every((c, i) => fromUtf8(c) === entry.principal.components[i])
  ) {
    return raw;
  }
  return { realm: utf8(entry.principal.realm), components: entry.principal.components.map(utf8) };
}

function writeEntry(w: ByteWriter, entry: KeytabEntry): void {
  const { realm, components } = nameBytes(entry);
  check(components.length, U16, 'component count', entry);
  check(realm.length, U16, 'realm length', entry);
  for (const c of components) check(c.length, U16, 'component length', entry);
  check(entry.principal.nameType, U32, 'name type', entry);
  check(entry.timestamp, U32, 'timestamp', entry);
  check(entry.kvno, U32, 'kvno', entry);
  check(entry.enctype, U16, 'enctype', entry, -0x8000);
  check(entry.key.length, U16, 'key length', entry);

  const wire = entry.wire;
  const keepWire =
    wire !== undefined &&
    (wire.kvno32 !== null && wire.kvno32 !== 0 ? wire.kvno32 : wire.kvno8) === entry.kvno;
  const kvno8 = keepWire ? wire.kvno8 : entry.kvno & 0xff;
  const kvno32 = keepWire ? wire.kvno32 : entry.kvno;
  const trailer = keepWire ? wire.trailer : undefined;

  const start = w.length;
  w.i32(0);
  w.u16(components.length);
  w.u16(realm.length).bytes(realm);
  for (const c of components) w.u16(c.length).bytes(c);
  w.u32(entry.principal.nameType);
  w.u32(entry.timestamp);
  w.u8(kvno8);
  w.u16(entry.enctype & 0xffff);
  w.u16(entry.key.length).bytes(entry.key);
  if (kvno32 !== null) w.u32(kvno32);
  if (trailer) w.bytes(trailer);
  w.patchI32(start, w.length - start - 4);
}
