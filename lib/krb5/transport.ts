/**
 * Talking to KDCs, without sockets: where the KDCs of a realm are (explicit list, krb5.conf,
 * DNS SRV) and in which order to try them over which protocol. The sockets themselves are an
 * injected SocketIo (lib/node/krb5-transport.ts provides one over node:dgram and node:net), so
 * this logic is pure and tested with fakes.
 *
 * RFC 4120 section 7.2.1: "Kerberos servers (KDCs) supporting IP transports MUST accept UDP
 * requests and SHOULD listen for them on port 88"; section 7.2.2: "When the KRB_ERR_RESPONSE_TOO_BIG
 * error code is received while using UDP, the client SHOULD retry using TCP", and over TCP
 * "each request ... and response ... is preceded by the length of the request as 4 octets in
 * network byte order. The high bit of the length is reserved for future expansion and MUST
 * currently be set to zero". Section 7.2.3.2: KDCs are found through the SRV records
 * `_kerberos._udp.REALM` and `_kerberos._tcp.REALM` (RFC 2782).
 */
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import type { Krb5Config } from './config.js';
import { realmConfig } from './config.js';
import { KRB_ERR } from './constants.js';
import { peekErrorCode } from './messages.js';

export type KdcProtocol = 'udp' | 'tcp';

/** The standard Kerberos port (RFC 4120 section 7.2.1). */
export const KDC_PORT = 88;

/** MIT's default udp_preference_limit: requests larger than this go over TCP. */
export const UDP_PREFERENCE_LIMIT = 1465;

/** Largest reply accepted over TCP (a TGS-REP with a large PAC is tens of KiB). */
export const MAX_TCP_REPLY = 16 * 1024 * 1024;

/** Where a KDC entry came from. */
export type KdcSource = 'explicit' | 'krb5.conf' | 'dns-srv';

/** A KDC as written: `host`, `host:port`, `[v6]:port`, with an optional `tcp/` or `udp/` prefix. */
export interface KdcSpec {
  readonly host: string;
  readonly port: number;
  /** Forced by a `tcp/` or `udp/` prefix, or by the SRV record it came from. */
  readonly protocol?: KdcProtocol | undefined;
}

/** A server ready to be contacted (a KDC, a kpasswd server): an IP address, and where it came from. */
export interface ServerTarget<S extends string> {
  /** IPv4 or IPv6 address literal. */
  readonly address: string;
  readonly port: number;
  /** The name it was listed under (equal to address for literal IPs). */
  readonly host: string;
  readonly protocol?: KdcProtocol | undefined;
  readonly source: S;
}

/** A KDC ready to be contacted. */
export type KdcTarget = ServerTarget<KdcSource>;

/** `10.0.0.1:88`, `[::1]:88`. */
export function formatKdc(target: Pick<KdcTarget, 'address' | 'port'>): string {
  return target.address.includes(':')
    ? `[${target.address}]:${target.port}`
    : `${target.address}:${target.port}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv4 or IPv6 address literal (no name resolution needed). */
export function isIpAddress(host: string): boolean {
  return IPV4.test(host) || (host.includes(':') && /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(host));
}

function badSpec(spec: string, why: string): KtError {
  return new KtError('INPUT_INVALID', `bad KDC "${spec}": ${why}`, {
    details: { kdc: spec },
    hint: 'write a KDC as HOST, HOST:PORT or [IPV6]:PORT, optionally prefixed with tcp/ or udp/',
  });
}

function parsePort(text: string, spec: string): number {
  if (!/^\d{1,5}$/.test(text)) throw badSpec(spec, `"${text}" is not a port number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw badSpec(spec, `port ${port} is out of range`);
  return port;
}

/** Parses a `--kdc` argument or a krb5.conf `kdc` line. */
export function parseKdcSpec(spec: string, defaultPort: number = KDC_PORT): KdcSpec {
  let rest = spec.trim();
  let protocol: KdcProtocol | undefined;
  const prefix = /^(tcp|udp)\//i.exec(rest);
  if (prefix) {
    protocol = (prefix[1] as string).toLowerCase() as KdcProtocol;
    rest = rest.slice(prefix[0].length);
  }
  if (/^(kkdcp|https?):?/i.test(rest) || rest.includes('://')) {
    throw badSpec(spec, 'HTTPS (MS-KKDCP) KDC proxies are not supported');
  }
  if (rest === '') throw badSpec(spec, 'no host');
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw badSpec(spec, 'missing "]"');
    const host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (host === '') throw badSpec(spec, 'no host');
    if (after === '') return { host, port: defaultPort, protocol };
    if (!after.startsWith(':')) throw badSpec(spec, `unexpected "${after}" after "]"`);
    return { host, port: parsePort(after.slice(1), spec), protocol };
  }
  const colons = rest.split(':').length - 1;
  if (colons > 1) {
    // A bare IPv6 address: no port possible without brackets.
    if (!isIpAddress(rest))
      throw badSpec(spec, 'put an IPv6 address in brackets: [2001:db8::1]:88');
    return { host: rest, port: defaultPort, protocol };
  }
  if (colons === 1) {
    const [host, port] = rest.split(':') as [string, string];
    if (host === '') throw badSpec(spec, 'no host');
    return { host, port: parsePort(port, spec), protocol };
  }
  if (/\s|\//.test(rest)) throw badSpec(spec, 'not a host name');
  return { host: rest, port: defaultPort, protocol };
}

// --- injected resolvers ------------------------------------------------------------------------------

/** One SRV record (RFC 2782). */
export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** DNS SRV lookups; inject one with explicit servers (never the system resolver in tests). */
export interface SrvResolver {
  resolveSrv(name: string): Promise<readonly SrvRecord[]>;
}

/** Host name to addresses; only needed for KDCs given by name. */
export interface HostResolver {
  resolveHost(name: string): Promise<readonly string[]>;
}

/**
 * RFC 2782 order: lowest priority first; within a priority, higher weight first (RFC 2782
 * picks by weighted random; a deterministic order makes diagnostics reproducible). A single
 * record with target "." means "no service here".
 */
export function orderSrvRecords(records: readonly SrvRecord[]): SrvRecord[] {
  const usable = records.filter((r) => r.name !== '.' && r.name !== '');
  return [...usable].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

export interface LocateOptions {
  /** `--kdc` values: when given, the only KDCs used. */
  readonly kdcs?: readonly string[] | undefined;
  /** krb5.conf: [realms] REALM kdc lines, and dns_lookup_kdc. */
  readonly config?: Krb5Config | undefined;
  /** DNS SRV discovery when neither of the above names a KDC. */
  readonly srvResolver?: SrvResolver | undefined;
  /** Resolves KDC host names; without it only IP addresses can be used. */
  readonly hostResolver?: HostResolver | undefined;
  /** Overrides krb5.conf dns_lookup_kdc (MIT's default is true). */
  readonly dnsLookupKdc?: boolean | undefined;
}

/** What locateKdcs found, with why some names led nowhere (for `keytab doctor`). */
export interface LocateResult {
  readonly source: KdcSource;
  readonly targets: readonly KdcTarget[];
  readonly problems: readonly string[];
}

/**
 * The servers of `specs` as addresses, in order: an IP literal as it is, a name through
 * `hostResolver`; each address, port and protocol once. A name that leads nowhere (no resolver,
 * a failed lookup, no address) is a line in `problems`.
 */
export async function resolveSpecs<S extends string>(
  specs: readonly KdcSpec[],
  source: S,
  hostResolver: HostResolver | undefined,
  problems: string[],
): Promise<ServerTarget<S>[]> {
  const out: ServerTarget<S>[] = [];
  const seen = new Set<string>();
  const push = (t: ServerTarget<S>): void => {
    const key = `${t.address}|${t.port}|${t.protocol ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  };
  for (const spec of specs) {
    if (isIpAddress(spec.host)) {
      push({
        address: spec.host,
        port: spec.port,
        host: spec.host,
        protocol: spec.protocol,
        source,
      });
      continue;
    }
    if (!hostResolver) {
      problems.push(`${spec.host}: a host name, and no resolver was given (use an IP address)`);
      continue;
    }
    let addresses: readonly string[];
    try {
      addresses = await hostResolver.resolveHost(spec.host);
    } catch (e) {
      problems.push(`${spec.host}: cannot resolve (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    if (addresses.length === 0) problems.push(`${spec.host}: no address`);
    for (const address of addresses)
      push({ address, port: spec.port, host: spec.host, protocol: spec.protocol, source });
  }
  return out;
}

/**
 * The KDCs of a realm, in the order to try them: explicit `--kdc` values, else the realm's
 * `kdc` lines in krb5.conf, else DNS SRV `_kerberos._udp.REALM` then `_kerberos._tcp.REALM`
 * (only if dns_lookup_kdc allows and a resolver is given). Throws KDC_NOT_FOUND when nothing
 * usable remains; the problems met on the way are in the error's details.
 */
export async function locateKdcs(
  realm: string,
  options: LocateOptions = {},
): Promise<LocateResult> {
  const problems: string[] = [];
  const finish = (source: KdcSource, targets: KdcTarget[]): LocateResult => {
    if (targets.length === 0) {
      throw new KtError(
        'KDC_NOT_FOUND',
        `no usable KDC for realm ${realm} (${source}): ${problems.join('; ') || 'none listed'}`,
        {
          details: { realm, source, problems },
        },
      );
    }
    return { source, targets, problems };
  };
  if (options.kdcs !== undefined && options.kdcs.length > 0) {
    const specs = options.kdcs.map((k) => parseKdcSpec(k));
    return finish(
      'explicit',
      await resolveSpecs(specs, 'explicit', options.hostResolver, problems),
    );
  }
  const lines = options.config ? (realmConfig(options.config, realm)?.kdc ?? []) : [];
  if (lines.length > 0) {
    const specs: KdcSpec[] = [];
    for (const line of lines) {
      try {
        specs.push(parseKdcSpec(line));
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    return finish(
      'krb5.conf',
      await resolveSpecs(specs, 'krb5.conf', options.hostResolver, problems),
    );
  }
  const dnsAllowed = options.dnsLookupKdc ?? options.config?.libdefaults.dnsLookupKdc ?? true;
  if (!dnsAllowed || !options.srvResolver) {
    throw new KtError('KDC_NOT_FOUND', `no KDC known for realm ${realm}`, {
      details: { realm, dnsLookupKdc: dnsAllowed },
      remedy: dnsAllowed
        ? remedy`give ${option('kdc', 'HOST')}, or add "kdc = HOST" to [realms] ${realm} in krb5.conf`
        : remedy`give ${option('kdc', 'HOST')}, add "kdc = HOST" to [realms] ${realm} in krb5.conf, or set dns_lookup_kdc = true`,
    });
  }
  const specs: KdcSpec[] = [];
  for (const protocol of ['udp', 'tcp'] as const) {
    const name = `_kerberos._${protocol}.${realm}`;
    let records: readonly SrvRecord[];
    try {
      records = await options.srvResolver.resolveSrv(name);
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const r of orderSrvRecords(records))
      specs.push({ host: r.name.replace(/\.$/, ''), port: r.port, protocol });
  }
  return finish('dns-srv', await resolveSpecs(specs, 'dns-srv', options.hostResolver, problems));
}

// --- sending ------------------------------------------------------------------------------------------

/** The socket layer, injected: one request, one reply, or a rejection (timeout, refused...). */
export interface SocketIo {
  /** Sends one datagram, resolves with the first datagram back from the target. */
  sendUdp(target: KdcTarget, message: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Sends one length-prefixed message over a fresh connection; resolves with the reply body. */
  sendTcp(target: KdcTarget, message: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
}

/** RFC 4120 section 7.2.2 framing: 4-byte big-endian length, then the message. */
export function frameTcp(message: Uint8Array): Uint8Array {
  if (message.length > 0x7fffffff)
    throw new KtError('INTERNAL', 'message too large for TCP framing');
  const out = new Uint8Array(4 + message.length);
  new DataView(out.buffer).setUint32(0, message.length);
  out.set(message, 4);
  return out;
}

/** The length announced by a TCP frame header; KRB_BAD_MESSAGE if reserved or too large. */
export function tcpFrameLength(header: Uint8Array, max: number = MAX_TCP_REPLY): number {
  if (header.length < 4)
    throw new KtError('KRB_BAD_MESSAGE', 'TCP frame header shorter than 4 bytes', {
      details: { offset: 0 },
    });
  const length = new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
  if (length & 0x80000000) {
    throw new KtError(
      'KRB_BAD_MESSAGE',
      'TCP frame length has the reserved high bit set (not a Kerberos reply?)',
      {
        details: { offset: 0, length },
      },
    );
  }
  if (length > max) {
    throw new KtError(
      'KRB_BAD_MESSAGE',
      `TCP reply of ${length} bytes exceeds the ${max}-byte limit`,
      { details: { offset: 0, length, max } },
    );
  }
  return length;
}

/** One try at one KDC, as reported to the caller (and by `keytab doctor`). */
export interface KdcAttempt {
  readonly kdc: string;
  readonly protocol: KdcProtocol;
  readonly outcome: 'reply' | 'response-too-big' | 'failed';
  /** Why it failed: "timed out after 3000 ms", "connection refused". */
  readonly reason?: string | undefined;
}

export interface KdcResponse {
  readonly reply: Uint8Array;
  readonly kdc: KdcTarget;
  readonly protocol: KdcProtocol;
  readonly attempts: readonly KdcAttempt[];
}

/** What the client needs: send a request to some KDC of the realm, get its reply bytes. */
export interface KdcTransport {
  send(realm: string, request: Uint8Array): Promise<KdcResponse>;
}

export interface KdcTransportOptions {
  readonly io: SocketIo;
  /** The KDCs to try for a realm, in order (usually `(realm) => locateKdcs(realm, ...)`). */
  readonly locate: (realm: string) => Promise<LocateResult | readonly KdcTarget[]>;
  /** Per attempt, default 3000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Passes over the whole list, default 2 (MIT makes 3 with growing waits). */
  readonly passes?: number | undefined;
  /** Never use UDP. */
  readonly tcpOnly?: boolean | undefined;
  /** Requests larger than this go over TCP first (krb5.conf udp_preference_limit, default 1465). */
  readonly udpPreferenceLimit?: number | undefined;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A KdcTransport trying the realm's KDCs in order: UDP first (TCP for large requests, with
 * tcpOnly, or when the KDC entry says tcp/), switching to TCP on the same KDC when it answers
 * KRB_ERR_RESPONSE_TOO_BIG, moving to the next KDC on a timeout or a socket error, and making
 * `passes` rounds before giving up with KDC_UNREACHABLE (which lists every attempt).
 */
export function createKdcTransport(options: KdcTransportOptions): KdcTransport {
  const timeoutMs = options.timeoutMs ?? 3000;
  const passes = Math.max(1, options.passes ?? 2);
  const limit = options.udpPreferenceLimit ?? UDP_PREFERENCE_LIMIT;
  return {
    async send(realm, request) {
      const located = await options.locate(realm);
      const targets = Array.isArray(located)
        ? (located as readonly KdcTarget[])
        : (located as LocateResult).targets;
      if (targets.length === 0)
        throw new KtError('KDC_NOT_FOUND', `no KDC known for realm ${realm}`, {
          details: { realm },
        });
      const attempts: KdcAttempt[] = [];
      for (let pass = 0; pass < passes; pass++) {
        for (const target of targets) {
          const kdc = formatKdc(target);
          const first: KdcProtocol =
            target.protocol ?? (options.tcpOnly === true || request.length > limit ? 'tcp' : 'udp');
          if (first === 'udp' && options.tcpOnly === true) continue; // a udp/ entry under tcpOnly
          let reply: Uint8Array;
          try {
            reply =
              first === 'udp'
                ? await options.io.sendUdp(target, request, timeoutMs)
                : await options.io.sendTcp(target, frameTcp(request), timeoutMs);
          } catch (e) {
            attempts.push({ kdc, protocol: first, outcome: 'failed', reason: reasonOf(e) });
            continue;
          }
          if (first === 'udp' && peekErrorCode(reply) === KRB_ERR.RESPONSE_TOO_BIG) {
            attempts.push({ kdc, protocol: 'udp', outcome: 'response-too-big' });
            if (target.protocol === 'udp') continue; // the entry forbids TCP
            try {
              reply = await options.io.sendTcp(target, frameTcp(request), timeoutMs);
            } catch (e) {
              attempts.push({ kdc, protocol: 'tcp', outcome: 'failed', reason: reasonOf(e) });
              continue;
            }
            attempts.push({ kdc, protocol: 'tcp', outcome: 'reply' });
            return { reply, kdc: target, protocol: 'tcp', attempts };
          }
          attempts.push({ kdc, protocol: first, outcome: 'reply' });
          return { reply, kdc: target, protocol: first, attempts };
        }
      }
      // The socket layer's reasons may already start with "KDC/protocol: ": not twice.
      const summary = attempts.map((a) => {
        const where = `${a.kdc}/${a.protocol}: `;
        const why = a.reason ?? a.outcome;
        return why.startsWith(where) ? why : where + why;
      });
      throw new KtError(
        'KDC_UNREACHABLE',
        `no KDC of realm ${realm} answered (${summary.join('; ') || 'nothing to try'})`,
        {
          details: { realm, attempts: summary },
          remedy: remedy`check that the KDC runs and that UDP and TCP port 88 are open (or try ${option('tcp')})`,
        },
      );
    },
  };
}
