/** Rendering shared by the commands: klist-style lines and JSON entries. */
import { toHex } from '../bytes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal } from '../principal.js';
import type { Principal } from '../principal.js';

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

export const KLIST_HEADER_TIMED = 'KVNO Timestamp         Principal\n---- ----------------- --------------------------------------------------------\n';

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
export function chunkedWriter(write: (chunk: string) => void): { add(text: string): boolean; end(): void } {
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

/**
 * Writes the entry lines of `klist -k -t -e [-K]` straight into 64 KB byte buffers: the
 * principal, time and enctype texts are encoded once per distinct value, so a large keytab
 * is listed without making a string per line. `line` returns true when it has just handed a
 * buffer to `write` (a good time to wait for a slow reader).
 */
export function klistWriter(write: (chunk: Uint8Array) => void): {
  text(text: string): void;
  line(principal: Principal, e: Pick<KeytabEntry, 'timestamp' | 'kvno' | 'enctype'>, key?: Uint8Array): boolean;
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
  const put = (bytes: Uint8Array): void => {
    if (used + bytes.length > buf.length) flush();
    if (bytes.length > buf.length) {
      write(bytes.slice());
      return;
    }
    buf.set(bytes, used);
    used += bytes.length;
  };
  const name = memoLast((p: Principal) => encoder.encode(formatPrincipal(p)));
  const time = memoLast((t: number) => encoder.encode(` ${klistTime(t)} `));
  const labels = new Map<number, Uint8Array>();
  const label = (id: number): Uint8Array => {
    let l = labels.get(id);
    if (!l) labels.set(id, (l = encoder.encode(` (${klistEnctype(id)}) `)));
    return l;
  };
  const digits = new Uint8Array(10);
  return {
    text: (text) => put(encoder.encode(text)),
    line(principal, e, key) {
      flushed = false;
      if (used + 256 + (key ? key.length * 2 : 0) > buf.length) flush();
      // kvno, right-aligned in 4 columns like printf("%4d")
      let n = e.kvno;
      let d = 0;
      do {
        digits[d++] = 0x30 + (n % 10);
        n = Math.floor(n / 10);
      } while (n > 0);
      for (let pad = 4 - d; pad > 0; pad--) buf[used++] = 0x20;
      while (d > 0) buf[used++] = digits[--d] as number;
      put(time(e.timestamp));
      put(name(principal));
      put(label(e.enctype));
      if (key) {
        put(encoder.encode(' (0x'));
        if (used + key.length * 2 > buf.length) flush();
        for (const b of key) {
          buf[used++] = HEX_DIGITS[b >> 4] as number;
          buf[used++] = HEX_DIGITS[b & 15] as number;
        }
        buf[used++] = 0x29; // ')'
      }
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
