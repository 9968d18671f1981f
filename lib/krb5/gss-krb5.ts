/**
 * The GSS-API Kerberos V5 mechanism, initiator side (RFC 1964 section 1.1, RFC 4121 section
 * 4.1): the initial context token that carries an AP-REQ, and the acceptor's AP-REP. Pure:
 * randomness and the clock are passed in. Wrap tokens are in gss-wrap.ts (RFC 4121) and
 * gss-wrap-rc4.ts (RFC 4757), chosen in gss-protect.ts.
 *
 *   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *       thisMech MechType,                        -- 1.2.840.113554.1.2.2
 *       innerContextToken ANY }                   -- TOK_ID 01 00 || AP-REQ
 *
 * The Authenticator's checksum is the GSS checksum, type 0x8003 (RFC 4121 section 4.1.1):
 * Lgth (4 octets, little endian, = 16) || Bnd (16 octets: MD5 of the channel bindings, zero
 * when there are none) || Flags (4 octets, little endian: mutual 2, replay 4, sequence 8,
 * conf 16, integ 32). The authenticator carries a fresh subkey and the initiator's first
 * sequence number; the AP-REP (mutual authentication) carries the acceptor's.
 */
import { concatBytes } from '../bytes.js';
import { decrypt, encrypt } from '../crypto/profiles.js';
import type { RandomSource } from '../crypto/profiles.js';
import { resolveEnctype } from '../crypto/enctypes.js';
import { KtError } from '../errors.js';
import type { KrbCredentials, KrbKey } from './client.js';
import { KEY_USAGE, MSG_TYPE } from './constants.js';
import { frameMechToken, KRB5_MECH_OID } from './gss-framing.js';
import {
  decodeInteger,
  decodeMicroseconds,
  decodeOctetString,
  decodeTime,
  decodeTlv,
  derError,
  field,
  optionalField,
  readTlv,
  sequenceFields,
  TAG_CLASS,
  unwrapApplication,
} from './der.js';
import type { Tlv } from './der.js';
import {
  decodeEncryptedDataTlv,
  decodeKrbError,
  encodeApReq,
  encodeAuthenticator,
  toPrincipalName,
} from './messages.js';
import type { KrbError } from './messages.js';

export { KRB5_MECH_OID } from './gss-framing.js';

const TOK_AP_REQ = 0x0100;
const TOK_AP_REP = 0x0200;
const TOK_ERROR = 0x0300;
const GSS_CHECKSUM_TYPE = 0x8003;

/** GSS context flags (RFC 2744 / RFC 4121 section 4.1.1.1). */
export const GSS_FLAGS = Object.freeze({
  DELEG: 1,
  MUTUAL: 2,
  REPLAY: 4,
  SEQUENCE: 8,
  CONF: 16,
  INTEG: 32,
} as const);

/** APOptions mutual-required (RFC 4120 section 5.5.1: bit 2), in the UInt32 form of derFlags. */
const AP_OPTION_MUTUAL_REQUIRED = 0x80000000 >>> 2;

export interface InitiatorState {
  /** The service ticket's session key. */
  readonly sessionKey: KrbKey;
  /** The subkey sent in the authenticator. */
  readonly subkey: KrbKey;
  /** The initiator's first sequence number. */
  readonly sendSeq: number;
  readonly ctime: Date;
  readonly cusec: number;
  readonly flags: number;
}

export interface AcceptorReply {
  /** The acceptor's subkey, when it chose one (then it protects every token). */
  readonly subkey: KrbKey | undefined;
  /** The acceptor's first sequence number. */
  readonly recvSeq: number;
}

function gssError(message: string, details: Record<string, string | number> = {}): KtError {
  return new KtError('GSS_FAILURE', message, { details });
}

/** A fresh random key of the session key's enctype (random-to-key of a random seed). */
function randomKey(enctype: number, random: RandomSource): KrbKey {
  const info = resolveEnctype(enctype);
  if (!info.randomToKey) throw gssError(`no random keys for ${info.name}`);
  return { enctype, key: info.randomToKey(random(info.seedLength)) };
}

function u32le(n: number): Uint8Array {
  return Uint8Array.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

/** The initial context token for a service ticket, and what the initiator must remember. */
export function initSecContext(
  ticket: KrbCredentials,
  options: { now: Date; random: RandomSource; flags?: number },
): { token: Uint8Array; state: InitiatorState } {
  const flags =
    options.flags ??
    GSS_FLAGS.MUTUAL | GSS_FLAGS.SEQUENCE | GSS_FLAGS.REPLAY | GSS_FLAGS.CONF | GSS_FLAGS.INTEG;
  const sessionKey = ticket.sessionKey;
  const subkey = randomKey(sessionKey.enctype, options.random);
  const seq = options.random(4);
  const sendSeq = ((seq[0]! << 24) | (seq[1]! << 16) | (seq[2]! << 8) | seq[3]!) & 0x3fffffff;
  const ms = options.now.getTime();
  const ctime = new Date(Math.floor(ms / 1000) * 1000);
  const cusec = (ms % 1000) * 1000;
  const cksum = concatBytes(u32le(16), new Uint8Array(16), u32le(flags));
  const authenticator = encodeAuthenticator({
    crealm: ticket.client.realm,
    cname: toPrincipalName(ticket.client),
    cksum: { cksumtype: GSS_CHECKSUM_TYPE, checksum: cksum },
    cusec,
    ctime,
    subkey: { keytype: subkey.enctype, keyvalue: subkey.key },
    seqNumber: sendSeq,
  });
  const apReq = encodeApReq({
    apOptions: flags & GSS_FLAGS.MUTUAL ? AP_OPTION_MUTUAL_REQUIRED : 0,
    ticket: ticket.ticket,
    ticketBytes: ticket.ticketBytes,
    authenticator: {
      etype: sessionKey.enctype,
      cipher: encrypt(sessionKey.enctype, sessionKey.key, KEY_USAGE.AP_REQ_AUTH, authenticator, {
        random: options.random,
      }),
    },
  });
  return {
    token: frameMechToken(TOK_AP_REQ, apReq),
    state: { sessionKey, subkey, sendSeq, ctime, cusec, flags },
  };
}

/** The acceptor's answer: an AP-REP (mutual authentication) or a KRB-ERROR. */
export type AcceptorToken =
  | { readonly kind: 'ap-rep'; readonly reply: AcceptorReply }
  | { readonly kind: 'error'; readonly error: KrbError };

/** Reads the acceptor's token and checks the AP-REP against what was sent. */
export function acceptorToken(token: Uint8Array, state: InitiatorState): AcceptorToken {
  const outer = decodeTlv(token);
  if (outer.tagClass !== TAG_CLASS.APPLICATION || outer.tagNumber !== 0)
    throw gssError('the acceptor token is not a GSS-API token');
  const inner = outer.value;
  const oid = readTlv(inner, 0);
  if (oid.raw.length !== KRB5_MECH_OID.length || !oid.raw.every((b, i) => b === KRB5_MECH_OID[i]))
    throw gssError('the acceptor answered with another mechanism than Kerberos V5');
  const at = oid.raw.length;
  if (at + 2 > inner.length) throw derError(outer.valueOffset + at, 'GSS token without a TOK_ID');
  const tokId = (inner[at]! << 8) | inner[at + 1]!;
  const body = inner.subarray(at + 2);
  if (tokId === TOK_ERROR) return { kind: 'error', error: decodeKrbError(body) };
  if (tokId !== TOK_AP_REP)
    throw gssError(`unexpected GSS token id 0x${tokId.toString(16).padStart(4, '0')}`);
  return { kind: 'ap-rep', reply: openApRep(body, state) };
}

/** AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0], msg-type [1], enc-part [2] } */
export function openApRep(bytes: Uint8Array, state: InitiatorState): AcceptorReply {
  const f = sequenceFields(
    unwrapApplication(decodeTlv(bytes), MSG_TYPE.AP_REP, 'AP-REP'),
    'AP-REP',
  );
  const encPart = field(f, 2, 'enc-part', decodeEncryptedDataTlv);
  let plain: Uint8Array;
  try {
    plain = decrypt(encPart.etype, state.sessionKey.key, KEY_USAGE.AP_REP_ENC_PART, encPart.cipher);
  } catch (err) {
    throw new KtError(
      'GSS_FAILURE',
      'the AP-REP does not decrypt with the session key: not the service the ticket was for',
      { cause: err },
    );
  }
  // EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0], cusec [1], subkey [2] OPTIONAL, seq-number [3] OPTIONAL }
  const p = sequenceFields(unwrapApplication(decodeTlv(plain), 27, 'EncAPRepPart'), 'EncAPRepPart');
  const ctime = field(p, 0, 'ctime', decodeTime);
  const cusec = field(p, 1, 'cusec', decodeMicroseconds);
  if (ctime.getTime() !== state.ctime.getTime() || cusec !== state.cusec)
    throw gssError('the AP-REP does not echo the authenticator time: a replayed or forged answer');
  const subkey = optionalField(p, 2, 'subkey', decodeKey);
  const seq = optionalField(p, 3, 'seq-number', (t: Tlv, w: string) => decodeInteger(t, w) >>> 0);
  return { subkey, recvSeq: seq ?? 0 };
}

function decodeKey(tlv: Tlv, what: string): KrbKey {
  const f = sequenceFields(tlv, what);
  return {
    enctype: field(f, 0, 'keytype', decodeInteger),
    key: field(f, 1, 'keyvalue', decodeOctetString),
  };
}
