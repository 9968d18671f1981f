/**
 * The typed request a ktpass command line becomes (lib/ktpass/argv.ts reads the words, the rows
 * of lib/ktpass/options.ts fill this in). Pure: types and the usage error only.
 */
import { KtError } from '../errors.js';

export type KtpassPassword =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'prompt' }
  | { readonly kind: 'random' }
  /** --password-file / --password-env (extensions). */
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string };

/**
 * This toolkit's `--name [value]` options, by the name typed: `true` for a flag, the text for
 * a value; absent when not given. One field per row of KTPASS_EXTENSIONS.
 */
export interface KtpassExtensions {
  readonly 'dry-run'?: true;
  readonly 'show-keys'?: true;
  readonly 'allow-weak'?: true;
  readonly 'allow-rc4'?: true;
  readonly 'password-file'?: string;
  readonly 'password-env'?: string;
  /** --random: keytab's spelling of +rndpass. */
  readonly random?: true;
  readonly 'ldap-url'?: string;
  readonly auth?: string;
  readonly 'bind-dn'?: string;
  readonly 'admin-keytab'?: string;
  readonly 'admin-principal'?: string;
  readonly 'ldap-host'?: string;
  readonly 'bind-password-file'?: string;
  readonly 'base-dn'?: string;
  readonly 'ca-file'?: string;
  readonly starttls?: true;
  readonly debug?: true;
}

/** The extensions that are flags (the others carry a value). */
export type KtpassFlagName = {
  [K in keyof KtpassExtensions]-?: KtpassExtensions[K] extends true | undefined ? K : never;
}[keyof KtpassExtensions];
export type KtpassValueName = Exclude<keyof KtpassExtensions, KtpassFlagName>;

export interface KtpassRequest {
  readonly help: boolean;
  readonly out?: string;
  readonly in?: string;
  readonly princ?: string;
  readonly mapuser?: string;
  readonly mapop: 'add' | 'set';
  /** undefined = not asked; true = +desonly; false = -desonly. */
  readonly desonly?: boolean;
  readonly pass?: KtpassPassword;
  readonly minpass?: number;
  readonly maxpass?: number;
  /** As typed; resolved against the enctype table later. */
  readonly crypto?: string;
  readonly itercount?: number;
  /** As typed (`KRB5_NT_PRINCIPAL`, a number, ...). */
  readonly ptype?: string;
  readonly kvno?: number;
  readonly answer?: boolean;
  readonly target?: string;
  readonly rawsalt?: string;
  readonly dumpsalt: boolean;
  readonly setupn: boolean;
  readonly setpass: boolean;
  readonly extensions: KtpassExtensions;
}

/** The request while the command line is read: the option rows write into it. */
export type KtpassDraft = { -readonly [K in keyof KtpassRequest]: KtpassRequest[K] } & {
  extensions: { -readonly [K in keyof KtpassExtensions]: KtpassExtensions[K] };
};

export function emptyDraft(): KtpassDraft {
  return {
    help: false,
    mapop: 'add',
    dumpsalt: false,
    setupn: true,
    setpass: true,
    extensions: {},
  };
}

export function usage(message: string, hint?: string): KtError {
  return new KtError('USAGE', message, { hint: hint ?? 'run "ktpass /?" for the options' });
}

/** Sets the password, refusing a second one (`ways` names the ways in the message). */
export function setRequestPassword(
  draft: KtpassDraft,
  password: KtpassPassword,
  ways: string,
): void {
  if (draft.pass) throw usage(`give the password one way: ${ways}`);
  draft.pass = password;
}
