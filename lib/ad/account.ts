/**
 * AD accounts: finding one by sAMAccountName, UPN or DN, reading it into an AccountRecord, and
 * the salt AD uses for its keys. The writes are in writes.ts.
 */
import { KtError } from '../errors.js';
import { adComputerSalt, adUpnSalt, adUserSalt } from '../salt/rules.js';
import type { Salt } from '../salt/rules.js';
import { filter, looksLikeDn, orFilter, realmOfDn } from './escape.js';
import { checkDomain } from './domain-names.js';
import type { DirEntry, Directory } from './types.js';

export type AccountKind = 'user' | 'computer';

export interface AccountRecord {
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly userPrincipalName?: string | undefined;
  readonly servicePrincipalName: readonly string[];
  /** msDS-KeyVersionNumber: the kvno of the account's current keys (undefined if not readable). */
  readonly msDSKeyVersionNumber: number | undefined;
  /** msDS-SupportedEncryptionTypes, undefined when not set. */
  readonly msDSSupportedEncryptionTypes?: number | undefined;
  readonly userAccountControl: number;
  /** When the password was last set; undefined for 0 ("never", or "must change at next logon"). */
  readonly pwdLastSet: Date | undefined;
  /** 'computer' when objectClass includes computer, else 'user'. */
  readonly objectClass: AccountKind;
  /** dNSHostName (computers). */
  readonly dnsHostName?: string | undefined;
  /** The realm of the account's domain, from the DC= parts of its DN. */
  readonly realm: string;
}

/** The attributes an AccountRecord is read from. */
export const ACCOUNT_ATTRIBUTES: readonly string[] = Object.freeze([
  'sAMAccountName',
  'userPrincipalName',
  'servicePrincipalName',
  'msDS-KeyVersionNumber',
  'msDS-SupportedEncryptionTypes',
  'userAccountControl',
  'pwdLastSet',
  'objectClass',
  'dNSHostName',
]);

/** How an account was named on the command line. */
export type AccountId =
  | { readonly by: 'dn'; readonly dn: string }
  | { readonly by: 'upn'; readonly upn: string }
  /** `domain` is the DOMAIN of DOMAIN\name (NetBIOS or DNS name), checked against the directory. */
  | { readonly by: 'sam'; readonly name: string; readonly domain?: string };

/**
 * A DN (`CN=...`), a UPN (contains `@`: sAMAccountName cannot), a down-level logon name
 * `DOMAIN\name` (sAMAccountName cannot contain `\` either), or a sAMAccountName (with or
 * without the `$` of a computer account).
 */
export function parseAccountId(text: string): AccountId {
  const t = text.trim();
  if (t === '')
    throw new KtError(
      'USAGE',
      'give the account: a sAMAccountName (svc-web, WEB$), a UPN (svc-web@example.com) or a DN',
    );
  if (looksLikeDn(t)) return { by: 'dn', dn: t };
  if (t.includes('@')) return { by: 'upn', upn: t };
  const slash = t.indexOf('\\');
  if (slash >= 0) {
    const domain = t.slice(0, slash);
    const name = t.slice(slash + 1);
    if (domain === '' || name === '' || name.includes('\\'))
      throw new KtError(
        'USAGE',
        `${t}: write a down-level name as DOMAIN\\account, e.g. EXAMPLE\\svc-web`,
      );
    return { by: 'sam', name, domain };
  }
  return { by: 'sam', name: t };
}

const ACCOUNT_CLASS = '(objectClass=user)';

/** The search for an account id (escaped), and its base and scope. */
export function accountQuery(
  id: AccountId,
  baseDn: string,
): { base: string; scope: 'base' | 'sub'; filter: string } {
  if (id.by === 'dn') return { base: id.dn, scope: 'base', filter: ACCOUNT_CLASS };
  if (id.by === 'upn')
    return {
      base: baseDn,
      scope: 'sub',
      filter: `(&${ACCOUNT_CLASS}${filter`(userPrincipalName=${id.upn})`})`,
    };
  const names = id.name.endsWith('$') ? [id.name] : [id.name, `${id.name}$`];
  return {
    base: baseDn,
    scope: 'sub',
    filter: `(&${ACCOUNT_CLASS}${orFilter(names.map((n) => filter`(sAMAccountName=${n})`))})`,
  };
}

/** 100-ns intervals since 1601-01-01 (Windows FILETIME) as a Date; 0 and "never" as undefined. */
export function fileTimeToDate(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const ft = BigInt(value);
  if (ft === 0n || ft >= 0x7fffffffffffffffn) return undefined;
  const EPOCH_DIFF = 116444736000000000n; // 1601 -> 1970 in 100 ns
  return new Date(Number((ft - EPOCH_DIFF) / 10000n));
}

function intOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number(text) >>> 0;
}

/** Builds an AccountRecord from a directory entry. */
export function accountFromEntry(entry: DirEntry, fallbackRealm?: string): AccountRecord {
  const a = entry.attributes;
  const first = (name: string): string | undefined => a[name.toLowerCase()]?.[0];
  const classes = (a['objectclass'] ?? []).map((c) => c.toLowerCase());
  const sam = first('sAMAccountName');
  if (sam === undefined)
    throw new KtError(
      'AD_REFUSED',
      `${entry.dn} has no sAMAccountName: not an account, or not readable by the bind account`,
    );
  const realm = realmOfDn(entry.dn) ?? fallbackRealm;
  if (realm === undefined)
    throw new KtError('AD_REFUSED', `cannot tell the realm of ${entry.dn} (no DC= parts)`);
  return {
    dn: entry.dn,
    sAMAccountName: sam,
    userPrincipalName: first('userPrincipalName'),
    servicePrincipalName: [...(a['serviceprincipalname'] ?? [])],
    msDSKeyVersionNumber: intOf(first('msDS-KeyVersionNumber')),
    msDSSupportedEncryptionTypes: intOf(first('msDS-SupportedEncryptionTypes')),
    userAccountControl: intOf(first('userAccountControl')) ?? 0,
    pwdLastSet: fileTimeToDate(first('pwdLastSet')),
    objectClass: classes.includes('computer') ? 'computer' : 'user',
    dnsHostName: first('dNSHostName'),
    realm,
  };
}

/** The account, or undefined when there is none. Two matches are AD_ACCOUNT_AMBIGUOUS. */
export async function findAccount(
  dir: Directory,
  name: string | AccountId,
): Promise<AccountRecord | undefined> {
  const id = typeof name === 'string' ? parseAccountId(name) : name;
  if (id.by === 'sam' && id.domain !== undefined) await checkDomain(dir, id.domain, id.name);
  const q = accountQuery(id, dir.baseDn);
  let entries: DirEntry[];
  try {
    entries = await dir.search({
      base: q.base,
      scope: q.scope,
      filter: q.filter,
      attributes: ACCOUNT_ATTRIBUTES,
    });
  } catch (err) {
    if (err instanceof KtError && err.code === 'AD_OBJECT_NOT_FOUND' && id.by === 'dn')
      return undefined;
    throw err;
  }
  if (id.by === 'sam' && entries.length > 1) {
    // "web" may name the user web and the computer web$: the exact name wins.
    const exact = entries.filter(
      (e) => e.attributes['samaccountname']?.[0]?.toLowerCase() === id.name.toLowerCase(),
    );
    if (exact.length === 1) entries = exact;
  }
  if (entries.length > 1) {
    throw new KtError(
      'AD_ACCOUNT_AMBIGUOUS',
      `"${describeId(id)}" matches ${entries.length} accounts: ${entries.map((e) => e.dn).join('; ')}`,
      {
        hint: 'name the account by its DN',
        details: { matches: entries.map((e) => e.dn) },
      },
    );
  }
  const [entry] = entries;
  if (entry === undefined && id.by === 'upn') {
    // The implicit UPN, sAMAccountName@dns.domain, names an account without an explicit one
    // (AD accepts it in a bind the same way).
    const at = id.upn.lastIndexOf('@');
    const domain = realmOfDn(dir.baseDn);
    if (
      at > 0 &&
      domain !== undefined &&
      id.upn.slice(at + 1).toUpperCase() === domain &&
      !id.upn.slice(0, at).includes('/')
    ) {
      return findAccount(dir, { by: 'sam', name: id.upn.slice(0, at) });
    }
  }
  return entry === undefined ? undefined : accountFromEntry(entry, realmOfDn(dir.baseDn));
}

function describeId(id: AccountId): string {
  return id.by === 'dn' ? id.dn : id.by === 'upn' ? id.upn : id.name;
}

/** The account, or AD_ACCOUNT_NOT_FOUND naming where it was looked for. */
export async function requireAccount(
  dir: Directory,
  name: string | AccountId,
): Promise<AccountRecord> {
  const id = typeof name === 'string' ? parseAccountId(name) : name;
  const found = await findAccount(dir, id);
  if (found) return found;
  const how =
    id.by === 'dn'
      ? 'DN'
      : id.by === 'upn'
        ? 'userPrincipalName'
        : id.name.endsWith('$')
          ? 'sAMAccountName'
          : 'sAMAccountName (with or without $)';
  throw new KtError(
    'AD_ACCOUNT_NOT_FOUND',
    `no account with ${how} ${describeId(id)} under ${dir.baseDn} in ${dir.url}`,
    {
      hint:
        id.by === 'sam'
          ? 'check the name (the pre-Windows 2000 logon name), or give a UPN or DN; create it with "keytab ad create"'
          : 'check the spelling, or give the sAMAccountName',
      details: { account: describeId(id), baseDn: dir.baseDn },
    },
  );
}

/** Reads the account again (after a change) by its DN. */
export async function rereadAccount(
  dir: Directory,
  account: Pick<AccountRecord, 'dn'>,
): Promise<AccountRecord> {
  return requireAccount(dir, { by: 'dn', dn: account.dn });
}

/** The salt AD uses for an account's keys, and the caveat that goes with it. */
export interface AccountSalt extends Salt {
  readonly caveat: string;
}

/**
 * The salt AD derives the account's AES keys with, by [MS-KILE] 3.1.1.2: computer accounts
 * use REALM + "host" + lower(name) + "." + lower(realm); user accounts use REALM + the UPN's
 * name part when a UPN is set, else REALM + sAMAccountName (measured on Samba; see
 * lib/salt/rules.ts). AD fixes the salt when the password is set, so this is the salt of the
 * current keys only if the UPN and name have not changed since pwdLastSet.
 */
export function accountSalt(
  record: Pick<
    AccountRecord,
    'objectClass' | 'sAMAccountName' | 'userPrincipalName' | 'pwdLastSet'
  >,
  realm: string,
): AccountSalt {
  const salt =
    record.objectClass === 'computer'
      ? adComputerSalt(realm, record.sAMAccountName)
      : record.userPrincipalName
        ? adUpnSalt(realm, record.userPrincipalName)
        : adUserSalt(realm, record.sAMAccountName);
  const when = record.pwdLastSet ? ` (${record.pwdLastSet.toISOString()})` : '';
  const caveat = `AD fixed the salt of the current keys when the password was last set${when}: if the ${record.objectClass === 'computer' ? 'account name' : 'UPN or account name'} changed since, the keys still use the old salt until the next password set`;
  return { ...salt, caveat };
}

/** AD's next kvno after one password set: msDS-KeyVersionNumber + 1 (measured on Samba; Windows alike). */
export function nextKvno(record: Pick<AccountRecord, 'msDSKeyVersionNumber' | 'dn'>): number {
  if (record.msDSKeyVersionNumber === undefined) {
    throw new KtError('AD_REFUSED', `msDS-KeyVersionNumber of ${record.dn} is not readable`, {
      hint: 'the bind account needs read access to the account',
    });
  }
  return record.msDSKeyVersionNumber + 1;
}
