/**
 * What to do about an error, as data. The core never spells a command-line flag: it says which
 * option would help (`allowWeak`, `baseDn`, ...) between plain words, and each front end spells
 * the option its own way through a table: the `keytab` CLI (`--allow-weak`), `ktpass`
 * (lib/cli/ktpass.ts: `+rndpass`) and library callers (`{ allowWeak: true }`).
 *
 *     new KtError('ENCTYPE_WEAK', '...', { remedy: remedy`leave it out; ${option('allowWeak')} if an old peer needs it` })
 */

/** Every option a remedy may name, by what it does; ids are the library's property names where it has one. */
export const REMEDY_OPTIONS = [
  'allowWeak',
  'preferLast',
  'random',
  'debug',
  'computer',
  'ou',
  'ldapUrl',
  'auth',
  'bindDn',
  'bindPasswordFile',
  'adminKeytab',
  'adminPrincipal',
  'baseDn',
  'caFile',
  'startTls',
  'timeout',
  'kdc',
  'tcp',
  'kpasswdServer',
  'passwordFile',
  'bindPassword',
  'salt',
  'saltHex',
  'replace',
  'kvno',
  'adUser',
  'realm',
  'domain',
  'adminServer',
  'keytab',
  'ldapHost',
  'insecureTls',
  'dnsServer',
  'debugAuth',
  'help',
  'nameType',
] as const;

export type RemedyOption = (typeof REMEDY_OPTIONS)[number];

/** "Set this option", with an example value when it takes one and a note the front end may keep. */
export interface OptionRemedy {
  readonly kind: 'option';
  readonly option: RemedyOption;
  /** The value to give it (`DC=example,DC=com`, `simple`), or an example placeholder (`FILE`). */
  readonly value?: string;
  /** A fact about this front end's option (`32 characters`), dropped by spellings that differ. */
  readonly note?: string;
}

/**
 * A whole `keytab` command line (`keytab ad setpass NAME --random -o KEYTAB`): a command to run,
 * not an option of the caller's, so every front end shows it as the `keytab` CLI spells it.
 */
export interface CommandRemedy {
  readonly kind: 'command';
  readonly parts: readonly (string | OptionRemedy)[];
}

/** The words of a remedy and, between them, the options to set and the commands to run. */
export interface Remedy {
  readonly parts: readonly (string | OptionRemedy | CommandRemedy)[];
}

export function option(name: RemedyOption, value?: string, note?: string): OptionRemedy {
  return {
    kind: 'option',
    option: name,
    ...(value === undefined ? {} : { value }),
    ...(note === undefined ? {} : { note }),
  };
}

type Hole = OptionRemedy | CommandRemedy | Remedy | string | number;

/**
 * Tagged template: plain text, with `${option(...)}` where the front end's spelling goes; a
 * `${command`...`}` is a keytab command line, a `${remedy`...`}` is spliced in. Adjacent
 * texts are joined, so a remedy without options is one string.
 */
export function remedy(strings: TemplateStringsArray, ...holes: readonly Hole[]): Remedy {
  const parts: (string | OptionRemedy | CommandRemedy)[] = [];
  const push = (p: string | OptionRemedy | CommandRemedy): void => {
    const last = parts[parts.length - 1];
    if (typeof p === 'string' && typeof last === 'string') parts[parts.length - 1] = last + p;
    else if (p !== '') parts.push(p);
  };
  strings.forEach((s, i) => {
    push(s);
    const h = holes[i];
    if (h === undefined) return;
    if (typeof h === 'number') push(String(h));
    else if (typeof h !== 'string' && !('kind' in h)) h.parts.forEach(push);
    else push(h);
  });
  return { parts };
}

/** Tagged template for a whole `keytab` command line: words, with `${option(...)}` for its flags. */
export function command(
  strings: TemplateStringsArray,
  ...holes: readonly (OptionRemedy | Remedy | string | number)[]
): CommandRemedy {
  return {
    kind: 'command',
    parts: remedy(strings, ...holes).parts as readonly (string | OptionRemedy)[],
  };
}

/** How one front end spells each option: the table a renderer reads. */
export type RemedySpelling = Readonly<Record<RemedyOption, (o: OptionRemedy) => string>>;

/** A command-line flag: `--base-dn DC=example,DC=com`, `--random (32 characters)`. */
export const flag =
  (spelling: string) =>
  (o: OptionRemedy): string =>
    `${spelling}${o.value === undefined ? '' : ` ${o.value}`}${o.note === undefined ? '' : ` (${o.note})`}`;

/** A fixed spelling that takes neither the value nor the note (ktpass's `+rndpass`). */
export const word = (spelling: string) => (): string => spelling;

/** A library option: `{ allowWeak: true }`, `{ baseDn: 'DC=example,DC=com' }`, or just `baseDn`. */
const property =
  (name: string, flagValue?: string) =>
  (o: OptionRemedy): string => {
    if (o.value !== undefined) return `{ ${name}: '${o.value}' }`;
    return flagValue === undefined ? name : `{ ${name}: ${flagValue} }`;
  };

/** A library option that takes a list: `{ kdcs: ['HOST'] }`, or just `kdcs`. */
const list =
  (name: string) =>
  (o: OptionRemedy): string =>
    o.value === undefined ? name : `{ ${name}: ['${o.value}'] }`;

/** The `keytab` CLI's spelling; also the wording of KtError.hint, which callers have always read. */
// prettier-ignore
export const KEYTAB_SPELLING: RemedySpelling = {
  allowWeak: flag('--allow-weak'),
  preferLast: flag('--prefer-last'),
  random: flag('--random'),
  debug: flag('--debug'),
  computer: flag('--computer'),
  ou: flag('--ou'),
  ldapUrl: flag('--ldap-url'),
  auth: flag('--auth'),
  bindDn: flag('--bind-dn'),
  bindPasswordFile: flag('--bind-password-file'),
  adminKeytab: flag('--admin-keytab'),
  adminPrincipal: flag('--admin-principal'),
  baseDn: flag('--base-dn'),
  caFile: flag('--ca-file'),
  startTls: flag('--starttls'),
  timeout: flag('--timeout'),
  kdc: flag('--kdc'),
  tcp: flag('--tcp'),
  kpasswdServer: flag('--kpasswd-server'),
  passwordFile: flag('--password-file'),
  bindPassword: flag('--bind-password'),
  salt: flag('--salt'),
  saltHex: flag('--salt-hex'),
  replace: flag('--replace'),
  kvno: flag('--kvno'),
  adUser: flag('--ad-user'),
  realm: flag('--realm'),
  domain: flag('--domain'),
  adminServer: flag('--admin-server'),
  keytab: flag('--keytab'),
  ldapHost: flag('--ldap-host'),
  insecureTls: flag('--insecure-tls'),
  dnsServer: flag('--dns-server'),
  debugAuth: flag('--debug-auth'),
  help: flag('--help'),
  nameType: flag('--name-type'),
};

/** Library callers: the option's property (lib/crypto/policy.ts, lib/keytab/ops.ts, lib/ad/config.ts, lib/ad/writes.ts, lib/krb5/transport.ts). */
// prettier-ignore
export const LIBRARY_SPELLING: RemedySpelling = {
  allowWeak: property('allowWeak', 'true'),
  preferLast: property('preferLast', 'true'),
  random: (o) => `randomPassword()${o.note === undefined ? '' : ` (${o.note})`}`,
  debug: () => "the error's cause (err.cause)",
  computer: () => "{ kind: 'computer' }",
  ou: property('ou'),
  ldapUrl: property('ldapUrl'),
  auth: property('auth'),
  bindDn: property('bindDn'),
  bindPasswordFile: property('bindPasswordFile'),
  adminKeytab: property('adminKeytab'),
  adminPrincipal: property('adminPrincipal'),
  baseDn: property('baseDn'),
  caFile: property('caFile'),
  startTls: property('startTls', 'true'),
  timeout: property('timeout'),
  kdc: list('kdcs'),
  tcp: property('tcpOnly', 'true'),
  kpasswdServer: list('servers'),
  passwordFile: () => 'password (the bytes of the password)',
  bindPassword: property('bindPassword'),
  salt: property('salt'),
  saltHex: property('saltHex'),
  replace: property('replace', 'true'),
  kvno: property('kvno'),
  adUser: property('adUser'),
  realm: property('realm'),
  domain: list('domains'),
  adminServer: property('adminServer'),
  keytab: property('keytab'),
  ldapHost: property('ldapUrl'),
  insecureTls: property('insecureTls', 'true'),
  dnsServer: property('dnsServer'),
  debugAuth: () => "the bind's debug log",
  help: () => 'the README',
  nameType: property('nameType'),
};

/** The remedy in one front end's words. */
export function renderRemedy(r: Remedy, spelling: RemedySpelling): string {
  return r.parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : p.kind === 'command'
          ? renderRemedy(p, KEYTAB_SPELLING)
          : spelling[p.option](p),
    )
    .join('');
}

/** A table's advice: plain words, or a remedy that names options. */
export type Advice = string | Remedy;

/** Advice in a front end's spelling (plain words as they are). */
export function adviceIn(a: Advice, spelling: RemedySpelling = KEYTAB_SPELLING): string {
  return typeof a === 'string' ? a : renderRemedy(a, spelling);
}

/** KtError options for advice of either kind. */
export function advice(a: Advice | undefined): {
  readonly hint?: string;
  readonly remedy?: Remedy;
} {
  if (a === undefined) return {};
  return typeof a === 'string' ? { hint: a } : { remedy: a };
}
