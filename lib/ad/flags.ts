/**
 * The two bit fields of an AD account that matter for Kerberos, as data: userAccountControl
 * ([MS-ADTS] 2.2.16) and msDS-SupportedEncryptionTypes ([MS-KILE] 2.2.7). Pure.
 */
import { AD_ENCTYPES, enctypeById, isDerivable } from '../crypto/enctypes.js';
import type { EnctypeInfo } from '../crypto/enctypes.js';
import { checkEnctypePolicy, expandEnctypeList } from '../crypto/policy.js';
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';

export interface BitInfo {
  readonly bit: number;
  /** The constant's name in the specification (ADS_UF_* without the prefix, or the [MS-KILE] name). */
  readonly name: string;
  /** What it means, in words. */
  readonly words: string;
}

/**
 * userAccountControl bits, [MS-ADTS] 2.2.16 "userAccountControl Bits" (and [MS-SAMR] 2.2.1.12
 * for USE_AES_KEYS). In bit order.
 */
// prettier-ignore
export const UAC_BITS: readonly BitInfo[] = Object.freeze([
  { bit: 0x1, name: 'SCRIPT', words: 'logon script runs' },
  { bit: 0x2, name: 'ACCOUNTDISABLE', words: 'disabled' },
  { bit: 0x8, name: 'HOMEDIR_REQUIRED', words: 'home folder required' },
  { bit: 0x10, name: 'LOCKOUT', words: 'locked out' },
  { bit: 0x20, name: 'PASSWD_NOTREQD', words: 'password not required' },
  { bit: 0x40, name: 'PASSWD_CANT_CHANGE', words: 'user cannot change password' },
  { bit: 0x80, name: 'ENCRYPTED_TEXT_PWD_ALLOWED', words: 'reversible password encryption' },
  { bit: 0x100, name: 'TEMP_DUPLICATE_ACCOUNT', words: 'temporary duplicate account' },
  { bit: 0x200, name: 'NORMAL_ACCOUNT', words: 'normal account' },
  { bit: 0x800, name: 'INTERDOMAIN_TRUST_ACCOUNT', words: 'interdomain trust account' },
  { bit: 0x1000, name: 'WORKSTATION_TRUST_ACCOUNT', words: 'computer (workstation trust) account' },
  { bit: 0x2000, name: 'SERVER_TRUST_ACCOUNT', words: 'domain controller account' },
  { bit: 0x10000, name: 'DONT_EXPIRE_PASSWD', words: 'password never expires' },
  { bit: 0x20000, name: 'MNS_LOGON_ACCOUNT', words: 'MNS logon account' },
  { bit: 0x40000, name: 'SMARTCARD_REQUIRED', words: 'smart card required' },
  { bit: 0x80000, name: 'TRUSTED_FOR_DELEGATION', words: 'trusted for delegation (unconstrained)' },
  { bit: 0x100000, name: 'NOT_DELEGATED', words: 'sensitive, cannot be delegated' },
  { bit: 0x200000, name: 'USE_DES_KEY_ONLY', words: 'DES keys only' },
  { bit: 0x400000, name: 'DONT_REQUIRE_PREAUTH', words: 'no Kerberos pre-authentication' },
  { bit: 0x800000, name: 'PASSWORD_EXPIRED', words: 'password expired' },
  { bit: 0x1000000, name: 'TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION', words: 'trusted to authenticate for delegation (protocol transition)' },
  { bit: 0x2000000, name: 'NO_AUTH_DATA_REQUIRED', words: 'no PAC required' },
  { bit: 0x4000000, name: 'PARTIAL_SECRETS_ACCOUNT', words: 'read-only domain controller account' },
  { bit: 0x8000000, name: 'USE_AES_KEYS', words: 'use AES keys' },
]);

/** userAccountControl values the toolkit writes. */
export const UAC = Object.freeze({
  ACCOUNTDISABLE: 0x2,
  NORMAL_ACCOUNT: 0x200,
  WORKSTATION_TRUST_ACCOUNT: 0x1000,
  DONT_EXPIRE_PASSWD: 0x10000,
  TRUSTED_FOR_DELEGATION: 0x80000,
  USE_DES_KEY_ONLY: 0x200000,
  DONT_REQUIRE_PREAUTH: 0x400000,
} as const);

export interface EnctypeBitInfo extends BitInfo {
  /** The enctype this bit allows, for the five key types. */
  readonly enctype?: number;
}

/**
 * msDS-SupportedEncryptionTypes bits, [MS-KILE] 2.2.7 "Supported Encryption Types Bit Flags"
 * (A..E are enctypes; F..I are KDC features; J, 0x20, asks for AES session keys). Without the
 * attribute the DC's default decides: AES since the April 2026 update, RC4 before it and on
 * Samba (lib/ad/ticket-enctypes.ts).
 */
// prettier-ignore
export const ENCTYPE_BITS: readonly EnctypeBitInfo[] = Object.freeze([
  // A..E: the enctype table's `adBit`s (lib/crypto/enctypes.ts), in bit order.
  ...AD_ENCTYPES.map((e) => ({ bit: e.adBit, name: e.adName, words: e.name, enctype: e.id })),
  { bit: 0x20, name: 'AES256-CTS-HMAC-SHA1-96-SK', words: 'AES session keys' },
  { bit: 0x10000, name: 'FAST-supported', words: 'FAST supported' },
  { bit: 0x20000, name: 'Compound-identity-supported', words: 'compound identity supported' },
  { bit: 0x40000, name: 'Claims-supported', words: 'claims supported' },
  { bit: 0x80000, name: 'Resource-SID-compression-disabled', words: 'resource SID compression disabled' },
]);

/** Names accepted by `ad enctypes` for the bits that are not enctypes. */
const FEATURE_WORDS: Readonly<Record<string, number>> = Object.freeze({
  'aes-sk': 0x20,
  'aes256-sk': 0x20,
  fast: 0x10000,
  'compound-identity': 0x20000,
  claims: 0x40000,
  'resource-sid-compression-disabled': 0x80000,
});

function decodeBits<T extends BitInfo>(
  value: number,
  table: readonly T[],
): { known: T[]; unknown: number } {
  const known = table.filter((b) => (value & b.bit) !== 0);
  const covered = known.reduce((m, b) => m | b.bit, 0);
  return { known, unknown: (value & ~covered) >>> 0 };
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** userAccountControl as words: `['disabled', 'normal account']`; unknown bits as hex. */
export function decodeUac(value: number): string[] {
  const { known, unknown } = decodeBits(value, UAC_BITS);
  return [...known.map((b) => b.words), ...(unknown ? [`unknown bits ${hex(unknown)}`] : [])];
}

/** userAccountControl as the specification's constant names. */
export function uacFlagNames(value: number): string[] {
  const { known, unknown } = decodeBits(value, UAC_BITS);
  return [...known.map((b) => b.name), ...(unknown ? [hex(unknown)] : [])];
}

/** msDS-SupportedEncryptionTypes as names: enctypes by their MIT names, features in words. */
export function decodeEnctypeBits(value: number): string[] {
  const { known, unknown } = decodeBits(value, ENCTYPE_BITS);
  return [...known.map((b) => b.words), ...(unknown ? [`unknown bits ${hex(unknown)}`] : [])];
}

/** The bits of msDS-SupportedEncryptionTypes that are enctypes (0x1f); the others are KDC features. */
export const ENCTYPE_BIT_MASK = AD_ENCTYPES.reduce((m, e) => m | e.adBit, 0);

/** The enctypes msDS-SupportedEncryptionTypes allows, strongest first (aes256, aes128, rc4, DES): higher bits first. */
export function enctypesOfBits(value: number): EnctypeInfo[] {
  return [...AD_ENCTYPES].reverse().filter((e) => (value & e.adBit) !== 0);
}

/** The bit of an enctype, or undefined when AD has none for it (AES-SHA2, Camellia, DES3). */
export function enctypeBit(enctype: number): number | undefined {
  return enctypeById(enctype)?.adBit;
}

export interface EnctypeBitsSpec {
  /** The value to write; undefined = remove the attribute (the account's default). */
  readonly value: number | undefined;
  /** Policy warnings (RC4 is deprecated, ...). */
  readonly warnings: readonly string[];
}

/**
 * Parses an `ad enctypes` list: enctype names or numbers as elsewhere in the toolkit (`aes256`,
 * `aes128-cts-hmac-sha1-96`, `rc4`, `18`, the group `ad`), feature words (`aes-sk`, `fast`,
 * `claims`, `compound-identity`, `resource-sid-compression-disabled`), a raw mask (`0x18`), or
 * `default` alone (remove the attribute). Single DES needs allowWeak, as everywhere.
 */
export function parseEnctypeBits(
  spec: string,
  options: { allowWeak?: boolean } = {},
): EnctypeBitsSpec {
  const tokens = spec.split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.length === 0)
    throw new KtError(
      'USAGE',
      'give the enctypes, e.g. aes256,aes128 (or "default" to remove the setting)',
    );
  if (tokens.length === 1 && tokens[0]?.toLowerCase() === 'default')
    return { value: undefined, warnings: [] };
  let value = 0;
  const warnings = new Set<string>();
  for (const token of tokens) {
    const lower = token.toLowerCase();
    if (/^0x[0-9a-f]+$/.test(lower)) {
      const mask = parseInt(lower, 16);
      if (mask > 0xffffffff)
        throw new KtError('USAGE', `${token}: msDS-SupportedEncryptionTypes is a 32-bit value`);
      value |= mask;
      continue;
    }
    const feature = FEATURE_WORDS[lower];
    if (feature !== undefined) {
      value |= feature;
      continue;
    }
    for (const info of expandEnctypeList(token)) {
      const bit = enctypeBit(info.id);
      if (bit === undefined) {
        throw new KtError(
          'USAGE',
          `${info.name}: Active Directory has no msDS-SupportedEncryptionTypes bit for it`,
          {
            hint: 'AD knows aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, arcfour-hmac, des-cbc-md5 and des-cbc-crc',
          },
        );
      }
      if (info.weak && !options.allowWeak) {
        throw new KtError('ENCTYPE_WEAK', `${info.name} is weak: ${info.policyNote ?? 'refused'}`, {
          remedy: remedy`leave it out; ${option('allowWeak')} if an old peer really needs it`,
        });
      }
      for (const w of checkEnctypePolicy(info, { allowWeak: options.allowWeak === true }))
        warnings.add(w);
      value |= bit;
    }
  }
  return { value: value >>> 0, warnings: [...warnings] };
}

/** The derivable enctypes to make keys for, from an account's msDS-SupportedEncryptionTypes (DES left out). */
export function keyEnctypesOfBits(value: number | undefined): EnctypeInfo[] {
  return enctypesOfBits(value ?? 0).filter((e) => isDerivable(e) && !e.weak);
}

/** A flag `ad flags` can turn on or off. */
export interface AccountFlag {
  readonly name: string;
  readonly bit: number;
  readonly words: string;
}

/** The flags of `keytab ad flags`, by the names users type. */
// prettier-ignore
export const ACCOUNT_FLAGS: readonly AccountFlag[] = Object.freeze([
  { name: 'delegation', bit: UAC.TRUSTED_FOR_DELEGATION, words: 'trusted for delegation ("Trust this computer for delegation")' },
  { name: 'dont-expire', bit: UAC.DONT_EXPIRE_PASSWD, words: 'password never expires' },
  { name: 'no-preauth', bit: UAC.DONT_REQUIRE_PREAUTH, words: 'Kerberos pre-authentication not required' },
  { name: 'disabled', bit: UAC.ACCOUNTDISABLE, words: 'account disabled' },
  { name: 'des-only', bit: UAC.USE_DES_KEY_ONLY, words: 'use DES keys only' },
]);

export interface FlagChange {
  readonly flag: AccountFlag;
  readonly on: boolean;
}

/**
 * Parses `+delegation -disabled dont-expire` (a bare name means `+`). `~name` and `!name` are
 * accepted for `-name`, for shells and parsers that take `-name` for an option.
 */
export function parseFlagChanges(tokens: readonly string[]): FlagChange[] {
  if (tokens.length === 0)
    throw new KtError(
      'USAGE',
      `give the flags to change, e.g. +dont-expire -disabled (flags: ${ACCOUNT_FLAGS.map((f) => f.name).join(', ')})`,
    );
  const seen = new Map<string, boolean>();
  return tokens.map((token) => {
    const m = /^([+\-~!]?)(.+)$/.exec(token.trim());
    const name = (m?.[2] ?? '').toLowerCase();
    const flag = ACCOUNT_FLAGS.find((f) => f.name === name);
    if (!flag)
      throw new KtError('USAGE', `unknown flag "${token}"`, {
        hint: `use +NAME or -NAME with NAME one of ${ACCOUNT_FLAGS.map((f) => f.name).join(', ')}`,
      });
    const on = m?.[1] === '' || m?.[1] === '+';
    if (seen.has(flag.name) && seen.get(flag.name) !== on)
      throw new KtError('USAGE', `flag ${flag.name} is both set and cleared`);
    seen.set(flag.name, on);
    return { flag, on };
  });
}

/** The userAccountControl value after the changes. */
export function applyFlagChanges(uac: number, changes: readonly FlagChange[]): number {
  let out = uac;
  for (const c of changes) out = c.on ? out | c.flag.bit : out & ~c.flag.bit;
  return out >>> 0;
}
