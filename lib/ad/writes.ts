/**
 * Account writes: create, UPN, msDS-SupportedEncryptionTypes, userAccountControl flags and
 * ktpass's /mapuser. Each is planned as data first (`plan*`, pure: what --dry-run prints) and
 * sent by the function of the same name unless `dryRun`. Reads and checks (a free SPN or UPN)
 * happen in a dry run too.
 */
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import { formatPrincipal, formatPrincipalName } from '../principal.js';
import type { Principal } from '../principal.js';
import { findAccount, rereadAccount } from './account.js';
import type { AccountKind, AccountRecord } from './account.js';
import { applyChanges } from './changes.js';
import { childDn, filter, sameDn } from './escape.js';
import { applyFlagChanges, UAC } from './flags.js';
import type { FlagChange } from './flags.js';
import { encodeUnicodePwd } from './password.js';
import { checkSpnsFree, planSpnAdd, validateSpn } from './spn.js';
import type {
  Directory,
  DirectoryChange,
  Modification,
  NewAttribute,
  WriteOptions,
  WriteResult,
} from './types.js';

function modify(dn: string, modifications: readonly Modification[]): DirectoryChange[] {
  return modifications.length === 0 ? [] : [{ kind: 'modify', dn, modifications }];
}

// ---------------------------------------------------------------------------------------
// UPN

/** Owners of a UPN other than `except`. */
export async function findUpnOwners(
  dir: Directory,
  upn: string,
  except?: string,
): Promise<{ dn: string; sAMAccountName: string }[]> {
  const entries = await dir.search({
    base: dir.baseDn,
    filter: filter`(userPrincipalName=${upn})`,
    attributes: ['sAMAccountName'],
  });
  return entries
    .filter((e) => except === undefined || !sameDn(e.dn, except))
    .map((e) => ({ dn: e.dn, sAMAccountName: e.attributes['samaccountname']?.[0] ?? e.dn }));
}

async function checkUpnFree(dir: Directory, upn: string, except?: string): Promise<void> {
  const owners = await findUpnOwners(dir, upn, except);
  const [owner] = owners;
  if (owner) {
    throw new KtError(
      'AD_UPN_DUPLICATE',
      `UPN ${upn} is already used by ${owner.sAMAccountName} (${owner.dn})`,
      {
        hint: `a UPN must be unique: clear it there first ("keytab ad mapuser" sets it), or choose another`,
        details: { upn, owner: owner.dn },
      },
    );
  }
}

/** The change that sets (or, with undefined, removes) the UPN. */
export function planSetUpn(
  account: Pick<AccountRecord, 'dn' | 'userPrincipalName'>,
  upn: string | undefined,
): DirectoryChange[] {
  if (upn === account.userPrincipalName) return [];
  if (upn === undefined)
    return modify(account.dn, [
      { operation: 'delete', attribute: 'userPrincipalName', values: [] },
    ]);
  return modify(account.dn, [
    { operation: 'replace', attribute: 'userPrincipalName', values: [upn] },
  ]);
}

/** Sets or removes the UPN (checking first that no other account has it). */
export async function setUpn(
  dir: Directory,
  account: AccountRecord,
  upn: string | undefined,
  options: WriteOptions = {},
): Promise<WriteResult> {
  if (upn !== undefined) await checkUpnFree(dir, upn, account.dn);
  const changes = planSetUpn(account, upn);
  return { changes, applied: await applyChanges(dir, changes, options) };
}

// ---------------------------------------------------------------------------------------
// msDS-SupportedEncryptionTypes and userAccountControl

/** The change that sets msDS-SupportedEncryptionTypes (undefined = remove it). */
export function planSetSupportedEnctypes(
  account: Pick<AccountRecord, 'dn' | 'msDSSupportedEncryptionTypes'>,
  bits: number | undefined,
): DirectoryChange[] {
  if (bits === account.msDSSupportedEncryptionTypes) return [];
  if (bits === undefined)
    return modify(account.dn, [
      { operation: 'delete', attribute: 'msDS-SupportedEncryptionTypes', values: [] },
    ]);
  return modify(account.dn, [
    {
      operation: 'replace',
      attribute: 'msDS-SupportedEncryptionTypes',
      values: [String(bits >>> 0)],
    },
  ]);
}

export async function setSupportedEnctypes(
  dir: Directory,
  account: AccountRecord,
  bits: number | undefined,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const changes = planSetSupportedEnctypes(account, bits);
  return { changes, applied: await applyChanges(dir, changes, options) };
}

/** The change that applies flag changes to userAccountControl. */
export function planSetFlags(
  account: Pick<AccountRecord, 'dn' | 'userAccountControl'>,
  changes: readonly FlagChange[],
): DirectoryChange[] {
  const next = applyFlagChanges(account.userAccountControl, changes);
  if (next === account.userAccountControl) return [];
  return modify(account.dn, [
    { operation: 'replace', attribute: 'userAccountControl', values: [String(next)] },
  ]);
}

export interface FlagsResult extends WriteResult {
  readonly before: number;
  readonly after: number;
}

/** Turns userAccountControl bits on and off (delegation, dont-expire, no-preauth, disabled, des-only). */
export async function setFlags(
  dir: Directory,
  account: AccountRecord,
  changes: readonly FlagChange[],
  options: WriteOptions = {},
): Promise<FlagsResult> {
  const planned = planSetFlags(account, changes);
  return {
    changes: planned,
    applied: await applyChanges(dir, planned, options),
    before: account.userAccountControl,
    after: applyFlagChanges(account.userAccountControl, changes),
  };
}

// ---------------------------------------------------------------------------------------
// mapuser

export interface MapUserOptions extends WriteOptions {
  /** `add` (the default, as ktpass): add the SPN; `set`: make it the only SPN. */
  readonly mapop?: 'add' | 'set';
  /** Set the UPN to the principal (default true, as ktpass; ktpass -setupn = false). */
  readonly setUpn?: boolean;
}

export interface MapUserResult extends WriteResult {
  readonly spn: string;
  readonly upn: string | undefined;
}

/**
 * What ktpass /mapuser does to the account, in its order: the principal without its realm
 * becomes an SPN (added, or replacing every SPN with mapop set), then the UPN becomes the
 * principal. Both go in one LDAP modify request, which the directory applies atomically.
 */
export function planMapUser(
  account: Pick<AccountRecord, 'dn' | 'servicePrincipalName' | 'userPrincipalName'>,
  principal: Principal,
  options: Pick<MapUserOptions, 'mapop' | 'setUpn'> = {},
): { changes: DirectoryChange[]; spn: string; upn: string | undefined } {
  const spn = validateSpn(formatPrincipalName(principal));
  const upn = options.setUpn === false ? undefined : formatPrincipal(principal);
  const mods: Modification[] = [];
  if (options.mapop === 'set') {
    const same =
      account.servicePrincipalName.length === 1 && account.servicePrincipalName[0] === spn;
    if (!same)
      mods.push({ operation: 'replace', attribute: 'servicePrincipalName', values: [spn] });
  } else {
    const add = planSpnAdd(account, [spn]);
    if (add.added.length)
      mods.push({ operation: 'add', attribute: 'servicePrincipalName', values: add.added });
  }
  if (upn !== undefined && upn !== account.userPrincipalName)
    mods.push({ operation: 'replace', attribute: 'userPrincipalName', values: [upn] });
  return { changes: modify(account.dn, mods), spn, upn };
}

/** ktpass /mapuser: checks the SPN and UPN are free, then maps. */
export async function mapUser(
  dir: Directory,
  account: AccountRecord,
  principal: Principal,
  options: MapUserOptions = {},
): Promise<MapUserResult> {
  const plan = planMapUser(account, principal, options);
  await checkSpnsFree(dir, account, [plan.spn]);
  if (plan.upn !== undefined) await checkUpnFree(dir, plan.upn, account.dn);
  return { ...plan, applied: await applyChanges(dir, plan.changes, options) };
}

// ---------------------------------------------------------------------------------------
// create

export interface NewAccount {
  /** sAMAccountName; a computer's `$` is added when missing. */
  readonly name: string;
  readonly kind: AccountKind;
  /** The container; default CN=Users or CN=Computers under the base DN. */
  readonly ou?: string | undefined;
  readonly upn?: string | undefined;
  readonly spns?: readonly string[] | undefined;
  /** msDS-SupportedEncryptionTypes. */
  readonly enctypes?: number | undefined;
  /** Set after the add, then the account is enabled; without it the account stays disabled. */
  readonly password?: string | undefined;
}

/** Characters a sAMAccountName may not hold (Microsoft's "User-Name" naming rules). */
const SAM_FORBIDDEN = /["/\\[\]:;|=,+*?<>@]/;

export interface CreatePlan {
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly changes: readonly DirectoryChange[];
}

/**
 * The LDAP requests that create an account: an add of a disabled account (a password cannot be
 * relied upon in an add on every AD version), then, with a password, one modify that sets
 * unicodePwd and clears ACCOUNTDISABLE. Pure.
 */
export function planCreateAccount(spec: NewAccount, baseDn: string): CreatePlan {
  const bare = spec.name.trim().replace(/\$$/, '');
  if (
    bare === '' ||
    SAM_FORBIDDEN.test(bare) ||
    /^[. ]+$/.test(bare) ||
    /[\u0000-\u001f]/.test(bare)
  ) {
    throw new KtError('USAGE', `"${spec.name}" cannot be an account name`, {
      hint: 'use letters, digits, "-", "_" and "."; not " / \\ [ ] : ; | = , + * ? < > @',
    });
  }
  if (spec.kind === 'user' && spec.name.trim().endsWith('$')) {
    throw new KtError('USAGE', `"${spec.name}" ends with "$", the mark of a computer account`, {
      remedy: remedy`add ${option('computer')}, or drop the "$"`,
    });
  }
  // sAMAccountName is at most 20 characters; a computer's is its NetBIOS name (15) + "$".
  const max = spec.kind === 'computer' ? 15 : 20;
  if (bare.length > max) {
    throw new KtError(
      'USAGE',
      `"${bare}" is longer than ${max} characters, the limit for a ${spec.kind} sAMAccountName`,
      { hint: 'choose a shorter name; the UPN and SPNs can still be long' },
    );
  }
  const sam = spec.kind === 'computer' ? `${bare}$` : bare;
  const parent = spec.ou ?? `CN=${spec.kind === 'computer' ? 'Computers' : 'Users'},${baseDn}`;
  const dn = childDn('CN', bare, parent);
  const disabled = UAC.ACCOUNTDISABLE;
  const type = spec.kind === 'computer' ? UAC.WORKSTATION_TRUST_ACCOUNT : UAC.NORMAL_ACCOUNT;
  const attributes: NewAttribute[] = [
    {
      attribute: 'objectClass',
      values:
        spec.kind === 'computer'
          ? ['top', 'person', 'organizationalPerson', 'user', 'computer']
          : ['top', 'person', 'organizationalPerson', 'user'],
    },
    { attribute: 'cn', values: [bare] },
    { attribute: 'sAMAccountName', values: [sam] },
    { attribute: 'userAccountControl', values: [String(type | disabled)] },
  ];
  if (spec.upn !== undefined)
    attributes.push({ attribute: 'userPrincipalName', values: [spec.upn] });
  const spns = (spec.spns ?? []).map(validateSpn);
  if (spns.length) attributes.push({ attribute: 'servicePrincipalName', values: dedupeSpns(spns) });
  if (spec.enctypes !== undefined)
    attributes.push({
      attribute: 'msDS-SupportedEncryptionTypes',
      values: [String(spec.enctypes >>> 0)],
    });
  const changes: DirectoryChange[] = [{ kind: 'add', dn, attributes }];
  if (spec.password !== undefined) {
    changes.push({
      kind: 'modify',
      dn,
      modifications: [
        {
          operation: 'replace',
          attribute: 'unicodePwd',
          values: [encodeUnicodePwd(spec.password)],
          secret: true,
        },
        { operation: 'replace', attribute: 'userAccountControl', values: [String(type)] },
      ],
    });
  }
  return { dn, sAMAccountName: sam, changes };
}

function dedupeSpns(spns: readonly string[]): string[] {
  const seen = new Set<string>();
  return spns.filter((s) => !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()));
}

export interface CreateResult extends WriteResult {
  readonly dn: string;
  readonly sAMAccountName: string;
  /** The account as read back (undefined for a dry run). */
  readonly account: AccountRecord | undefined;
}

/**
 * Creates a user or computer account: checks the name, UPN and SPNs are free, adds it
 * disabled, and with a password sets it and enables the account. If the password is refused
 * (policy), the error says the account exists, disabled and without a password.
 */
export async function createAccount(
  dir: Directory,
  spec: NewAccount,
  options: WriteOptions = {},
): Promise<CreateResult> {
  const plan = planCreateAccount(spec, dir.baseDn);
  const existing = await findAccount(dir, { by: 'sam', name: plan.sAMAccountName });
  if (existing && existing.sAMAccountName.toLowerCase() === plan.sAMAccountName.toLowerCase()) {
    throw new KtError(
      'AD_ACCOUNT_EXISTS',
      `an account named ${existing.sAMAccountName} already exists: ${existing.dn}`,
      {
        hint: 'use it as it is (keytab ad show / setpass), or choose another name',
        details: { dn: existing.dn },
      },
    );
  }
  if (spec.upn !== undefined) await checkUpnFree(dir, spec.upn);
  await checkSpnsFree(dir, undefined, spec.spns ?? []);
  if (options.dryRun) return { ...plan, applied: false, account: undefined };
  const [add, password] = plan.changes as [DirectoryChange, DirectoryChange | undefined];
  await dir.apply(add);
  if (password) {
    try {
      await dir.apply(password);
    } catch (err) {
      if (err instanceof KtError) {
        throw new KtError(
          err.code,
          `${err.message}; the account ${plan.dn} was created, disabled and without a password`,
          {
            cause: err,
            details: { ...err.details, dn: plan.dn },
            ...(err.remedy
              ? {
                  remedy: {
                    parts: [
                      ...err.remedy.parts,
                      `; then set one with "keytab ad setpass ${plan.sAMAccountName}"`,
                    ],
                  },
                }
              : {
                  hint: `${err.hint ? `${err.hint}; then ` : ''}set one with "keytab ad setpass ${plan.sAMAccountName}"`,
                }),
          },
        );
      }
      throw err;
    }
  }
  return { ...plan, applied: true, account: await rereadAccount(dir, { dn: plan.dn }) };
}
