/**
 * The directory for `keytab verify` and `keytab doctor`: configured by the same options and
 * environment variables as the AD commands (KEYTAB_LDAP_URL, KEYTAB_BIND_DN,
 * KEYTAB_BIND_PASSWORD(_FILE), KEYTAB_BASE_DN, KEYTAB_CA_FILE). The checks see only the small
 * AccountDirectory view of lib/verify/directory.ts; without a directory they are skipped with
 * a note saying why. The lookups go through lib/ad (ldapts), read-only.
 */
import type { Argv } from 'yargs';
import { ACCOUNT_ATTRIBUTES, accountFromEntry, findAccount, type AccountRecord } from '../ad/account.js';
import { DIRECTORY_ENV } from '../ad/config.js';
import { openDirectory, type LdapDirectory } from '../ad/directory.js';
import { directoryError } from '../ad/errors.js';
import { filter } from '../ad/escape.js';
import type { Directory } from '../ad/types.js';
import { KtError } from '../errors.js';
import { formatPrincipal, formatPrincipalName, type Principal } from '../principal.js';
import type { AccountDirectory, DirectoryAccountView } from '../verify/directory.js';
import type { CliContext } from './context.js';
import { directoryConfig } from './commands/ad/common.js';

export interface VerifyDirectoryArgs {
  'ldap-url': string | undefined;
  'bind-dn': string | undefined;
  'bind-password-file': string | undefined;
  'base-dn': string | undefined;
  'ca-file': string | undefined;
  starttls: boolean;
}

const ENV = DIRECTORY_ENV;

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

/** The directory's view of an account, from lib/ad's AccountRecord. */
function viewOf(a: AccountRecord): DirectoryAccountView {
  return {
    dn: a.dn,
    sAMAccountName: a.sAMAccountName,
    userPrincipalName: a.userPrincipalName,
    servicePrincipalNames: a.servicePrincipalName,
    keyVersionNumber: a.msDSKeyVersionNumber,
    supportedEncryptionTypes: a.msDSSupportedEncryptionTypes,
    userAccountControl: a.userAccountControl,
  };
}

/**
 * The account behind a principal, looked up as a KDC would: the userPrincipalName, then a
 * servicePrincipalName (the name without the realm), then (one component) the sAMAccountName.
 */
export async function accountForPrincipal(dir: Directory, principal: Principal): Promise<DirectoryAccountView | undefined> {
  const byUpn = await findAccount(dir, { by: 'upn', upn: formatPrincipal(principal) });
  if (byUpn) return viewOf(byUpn);
  const name = formatPrincipalName(principal);
  if (principal.components.length > 1) {
    const entries = await dir.search({ base: dir.baseDn, filter: filter`(&(objectClass=user)(servicePrincipalName=${name}))`, attributes: ACCOUNT_ATTRIBUTES });
    if (entries.length > 1) {
      throw new KtError('AD_ACCOUNT_AMBIGUOUS', `${entries.length} accounts carry the SPN ${name}: ${entries.map((e) => e.dn).join('; ')}`, { hint: 'a duplicate SPN: keytab ad spn duplicates' });
    }
    const [entry] = entries;
    return entry ? viewOf(accountFromEntry(entry, principal.realm)) : undefined;
  }
  const bySam = await findAccount(dir, { by: 'sam', name });
  return bySam ? viewOf(bySam) : undefined;
}

/**
 * Opens the directory when one is configured (flags, then KEYTAB_* variables). A directory
 * that cannot be opened does not stop the KDC checks: its lookups fail, and the checks say so.
 */
export async function verifyDirectory(ctx: CliContext, args: VerifyDirectoryArgs): Promise<OpenedDirectory> {
  const url = configuredLdapUrl(ctx, args);
  const baseDn = args['base-dn'] ?? (ctx.env[ENV.baseDn] || undefined);
  if (url === undefined) {
    return { note: 'no directory configured: kvno and enctypes are not compared with the account', baseDn, close: async () => undefined };
  }
  let session: LdapDirectory | undefined;
  let problem: unknown;
  try {
    const config = await directoryConfig(ctx, { ...args, 'bind-password': undefined, 'insecure-tls': false, timeout: undefined });
    session = await openDirectory(config);
  } catch (e) {
    problem = e instanceof KtError || !(e instanceof Error) ? e : directoryError(e);
  }
  const open = session;
  const directory: AccountDirectory = {
    description: open?.url ?? url,
    findAccount: async (p) => {
      if (!open) throw problem;
      try {
        return await accountForPrincipal(open, p);
      } catch (e) {
        throw e instanceof KtError || !(e instanceof Error) ? e : directoryError(e);
      }
    },
    namingContext: async () => {
      if (!open) return undefined;
      // [MS-ADTS] 3.1.1.3.2: the RootDSE names the domain's naming context (attribute names come lower-cased).
      const [root] = await open.search({ base: '', scope: 'base', attributes: ['defaultNamingContext'] });
      return root?.attributes['defaultnamingcontext']?.[0];
    },
  };
  return { directory, baseDn, close: async () => open?.close() };
}
