/**
 * ktpass command lines, as Windows admins type them, into one typed request. Pure: no I/O.
 *
 *   ktpass /out tomcat.keytab /princ HTTP/web.example.com@EXAMPLE.COM /mapuser tomcat
 *          /pass '*' /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL -setupn +dumpsalt
 *
 * Rules: option names are case-insensitive; a value option is `/name value` or `-name value`;
 * a toggle is `+name` (on) or `-name` (off), `/name` meaning on; `/pass '*'` asks for the
 * password (quoted: an unquoted * is expanded by the shell into file names, which is detected:
 * stray words after /pass here, a file name as the password in lib/cli/ktpass.ts); `/pass +rndpass`
 * and a bare `+rndpass` make a random one; `/?`, `/h`, `/help` ask for help. Options of this
 * toolkit are `--name [value]`.
 *
 * This file tells the words apart and hands each option its words; what an option does with
 * them is in its row of lib/ktpass/options.ts. Only the checks that need the whole line (one
 * password source, /minpass <= /maxpass) are made here, at the end.
 */
import { KtError } from '../errors.js';
import { KTPASS_EXTENSIONS, KTPASS_OPTIONS } from './options.js';
import type { KtpassExtension, KtpassOption } from './options.js';
import type { KtpassDraft, KtpassRequest } from './request.js';
import { emptyDraft, setRequestPassword, usage } from './request.js';

export type { KtpassExtensions, KtpassPassword, KtpassRequest } from './request.js';

export type KtpassToken =
  /** `/?`, `/h`, `-help`, `--help`, ... */
  | { readonly kind: 'help'; readonly text: string }
  /** `--name` or `--name=value`. */
  | {
      readonly kind: 'extension';
      readonly text: string;
      readonly name: string;
      readonly inline?: string | undefined;
    }
  /** `/name`, `-name`, `+name` (the name lowercased). */
  | {
      readonly kind: 'option';
      readonly text: string;
      readonly prefix: '/' | '-' | '+';
      readonly name: string;
    }
  /** Anything else: a value, or a stray word. */
  | { readonly kind: 'word'; readonly text: string };

const BY_NAME = new Map(KTPASS_OPTIONS.map((o) => [o.name, o]));
const EXT_BY_NAME = new Map(KTPASS_EXTENSIONS.map((e) => [e.name as string, e]));
const HELP_TOKENS = new Set(['/?', '-?', '/h', '-h', '/help', '-help', '--help']);
/** `/?` and `/h` are /help. */
const OPTION_ALIASES: Readonly<Record<string, string>> = { '?': 'help', h: 'help' };

/** The words that look like options: `/x`, `-x`, `+x` (not `-` alone or a negative number). */
function isOptionToken(token: string): boolean {
  return /^[/+-][A-Za-z?]/.test(token);
}

/** What each word of the command line is, on its own. */
export function tokenizeKtpassArgv(argv: readonly string[]): KtpassToken[] {
  return argv.map((text): KtpassToken => {
    if (HELP_TOKENS.has(text.toLowerCase())) return { kind: 'help', text };
    if (text.startsWith('--')) {
      const [name, inline] = text.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      return { kind: 'extension', text, name: name.toLowerCase(), inline };
    }
    if (!isOptionToken(text)) return { kind: 'word', text };
    const name = text.slice(1).toLowerCase();
    return {
      kind: 'option',
      text,
      prefix: text[0] as '/' | '-' | '+',
      name: OPTION_ALIASES[name] ?? name,
    };
  });
}

/** Suggests the option names closest to an unknown one. */
function closest(name: string): string[] {
  const names = KTPASS_OPTIONS.map((o) => o.name);
  return names.filter((n) => n.startsWith(name.slice(0, 3)) || name.startsWith(n.slice(0, 4)));
}

/**
 * `/pass *` typed unquoted in a shell: the shell replaces * with the names in the folder, so
 * /pass gets the first name as the password and the others follow as stray words.
 */
export function shellExpandedStar(what: string): KtError {
  // The words are not repeated: the first one is taken as a password.
  return new KtError(
    'USAGE',
    `${what}: the shell expanded an unquoted * into the names of the files in this folder; nothing was changed`,
    {
      hint: "quote it so that ktpass asks for the password: /pass '*' (or give it with --password-file FILE)",
    },
  );
}

/** The extensions that name where the password comes from, in the words of a usage error. */
const PASSWORD_WAYS = [
  '/pass',
  '+rndpass',
  ...KTPASS_EXTENSIONS.filter((e) => e.password).map((e) => `--${e.name}`),
];
const passwordWays = `${PASSWORD_WAYS.slice(0, -1).join(', ')} or ${PASSWORD_WAYS.at(-1) ?? ''}`;

export function normalizeKtpassArgv(argv: readonly string[]): KtpassRequest {
  const tokens = tokenizeKtpassArgv(argv);
  const draft = emptyDraft();
  const seen = new Set<string>();
  // The value option just read: words after /pass's value mean the shell expanded an unquoted *.
  let lastValue: KtpassOption | undefined;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as KtpassToken;
    /** The next word, taken (it is the value of the current token). */
    const take = (): string | undefined =>
      i + 1 < tokens.length ? (tokens[++i] as KtpassToken).text : undefined;
    const peek = (): string | undefined => tokens[i + 1]?.text;

    if (token.kind === 'help') {
      draft.help = true;
    } else if (token.kind === 'extension') {
      const ext = EXT_BY_NAME.get(token.name);
      if (!ext)
        throw usage(
          `unknown option ${token.text}`,
          `our own options: ${KTPASS_EXTENSIONS.map((e) => `--${e.name}`).join(', ')}`,
        );
      applyExtension(draft, ext, () => token.inline ?? take());
    } else if (token.kind === 'word') {
      if (lastValue?.kind === 'value' && lastValue.starValue) {
        let stray = 0;
        while (i + stray < tokens.length && !isOptionToken((tokens[i + stray] as KtpassToken).text))
          stray++;
        throw shellExpandedStar(
          `/${lastValue.name} is followed by ${stray} stray word${stray === 1 ? '' : 's'}`,
        );
      }
      throw usage(
        `unexpected argument "${token.text}"`,
        'ktpass takes only options: /name value, +flag or -flag',
      );
    } else {
      lastValue = undefined;
      const option = BY_NAME.get(token.name);
      if (!option) {
        const near = closest(token.name);
        throw usage(
          `unknown option ${token.text}`,
          near.length
            ? `did you mean ${near.map((n) => `/${n}`).join(' or ')}? Run "ktpass /?" for all options`
            : undefined,
        );
      }
      if (option.kind !== 'toggle' && token.prefix === '+')
        throw usage(`${token.text}: /${option.name} is not a +/- switch`);
      if (!(option.kind === 'switch' && option.repeatable)) {
        if (seen.has(option.name)) throw usage(`/${option.name} is given twice`);
        seen.add(option.name);
      }
      if (option.kind === 'toggle') {
        // `+name` and `/name` switch it on, `-name` off.
        const on = token.prefix !== '-';
        const word = peek();
        option.apply(
          draft,
          on,
          option.takesWord && on && word !== undefined && !isOptionToken(word) ? take() : undefined,
        );
      } else if (option.kind === 'switch') {
        const word = peek();
        option.apply(
          draft,
          option.optionalValue && word !== undefined && /^\d+$/.test(word) ? take() : undefined,
        );
      } else {
        const value = take();
        if (value === undefined)
          throw usage(`/${option.name} needs a value: ${option.value ?? ''}`);
        lastValue = option;
        option.apply(draft, value);
      }
    }
  }
  return settle(draft);
}

function applyExtension(
  draft: KtpassDraft,
  ext: KtpassExtension,
  value: () => string | undefined,
): void {
  const values = draft.extensions as Record<string, string | true>;
  if (ext.value === undefined) {
    values[ext.name] = true;
    return;
  }
  const given = value();
  if (given === undefined) throw usage(`--${ext.name} needs a value: ${ext.value}`);
  values[ext.name] = given;
}

/** What can only be checked once every word is read. */
function settle(draft: KtpassDraft): KtpassRequest {
  for (const ext of KTPASS_EXTENSIONS) {
    const given = draft.extensions[ext.name];
    if (given === undefined || !ext.password) continue;
    setRequestPassword(
      draft,
      ext.value === undefined ? ext.password() : ext.password(String(given)),
      passwordWays,
    );
  }
  if (draft.minpass !== undefined && draft.maxpass !== undefined && draft.minpass > draft.maxpass) {
    throw usage(`/minpass ${draft.minpass} is longer than /maxpass ${draft.maxpass}`);
  }
  return draft;
}
