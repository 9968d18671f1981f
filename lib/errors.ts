/**
 * One error class with stable codes. The table below is the single place that maps a code to
 * its default message and the CLI exit status; code elsewhere never branches on message text.
 * What to do about an error is a hint (plain words) or a remedy (lib/remedy.ts: words and the
 * options to set, which each front end spells its own way).
 */
import { KEYTAB_SPELLING, renderRemedy } from './remedy.js';
import type { Remedy, RemedySpelling } from './remedy.js';

/** Exit statuses used by the CLI. 1 = the request failed, 2 = the command line was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

// prettier-ignore
const CODES = {
  // keytab codec
  KEYTAB_BAD_VERSION: { exit: 1, message: 'not a keytab: unknown format version' },
  KEYTAB_TRUNCATED: { exit: 1, message: 'keytab is truncated' },
  KEYTAB_BAD_RECORD: { exit: 1, message: 'keytab record is malformed' },
  KEYTAB_TOO_LARGE: { exit: 1, message: 'value does not fit the keytab format' },
  // principals and names
  PRINCIPAL_INVALID: { exit: 1, message: 'invalid principal name' },
  // crypto
  ENCTYPE_UNKNOWN: { exit: 1, message: 'unknown encryption type' },
  ENCTYPE_WEAK: { exit: 1, message: 'weak encryption type refused' },
  S2K_BAD_PARAMS: { exit: 1, message: 'invalid string-to-key parameters' },
  KEY_BAD_LENGTH: { exit: 1, message: 'key has the wrong length for its enctype' },
  PASSWORD_INVALID: { exit: 1, message: 'password cannot be used' },
  SALT_INVALID: { exit: 1, message: 'invalid salt' },
  // keytab operations
  MERGE_CONFLICT: { exit: 1, message: 'two inputs hold different keys for the same entry' },
  // I/O and CLI
  FILE_NOT_FOUND: { exit: 1, message: 'file not found' },
  FILE_ACCESS: { exit: 1, message: 'file cannot be accessed' },
  FILE_WRITE: { exit: 1, message: 'file cannot be written' },
  FILE_LOCKED: { exit: 1, message: 'another process holds the lock on the file' },
  INPUT_INVALID: { exit: 1, message: 'invalid input' },
  INPUT_TOO_LARGE: { exit: 1, message: 'input is larger than allowed' },
  USAGE: { exit: 2, message: 'invalid command line' },
  NOT_IMPLEMENTED: { exit: 1, message: 'not implemented yet' },
  INTERNAL: { exit: 1, message: 'internal error' },
  // Kerberos protocol (lib/krb5)
  KRB_BAD_MESSAGE: { exit: 1, message: 'malformed Kerberos message' },
  KRB_REPLY_MISMATCH: { exit: 1, message: 'the KDC reply does not match the request' },
  KRB_ENCTYPE_MISMATCH: { exit: 1, message: 'the key is not of the encryption type the data uses' },
  KRB_KDC_ERROR: { exit: 1, message: 'the KDC refused the request' },
  KRB5_CONF_INVALID: { exit: 1, message: 'krb5.conf cannot be parsed' },
  KDC_NOT_FOUND: { exit: 1, message: 'no KDC is known for the realm' },
  KDC_UNREACHABLE: { exit: 1, message: 'no KDC answered' },
  KRB_KEY_STALE: { exit: 1, message: 'the KDC refused the key: it is stale (the password changed elsewhere)' },
  KRB_CLOCK_SKEW: { exit: 1, message: 'clock skew too great between this host and the Kerberos server' },
  KPASSWD_POLICY: { exit: 1, message: 'the password policy refused the new password' },
  KPASSWD_REFUSED: { exit: 1, message: 'the kpasswd server refused the password change' },
  // credentials caches (lib/krb5/ccache.ts, lib/node/ccache.ts)
  CCACHE_BAD_VERSION: { exit: 1, message: 'not a credentials cache: unknown or unsupported format version' },
  CCACHE_TRUNCATED: { exit: 1, message: 'credentials cache is truncated' },
  CCACHE_MALFORMED: { exit: 1, message: 'credentials cache is malformed' },
  CCACHE_TOO_LARGE: { exit: 1, message: 'credentials cache is too large' },
  CCACHE_NAME_INVALID: { exit: 1, message: 'invalid credentials cache name' },
  CCACHE_UNSUPPORTED: { exit: 1, message: 'this credentials cache type cannot be read from Node' },
  CCACHE_NOT_FOUND: { exit: 1, message: 'no credentials cache: run kinit first' },
  CCACHE_NO_TICKET: { exit: 1, message: 'the credentials cache holds no usable ticket' },
  CCACHE_EXPIRED: { exit: 1, message: 'the ticket in the credentials cache has expired' },
  // encryption profiles (RFC 3961 encrypt/decrypt/checksum)
  CRYPTO_INTEGRITY: { exit: 1, message: 'decryption failed: wrong key (integrity check failed)' },
  CRYPTO_BAD_CIPHERTEXT: { exit: 1, message: 'malformed ciphertext: no encryption produces this length' },
  CHECKSUM_UNKNOWN: { exit: 1, message: 'unknown checksum type' },
  // Active Directory over LDAP (lib/ad)
  AD_CONFIG: { exit: 2, message: 'the directory connection is not configured' },
  AD_CONNECT: { exit: 1, message: 'cannot reach the directory' },
  AD_TIMEOUT: { exit: 1, message: 'the directory did not answer in time' },
  AD_TLS: { exit: 1, message: 'the TLS connection to the directory failed' },
  AD_BIND: { exit: 1, message: 'the directory refused the bind credentials' },
  AD_STRONG_AUTH_REQUIRED: { exit: 1, message: 'the directory requires an encrypted connection' },
  AD_INSECURE_PASSWORD_WRITE: { exit: 1, message: 'refusing to send a password over an unencrypted connection' },
  AD_PASSWORD_LOGGED: { exit: 1, message: 'refusing to send a password while LDAP debug logging is on' },
  AD_ACCOUNT_NOT_FOUND: { exit: 1, message: 'no such account in the directory' },
  AD_ACCOUNT_AMBIGUOUS: { exit: 1, message: 'the name matches more than one account' },
  AD_ACCOUNT_EXISTS: { exit: 1, message: 'the account already exists' },
  AD_OBJECT_NOT_FOUND: { exit: 1, message: 'no such object in the directory' },
  AD_SPN_DUPLICATE: { exit: 1, message: 'the SPN is already registered on another account' },
  AD_SPN_INVALID: { exit: 1, message: 'invalid service principal name' },
  AD_UPN_DUPLICATE: { exit: 1, message: 'the UPN is already used by another account' },
  AD_PASSWORD_POLICY: { exit: 1, message: 'the password does not meet the domain password policy' },
  AD_PASSWORD_ENCODING: { exit: 1, message: 'the directory rejected how the password was sent' },
  AD_INSUFFICIENT_RIGHTS: { exit: 1, message: 'the bind account lacks the rights for this change' },
  AD_REFUSED: { exit: 1, message: 'the directory refused the request' },
  GSS_FAILURE: { exit: 1, message: 'the Kerberos (GSS-API) exchange with the service failed' },
  GSS_BAD_TOKEN: { exit: 1, message: 'a protected message is malformed' },
  GSS_INTEGRITY: { exit: 1, message: 'a protected message failed its integrity check' },
  GSS_SEQUENCE: { exit: 1, message: 'a protected message arrived out of sequence (replayed, lost or reordered)' },
  AD_SASL: { exit: 1, message: 'the directory refused the Kerberos (SASL GSSAPI) bind' },
  AD_ENCTYPE_MISMATCH: { exit: 1, message: 'the keytab cannot decrypt the tickets AD issues for the account' },
  AD_DOMAIN_MISMATCH: { exit: 1, message: 'the account names another domain than the directory' },
  AD_NOT_ACCOUNT_PRINCIPAL: { exit: 1, message: 'the principal does not belong to the account' },
  // group managed service accounts (lib/ad/gmsa-*.ts)
  GMSA_NOT_GMSA: { exit: 1, message: 'the account is not a group managed service account' },
  GMSA_NOT_ALLOWED: { exit: 1, message: 'the bind account may not read the managed password' },
  GMSA_NOT_CONFIDENTIAL: { exit: 1, message: 'the managed password is only sent over a confidential connection' },
  GMSA_NO_ROOT_KEY: { exit: 1, message: 'the domain has no KDS root key, so no managed password exists' },
  GMSA_BLOB_INVALID: { exit: 1, message: 'the msDS-ManagedPassword value is malformed' },
} as const satisfies Record<string, { exit: number; message: string }>;

export type KtErrorCode = keyof typeof CODES;

/** Structured facts about an error: offsets, sizes, names. Values are plain data. */
export type KtErrorDetails = Readonly<
  Record<string, string | number | boolean | null | readonly string[]>
>;

export interface KtErrorOptions {
  readonly details?: KtErrorDetails | undefined;
  readonly cause?: unknown;
  /** A hint telling the user how to fix it; the CLI prints it after the message. */
  readonly hint?: string | undefined;
  /** The fix as data when it names an option; takes the place of `hint` (lib/remedy.ts). */
  readonly remedy?: Remedy | undefined;
}

export class KtError extends Error {
  override readonly name = 'KtError';
  readonly code: KtErrorCode;
  readonly details: KtErrorDetails;
  /** The hint in words; for a remedy, in the `keytab` CLI's spelling (as it always read). */
  readonly hint: string | undefined;
  readonly remedy: Remedy | undefined;
  /** The message as data when it names an option the user gave (`message` has it in keytab's spelling). */
  readonly words: Remedy | undefined;

  constructor(code: KtErrorCode, message?: string | Remedy, options: KtErrorOptions = {}) {
    super(
      typeof message === 'object'
        ? renderRemedy(message, KEYTAB_SPELLING)
        : (message ?? CODES[code].message),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.code = code;
    this.words = typeof message === 'object' ? message : undefined;
    this.details = options.details ?? {};
    this.remedy = options.remedy;
    this.hint = options.remedy ? renderRemedy(options.remedy, KEYTAB_SPELLING) : options.hint;
  }

  /** The hint in a front end's spelling of the options (the plain hint when there is no remedy). */
  hintIn(spelling: RemedySpelling): string | undefined {
    return this.remedy ? renderRemedy(this.remedy, spelling) : this.hint;
  }

  /** The message in a front end's spelling of the options. */
  messageIn(spelling: RemedySpelling): string {
    return this.words ? renderRemedy(this.words, spelling) : this.message;
  }

  /** The CLI exit status for this error. */
  get exitCode(): number {
    return CODES[this.code].exit;
  }
}

export function isKtError(value: unknown): value is KtError {
  return value instanceof KtError;
}

/**
 * The error maker of one input format's reader: (offset, message, details?) gives a KtError
 * `code` that says "<subject> at byte <offset>: <message>", with the offset in its details.
 */
export function offsetErrors(code: KtErrorCode, subject: string) {
  return (
    offset: number,
    message: string,
    details: Record<string, string | number> = {},
  ): KtError =>
    new KtError(code, `${subject} at byte ${offset}: ${message}`, {
      details: { offset, ...details },
    });
}

/** Default message of a code (for documentation and tests). */
export function defaultMessage(code: KtErrorCode): string {
  return CODES[code].message;
}

export const ERROR_CODES: readonly KtErrorCode[] = Object.freeze(
  Object.keys(CODES) as KtErrorCode[],
);
