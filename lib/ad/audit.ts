/**
 * The rules of `keytab ad audit`: what is wrong with the Kerberos settings of an account that
 * has SPNs, one table row per finding, each with its severity, the fact it rests on, and the
 * remedy as data (the CLI spells it as a command). Pure: the directory search is in
 * audit-search.ts.
 *
 * Domain controllers (SERVER_TRUST_ACCOUNT, or PARTIAL_SECRETS_ACCOUNT for a read-only DC)
 * always have TRUSTED_FOR_DELEGATION ([MS-ADTS] 6.1.1.2.5 / [MS-SAMR] 3.1.1.8.10): a DC is
 * never reported for UNCONSTRAINED_DELEGATION. DCs and managed service accounts (gMSA, MSA)
 * change their own passwords (every 30 days by default), so they are never reported for
 * PASSWORD_OLD either; everything else applies to them as to any account.
 */
import type { AccountRecord } from './account.js';
import { UAC, UAC_BITS, decodeEnctypeBits, enctypeBit } from './flags.js';
import { groupDuplicateSpns } from './spn.js';
import type { SpnHolder } from './spn.js';

export type Severity = 'error' | 'warning' | 'info';

/** Severities, worst first. */
export const SEVERITIES: readonly Severity[] = Object.freeze(['error', 'warning', 'info']);

export type FindingCode =
  | 'RC4_ONLY'
  | 'DES_ENABLED'
  | 'ENCTYPES_UNSET'
  | 'RC4_ENABLED'
  | 'PASSWORD_OLD'
  | 'PREAUTH_DISABLED'
  | 'UNCONSTRAINED_DELEGATION'
  | 'DUPLICATE_SPN';

/** What an account is, for the rules: DCs and managed accounts are treated apart. */
export type AuditKind = 'user' | 'computer' | 'dc' | 'gmsa' | 'msa';

/** What resolves a finding, as data: the front end turns it into a command. */
export type Remedy =
  /** Write msDS-SupportedEncryptionTypes = value. */
  | { readonly action: 'set-enctypes'; readonly account: string; readonly value: number }
  /** Turn off a flag of ACCOUNT_FLAGS (flags.ts), by its name there. */
  | {
      readonly action: 'clear-flag';
      readonly account: string;
      readonly flag: 'des-only' | 'no-preauth' | 'delegation';
    }
  /** A new password and new keys in the account's keytab. */
  | { readonly action: 'rotate'; readonly account: string }
  /** Find who holds the SPN and keep it on one account only. */
  | { readonly action: 'resolve-duplicate-spn'; readonly account: string; readonly spn: string };

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  readonly remedy: Remedy;
}

export interface AuditSubject {
  readonly account: AccountRecord;
  readonly kind: AuditKind;
}

/** Another holder of an SPN the account holds. */
export interface SpnSharer {
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly enabled: boolean;
}

export interface SharedSpn {
  readonly spn: string;
  readonly others: readonly SpnSharer[];
}

export interface AuditContext {
  readonly now: Date;
  /** PASSWORD_OLD when pwdLastSet is more than this many days before now. */
  readonly maxPasswordAgeDays: number;
  /** The SPNs each account shares with other accounts, by lower-case DN. */
  readonly sharedSpns: ReadonlyMap<string, readonly SharedSpn[]>;
}

export interface AuditRule {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** One line: what the finding means. */
  readonly summary: string;
  /** The fact the rule rests on. */
  readonly fact: string;
  readonly check: (
    subject: AuditSubject,
    ctx: AuditContext,
  ) => readonly { readonly message: string; readonly remedy: Remedy }[];
}

// The bits, from the tables of flags.ts.
const bitOf = (enctype: number): number => enctypeBit(enctype) ?? 0;
export const DES_BITS = bitOf(1) | bitOf(3);
export const RC4_BIT = bitOf(23);
export const AES_BITS = bitOf(17) | bitOf(18);
const ENCTYPE_MASK = DES_BITS | RC4_BIT | AES_BITS;
const uacBit = (name: string): number => UAC_BITS.find((b) => b.name === name)?.bit ?? 0;
const DC_BITS = uacBit('SERVER_TRUST_ACCOUNT') | uacBit('PARTIAL_SECRETS_ACCOUNT');

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const MS_PER_DAY = 86_400_000;

/** The value every enctype finding recommends: AES only, the non-enctype bits (aes-sk, FAST, ...) kept. */
export function aesOnlyValue(value: number | undefined): number {
  return (((value ?? 0) & ~ENCTYPE_MASK) | AES_BITS) >>> 0;
}

/** `0x4 (arcfour-hmac)` */
function enctypesText(value: number): string {
  const names = decodeEnctypeBits(value);
  return `${hex(value)} (${names.length ? names.join(', ') : 'nothing'})`;
}

type ClearableFlag = Extract<Remedy, { action: 'clear-flag' }>['flag'];
type Found = { readonly message: string; readonly remedy: Remedy };
const has = (value: number, bits: number): boolean => (value & bits) !== 0;

/**
 * One rule as data. `enctypes`: a finding when msDS-SupportedEncryptionTypes is set and `when`
 * holds, worded "msDS-SupportedEncryptionTypes is 0x.. (names): <says>", remedied by AES only.
 * `flag`: a finding when a userAccountControl bit is set (except on `exempt` accounts), remedied
 * by clearing the flag. `check`: a rule of its own. A rule's findings come in that order.
 */
interface RuleRow {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly summary: string;
  readonly fact: string;
  readonly enctypes?: { readonly when: (value: number) => boolean; readonly says: string };
  readonly flag?: {
    readonly bit: number;
    readonly clear: ClearableFlag;
    readonly says: string;
    readonly exempt?: AuditKind;
  };
  readonly check?: AuditRule['check'];
}

function enctypeFindings(row: RuleRow, s: AuditSubject): Found[] {
  const v = s.account.msDSSupportedEncryptionTypes;
  if (row.enctypes === undefined || v === undefined || !row.enctypes.when(v)) return [];
  return [
    {
      message: `msDS-SupportedEncryptionTypes is ${enctypesText(v)}: ${row.enctypes.says}`,
      remedy: setEnctypes(s),
    },
  ];
}

function flagFindings(row: RuleRow, s: AuditSubject): Found[] {
  const f = row.flag;
  if (f === undefined || s.kind === f.exempt || !has(s.account.userAccountControl, f.bit))
    return [];
  return [
    {
      message: f.says,
      remedy: { action: 'clear-flag', account: s.account.sAMAccountName, flag: f.clear },
    },
  ];
}

const setEnctypes = (s: AuditSubject): Remedy => ({
  action: 'set-enctypes',
  account: s.account.sAMAccountName,
  value: aesOnlyValue(s.account.msDSSupportedEncryptionTypes),
});

const RULE_ROWS: readonly RuleRow[] = [
  {
    code: 'RC4_ONLY',
    severity: 'error',
    summary: 'msDS-SupportedEncryptionTypes allows RC4 but no AES: tickets can only be RC4',
    fact: 'an explicit msDS-SupportedEncryptionTypes decides the ticket enctype; explicit RC4 still works, but DCs log KDCSVC events 201-209 and the account stays Kerberoastable',
    enctypes: {
      when: (v) => has(v, RC4_BIT) && !has(v, AES_BITS),
      says: 'the DC issues RC4 tickets only (Kerberoastable; DCs log KDCSVC events 201-209)',
    },
  },
  {
    code: 'DES_ENABLED',
    severity: 'error',
    summary: 'DES bits in msDS-SupportedEncryptionTypes, or USE_DES_KEY_ONLY in userAccountControl',
    fact: 'DES (bits 0x1 DES-CBC-CRC, 0x2 DES-CBC-MD5; userAccountControl USE_DES_KEY_ONLY 0x200000) is broken and removed from Windows Server 2025',
    enctypes: {
      when: (v) => has(v, DES_BITS),
      says: 'DES is broken, and Windows Server 2025 DCs no longer issue it',
    },
    flag: {
      bit: UAC.USE_DES_KEY_ONLY,
      clear: 'des-only',
      says: 'userAccountControl has USE_DES_KEY_ONLY: the account asks for DES keys only, which are broken and gone from Windows Server 2025',
    },
  },
  {
    code: 'PREAUTH_DISABLED',
    severity: 'error',
    summary: 'DONT_REQ_PREAUTH: anyone can get an AS-REP to crack offline (AS-REP roasting)',
    fact: 'userAccountControl DONT_REQ_PREAUTH 0x400000: the KDC answers an AS-REQ without pre-authentication, with data encrypted in the account key',
    flag: {
      bit: UAC.DONT_REQUIRE_PREAUTH,
      clear: 'no-preauth',
      says: 'Kerberos pre-authentication is not required (DONT_REQ_PREAUTH): anyone can ask for an AS-REP encrypted with the account key and crack it offline',
    },
  },
  {
    code: 'UNCONSTRAINED_DELEGATION',
    severity: 'error',
    summary: 'TRUSTED_FOR_DELEGATION on an account that is not a DC',
    fact: 'userAccountControl TRUSTED_FOR_DELEGATION 0x80000: the service receives the TGT of every user who authenticates to it; DCs always have it and are not reported',
    flag: {
      bit: UAC.TRUSTED_FOR_DELEGATION,
      clear: 'delegation',
      exempt: 'dc',
      says: 'trusted for unconstrained delegation (TRUSTED_FOR_DELEGATION): the service receives the TGTs of its users, and whoever controls it can act as them; use constrained delegation',
    },
  },
  {
    code: 'DUPLICATE_SPN',
    severity: 'error',
    summary: 'an SPN of the account is registered on another account too',
    fact: 'an SPN must be unique in the forest ([MS-ADTS] 3.1.1.5.1.3); a KDC that finds two owners refuses tickets for it (KDC_ERR_PRINCIPAL_NOT_UNIQUE)',
    check: (s, ctx) =>
      (ctx.sharedSpns.get(s.account.dn.toLowerCase()) ?? []).map((shared) => ({
        message: `${shared.spn} is also registered on ${shared.others.map((o) => `${o.sAMAccountName}${o.enabled ? '' : ' (disabled)'}`).join(', ')}: the KDC cannot tell which key to use; keep it on one account`,
        remedy: {
          action: 'resolve-duplicate-spn',
          account: s.account.sAMAccountName,
          spn: shared.spn,
        },
      })),
  },
  {
    code: 'ENCTYPES_UNSET',
    severity: 'warning',
    summary:
      'no enctype in msDS-SupportedEncryptionTypes: tickets follow the DC default (AES-only since 2026, RC4 before)',
    fact: 'CVE-2026-20833 / KB5073381: for an account without msDS-SupportedEncryptionTypes, DCs with the April 2026 update issue AES-SHA1 tickets only (DefaultDomainSupportedEncTypes 0x18), older DCs RC4; the DC registry value DefaultDomainSupportedEncTypes and KDCSVC events 201-209 tell which',
    check: (s) => {
      const v = s.account.msDSSupportedEncryptionTypes;
      if (v !== undefined && has(v, ENCTYPE_MASK)) return [];
      const what =
        v === undefined
          ? 'msDS-SupportedEncryptionTypes is not set'
          : `msDS-SupportedEncryptionTypes ${enctypesText(v)} names no enctype`;
      return [
        {
          message: `${what}: tickets follow the DC default, AES only on DCs with the April 2026 update (KB5073381), RC4 on older DCs; its keytabs must hold AES keys`,
          remedy: setEnctypes(s),
        },
      ];
    },
  },
  {
    code: 'PASSWORD_OLD',
    severity: 'warning',
    summary: 'pwdLastSet older than the limit (default 365 days), or never set',
    fact: 'pwdLastSet is when the keys last changed; DCs and managed service accounts change their own passwords and are not reported',
    check: (s, ctx) => {
      if (s.kind !== 'user' && s.kind !== 'computer') return [];
      const remedy: Remedy = { action: 'rotate', account: s.account.sAMAccountName };
      const set = s.account.pwdLastSet;
      if (set === undefined)
        return [
          {
            message:
              'pwdLastSet is 0: the password was never set, or must be changed at the next logon',
            remedy,
          },
        ];
      const ageMs = ctx.now.getTime() - set.getTime();
      if (ageMs <= ctx.maxPasswordAgeDays * MS_PER_DAY) return [];
      const days = Math.floor(ageMs / MS_PER_DAY);
      return [
        {
          message: `password last set ${set.toISOString().slice(0, 10)}, ${days} day${days === 1 ? '' : 's'} ago (limit ${ctx.maxPasswordAgeDays})`,
          remedy,
        },
      ];
    },
  },
  {
    code: 'RC4_ENABLED',
    severity: 'info',
    summary: 'msDS-SupportedEncryptionTypes allows RC4 next to AES',
    fact: 'explicit RC4 still works: a client may ask for an RC4 ticket, which keeps the account Kerberoastable',
    enctypes: {
      when: (v) => has(v, RC4_BIT) && has(v, AES_BITS),
      says: 'RC4 tickets can still be asked for (Kerberoastable)',
    },
  },
];

/** The rules, in the order their findings are listed within a severity. */
export const AUDIT_RULES: readonly AuditRule[] = Object.freeze(
  RULE_ROWS.map((row): AuditRule => ({
    code: row.code,
    severity: row.severity,
    summary: row.summary,
    fact: row.fact,
    check: (s, ctx) => [
      ...enctypeFindings(row, s),
      ...flagFindings(row, s),
      ...(row.check ? row.check(s, ctx) : []),
    ],
  })),
);

/** The rule of a code. */
export function auditRule(code: FindingCode): AuditRule {
  return AUDIT_RULES.find((r) => r.code === code) as AuditRule;
}

/** user, computer, dc, gmsa or msa, from objectClass and userAccountControl. */
export function auditKind(
  account: Pick<AccountRecord, 'objectClass' | 'userAccountControl'>,
  objectClasses: readonly string[] = [],
): AuditKind {
  const classes = objectClasses.map((c) => c.toLowerCase());
  if (classes.includes('msds-groupmanagedserviceaccount')) return 'gmsa';
  if (classes.includes('msds-managedserviceaccount')) return 'msa';
  if (has(account.userAccountControl, DC_BITS)) return 'dc';
  return account.objectClass;
}

/** Enabled: ACCOUNTDISABLE (0x2) clear. */
export function isEnabled(account: Pick<AccountRecord, 'userAccountControl'>): boolean {
  return !has(account.userAccountControl, UAC.ACCOUNTDISABLE);
}

/** Who shares which SPN with whom (exact duplicates, case-insensitive), by lower-case DN. */
export function sharedSpnsOf(
  holders: readonly (SpnHolder & { readonly enabled: boolean })[],
): Map<string, SharedSpn[]> {
  const enabled = new Map(holders.map((h) => [h.dn.toLowerCase(), h.enabled]));
  const out = new Map<string, SharedSpn[]>();
  for (const dup of groupDuplicateSpns(holders)) {
    for (const owner of dup.owners) {
      const others = dup.owners
        .filter((o) => o !== owner)
        .map((o) => ({
          dn: o.dn,
          sAMAccountName: o.sAMAccountName,
          enabled: enabled.get(o.dn.toLowerCase()) ?? true,
        }));
      const key = owner.dn.toLowerCase();
      out.set(key, [...(out.get(key) ?? []), { spn: owner.spn, others }]);
    }
  }
  return out;
}

/** The findings of one account, worst first (rule order within a severity). */
export function auditAccount(subject: AuditSubject, ctx: AuditContext): Finding[] {
  const findings = AUDIT_RULES.flatMap((rule) =>
    rule.check(subject, ctx).map((f) => ({
      code: rule.code,
      severity: rule.severity,
      message: f.message,
      remedy: f.remedy,
    })),
  );
  return findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}
