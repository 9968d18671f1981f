/**
 * The kpasswd protocol's messages (RFC 3244; the older version 1 form of draft-ietf-cat-kerb-chg-password):
 *
 *   request = message length (2) | version (2: 0x0001 change, 0xff80 set) | AP-REQ length (2)
 *             | AP-REQ | KRB-PRIV( user-data = the new password (v1) or ChangePasswdData (0xff80) )
 *   reply   = message length (2) | version (2) | AP-REP length (2) | AP-REP | KRB-PRIV( result )
 *             or, when the AP-REP length is 0 (or without the header at all), a KRB-ERROR whose
 *             e-data is the result
 *   result  = result code (2, big endian) | result string (UTF-8, or AD's binary policy blob)
 *
 *   ChangePasswdData ::= SEQUENCE { newpasswd [0] OCTET STRING, targname [1] PrincipalName OPTIONAL,
 *                                   targrealm [2] Realm OPTIONAL }
 *   KRB-PRIV ::= [APPLICATION 21] SEQUENCE { pvno [0], msg-type [1], enc-part [3] EncryptedData }
 *   EncKrbPrivPart ::= [APPLICATION 28] SEQUENCE { user-data [0] OCTET STRING, timestamp [1] KerberosTime
 *       OPTIONAL, usec [2] Microseconds OPTIONAL, seq-number [3] UInt32 OPTIONAL, s-address [4] HostAddress,
 *       r-address [5] HostAddress OPTIONAL }
 *
 * Pure: no sockets, no clock, no randomness of its own. Secrets never reach an error message.
 */
import { concatBytes } from '../bytes.js';
import { KtError } from '../errors.js';
import { MSG_TYPE } from './constants.js';
import {
  decodeInteger,
  decodeTlv,
  derApplication,
  derExplicit,
  derSequence,
  field,
  sequenceFields,
  unwrapApplication,
} from './der.js';
import {
  fieldsOf,
  kstring,
  octets,
  readFields,
  time,
  uint32,
  usec,
  writeFields,
  type Codec,
} from './der-codec.js';
import { decodeKrbError } from './messages.js';
import { encodeMessage } from './message-frame.js';
import { encryptedData, hostAddress, principalName } from './message-parts.js';
import type { EncryptedData, HostAddress, KrbError, PrincipalName } from './message-types.js';

/** The request versions: 1 = change my password (old form), 0xff80 = RFC 3244 set/change. */
export const KPASSWD_VERSION = Object.freeze({ CHANGE: 0x0001, SET: 0xff80 } as const);

/** The default kpasswd port (RFC 3244 section 2). */
export const KPASSWD_PORT = 464;

const ENC_KRB_PRIV_PART = 28;

/** Result codes (RFC 3244 section 2; 5-7 from the implementations: MIT, Heimdal, Windows). */
// prettier-ignore
export const KPASSWD_RESULTS: readonly { readonly code: number; readonly name: string; readonly meaning: string }[] = Object.freeze([
  { code: 0, name: 'KRB5_KPASSWD_SUCCESS', meaning: 'the password was changed' },
  { code: 1, name: 'KRB5_KPASSWD_MALFORMED', meaning: 'the server could not read the request' },
  { code: 2, name: 'KRB5_KPASSWD_HARDERROR', meaning: 'the server failed to change the password' },
  { code: 3, name: 'KRB5_KPASSWD_AUTHERROR', meaning: 'the server did not accept the ticket' },
  { code: 4, name: 'KRB5_KPASSWD_SOFTERROR', meaning: 'the password policy refused the new password' },
  { code: 5, name: 'KRB5_KPASSWD_ACCESSDENIED', meaning: 'not allowed to change this password' },
  { code: 6, name: 'KRB5_KPASSWD_BAD_VERSION', meaning: 'the server does not speak this protocol version' },
  { code: 7, name: 'KRB5_KPASSWD_INITIAL_FLAG_NEEDED', meaning: 'the server wants an initial ticket (an AS exchange), not one from a TGT' },
]);

export function kpasswdResultInfo(code: number): {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
} {
  return (
    KPASSWD_RESULTS.find((r) => r.code === code) ?? {
      code,
      name: `KPASSWD_RESULT_${code}`,
      meaning: 'an unknown result code',
    }
  );
}

/** AD's password policy, as a SOFTERROR's result string carries it ([MS-KILE] 3.1.5.13? MIT chpw.c). */
export interface AdPolicyInfo {
  readonly minLength: number;
  readonly history: number;
  /** DOMAIN_PASSWORD_COMPLEX = 1, ... */
  readonly properties: number;
  /** Maximum age in seconds (0: never expires). */
  readonly maxAgeSeconds: number;
  /** Minimum age in seconds. */
  readonly minAgeSeconds: number;
}

const AD_POLICY_LENGTH = 30;
const TICKS_PER_SECOND = 10_000_000n;

function u16(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}

/** The 30-byte blob: 0x0000, min length (4), history (4), properties (4), max age (8), min age (8), big endian. */
export function decodeAdPolicy(data: Uint8Array): AdPolicyInfo | undefined {
  if (data.length !== AD_POLICY_LENGTH || data[0] !== 0 || data[1] !== 0) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  const ticks = (at: number): number => Number(v.getBigUint64(at) / TICKS_PER_SECOND);
  return {
    minLength: v.getUint32(2),
    history: v.getUint32(6),
    properties: v.getUint32(10),
    maxAgeSeconds: ticks(14),
    minAgeSeconds: ticks(22),
  };
}

const DAY = 86_400;

function span(seconds: number): string {
  if (seconds >= DAY) {
    const d = Math.round(seconds / DAY);
    return d === 1 ? '1 day' : `${d} days`;
  }
  const h = Math.max(1, Math.round(seconds / 3600));
  return h === 1 ? '1 hour' : `${h} hours`;
}

/** AD's policy in words (MIT's chpw.c says the same things). */
export function adPolicyWords(p: AdPolicyInfo): string[] {
  const out: string[] = [];
  if (p.minLength > 0) out.push(`the password must be at least ${p.minLength} characters long`);
  if (p.properties & 1)
    out.push(
      'the password must mix upper case, lower case, digits and symbols and not contain the account name',
    );
  if (p.history > 0)
    out.push(
      p.history === 1
        ? 'the password must differ from the previous one'
        : `the password must differ from the previous ${p.history} passwords`,
    );
  if (p.minAgeSeconds > 0)
    out.push(
      `the password can be changed only once every ${span(p.minAgeSeconds)} (the domain's minimum password age)`,
    );
  return out;
}

/** A kpasswd server's answer, decoded but not yet judged. */
export interface KpasswdResult {
  readonly resultCode: number;
  readonly resultName: string;
  readonly meaning: string;
  /** The result string as text (empty when it was AD's policy blob). */
  readonly text: string;
  readonly adPolicy?: AdPolicyInfo | undefined;
  /** How the result came: inside a KRB-PRIV (authenticated) or in a KRB-ERROR's e-data (not). */
  readonly via: 'krb-priv' | 'krb-error';
  /** The KRB-ERROR when the server answered with one. */
  readonly error?: KrbError | undefined;
}

/** result code (2) | result string. */
export function decodeResult(
  data: Uint8Array,
  via: KpasswdResult['via'],
  error?: KrbError,
): KpasswdResult {
  if (data.length < 2)
    throw new KtError(
      'KRB_BAD_MESSAGE',
      `a kpasswd result of ${data.length} bytes (at least 2 expected)`,
    );
  const code = u16(data, 0);
  const rest = data.subarray(2);
  const info = kpasswdResultInfo(code);
  const adPolicy = decodeAdPolicy(rest);
  let text = '';
  if (adPolicy === undefined) {
    text = new TextDecoder('utf-8', { fatal: false })
      .decode(rest)
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim();
  }
  return {
    resultCode: code,
    resultName: info.name,
    meaning: info.meaning,
    text,
    adPolicy,
    via,
    ...(error ? { error } : {}),
  };
}

interface ChangePasswdData {
  readonly password: Uint8Array;
  readonly targname?: PrincipalName | undefined;
  readonly targrealm?: string | undefined;
}

const cpw = fieldsOf<ChangePasswdData>();
const CHANGE_PASSWD_FIELDS = [
  cpw(0, 'newpasswd', 'password', octets),
  cpw(1, 'targname', 'targname', principalName, true),
  cpw(2, 'targrealm', 'targrealm', kstring, true),
];

/** ChangePasswdData for version 0xff80 (set-password when the target is given). */
export function encodeChangePasswdData(
  password: Uint8Array,
  target?: { name: PrincipalName; realm: string },
): Uint8Array {
  return derSequence(
    writeFields(CHANGE_PASSWD_FIELDS, {
      password,
      targname: target?.name,
      targrealm: target?.realm,
    }),
  );
}

/** The server's side of ChangePasswdData (fake servers in tests). */
export function decodeChangePasswdData(bytes: Uint8Array): {
  password: Uint8Array;
  targname?: PrincipalName | undefined;
  targrealm?: string | undefined;
} {
  return readFields(sequenceFields(decodeTlv(bytes), 'ChangePasswdData'), CHANGE_PASSWD_FIELDS);
}

export interface EncKrbPrivPart {
  readonly userData: Uint8Array;
  readonly timestamp?: Date | undefined;
  readonly usec?: number | undefined;
  readonly seqNumber?: number | undefined;
  readonly sAddress?: HostAddress | undefined;
}

/** seq-number as read: any INTEGER, taken modulo 2^32; written as a UInt32. */
const seqNumber: Codec<number> = {
  decode: (t, w) => decodeInteger(t, w) >>> 0,
  encode: uint32.encode,
};

const priv = fieldsOf<EncKrbPrivPart>();
// prettier-ignore
const PRIV_PART_FIELDS = [
  priv(0, 'user-data', 'userData', octets),
  priv(1, 'timestamp', 'timestamp', time, true),
  priv(2, 'usec', 'usec', usec, true),
  priv(3, 'seq-number', 'seqNumber', seqNumber, true),
  priv(4, 's-address', 'sAddress', hostAddress, true),
];
/** What is read of a reply's EncKrbPrivPart: its s-address is not (the client checks nothing about it). */
const PRIV_PART_READ = PRIV_PART_FIELDS.filter((f) => f.key !== 'sAddress');

export function encodeEncKrbPrivPart(p: EncKrbPrivPart): Uint8Array {
  return derApplication(ENC_KRB_PRIV_PART, derSequence(writeFields(PRIV_PART_FIELDS, p)));
}

export function decodeEncKrbPrivPart(plain: Uint8Array): EncKrbPrivPart {
  return readFields(
    sequenceFields(
      unwrapApplication(decodeTlv(plain), ENC_KRB_PRIV_PART, 'EncKrbPrivPart'),
      'EncKrbPrivPart',
    ),
    PRIV_PART_READ,
  );
}

/** KRB-PRIV ::= [APPLICATION 21] SEQUENCE { pvno [0], msg-type [1], enc-part [3] EncryptedData } */
export function encodeKrbPriv(encPart: EncryptedData): Uint8Array {
  return encodeMessage(MSG_TYPE.KRB_PRIV, 0, [derExplicit(3, encryptedData.encode(encPart))]);
}

/** The enc-part of a KRB-PRIV (pvno and msg-type are not checked). */
export function decodeKrbPriv(bytes: Uint8Array): EncryptedData {
  const f = sequenceFields(
    unwrapApplication(decodeTlv(bytes), MSG_TYPE.KRB_PRIV, 'KRB-PRIV'),
    'KRB-PRIV',
  );
  return field(f, 3, 'enc-part', encryptedData.decode);
}

/** The 6-byte header and the two messages. */
export function frameKpasswdRequest(
  version: number,
  apReq: Uint8Array,
  krbPriv: Uint8Array,
): Uint8Array {
  const length = 6 + apReq.length + krbPriv.length;
  if (length > 0xffff || apReq.length > 0xffff)
    throw new KtError(
      'INPUT_TOO_LARGE',
      `a kpasswd request of ${length} bytes does not fit its 16-bit length`,
    );
  const head = Uint8Array.from([
    length >> 8,
    length & 0xff,
    version >> 8,
    version & 0xff,
    apReq.length >> 8,
    apReq.length & 0xff,
  ]);
  return concatBytes(head, apReq, krbPriv);
}

/** A reply split into its parts: AP-REP + KRB-PRIV, or a KRB-ERROR. */
export type KpasswdReplyParts =
  | {
      readonly kind: 'priv';
      readonly version: number;
      readonly apRep: Uint8Array;
      readonly krbPriv: Uint8Array;
    }
  | { readonly kind: 'error'; readonly error: KrbError };

const KRB_ERROR_TAG = 0x7e; // [APPLICATION 30], constructed

function bad(message: string): KtError {
  return new KtError('KRB_BAD_MESSAGE', `kpasswd reply: ${message}`);
}

export function splitKpasswdReply(reply: Uint8Array): KpasswdReplyParts {
  if (reply.length > 0 && reply[0] === KRB_ERROR_TAG)
    return { kind: 'error', error: decodeKrbError(reply) };
  if (reply.length < 6) throw bad(`${reply.length} bytes, shorter than its header`);
  const length = u16(reply, 0);
  const version = u16(reply, 2);
  const apLength = u16(reply, 4);
  if (length !== reply.length) throw bad(`announces ${length} bytes, has ${reply.length}`);
  if (version !== KPASSWD_VERSION.CHANGE && version !== KPASSWD_VERSION.SET)
    throw bad(`unknown version 0x${version.toString(16)}`);
  if (apLength === 0) return { kind: 'error', error: decodeKrbError(reply.subarray(6)) };
  if (6 + apLength > reply.length) throw bad(`an AP-REP of ${apLength} bytes does not fit`);
  return {
    kind: 'priv',
    version,
    apRep: reply.subarray(6, 6 + apLength),
    krbPriv: reply.subarray(6 + apLength),
  };
}
