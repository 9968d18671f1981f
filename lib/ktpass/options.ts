/**
 * ktpass's command-line options as data (names and meanings from Microsoft's ktpass page),
 * plus this toolkit's own extensions, which are spelled with two dashes so they can never be
 * mistaken for a ktpass option. Each row knows how its value sets the request: the reader in
 * lib/ktpass/argv.ts only splits the words and hands them to the rows. Pure.
 */
import type {
  KtpassDraft,
  KtpassExtensions,
  KtpassFlagName,
  KtpassPassword,
  KtpassValueName,
} from './request.js';
import { setRequestPassword, usage } from './request.js';

interface OptionBase {
  readonly name: string;
  /** What the value looks like, for the help (`/name <value>`). */
  readonly value?: string;
  readonly help: string;
}

/** `/name value` (also `-name value`): the next word is the value, whatever it looks like. */
export interface KtpassValueOption extends OptionBase {
  readonly kind: 'value';
  /** Words after this value mean the shell expanded an unquoted `*` (the value of /pass). */
  readonly starValue?: true;
  readonly apply: (draft: KtpassDraft, value: string) => void;
}

/** `+name` / `-name` switches something on or off (`/name` = on). */
export interface KtpassToggleOption extends OptionBase {
  readonly kind: 'toggle';
  /** `+name WORD`: takes the next word when it is not an option (ktpass's `+setpass PASSWORD`). */
  readonly takesWord?: true;
  readonly apply: (draft: KtpassDraft, on: boolean, word: string | undefined) => void;
}

/** `/name` alone; with `optionalValue`, `/name 20` too (the value is a whole number). */
export interface KtpassSwitchOption extends OptionBase {
  readonly kind: 'switch';
  readonly optionalValue?: true;
  /** May be given more than once (/?). */
  readonly repeatable?: true;
  readonly apply: (draft: KtpassDraft, value: string | undefined) => void;
}

export type KtpassOption = KtpassValueOption | KtpassToggleOption | KtpassSwitchOption;
export type KtpassOptionKind = KtpassOption['kind'];

/** A whole number in 0..2^32-1 (at least `min`), or a usage error naming the option. */
export function wholeNumber(option: string, text: string | undefined, min = 0): number {
  if (
    text === undefined ||
    !/^\d+$/.test(text) ||
    Number(text) > 0xffffffff ||
    Number(text) < min
  ) {
    throw usage(
      `/${option} needs a whole number${min ? ` of at least ${min}` : ''}, got ${text === undefined ? 'nothing' : `"${text}"`}`,
    );
  }
  return Number(text);
}

/** A value option that stores the text as typed. */
const text = (
  name: string,
  value: string,
  help: string,
  set: (d: KtpassDraft, v: string) => void,
): KtpassValueOption => ({ name, kind: 'value', value, help, apply: set });

/** A +/- toggle that stores on/off. */
const toggle = (
  name: string,
  help: string,
  set: (d: KtpassDraft, on: boolean) => void,
): KtpassToggleOption => ({ name, kind: 'toggle', help, apply: (d, on) => set(d, on) });

/** /minpass, /maxpass: a length that may be left out (then ktpass's default). */
const length = (
  name: string,
  help: string,
  fallback: number,
  set: (d: KtpassDraft, n: number) => void,
): KtpassSwitchOption => ({
  name,
  kind: 'switch',
  optionalValue: true,
  value: 'length',
  help,
  apply: (d, v) => set(d, v === undefined ? fallback : wholeNumber(name, v, 1)),
});

function passValue(draft: KtpassDraft, value: string): void {
  if (draft.pass) throw usage('give the password one way: /pass or +rndpass');
  const word = value.toLowerCase();
  if (word === '-rndpass')
    throw usage('/pass -rndpass: give a password, * to be asked, or +rndpass');
  draft.pass =
    value === '*'
      ? { kind: 'prompt' }
      : word === '+rndpass'
        ? { kind: 'random' }
        : { kind: 'text', text: value };
}

// prettier-ignore
export const KTPASS_OPTIONS: readonly KtpassOption[] = Object.freeze([
  text('out', 'file', 'keytab to write', (d, v) => (d.out = v)),
  text('in', 'file', 'keytab whose entries are kept: the new keys are appended to them (may equal /out)', (d, v) => (d.in = v)),
  text('princ', 'principal', 'principal, e.g. HTTP/web.example.com@EXAMPLE.COM (case matters)', (d, v) => (d.princ = v)),
  text('mapuser', 'account', 'AD account to map the principal to: adds the SPN, sets the UPN, resets the password', (d, v) => (d.mapuser = v)),
  text('mapop', 'add|set', 'add the SPN to the account (default) or replace its SPNs with it', (d, v) => {
    const op = v.toLowerCase();
    if (op !== 'add' && op !== 'set') throw usage(`/mapop takes add or set, not "${v}"`);
    d.mapop = op;
  }),
  toggle('desonly', '+ sets the account DES-only (refused here without --allow-weak), - clears it', (d, on) => (d.desonly = on)),
  { name: 'pass', kind: 'value', value: 'password|*|+rndpass', starValue: true, help: 'the password; * asks for it without echo; +rndpass makes a random one (prefer --password-file)', apply: passValue },
  toggle('rndpass', '+rndpass: a random password (see /minpass, /maxpass)', (d, on) => {
    if (on) setRequestPassword(d, { kind: 'random' }, '/pass or +rndpass');
  }),
  length('minpass', 'shortest random password (default 32 here; ktpass: 15)', 15, (d, n) => (d.minpass = n)),
  length('maxpass', 'longest random password (default 64 here; ktpass: 256)', 256, (d, n) => (d.maxpass = n)),
  text('crypto', 'DES-CBC-CRC|DES-CBC-MD5|RC4-HMAC-NT|AES256-SHA1|AES128-SHA1|All', 'enctypes (MIT names and the AES-SHA2 enctypes also accepted); default RC4-HMAC-NT, with a warning', (d, v) => (d.crypto = v)),
  text('itercount', 'n', 'PBKDF2 iterations for AES (default 4096)', (d, v) => (d.itercount = wholeNumber('itercount', v, 1))),
  text('ptype', 'KRB5_NT_PRINCIPAL|KRB5_NT_SRV_INST|KRB5_NT_SRV_HST', 'name type written in the keytab (default 0, with a warning, as ktpass)', (d, v) => (d.ptype = v)),
  text('kvno', 'n', 'key version number (default: 1 offline; what AD reports with /mapuser)', (d, v) => (d.kvno = wholeNumber('kvno', v))),
  text('answer', '+|-', 'answer to "reset the password of a computer account?" (+ yes, - no)', (d, v) => {
    if (v !== '+' && v !== '-') throw usage(`/answer takes + or -, not "${v}"`);
    d.answer = v === '+';
  }),
  text('target', 'dc', 'domain controller to use: a host name (ldap:// with your Kerberos ticket; ldaps:// when a bind DN is set) or a URL', (d, v) => (d.target = v)),
  text('rawsalt', 'salt', 'use exactly this salt for the keys (here: the salt text itself)', (d, v) => (d.rawsalt = v)),
  toggle('dumpsalt', '+ prints the salt used for each key', (d, on) => (d.dumpsalt = on)),
  toggle('setupn', "- leaves the account's UPN alone (default +: UPN := /princ)", (d, on) => (d.setupn = on)),
  {
    name: 'setpass',
    kind: 'toggle',
    takesWord: true,
    help: "- leaves the account's password alone (default +: reset it to /pass)",
    apply: (d, on, word) => {
      d.setpass = on;
      // `+setpass <password>` (ktpass syntax) carries the password.
      if (word !== undefined) setRequestPassword(d, { kind: 'text', text: word }, '/pass or +setpass PASSWORD');
    },
  },
  { name: 'help', kind: 'switch', repeatable: true, help: 'this help (also /? and /h)', apply: (d) => (d.help = true) },
] satisfies KtpassOption[]);

interface FlagRow {
  readonly value?: undefined;
  readonly help: string;
  /** The flag asks for a password of this kind. */
  readonly password?: () => KtpassPassword;
}

interface ValueRow {
  /** What the value looks like, for the help (`--name <value>`). */
  readonly value: string;
  readonly help: string;
  /** The value names where the password comes from. */
  readonly password?: (value: string) => KtpassPassword;
}

/** A row of KTPASS_EXTENSIONS: a flag, or an option with a value. */
export type KtpassExtension =
  (FlagRow & { readonly name: KtpassFlagName }) | (ValueRow & { readonly name: KtpassValueName });

type ExtensionRows = {
  readonly [K in keyof KtpassExtensions]-?: K extends KtpassFlagName ? FlagRow : ValueRow;
};

/** One row per field of KtpassExtensions (the type makes sure none is missing), in help order. */
// prettier-ignore
const EXTENSION_ROWS: ExtensionRows = {
  'dry-run': { help: 'print the plan (AD changes and files) and do nothing' },
  'show-keys': { help: 'print the keys in the keytab listing (ktpass prints them; we mask them)' },
  'allow-weak': { help: 'allow single DES (/crypto DES-*, +desonly) and low /itercount' },
  'allow-rc4': { help: 'RC4-only keys for an account AD would give AES tickets: make the account RC4-only (msDS-SupportedEncryptionTypes 0x4)' },
  'password-file': { value: 'file', help: 'read the password from a file (instead of /pass on the command line)', password: (path) => ({ kind: 'file', path }) },
  'password-env': { value: 'var', help: 'read the password from an environment variable', password: (name) => ({ kind: 'env', name }) },
  random: { help: 'a random password, never shown: +rndpass as keytab spells it', password: () => ({ kind: 'random' }) },
  // Directory settings, shared with `keytab ad`.
  'ldap-url': { value: 'url', help: "directory URL (default $KEYTAB_LDAP_URL, or /target's)" },
  auth: { value: 'kerberos|simple|auto', help: 'how to bind: auto (the default: Kerberos on ldap://, simple with a bind DN over TLS), kerberos or simple ($KEYTAB_AUTH)' },
  'bind-dn': { value: 'dn', help: 'bind DN or UPN (default $KEYTAB_BIND_DN)' },
  'admin-keytab': { value: 'file', help: 'Kerberos with the keys of this keytab (default $KEYTAB_ADMIN_KEYTAB)' },
  'admin-principal': { value: 'principal', help: 'the principal to use from --admin-keytab (default $KEYTAB_ADMIN_PRINCIPAL)' },
  'ldap-host': { value: 'name', help: "the DC's DNS name for its ldap/ SPN, when the URL holds an address" },
  'bind-password-file': { value: 'file', help: 'bind password file (default $KEYTAB_BIND_PASSWORD_FILE)' },
  'base-dn': { value: 'dn', help: "search base (default: the directory's defaultNamingContext)" },
  'ca-file': { value: 'file', help: 'CA certificate(s) to verify the directory (default $KEYTAB_CA_FILE)' },
  starttls: { help: 'use StartTLS on ldap:// instead of ldaps://' },
  debug: { help: 'show stack traces on errors' },
};

/** Our additions, all `--name`. */
export const KTPASS_EXTENSIONS: readonly KtpassExtension[] = Object.freeze(
  Object.entries(EXTENSION_ROWS).map(([name, row]) => ({ name, ...row }) as KtpassExtension),
);
