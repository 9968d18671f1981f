/**
 * Where a realm's kpasswd servers are, and how to reach them, without sockets (the socket
 * layer is an injected KpasswdIo: lib/node/kpasswd-io.ts).
 *
 * Discovery order (what MIT's locate_kpasswd does, plus an explicit list first):
 *   1. explicit servers (`--kpasswd-server`);
 *   2. krb5.conf [realms] REALM kpasswd_server;
 *   3. krb5.conf admin_server, its host on port 464 (its own port is kadmind's);
 *   4. DNS SRV _kpasswd._udp.REALM, then _kpasswd._tcp.REALM;
 *   5. the realm's KDCs (as lib/krb5/transport.ts finds them), on port 464.
 *
 * Over UDP a request is one datagram; over TCP it is framed like a KDC request (4-byte length).
 * A server is tried over UDP, then over TCP when UDP brings no answer. Every try builds a new
 * request (a fresh authenticator: a retry is no replay), for the local address it goes out from.
 */
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import { realmConfig } from './config.js';
import { KPASSWD_PORT } from './kpasswd-messages.js';
import type { HostAddress } from './messages.js';
import { formatKdc, locateKdcs, orderSrvRecords, parseKdcSpec, resolveSpecs } from './transport.js';
import type {
  KdcProtocol,
  KdcSpec,
  LocateOptions,
  ServerTarget,
  SrvRecord,
  SrvResolver,
} from './transport.js';

/** The sender's address for the KRB-PRIV's s-address. */
export type LocalAddress = HostAddress;

export type KpasswdSource = 'explicit' | 'kpasswd_server' | 'admin_server' | 'dns-srv' | 'kdc-host';

export type KpasswdTarget = ServerTarget<KpasswdSource>;

/** One exchange over one protocol; the request is built once the local address is known. */
export interface KpasswdIo {
  exchange(
    target: KpasswdTarget,
    protocol: KdcProtocol,
    build: (local: LocalAddress | undefined) => Uint8Array,
    timeoutMs: number,
  ): Promise<Uint8Array>;
}

export interface KpasswdAttempt {
  readonly server: string;
  readonly protocol: KdcProtocol;
  readonly outcome: 'reply' | 'failed';
  readonly reason?: string | undefined;
}

export interface KpasswdResponse {
  readonly reply: Uint8Array;
  /** `127.0.0.1:464/udp` */
  readonly server: string;
  readonly target: KpasswdTarget;
  readonly protocol: KdcProtocol;
  readonly attempts: readonly KpasswdAttempt[];
}

export interface KpasswdTransport {
  send(
    realm: string,
    build: (local: LocalAddress | undefined) => Uint8Array,
  ): Promise<KpasswdResponse>;
}

export interface KpasswdLocateOptions extends LocateOptions {
  /** `--kpasswd-server` values: when given, the only servers used. */
  readonly servers?: readonly string[] | undefined;
}

export interface KpasswdLocateResult {
  readonly source: KpasswdSource;
  readonly targets: readonly KpasswdTarget[];
  readonly problems: readonly string[];
}

function specs(lines: readonly string[], problems: string[], hostOnly = false): KdcSpec[] {
  const out: KdcSpec[] = [];
  for (const line of lines) {
    try {
      const s = parseKdcSpec(line, KPASSWD_PORT);
      out.push(hostOnly ? { host: s.host, port: KPASSWD_PORT } : s);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}

async function srvSpecs(
  realm: string,
  resolver: SrvResolver,
  problems: string[],
): Promise<KdcSpec[]> {
  const out: KdcSpec[] = [];
  for (const protocol of ['udp', 'tcp'] as const) {
    const name = `_kpasswd._${protocol}.${realm}`;
    let records: readonly SrvRecord[] = [];
    try {
      records = await resolver.resolveSrv(name);
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const r of orderSrvRecords(records))
      out.push({ host: r.name.replace(/\.$/, ''), port: r.port, protocol });
  }
  return out;
}

/** The kpasswd servers of a realm, in the order above; KDC_NOT_FOUND when none is known. */
export async function locateKpasswd(
  realm: string,
  options: KpasswdLocateOptions = {},
): Promise<KpasswdLocateResult> {
  const problems: string[] = [];
  const found = (
    source: KpasswdSource,
    targets: KpasswdTarget[],
  ): KpasswdLocateResult | undefined =>
    targets.length ? { source, targets, problems } : undefined;
  if (options.servers !== undefined && options.servers.length > 0) {
    const r = found(
      'explicit',
      await resolveSpecs(
        specs(options.servers, problems),
        'explicit',
        options.hostResolver,
        problems,
      ),
    );
    if (r) return r;
    throw new KtError(
      'KDC_NOT_FOUND',
      remedy`no usable kpasswd server in ${option('kpasswdServer')}: ${problems.join('; ')}`,
      { details: { realm, problems } },
    );
  }
  const rc = options.config ? realmConfig(options.config, realm) : undefined;
  const steps: [KpasswdSource, () => Promise<KdcSpec[]>][] = [
    ['kpasswd_server', async () => specs(rc?.kpasswdServer ?? [], problems)],
    ['admin_server', async () => specs(rc?.adminServer ?? [], problems, true)],
    [
      'dns-srv',
      async () =>
        options.srvResolver &&
        (options.dnsLookupKdc ?? options.config?.libdefaults.dnsLookupKdc ?? true)
          ? srvSpecs(realm, options.srvResolver, problems)
          : [],
    ],
    [
      'kdc-host',
      async () => {
        try {
          return (await locateKdcs(realm, options)).targets.map((t) => ({
            host: t.address,
            port: KPASSWD_PORT,
          }));
        } catch (e) {
          problems.push(e instanceof Error ? e.message : String(e));
          return [];
        }
      },
    ],
  ];
  for (const [source, list] of steps) {
    const r = found(
      source,
      await resolveSpecs(await list(), source, options.hostResolver, problems),
    );
    if (r) return r;
  }
  throw new KtError(
    'KDC_NOT_FOUND',
    `no kpasswd server known for realm ${realm}${problems.length ? ` (${problems.join('; ')})` : ''}`,
    {
      details: { realm, problems },
      remedy: remedy`give ${option('kpasswdServer', 'HOST[:PORT]')}, or add "kpasswd_server = HOST" (or admin_server, or kdc) to [realms] ${realm} in krb5.conf`,
    },
  );
}

export interface KpasswdTransportOptions {
  readonly io: KpasswdIo;
  readonly locate: (realm: string) => Promise<KpasswdLocateResult>;
  /** Per try, default 3000 ms. */
  readonly timeoutMs?: number | undefined;
  readonly tcpOnly?: boolean | undefined;
}

/** Each server in order: UDP, then TCP when UDP brings nothing; KDC_UNREACHABLE listing every try. */
export function createKpasswdTransport(options: KpasswdTransportOptions): KpasswdTransport {
  const timeoutMs = options.timeoutMs ?? 3000;
  return {
    async send(realm, build) {
      const { targets } = await options.locate(realm);
      const attempts: KpasswdAttempt[] = [];
      for (const target of targets) {
        const protocols: KdcProtocol[] = target.protocol
          ? [target.protocol]
          : options.tcpOnly
            ? ['tcp']
            : ['udp', 'tcp'];
        for (const protocol of protocols) {
          const server = `${formatKdc(target)}/${protocol}`;
          try {
            const reply = await options.io.exchange(target, protocol, build, timeoutMs);
            attempts.push({ server, protocol, outcome: 'reply' });
            return { reply, server, target, protocol, attempts };
          } catch (e) {
            if (!(e instanceof KtError) || e.code !== 'KDC_UNREACHABLE') throw e;
            attempts.push({ server, protocol, outcome: 'failed', reason: e.message });
          }
        }
      }
      throw new KtError(
        'KDC_UNREACHABLE',
        `no kpasswd server of realm ${realm} answered (${attempts.map((a) => a.reason ?? a.server).join('; ') || 'nothing to try'})`,
        {
          details: { realm, attempts: attempts.map((a) => a.reason ?? a.server) },
          remedy: remedy`check that the kpasswd service runs and that UDP and TCP port 464 are open (or give ${option('kpasswdServer')})`,
        },
      );
    },
  };
}
