/**
 * Reading a group managed service account's password from the directory, and when the DC
 * does not give it, saying why in words:
 *
 * - the connection is not confidential: AD and Samba construct msDS-ManagedPassword only for
 *   a sealed SASL or TLS connection ([MS-ADTS] 3.1.1.4.5.39), so we refuse before asking;
 * - the account is not a gMSA (objectClass msDS-GroupManagedServiceAccount): the attribute
 *   does not exist for it;
 * - the bind account is not among the principals msDS-GroupMSAMembership allows: the DC
 *   silently leaves the attribute out; we name who may read it (gmsa-membership.ts);
 * - the domain has no KDS root key (CN=Master Root Keys,CN=Group Key Distribution Service,
 *   CN=Services in the configuration partition): no managed password can be derived.
 *
 * Works over any Directory (tests use a fake one). The password read is a secret: callers
 * wipe it (wipeManagedPassword).
 */
import { KtError } from '../errors.js';
import { command, option, remedy } from '../remedy.js';
import { requireAccount, rereadAccount } from './account.js';
import type { AccountRecord } from './account.js';
import { parseManagedPassword } from './gmsa-blob.js';
import type { ManagedPassword } from './gmsa-blob.js';
import { parseGmsaMembership, sidToString, WELL_KNOWN_SIDS } from './gmsa-membership.js';
import type { GmsaMembership } from './gmsa-membership.js';
import type { DirEntry, Directory } from './types.js';

const GMSA_CLASS = 'msds-groupmanagedserviceaccount';
const PASSWORD = 'msDS-ManagedPassword';
const MEMBERSHIP = 'msDS-GroupMSAMembership';
/** SIDs every authenticated bind holds without them being in tokenGroups. */
const IMPLICIT_SIDS = ['S-1-1-0', 'S-1-5-11'];

export interface GmsaPassword {
  /** The account as read after the password (AD may update the kvno when the password is read). */
  readonly account: AccountRecord;
  readonly password: ManagedPassword;
}

/** A principal msDS-GroupMSAMembership names, with its name when the directory knows it. */
export interface NamedSid {
  readonly sid: string;
  readonly name: string | undefined;
  readonly kind: string | undefined;
}

/** The sAMAccountName and kind of a SID, through an objectSid search of the domain (AD and Samba take the S-1-... form). */
export async function nameOfSid(dir: Directory, sid: string): Promise<NamedSid> {
  if (WELL_KNOWN_SIDS[sid]) return { sid, name: WELL_KNOWN_SIDS[sid], kind: 'well-known' };
  const [entry] = await dir
    .search({
      base: dir.baseDn,
      scope: 'sub',
      filter: `(objectSid=${sid})`,
      attributes: ['sAMAccountName', 'objectClass'],
      sizeLimit: 1,
    })
    .catch(() => []);
  const classes = (entry?.attributes['objectclass'] ?? []).map((c) => c.toLowerCase());
  const kind = classes.includes('group')
    ? 'group'
    : classes.includes(GMSA_CLASS)
      ? 'gMSA'
      : classes.includes('computer')
        ? 'computer'
        : classes.includes('user')
          ? 'user'
          : undefined;
  return { sid, name: entry?.attributes['samaccountname']?.[0], kind };
}

/** The SIDs of the bind account: its objectSid and tokenGroups (every group, nested ones too). */
export async function sidsOf(dir: Directory, binder: string): Promise<Set<string> | undefined> {
  try {
    const me = await requireAccount(dir, binder);
    const [entry] = await dir.search({
      base: me.dn,
      scope: 'base',
      attributes: ['objectSid', 'tokenGroups'],
      binaryAttributes: ['objectSid', 'tokenGroups'],
    });
    const raw = [
      ...(entry?.binary?.['objectsid'] ?? []),
      ...(entry?.binary?.['tokengroups'] ?? []),
    ];
    if (raw.length === 0) return undefined;
    return new Set([...raw.map((b) => sidToString(b).sid), ...IMPLICIT_SIDS]);
  } catch {
    return undefined;
  }
}

/** How many KDS root keys the bind account can see; undefined when it cannot look. */
export async function rootKeyCount(dir: Directory): Promise<number | undefined> {
  if (dir.configurationDn === undefined) return undefined;
  const base = `CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,${dir.configurationDn}`;
  try {
    return (
      await dir.search({
        base,
        scope: 'one',
        filter: '(objectClass=msKds-ProvRootKey)',
        attributes: ['cn'],
      })
    ).length;
  } catch (err) {
    if (err instanceof KtError && err.code === 'AD_OBJECT_NOT_FOUND') return 0;
    return undefined;
  }
}

function describe(named: readonly NamedSid[]): string {
  return named
    .map((n) => (n.name ? `${n.name} (${n.kind ?? 'object'}, ${n.sid})` : n.sid))
    .join(', ');
}

function notGmsa(account: AccountRecord, classes: readonly string[]): KtError {
  const kind = classes.includes('msds-managedserviceaccount')
    ? 'a standalone managed service account (its password cannot be read)'
    : `a ${account.objectClass} account`;
  return new KtError(
    'GMSA_NOT_GMSA',
    `${account.sAMAccountName} is ${kind}, not a group managed service account (objectClass msDS-GroupManagedServiceAccount)`,
    {
      details: { account: account.sAMAccountName, dn: account.dn },
      remedy:
        account.objectClass === 'user' || account.objectClass === 'computer'
          ? remedy`for an account whose password you set, use "${command`keytab ad setpass ${account.sAMAccountName} ${option('random')} -o KEYTAB`}" or "keytab rotate"`
          : undefined,
    },
  );
}

/** Why the DC left msDS-ManagedPassword out, as an error naming who may read it. */
async function whyAbsent(
  dir: Directory,
  account: AccountRecord,
  entry: DirEntry | undefined,
  binder: string | undefined,
): Promise<KtError> {
  const sd = entry?.binary?.[MEMBERSHIP.toLowerCase()]?.[0];
  const membership: GmsaMembership | undefined = sd ? parseGmsaMembership(sd) : undefined;
  const mine = binder ? await sidsOf(dir, binder) : undefined;
  const who = binder ?? 'the bind account';
  const allowedHere =
    membership && mine
      ? membership.allowed.some((s) => mine.has(s)) && !membership.denied.some((s) => mine.has(s))
      : undefined;
  if (allowedHere !== false) {
    const keys = await rootKeyCount(dir);
    if (keys === 0) {
      return new KtError(
        'GMSA_NO_ROOT_KEY',
        `the domain has no KDS root key, so ${account.sAMAccountName} has no managed password to read`,
        {
          details: { account: account.sAMAccountName },
          hint: 'an administrator creates one: Add-KdsRootKey -EffectiveImmediately (Windows; usable after 10 hours), or samba-tool domain kds root-key create (Samba)',
        },
      );
    }
  }
  const name = account.sAMAccountName;
  const show = `samba-tool service-account group-msa-membership show --name=${name}, or Get-ADServiceAccount ${name.replace(/\$$/, '')} -Properties PrincipalsAllowedToRetrieveManagedPassword`;
  if (!membership) {
    return new KtError(
      'GMSA_NOT_ALLOWED',
      `${who} may not read the password of ${name}, and cannot read who may (msDS-GroupMSAMembership)`,
      {
        details: { account: name },
        hint: `ask an administrator who may (${show}), then bind as one of them or have ${who} added`,
      },
    );
  }
  const allowed = await Promise.all(membership.allowed.map((s) => nameOfSid(dir, s)));
  const list = allowed.length ? describe(allowed) : 'nobody';
  return new KtError(
    'GMSA_NOT_ALLOWED',
    `${who} may not read the password of ${name}: msDS-GroupMSAMembership allows ${list}`,
    {
      details: { account: name, allowed: allowed.map((a) => a.name ?? a.sid) },
      hint: `bind as one of them (or an account in the group), or have an administrator add ${who}: samba-tool service-account group-msa-membership add --name=${name} --principal=ACCOUNT, or Set-ADServiceAccount ${name.replace(/\$$/, '')} -PrincipalsAllowedToRetrieveManagedPassword ...`,
    },
  );
}

/** Checks the connection can carry the password (before the password is asked for). */
export function requireConfidential(dir: Pick<Directory, 'encrypted' | 'url'>): void {
  if (dir.encrypted) return;
  throw new KtError(
    'GMSA_NOT_CONFIDENTIAL',
    `the connection to ${dir.url} is not encrypted: domain controllers send msDS-ManagedPassword only over LDAPS, StartTLS or a sealed Kerberos (SASL GSSAPI) bind`,
    {
      remedy: remedy`use ldaps://DC, ${option('startTls')}, or ${option('auth', 'kerberos')} with ldap://DC`,
    },
  );
}

/**
 * Reads the managed password of a gMSA. `binder`, the bind DN/UPN or Kerberos principal, is
 * used only to explain a refusal.
 */
export async function readGmsaPassword(
  dir: Directory,
  name: string,
  binder?: string,
): Promise<GmsaPassword> {
  requireConfidential(dir);
  const found = await requireAccount(dir, name);
  const [entry] = await dir.search({
    base: found.dn,
    scope: 'base',
    attributes: ['objectClass', PASSWORD, MEMBERSHIP],
    binaryAttributes: [PASSWORD, MEMBERSHIP],
  });
  const classes = (entry?.attributes['objectclass'] ?? []).map((c) => c.toLowerCase());
  if (!classes.includes(GMSA_CLASS)) throw notGmsa(found, classes);
  const blob = entry?.binary?.[PASSWORD.toLowerCase()]?.[0];
  if (!blob) throw await whyAbsent(dir, found, entry, binder);
  const password = parseManagedPassword(blob);
  blob.fill(0);
  // Reading the password can make the DC roll the keys over (and the kvno with them): read the
  // account again, in a new search, as gmsad does.
  const account = await rereadAccount(dir, found);
  return { account, password };
}
