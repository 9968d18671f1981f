/** Rendering shared by the commands: klist-style lines and JSON entries. */
import { toHex } from '../bytes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
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

/** Formats entry lines of `klist -k -t -e [-K]`, reusing work across entries that share fields. */
export function klistFormatter(showKey: boolean): (entry: KeytabEntry) => string {
  const principal = memoLast(formatPrincipal);
  const time = memoLast(klistTime);
  const enctype = memoLast(klistEnctype);
  return (e) => {
    const key = showKey ? ` (0x${toHex(e.key)})` : '';
    return `${String(e.kvno).padStart(4, ' ')} ${time(e.timestamp)} ${principal(e.principal)} (${enctype(e.enctype)}) ${key}\n`;
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
