/**
 * THE enctype table: one frozen record per enctype (cf. MIT krb5 lib/crypto/krb/etypes.c).
 * Everything else looks enctypes up here; nothing else switches on enctype numbers.
 *
 * Flags: `weak` = refused unless the user allows weak crypto (single DES, RFC 6649; the
 * 40-bit export RC4); `deprecated` = accepted with a warning (3DES and RC4, RFC 8429);
 * `salted` = string-to-key uses the salt (RC4 ignores it, RFC 4757).
 *
 * What other standards call an enctype is here too, so that no other module needs its number:
 * `ktpassName`/`ktpassLabel` (ktpass's /crypto spelling and what it prints), `adBit`/`adName`
 * (the msDS-SupportedEncryptionTypes bit, [MS-KILE] 2.2.7) and `preference` (MIT's
 * strongest-first order). Named groups of enctypes live in policy.ts.
 *
 * Derivable records carry their family's functions (string-to-key, random-to-key, key
 * derivation, and the encryption profile: encrypt, decrypt, checksum, PRF), built by the family
 * modules from parameters; records known by number only (5, 7, 8) have neither family nor
 * functions. `checksumType` is the enctype's mandatory checksum (RFC 3961 "required checksum
 * mechanism"), a number of the checksum table in checksums.ts.
 */
import { KtError } from '../errors.js';
import { aesSha1 } from './families/aes-sha1.js';
import { aesSha2 } from './families/aes-sha2.js';
import { camellia } from './families/camellia.js';
import { des } from './families/des.js';
import { des3 } from './families/des3.js';
import { rc4 } from './families/rc4.js';
import type { FamilyFactory, FamilyFunctions } from './families/types.js';

export type EnctypeFamily = 'des' | 'des3' | 'rc4' | 'aes-sha1' | 'aes-sha2' | 'camellia';

export interface EnctypeInfo {
  /** IANA etype number. */
  readonly id: number;
  /** Canonical MIT name. */
  readonly name: string;
  /** Other accepted spellings: MIT aliases, Heimdal names, ktpass /crypto names. Case-insensitive. */
  readonly aliases: readonly string[];
  /** ktpass's /crypto name, which it also prints (`etype 0x12 (AES256-SHA1)`), when ktpass knows the enctype. */
  readonly ktpassName?: string;
  /** What ktpass prints after `etype 0x..` when that differs from its /crypto name (RC4). */
  readonly ktpassLabel?: string;
  /** The msDS-SupportedEncryptionTypes bit that allows the enctype ([MS-KILE] 2.2.7), for the five AD knows. */
  readonly adBit?: number;
  /** The name [MS-KILE] 2.2.7 gives that bit. */
  readonly adName?: string;
  /**
   * Rank in MIT's strongest-first order (1 = most preferred): krb5.conf family names expand in
   * this order (AES-SHA1 before AES-SHA2 before Camellia, longer keys first; lib/krb5/krb/init_ctx.c),
   * and session-key offers follow it. Absent for enctypes no MIT family name stands for.
   */
  readonly preference?: number;
  readonly family?: EnctypeFamily;
  /** Key length in bytes. */
  readonly keyLength: number;
  readonly weak: boolean;
  readonly deprecated: boolean;
  /** Whether string-to-key uses the salt (false for RC4, whose key is MD4 of the password). */
  readonly salted: boolean;
  /** Why the enctype is weak or deprecated, naming the RFC (shown by the policy checks). */
  readonly policyNote?: string;
  /** random-to-key input length in bytes (RFC 3961 "key-generation seed length"). */
  readonly seedLength: number;
  /** PBKDF2 enctypes: iterations when none are given (AES-SHA1 4096, AES-SHA2/Camellia 32768). */
  readonly defaultIterations?: number;
  /** string-to-key over bytes; `stringToKey()` in string-to-key.ts is the checked entry point. */
  readonly stringToKey?: FamilyFunctions['stringToKey'];
  readonly randomToKey?: FamilyFunctions['randomToKey'];
  /** Simplified-profile key derivation (Kc/Ke/Ki of a usage): DES3, AES, Camellia. */
  readonly deriveKey?: FamilyFunctions['deriveKey'];
  /** The mandatory keyed checksum type (RFC 3961 section 4; RFC 3962, 4757, 6803, 8009). */
  readonly checksumType?: number;
  /** Encryption profile; `encrypt()`/`decrypt()` in profiles.ts are the checked entry points. */
  readonly profile?: FamilyFunctions['profile'];
}

/** An enctype whose keys this toolkit can make. */
export interface DerivableEnctype extends EnctypeInfo {
  readonly family: EnctypeFamily;
  readonly stringToKey: FamilyFunctions['stringToKey'];
  readonly randomToKey: FamilyFunctions['randomToKey'];
}

export function isDerivable(info: EnctypeInfo): info is DerivableEnctype {
  return (
    info.family !== undefined && info.stringToKey !== undefined && info.randomToKey !== undefined
  );
}

type RecordBase = Omit<
  EnctypeInfo,
  'seedLength' | 'defaultIterations' | 'stringToKey' | 'randomToKey' | 'deriveKey' | 'profile'
> & {
  readonly seedLength?: number;
};

/** Freezes a record; with a family factory, adds the family's functions and sizes. */
function T(base: RecordBase, make?: FamilyFactory): EnctypeInfo {
  const aliases = Object.freeze([...base.aliases]);
  if (!make) {
    if (base.seedLength === undefined)
      throw new KtError('INTERNAL', `enctype ${base.id}: no family and no seed length`);
    return Object.freeze({ ...base, aliases, seedLength: base.seedLength });
  }
  const fns = make({ name: base.name, keyLength: base.keyLength });
  if (fns.family !== base.family) {
    throw new KtError(
      'INTERNAL',
      `enctype ${base.id}: the record says family ${String(base.family)}, its functions are ${fns.family}`,
    );
  }
  if ((fns.profile === undefined) !== (base.checksumType === undefined)) {
    throw new KtError(
      'INTERNAL',
      `enctype ${base.id}: an encryption profile and a mandatory checksum type go together`,
    );
  }
  return Object.freeze({ ...base, ...fns, aliases });
}

const RFC6649_DES = 'single DES: 56-bit keys are broken (deprecated by RFC 6649)';
const RFC6649_EXP = '40-bit export-grade RC4 (deprecated by RFC 6649)';
const RFC8429_DES3 = 'triple DES is deprecated by RFC 8429 (64-bit blocks, no PBKDF2 stretching)';
const RFC8429_RC4 =
  'RC4-HMAC is deprecated by RFC 8429 (RC4 biases; the key is an unsalted MD4 of the password)';
const PRE_STANDARD = 'pre-RFC 3961 enctype that was never standardised';

/** Known enctypes in MIT's preference order of the table. */
// prettier-ignore
export const ENCTYPES: readonly EnctypeInfo[] = Object.freeze([
  T({ id: 1, name: 'des-cbc-crc', aliases: ['DES-CBC-CRC'], ktpassName: 'DES-CBC-CRC', adBit: 0x1, adName: 'DES-CBC-CRC', preference: 9, family: 'des', keyLength: 8, checksumType: 8, salted: true, weak: true, deprecated: true, policyNote: RFC6649_DES }, des({ integrity: 'crc32', checksum: 'md5', initialState: 'key' })),
  T({ id: 2, name: 'des-cbc-md4', aliases: [], preference: 11, family: 'des', keyLength: 8, checksumType: 3, salted: true, weak: true, deprecated: true, policyNote: RFC6649_DES }, des({ integrity: 'md4', checksum: 'md4', initialState: 'zero' })),
  T({ id: 3, name: 'des-cbc-md5', aliases: ['des', 'DES-CBC-MD5'], ktpassName: 'DES-CBC-MD5', adBit: 0x2, adName: 'DES-CBC-MD5', preference: 10, family: 'des', keyLength: 8, checksumType: 8, salted: true, weak: true, deprecated: true, policyNote: RFC6649_DES }, des({ integrity: 'md5', checksum: 'md5', initialState: 'zero' })),
  T({ id: 16, name: 'des3-cbc-sha1', aliases: ['des3-hmac-sha1', 'des3-cbc-sha1-kd'], preference: 7, family: 'des3', keyLength: 24, checksumType: 12, salted: true, weak: false, deprecated: true, policyNote: RFC8429_DES3 }, des3),
  T({ id: 17, name: 'aes128-cts-hmac-sha1-96', aliases: ['aes128-cts', 'aes128-sha1', 'AES128-SHA1', 'aes128'], ktpassName: 'AES128-SHA1', adBit: 0x8, adName: 'AES128-CTS-HMAC-SHA1-96', preference: 2, family: 'aes-sha1', keyLength: 16, checksumType: 15, salted: true, weak: false, deprecated: false }, aesSha1),
  T({ id: 18, name: 'aes256-cts-hmac-sha1-96', aliases: ['aes256-cts', 'aes256-sha1', 'AES256-SHA1', 'aes256'], ktpassName: 'AES256-SHA1', adBit: 0x10, adName: 'AES256-CTS-HMAC-SHA1-96', preference: 1, family: 'aes-sha1', keyLength: 32, checksumType: 16, salted: true, weak: false, deprecated: false }, aesSha1),
  T({ id: 19, name: 'aes128-cts-hmac-sha256-128', aliases: ['aes128-sha2', 'AES128-SHA256'], preference: 4, family: 'aes-sha2', keyLength: 16, checksumType: 19, salted: true, weak: false, deprecated: false }, aesSha2({ hash: 'sha256', macLength: 16 })),
  T({ id: 20, name: 'aes256-cts-hmac-sha384-192', aliases: ['aes256-sha2', 'AES256-SHA384'], preference: 3, family: 'aes-sha2', keyLength: 32, checksumType: 20, salted: true, weak: false, deprecated: false }, aesSha2({ hash: 'sha384', macLength: 24 })),
  T({ id: 23, name: 'arcfour-hmac', aliases: ['rc4-hmac', 'arcfour-hmac-md5', 'RC4-HMAC-NT', 'rc4'], ktpassName: 'RC4-HMAC-NT', ktpassLabel: 'RC4-HMAC', adBit: 0x4, adName: 'RC4-HMAC', preference: 8, family: 'rc4', keyLength: 16, checksumType: -138, salted: false, weak: false, deprecated: true, policyNote: RFC8429_RC4 }, rc4({ exportGrade: false })),
  T({ id: 24, name: 'arcfour-hmac-exp', aliases: ['rc4-hmac-exp', 'arcfour-hmac-md5-exp'], family: 'rc4', keyLength: 16, checksumType: -138, salted: false, weak: true, deprecated: true, policyNote: RFC6649_EXP }, rc4({ exportGrade: true })),
  T({ id: 25, name: 'camellia128-cts-cmac', aliases: ['camellia128-cts'], preference: 6, family: 'camellia', keyLength: 16, checksumType: 17, salted: true, weak: false, deprecated: false }, camellia),
  T({ id: 26, name: 'camellia256-cts-cmac', aliases: ['camellia256-cts'], preference: 5, family: 'camellia', keyLength: 32, checksumType: 18, salted: true, weak: false, deprecated: false }, camellia),
  // Known by number only: read and shown, never derived.
  T({ id: 5, name: 'des3-cbc-md5', aliases: [], keyLength: 24, seedLength: 21, salted: true, weak: true, deprecated: true, policyNote: PRE_STANDARD }),
  T({ id: 7, name: 'old-des3-cbc-sha1', aliases: ['des3-cbc-sha1-old'], keyLength: 24, seedLength: 21, salted: true, weak: true, deprecated: true, policyNote: PRE_STANDARD }),
  T({ id: 8, name: 'des-hmac-sha1', aliases: [], keyLength: 8, seedLength: 7, salted: true, weak: true, deprecated: true, policyNote: PRE_STANDARD }),
]);

const BY_ID = new Map(ENCTYPES.map((e) => [e.id, e]));
const BY_NAME = new Map<string, EnctypeInfo>();
for (const e of ENCTYPES) for (const n of [e.name, ...e.aliases]) BY_NAME.set(n.toLowerCase(), e);

/** An enctype Active Directory knows, with its msDS-SupportedEncryptionTypes bit. */
export type AdEnctype = EnctypeInfo & { readonly adBit: number; readonly adName: string };

/**
 * The msDS-SupportedEncryptionTypes enctype bits ([MS-KILE] 2.2.7, A..E) in bit order: the
 * single table lib/ad/flags.ts and lib/verify/directory.ts read.
 */
export const AD_ENCTYPES: readonly AdEnctype[] = Object.freeze(
  ENCTYPES.filter((e): e is AdEnctype => e.adBit !== undefined && e.adName !== undefined).sort(
    (a, b) => a.adBit - b.adBit,
  ),
);

export function enctypeById(id: number): EnctypeInfo | undefined {
  return BY_ID.get(id);
}

/** The MIT name of an enctype, or `etype N` for a number we do not know (as klist prints it). */
export function enctypeName(id: number): string {
  return BY_ID.get(id)?.name ?? `etype ${id}`;
}

/** Resolves a name (any alias, any case) or a number. Throws ENCTYPE_UNKNOWN listing valid names. */
export function resolveEnctype(spec: string | number): EnctypeInfo {
  const text = String(spec).trim();
  const found = /^\d+$/.test(text) ? BY_ID.get(Number(text)) : BY_NAME.get(text.toLowerCase());
  if (found) return found;
  throw new KtError('ENCTYPE_UNKNOWN', `unknown encryption type "${text}"`, {
    details: { enctype: text },
    hint: `valid names: ${ENCTYPES.filter((e) => e.family)
      .map((e) => e.name)
      .join(', ')} (or their numbers)`,
  });
}
