/**
 * Salt rules: which salt a KDC used when it made an account's keys from its password.
 * A key made with any other salt is silently wrong (kinit says "Preauthentication failed", the
 * same words as for a wrong password), so each rule below names its source.
 */
import { fromHex, utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import type { Principal } from '../principal.js';

export type SaltRuleName = 'rfc4120' | 'explicit' | 'ad-user' | 'ad-upn' | 'ad-computer';

export interface Salt {
  readonly rule: SaltRuleName;
  /** The salt handed to string-to-key. */
  readonly bytes: Uint8Array;
  /** The salt as text (lossy only for an explicit hex salt that is not UTF-8). */
  readonly text: string;
  /** One line saying where the salt comes from, for `keytab salt` and `--dry-run` output. */
  readonly explanation: string;
}

function make(rule: SaltRuleName, text: string, explanation: string): Salt {
  return { rule, bytes: utf8(text), text, explanation };
}

/**
 * RFC 4120 section 4 ("the default salt string ... is the concatenation of the principal's
 * realm and name components, in order, with no separators"); what MIT and Heimdal use.
 * HTTP/web.example.com@EXAMPLE.COM -> "EXAMPLE.COMHTTPweb.example.com".
 */
export function defaultSalt(principal: Pick<Principal, 'components' | 'realm'>): Salt {
  return make(
    'rfc4120',
    principal.realm + principal.components.join(''),
    'RFC 4120 default: realm + name components, no separators',
  );
}

/** A salt given as text (MIT ktutil addent -s). */
export function explicitSalt(text: string): Salt {
  return make('explicit', text, 'given explicitly');
}

/** A salt given as hex, for salts that are not text. */
export function explicitSaltHex(hex: string): Salt {
  const bytes = fromHex(hex, 'salt hex');
  return {
    rule: 'explicit',
    bytes,
    text: new TextDecoder().decode(bytes),
    explanation: 'given explicitly (hex)',
  };
}

function adRealm(realm: string): string {
  if (realm === '')
    throw new KtError(
      'SALT_INVALID',
      'an Active Directory salt needs the realm (the domain in upper case)',
    );
  return realm.toUpperCase();
}

/**
 * [MS-KILE] 3.1.1.2: "For user accounts ... the salt is the uppercase realm name concatenated
 * with the case-sensitive user name" (the sAMAccountName as stored), when the account has no
 * userPrincipalName. EXAMPLE.TEST + svc-web -> "EXAMPLE.TESTsvc-web".
 */
export function adUserSalt(realm: string, samAccountName: string): Salt {
  if (samAccountName === '')
    throw new KtError('SALT_INVALID', 'the AD user salt needs the account name (sAMAccountName)');
  return make(
    'ad-user',
    adRealm(realm) + samAccountName,
    'Active Directory user without UPN ([MS-KILE] 3.1.1.2): REALM + sAMAccountName',
  );
}

/**
 * An AD user account that had a userPrincipalName when its password was set: the uppercase
 * realm + the UPN's part before "@" with its "/" separators removed, case kept; the UPN's
 * suffix is ignored (measured on Samba, matching Windows). A UPN of
 * HTTP/web.example.test@EXAMPLE.TEST gives "EXAMPLE.TESTHTTPweb.example.test".
 */
export function adUpnSalt(realm: string, upn: string): Salt {
  const at = upn.lastIndexOf('@');
  const name = (at >= 0 ? upn.slice(0, at) : upn).replace(/\\(.)/g, '$1');
  if (name === '') throw new KtError('SALT_INVALID', `UPN "${upn}" has no name before "@"`);
  return make(
    'ad-upn',
    adRealm(realm) + name.split('/').join(''),
    'Active Directory user with a UPN: REALM + UPN name part without "/"',
  );
}

/**
 * [MS-KILE] 3.1.1.2: "For computer accounts, the salt is the uppercase realm name
 * concatenated with "host" and the lowercase DNS host name (the account name without "$") and
 * "." and the lowercase realm". WEB$ in EXAMPLE.TEST -> "EXAMPLE.TESThostweb.example.test".
 */
export function adComputerSalt(realm: string, computerName: string): Salt {
  const name = computerName.replace(/\$$/, '').toLowerCase();
  if (name === '')
    throw new KtError('SALT_INVALID', 'the AD computer salt needs the computer name');
  return make(
    'ad-computer',
    `${adRealm(realm)}host${name}.${realm.toLowerCase()}`,
    'Active Directory computer ([MS-KILE] 3.1.1.2): REALM + "host" + lower(name) + "." + lower(realm)',
  );
}

/** How the user asked for a salt: at most one of these. */
export interface SaltChoice {
  readonly salt?: string | undefined;
  readonly saltHex?: string | undefined;
  readonly adUser?: string | undefined;
  readonly adUpn?: string | undefined;
  readonly adComputer?: string | undefined;
}

/**
 * The salt for a principal under the chosen rule; without a choice, the RFC 4120 default.
 * The AD rules take the realm from the principal.
 */
export function resolveSalt(
  principal: Pick<Principal, 'components' | 'realm'> | undefined,
  choice: SaltChoice,
): Salt {
  const given = (Object.keys(choice) as (keyof SaltChoice)[]).filter(
    (k) => choice[k] !== undefined,
  );
  if (given.length > 1) {
    throw new KtError('USAGE', `choose one salt rule, not ${given.length}: ${given.join(', ')}`);
  }
  if (choice.salt !== undefined) return explicitSalt(choice.salt);
  if (choice.saltHex !== undefined) return explicitSaltHex(choice.saltHex);
  if (!principal) {
    throw new KtError(
      'USAGE',
      remedy`give the principal (-p) or an explicit salt (${option('salt')} / ${option('saltHex')})`,
    );
  }
  if (choice.adUser !== undefined) return adUserSalt(principal.realm, choice.adUser);
  if (choice.adUpn !== undefined) return adUpnSalt(principal.realm, choice.adUpn);
  if (choice.adComputer !== undefined) return adComputerSalt(principal.realm, choice.adComputer);
  return defaultSalt(principal);
}
