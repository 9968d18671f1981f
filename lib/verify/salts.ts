/**
 * Which salt a key was made with. A keytab key is string-to-key(password, salt): with the
 * password in hand, deriving it under each salt rule the toolkit knows and comparing tells a
 * wrong salt (the key is the password's key under another rule) from a wrong password (no
 * rule gives it). The rules are lib/salt/rules.ts; this module only lists the plausible ones
 * for a principal and compares keys.
 */
import { bytesEqual, utf8, wipe } from '../bytes.js';
import { enctypeById } from '../crypto/enctypes.js';
import { stringToKey } from '../crypto/string-to-key.js';
import { formatPrincipalName, type Principal } from '../principal.js';
import { adComputerSalt, adUpnSalt, adUserSalt, defaultSalt, type Salt } from '../salt/rules.js';

/** What a directory (or the caller) knows about the account, to name AD salt rules. */
export interface SaltHints {
  readonly sAMAccountName?: string | undefined;
  readonly userPrincipalName?: string | undefined;
}

/** RFC 4757 section 4: the RC4-HMAC key is MD4 of the password; "the salt ... is ignored". */
const UNSALTED_FAMILIES: ReadonlySet<string> = new Set(['rc4']);

/** True when the enctype's keys depend on the salt (every family but RC4). */
export function enctypeUsesSalt(enctype: number): boolean {
  const family = enctypeById(enctype)?.family;
  return family !== undefined && !UNSALTED_FAMILIES.has(family);
}

function tryRule(make: () => Salt): Salt | undefined {
  try {
    return make();
  } catch {
    return undefined; // a rule that does not apply to this name (e.g. an empty component)
  }
}

/**
 * The salts a keytab for `principal` was plausibly made with, each named by its rule, without
 * duplicates (the first rule giving a salt names it): the RFC 4120 default, the AD UPN rule
 * (the account's UPN, or the principal's own name as ktpass sets it), the AD user rule (the
 * sAMAccountName), the AD computer rule for host/ names and NAME$ accounts, and the default
 * with a lower-case realm (a realm typed in lower case when the keytab was made). Without a
 * directory, `guesses` (default on) adds the AD user rule with the host's first label as the
 * account name, a common way of naming service accounts.
 */
export function candidateSalts(
  principal: Pick<Principal, 'components' | 'realm'>,
  hints: SaltHints = {},
  options: { guesses?: boolean } = {},
): Salt[] {
  const out: Salt[] = [];
  const add = (salt: Salt | undefined, alsoName = false): void => {
    if (!salt) return;
    const at = out.findIndex((o) => bytesEqual(o.bytes, salt.bytes));
    if (at < 0) out.push(salt);
    // The directory's UPN giving the default salt: say both, an AD reader looks for the UPN rule.
    else if (alsoName)
      out[at] = {
        ...(out[at] as Salt),
        explanation: `${(out[at] as Salt).explanation}; also ${salt.explanation} (the account's UPN)`,
      };
  };
  add(defaultSalt(principal));
  if (hints.userPrincipalName !== undefined)
    add(
      tryRule(() => adUpnSalt(principal.realm, hints.userPrincipalName as string)),
      true,
    );
  add(tryRule(() => adUpnSalt(principal.realm, formatPrincipalName(principal))));
  const sam = hints.sAMAccountName;
  if (sam !== undefined)
    add(
      tryRule(() =>
        sam.endsWith('$') ? adComputerSalt(principal.realm, sam) : adUserSalt(principal.realm, sam),
      ),
    );
  else if (principal.components.length === 1)
    add(tryRule(() => adUserSalt(principal.realm, principal.components[0] as string)));
  const [service, host] = principal.components;
  // A service account is often named after its host (HTTP/web.example.com -> svc "web"): a guess.
  if (
    options.guesses !== false &&
    sam === undefined &&
    principal.components.length === 2 &&
    host !== undefined &&
    host.includes('.')
  ) {
    const label = host.split('.')[0] as string;
    const guess = tryRule(() => adUserSalt(principal.realm, label));
    if (guess)
      add({
        ...guess,
        explanation: `AD user rule with the sAMAccountName guessed from the host: REALM + "${label}"`,
      });
  }
  if (
    principal.components.length === 2 &&
    service?.toLowerCase() === 'host' &&
    host !== undefined
  ) {
    add(tryRule(() => adComputerSalt(principal.realm, host.split('.')[0] as string)));
  }
  const lower = principal.realm.toLowerCase() + principal.components.join('');
  add({
    rule: 'explicit',
    bytes: utf8(lower),
    text: lower,
    explanation:
      'the RFC 4120 default with the realm in lower case (the realm was typed in lower case when the keytab was made)',
  });
  return out;
}

/**
 * Names the rule that gives a salt, for messages: "RFC 4120 default: ...", or for a salt no
 * rule gives, what it looks like (on AD, REALM + an account name).
 */
export function describeSalt(
  saltText: string,
  principal: Pick<Principal, 'components' | 'realm'>,
  hints: SaltHints = {},
): string {
  const rule = candidateSalts(principal, hints, { guesses: false }).find(
    (s) => s.text === saltText,
  );
  if (rule) return rule.explanation;
  const realm = principal.realm.toUpperCase();
  if (saltText.startsWith(realm) && saltText.length > realm.length) {
    return `REALM + "${saltText.slice(realm.length)}" (on Active Directory: the sAMAccountName, or the UPN's name part, the account had when its password was set)`;
  }
  return 'not a salt any known rule gives for this name';
}

/** A salt (and iteration count) under which a password gives a key. */
export interface KeyOrigin {
  readonly salt: Salt;
  readonly iterations?: number | undefined;
}

/**
 * The first candidate under which `password` derives exactly `key`, or undefined. With
 * `defaultIterations` the KDC's salt is also tried at the enctype's default iteration count
 * (a keytab made without the KDC's s2kparams).
 */
export async function findKeyOrigin(
  enctype: number,
  password: Uint8Array,
  key: Uint8Array,
  candidates: readonly KeyOrigin[],
): Promise<KeyOrigin | undefined> {
  for (const c of candidates) {
    const derived = await stringToKey(enctype, password, c.salt.bytes, {
      iterations: c.iterations,
    });
    const same = bytesEqual(derived, key);
    wipe(derived);
    if (same) return c;
  }
  return undefined;
}
