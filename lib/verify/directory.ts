/**
 * What `keytab verify` and `keytab doctor` need from a directory (Active Directory or Samba):
 * the account behind a principal, with the attributes that decide whether a keytab fits it.
 * The checks depend on this small view only; lib/cli/directory.ts fills it from lib/ad, and
 * tests fill it with plain objects.
 */
import { AD_ENCTYPES } from '../crypto/enctypes.js';
import type { Principal } from '../principal.js';

/** The attributes of an account that a keytab must agree with. */
export interface DirectoryAccountView {
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly userPrincipalName?: string | undefined;
  readonly servicePrincipalNames: readonly string[];
  /** msDS-KeyVersionNumber: the kvno of the account's current keys (service tickets carry it). */
  readonly keyVersionNumber?: number | undefined;
  /**
   * msDS-SupportedEncryptionTypes, undefined when the attribute is not set (then AD issues
   * RC4 service tickets for the account).
   */
  readonly supportedEncryptionTypes?: number | undefined;
  readonly userAccountControl?: number | undefined;
}

/** A directory to look accounts up in. */
export interface AccountDirectory {
  /** How to name it in messages: `ldaps://dc1.example.com:636`. */
  readonly description: string;
  /** The account a principal belongs to (by UPN, SPN or sAMAccountName), or undefined. */
  findAccount(principal: Principal): Promise<DirectoryAccountView | undefined>;
  /** The DC's defaultNamingContext (its RootDSE), when the directory can say. */
  namingContext?(): Promise<string | undefined>;
}

/**
 * msDS-SupportedEncryptionTypes bits ([MS-KILE] 2.2.7) and the enctypes they allow. Bits
 * above 0x1f (FAST, compound identity, claims, AES session keys) are not enctypes.
 */
export const SUPPORTED_ENCTYPE_BITS: readonly {
  readonly bit: number;
  readonly enctype: number;
  readonly name: string;
}[] = Object.freeze(AD_ENCTYPES.map((e) => ({ bit: e.adBit, enctype: e.id, name: e.adName })));

/** The enctype numbers an msDS-SupportedEncryptionTypes value allows. */
export function enctypesOfSupportedBits(value: number): number[] {
  return SUPPORTED_ENCTYPE_BITS.filter((b) => (value & b.bit) !== 0).map((b) => b.enctype);
}

/** `0x18 (AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96)`. */
export function describeSupportedBits(value: number): string {
  const names = SUPPORTED_ENCTYPE_BITS.filter((b) => (value & b.bit) !== 0).map((b) => b.name);
  return `0x${value.toString(16)} (${names.join(', ') || 'no enctype bits'})`;
}

/**
 * The LDAP search base of an AD domain: one `dc=` per DNS label, `ad.example.com` ->
 * `dc=ad,dc=example,dc=com` (the domain's defaultNamingContext).
 */
export function baseDnForDomain(domain: string): string {
  return domain
    .toLowerCase()
    .replace(/^\.+|\.+$/g, '')
    .split('.')
    .filter((l) => l !== '')
    .map((l) => `dc=${l}`)
    .join(',');
}
