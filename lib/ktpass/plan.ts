/**
 * What a ktpass command line will do, worked out before anything is changed: the directory
 * changes, the keys (enctypes, salt, kvno) and the files. Pure: the account's current state is
 * passed in. `--dry-run` prints this plan; the executor carries it out.
 *
 * Where ktpass has a trap, the plan avoids it and says so:
 * - `-setupn` / `-setpass`: ktpass salts the keys from /princ anyway, which gives AES keys AD
 *   will never accept. Here the keys use the salt AD really uses for the account.
 * - AES keys for an account whose msDS-SupportedEncryptionTypes lacks AES: AD would issue RC4
 *   tickets and the AES-only keytab would fail. Here the AES bits are added.
 * - Keys AD will never issue tickets for (RC4 only for an AES account, or for an account that
 *   follows the DC's 2026 default; aes128 only when AD issues aes256): refused before any
 *   change, unless --allow-rc4 makes the account RC4-only (lib/ad/ticket-enctypes.ts).
 * - `/crypto All` includes single DES: dropped unless --allow-weak.
 */
import type { EnctypeInfo } from '../crypto/enctypes.js';
import { resolveEnctype } from '../crypto/enctypes.js';
import { checkEnctypePolicy, KTPASS_ALL, KTPASS_DEFAULT } from '../crypto/policy.js';
import { KtError } from '../errors.js';
import {
  formatPrincipal,
  formatPrincipalName,
  NAME_TYPES,
  nameTypeName,
  parseNameType,
  parsePrincipal,
} from '../principal.js';
import type { Principal } from '../principal.js';
import { defaultSalt, explicitSalt } from '../salt/rules.js';
import type { Salt } from '../salt/rules.js';
import type { KtpassPassword, KtpassRequest } from './request.js';
import { accountSalt } from '../ad/account.js';
import type { AccountRecord } from '../ad/account.js';
import { planTicketEnctypes, ticketMismatchMessage } from '../ad/ticket-enctypes.js';

/** The /mapuser account as read from the directory before anything is changed. */
export type KtpassAccount = AccountRecord;

export type DirectoryStep =
  /** ktpass /mapuser: the SPN added (or made the only one), then the UPN, in one request. */
  | {
      readonly op: 'map';
      readonly spn: string;
      readonly mapop: 'add' | 'set';
      readonly removed: readonly string[];
      readonly upn?: string | undefined;
      readonly previousUpn?: string | undefined;
    }
  | {
      readonly op: 'set-enctypes';
      readonly bits: number;
      readonly previous?: number | undefined;
      readonly why: string;
    }
  | { readonly op: 'desonly'; readonly on: boolean }
  | { readonly op: 'set-password'; readonly random: boolean };

export interface KtpassPlan {
  readonly principal: Principal;
  readonly enctypes: readonly EnctypeInfo[];
  readonly salt: Salt;
  readonly iterations?: number | undefined;
  /** kvno for the keys; with a password reset, the kvno AD is expected to report after it. */
  readonly kvno: number;
  readonly kvnoSource: 'given' | 'default' | 'account' | 'after-reset';
  readonly password?: KtpassPassword | undefined;
  readonly account?: KtpassAccount | undefined;
  readonly directory: readonly DirectoryStep[];
  readonly in?: string | undefined;
  readonly out?: string | undefined;
  /** Lines to print before anything happens (ktpass-style WARNING lines). */
  readonly warnings: readonly string[];
  /** One line each for where we differ from ktpass on purpose. */
  readonly notes: readonly string[];
}

export interface PlanOptions {
  readonly allowWeak: boolean;
  /** RC4-only keys for an account AD would give other tickets: make the account RC4-only. */
  readonly allowRc4?: boolean;
}

function cryptoList(
  spec: string | undefined,
  options: PlanOptions,
  warnings: string[],
): EnctypeInfo[] {
  if (spec === undefined) {
    warnings.push(
      'WARNING: no /crypto given: only an RC4-HMAC-NT key is made, as ktpass does. AES is safer: add /crypto AES256-SHA1 (or All).',
    );
    return [KTPASS_DEFAULT];
  }
  const names = spec
    .split(/[,+]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) {
    throw new KtError('USAGE', `/crypto "${spec}" names no enctype`, {
      hint: 'e.g. /crypto AES256-SHA1, /crypto AES256-SHA1,AES128-SHA1 or /crypto All',
    });
  }
  const ids = names.flatMap((n) =>
    n.toLowerCase() === 'all' ? KTPASS_ALL : [resolveEnctype(n).id],
  );
  const unique = [...new Set(ids)].map((id) => resolveEnctype(id));
  const kept = unique.filter((e) => !e.weak || options.allowWeak);
  const dropped = unique.filter((e) => !kept.includes(e));
  if (dropped.length) {
    warnings.push(
      `WARNING: ${dropped.map((e) => e.ktpassName ?? e.name).join(' and ')} left out: single DES is broken (RFC 6649). Add --allow-weak if an old peer really needs it.`,
    );
  }
  if (kept.length === 0)
    throw new KtError('ENCTYPE_WEAK', `/crypto ${spec}: every requested enctype is weak`, {
      hint: 'use /crypto AES256-SHA1, or add --allow-weak',
    });
  return kept;
}

export function planKtpass(
  req: KtpassRequest,
  account: KtpassAccount | undefined,
  options: PlanOptions,
): KtpassPlan {
  if (req.princ === undefined)
    throw new KtError(
      'USAGE',
      'give the principal with /princ, e.g. /princ HTTP/web.example.com@EXAMPLE.COM',
      { hint: 'run "ktpass /?" for the options' },
    );
  if (req.mapuser !== undefined && account === undefined)
    throw new KtError('INTERNAL', 'ktpass plan: the /mapuser account was not read');
  const warnings: string[] = [];
  const notes: string[] = [];

  let nameType: number;
  if (req.ptype === undefined) {
    nameType = NAME_TYPES.KRB5_NT_UNKNOWN;
    warnings.push(
      'WARNING: no /ptype given: the keytab entries get name type 0 (KRB5_NT_UNKNOWN), as ktpass writes them. Add /ptype KRB5_NT_PRINCIPAL.',
    );
  } else {
    nameType = parseNameType(req.ptype);
  }
  const principal = parsePrincipal(req.princ, {
    nameType,
    ...(account ? { defaultRealm: account.realm } : {}),
  });
  const enctypes = cryptoList(req.crypto, options, warnings);
  const policyWarnings = new Set<string>();
  for (const e of enctypes)
    for (const w of checkEnctypePolicy(e, {
      allowWeak: options.allowWeak,
      iterations: req.itercount,
    }))
      policyWarnings.add(w);
  warnings.push(...[...policyWarnings].map((w) => `WARNING: ${w}`));

  const directory: DirectoryStep[] = [];
  let salt: Salt;
  let kvno: number;
  let kvnoSource: KtpassPlan['kvnoSource'];
  const resetsPassword =
    account !== undefined &&
    req.setpass &&
    !(account.objectClass === 'computer' && req.answer === false);

  if (account === undefined) {
    // Offline: keys only. ktpass salts them from /princ: "Building salt with principalname
    // X and domain REALM", i.e. REALM + the name's components: the RFC 4120 default.
    salt = req.rawsalt !== undefined ? explicitSalt(req.rawsalt) : defaultSalt(principal);
    kvno = req.kvno ?? 1;
    kvnoSource = req.kvno === undefined ? 'default' : 'given';
    if (req.pass === undefined)
      throw new KtError(
        'USAGE',
        "give the password: /pass '*' (asks), --password-file FILE, or /pass +rndpass",
        { hint: 'without /mapuser ktpass only makes keys, and keys need a password' },
      );
  } else {
    if (account.realm.toUpperCase() !== principal.realm.toUpperCase()) {
      warnings.push(
        `WARNING: /princ is in realm ${principal.realm}, the account in ${account.realm}.`,
      );
    }
    // What ktpass /mapuser does, in ktpass's order: SPN, UPN, then the password.
    const spn = formatPrincipalName(principal);
    const upn = formatPrincipal(principal);
    const has = account.servicePrincipalName.some((s) => s.toLowerCase() === spn.toLowerCase());
    const removed =
      req.mapop === 'set'
        ? account.servicePrincipalName.filter((s) => s.toLowerCase() !== spn.toLowerCase())
        : [];
    const setsUpn = req.setupn && account.userPrincipalName !== upn;
    if (!has || removed.length || setsUpn) {
      directory.push({
        op: 'map',
        spn,
        mapop: req.mapop,
        removed,
        upn: setsUpn ? upn : undefined,
        previousUpn: account.userPrincipalName,
      });
    }
    if (req.desonly !== undefined) {
      if (req.desonly && !options.allowWeak)
        throw new KtError(
          'ENCTYPE_WEAK',
          '+desonly makes the account use single DES, which is broken (RFC 6649)',
          { hint: 'leave it out; add --allow-weak only if an old peer really needs it' },
        );
      directory.push({ op: 'desonly', on: req.desonly });
    }
    const tickets = planTicketEnctypes(account.msDSSupportedEncryptionTypes, enctypes, {
      allowRc4: options.allowRc4 === true,
    });
    if (tickets.kind === 'refuse') {
      throw new KtError(
        'AD_ENCTYPE_MISMATCH',
        `${ticketMismatchMessage(tickets.fit, account.sAMAccountName, enctypes, 'the keytab')}. Nothing was changed.`,
        {
          hint: `make AES keys: /crypto AES256-SHA1 (or /crypto All); or keep RC4 and make the account RC4-only with --allow-rc4 (weaker: RC4 tickets are Kerberoastable, and DCs log KDCSVC events 201-209)`,
          details: {
            account: account.sAMAccountName,
            missing: tickets.fit.missing.map((e) => e.name),
          },
        },
      );
    }
    if (tickets.kind === 'set') {
      directory.push({
        op: 'set-enctypes',
        bits: tickets.bits,
        previous: account.msDSSupportedEncryptionTypes,
        why:
          tickets.reason === 'add-aes'
            ? 'without the AES bits in msDS-SupportedEncryptionTypes AD issues RC4 tickets (or, unset, whatever the DC defaults to), and the AES keys would never be used'
            : '--allow-rc4: the keytab holds RC4 keys only, so AD must issue RC4 tickets for the account',
      });
    }
    if (resetsPassword) {
      if (req.pass === undefined)
        throw new KtError(
          'USAGE',
          "give the new password: /pass '*' (asks), --password-file FILE, or /pass +rndpass",
          {
            hint: "or -setpass to keep the account's password (then give it with /pass so the keys match)",
          },
        );
      directory.push({ op: 'set-password', random: req.pass.kind === 'random' });
    } else if (req.pass === undefined || req.pass.kind === 'random') {
      throw new KtError(
        'USAGE',
        `${req.setpass ? '/answer -' : '-setpass'} keeps the account's password: give that password with /pass '*' or --password-file so the keys match it`,
      );
    }

    // The salt AD will use: fixed when the password is set, from the account as it is then.
    const after: KtpassAccount = {
      ...account,
      userPrincipalName: req.setupn ? upn : account.userPrincipalName,
    };
    if (req.rawsalt !== undefined) {
      salt = explicitSalt(req.rawsalt);
    } else if (resetsPassword) {
      salt = accountSalt(after, account.realm);
    } else {
      salt = accountSalt(account, account.realm);
      const ktpassSalt = defaultSalt(principal);
      if (ktpassSalt.text !== salt.text && enctypes.some((e) => e.salted)) {
        notes.push(
          `Using the salt AD really uses for ${account.sAMAccountName} ("${salt.text}"), not one from /princ ("${ktpassSalt.text}") as ktpass would: those keys would not work.`,
        );
      }
    }
    if (!req.setupn && resetsPassword && account.objectClass === 'user') {
      notes.push(
        `-setupn: the UPN stays ${account.userPrincipalName ?? '(none)'}, so AD salts the new keys with "${salt.text}"; the keys here use that salt.`,
      );
    }
    const current = account.msDSKeyVersionNumber ?? 0;
    if (resetsPassword) {
      // AD adds exactly 1 on every reset (measured); the executor confirms it afterwards.
      kvno = current + 1;
      kvnoSource = 'after-reset';
      if (req.kvno !== undefined && req.kvno !== kvno)
        warnings.push(
          `WARNING: /kvno ${req.kvno} is ignored: after the password reset the keys get the kvno AD reports.`,
        );
    } else if (req.kvno !== undefined) {
      kvno = req.kvno;
      kvnoSource = 'given';
      if (req.kvno !== current)
        warnings.push(
          `WARNING: /kvno ${req.kvno} differs from the account's msDS-KeyVersionNumber ${current}: services will reject tickets (they carry kvno ${current}).`,
        );
    } else {
      kvno = current;
      kvnoSource = 'account';
    }
  }

  if (req.out === undefined && account === undefined) {
    throw new KtError(
      'USAGE',
      'nothing to do: give /out FILE for the keytab (and /mapuser ACCOUNT to change the account)',
    );
  }
  return {
    principal,
    enctypes,
    salt,
    iterations: req.itercount,
    kvno,
    kvnoSource,
    password: req.pass,
    account,
    directory,
    in: req.in,
    out: req.out,
    warnings,
    notes,
  };
}

/** The plan in words, for --dry-run. */
export function describePlan(plan: KtpassPlan): string[] {
  const lines: string[] = [];
  if (plan.account) {
    lines.push(
      `Account: ${plan.account.sAMAccountName} (${plan.account.objectClass}, ${plan.account.dn}), kvno ${plan.account.msDSKeyVersionNumber ?? '?'}`,
    );
    if (plan.directory.length === 0) lines.push('  no directory change');
    for (const step of plan.directory) lines.push(`  ${describeStep(step)}`);
  } else {
    lines.push('Offline: no directory change (no /mapuser)');
  }
  const ptype = nameTypeName(plan.principal.nameType) ?? String(plan.principal.nameType);
  lines.push(
    `Keys: ${formatPrincipal(plan.principal)} ptype ${plan.principal.nameType} (${ptype}) kvno ${plan.kvno}${plan.kvnoSource === 'after-reset' ? " (AD's kvno after the reset; confirmed before writing)" : ''}`,
  );
  lines.push(`  enctypes: ${plan.enctypes.map((e) => e.ktpassName ?? e.name).join(', ')}`);
  lines.push(`  salt: "${plan.salt.text}" (${plan.salt.explanation})`);
  if (plan.iterations !== undefined) lines.push(`  iterations: ${plan.iterations}`);
  lines.push(
    `  password: ${plan.password === undefined ? 'none' : plan.password.kind === 'random' ? 'random (never shown)' : plan.password.kind === 'prompt' ? 'asked for' : 'given'}`,
  );
  if (plan.out)
    lines.push(`Keytab: ${plan.in ? `entries of ${plan.in} + ` : ''}the new keys -> ${plan.out}`);
  return lines;
}

function describeStep(step: DirectoryStep): string {
  switch (step.op) {
    case 'map': {
      const spn =
        step.mapop === 'set'
          ? `set servicePrincipalName to ${step.spn}${step.removed.length ? ` (removing ${step.removed.join(', ')})` : ''}`
          : `add servicePrincipalName ${step.spn}`;
      return step.upn
        ? `${spn}; set userPrincipalName ${step.upn}${step.previousUpn ? ` (was ${step.previousUpn})` : ''}`
        : spn;
    }
    case 'set-enctypes':
      return `set msDS-SupportedEncryptionTypes to 0x${step.bits.toString(16)} (was ${step.previous === undefined ? 'unset' : `0x${step.previous.toString(16)}`}): ${step.why}`;
    case 'desonly':
      return `${step.on ? 'set' : 'clear'} "use DES only" (userAccountControl 0x200000)`;
    case 'set-password':
      return `reset the password${step.random ? ' to a random one' : ''} (this changes the kvno)`;
  }
}
