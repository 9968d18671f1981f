/**
 * The client side of the service-acceptance suite: a private krb5.conf, MIT kinit/kvno for a
 * test user against the Samba KDC, and curl --negotiate against a service on 127.0.0.1.
 *
 * No name goes through the system resolver: curl gets the service's address with
 * `--resolve HOST:PORT:127.0.0.1` and builds the SPN HTTP/HOST from the URL; the krb5.conf has
 * `dns_canonicalize_hostname = false` and `rdns = false`, so GSSAPI uses HOST as given and
 * maps it to the realm by [domain_realm].
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from '../interop/env.js';
import type { RunResult, SambaDc } from '../interop/env.js';

/**
 * The DC's client krb5.conf plus `allow_weak_crypto = true` (Java 17 drops RC4 keys and
 * tickets without it; MIT accepts the setting too). Used by the clients and both services.
 */
export function writeServicesKrb5Conf(ad: SambaDc, path: string): string {
  const base = readFileSync(ad.krb5Config, 'utf8');
  if (!/^\[libdefaults\]$/m.test(base)) throw new Error(`${ad.krb5Config} has no [libdefaults]`);
  for (const needed of [
    /dns_canonicalize_hostname\s*=\s*false/,
    /rdns\s*=\s*false/,
    /dns_lookup_kdc\s*=\s*false/,
  ]) {
    if (!needed.test(base))
      throw new Error(`${ad.krb5Config} lacks ${needed.source}: the suite must not use DNS`);
  }
  writeFileSync(
    path,
    base.replace(/^\[libdefaults\]$/m, '[libdefaults]\n    allow_weak_crypto = true'),
  );
  return path;
}

export interface Client {
  krb5Config: string;
  /** FILE:... */
  ccache: string;
}

function kenv(c: Client): Record<string, string> {
  return { KRB5_CONFIG: c.krb5Config, KRB5CCNAME: c.ccache };
}

/** kinit PRINCIPAL with its password into a fresh cache. */
export function kinit(c: Client, principal: string, password: string): RunResult {
  return runTool('kinit', [principal], { env: kenv(c), input: `${password}\n` });
}

/**
 * The kvno of the ticket for SERVICE: from the cache if a ticket is there, else a new one
 * (MIT `kvno` prints "SERVICE: kvno = N").
 */
export function ticketKvno(c: Client, service: string): number {
  const r = runTool('kvno', [service], { env: kenv(c) });
  const m = /: kvno = (\d+)/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`kvno ${service}: ${r.stderr}${r.stdout}`);
  return Number(m[1]);
}

export interface HttpReply {
  status: number;
  body: string;
  /** The X-Remote-User header of the last response (Apache), if any. */
  remoteUser: string | undefined;
  /** curl's stderr, for failure messages. */
  stderr: string;
}

let calls = 0;

/** curl --negotiate -u : http://HOST:PORT/PATH with HOST pinned to 127.0.0.1. */
export function negotiate(
  c: Client,
  dir: string,
  host: string,
  port: number,
  path: string,
): HttpReply {
  const n = ++calls;
  const headers = join(dir, `curl-${n}.headers`);
  const body = join(dir, `curl-${n}.body`);
  const r = runTool(
    'curl',
    [
      '-sS',
      '--noproxy',
      '*',
      '--negotiate',
      '-u',
      ':',
      '--resolve',
      `${host}:${port}:127.0.0.1`,
      '-m',
      '20',
      '-D',
      headers,
      '-o',
      body,
      '-w',
      '%{http_code}',
      `http://${host}:${port}${path}`,
    ],
    {
      env: {
        ...kenv(c),
        http_proxy: undefined,
        https_proxy: undefined,
        HTTP_PROXY: undefined,
        ALL_PROXY: undefined,
        all_proxy: undefined,
        CURL_HOME: dir,
      },
    },
  );
  const read = (f: string): string => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const users = [...read(headers).matchAll(/^x-remote-user:\s*(.*?)\r?$/gim)].map((m) => m[1]);
  return {
    status: Number(r.stdout.trim() || '0'),
    body: read(body),
    remoteUser: users.at(-1),
    stderr: r.stderr,
  };
}

/** `klist -e` of the client's cache. */
export function klistE(c: Client): string {
  const r = runTool('klist', ['-e'], { env: kenv(c) });
  if (r.status !== 0) throw new Error(`klist -e: ${r.stderr}`);
  return r.stdout;
}
