/**
 * Account passwords: the unicodePwd encoding, an administrative reset, random passwords that
 * meet AD's complexity rules, and the kvno AD reports afterwards.
 *
 * [MS-ADTS] 3.1.1.3.1.5.1 unicodePwd: the value is the password "enclosed in quotation marks"
 * and "encoded as UTF-16"; "resetting a password is modeled as an LDAP Modify operation
 * containing a single Replace operation", which needs the Reset Password right and an
 * encrypted connection. A reset is not subject to the password history or minimum age (those
 * apply to a user changing their own password: measured on Samba).
 */
import { fromUtf8, isValidUtf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import { rereadAccount } from './account.js';
import type { AccountRecord } from './account.js';
import { applyChanges } from './changes.js';
import { UAC } from './flags.js';
import type {
  Directory,
  DirectoryChange,
  Modification,
  WriteOptions,
  WriteResult,
} from './types.js';

/** UTF-16LE of the password in double quotes: the unicodePwd value. The one Buffer we make. */
export function encodeUnicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/** A password given as bytes (from a file) as text; AD passwords are Unicode text. */
export function passwordText(password: string | Uint8Array): string {
  if (typeof password === 'string') return password;
  if (!isValidUtf8(password))
    throw new KtError(
      'PASSWORD_INVALID',
      'the password is not valid UTF-8 text: Active Directory passwords are Unicode text',
      { hint: 'save the password file as UTF-8' },
    );
  return fromUtf8(password);
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGIT = '23456789';
// No quotes, backslash, backtick, space or "$": safe to paste into a shell or a config file.
const SYMBOL = '!#%&()*+,-./:;<=>?@[]^_{|}~';
const CLASSES = [UPPER, LOWER, DIGIT, SYMBOL] as const;
const ALL = CLASSES.join('');

export const RANDOM_PASSWORD_LENGTH = 32;

export interface RandomPasswordOptions {
  /** Length (default 32; at least 20). */
  readonly length?: number;
  /**
   * Names the password must not contain (case-insensitively), e.g. the sAMAccountName: AD's
   * complexity rule refuses a password that contains the account name.
   */
  readonly avoid?: readonly string[];
}

/** An unbiased index below n from the random source (rejection sampling). */
function randomBelow(random: (n: number) => Uint8Array, n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const [b] = random(1);
    if (b !== undefined && b < limit) return b % n;
  }
}

/**
 * A random password meeting AD's complexity rule ("Password must meet complexity
 * requirements": characters of at least three of upper case, lower case, digits and symbols,
 * and not containing the account name): one of each class at random places, the rest from all
 * classes, drawn from the injected random source without bias.
 */
export function randomPassword(
  random: (n: number) => Uint8Array,
  options: RandomPasswordOptions = {},
): string {
  const length = options.length ?? RANDOM_PASSWORD_LENGTH;
  if (!Number.isInteger(length) || length < 20 || length > 256)
    throw new KtError('USAGE', `a random password of ${length} characters: choose 20 to 256`);
  const avoid = (options.avoid ?? []).filter((a) => a.length >= 3).map((a) => a.toLowerCase());
  for (;;) {
    const chars = Array.from({ length }, () => ALL[randomBelow(random, ALL.length)] as string);
    // Put one character of each class at distinct random positions.
    const positions: number[] = [];
    while (positions.length < CLASSES.length) {
      const p = randomBelow(random, length);
      if (!positions.includes(p)) positions.push(p);
    }
    CLASSES.forEach((cls, i) => {
      chars[positions[i] as number] = cls[randomBelow(random, cls.length)] as string;
    });
    const password = chars.join('');
    if (!avoid.some((a) => password.toLowerCase().includes(a))) return password;
  }
}

/**
 * AD's complexity check as Windows documents it: at least three of the four classes (non-ASCII
 * letters count as a fifth), and not containing the account name (3+ characters) in any case.
 */
export function meetsComplexity(password: string, accountNames: readonly string[] = []): boolean {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9\p{L}]/u, /[^\x00-\x7f]/].filter((re) =>
    re.test(password),
  ).length;
  const lower = password.toLowerCase();
  return (
    classes >= 3 && !accountNames.some((n) => n.length >= 3 && lower.includes(n.toLowerCase()))
  );
}

/**
 * True for an account that was created without a password and is disabled because of it
 * (ACCOUNTDISABLE set, pwdLastSet 0): setpass enables it. An account disabled by an
 * administrator after it had a password stays disabled.
 */
export function isNewDisabledAccount(
  account: Pick<AccountRecord, 'userAccountControl' | 'pwdLastSet'>,
): boolean {
  return (
    (account.userAccountControl & UAC.ACCOUNTDISABLE) !== 0 && account.pwdLastSet === undefined
  );
}

/**
 * The modify that resets the password (one Replace of unicodePwd) and, for a new disabled
 * account with enable unset or true, clears ACCOUNTDISABLE in the same request. Pure.
 */
export function planSetPassword(
  account: Pick<AccountRecord, 'dn' | 'userAccountControl' | 'pwdLastSet'>,
  password: string,
  options: { enable?: boolean } = {},
): DirectoryChange[] {
  const mods: Modification[] = [
    {
      operation: 'replace',
      attribute: 'unicodePwd',
      values: [encodeUnicodePwd(password)],
      secret: true,
    },
  ];
  const enable = options.enable ?? isNewDisabledAccount(account);
  if (enable && (account.userAccountControl & UAC.ACCOUNTDISABLE) !== 0) {
    mods.push({
      operation: 'replace',
      attribute: 'userAccountControl',
      values: [String((account.userAccountControl & ~UAC.ACCOUNTDISABLE) >>> 0)],
    });
  }
  return [{ kind: 'modify', dn: account.dn, modifications: mods }];
}

export interface SetPasswordOptions extends WriteOptions {
  /** Enable the account too; default: only a new account created disabled without a password. */
  readonly enable?: boolean;
}

export interface SetPasswordResult extends WriteResult {
  /** The account as read back after the change (the old record for a dry run). */
  readonly account: AccountRecord;
  /** msDS-KeyVersionNumber after the change (the predicted one for a dry run). */
  readonly kvno: number;
  readonly enabled: boolean;
}

/**
 * Resets an account's password (administrative Replace of unicodePwd), enables a new disabled
 * account, and reads msDS-KeyVersionNumber back. Refused before anything is sent when the
 * session is not encrypted.
 */
export async function setPassword(
  dir: Directory,
  account: AccountRecord,
  password: string | Uint8Array,
  options: SetPasswordOptions = {},
): Promise<SetPasswordResult> {
  if (!dir.encrypted) {
    throw new KtError(
      'AD_INSECURE_PASSWORD_WRITE',
      `refusing to send a password to ${dir.url} over an unencrypted connection (nothing was sent)`,
      {
        details: { url: dir.url, dn: account.dn },
        remedy: remedy`use ldaps://HOST (port 636) or add ${option('startTls')} to an ldap:// URL`,
      },
    );
  }
  const text = passwordText(password);
  if (text === '') throw new KtError('PASSWORD_INVALID', 'the password is empty');
  const changes = planSetPassword(
    account,
    text,
    options.enable === undefined ? {} : { enable: options.enable },
  );
  const enabled =
    changes[0]?.kind === 'modify' &&
    changes[0].modifications.some((m) => m.attribute === 'userAccountControl');
  const predicted =
    account.msDSKeyVersionNumber === undefined ? 0 : account.msDSKeyVersionNumber + 1;
  if (options.dryRun) return { changes, applied: false, account, kvno: predicted, enabled };
  await applyChanges(dir, changes);
  const after = await rereadAccount(dir, account);
  if (after.msDSKeyVersionNumber === undefined) {
    throw new KtError(
      'AD_REFUSED',
      `the password of ${account.dn} was set, but msDS-KeyVersionNumber cannot be read back`,
      { hint: 'the bind account needs read access to msDS-KeyVersionNumber' },
    );
  }
  return { changes, applied: true, account: after, kvno: after.msDSKeyVersionNumber, enabled };
}
