/**
 * The directory for `keytab verify` and `keytab doctor`: configured by the same options and
 * environment variables as the AD commands (KEYTAB_LDAP_URL, KEYTAB_BIND_DN,
 * KEYTAB_BIND_PASSWORD(_FILE), KEYTAB_BASE_DN, KEYTAB_CA_FILE). The checks see only the small
 * AccountDirectory view of lib/verify/directory.ts; without a directory they are skipped with
 * a note saying why.
 */
import type { Argv } from 'yargs';
import type { AccountDirectory } from '../verify/directory.js';
import type { CliContext } from './context.js';

export interface VerifyDirectoryArgs {
  'ldap-url': string | undefined;
  'bind-dn': string | undefined;
  'bind-password-file': string | undefined;
  'base-dn': string | undefined;
  'ca-file': string | undefined;
  starttls: boolean;
}

const ENV = {
  url: 'KEYTAB_LDAP_URL',
  bindDn: 'KEYTAB_BIND_DN',
  bindPassword: 'KEYTAB_BIND_PASSWORD',
  bindPasswordFile: 'KEYTAB_BIND_PASSWORD_FILE',
  baseDn: 'KEYTAB_BASE_DN',
  caFile: 'KEYTAB_CA_FILE',
} as const;

export function verifyDirectoryOptions<T>(y: Argv<T>): Argv<T & VerifyDirectoryArgs> {
  return y
    .option('ldap-url', { type: 'string', describe: `the DC, to compare kvno and enctypes with the account: ldaps://dc1.example.com [$${ENV.url}]` })
    .option('bind-dn', { type: 'string', describe: `bind as this DN or UPN [$${ENV.bindDn}]` })
    .option('bind-password-file', { type: 'string', describe: `the bind password [$${ENV.bindPasswordFile}]` })
    .option('base-dn', { type: 'string', describe: `search base [$${ENV.baseDn}]; default: the DC's defaultNamingContext` })
    .option('ca-file', { type: 'string', describe: `CA certificate(s) of the DC [$${ENV.caFile}]` })
    .option('starttls', { type: 'boolean', default: false, describe: 'StartTLS on an ldap:// URL' })
    .group(['ldap-url', 'bind-dn', 'bind-password-file', 'base-dn', 'ca-file', 'starttls'], `Directory (optional; or ${Object.values(ENV).join(', ')}):`) as Argv<T & VerifyDirectoryArgs>;
}

export interface OpenedDirectory {
  readonly directory?: AccountDirectory | undefined;
  /** Why there is no directory, for the SKIP line. */
  readonly note?: string | undefined;
  /** The LDAP base the configuration names (--base-dn / KEYTAB_BASE_DN), if any. */
  readonly baseDn?: string | undefined;
  close(): Promise<void>;
}

/** The configured LDAP URL, if any (flag, then environment). */
export function configuredLdapUrl(ctx: CliContext, args: Pick<VerifyDirectoryArgs, 'ldap-url'>): string | undefined {
  const v = args['ldap-url'] ?? ctx.env[ENV.url];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Opens the directory when one is configured. The AD library (lib/ad) is not part of this
 * build yet, so a configured directory is reported as such and its checks are skipped.
 */
export async function verifyDirectory(ctx: CliContext, args: VerifyDirectoryArgs): Promise<OpenedDirectory> {
  const url = configuredLdapUrl(ctx, args);
  const baseDn = args['base-dn'] ?? (ctx.env[ENV.baseDn] || undefined);
  const close = async (): Promise<void> => undefined;
  if (url === undefined) {
    return { note: `no directory configured (${ENV.url} or --ldap-url): kvno and enctypes are not compared with the account`, baseDn, close };
  }
  return { note: `a directory is configured (${url}), but this build has no Active Directory support yet: the directory checks are skipped`, baseDn, close };
}
