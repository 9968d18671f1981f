/**
 * The in-memory keytab: plain readonly data. Entries keep how they were stored (`wire`) so a
 * file that is read and written back unchanged comes out byte for byte the same.
 */
import type { Principal } from '../principal.js';

/** 0x0502 is the only version anyone writes; 0x0501 is read for old files. */
export type KeytabVersion = 0x0501 | 0x0502;

export const KEYTAB_V1 = 0x0501;
export const KEYTAB_V2 = 0x0502;

export interface KeytabEntry {
  readonly principal: Principal;
  /** Seconds since 1970, unsigned 32-bit (values past 2^31 occur). */
  readonly timestamp: number;
  /** The effective key version number (the 32-bit tail when present and non-zero). */
  readonly kvno: number;
  /** IANA enctype number, signed 16-bit as MIT and Heimdal read it; unknown numbers are kept. */
  readonly enctype: number;
  readonly key: Uint8Array;
  /** How the entry was stored, when it was read from a file. */
  readonly wire?: EntryWire;
}

/**
 * Storage details that are not part of the entry's meaning but must survive a rewrite.
 * The encoder uses them only while they still agree with the entry (same kvno, same name).
 */
export interface EntryWire {
  /** The 8-bit kvno field as stored. */
  readonly kvno8: number;
  /** The 32-bit kvno tail, or null when the record had none (ktpass, Java, old MIT). */
  readonly kvno32: number | null;
  /** Bytes after the kvno tail inside the record: Heimdal's flags word, zero padding. */
  readonly trailer: Uint8Array;
  /** Raw realm and component bytes, kept only when they are not valid UTF-8. */
  readonly rawName?: { readonly realm: Uint8Array; readonly components: readonly Uint8Array[] };
}

export interface KeytabHole {
  /** Offset of the record's length field. */
  readonly offset: number;
  /** Bytes of the hole after its length field. */
  readonly size: number;
}

export interface KeytabWarning {
  readonly offset: number;
  readonly message: string;
}

export interface Keytab {
  readonly version: KeytabVersion;
  readonly entries: readonly KeytabEntry[];
  /** Deleted records found while reading (never written back). */
  readonly holes?: readonly KeytabHole[];
  /** Oddities that did not stop the read. */
  readonly warnings?: readonly KeytabWarning[];
}

export function emptyKeytab(): Keytab {
  return { version: KEYTAB_V2, entries: [] };
}
