/**
 * Reads that end. Every input the CLI reads (keytabs, password files, standard input) goes
 * through a bound: a largest size, and optionally a check of the first bytes made as soon as
 * they arrive. `keytab list /dev/zero` fails on the version bytes at once instead of reading
 * forever; a password file is refused past 64 KiB.
 *
 * Regular files larger than the bound are refused from their size without being read. Pipes,
 * character devices and FIFOs (`<(cat a.keytab)`, /dev/stdin) are read in chunks, so the same
 * rules hold for them; their size from stat means nothing and is never used.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { KtError } from '../errors.js';

export interface ReadBound {
  /** The most bytes accepted; one more is an error. */
  readonly max: number;
  /** What is read, for messages: "keytab", "password file". */
  readonly what: string;
  /** Checked once the first `length` bytes are in (a shorter input is left to its parser). */
  readonly head?: { readonly length: number; check(head: Uint8Array): void };
  /** How to get past the bound, for the message. */
  readonly hint?: string;
}

/** The largest keytab read (override with KEYTAB_MAX_BYTES): 10 million AES entries fit. */
export const KEYTAB_MAX_BYTES = 1 << 30;
/** The largest password file (or password on standard input). */
export const PASSWORD_MAX_BYTES = 64 << 10;
/** Configuration text: krb5.conf files, CA certificate files. */
export const CONFIG_MAX_BYTES = 1 << 20;
/** Any other input (batch specs, standard input without a stated bound). */
export const INPUT_BOUND: ReadBound = { max: KEYTAB_MAX_BYTES, what: 'input file' };

/** Collects chunks, failing as soon as the head check or the size bound says so. */
export class BoundedCollector {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private headChecked: boolean;

  constructor(
    private readonly bound: ReadBound,
    private readonly name: string,
  ) {
    this.headChecked = bound.head === undefined;
  }

  get size(): number {
    return this.total;
  }

  /** Adds a chunk (kept, not copied: pass a chunk you will not change). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    if (this.total > this.bound.max) throw tooLarge(this.bound, this.name);
    this.chunks.push(chunk);
    const head = this.bound.head;
    if (!this.headChecked && head && this.total >= head.length) {
      this.headChecked = true;
      try {
        head.check(this.joined().subarray(0, head.length));
      } catch (err) {
        if (!(err instanceof KtError)) throw err;
        throw new KtError(err.code, `${this.name}: ${err.message}`, {
          details: err.details,
          cause: err,
          hint: err.hint,
          remedy: err.remedy,
        });
      }
    }
  }

  /** Everything read, as one array. */
  finish(): Uint8Array {
    return this.joined();
  }

  private joined(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0] as Uint8Array;
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks.length = 0;
    if (out.length) this.chunks.push(out);
    return out;
  }
}

function tooLarge(bound: ReadBound, name: string): KtError {
  return new KtError(
    'INPUT_TOO_LARGE',
    `${name}: more than ${formatSize(bound.max)}: too large for a ${bound.what}`,
    {
      details: { max: bound.max },
      hint: bound.hint,
    },
  );
}

export function formatSize(bytes: number): string {
  if (bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`;
  if (bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}

/** What a bounded file read found: the bytes, and whether the file was a regular file. */
export interface BoundedFile {
  readonly bytes: Uint8Array;
  readonly regular: boolean;
}

/**
 * Reads a file within `bound`. Errors from the file system are thrown as they come (the
 * caller words them); bound and head failures are KtErrors naming `name`.
 */
export function readFileBounded(path: string, bound: ReadBound, name = path): BoundedFile {
  const fd = openSync(path, 'r');
  try {
    return readFdBounded(fd, bound, name);
  } finally {
    closeSync(fd);
  }
}

/** The same from an open file descriptor (which stays open). */
export function readFdBounded(fd: number, bound: ReadBound, name: string): BoundedFile {
  {
    const st = fstatSync(fd);
    const regular = st.isFile();
    if (regular && st.size > bound.max) throw tooLarge(bound, name);
    const collector = new BoundedCollector(bound, name);
    // A regular file in one read of its size (+1 to see the end); anything else in 64 KiB steps.
    let chunkSize = regular ? Math.min(st.size + 1, bound.max + 1) : 1 << 16;
    if (bound.head && !regular) chunkSize = Math.max(bound.head.length, 1 << 16);
    for (;;) {
      const buf = new Uint8Array(Math.min(chunkSize, bound.max + 1 - collector.size));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      collector.push(buf.subarray(0, n));
      chunkSize = 1 << 16;
    }
    return { bytes: collector.finish(), regular };
  }
}

/** Reads a stream of chunks within `bound`; stops reading (return()) at the first failure. */
export async function readChunksBounded(
  chunks: AsyncIterable<Uint8Array>,
  bound: ReadBound,
  name: string,
): Promise<Uint8Array> {
  const collector = new BoundedCollector(bound, name);
  for await (const chunk of chunks) collector.push(chunk);
  return collector.finish();
}

/** A text file (UTF-8, read as readFileSync(path, 'utf8') would) of at most CONFIG_MAX_BYTES. */
export function readConfigText(path: string, what: string): string {
  const { bytes } = readFileBounded(path, { max: CONFIG_MAX_BYTES, what }, path);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Applies a bound to bytes already in memory (an input that could not be read in steps). */
export function checkBound(bytes: Uint8Array, bound: ReadBound, name: string): Uint8Array {
  const collector = new BoundedCollector(bound, name);
  collector.push(bytes);
  return collector.finish();
}
