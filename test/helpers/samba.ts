/**
 * For suites that run against the Samba AD DC: the KEYTAB_* settings, MIT tools with the DC's
 * krb5.conf and a private credential cache, and a keytab proved end to end (kinit -k as the
 * client, kvno -k as the service).
 */
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { SambaDc } from '../interop/env.js';
import { runTool } from '../interop/env.js';

/**
 * The directory settings the AD suites run with. KTP_AD_AUTH picks how they bind: `simple`
 * (default: LDAPS, bind DN and password, CA file) or Kerberos on ldap://127.0.0.1:389 with
 * sealing and no CA file, the credentials from `ccache` (a FILE: cache made by MIT kinit),
 * `dir` (a DIR: collection), `password` (the administrator's password) or `keytab` (an admin
 * keytab exported by the DC). test/servers/run-all.sh runs the AD suites once more per mode.
 */
export function adEnv(
  ad: SambaDc,
  over: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const mode = process.env['KTP_AD_AUTH'] ?? 'simple';
  if (mode === 'simple') {
    return {
      KEYTAB_LDAP_URL: ad.url,
      KEYTAB_BIND_DN: ad.bindDn,
      KEYTAB_BIND_PASSWORD_FILE: ad.bindPasswordFile,
      KEYTAB_BASE_DN: ad.baseDn,
      KEYTAB_CA_FILE: ad.caFile,
      ...over,
    };
  }
  const kerberos = ad.kerberos;
  if (!kerberos)
    throw new Error(
      'KTP_AD_AUTH is set but the DC env has no Kerberos credentials (test/servers/samba-dc.sh writes them)',
    );
  const base = {
    KEYTAB_AUTH: 'kerberos',
    KEYTAB_LDAP_URL: kerberos.ldapUrl,
    KEYTAB_BASE_DN: ad.baseDn,
    KRB5_CONFIG: ad.krb5Config,
    KRB5CCNAME: `FILE:${ad.dir ?? '/nonexistent'}/no-cache`,
  };
  const sources: Record<string, Record<string, string>> = {
    ccache: { KRB5CCNAME: kerberos.ccache },
    dir: { KRB5CCNAME: kerberos.dirCcache },
    password: {
      KEYTAB_BIND_DN: kerberos.adminPrincipal,
      KEYTAB_BIND_PASSWORD_FILE: ad.bindPasswordFile,
    },
    keytab: {
      KEYTAB_ADMIN_KEYTAB: kerberos.adminKeytab,
      KEYTAB_ADMIN_PRINCIPAL: kerberos.adminPrincipal,
    },
  };
  const source = sources[mode];
  if (!source) throw new Error(`KTP_AD_AUTH=${mode}: give simple, ccache, dir, password or keytab`);
  return { ...base, ...source, ...over };
}

let caches = 0;

/** An MIT tool with the DC's krb5.conf (or a list of profiles, first wins) and the given credential cache. */
export function mitTool(
  ad: SambaDc,
  cmd: string,
  args: readonly string[],
  cache: string,
  options: { input?: string; config?: string } = {},
): ReturnType<typeof runTool> {
  return runTool(cmd, args, {
    env: { KRB5_CONFIG: options.config ?? ad.krb5Config, KRB5CCNAME: cache },
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/**
 * kinit -k -t KEYTAB CLIENT, then kvno -k KEYTAB SERVICE (the service decrypts its ticket with
 * the keytab): both must pass, at the given kvno. Returns `klist -e` of the credential cache.
 */
export function proveKeytab(
  ad: SambaDc,
  dir: string,
  keytab: string,
  client: string,
  service: string,
  kvno: number,
  options: { clientEnctypes?: string } = {},
): string {
  const n = ++caches;
  const cache = `FILE:${dir}/cc-${process.pid}-${n}`;
  let config = ad.krb5Config;
  if (options.clientEnctypes) {
    // Samba answers an AES-capable client with AES: a client that asks for these enctypes only
    // is a profile laid over the DC's krb5.conf (MIT reads KRB5_CONFIG as a list, first wins).
    const profile = `${dir}/enctypes-${process.pid}-${n}.conf`;
    writeFileSync(
      profile,
      `[libdefaults]\n  default_tkt_enctypes = ${options.clientEnctypes}\n  default_tgs_enctypes = ${options.clientEnctypes}\n`,
    );
    config = `${profile}:${ad.krb5Config}`;
  }
  const kinit = mitTool(ad, 'kinit', ['-k', '-t', keytab, client], cache, { config });
  expect(kinit.stderr + kinit.stdout, `kinit -k -t ${keytab} ${client}`).toBe('');
  expect(kinit.status).toBe(0);
  const check = mitTool(ad, 'kvno', ['-k', keytab, service], cache, { config });
  expect(check.stderr, `kvno -k ${keytab} ${service}`).toBe('');
  expect(check.stdout).toContain(`${service}: kvno = ${kvno}, keytab entry valid`);
  return mitTool(ad, 'klist', ['-e'], cache, { config }).stdout;
}
