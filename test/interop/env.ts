/**
 * Where the real servers of the interop tests are, as started by test/servers/run-all.sh
 * (or by hand: test/servers/mit-kdc.sh / samba-dc.sh, then export KTP_INTEROP=1 and
 * KTP_MIT_KDC_ENV / KTP_SAMBA_DC_ENV pointing at their env.sh files).
 *
 * Values come from process.env first, then from the env.sh file named by
 * KTP_MIT_KDC_ENV / KTP_SAMBA_DC_ENV. Every accessor returns undefined when its server is
 * not configured, so suites can gate themselves:
 *
 *   const mit = mitKdc();
 *   describe.runIf(interopEnabled() && mit !== undefined)('...', () => { ... });
 *
 * Tests must only talk to 127.0.0.1 (never resolve names through the system resolver).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Credential {
  principal: string;
  password: string;
}

export interface MitKdc {
  /** Directory holding the KDC's database, configs and logs. */
  dir: string | undefined;
  /** Client krb5.conf (KDC 127.0.0.1:18888, no DNS, allow_weak_crypto). */
  krb5Config: string;
  /** kdc.conf, for kadmin.local / kdb5_util (KRB5_KDC_PROFILE). */
  kdcProfile: string | undefined;
  realm: string;
  /** host:port of the KDC, udp+tcp: '127.0.0.1:18888'. */
  kdc: string;
  /** host:port of kadmind: '127.0.0.1:18749'. */
  kadmin: string | undefined;
  /** host:port of kpasswd: '127.0.0.1:18464'. */
  kpasswd: string | undefined;
  /** user@MIT.TEST, +requires_preauth. */
  user: Credential | undefined;
  /** HTTP/web.mit.test@MIT.TEST, +requires_preauth. */
  service: Credential | undefined;
  /** admin/admin@MIT.TEST (full kadmin rights). */
  admin: Credential | undefined;
  /** Keytab of the admin principal (kadmin -k -t). */
  adminKeytab: string | undefined;
  /** Enctypes the realm stores keys for (supported_enctypes). */
  enctypes: string[];
}

export interface SambaDc {
  dir: string | undefined;
  /** 'ldaps://127.0.0.1:636' */
  url: string;
  /** 'Administrator@example.test' */
  bindDn: string;
  /** File holding the bind password (no trailing newline), mode 0600. */
  bindPasswordFile: string;
  /** 'DC=example,DC=test' */
  baseDn: string;
  /** PEM of the throwaway CA that signed the DC's certificate (SAN IP:127.0.0.1). */
  caFile: string;
  /** Client krb5.conf (KDC 127.0.0.1:88, no DNS). */
  krb5Config: string;
  /** 'EXAMPLE.TEST' */
  realm: string;
  /** NetBIOS domain, 'EXAMPLE'. */
  domain: string | undefined;
  /** host:port of the KDC: '127.0.0.1:88'. */
  kdc: string;
  /** The DC's smb.conf, for samba-tool -s (e.g. to relax the password policy). */
  smbConf: string | undefined;
  /** The administrator's Kerberos credentials (ticket caches, admin keytab) and the ldap:// URL. */
  kerberos:
    | {
        ldapUrl: string;
        adminPrincipal: string;
        ccache: string;
        dirCcache: string;
        adminKeytab: string;
      }
    | undefined;
}

const fileCache = new Map<string, Record<string, string>>();

/** Parse the `export NAME='value'` lines our env.sh files consist of. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    let raw = m[2].trim();
    let value = '';
    // Concatenated shell words: 'abc'\''def' or "abc" or bare.
    while (raw.length > 0) {
      if (raw.startsWith("'")) {
        const end = raw.indexOf("'", 1);
        if (end < 0) break;
        value += raw.slice(1, end);
        raw = raw.slice(end + 1);
      } else if (raw.startsWith("\\'")) {
        value += "'";
        raw = raw.slice(2);
      } else if (raw.startsWith('"')) {
        const end = raw.indexOf('"', 1);
        if (end < 0) break;
        value += raw.slice(1, end);
        raw = raw.slice(end + 1);
      } else {
        const m2 = /^[^'"\s]+/.exec(raw);
        if (!m2) break;
        value += m2[0];
        raw = raw.slice(m2[0].length);
      }
    }
    out[m[1]] = value;
  }
  return out;
}

function fromFile(path: string | undefined): Record<string, string> {
  if (!path || !existsSync(path)) return {};
  let vars = fileCache.get(path);
  if (!vars) {
    vars = parseEnvFile(readFileSync(path, 'utf8'));
    fileCache.set(path, vars);
  }
  return vars;
}

/** Reader for NAME: process.env, then the env.sh named by fileVar. */
function reader(fileVar: string): (name: string) => string | undefined {
  const file = fromFile(process.env[fileVar]);
  return (name) => {
    const v = process.env[name] ?? file[name];
    return v === undefined || v === '' ? undefined : v;
  };
}

function credential(
  principal: string | undefined,
  password: string | undefined,
): Credential | undefined {
  return principal !== undefined && password !== undefined ? { principal, password } : undefined;
}

/** True when the real-server suites should run (KTP_INTEROP=1, set by run-all.sh). */
export function interopEnabled(): boolean {
  const v = process.env.KTP_INTEROP;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The private MIT KDC (realm MIT.TEST), or undefined if not configured. */
export function mitKdc(): MitKdc | undefined {
  const get = reader('KTP_MIT_KDC_ENV');
  const krb5Config = get('KTP_MIT_KRB5_CONFIG');
  const realm = get('KTP_MIT_REALM');
  const kdc = get('KTP_MIT_KDC');
  if (krb5Config === undefined || realm === undefined || kdc === undefined) return undefined;
  return {
    dir: get('KTP_MIT_DIR'),
    krb5Config,
    kdcProfile: get('KTP_MIT_KDC_PROFILE'),
    realm,
    kdc,
    kadmin: get('KTP_MIT_KADMIN'),
    kpasswd: get('KTP_MIT_KPASSWD'),
    user: credential(get('KTP_MIT_USER'), get('KTP_MIT_USER_PASSWORD')),
    service: credential(get('KTP_MIT_SERVICE'), get('KTP_MIT_SERVICE_PASSWORD')),
    admin: credential(get('KTP_MIT_ADMIN'), get('KTP_MIT_ADMIN_PASSWORD')),
    adminKeytab: get('KTP_MIT_ADMIN_KEYTAB'),
    enctypes: (get('KTP_MIT_ENCTYPES') ?? '').split(/\s+/).filter((e) => e.length > 0),
  };
}

/** The Samba AD DC (realm EXAMPLE.TEST), or undefined if not configured. */
export function sambaDc(): SambaDc | undefined {
  const get = reader('KTP_SAMBA_DC_ENV');
  const url = get('KEYTAB_LDAP_URL') ?? get('KTP_AD_URL');
  const bindDn = get('KEYTAB_BIND_DN');
  const bindPasswordFile = get('KEYTAB_BIND_PASSWORD_FILE');
  const baseDn = get('KEYTAB_BASE_DN');
  const caFile = get('KEYTAB_CA_FILE');
  const krb5Config = get('KTP_AD_KRB5_CONFIG');
  const realm = get('KTP_AD_REALM');
  if (
    url === undefined ||
    bindDn === undefined ||
    bindPasswordFile === undefined ||
    baseDn === undefined ||
    caFile === undefined ||
    krb5Config === undefined ||
    realm === undefined
  ) {
    return undefined;
  }
  return {
    dir: get('KTP_AD_DIR'),
    url,
    bindDn,
    bindPasswordFile,
    baseDn,
    caFile,
    krb5Config,
    realm,
    domain: get('KTP_AD_DOMAIN'),
    kdc: get('KTP_AD_KDC') ?? '127.0.0.1:88',
    smbConf: get('KTP_AD_SMB_CONF'),
    kerberos: kerberosOf(get),
  };
}

function kerberosOf(get: (name: string) => string | undefined): SambaDc['kerberos'] {
  const ldapUrl = get('KTP_AD_LDAP_URL');
  const adminPrincipal = get('KTP_AD_ADMIN_PRINCIPAL');
  const ccache = get('KTP_AD_CCACHE');
  const dirCcache = get('KTP_AD_DIR_CCACHE');
  const adminKeytab = get('KTP_AD_ADMIN_KEYTAB');
  if (!ldapUrl || !adminPrincipal || !ccache || !dirCcache || !adminKeytab) return undefined;
  return { ldapUrl, adminPrincipal, ccache, dirCcache, adminKeytab };
}

/** Path of test/servers/heimdal-ktutil when Heimdal's ktutil is usable, else undefined. */
export function heimdalKtutil(): string | undefined {
  const p = process.env.KTP_HEIMDAL_KTUTIL;
  return p !== undefined && p !== '' && existsSync(p) ? p : undefined;
}

/** Path of test/servers/heimdal-string2key when available, else undefined. */
export function heimdalString2key(): string | undefined {
  const p = process.env.KTP_HEIMDAL_STRING2KEY;
  return p !== undefined && p !== '' && existsSync(p) ? p : undefined;
}

export interface RunOptions {
  /** Added to (and overriding) process.env; an undefined value removes the variable. */
  env?: Record<string, string | undefined>;
  /** Written to the tool's stdin. */
  input?: string | Buffer;
  cwd?: string;
  /** Kill the tool after this long (default 30 s). */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, or null if the tool was killed (see signal / error). */
  status: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
  /** Spawn failure (e.g. ENOENT) or timeout (ETIMEDOUT). */
  error: Error | undefined;
}

/** Run a command synchronously with a timeout and collect its output. */
export function runTool(cmd: string, args: readonly string[], options: RunOptions = {}): RunResult {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const r = spawnSync(cmd, [...args], {
    env,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    signal: r.signal,
    error: r.error,
  };
}

/** A fresh private temp directory and its cleanup. */
export function tempDir(prefix = 'ktp-interop-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
