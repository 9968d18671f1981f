/**
 * The socket and DNS edge of the Kerberos client: a SocketIo over node:dgram and node:net, SRV
 * and host resolvers over node:dns `Resolver` objects with explicit servers, and a node file
 * reader for krb5.conf. lib/krb5 holds all the logic and never imports this module.
 *
 * Nothing here falls back to the system resolver when servers are given: a test passes the
 * address of the DNS server it started on 127.0.0.1, and production code passes nothing to
 * use the system's configuration on purpose.
 */
import { Resolver } from 'node:dns/promises';
import { lookup } from 'node:dns/promises';
import { readdirSync } from 'node:fs';
import { readConfigText } from './bounded-read.js';
import { tcpExchange, udpExchange, type Exchange } from './socket-exchange.js';
import { KtError } from '../errors.js';
import type { ConfigReader, Krb5Config } from '../krb5/config.js';
import { loadKrb5Config } from '../krb5/config.js';
import {
  MAX_TCP_REPLY,
  createKdcTransport,
  formatKdc,
  locateKdcs,
  type HostResolver,
  type KdcTarget,
  type KdcTransport,
  type SocketIo,
  type SrvResolver,
} from '../krb5/transport.js';

function unreachable(
  target: KdcTarget,
  protocol: string,
  reason: string,
  cause?: unknown,
): KtError {
  return new KtError('KDC_UNREACHABLE', `${formatKdc(target)}/${protocol}: ${reason}`, {
    details: { kdc: formatKdc(target), protocol, reason },
    ...(cause !== undefined ? { cause } : {}),
  });
}

function describeSocketError(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return e instanceof Error ? e.message : String(e);
}

export interface NodeSocketIoOptions {
  /** Largest TCP reply accepted (default MAX_TCP_REPLY, 16 MiB). */
  readonly maxReplyBytes?: number | undefined;
}

/** SocketIo over node:dgram (UDP) and node:net (TCP), through socket-exchange.ts. Every socket is closed on every path. */
export function nodeSocketIo(options: NodeSocketIoOptions = {}): SocketIo {
  const max = options.maxReplyBytes ?? MAX_TCP_REPLY;
  const exchange = (target: KdcTarget, message: Uint8Array, timeoutMs: number): Exchange => ({
    target,
    build: () => message,
    timeoutMs,
    fail: (protocol, reason, cause) => unreachable(target, protocol, reason, cause),
    describe: describeSocketError,
  });
  return {
    sendUdp: (target, message, timeoutMs) => udpExchange(exchange(target, message, timeoutMs)),
    sendTcp: (target, message, timeoutMs) => tcpExchange(exchange(target, message, timeoutMs), max),
  };
}

export interface NodeResolverOptions {
  /**
   * DNS servers (`127.0.0.1:5353`, `[::1]:53`). When given, only they are asked; when not,
   * the system's configured servers are (never in tests).
   */
  readonly servers?: readonly string[] | undefined;
  /** Per-query timeout (node:dns `timeout`), default 2000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Retries per query (node:dns `tries`), default 2. */
  readonly tries?: number | undefined;
}

function resolver(options: NodeResolverOptions): Resolver {
  const r = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
  if (options.servers !== undefined) r.setServers([...options.servers]);
  return r;
}

/** DNS SRV lookups through node:dns. NXDOMAIN / no data give an empty list, not an error. */
export function nodeSrvResolver(options: NodeResolverOptions = {}): SrvResolver {
  const r = resolver(options);
  return {
    async resolveSrv(name) {
      try {
        const records = await r.resolveSrv(name);
        return records.map((x) => ({
          name: x.name,
          port: x.port,
          priority: x.priority,
          weight: x.weight,
        }));
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
        throw new KtError(
          'KDC_NOT_FOUND',
          `DNS SRV lookup of ${name} failed: ${describeSocketError(e)}`,
          {
            details: { name, code: typeof code === 'string' ? code : null },
            cause: e,
          },
        );
      }
    },
  };
}

/**
 * Host names to addresses. With servers: A and AAAA queries to exactly those servers. Without:
 * the system's getaddrinfo (honours /etc/hosts), for production use.
 */
export function nodeHostResolver(options: NodeResolverOptions = {}): HostResolver {
  if (options.servers === undefined) {
    return {
      async resolveHost(name) {
        const all = await lookup(name, { all: true });
        return all.map((a) => a.address);
      },
    };
  }
  const r = resolver(options);
  return {
    async resolveHost(name) {
      const [v4, v6] = await Promise.allSettled([r.resolve4(name), r.resolve6(name)]);
      const out = [
        ...(v4.status === 'fulfilled' ? v4.value : []),
        ...(v6.status === 'fulfilled' ? v6.value : []),
      ];
      if (out.length === 0 && v4.status === 'rejected') throw v4.reason;
      return out;
    },
  };
}

/** krb5.conf files read from disk (missing files: undefined; includedir: the directory's names). */
export const nodeConfigReader: ConfigReader = {
  readFile(path) {
    try {
      return readConfigText(path, 'krb5.conf file');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  listDir(path) {
    return readdirSync(path);
  },
};

/** MIT's rule: KRB5_CONFIG is a colon-separated list, else /etc/krb5.conf. */
export function krb5ConfigPaths(env: Readonly<Record<string, string | undefined>>): string[] {
  const v = env.KRB5_CONFIG;
  return v !== undefined && v !== '' ? v.split(':').filter((p) => p !== '') : ['/etc/krb5.conf'];
}

/** Loads krb5.conf as MIT would find it from an environment (KRB5_CONFIG). */
export function loadNodeKrb5Config(env: Readonly<Record<string, string | undefined>>): Krb5Config {
  return loadKrb5Config(krb5ConfigPaths(env), nodeConfigReader);
}

export interface NodeKdcTransportOptions {
  /** `--kdc` values. */
  readonly kdcs?: readonly string[] | undefined;
  readonly config?: Krb5Config | undefined;
  /** DNS servers for SRV and host lookups; see NodeResolverOptions.servers. */
  readonly dnsServers?: readonly string[] | undefined;
  /** Set false to forbid DNS entirely (SRV and host names). */
  readonly useDns?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
  readonly passes?: number | undefined;
  readonly tcpOnly?: boolean | undefined;
}

/** A ready KdcTransport: locate (explicit > krb5.conf > DNS SRV) + node sockets. */
export function createNodeKdcTransport(options: NodeKdcTransportOptions = {}): KdcTransport {
  const dns = options.useDns !== false;
  const srvResolver = dns ? nodeSrvResolver({ servers: options.dnsServers }) : undefined;
  const hostResolver = dns ? nodeHostResolver({ servers: options.dnsServers }) : undefined;
  return createKdcTransport({
    io: nodeSocketIo(),
    locate: (realm) =>
      locateKdcs(realm, { kdcs: options.kdcs, config: options.config, srvResolver, hostResolver }),
    timeoutMs: options.timeoutMs,
    passes: options.passes,
    tcpOnly: options.tcpOnly,
    udpPreferenceLimit: options.config?.libdefaults.udpPreferenceLimit,
  });
}
