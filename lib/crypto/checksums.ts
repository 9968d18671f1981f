/**
 * THE checksum-type table (cf. MIT krb5 lib/crypto/krb/cksumtypes.c): one frozen record per
 * checksum type, looked up by number or name; nothing else switches on checksum numbers.
 *
 * A keyed checksum that belongs to an enctype (RFC 3961 section 4: every enctype names a
 * "required checksum mechanism") takes its functions from that enctype's record, so each is
 * written once, in its family module. The unkeyed checksums of RFC 3961 section 6.1 and MIT's
 * md5-hmac-rc4 are defined here.
 *
 * Names: the RFC 3961 section 8 / IANA name first, MIT's spellings as aliases.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { bytesEqual } from '../bytes.js';
import { KtError } from '../errors.js';
import { ENCTYPES, enctypeById } from './enctypes.js';
import { MD5_HMAC_CHECKSUM } from './families/rc4.js';
import type { ChecksumFunctions } from './families/types.js';
import { modCrc32 } from './primitives/crc32.js';
import { md4 } from './primitives/md4.js';

export interface ChecksumTypeInfo {
  /** IANA checksum type number (negative for Microsoft's). */
  readonly id: number;
  readonly name: string;
  /** Other spellings (MIT, Heimdal, Microsoft); case-insensitive. */
  readonly aliases: readonly string[];
  /** Checksum bytes on the wire. */
  readonly size: number;
  /** Keyed checksums: the accepted key lengths in bytes. Absent for unkeyed checksums. */
  readonly keyLength?: { readonly min: number; readonly max: number };
  /** The enctype whose profile provides the functions (and whose keys the checksum takes). */
  readonly enctype?: number;
  readonly make: ChecksumFunctions['make'];
  readonly verify: ChecksumFunctions['verify'];
}

type Names = Pick<ChecksumTypeInfo, 'id' | 'name' | 'aliases'>;

/** An unkeyed checksum: the key and the usage are ignored (RFC 3961 section 6.1). */
function unkeyed(names: Names, hash: (data: Uint8Array) => Uint8Array): ChecksumTypeInfo {
  return Object.freeze({
    ...names,
    aliases: Object.freeze([...names.aliases]),
    size: hash(new Uint8Array(0)).length,
    make: (_key: Uint8Array, _usage: number, data: Uint8Array) => hash(data),
    verify: (_key: Uint8Array, _usage: number, data: Uint8Array, mac: Uint8Array) =>
      bytesEqual(hash(data), mac),
  });
}

/** The mandatory checksum of an enctype, keyed with that enctype's keys. */
function ofEnctype(names: Names, enctype: number): ChecksumTypeInfo {
  const info = enctypeById(enctype);
  if (!info?.profile)
    throw new KtError(
      'INTERNAL',
      `checksum ${names.id}: enctype ${enctype} has no encryption profile`,
    );
  const { size, make, verify } = info.profile.checksum;
  return Object.freeze({
    ...names,
    aliases: Object.freeze([...names.aliases]),
    size,
    keyLength: Object.freeze({ min: info.keyLength, max: info.keyLength }),
    enctype,
    make,
    verify,
  });
}

/** A keyed checksum over any key length HMAC-MD5 accepts without hashing the key first. */
function anyKey(names: Names, fns: ChecksumFunctions): ChecksumTypeInfo {
  const { size, make, verify } = fns;
  return Object.freeze({
    ...names,
    aliases: Object.freeze([...names.aliases]),
    size,
    keyLength: Object.freeze({ min: 1, max: 64 }),
    make,
    verify,
  });
}

// prettier-ignore
export const CHECKSUM_TYPES: readonly ChecksumTypeInfo[] = Object.freeze([
  // RFC 3961 section 6.1.3: the modified CRC-32 (not zlib's).
  unkeyed({ id: 1, name: 'crc32', aliases: ['CRC32'] }, (data) => modCrc32(data)),
  unkeyed({ id: 2, name: 'rsa-md4', aliases: ['md4'] }, md4),
  ofEnctype({ id: 3, name: 'rsa-md4-des', aliases: ['md4-des'] }, 2),
  unkeyed({ id: 7, name: 'rsa-md5', aliases: ['md5'] }, md5),
  ofEnctype({ id: 8, name: 'rsa-md5-des', aliases: ['md5-des'] }, 3),
  ofEnctype({ id: 12, name: 'hmac-sha1-des3-kd', aliases: ['hmac-sha1-des3'] }, 16),
  // RFC 3961 section 8 lists SHA-1 (unkeyed) as 14 (and as 10, which MIT does not implement).
  unkeyed({ id: 14, name: 'sha1', aliases: [] }, sha1),
  ofEnctype({ id: 15, name: 'hmac-sha1-96-aes128', aliases: [] }, 17),
  ofEnctype({ id: 16, name: 'hmac-sha1-96-aes256', aliases: [] }, 18),
  ofEnctype({ id: 17, name: 'cmac-camellia128', aliases: [] }, 25),
  ofEnctype({ id: 18, name: 'cmac-camellia256', aliases: [] }, 26),
  ofEnctype({ id: 19, name: 'hmac-sha256-128-aes128', aliases: [] }, 19),
  ofEnctype({ id: 20, name: 'hmac-sha384-192-aes256', aliases: [] }, 20),
  // RFC 4757 section 4; [MS-KILE] KERB_CHECKSUM_HMAC_MD5. MIT: hmac-md5-rc4.
  ofEnctype(
    { id: -138, name: 'hmac-md5', aliases: ['hmac-md5-rc4', 'hmac-md5-enc', 'hmac-md5-arcfour', 'hmac-md5-earcfour'] },
    23,
  ),
  anyKey({ id: -137, name: 'md5-hmac-rc4', aliases: [] }, MD5_HMAC_CHECKSUM),
]);

const BY_ID = new Map(CHECKSUM_TYPES.map((c) => [c.id, c]));
const BY_NAME = new Map<string, ChecksumTypeInfo>();
for (const c of CHECKSUM_TYPES)
  for (const n of [c.name, ...c.aliases]) BY_NAME.set(n.toLowerCase(), c);

// Every enctype's mandatory checksum is in the table and takes that enctype's keys.
for (const e of ENCTYPES) {
  if (e.checksumType === undefined) continue;
  const c = BY_ID.get(e.checksumType);
  if (!c?.keyLength || e.keyLength < c.keyLength.min || e.keyLength > c.keyLength.max) {
    throw new KtError(
      'INTERNAL',
      `enctype ${e.id}: mandatory checksum ${e.checksumType} is missing or takes other keys`,
    );
  }
}

export function checksumTypeById(id: number): ChecksumTypeInfo | undefined {
  return BY_ID.get(id);
}

/** Resolves a checksum type by number (e.g. -138) or name (any alias, any case); CHECKSUM_UNKNOWN otherwise. */
export function resolveChecksumType(spec: number | string): ChecksumTypeInfo {
  const text = String(spec).trim();
  const found = /^-?\d+$/.test(text) ? BY_ID.get(Number(text)) : BY_NAME.get(text.toLowerCase());
  if (found) return found;
  throw new KtError('CHECKSUM_UNKNOWN', `unknown checksum type "${text}"`, {
    details: { cksumtype: text },
    hint: `known checksum types: ${CHECKSUM_TYPES.map((c) => `${c.name} (${c.id})`).join(', ')}`,
  });
}
