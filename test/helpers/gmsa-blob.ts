/**
 * Builds MSDS-MANAGEDPASSWORD_BLOB values ([MS-ADTS] 2.2.19) for tests, written from the
 * spec's layout (not from any DC's output): a 16-byte header of little-endian fields, the
 * NUL-terminated UTF-16LE current password, the optional previous password, zero padding to an
 * 8-byte boundary, then the query and unchanged intervals (100 ns units, 64-bit).
 */

export interface BlobParts {
  /** UTF-16 code units of the current password (no terminator): any values, lone surrogates too. */
  readonly current: readonly number[];
  readonly previous?: readonly number[] | undefined;
  /** 100 ns units. */
  readonly queryInterval: bigint;
  readonly unchangedInterval: bigint;
  readonly version?: number;
}

export function buildManagedPasswordBlob(parts: BlobParts): Uint8Array {
  const currentAt = 16;
  const previousAt = parts.previous ? currentAt + (parts.current.length + 1) * 2 : 0;
  const end = parts.previous
    ? previousAt + (parts.previous.length + 1) * 2
    : currentAt + (parts.current.length + 1) * 2;
  const queryAt = Math.ceil(end / 8) * 8;
  const unchangedAt = queryAt + 8;
  const length = unchangedAt + 8;
  const blob = new Uint8Array(length);
  const view = new DataView(blob.buffer);
  view.setUint16(0, parts.version ?? 1, true);
  view.setUint16(2, 0, true);
  view.setUint32(4, length, true);
  view.setUint16(8, currentAt, true);
  view.setUint16(10, previousAt, true);
  view.setUint16(12, queryAt, true);
  view.setUint16(14, unchangedAt, true);
  parts.current.forEach((u, i) => view.setUint16(currentAt + 2 * i, u, true));
  parts.previous?.forEach((u, i) => view.setUint16(previousAt + 2 * i, u, true));
  view.setBigUint64(queryAt, parts.queryInterval, true);
  view.setBigUint64(unchangedAt, parts.unchangedInterval, true);
  return blob;
}

/** UTF-16 code units of a JS string. */
export function units(text: string): number[] {
  return Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
}

/** A 127-unit password like a DC's: pseudo-random wide characters, never 0 (PostProcessPasswordBuffer). */
export function dcLikePassword(seed: number): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < 127; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(x & 0xffff || 1);
  }
  return out;
}

/** 100 ns units per day. */
export const DAY = 864_000_000_000n;
export const MINUTE = 600_000_000n;
