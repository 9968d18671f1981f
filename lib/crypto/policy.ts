/**
 * Key-making policy as data (cf. MIT's ETYPE_WEAK flag and k5_allow_weak_pbkdf2iter,
 * Kerberos.NET's isWeakAlgorithm). The core derives whatever it is asked; the CLI asks these
 * rules first, prints the warnings, and stops on the refusals.
 *
 *   | rule                | when                                            | without allowWeak | with allowWeak |
 *   | weak enctype        | single DES (1, 2, 3), RC4-EXP (24), 5/7/8       | ENCTYPE_WEAK      | warning        |
 *   | deprecated enctype  | DES3 (16), RC4 (23) (RFC 8429)                  | warning           | warning        |
 *   | low iteration count | below the family default (4096 / 32768)         | S2K_BAD_PARAMS    | warning        |
 *   | ignored iterations  | an iteration count for DES, DES3 or RC4         | warning           | warning        |
 *
 * An iteration count that is not an integer 1..2^32-1 is always S2K_BAD_PARAMS.
 */
import { KtError, type KtErrorCode } from '../errors.js';
import { option, remedy, type Remedy } from '../remedy.js';
import { ENCTYPES, isDerivable, resolveEnctype, type EnctypeInfo } from './enctypes.js';
import { checkIterations } from './string-to-key.js';

export interface PolicyOptions {
  /** Allow weak enctypes and iteration counts below the default (MIT allow_weak_crypto). */
  readonly allowWeak?: boolean | undefined;
  /** The iteration count that will be used, if one was given. */
  readonly iterations?: number | undefined;
}

interface PolicyRule {
  readonly name: string;
  readonly applies: (info: EnctypeInfo, options: PolicyOptions) => boolean;
  /** `refuse` rules throw unless weak crypto is allowed; `warn` rules only warn. */
  readonly action: 'refuse' | 'warn';
  readonly code: KtErrorCode;
  readonly message: (info: EnctypeInfo, options: PolicyOptions) => string;
  readonly hint?: string;
  readonly remedy?: Remedy;
}

const label = (e: EnctypeInfo): string => `${e.name} (${e.id})`;

export const POLICY_RULES: readonly PolicyRule[] = Object.freeze([
  {
    name: 'weak enctype',
    applies: (e) => e.weak,
    action: 'refuse',
    code: 'ENCTYPE_WEAK',
    message: (e) => `${label(e)} is weak: ${e.policyNote ?? 'refused by default'}`,
    remedy: remedy`only if an old peer really needs it: allow weak crypto explicitly (${option('allowWeak')})`,
  },
  {
    name: 'deprecated enctype',
    applies: (e) => e.deprecated && !e.weak,
    action: 'warn',
    code: 'ENCTYPE_WEAK',
    message: (e) => `${label(e)} is deprecated: ${e.policyNote ?? 'prefer AES'}`,
  },
  {
    name: 'low iteration count',
    applies: (e, o) =>
      e.defaultIterations !== undefined &&
      o.iterations !== undefined &&
      o.iterations < e.defaultIterations,
    action: 'refuse',
    code: 'S2K_BAD_PARAMS',
    message: (e, o) =>
      `${o.iterations} PBKDF2 iterations is below the ${e.defaultIterations} default of ${label(e)}; ` +
      'MIT krb5 rejects such keys (KRB5_ERR_BAD_S2K_PARAMS)',
    hint: `use at least the default count, or allow weak crypto (e.g. to reproduce RFC test vectors)`,
  },
  {
    name: 'ignored iterations',
    applies: (e, o) => e.defaultIterations === undefined && o.iterations !== undefined,
    action: 'warn',
    code: 'S2K_BAD_PARAMS',
    message: (e) => `${label(e)} has no iteration count; the one given is ignored for it`,
  },
]);

/**
 * Applies the policy rules to one enctype. Returns the warnings to show; throws ENCTYPE_WEAK
 * or S2K_BAD_PARAMS for a refusal (with `details.rule` naming it).
 */
export function checkEnctypePolicy(info: EnctypeInfo, options: PolicyOptions = {}): string[] {
  checkIterations(options.iterations);
  const warnings: string[] = [];
  for (const rule of POLICY_RULES) {
    if (!rule.applies(info, options)) continue;
    const message = rule.message(info, options);
    if (rule.action === 'warn') {
      warnings.push(message);
    } else if (options.allowWeak) {
      warnings.push(`${message} (allowed: weak crypto is enabled)`);
    } else {
      throw new KtError(rule.code, message, {
        details: { enctype: info.id, rule: rule.name },
        hint: rule.hint,
        remedy: rule.remedy,
      });
    }
  }
  return warnings;
}

/**
 * MIT krb5's default enctype list (default_enctype_list in lib/krb5/krb/init_ctx.c, 1.18 and
 * later: the value of permitted_enctypes = DEFAULT). It is exactly the derivable, non-weak
 * enctypes, in MIT's preference order.
 */
const MIT_DEFAULT_ORDER = [
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha384-192',
  'aes128-cts-hmac-sha256-128',
  'des3-cbc-sha1',
  'arcfour-hmac',
  'camellia128-cts-cmac',
  'camellia256-cts-cmac',
] as const;

/**
 * Named groups for enctype lists. `all`: every derivable non-weak enctype, in MIT's default
 * order (18 17 20 19 16 23 25 26). `ad`: what Active Directory uses for service keys (AES256,
 * AES128, RC4; msDS-SupportedEncryptionTypes bits 0x10, 0x08, 0x04). Note ktpass's own
 * `/crypto All` differs (it writes 1, 3, 23, 18, 17, weak DES included).
 */
export const ENCTYPE_GROUPS: Readonly<Record<'all' | 'ad', readonly string[]>> = Object.freeze({
  all: MIT_DEFAULT_ORDER,
  ad: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'arcfour-hmac'],
});

/** The enctypes `select` keeps, strongest first (EnctypeInfo.preference; unranked ones left out). */
export function byPreference(select: (e: EnctypeInfo) => boolean): EnctypeInfo[] {
  return ENCTYPES.filter((e) => e.preference !== undefined && select(e)).sort(
    (a, b) => (a.preference ?? 0) - (b.preference ?? 0),
  );
}

const ids = (list: readonly EnctypeInfo[]): readonly number[] =>
  Object.freeze(list.map((e) => e.id));

/**
 * Offered after a deprecated enctype so that the KDC can choose a session key (MIT 1.20 answers
 * ETYPE_NOSUPP to an AS-REQ offering only des3 or rc4): the AES enctypes, strongest first
 * (18 17 20 19).
 */
export const SESSION_ENCTYPES: readonly number[] = ids(
  byPreference((e) => e.family === 'aes-sha1' || e.family === 'aes-sha2'),
);

/** What a probing AS-REQ offers (doctor's KDC check, verify's clock check): AES-SHA1, which AD and MIT both issue (18 17). */
export const PROBE_ENCTYPES: readonly number[] = ids(byPreference((e) => e.family === 'aes-sha1'));

/** ktpass's `/crypto All`, in the order ktpass writes them (1 3 23 18 17; single DES included). */
export const KTPASS_ALL: readonly number[] = ids(
  [
    'des-cbc-crc',
    'des-cbc-md5',
    'arcfour-hmac',
    'aes256-cts-hmac-sha1-96',
    'aes128-cts-hmac-sha1-96',
  ].map((n) => resolveEnctype(n)),
);

/** The one key ktpass makes when no /crypto is given (RC4-HMAC-NT, 23). */
export const KTPASS_DEFAULT: EnctypeInfo = resolveEnctype('arcfour-hmac');

/**
 * Expands a CLI enctype list: names, aliases or numbers separated by commas and/or spaces, and
 * the groups `all` and `ad` (case-insensitive). Duplicates are dropped, first occurrence kept.
 * Unknown names are ENCTYPE_UNKNOWN. No policy is applied: run checkEnctypePolicy on each.
 */
export function expandEnctypeList(spec: string): EnctypeInfo[] {
  const tokens = spec.split(/[\s,]+/).filter((t) => t.length > 0);
  if (tokens.length === 0) {
    throw new KtError('ENCTYPE_UNKNOWN', 'no encryption types given', {
      hint: `give names or numbers, or one of: ${Object.keys(ENCTYPE_GROUPS).join(', ')}`,
    });
  }
  const out: EnctypeInfo[] = [];
  const seen = new Set<number>();
  for (const token of tokens) {
    const group = Object.hasOwn(ENCTYPE_GROUPS, token.toLowerCase())
      ? ENCTYPE_GROUPS[token.toLowerCase() as keyof typeof ENCTYPE_GROUPS]
      : [token];
    for (const name of group) {
      const info = resolveEnctype(name);
      if (seen.has(info.id)) continue;
      seen.add(info.id);
      out.push(info);
    }
  }
  return out;
}

/** The enctypes `all` stands for, as records (derivable, not weak). */
export function defaultEnctypes(): EnctypeInfo[] {
  return ENCTYPE_GROUPS.all
    .map((name) => resolveEnctype(name))
    .filter((e) => isDerivable(e) && !e.weak);
}
