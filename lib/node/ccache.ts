/**
 * The file edge of the credentials cache reader: which cache the admin's kinit wrote (as MIT
 * finds it), read from disk with a size bound, parsed by lib/krb5/ccache.ts.
 *
 * Name: KRB5CCNAME (used as it is, as MIT does), else krb5.conf [libdefaults]
 * default_ccache_name with MIT's path tokens expanded, else MIT's built-in
 * FILE:/tmp/krb5cc_%{uid}. Types: FILE:path or a bare path; DIR:dir (the cache named by
 * dir/primary, "tkt" when there is no primary file) and DIR::dir/tktXXX (one file).
 * KEYRING:, KCM:, API:, MEMORY: and MSLSA: caches live outside the file system and cannot be
 * read from Node: CCACHE_UNSUPPORTED says so in one line with the fix.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KtError, isKtError } from '../errors.js';
import {
  ccacheStartRealm,
  findTgt,
  isExpired,
  parseCcache,
  principalText,
  type Ccache,
} from '../krb5/ccache.js';
import { configValue, type Krb5Config } from '../krb5/config.js';

/** Largest cache read (1 MiB): a kinit cache is a few KiB; anything larger is not one. */
export const MAX_CCACHE_BYTES = 1024 * 1024;
/** MIT's compiled-in default (DEFCCNAME). */
export const MIT_DEFAULT_CCACHE = 'FILE:/tmp/krb5cc_%{uid}';
/** The fix for a cache Node cannot read. */
export const CCACHE_FIX = 'KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) kinit admin@REALM';

/** What decides the cache name; everything is injectable (tests), defaults are this process's. */
export interface CcacheEnvironment {
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** krb5.conf as loaded (for default_ccache_name and default_realm in messages). */
  readonly config?: Pick<Krb5Config, 'sections'> | undefined;
  readonly uid?: number | undefined;
  readonly euid?: number | undefined;
  /** For %{username}. */
  readonly username?: string | undefined;
}

/** `given`: the caller named the cache (a command-line option). */
export type CcacheNameSource = 'given' | 'KRB5CCNAME' | 'default_ccache_name' | 'default';

export interface CcacheName {
  readonly name: string;
  readonly source: CcacheNameSource;
}

export type CcacheLocation =
  | { readonly type: 'FILE'; readonly path: string }
  /** file undefined: the primary cache of the collection (dir/primary). */
  | { readonly type: 'DIR'; readonly dir: string; readonly file?: string | undefined };

export interface LoadedCcache {
  /** The file read, as MIT names it: FILE:/tmp/krb5cc_0, DIR::/run/user/0/krb5cc/tkt. */
  readonly name: string;
  /** The name it was found under (KRB5CCNAME, krb5.conf or the default), before DIR: resolution. */
  readonly requested: string;
  readonly source: CcacheNameSource;
  readonly path: string;
  readonly cache: Ccache;
}

/** Where the cache Node can't read lives, for the one-line message. */
const UNREADABLE: Readonly<Record<string, string>> = {
  KEYRING: 'in the Linux kernel keyring',
  KCM: 'in the KCM daemon (sssd-kcm or Heimdal kcm)',
  API: 'in the CCAPI of macOS or Windows',
  MEMORY: "in another program's memory",
  MSLSA: 'in the Windows LSA',
};

function uidOf(
  value: number | undefined,
  fallback: (() => number) | undefined,
  token: string,
): string {
  const v = value ?? fallback?.();
  if (v === undefined)
    throw new KtError(
      'CCACHE_NAME_INVALID',
      `cannot expand ${token}: no user id on this platform`,
      { details: { token } },
    );
  return String(v);
}

/**
 * Expands MIT's path tokens (k5_expand_path_tokens): %{uid} and %{USERID} (real uid),
 * %{euid}, %{TEMP} (TMPDIR, else /tmp), %{username}, %{null}. MIT expands nothing else (no
 * ${VAR}); an unknown token or a missing `}` is CCACHE_NAME_INVALID, as MIT's EINVAL.
 */
export function expandCcachePath(template: string, environment: CcacheEnvironment = {}): string {
  const env = environment.env ?? process.env;
  const tokens: Readonly<Record<string, () => string>> = {
    uid: () => uidOf(environment.uid, process.getuid, '%{uid}'),
    USERID: () => uidOf(environment.uid, process.getuid, '%{USERID}'),
    euid: () => uidOf(environment.euid ?? environment.uid, process.geteuid, '%{euid}'),
    TEMP: () => (env.TMPDIR !== undefined && env.TMPDIR !== '' ? env.TMPDIR : '/tmp'),
    null: () => '',
    username: () => {
      if (environment.username === undefined)
        throw new KtError('CCACHE_NAME_INVALID', 'cannot expand %{username}: no user name given', {
          details: { token: '%{username}' },
        });
      return environment.username;
    },
  };
  let out = '';
  let rest = template;
  for (let at = rest.indexOf('%{'); at >= 0; at = rest.indexOf('%{')) {
    const end = rest.indexOf('}', at);
    if (end < 0)
      throw new KtError(
        'CCACHE_NAME_INVALID',
        `credentials cache name "${template}": %{ without a closing }`,
        { details: { name: template } },
      );
    const name = rest.slice(at + 2, end);
    const expand = Object.hasOwn(tokens, name) ? tokens[name] : undefined;
    if (!expand) {
      throw new KtError(
        'CCACHE_NAME_INVALID',
        `credentials cache name "${template}": unknown token %{${name}}`,
        {
          details: { name: template, token: name },
          hint: 'MIT knows %{uid}, %{euid}, %{USERID}, %{username}, %{TEMP} and %{null}',
        },
      );
    }
    out += rest.slice(0, at) + expand();
    rest = rest.slice(end + 1);
  }
  return out + rest;
}

/** The cache name MIT would use: KRB5CCNAME, else default_ccache_name, else FILE:/tmp/krb5cc_%{uid}. */
export function resolveCcacheName(environment: CcacheEnvironment = {}): CcacheName {
  const env = environment.env ?? process.env;
  const fromEnv = env.KRB5CCNAME;
  if (fromEnv !== undefined && fromEnv !== '') return { name: fromEnv, source: 'KRB5CCNAME' };
  const conf = environment.config
    ? configValue(environment.config, ['libdefaults', 'default_ccache_name'])
    : undefined;
  if (conf !== undefined && conf !== '')
    return { name: expandCcachePath(conf, environment), source: 'default_ccache_name' };
  return { name: expandCcachePath(MIT_DEFAULT_CCACHE, environment), source: 'default' };
}

function unsupported(name: string, type: string, realm: string | undefined): KtError {
  const where = UNREADABLE[type];
  const fix = realm === undefined ? CCACHE_FIX : CCACHE_FIX.replace('REALM', realm);
  const what =
    where === undefined
      ? `${type}: is not a credentials cache type keytab knows`
      : `${type}: caches live ${where}, which Node cannot read`;
  return new KtError(
    'CCACHE_UNSUPPORTED',
    `the ticket cache ${name} cannot be used: ${what}; run: ${fix}`,
    {
      details: { name, type },
      hint: 'keytab reads KRB5CCNAME too: export KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) in the shell that runs keytab',
    },
  );
}

/**
 * Splits a cache name into its type and residual as MIT's krb5_cc_resolve does: no colon, or
 * a one-letter prefix (a drive letter), is a FILE path.
 */
export function parseCcacheName(name: string, realm?: string): CcacheLocation {
  const colon = name.indexOf(':');
  const type = colon <= 1 ? 'FILE' : name.slice(0, colon);
  const residual = colon <= 1 ? name : name.slice(colon + 1);
  if (type !== 'FILE' && type !== 'DIR') throw unsupported(name, type, realm);
  if (residual === '' || residual === ':')
    throw new KtError('CCACHE_NAME_INVALID', `credentials cache name "${name}" names no file`, {
      details: { name },
    });
  if (type === 'FILE') return { type: 'FILE', path: residual };
  if (!residual.startsWith(':')) return { type: 'DIR', dir: residual };
  const path = residual.slice(1);
  return { type: 'DIR', dir: dirname(path), file: basename(path) };
}

function kinitHint(realm: string | undefined): string {
  return `run kinit admin@${realm ?? 'REALM'} first`;
}

/** Reads at most MAX_CCACHE_BYTES of a regular file; undefined when it does not exist. */
async function readBounded(
  path: string,
  name: string,
  realm: string | undefined,
): Promise<Uint8Array | undefined> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO named as the cache must not hang the open (it is refused below).
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new KtError(
      'FILE_ACCESS',
      `cannot open the ticket cache ${name}: ${code === 'EACCES' ? 'permission denied' : String(code ?? e)}`,
      {
        details: { path, name },
        cause: e,
        hint: `caches are readable by their owner only: ${kinitHint(realm)} as this user`,
      },
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new KtError('CCACHE_NAME_INVALID', `the ticket cache ${name} is not a file`, {
        details: { path, name },
      });
    if (stat.size > MAX_CCACHE_BYTES) {
      throw new KtError(
        'CCACHE_TOO_LARGE',
        `the ticket cache ${name} has ${stat.size} bytes, more than the 1 MiB keytab reads: not a credentials cache`,
        {
          details: { path, name, size: stat.size, limit: MAX_CCACHE_BYTES },
        },
      );
    }
    const buffer = new Uint8Array(MAX_CCACHE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CCACHE_BYTES) {
        throw new KtError(
          'CCACHE_TOO_LARGE',
          `the ticket cache ${name} grew past the 1 MiB keytab reads while being read`,
          { details: { path, name, limit: MAX_CCACHE_BYTES } },
        );
      }
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** MIT's rule for a DIR collection member: a plain name starting with "tkt". */
function isCacheFileName(file: string): boolean {
  return file.startsWith('tkt') && !file.includes('/') && !file.includes('\0');
}

async function dirCacheFile(
  location: { dir: string; file?: string | undefined },
  name: string,
  realm: string | undefined,
): Promise<string> {
  if (location.file !== undefined) return location.file;
  const primary = await readBounded(join(location.dir, 'primary'), `${name} (primary)`, realm);
  // MIT: without a primary file the collection's default cache is "tkt".
  if (primary === undefined) return 'tkt';
  const file = new TextDecoder().decode(primary).split('\n')[0] ?? '';
  if (!isCacheFileName(file)) {
    throw new KtError(
      'CCACHE_MALFORMED',
      `${join(location.dir, 'primary')} names "${file.slice(0, 40)}", which is not a cache file of the collection (tkt...)`,
      {
        details: { path: join(location.dir, 'primary'), name },
      },
    );
  }
  return file;
}

/**
 * Finds and reads the admin's ticket cache: `name` when given, else resolveCcacheName.
 * Throws CCACHE_NOT_FOUND (with the kinit to run), CCACHE_UNSUPPORTED (KEYRING: and friends,
 * with the fix), CCACHE_TOO_LARGE, FILE_ACCESS, or the parser's CCACHE_* errors.
 */
export async function readCcache(
  environment: CcacheEnvironment & { readonly name?: string | undefined } = {},
): Promise<LoadedCcache> {
  const { name: requested, source } =
    environment.name !== undefined
      ? { name: environment.name, source: 'given' as const }
      : resolveCcacheName(environment);
  const realm = environment.config
    ? configValue(environment.config, ['libdefaults', 'default_realm'])
    : undefined;
  const location = parseCcacheName(requested, realm);
  let path: string;
  let name: string;
  if (location.type === 'FILE') {
    path = location.path;
    name = `FILE:${path}`;
  } else {
    path = join(location.dir, await dirCacheFile(location, requested, realm));
    name = `DIR::${path}`;
  }
  const bytes = await readBounded(path, name, realm);
  if (bytes === undefined) {
    throw new KtError(
      'CCACHE_NOT_FOUND',
      `no credentials cache ${name} (${path} does not exist; from ${sourceText(source)}): ${kinitHint(realm)}`,
      {
        details: { path, name, source },
      },
    );
  }
  try {
    return { name, requested, source, path, cache: parseCcache(bytes) };
  } catch (e) {
    if (isKtError(e))
      throw new KtError(e.code, `${name}: ${e.message}`, {
        details: { ...e.details, path },
        hint: e.hint ?? `run kinit admin@${realm ?? 'REALM'} again to rewrite it`,
        remedy: e.remedy,
        cause: e,
      });
    throw e;
  }
}

const SOURCE_TEXT: Readonly<Record<CcacheNameSource, string>> = {
  given: 'the name given',
  KRB5CCNAME: 'KRB5CCNAME',
  default_ccache_name: 'krb5.conf default_ccache_name',
  default: "MIT's default",
};

function sourceText(source: CcacheNameSource): string {
  return SOURCE_TEXT[source];
}

/** "using the ticket cache FILE:/tmp/krb5cc_0 (admin@EXAMPLE.TEST, TGT valid until ...)" */
export function describeCcache(loaded: LoadedCcache, now: Date): string {
  const { cache } = loaded;
  const who = principalText(cache.defaultPrincipal);
  const tgt = findTgt(cache);
  const state = !tgt
    ? `no TGT for ${ccacheStartRealm(cache)}`
    : isExpired(tgt, now)
      ? `TGT expired at ${tgt.endTime.toISOString()}`
      : `TGT valid until ${tgt.endTime.toISOString()}`;
  return `using the ticket cache ${loaded.name} (${who}, ${state})`;
}
