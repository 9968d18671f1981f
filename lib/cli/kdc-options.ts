/**
 * What the commands that talk to KDCs share (verify, doctor): the --kdc/--realm/--tcp/--timeout/
 * --dns-server options, krb5.conf as MIT finds it (KRB5_CONFIG, else /etc/krb5.conf), and a
 * transport that finds KDCs once per realm and then asks the one that answered first.
 */
import type { Argv } from 'yargs';
import { KtError } from '../errors.js';
import type { Krb5Config } from '../krb5/config.js';
import {
  createKdcTransport,
  locateKdcs,
  type HostResolver,
  type KdcTarget,
  type KdcTransport,
  type LocateResult,
  type SrvResolver,
} from '../krb5/transport.js';
import {
  krb5ConfigPaths,
  loadNodeKrb5Config,
  nodeHostResolver,
  nodeSocketIo,
  nodeSrvResolver,
} from '../node/krb5-transport.js';
import type { CliContext } from './context.js';
import { splitList } from './options.js';

export interface KdcArgs {
  kdc: string[] | undefined;
  realm: string | undefined;
  tcp: boolean;
  timeout: number | undefined;
  'dns-server': string[] | undefined;
  dns: boolean;
}

/** Default seconds to wait for one KDC's answer. */
// prettier-ignore
export const DEFAULT_KDC_TIMEOUT = 3;

export function kdcOptions<T>(y: Argv<T>): Argv<T & KdcArgs> {
  return y
    .option('kdc', {
      type: 'string',
      array: true,
      describe:
        'KDC to ask: HOST, HOST:PORT, [IPv6]:PORT, tcp/HOST (repeatable; default: krb5.conf, then DNS SRV)',
    })
    .option('realm', {
      type: 'string',
      describe: "the realm (default: the keytab's, or default_realm)",
    })
    .option('tcp', { type: 'boolean', default: false, describe: 'use TCP only (no UDP)' })
    .option('timeout', {
      type: 'number',
      describe: `seconds to wait for each KDC (default ${DEFAULT_KDC_TIMEOUT})`,
    })
    .option('dns-server', {
      type: 'string',
      array: true,
      describe:
        'ask this DNS server (IP[:PORT]) for SRV records and KDC names instead of the system resolver',
    })
    .option('dns', {
      type: 'boolean',
      default: true,
      describe:
        'look KDCs up as DNS SRV records; --no-dns uses only the listed KDCs (their host names are still resolved)',
    })
    .group(['kdc', 'realm', 'tcp', 'timeout', 'dns-server', 'dns'], 'KDC:') as Argv<T & KdcArgs>;
}

/** krb5.conf as loaded for a command: the config, or why there is none. */
export interface LoadedKrb5Config {
  /** The files looked for (KRB5_CONFIG entries, or /etc/krb5.conf). */
  readonly paths: readonly string[];
  readonly config?: Krb5Config | undefined;
  /** None of the files exists. */
  readonly missing: boolean;
  /** A file exists but cannot be parsed. */
  readonly error?: KtError | undefined;
}

/** Loads krb5.conf as MIT would (KRB5_CONFIG, colon-separated; else /etc/krb5.conf); never throws. */
export function loadCliKrb5Config(ctx: CliContext): LoadedKrb5Config {
  const paths = krb5ConfigPaths(ctx.env);
  try {
    return { paths, config: loadNodeKrb5Config(ctx.env), missing: false };
  } catch (e) {
    if (!(e instanceof KtError) || e.code !== 'KRB5_CONF_INVALID') throw e;
    // loadKrb5Config names the paths it looked for when none exists.
    if (Array.isArray(e.details.paths)) return { paths, missing: true };
    return { paths, missing: false, error: e };
  }
}

export interface Resolvers {
  readonly srvResolver?: SrvResolver | undefined;
  readonly hostResolver?: HostResolver | undefined;
}

/**
 * DNS resolvers per the options: the given servers, else the system's. --no-dns drops only the
 * SRV lookups (KDCs are then the ones listed); listed host names (krb5.conf's `kdc = dc1...`)
 * are still resolved, as MIT does with dns_lookup_kdc = false.
 */
export function resolversOf(args: Pick<KdcArgs, 'dns' | 'dns-server' | 'timeout'>): Resolvers {
  const servers = splitList(args['dns-server']);
  const options = { servers: servers.length > 0 ? servers : undefined, timeoutMs: timeoutMs(args) };
  const hostResolver = nodeHostResolver(options);
  return args.dns ? { srvResolver: nodeSrvResolver(options), hostResolver } : { hostResolver };
}

function timeoutMs(args: Pick<KdcArgs, 'timeout'>): number {
  const t = args.timeout ?? DEFAULT_KDC_TIMEOUT;
  if (!Number.isFinite(t) || t <= 0 || t > 600)
    throw new KtError(
      'USAGE',
      `--timeout ${args.timeout}: give seconds, more than 0 and at most 600`,
    );
  return Math.round(t * 1000);
}

/**
 * The transport of a command: KDCs located once per realm (--kdc, else krb5.conf, else DNS
 * SRV), tried in order; the KDC that answered is asked first from then on, so a dead KDC in
 * the list costs one timeout, not one per request.
 */
export function cliKdcTransport(
  args: KdcArgs,
  config: Krb5Config | undefined,
  resolvers: Resolvers = resolversOf(args),
): KdcTransport {
  const located = new Map<string, Promise<LocateResult>>();
  const preferred = new Map<string, KdcTarget>();
  const locate = async (realm: string): Promise<readonly KdcTarget[]> => {
    let found = located.get(realm);
    if (!found) {
      found = locateKdcs(realm, {
        kdcs: splitList(args.kdc),
        config,
        srvResolver: resolvers.srvResolver,
        hostResolver: resolvers.hostResolver,
        dnsLookupKdc: args.dns ? undefined : false,
      });
      located.set(realm, found);
    }
    const targets = (await found).targets;
    const first = preferred.get(realm);
    return first ? [first, ...targets.filter((t) => t !== first)] : targets;
  };
  const inner = createKdcTransport({
    io: nodeSocketIo(),
    locate,
    timeoutMs: timeoutMs(args),
    tcpOnly: args.tcp,
    udpPreferenceLimit: config?.libdefaults.udpPreferenceLimit,
  });
  return {
    async send(realm, request) {
      const response = await inner.send(realm, request);
      preferred.set(realm, response.kdc);
      return response;
    },
  };
}
