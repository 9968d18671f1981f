/**
 * ktpass's command-line options as data (names and meanings from Microsoft's ktpass page),
 * plus this toolkit's own extensions, which are spelled with two dashes so they can never be
 * mistaken for a ktpass option.
 */

export type KtpassOptionKind =
  /** `/name value` (also `-name value`). */
  | 'value'
  /** `+name` / `-name` switches something on or off (`/name` = on). */
  | 'toggle'
  /** `/name` alone. */
  | 'switch';

export interface KtpassOption {
  readonly name: string;
  readonly kind: KtpassOptionKind;
  /** `/minpass 20`: a value that may be left out. */
  readonly optionalValue?: boolean;
  readonly value?: string;
  readonly help: string;
}

export const KTPASS_OPTIONS: readonly KtpassOption[] = Object.freeze([
  { name: 'out', kind: 'value', value: 'file', help: 'keytab to write' },
  { name: 'in', kind: 'value', value: 'file', help: 'keytab whose entries are kept: the new keys are appended to them (may equal /out)' },
  { name: 'princ', kind: 'value', value: 'principal', help: 'principal, e.g. HTTP/web.example.com@EXAMPLE.COM (case matters)' },
  { name: 'mapuser', kind: 'value', value: 'account', help: 'AD account to map the principal to: adds the SPN, sets the UPN, resets the password' },
  { name: 'mapop', kind: 'value', value: 'add|set', help: 'add the SPN to the account (default) or replace its SPNs with it' },
  { name: 'desonly', kind: 'toggle', help: '+ sets the account DES-only (refused here without --allow-weak), - clears it' },
  { name: 'pass', kind: 'value', value: 'password|*|+rndpass', help: 'the password; * asks for it without echo; +rndpass makes a random one (prefer --password-file)' },
  { name: 'rndpass', kind: 'toggle', help: '+rndpass: a random password (see /minpass, /maxpass)' },
  { name: 'minpass', kind: 'switch', optionalValue: true, value: 'length', help: 'shortest random password (default 32 here; ktpass: 15)' },
  { name: 'maxpass', kind: 'switch', optionalValue: true, value: 'length', help: 'longest random password (default 64 here; ktpass: 256)' },
  { name: 'crypto', kind: 'value', value: 'DES-CBC-CRC|DES-CBC-MD5|RC4-HMAC-NT|AES256-SHA1|AES128-SHA1|All', help: 'enctypes (MIT names and the AES-SHA2 enctypes also accepted); default RC4-HMAC-NT, with a warning' },
  { name: 'itercount', kind: 'value', value: 'n', help: 'PBKDF2 iterations for AES (default 4096)' },
  { name: 'ptype', kind: 'value', value: 'KRB5_NT_PRINCIPAL|KRB5_NT_SRV_INST|KRB5_NT_SRV_HST', help: 'name type written in the keytab (default 0, with a warning, as ktpass)' },
  { name: 'kvno', kind: 'value', value: 'n', help: 'key version number (default: 1 offline; what AD reports with /mapuser)' },
  { name: 'answer', kind: 'value', value: '+|-', help: 'answer to "reset the password of a computer account?" (+ yes, - no)' },
  { name: 'target', kind: 'value', value: 'dc', help: 'domain controller to use: a host name (ldap:// with your Kerberos ticket; ldaps:// when a bind DN is set) or a URL' },
  { name: 'rawsalt', kind: 'value', value: 'salt', help: 'use exactly this salt for the keys (here: the salt text itself)' },
  { name: 'dumpsalt', kind: 'toggle', help: '+ prints the salt used for each key' },
  { name: 'setupn', kind: 'toggle', help: '- leaves the account\'s UPN alone (default +: UPN := /princ)' },
  { name: 'setpass', kind: 'toggle', help: '- leaves the account\'s password alone (default +: reset it to /pass)' },
  { name: 'help', kind: 'switch', help: 'this help (also /? and /h)' },
]);

export interface KtpassExtension {
  readonly name: string;
  readonly value?: string;
  readonly help: string;
}

/** Our additions, all `--name`. Directory settings are shared with `keytab ad`. */
export const KTPASS_EXTENSIONS: readonly KtpassExtension[] = Object.freeze([
  { name: 'dry-run', help: 'print the plan (AD changes and files) and do nothing' },
  { name: 'show-keys', help: 'print the keys in the keytab listing (ktpass prints them; we mask them)' },
  { name: 'allow-weak', help: 'allow single DES (/crypto DES-*, +desonly) and low /itercount' },
  { name: 'allow-rc4', help: 'RC4-only keys for an account AD would give AES tickets: make the account RC4-only (msDS-SupportedEncryptionTypes 0x4)' },
  { name: 'password-file', value: 'file', help: 'read the password from a file (instead of /pass on the command line)' },
  { name: 'password-env', value: 'var', help: 'read the password from an environment variable' },
  { name: 'ldap-url', value: 'url', help: 'directory URL (default $KEYTAB_LDAP_URL, or /target\'s)' },
  { name: 'auth', value: 'kerberos|simple|auto', help: 'how to bind: auto (the default: Kerberos on ldap://, simple with a bind DN over TLS), kerberos or simple ($KEYTAB_AUTH)' },
  { name: 'bind-dn', value: 'dn', help: 'bind DN or UPN (default $KEYTAB_BIND_DN)' },
  { name: 'admin-keytab', value: 'file', help: 'Kerberos with the keys of this keytab (default $KEYTAB_ADMIN_KEYTAB)' },
  { name: 'admin-principal', value: 'principal', help: 'the principal to use from --admin-keytab (default $KEYTAB_ADMIN_PRINCIPAL)' },
  { name: 'ldap-host', value: 'name', help: "the DC's DNS name for its ldap/ SPN, when the URL holds an address" },
  { name: 'bind-password-file', value: 'file', help: 'bind password file (default $KEYTAB_BIND_PASSWORD_FILE)' },
  { name: 'base-dn', value: 'dn', help: 'search base (default: the directory\'s defaultNamingContext)' },
  { name: 'ca-file', value: 'file', help: 'CA certificate(s) to verify the directory (default $KEYTAB_CA_FILE)' },
  { name: 'starttls', help: 'use StartTLS on ldap:// instead of ldaps://' },
  { name: 'debug', help: 'show stack traces on errors' },
]);
