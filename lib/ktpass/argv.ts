/**
 * ktpass command lines, as Windows admins type them, into one typed request. Pure: no I/O.
 *
 *   ktpass /out tomcat.keytab /princ HTTP/web.example.com@EXAMPLE.COM /mapuser tomcat
 *          /pass '*' /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL -setupn +dumpsalt
 *
 * Rules: option names are case-insensitive; a value option is `/name value` or `-name value`;
 * a toggle is `+name` (on) or `-name` (off), `/name` meaning on; `/pass '*'` asks for the
 * password (quoted: an unquoted * is expanded by the shell into file names, which is detected:
 * stray words after /pass here, a file name as the password in lib/cli/ktpass.ts); `/pass +rndpass` and a bare `+rndpass` make a random one; `/?`, `/h`, `/help` ask
 * for help. Options of this toolkit are `--name [value]`.
 */
import { KtError } from '../errors.js';
import { KTPASS_EXTENSIONS, KTPASS_OPTIONS } from './options.js';
import type { KtpassOption } from './options.js';

export type KtpassPassword =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'prompt' }
  | { readonly kind: 'random' }
  /** --password-file / --password-env (extensions). */
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string };

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
  /** `--name [value]` extensions, by name (`true` for flags). */
  readonly extensions: Readonly<Record<string, string | true>>;
}

const BY_NAME = new Map(KTPASS_OPTIONS.map((o) => [o.name, o]));
const EXT_BY_NAME = new Map(KTPASS_EXTENSIONS.map((e) => [e.name, e]));
const HELP_TOKENS = new Set(['/?', '-?', '/h', '-h', '/help', '-help', '--help']);

function usage(message: string, hint?: string): KtError {
  return new KtError('USAGE', message, { hint: hint ?? 'run "ktpass /?" for the options' });
}

/** Suggests the option names closest to an unknown one. */
function closest(name: string): string[] {
  const names = KTPASS_OPTIONS.map((o) => o.name);
  return names.filter((n) => n.startsWith(name.slice(0, 3)) || name.startsWith(n.slice(0, 4)));
}

function wholeNumber(option: string, text: string | undefined, min = 0): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > 0xffffffff || Number(text) < min) {
    throw usage(`/${option} needs a whole number${min ? ` of at least ${min}` : ''}, got ${text === undefined ? 'nothing' : `"${text}"`}`);
  }
  return Number(text);
}

/** The tokens that look like options: `/x`, `-x`, `+x` (not `-` alone or a negative number). */
function isOptionToken(token: string): boolean {
  return /^[/+-][A-Za-z?]/.test(token);
}

/**
 * `/pass *` typed unquoted in a shell: the shell replaces * with the names in the folder, so
 * /pass gets the first name as the password and the others follow as stray words.
 */
export function shellExpandedStar(what: string): KtError {
  // The words are not repeated: the first one is taken as a password.
  return new KtError('USAGE', `${what}: the shell expanded an unquoted * into the names of the files in this folder; nothing was changed`, {
    hint: "quote it so that ktpass asks for the password: /pass '*' (or give it with --password-file FILE)",
  });
}

export function normalizeKtpassArgv(argv: readonly string[]): KtpassRequest {
  const req: {
    -readonly [K in keyof KtpassRequest]: KtpassRequest[K];
  } & { extensions: Record<string, string | true> } = {
    help: false,
    mapop: 'add',
    dumpsalt: false,
    setupn: true,
    setpass: true,
    extensions: {},
  };
  const seen = new Set<string>();
  // The value option just read: words after /pass's value mean the shell expanded an unquoted *.
  let lastValueOption: string | undefined;
  const once = (name: string): void => {
    if (seen.has(name)) throw usage(`/${name} is given twice`);
    seen.add(name);
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    const next = (): string | undefined => argv[i + 1];
    const take = (option: KtpassOption): string => {
      const value = next();
      if (value === undefined) throw usage(`/${option.name} needs a value: ${option.value ?? ''}`);
      i++;
      return value;
    };

    if (HELP_TOKENS.has(token.toLowerCase())) {
      req.help = true;
      continue;
    }
    if (token.startsWith('--')) {
      const [rawName, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const ext = EXT_BY_NAME.get(rawName.toLowerCase());
      if (!ext) throw usage(`unknown option ${token}`, `our own options: ${KTPASS_EXTENSIONS.map((e) => `--${e.name}`).join(', ')}`);
      if (ext.value === undefined) req.extensions[ext.name] = true;
      else {
        const value = inline ?? next();
        if (value === undefined) throw usage(`--${ext.name} needs a value: ${ext.value}`);
        if (inline === undefined) i++;
        req.extensions[ext.name] = value;
      }
      continue;
    }
    if (!isOptionToken(token)) {
      if (lastValueOption === 'pass') {
        let stray = 0;
        while (i + stray < argv.length && !isOptionToken(argv[i + stray] as string)) stray++;
        throw shellExpandedStar(`/pass is followed by ${stray} stray word${stray === 1 ? '' : 's'}`);
      }
      throw usage(`unexpected argument "${token}"`, 'ktpass takes only options: /name value, +flag or -flag');
    }
    lastValueOption = undefined;
    const prefix = token[0] as '/' | '-' | '+';
    const name = token.slice(1).toLowerCase();
    const option = BY_NAME.get(name === '?' || name === 'h' ? 'help' : name);
    if (!option) {
      const near = closest(name);
      throw usage(`unknown option ${token}`, near.length ? `did you mean ${near.map((n) => `/${n}`).join(' or ')}? Run "ktpass /?" for all options` : undefined);
    }

    if (option.kind === 'toggle') {
      // `+name` and `/name` switch it on, `-name` off.
      const on = prefix !== '-';
      once(option.name);
      if (option.name === 'desonly') req.desonly = on;
      else if (option.name === 'dumpsalt') req.dumpsalt = on;
      else if (option.name === 'setupn') req.setupn = on;
      else if (option.name === 'rndpass') {
        if (on) {
          if (req.pass) throw usage('give the password one way: /pass or +rndpass');
          req.pass = { kind: 'random' };
        }
      } else if (option.name === 'setpass') {
        req.setpass = on;
        // `+setpass <password>` (ktpass syntax) carries the password.
        const value = next();
        if (on && value !== undefined && !isOptionToken(value)) {
          if (req.pass) throw usage('give the password one way: /pass or +setpass PASSWORD');
          req.pass = { kind: 'text', text: value };
          i++;
        }
      }
      continue;
    }
    if (prefix === '+') throw usage(`${token}: /${option.name} is not a +/- switch`);

    if (option.kind === 'switch') {
      if (option.name === 'help') {
        req.help = true;
        continue;
      }
      once(option.name);
      const value = next();
      const length = option.optionalValue && value !== undefined && /^\d+$/.test(value) ? (i++, wholeNumber(option.name, value, 1)) : undefined;
      if (option.name === 'minpass') req.minpass = length ?? 15;
      else if (option.name === 'maxpass') req.maxpass = length ?? 256;
      continue;
    }

    once(option.name);
    const value = take(option);
    lastValueOption = option.name;
    switch (option.name) {
      case 'out':
        req.out = value;
        break;
      case 'in':
        req.in = value;
        break;
      case 'princ':
        req.princ = value;
        break;
      case 'mapuser':
        req.mapuser = value;
        break;
      case 'mapop': {
        const op = value.toLowerCase();
        if (op !== 'add' && op !== 'set') throw usage(`/mapop takes add or set, not "${value}"`);
        req.mapop = op;
        break;
      }
      case 'pass':
        if (req.pass) throw usage('give the password one way: /pass or +rndpass');
        if (value === '*') req.pass = { kind: 'prompt' };
        else if (value.toLowerCase() === '+rndpass') req.pass = { kind: 'random' };
        else if (value.toLowerCase() === '-rndpass') throw usage('/pass -rndpass: give a password, * to be asked, or +rndpass');
        else req.pass = { kind: 'text', text: value };
        break;
      case 'crypto':
        req.crypto = value;
        break;
      case 'itercount':
        req.itercount = wholeNumber('itercount', value, 1);
        break;
      case 'ptype':
        req.ptype = value;
        break;
      case 'kvno':
        req.kvno = wholeNumber('kvno', value);
        break;
      case 'answer':
        if (value !== '+' && value !== '-') throw usage(`/answer takes + or -, not "${value}"`);
        req.answer = value === '+';
        break;
      case 'target':
        req.target = value;
        break;
      case 'rawsalt':
        req.rawsalt = value;
        break;
      default:
        throw new KtError('INTERNAL', `ktpass option /${option.name} has no handler`);
    }
  }
  for (const [ext, kind] of [['password-file', 'file'], ['password-env', 'env']] as const) {
    const value = req.extensions[ext];
    if (typeof value !== 'string') continue;
    if (req.pass) throw usage(`give the password one way: /pass, +rndpass, --password-file or --password-env`);
    req.pass = kind === 'file' ? { kind, path: value } : { kind, name: value };
  }
  if (req.extensions['random'] === true) {
    if (req.pass) throw usage('give the password one way: /pass, +rndpass (--random), --password-file or --password-env');
    req.pass = { kind: 'random' };
  }
  if (req.minpass !== undefined && req.maxpass !== undefined && req.minpass > req.maxpass) {
    throw usage(`/minpass ${req.minpass} is longer than /maxpass ${req.maxpass}`);
  }
  return req;
}
