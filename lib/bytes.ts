/**
 * Byte helpers for the pure core. Uint8Array only: no Buffer, no node:*.
 * Strings become bytes in exactly one place each: utf8() for Kerberos strings, utf16le() for
 * RC4 passwords and AD's unicodePwd.
 */
import { KtError } from './errors.js';

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the text (a realm or component that starts with one
// must round-trip byte for byte), not a byte-order mark to drop.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 (a leading U+FEFF kept); invalid sequences become U+FFFD (use isValidUtf8 to know). */
export function fromUtf8(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** UTF-16LE code units of a JS string: non-BMP characters become surrogate pairs (as MIT does). */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >>> 8;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

/**
 * Parses hex (upper or lower case, optional 0x prefix, no separators). Errors say where the
 * text is wrong, never what it holds: it may be a key (`--key-hex`).
 */
export function fromHex(text: string, what = 'hex string'): Uint8Array {
  const clean = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  const bad = clean.search(/[^0-9a-fA-F]/);
  if (bad >= 0 || clean.length % 2 !== 0) {
    const where =
      bad >= 0
        ? `character ${bad + 1 + text.length - clean.length} of ${text.length} is not a hex digit`
        : `odd number of hex digits (${clean.length})`;
    throw new KtError('INPUT_INVALID', `${what}: ${where}`, {
      details:
        bad >= 0
          ? { position: bad + 1 + text.length - clean.length, length: text.length }
          : { length: text.length },
      hint: 'give an even number of hex digits (0-9, a-f), e.g. 00ff10, without spaces or colons',
    });
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Equality in time independent of where the arrays differ (for keys). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Whether a[aAt..aAt+length) equals b[bAt..bAt+length) (not constant-time: not for secrets). */
export function equalAt(
  a: Uint8Array,
  aAt: number,
  b: Uint8Array,
  bAt: number,
  length: number,
): boolean {
  for (let i = 0; i < length; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** Overwrites a buffer that held secret material. */
export function wipe(...buffers: Uint8Array[]): void {
  for (const b of buffers) b.fill(0);
}

/**
 * Bounds-checked reader. Every read checks the remaining length first and throws
 * KEYTAB_TRUNCATED with the offset, so a hostile length never causes an allocation or a
 * foreign exception.
 */
export class ByteReader {
  private readonly view: DataView;
  private pos: number;
  private end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
    private readonly littleEndian = false,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Moves the end bound (to read one record inside a larger buffer); returns the old end. */
  limit(end: number): number {
    const old = this.end;
    this.end = end;
    return old;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new KtError(
        'KEYTAB_TRUNCATED',
        `truncated ${what} at byte ${this.pos}: need ${n} bytes, ${this.end - this.pos} left`,
        {
          details: { offset: this.pos, needed: n, available: this.end - this.pos, field: what },
        },
      );
    }
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  i32(what = 'int32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** Skips n bytes (bounds-checked). */
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A view (not a copy) of the next n bytes. */
  subarray(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Growable big-endian writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.pos++, v);
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Overwrites a 32-bit value at an earlier position (for length prefixes). */
  patchI32(at: number, v: number): void {
    this.view.setInt32(at, v);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
