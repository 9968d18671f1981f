/** What the `keytab ad` subcommands share: directory options, opening a session, printing changes. */
import { readConfigText } from '../../../node/bounded-read.js';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { changesToJson, describeChanges } from '../../../ad/changes.js';
import { DEFAULT_TIMEOUT_SECONDS, DIRECTORY_ENV, requireEncryptedTransport, resolveDirectoryConfig } from '../../../ad/config.js';
import type { DirectoryConfig } from '../../../ad/config.js';
import { refuseLoggedPassword } from '../../../ad/debug-guard.js';
import { openDirectory } from '../../../ad/directory.js';
import type { LdapDirectory } from '../../../ad/directory.js';
import { directoryError } from '../../../ad/errors.js';
import type { DirectoryChange } from '../../../ad/types.js';
import { fromUtf8 } from '../../../bytes.js';
import { KtError } from '../../../errors.js';
import type { CliContext } from '../../context.js';
import { warn } from '../../context.js';
import { readSecretFile } from '../../secrets.js';

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

const GROUP = `Directory (or ${DIRECTORY_ENV.url}, ${DIRECTORY_ENV.bindDn}, ${DIRECTORY_ENV.bindPasswordFile} / ${DIRECTORY_ENV.bindPassword}, ${DIRECTORY_ENV.baseDn}, ${DIRECTORY_ENV.caFile}):`;

/** The connection options of every `ad` subcommand. */
export function directoryOptions<T>(y: Argv<T>): Argv<T & DirectoryArgs> {
  return y
    .option('ldap-url', { type: 'string', describe: `the DC: ldaps://dc1.example.com (or ldap://... with --starttls) [$${DIRECTORY_ENV.url}]` })
    .option('bind-dn', { type: 'string', describe: `bind as this DN or UPN (admin@example.com) [$${DIRECTORY_ENV.bindDn}]` })
    .option('bind-password-file', { type: 'string', describe: `read the bind password from this file [$${DIRECTORY_ENV.bindPasswordFile}]; default: ask on the terminal` })
    .option('bind-password', { type: 'string', describe: 'the bind password itself: visible in ps and shell history, avoid' })
    .option('base-dn', { type: 'string', describe: `search base [$${DIRECTORY_ENV.baseDn}]; default: the DC's defaultNamingContext` })
    .option('ca-file', { type: 'string', describe: `CA certificate(s) (PEM) that signed the DC's certificate [$${DIRECTORY_ENV.caFile}]; default: system CAs` })
    .option('starttls', { type: 'boolean', default: false, describe: 'upgrade an ldap:// connection with StartTLS before binding' })
    .option('insecure-tls', { type: 'boolean', default: false, describe: 'do NOT verify the DC certificate (warns; anyone on the path can read the passwords)' })
    .option('timeout', { type: 'number', describe: `seconds to wait for the DC (default ${DEFAULT_TIMEOUT_SECONDS})` })
    .option('auth', { type: 'string', choices: ['auto', 'kerberos', 'simple'], describe: `kerberos: SASL GSSAPI sealed on ldap:// (ticket cache, --bind-dn password, or --admin-keytab); simple (auto, the default): bind DN + password over TLS [$${DIRECTORY_ENV.auth}]` })
    .option('admin-keytab', { type: 'string', describe: `Kerberos with the keys of this keytab (cron jobs) [$${DIRECTORY_ENV.adminKeytab}]` })
    .option('admin-principal', { type: 'string', describe: `the principal to use from --admin-keytab [$${DIRECTORY_ENV.adminPrincipal}]` })
    .option('ldap-host', { type: 'string', describe: "the DC's DNS name for its ldap/ SPN when --ldap-url holds an address (default: the DC's dnsHostName)" })
    .group(['ldap-url', 'auth', 'bind-dn', 'bind-password-file', 'bind-password', 'admin-keytab', 'admin-principal', 'ldap-host', 'base-dn', 'ca-file', 'starttls', 'insecure-tls', 'timeout'], GROUP) as Argv<T & DirectoryArgs>;
}

function readTextFile(ctx: CliContext, path: string, what: string): string {
  const abs = resolve(ctx.cwd, path);
  try {
    return readConfigText(abs, what);
  } catch (err) {
    if (err instanceof KtError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new KtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_ACCESS', `${what} ${abs}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { details: { path: abs }, cause: err });
  }
}

/** The directory configuration from the options and the environment. */
export async function directoryConfig(ctx: CliContext, args: DirectoryArgs): Promise<DirectoryConfig> {
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
      adminKeytab: args['admin-keytab'] === undefined ? undefined : resolve(ctx.cwd, args['admin-keytab']),
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

/**
 * Runs `fn` with an open session and closes it afterwards. With passwordWrite, a configuration
 * that is not encrypted is refused before any connection is made.
 */
export async function withDirectory<T>(ctx: CliContext, args: DirectoryArgs, fn: (dir: LdapDirectory, config: DirectoryConfig) => Promise<T>, options: { passwordWrite?: boolean } = {}): Promise<T> {
  // ldapts would log the new password (NODE_DEBUG=ldapts): refused before asking or connecting.
  if (options.passwordWrite) refuseLoggedPassword(ctx.env);
  const config = await directoryConfig(ctx, args);
  if (options.passwordWrite) requireEncryptedTransport(config);
  await using dir = await openDirectory(config);
  // `return await`: the session must stay open until fn is done (disposal runs at block exit).
  return await fn(dir, config);
}

/**
 * A subcommand whose handler errors all come out as KtErrors (the CLI prints those as one line
 * and a hint; anything else would be reported as an internal or usage error).
 */
export function subcommand<A>(module: CommandModule<object, A>): CommandModule<object, A> {
  const handler = module.handler;
  return {
    ...module,
    handler: async (args) => {
      try {
        await handler(args);
      } catch (err) {
        throw err instanceof KtError || !(err instanceof Error) ? err : directoryError(err);
      }
    },
  };
}

export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints the LDAP changes: what was sent, or for a dry run what would be. */
export function printChanges(ctx: CliContext, changes: readonly DirectoryChange[], dryRun: boolean): void {
  if (changes.length === 0) {
    ctx.stdout.write(`${dryRun ? 'dry run: ' : ''}nothing to change\n`);
    return;
  }
  ctx.stdout.write(dryRun ? 'dry run: nothing was changed; the LDAP changes would be:\n' : 'LDAP changes sent:\n');
  for (const line of describeChanges(changes)) ctx.stdout.write(`  ${line}\n`);
}

export { changesToJson };

/** `key: value` lines with the values aligned; a list value continues on indented lines. */
export function fields(rows: readonly (readonly [string, string | readonly string[]])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  let out = '';
  for (const [key, value] of rows) {
    const list = typeof value === 'string' ? [value] : value.length ? value : ['(none)'];
    list.forEach((v, i) => {
      out += `${(i === 0 ? `${key}:` : '').padEnd(width)}${v}\n`;
    });
  }
  return out;
}
