/**
 * The directory for `keytab verify` and `keytab doctor`: the same options (one definition,
 * directoryOptions of the AD commands, less --timeout) and environment variables as `keytab
 * ad`, so Kerberos after kinit with an ldap:// URL works here too. The checks see only the
 * small AccountDirectory view of lib/verify/directory.ts; without a directory they are skipped
 * with a note saying why. How the bind went (or why it failed) comes back as facts for the
 * auth diagnosis. The lookups go through lib/ad (ldapts), read-only.
 */
import type { Argv } from 'yargs';
import {
  ACCOUNT_ATTRIBUTES,
  accountFromEntry,
  findAccount,
  type AccountRecord,
} from '../ad/account.js';
import { DIRECTORY_ENV, type DirectoryConfig } from '../ad/config.js';
import { openDirectory, type LdapDirectory } from '../ad/directory.js';
import { directoryError } from '../ad/errors.js';
import { filter } from '../ad/escape.js';
import type { Directory } from '../ad/types.js';
import { KtError } from '../errors.js';
import { formatPrincipal, formatPrincipalName, type Principal } from '../principal.js';
import type { AccountDirectory, DirectoryAccountView } from '../verify/directory.js';
import type { CliContext } from './context.js';
import { diagnoseDirectoryAuth, type DirectoryAuthFacts } from '../doctor/directory-auth.js';
import type { VerifyCheck } from '../verify/types.js';
import {
  configuredUrl,
  directoryAuthFacts,
  directoryConfig,
  directoryOptions,
  type DirectoryArgs,
} from './directory-options.js';

const ENV = DIRECTORY_ENV;

/** The directory options of verify and doctor: those of `keytab ad` except --timeout (theirs is the KDC's). */
export type VerifyDirectoryArgs = Omit<DirectoryArgs, 'timeout'>;

export function verifyDirectoryOptions<T>(y: Argv<T>): Argv<T & VerifyDirectoryArgs> {
  return directoryOptions(y, { timeout: false });
}

export interface OpenedDirectory {
  readonly directory?: AccountDirectory | undefined;
  /** Why there is no directory, for the SKIP line. */
  readonly note?: string | undefined;
  /** The LDAP base the configuration names (--base-dn / KEYTAB_BASE_DN), if any. */
  readonly baseDn?: string | undefined;
  /** How the bind went, or why it failed (for the auth diagnosis); absent without a directory. */
  readonly auth?: DirectoryAuthFacts | undefined;
  close(): Promise<void>;
}

/** The configured LDAP URL, if any (flag, then environment). */
export const configuredLdapUrl = configuredUrl;

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
export async function accountForPrincipal(
  dir: Directory,
  principal: Principal,
): Promise<DirectoryAccountView | undefined> {
  const byUpn = await findAccount(dir, { by: 'upn', upn: formatPrincipal(principal) });
  if (byUpn) return viewOf(byUpn);
  const name = formatPrincipalName(principal);
  if (principal.components.length > 1) {
    const entries = await dir.search({
      base: dir.baseDn,
      filter: filter`(&(objectClass=user)(servicePrincipalName=${name}))`,
      attributes: ACCOUNT_ATTRIBUTES,
    });
    if (entries.length > 1) {
      throw new KtError(
        'AD_ACCOUNT_AMBIGUOUS',
        `${entries.length} accounts carry the SPN ${name}: ${entries.map((e) => e.dn).join('; ')}`,
        { hint: 'a duplicate SPN: keytab ad spn duplicates' },
      );
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
export async function verifyDirectory(
  ctx: CliContext,
  args: VerifyDirectoryArgs,
): Promise<OpenedDirectory> {
  const url = configuredLdapUrl(ctx, args);
  const baseDn = args['base-dn'] ?? (ctx.env[ENV.baseDn] || undefined);
  if (url === undefined) {
    return {
      note: 'no directory configured: kvno and enctypes are not compared with the account',
      baseDn,
      close: async () => undefined,
    };
  }
  let session: LdapDirectory | undefined;
  let config: DirectoryConfig | undefined;
  let problem: unknown;
  try {
    config = await directoryConfig(ctx, { ...args, timeout: undefined });
    session = await openDirectory(config);
  } catch (e) {
    problem = e instanceof KtError || !(e instanceof Error) ? e : directoryError(e);
  }
  const auth = directoryAuthFacts(url, config, session, problem);
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
      const [root] = await open.search({
        base: '',
        scope: 'base',
        attributes: ['defaultNamingContext'],
      });
      return root?.attributes['defaultnamingcontext']?.[0];
    },
  };
  return { directory, baseDn, auth, close: async () => open?.close() };
}

/**
 * verify's one line about the bind, for its directory section: how it authenticated (method,
 * credential source, ldap/ SPN, layer), or why it could not and the fix.
 */
export function authCheck(facts: DirectoryAuthFacts | undefined): VerifyCheck | undefined {
  if (!facts) return undefined;
  const findings = diagnoseDirectoryAuth(facts);
  const last = findings.at(-1);
  if (!last || last.severity === 'info') return undefined;
  const ok = last.severity === 'ok';
  return {
    check: 'directory',
    status: ok ? 'OK' : 'WARN',
    what: last.what,
    reason: ok && facts.choice ? `${last.why} (${facts.choice.reason})` : last.why,
    ...(last.fix !== undefined ? { fix: last.fix } : {}),
    ...(last.details ? { details: last.details } : {}),
  };
}

/** The checks with the auth line placed before the first directory check (or last, when there is none). */
export function withAuthCheck(
  checks: readonly VerifyCheck[],
  auth: VerifyCheck | undefined,
): VerifyCheck[] {
  if (!auth) return [...checks];
  const at = checks.findIndex((c) => c.check === 'directory');
  return at < 0 ? [...checks, auth] : [...checks.slice(0, at), auth, ...checks.slice(at)];
}
