/**
 * Reader for MIT's FILE credentials cache format (MIT doc/formats/ccache_file_format.rst),
 * versions 3 and 4, as MIT kinit and Heimdal kinit write them. Pure: bytes in, data out.
 *
 *   file       = 05 vv [header (v4)] principal credential*      all integers big-endian
 *   header     = uint16 length, (uint16 tag, uint16 length, value)*   tag 1: KDC time offset
 *   principal  = int32 name_type, uint32 count, data realm, data component * count
 *   credential = principal client, principal server,
 *                keyblock (uint16 enctype [twice in v3], data),
 *                uint32 authtime, starttime, endtime, renew_till, uint8 is_skey, uint32 flags,
 *                uint32 count, (uint16 addrtype, data)*, uint32 count, (uint16 ad_type, data)*,
 *                data ticket, data second_ticket
 *   data       = uint32 length, bytes
 *
 * Versions 1 and 2 (0x0501, 0x0502) use the writer's native byte order and are refused.
 * Entries whose server is krb5_ccache_conf_data/KEY[/PRINCIPAL]@X-CACHECONF: are
 * configuration (pa_type, fast_avail, start_realm...), kept apart from the tickets.
 *
 * Every length is checked against the bytes left before anything is read or allocated;
 * malformed input throws KtError CCACHE_* (never another exception). Keys stay in the
 * returned data only: no message or error detail ever contains key bytes.
 *
 * The public API is lib/krb5/ccache.ts, which re-exports this file.
 */
import { ByteReader, isValidUtf8 } from '../bytes.js';
import { KtError, isKtError, offsetErrors } from '../errors.js';
import type { Principal } from '../principal.js';
import type { KrbKey } from './client.js';
import type { AuthorizationDataEntry, HostAddress, TicketTimes } from './messages.js';

export const CCACHE_V3 = 0x0503;
export const CCACHE_V4 = 0x0504;
export type CcacheVersion = typeof CCACHE_V3 | typeof CCACHE_V4;

/** v4 header tag of the KDC time offset (seconds and microseconds, KDC minus client). */
const TAG_KDC_OFFSET = 1;
const CONFIG_REALM = 'X-CACHECONF:';
const CONFIG_NAME = 'krb5_ccache_conf_data';

/** A principal as stored: decoded text plus the exact bytes (for byte-for-byte round trips). */
export interface CcachePrincipal extends Principal {
  readonly rawRealm: Uint8Array;
  readonly rawComponents: readonly Uint8Array[];
  /** False when a part is not valid UTF-8 (the text then shows U+FFFD; the raw bytes are exact). */
  readonly validUtf8: boolean;
}

export interface CcacheHeaderField {
  readonly tag: number;
  readonly value: Uint8Array;
}

/**
 * One ticket entry of the cache. Times are whole seconds (the format has no more); a start
 * time or renew-till stored as 0 is absent.
 */
export interface CcacheEntry extends TicketTimes {
  /** Byte offset of the entry in the file (for messages). */
  readonly offset: number;
  readonly client: CcachePrincipal;
  readonly server: CcachePrincipal;
  /** The session key: secret, never print it. */
  readonly sessionKey: KrbKey;
  readonly isSkey: boolean;
  readonly flags: number;
  readonly addresses: readonly HostAddress[];
  readonly authData: readonly AuthorizationDataEntry[];
  /** The ticket exactly as stored (DER of Ticket). */
  readonly ticket: Uint8Array;
  readonly secondTicket: Uint8Array;
}

/** A configuration entry: krb5_ccache_conf_data/KEY[/PRINCIPAL]@X-CACHECONF:. */
export interface CcacheConfigEntry {
  readonly offset: number;
  /** pa_type, fast_avail, start_realm, pa_config_data, refresh_time... */
  readonly key: string;
  /** The principal the key is about, as text (e.g. krbtgt/MIT.TEST@MIT.TEST), if any. */
  readonly principal?: string | undefined;
  readonly value: Uint8Array;
  /** The value as UTF-8 text. */
  readonly text: string;
}

export interface Ccache {
  readonly version: CcacheVersion;
  /** v4 header tag 1: add it to the local clock to get the KDC's (if the writer recorded it). */
  readonly kdcOffset?: { readonly seconds: number; readonly microseconds: number } | undefined;
  /** Every v4 header field as stored, known or not. */
  readonly headerFields: readonly CcacheHeaderField[];
  readonly defaultPrincipal: CcachePrincipal;
  /** Ticket entries in file order (configuration entries excluded). */
  readonly credentials: readonly CcacheEntry[];
  readonly config: readonly CcacheConfigEntry[];
}

const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Smallest encodings, to refuse impossible counts before looping. */
const MIN_DATA = 4;
const MIN_ADDRESS = 2 + MIN_DATA;

const malformed = offsetErrors('CCACHE_MALFORMED', 'credentials cache malformed');

/** Parses a whole FILE ccache. The bytes are copied once; keys and tickets are views into that copy. */
export function parseCcache(bytes: Uint8Array): Ccache {
  const own = bytes.slice();
  try {
    return parse(own);
  } catch (e) {
    // ByteReader reports short reads with the keytab code: say "credentials cache" instead.
    if (isKtError(e) && e.code === 'KEYTAB_TRUNCATED') {
      throw new KtError('CCACHE_TRUNCATED', `credentials cache ${e.message}`, {
        details: e.details,
      });
    }
    throw e;
  }
}

function parse(bytes: Uint8Array): Ccache {
  const version = ccacheVersion(bytes);
  const r = new ByteReader(bytes, 2);
  const headerFields: CcacheHeaderField[] = [];
  let kdcOffset: Ccache['kdcOffset'];
  if (version === CCACHE_V4) {
    const length = r.u16('header length');
    const end = r.offset + length;
    if (length > r.remaining)
      throw new KtError(
        'CCACHE_TRUNCATED',
        `credentials cache header declares ${length} bytes but only ${r.remaining} remain`,
        { details: { offset: 2, declared: length, available: r.remaining } },
      );
    const fileEnd = r.limit(end);
    while (r.remaining > 0) {
      const at = r.offset;
      const tag = r.u16('header tag');
      const value = r.subarray(r.u16('header field length'), 'header field');
      headerFields.push({ tag, value });
      if (tag === TAG_KDC_OFFSET) {
        if (value.length !== 8)
          throw malformed(at, `KDC time offset field has ${value.length} bytes (expected 8)`);
        const v = new DataView(value.buffer, value.byteOffset, 8);
        kdcOffset = { seconds: v.getInt32(0), microseconds: v.getInt32(4) };
      }
    }
    r.limit(fileEnd);
  }
  const defaultPrincipal = readPrincipal(r, 'default principal');
  const credentials: CcacheEntry[] = [];
  const config: CcacheConfigEntry[] = [];
  while (r.remaining > 0) {
    const entry = readEntry(r, version);
    const conf = configOf(entry);
    if (conf) config.push(conf);
    else credentials.push(entry);
  }
  return { version, kdcOffset, headerFields, defaultPrincipal, credentials, config };
}

/** Checks the first two bytes; CCACHE_BAD_VERSION for anything but 0x0503 and 0x0504. */
export function ccacheVersion(bytes: Uint8Array): CcacheVersion {
  if (bytes.length < 2) {
    throw new KtError(
      'CCACHE_BAD_VERSION',
      bytes.length === 0
        ? 'empty file: not a credentials cache'
        : 'file too short to be a credentials cache (1 byte)',
      {
        details: { offset: 0, size: bytes.length },
      },
    );
  }
  const version = ((bytes[0] as number) << 8) | (bytes[1] as number);
  if (version === CCACHE_V3 || version === CCACHE_V4) return version;
  const hex = `0x${version.toString(16).padStart(4, '0')}`;
  const old = version === 0x0501 || version === 0x0502;
  throw new KtError(
    'CCACHE_BAD_VERSION',
    old
      ? `credentials cache format version ${hex} uses the writer's native byte order and is not supported (only 0x0503 and 0x0504)`
      : `not a credentials cache: format version ${hex} at byte 0 (expected 0x0504 or 0x0503)`,
    {
      details: { offset: 0, version },
      ...(old ? { hint: 'run kinit again: current MIT and Heimdal write version 4' } : {}),
    },
  );
}

function readData(r: ByteReader, what: string): Uint8Array {
  const at = r.offset;
  const length = r.u32(`${what} length`);
  if (length > r.remaining) {
    throw new KtError(
      'CCACHE_TRUNCATED',
      `credentials cache ${what} at byte ${at} declares ${length} bytes but only ${r.remaining} remain`,
      {
        details: { offset: at, declared: length, available: r.remaining, field: what },
      },
    );
  }
  return r.subarray(length, what);
}

function readCount(r: ByteReader, what: string, minSize: number): number {
  const at = r.offset;
  const count = r.u32(`${what} count`);
  if (count * minSize > r.remaining)
    throw malformed(at, `${what} count ${count} cannot fit in the ${r.remaining} bytes left`, {
      count,
    });
  return count;
}

function text(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

function readPrincipal(r: ByteReader, what: string): CcachePrincipal {
  const nameType = r.i32(`${what} name type`);
  const count = readCount(r, `${what} component`, MIN_DATA);
  const rawRealm = readData(r, `${what} realm`);
  const rawComponents: Uint8Array[] = [];
  for (let i = 0; i < count; i++) rawComponents.push(readData(r, `${what} component`));
  const validUtf8 = isValidUtf8(rawRealm) && rawComponents.every(isValidUtf8);
  return {
    nameType,
    realm: text(rawRealm),
    components: rawComponents.map(text),
    rawRealm,
    rawComponents,
    validUtf8,
  };
}

function readEntry(r: ByteReader, version: CcacheVersion): CcacheEntry {
  const offset = r.offset;
  const client = readPrincipal(r, 'client');
  const server = readPrincipal(r, 'server');
  const enctype = (r.u16('key enctype') << 16) >> 16;
  if (version === CCACHE_V3) r.u16('repeated key enctype');
  const key = readData(r, 'key');
  const authTime = r.u32('authtime');
  const startTime = r.u32('starttime');
  const endTime = r.u32('endtime');
  const renewTill = r.u32('renew_till');
  const isSkey = r.u8('is_skey') !== 0;
  const flags = r.u32('ticket flags');
  const addresses: HostAddress[] = [];
  for (let i = readCount(r, 'address', MIN_ADDRESS); i > 0; i--) {
    addresses.push({ addrType: r.u16('address type'), address: readData(r, 'address') });
  }
  const authData: AuthorizationDataEntry[] = [];
  for (let i = readCount(r, 'authdata', MIN_ADDRESS); i > 0; i--) {
    authData.push({ adType: r.u16('authdata type'), adData: readData(r, 'authdata') });
  }
  const ticket = readData(r, 'ticket');
  const secondTicket = readData(r, 'second ticket');
  return {
    offset,
    client,
    server,
    sessionKey: { enctype, key },
    authTime: date(authTime),
    startTime: startTime === 0 ? undefined : date(startTime),
    endTime: date(endTime),
    renewTill: renewTill === 0 ? undefined : date(renewTill),
    isSkey,
    flags,
    addresses,
    authData,
    ticket,
    secondTicket,
  };
}

/** Times are unsigned 32-bit seconds, as MIT reads them since 1.17 (good until 2106). */
function date(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** MIT's krb5_is_config_principal: realm X-CACHECONF:, first component krb5_ccache_conf_data. */
function configOf(entry: CcacheEntry): CcacheConfigEntry | undefined {
  const { server } = entry;
  if (
    server.realm !== CONFIG_REALM ||
    server.components.length < 2 ||
    server.components[0] !== CONFIG_NAME
  )
    return undefined;
  return {
    offset: entry.offset,
    key: server.components[1] as string,
    principal: server.components[2],
    value: entry.ticket,
    text: text(entry.ticket),
  };
}
