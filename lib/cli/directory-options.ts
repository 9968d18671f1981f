/**
 * The directory options every front end shares (keytab ad, verify, doctor, ktpass's
 * extensions): their definitions, the DirectoryConfig they make, opening a session with them,
 * and the facts of how the bind went (doctor, --debug-auth).
 */
import { readConfigText } from '../node/bounded-read.js';
import { resolve } from 'node:path';
import type { Argv, Options } from 'yargs';
import {
  DEFAULT_TIMEOUT_SECONDS,
  DIRECTORY_ENV,
  requireEncryptedTransport,
  resolveDirectoryConfig,
} from '../ad/config.js';
import type { DirectoryConfig } from '../ad/config.js';
import { refuseLoggedPassword } from '../ad/debug-guard.js';
import { openDirectory } from '../ad/directory.js';
import type { LdapDirectory } from '../ad/directory.js';
import { directoryError } from '../ad/errors.js';
import { fromUtf8 } from '../bytes.js';
import { diagnoseDirectoryAuth } from '../doctor/directory-auth.js';
import type { DirectoryAuthFacts } from '../doctor/directory-auth.js';
import { findingLine } from '../doctor/render.js';
import { KtError } from '../errors.js';
import type { CliContext } from './context.js';
import { warn } from './context.js';
import { readSecretFile } from './secrets.js';

export interface DirectoryArgs {
  'ldap-url': string | undefined;
  'bind-dn': string | undefined;
  'bind-password-file': string | undefined;
  'bind-password': string | undefined;
  'base-dn': string | undefined;
  'ca-file': string | undefined;
  starttls: boolean;
  'insecure-tls': boolean;
  timeout: number | undefined;
  auth?: string | undefined;
  'admin-keytab'?: string | undefined;
  'admin-principal'?: string | undefined;
  'ldap-host'?: string | undefined;
}

const GROUP = `Directory (or ${DIRECTORY_ENV.url}, ${DIRECTORY_ENV.auth}, ${DIRECTORY_ENV.bindDn}, ${DIRECTORY_ENV.bindPasswordFile} / ${DIRECTORY_ENV.bindPassword}, ${DIRECTORY_ENV.adminKeytab}, ${DIRECTORY_ENV.baseDn}, ${DIRECTORY_ENV.caFile}):`;

/**
 * The directory options, defined once: every `ad` subcommand, `rotate`, `verify` and `doctor`
 * take them (verify and doctor without --timeout, which is their KDC timeout).
 */
const DIRECTORY_OPTIONS: Readonly<Record<keyof DirectoryArgs, Options>> = Object.freeze({
  'ldap-url': {
    type: 'string',
    describe: `the DC: ldap://dc1.example.com (Kerberos, after kinit) or ldaps://dc1.example.com (bind DN + password) [$${DIRECTORY_ENV.url}]`,
  },
  auth: {
    type: 'string',
    choices: ['auto', 'kerberos', 'simple'],
    describe: `auto (default): Kerberos (SASL GSSAPI, sealed) on ldap://, a simple bind with --bind-dn on ldaps:// or --starttls; kerberos; simple [$${DIRECTORY_ENV.auth}]`,
  },
  'bind-dn': {
    type: 'string',
    describe: `bind as this DN or UPN (admin@example.com); with Kerberos, get a ticket with its password [$${DIRECTORY_ENV.bindDn}]`,
  },
  'bind-password-file': {
    type: 'string',
    describe: `read the bind password from this file [$${DIRECTORY_ENV.bindPasswordFile}]; default: ask on the terminal`,
  },
  'bind-password': {
    type: 'string',
    describe: 'the bind password itself: visible in ps and shell history, avoid',
  },
  'admin-keytab': {
    type: 'string',
    describe: `Kerberos with the keys of this keytab (cron jobs); wins over --bind-dn and the ticket cache [$${DIRECTORY_ENV.adminKeytab}]`,
  },
  'admin-principal': {
    type: 'string',
    describe: `the principal to use from --admin-keytab [$${DIRECTORY_ENV.adminPrincipal}]`,
  },
  'ldap-host': {
    type: 'string',
    describe:
      "the DC's DNS name for its ldap/ SPN when --ldap-url holds an address (default: the DC's dnsHostName)",
  },
  'base-dn': {
    type: 'string',
    describe: `search base [$${DIRECTORY_ENV.baseDn}]; default: the DC's defaultNamingContext`,
  },
  'ca-file': {
    type: 'string',
    describe: `CA certificate(s) (PEM) that signed the DC's certificate (ldaps://, --starttls) [$${DIRECTORY_ENV.caFile}]; default: system CAs`,
  },
  starttls: {
    type: 'boolean',
    default: false,
    describe: 'upgrade an ldap:// connection with StartTLS before a simple bind',
  },
  'insecure-tls': {
    type: 'boolean',
    default: false,
    describe: 'do NOT verify the DC certificate (warns; anyone on the path can read the passwords)',
  },
  timeout: {
    type: 'number',
    describe: `seconds to wait for the DC (default ${DEFAULT_TIMEOUT_SECONDS})`,
  },
});

/** The connection options of every `ad` subcommand (and, without --timeout, of verify and doctor). */
export function directoryOptions<T>(
  y: Argv<T>,
  o: { timeout?: boolean } = {},
): Argv<T & DirectoryArgs> {
  const names = (Object.keys(DIRECTORY_OPTIONS) as (keyof DirectoryArgs)[]).filter(
    (n) => n !== 'timeout' || o.timeout !== false,
  );
  return names
    .reduce((acc, name) => acc.option(name, DIRECTORY_OPTIONS[name]), y as Argv<unknown>)
    .group(names, GROUP) as Argv<T & DirectoryArgs>;
}

function readTextFile(ctx: CliContext, path: string, what: string): string {
  const abs = resolve(ctx.cwd, path);
  try {
    return readConfigText(abs, what);
  } catch (err) {
    if (err instanceof KtError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new KtError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_ACCESS',
      `${what} ${abs}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      { details: { path: abs }, cause: err },
    );
  }
}

/** The directory configuration from the options and the environment. */
export async function directoryConfig(
  ctx: CliContext,
  args: DirectoryArgs,
): Promise<DirectoryConfig> {
  return resolveDirectoryConfig(
    {
      ldapUrl: args['ldap-url'],
      bindDn: args['bind-dn'],
      bindPasswordFile: args['bind-password-file'],
      bindPassword: args['bind-password'],
      baseDn: args['base-dn'],
      caFile: args['ca-file'],
      startTls: args.starttls,
      insecureTls: args['insecure-tls'],
      timeout: args.timeout,
      auth: args.auth,
      adminKeytab:
        args['admin-keytab'] === undefined ? undefined : resolve(ctx.cwd, args['admin-keytab']),
      adminPrincipal: args['admin-principal'],
      ldapHost: args['ldap-host'],
    },
    {
      env: ctx.env,
      readFile: (path) => readTextFile(ctx, path, 'CA file'),
      readSecretFile: async (path) => fromUtf8(await readSecretFile(ctx, path, 'bind password')),
      prompt: ctx.stdin.isTTY ? (q) => ctx.promptSecret(q) : undefined,
      warn: (m) => warn(ctx, m),
    },
  );
}

/** The facts the auth diagnosis (lib/doctor/directory-auth.ts) reads: the choice, the session's report, or the error. */
export function directoryAuthFacts(
  url: string,
  config: DirectoryConfig | undefined,
  dir: LdapDirectory | undefined,
  err?: unknown,
): DirectoryAuthFacts {
  const failure =
    err === undefined ? undefined : err instanceof KtError ? err : directoryError(err);
  return {
    url: config?.url ?? url,
    ...(config?.auth ? { choice: config.auth } : {}),
    ...(dir ? { bound: dir.auth } : {}),
    ...(failure
      ? {
          failure: {
            code: failure.code,
            message: failure.message,
            hint: failure.hint,
            ...(failure.remedy ? { remedy: failure.remedy } : {}),
            details: failure.details,
          },
        }
      : {}),
  };
}

/** The LDAP URL as configured (flag, then KEYTAB_LDAP_URL), for messages before the configuration is resolved. */
export function configuredUrl(
  ctx: CliContext,
  args: Pick<DirectoryArgs, 'ldap-url'>,
): string | undefined {
  const v = args['ldap-url'] ?? ctx.env[DIRECTORY_ENV.url];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Runs `fn` with an open session and closes it afterwards. With passwordWrite, a configuration
 * that is not encrypted is refused before any connection is made. With debugAuth, how the bind
 * went (or why it failed, and the fix) is written to stderr.
 */
export async function withDirectory<T>(
  ctx: CliContext,
  args: DirectoryArgs,
  fn: (dir: LdapDirectory, config: DirectoryConfig) => Promise<T>,
  options: { passwordWrite?: boolean; debugAuth?: boolean } = {},
): Promise<T> {
  // ldapts would log the new password (NODE_DEBUG=ldapts): refused before asking or connecting.
  if (options.passwordWrite) refuseLoggedPassword(ctx.env);
  let config: DirectoryConfig | undefined;
  let opened: LdapDirectory | undefined;
  const report = (err?: unknown): void => {
    if (!options.debugAuth) return;
    const facts = directoryAuthFacts(
      configuredUrl(ctx, args) ?? '(no --ldap-url)',
      config,
      opened,
      err,
    );
    for (const finding of diagnoseDirectoryAuth(facts))
      ctx.stderr.write(`${ctx.program}: debug-auth: ${findingLine(finding)}\n`);
  };
  try {
    config = await directoryConfig(ctx, args);
    if (options.passwordWrite) requireEncryptedTransport(config);
    opened = await openDirectory(config);
  } catch (err) {
    report(err);
    throw err;
  }
  report();
  await using dir = opened;
  // `return await`: the session must stay open until fn is done (disposal runs at block exit).
  return await fn(dir, config);
}
