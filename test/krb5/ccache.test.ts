/**
 * The FILE credentials cache reader against caches written by MIT 1.20.1 and Heimdal 7.8
 * kinit (test/fixtures/ccache/README.md), and against hostile bytes.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteWriter, toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import {
  CCACHE_V3,
  CCACHE_V4,
  ccacheConfig,
  ccacheCredentials,
  ccacheStartRealm,
  findCredential,
  findTgt,
  isExpired,
  parseCcache,
  requireTgt,
  type Ccache,
} from '../../lib/krb5/ccache.js';
import { APP_TAG, TICKET_FLAGS } from '../../lib/krb5/constants.js';
import { decodeTicket, encodeTicket } from '../../lib/krb5/messages.js';
import { parsePrincipal } from '../../lib/principal.js';
import { FIXTURES } from '../helpers/fixtures.js';

const DIR = join(FIXTURES, 'ccache');
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));
const AUTH = '2026-12-04T18:31:04.000Z';
const END = '2026-12-05T04:31:04.000Z';
const RENEW = '2026-12-05T18:31:04.000Z';
const { RENEWABLE, INITIAL, PRE_AUTHENT, FORWARDABLE, ENC_PA_REP } = TICKET_FLAGS;
const http = parsePrincipal('HTTP/web.mit.test@MIT.TEST');

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (e) {
    return e instanceof KtError ? e.code : `not a KtError: ${String(e)}`;
  }
}

function checkTgt(cache: Ccache, flags: number, renewTill: string | undefined): void {
  const tgt = findTgt(cache);
  expect(tgt).toBeDefined();
  if (!tgt) return;
  expect(tgt.server).toMatchObject({
    components: ['krbtgt', 'MIT.TEST'],
    realm: 'MIT.TEST',
    nameType: 2,
  });
  expect(tgt.client).toMatchObject({ components: ['user'], realm: 'MIT.TEST', nameType: 1 });
  expect(tgt.sessionKey.enctype).toBe(18);
  expect(tgt.sessionKey.key.length).toBe(32);
  expect(tgt.flags >>> 0).toBe(flags);
  expect(tgt.authTime.toISOString()).toBe(AUTH);
  expect(tgt.startTime?.toISOString()).toBe(AUTH);
  expect(tgt.endTime.toISOString()).toBe(END);
  expect(tgt.renewTill?.toISOString()).toBe(renewTill);
  expect(tgt.isSkey).toBe(false);
  expect(tgt.addresses).toEqual([]);
  expect(tgt.authData).toEqual([]);
  expect(tgt.secondTicket.length).toBe(0);
  const creds = ccacheCredentials(tgt);
  expect(creds.ticketBytes).toBe(tgt.ticket);
  expect(decodeTicket(creds.ticketBytes)).toEqual(creds.ticket);
  // MIT's and Heimdal's DER re-encodes to the same bytes: nothing was lost in decoding.
  expect(toHex(encodeTicket(creds.ticket))).toBe(toHex(tgt.ticket));
  expect(creds.ticket).toMatchObject({
    tktVno: 5,
    realm: 'MIT.TEST',
    sname: { nameString: ['krbtgt', 'MIT.TEST'] },
    encPart: { etype: 18, kvno: 1 },
  });
  expect(creds.client).toEqual({ components: ['user'], realm: 'MIT.TEST', nameType: 1 });
  expect(creds.sessionKey).toEqual({ enctype: 18, key: tgt.sessionKey.key });
  expect(creds.encPart).toMatchObject({
    applicationTag: APP_TAG.ENC_AS_REP_PART,
    srealm: 'MIT.TEST',
    flags: tgt.flags,
    nonce: 0,
    lastReq: [],
  });
  expect(creds.endTime).toEqual(tgt.endTime);
}

describe('caches written by kinit', () => {
  it('MIT v4: default principal, config entries, the TGT and a service ticket', () => {
    const cache = parseCcache(load('mit-v4.ccache'));
    expect(cache.version).toBe(CCACHE_V4);
    expect(cache.kdcOffset).toBeUndefined();
    expect(cache.headerFields).toEqual([]);
    expect(cache.defaultPrincipal).toMatchObject({
      components: ['user'],
      realm: 'MIT.TEST',
      nameType: 1,
      validUtf8: true,
    });
    expect(cache.config.map((c) => [c.key, c.principal, c.text])).toEqual([
      ['fast_avail', 'krbtgt/MIT.TEST@MIT.TEST', 'yes'],
      ['pa_type', 'krbtgt/MIT.TEST@MIT.TEST', '2'],
    ]);
    expect(ccacheConfig(cache, 'pa_type', 'krbtgt/MIT.TEST@MIT.TEST')?.text).toBe('2');
    expect(cache.credentials.map((c) => c.server.components.join('/'))).toEqual([
      'krbtgt/MIT.TEST',
      'HTTP/web.mit.test',
    ]);
    checkTgt(cache, RENEWABLE | INITIAL | PRE_AUTHENT | ENC_PA_REP, RENEW);
    const svc = findCredential(cache, http);
    expect(svc?.flags).toBe(0x00a90000);
    const creds = ccacheCredentials(svc!);
    expect(creds.ticket.sname.nameString).toEqual(['HTTP', 'web.mit.test']);
    expect(creds.encPart.applicationTag).toBe(APP_TAG.ENC_TGS_REP_PART);
  });

  it('MIT v3: no header, the enctype twice in each keyblock', () => {
    const bytes = load('mit-v3.ccache');
    const cache = parseCcache(bytes);
    expect(cache.version).toBe(CCACHE_V3);
    expect(cache.headerFields).toEqual([]);
    expect(cache.config.map((c) => c.key)).toEqual(['fast_avail', 'pa_type']);
    checkTgt(cache, RENEWABLE | INITIAL | PRE_AUTHENT | ENC_PA_REP, RENEW);
  });

  it('MIT v4 with kdc_timesync: header tag 1 is the KDC time offset', () => {
    const cache = parseCcache(load('mit-v4-timesync.ccache'));
    expect(cache.kdcOffset).toEqual({ seconds: 0, microseconds: 0 });
    expect(cache.headerFields).toEqual([{ tag: 1, value: new Uint8Array(8) }]);
    checkTgt(cache, RENEWABLE | INITIAL | PRE_AUTHENT | ENC_PA_REP, RENEW);
  });

  it('Heimdal v4: start_realm config entry, no renew_till', () => {
    const cache = parseCcache(load('heimdal-v4.ccache'));
    expect(cache.version).toBe(CCACHE_V4);
    expect(cache.config.map((c) => [c.key, c.principal, c.text])).toEqual([
      ['start_realm', undefined, 'MIT.TEST'],
      ['fast_avail', 'krbtgt/MIT.TEST@MIT.TEST', 'yes'],
    ]);
    expect(ccacheStartRealm(cache)).toBe('MIT.TEST');
    checkTgt(cache, FORWARDABLE | INITIAL | PRE_AUTHENT | ENC_PA_REP, undefined);
    expect(findCredential(cache, http)?.ticket.length).toBe(438);
  });

  it('the two caches of the MIT DIR collection', () => {
    expect(parseCcache(load('mit-dir/tkt')).defaultPrincipal.components).toEqual(['user']);
    const admin = parseCcache(load('mit-dir/tkthawcPm'));
    expect(admin.defaultPrincipal).toMatchObject({
      components: ['admin', 'admin'],
      realm: 'MIT.TEST',
    });
    expect(findTgt(admin)?.client.components).toEqual(['admin', 'admin']);
  });

  it('requireTgt: valid, expired (with the time), none for the realm', () => {
    const cache = parseCcache(load('mit-v4.ccache'));
    expect(requireTgt(cache, new Date('2026-12-05T04:31:03Z')).server.components).toEqual([
      'krbtgt',
      'MIT.TEST',
    ]);
    expect(isExpired(findTgt(cache)!, new Date(END))).toBe(true);
    const expired = (() => {
      try {
        requireTgt(cache, new Date('2026-12-06T00:00:00Z'));
      } catch (e) {
        return e as KtError;
      }
      return undefined;
    })();
    expect(expired?.code).toBe('CCACHE_EXPIRED');
    expect(expired?.message).toContain(`expired at ${END}`);
    expect(expired?.hint).toBe('run kinit user@MIT.TEST');
    expect(codeOf(() => requireTgt(cache, new Date(AUTH), 'OTHER.TEST'))).toBe('CCACHE_NO_TICKET');
    expect(findTgt(cache, 'OTHER.TEST')).toBeUndefined();
  });

  it('findCredential matches the client too (default principal unless told)', () => {
    const cache = parseCcache(load('mit-v4.ccache'));
    expect(findCredential(cache, http, parsePrincipal('other@MIT.TEST'))).toBeUndefined();
    expect(findCredential(cache, parsePrincipal('HTTP/other@MIT.TEST'))).toBeUndefined();
  });
});

// --- hand-built caches ------------------------------------------------------------------------------

interface Name {
  nameType?: number;
  realm: Uint8Array;
  components: Uint8Array[];
}

function writeName(w: ByteWriter, n: Name): void {
  w.u32(n.nameType ?? 1)
    .u32(n.components.length)
    .u32(n.realm.length)
    .bytes(n.realm);
  for (const c of n.components) w.u32(c.length).bytes(c);
}

const name = (text: string, realm = 'R.TEST'): Name => ({
  realm: utf8(realm),
  components: text.split('/').map(utf8),
});

/** One cache: v4 unless told, default principal `client`, entries for the given servers. */
function build(
  options: {
    version?: number;
    client?: Name;
    servers?: Name[];
    ticket?: Uint8Array;
    times?: number[];
    header?: Uint8Array;
  } = {},
): Uint8Array {
  const w = new ByteWriter();
  const version = options.version ?? CCACHE_V4;
  const client = options.client ?? name('user');
  w.u16(version);
  if (version === CCACHE_V4) {
    const header = options.header ?? new Uint8Array(0);
    w.u16(header.length).bytes(header);
  }
  writeName(w, client);
  for (const server of options.servers ?? [name('krbtgt/R.TEST')]) {
    writeName(w, client);
    writeName(w, server);
    w.u16(17);
    if (version === CCACHE_V3) w.u16(17);
    w.u32(16).bytes(new Uint8Array(16).fill(0xaa));
    for (const t of options.times ?? [1000, 0, 0xfffffffe, 0]) w.u32(t);
    w.u8(1).u32(0);
    w.u32(1)
      .u16(2)
      .u32(4)
      .bytes(Uint8Array.of(127, 0, 0, 1));
    w.u32(1).u16(1).u32(2).bytes(Uint8Array.of(0x30, 0x00));
    const ticket = options.ticket ?? utf8('not a ticket');
    w.u32(ticket.length).bytes(ticket).u32(0);
  }
  return w.finish();
}

describe('hand-built caches', () => {
  it('keeps names byte-for-byte: a leading BOM survives, invalid UTF-8 is flagged', () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf, 0x61);
    const bad = Uint8Array.of(0x61, 0xff, 0x62);
    const cache = parseCcache(build({ client: { realm: utf8('R.TEST'), components: [bom, bad] } }));
    const p = cache.defaultPrincipal;
    expect(p.components[0]).toBe('\ufeffa');
    expect(utf8(p.components[0] as string)).toEqual(bom);
    expect(p.validUtf8).toBe(false);
    expect(p.rawComponents).toEqual([bom, bad]);
    expect(p.components[1]).toBe('a\ufffdb');
  });

  it('reads addresses, authdata, is_skey, unsigned times, absent start/renew times', () => {
    const entry = parseCcache(build()).credentials[0]!;
    expect(entry.addresses).toEqual([{ addrType: 2, address: Uint8Array.of(127, 0, 0, 1) }]);
    expect(entry.authData).toEqual([{ adType: 1, adData: Uint8Array.of(0x30, 0) }]);
    expect(entry.isSkey).toBe(true);
    expect(entry.endTime.toISOString()).toBe('2106-02-07T06:28:14.000Z');
    expect(entry.startTime).toBeUndefined();
    expect(entry.renewTill).toBeUndefined();
  });

  it('v3 and v4 hand-built caches read alike; unknown header tags are kept and skipped', () => {
    const header = Uint8Array.of(0, 9, 0, 2, 0xab, 0xcd);
    const v4 = parseCcache(build({ header }));
    expect(v4.headerFields).toEqual([{ tag: 9, value: Uint8Array.of(0xab, 0xcd) }]);
    expect(v4.kdcOffset).toBeUndefined();
    const v3 = parseCcache(build({ version: CCACHE_V3 }));
    expect(v3.credentials[0]?.sessionKey.enctype).toBe(v4.credentials[0]?.sessionKey.enctype);
  });

  it('a ticket that is not DER: CCACHE_MALFORMED without key bytes in the error', () => {
    const entry = parseCcache(build()).credentials[0]!;
    let err: unknown;
    try {
      ccacheCredentials(entry);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KtError);
    expect((err as KtError).code).toBe('CCACHE_MALFORMED');
    const shown = `${(err as KtError).message} ${JSON.stringify((err as KtError).details)}`;
    expect(shown).not.toContain('aaaa');
    expect(shown).not.toMatch(/170,\s*170/);
  });
});

describe('malformed input', () => {
  it('refuses versions 1 and 2 (native byte order), other versions, empty files', () => {
    for (const v of [0x0501, 0x0502]) {
      const bytes = build({ version: CCACHE_V3 });
      bytes[1] = v & 0xff;
      expect(() => parseCcache(bytes)).toThrow(/native byte order/);
      expect(codeOf(() => parseCcache(bytes))).toBe('CCACHE_BAD_VERSION');
    }
    expect(codeOf(() => parseCcache(Uint8Array.of(5, 5)))).toBe('CCACHE_BAD_VERSION');
    expect(codeOf(() => parseCcache(Uint8Array.of(5, 2, 0, 2)))).toBe('CCACHE_BAD_VERSION');
    expect(codeOf(() => parseCcache(new Uint8Array(0)))).toBe('CCACHE_BAD_VERSION');
    expect(codeOf(() => parseCcache(Uint8Array.of(5)))).toBe('CCACHE_BAD_VERSION');
  });

  it('every truncation of every fixture is a KtError, or a cache cut at an entry boundary', () => {
    for (const file of [
      'mit-v4.ccache',
      'mit-v3.ccache',
      'mit-v4-timesync.ccache',
      'heimdal-v4.ccache',
    ]) {
      const bytes = load(file);
      const full = parseCcache(bytes);
      const boundaries = new Set([...full.credentials, ...full.config].map((e) => e.offset));
      for (let n = 0; n < bytes.length; n++) {
        let parsed: Ccache | undefined;
        try {
          parsed = parseCcache(bytes.subarray(0, n));
        } catch (e) {
          expect(e, `${file} cut at ${n}`).toBeInstanceOf(KtError);
          expect((e as KtError).code).toMatch(/^CCACHE_(TRUNCATED|BAD_VERSION|MALFORMED)$/);
        }
        if (parsed) expect(boundaries.has(n), `${file} parsed when cut at ${n}`).toBe(true);
      }
    }
  });

  it('oversized lengths and counts fail before reading', () => {
    const bytes = load('mit-v4.ccache');
    const hugeData = bytes.slice();
    // The default principal's realm length (after version, header length, name type, count).
    new DataView(hugeData.buffer).setUint32(12, 0xffffffff);
    expect(codeOf(() => parseCcache(hugeData))).toBe('CCACHE_TRUNCATED');
    const hugeCount = bytes.slice();
    new DataView(hugeCount.buffer).setUint32(8, 0xffffffff);
    expect(codeOf(() => parseCcache(hugeCount))).toBe('CCACHE_MALFORMED');
    const hugeHeader = bytes.slice();
    new DataView(hugeHeader.buffer).setUint16(2, 0xffff);
    expect(codeOf(() => parseCcache(hugeHeader))).toBe('CCACHE_TRUNCATED');
    expect(
      codeOf(() => parseCcache(build({ header: Uint8Array.of(0, 1, 0, 4, 0, 0, 0, 0) }))),
    ).toBe('CCACHE_MALFORMED');
  });

  it('random bytes: only KtError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(0x0503, 0x0504, -1),
        (body, version) => {
          const bytes = version < 0 ? body : Uint8Array.of(version >> 8, version & 0xff, ...body);
          const code = codeOf(() => parseCcache(bytes));
          expect(code === 'no error' || code.startsWith('CCACHE_')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random corruptions of a real cache: parsed or KtError', () => {
    const bytes = load('heimdal-v4.ccache');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const copy = bytes.slice();
          for (const [at, value] of edits) copy[at] = value;
          const code = codeOf(() => {
            const cache = parseCcache(copy);
            for (const c of cache.credentials) {
              try {
                ccacheCredentials(c);
              } catch (e) {
                if (!(e instanceof KtError) || e.code !== 'CCACHE_MALFORMED') throw e;
              }
            }
          });
          expect(code === 'no error' || code.startsWith('CCACHE_')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
