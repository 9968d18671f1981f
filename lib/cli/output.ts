/** Rendering shared by the commands: klist-style lines and JSON entries. */
import { toHex } from '../bytes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import type { RecordView } from '../keytab/decode.js';
import { formatPrincipal } from '../principal.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** MIT klist's short local time: `06/01/24 12:00:00`. */
export function klistTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${pad2(d.getMonth() + 1)}/${pad2(d.getDate())}/${pad2(d.getFullYear() % 100)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** The enctype as klist -e prints it: deprecated and unknown ones are marked. */
export function klistEnctype(id: number): string {
  const info = enctypeById(id);
  return info && !info.deprecated ? info.name : `DEPRECATED:${enctypeName(id)}`;
}

export const KLIST_HEADER_TIMED =
  'KVNO Timestamp         Principal\n---- ----------------- --------------------------------------------------------\n';

/** Remembers the last answer: consecutive entries usually share principal and timestamp. */
function memoLast<K, V>(fn: (k: K) => V): (k: K) => V {
  let lastKey: K | undefined;
  let lastValue: V | undefined;
  return (k) => {
    if (k !== lastKey || lastValue === undefined) {
      lastKey = k;
      lastValue = fn(k);
    }
    return lastValue;
  };
}

/**
 * Collects output into chunks of about 64 KB, so large listings stream: small enough that
 * the pieces die young, large enough to keep system calls few. `add` returns true when it
 * has just written a chunk (a good time to wait for the pipe).
 */
export function chunkedWriter(write: (chunk: string) => void): {
  add(text: string): boolean;
  end(): void;
} {
  let chunk = '';
  return {
    add(text) {
      chunk += text;
      if (chunk.length < 1 << 16) return false;
      write(chunk);
      chunk = '';
      return true;
    },
    end() {
      if (chunk) write(chunk);
      chunk = '';
    },
  };
}

const encoder = new TextEncoder();
const HEX_DIGITS = encoder.encode('0123456789abcdef');

/** What klist prints for bytes of a name that need escaping (MIT krb5_unparse_name). */
const NAME_ESCAPES: Readonly<Record<number, number>> = {
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x40: 0x40,
  0x0a: 0x6e,
  0x09: 0x74,
  0x08: 0x62,
  0x00: 0x30,
};

/**
 * Writes the entry lines of `klist -k -t -e [-K]` straight into 64 KB byte buffers, from the
 * records' own bytes: names are copied as stored (escaped as klist escapes them), time and
 * enctype texts are encoded once per distinct value. Nothing is allocated per line, so a large
 * keytab lists at the speed of the copy. `line` returns true when it has just handed a buffer
 * to `write` (a good time to wait for a slow reader).
 */
export function klistWriter(write: (chunk: Uint8Array) => void): {
  text(text: string): void;
  line(view: RecordView, showKey: boolean): boolean;
  end(): void;
} {
  const SIZE = 1 << 16;
  let buf = new Uint8Array(SIZE);
  let used = 0;
  let flushed = false;
  const flush = (): void => {
    if (used === 0) return;
    write(buf.subarray(0, used));
    buf = new Uint8Array(SIZE);
    used = 0;
    flushed = true;
  };
  /** Makes room for n more bytes. */
  const room = (n: number): void => {
    if (used + n > buf.length) {
      flush();
      if (n > buf.length) buf = new Uint8Array(n);
    }
  };
  const put = (bytes: Uint8Array): void => {
    room(bytes.length);
    buf.set(bytes, used);
    used += bytes.length;
  };
  /** A name part (length-prefixed in the record), escaped. */
  const putPart = (bytes: Uint8Array, at: number, length: number): void => {
    room(length * 2);
    for (let i = at; i < at + length; i++) {
      const b = bytes[i] as number;
      const escaped = b < 0x60 ? NAME_ESCAPES[b] : undefined;
      if (escaped !== undefined) {
        buf[used++] = 0x5c;
        buf[used++] = escaped;
      } else {
        buf[used++] = b;
      }
    }
  };
  const putName = (v: RecordView): void => {
    const { bytes } = v;
    const len = (at: number): number =>
      v.v1
        ? (bytes[at] as number) | ((bytes[at + 1] as number) << 8)
        : ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    const realmAt = v.nameStart + 2;
    const realmLength = len(realmAt);
    let at = realmAt + 2 + realmLength;
    for (let i = 0; i < v.componentCount; i++) {
      const length = len(at);
      if (i > 0) {
        room(1);
        buf[used++] = 0x2f;
      }
      putPart(bytes, at + 2, length);
      at += 2 + length;
    }
    room(1);
    buf[used++] = 0x40;
    putPart(bytes, realmAt + 2, realmLength);
  };
  const time = memoLast((t: number) => encoder.encode(` ${klistTime(t)} `));
  const labels = new Map<number, Uint8Array>();
  const label = (id: number): Uint8Array => {
    let l = labels.get(id);
    if (!l) labels.set(id, (l = encoder.encode(` (${klistEnctype(id)}) `)));
    return l;
  };
  const digits = new Uint8Array(10);
  const KEY_OPEN = encoder.encode(' (0x');
  return {
    text: (text) => put(encoder.encode(text)),
    line(v, showKey) {
      flushed = false;
      room(64);
      // kvno, right-aligned in 4 columns like printf("%4d")
      let n = v.kvno;
      let d = 0;
      do {
        digits[d++] = 0x30 + (n % 10);
        n = Math.floor(n / 10);
      } while (n > 0);
      for (let pad = 4 - d; pad > 0; pad--) buf[used++] = 0x20;
      while (d > 0) buf[used++] = digits[--d] as number;
      put(time(v.timestamp));
      putName(v);
      put(label(v.enctype));
      if (showKey) {
        put(KEY_OPEN);
        room(v.keyLength * 2 + 2);
        for (let i = v.keyStart; i < v.keyStart + v.keyLength; i++) {
          const b = v.bytes[i] as number;
          buf[used++] = HEX_DIGITS[b >> 4] as number;
          buf[used++] = HEX_DIGITS[b & 15] as number;
        }
        buf[used++] = 0x29; // ')'
      }
      room(1);
      buf[used++] = 0x0a;
      return flushed;
    },
    end: flush,
  };
}

export interface JsonEntry {
  principal: string;
  components: readonly string[];
  realm: string;
  nameType: number;
  timestamp: number;
  kvno: number;
  enctype: number;
  enctypeName: string;
  key?: string;
}

export function jsonEntry(entry: KeytabEntry, showKey: boolean): JsonEntry {
  const out: JsonEntry = {
    principal: formatPrincipal(entry.principal),
    components: entry.principal.components,
    realm: entry.principal.realm,
    nameType: entry.principal.nameType,
    timestamp: entry.timestamp,
    kvno: entry.kvno,
    enctype: entry.enctype,
    enctypeName: enctypeName(entry.enctype),
  };
  if (showKey) out.key = toHex(entry.key);
  return out;
}

/** A short human description of an entry for messages: `P kvno 3 aes256-cts-hmac-sha1-96`. */
export function describeEntry(entry: KeytabEntry): string {
  return `${formatPrincipal(entry.principal)} kvno ${entry.kvno} ${enctypeName(entry.enctype)}`;
}

/**
 * A plain-text table: a header row, then the rows, every column but the last padded to its
 * widest cell and separated by two spaces.
 */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map((r) => `${line(r)}\n`).join('');
}

/** `1 entry`, `2 entries`: a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `1 entry`, `3 entries`. */
export const entryCount = (n: number): string => plural(n, 'entry', 'entries');

/**
 * Whether to colour what goes to a stream: never with NO_COLOR (any value, no-color.org),
 * always with FORCE_COLOR (other than 0 or false), else only on a terminal.
 */
export function colourWanted(
  env: Readonly<Record<string, string | undefined>>,
  stream: { readonly isTTY: boolean },
): boolean {
  const no = env['NO_COLOR'];
  if (no !== undefined && no !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY && env['TERM'] !== 'dumb';
}

const STATUS_COLOUR: Readonly<Record<string, string>> = Object.freeze({
  OK: '32',
  INFO: '36',
  SKIP: '2',
  WARN: '33',
  FAIL: '1;31',
  ERROR: '1;31',
});

/** Colours the status word that opens each line of verify and doctor output (OK green, WARN yellow, FAIL/ERROR red). */
export function colourStatus(text: string): string {
  return text.replace(
    /^(OK|INFO|SKIP|WARN|FAIL|ERROR)\b/gm,
    (word) => `\u001b[${STATUS_COLOUR[word] ?? '0'}m${word}\u001b[0m`,
  );
}

/** Status words coloured when standard output wants colour (a terminal, no NO_COLOR), else the text as it is. */
export function paintStatus(
  ctx: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly stdout: { readonly isTTY: boolean };
  },
  text: string,
): string {
  return colourWanted(ctx.env, ctx.stdout) ? colourStatus(text) : text;
}
