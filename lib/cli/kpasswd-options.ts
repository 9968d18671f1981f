/**
 * What the commands that change passwords through kpasswd share: `--kpasswd-server`, and a
 * KpasswdContext (the KDC transport of kdc-options.ts plus a kpasswd transport whose servers
 * come from --kpasswd-server, krb5.conf kpasswd_server / admin_server, DNS SRV, then the KDCs).
 */
import type { Argv } from 'yargs';
import type { Krb5Config } from '../krb5/config.js';
import type { KpasswdContext } from '../krb5/kpasswd.js';
import { createKpasswdTransport, locateKpasswd } from '../krb5/kpasswd-transport.js';
import { nodeKpasswdIo } from '../node/kpasswd-io.js';
import type { CliContext } from './context.js';
import { DEFAULT_KDC_TIMEOUT, cliKdcTransport, resolversOf, type KdcArgs } from './kdc-options.js';
import { splitList } from './options.js';

export interface KpasswdArgs extends KdcArgs {
  'kpasswd-server': string[] | undefined;
}

/** The KDC and kpasswd options as a command has them when none is given (krb5.conf decides). */
export const DEFAULT_KPASSWD_ARGS: Readonly<KpasswdArgs> = Object.freeze({
  kdc: undefined,
  realm: undefined,
  tcp: false,
  timeout: undefined,
  'dns-server': undefined,
  dns: false,
  'kpasswd-server': undefined,
});

export function kpasswdServerOption<T>(
  y: Argv<T>,
): Argv<T & { 'kpasswd-server': string[] | undefined }> {
  return y.option('kpasswd-server', {
    type: 'string',
    array: true,
    describe:
      'kpasswd server: HOST[:PORT] (default: krb5.conf kpasswd_server, admin_server, DNS SRV _kpasswd, then the KDC on port 464)',
  }) as Argv<T & { 'kpasswd-server': string[] | undefined }>;
}

/** The clock, randomness, KDC transport and kpasswd transport of a command. */
export function cliKpasswdContext(
  ctx: CliContext,
  args: KpasswdArgs,
  config: Krb5Config | undefined,
): KpasswdContext {
  const resolvers = resolversOf(args);
  const seconds = args.timeout ?? DEFAULT_KDC_TIMEOUT;
  return {
    transport: cliKdcTransport(args, config, resolvers),
    now: () => new Date(ctx.now() * 1000),
    random: ctx.random,
    kpasswd: createKpasswdTransport({
      io: nodeKpasswdIo,
      locate: (realm) =>
        locateKpasswd(realm, {
          servers: splitList(args['kpasswd-server']),
          kdcs: splitList(args.kdc),
          config,
          srvResolver: resolvers.srvResolver,
          hostResolver: resolvers.hostResolver,
          dnsLookupKdc: args.dns ? undefined : false,
        }),
      timeoutMs: Math.round(seconds * 1000),
      tcpOnly: args.tcp,
    }),
  };
}
