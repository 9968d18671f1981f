/**
 * The KDC's side of the Kerberos messages (RFC 4120 section 5): reading AS-REQ / TGS-REQ and
 * their pre-authentication data, writing AS-REP / TGS-REP, tickets' encrypted parts and the
 * ETYPE-INFO hints. Nothing in the toolkit plays a KDC: this module serves the fake KDCs of the
 * tests (test/helpers/fake-kdc*.ts), and the package neither builds nor exports it. The client's
 * side, which the package does export (`keytab/krb5`), is lib/krb5/messages.ts.
 *
 * Pure, like messages.ts: decoders throw only KtError('KRB_BAD_MESSAGE') with the offset.
 */
import {
  TAG_CLASS,
  decodeBoolean,
  decodeFlags,
  decodeInt32,
  decodeMicroseconds,
  decodeString,
  decodeTime,
  decodeTlv,
  decodeUInt32,
  derApplication,
  derError,
  derExplicit,
  derFlags,
  derGeneralString,
  derInteger,
  derOctetString,
  derSequence,
  derTime,
  field,
  optionalField,
  seqOf,
  sequenceFields,
  tagName,
  unwrapApplication,
  type Tlv,
} from './der.js';
import { APP_TAG, KRB5_PVNO, MSG_TYPE } from './constants.js';
import {
  decodeEncryptedDataTlv,
  decodeHostAddressTlv,
  decodePaDataTlv,
  decodePadded,
  decodePrincipalNameTlv,
  decodeTicketTlv,
  encodeAuthorizationData,
  encodeEncryptedData,
  encodeEncryptionKey,
  encodeHostAddresses,
  encodeMethodData,
  encodePrincipalName,
  encodeTicket,
  expectMsgType,
  expectPvno,
} from './messages.js';
import type { EncKdcRepPart, EncTicketPart, EtypeInfoEntry, KdcRep, KdcReq, KdcReqBody, PaEncTsEnc, PaPacRequest } from './messages.js';

const int32 = (t: Tlv, w: string): number => decodeInt32(t, w);
const uint32 = (t: Tlv, w: string): number => decodeUInt32(t, w);
const usec = (t: Tlv, w: string): number => decodeMicroseconds(t, w);
const time = (t: Tlv, w: string): Date => decodeTime(t, w);
const kstring = (t: Tlv, w: string): string => decodeString(t, w);
const flags = (t: Tlv, w: string): number => decodeFlags(t, w);
const hostAddresses = seqOf(decodeHostAddressTlv);
const ticketList = seqOf(decodeTicketTlv);
const methodData = seqOf(decodePaDataTlv);

// --- decoders: what a KDC reads ---------------------------------------------------------------------

function decodeKdcReqBodyTlv(tlv: Tlv, what = 'KDC-REQ-BODY'): KdcReqBody {
  const f = sequenceFields(tlv, what);
  return {
    kdcOptions: field(f, 0, 'kdc-options', flags),
    cname: optionalField(f, 1, 'cname', decodePrincipalNameTlv),
    realm: field(f, 2, 'realm', kstring),
    sname: optionalField(f, 3, 'sname', decodePrincipalNameTlv),
    from: optionalField(f, 4, 'from', time),
    till: field(f, 5, 'till', time),
    rtime: optionalField(f, 6, 'rtime', time),
    nonce: field(f, 7, 'nonce', uint32),
    etypes: field(f, 8, 'etype', seqOf(int32)),
    addresses: optionalField(f, 9, 'addresses', hostAddresses),
    encAuthorizationData: optionalField(f, 10, 'enc-authorization-data', decodeEncryptedDataTlv),
    additionalTickets: optionalField(f, 11, 'additional-tickets', ticketList),
  };
}

export function decodeKdcReqBody(bytes: Uint8Array): KdcReqBody {
  return decodeKdcReqBodyTlv(decodeTlv(bytes));
}

/**
 * KDC-REQ ::= SEQUENCE { pvno [1] INTEGER (5), msg-type [2] INTEGER (10 | 12),
 *   padata [3] SEQUENCE OF PA-DATA OPTIONAL, req-body [4] KDC-REQ-BODY }
 * Also returns the req-body's own bytes (the TGS authenticator checksums them).
 */
export function decodeKdcReq(bytes: Uint8Array): KdcReq & { readonly bodyBytes: Uint8Array } {
  const outer = decodeTlv(bytes);
  if (outer.tagClass !== TAG_CLASS.APPLICATION || (outer.tagNumber !== MSG_TYPE.AS_REQ && outer.tagNumber !== MSG_TYPE.TGS_REQ)) {
    throw derError(outer.offset, `expected AS-REQ or TGS-REQ, found ${tagName(outer.tagClass, outer.tagNumber)}`);
  }
  const what = outer.tagNumber === MSG_TYPE.AS_REQ ? 'AS-REQ' : 'TGS-REQ';
  const f = sequenceFields(unwrapApplication(outer, outer.tagNumber, what), what);
  expectPvno(f, 1);
  const type = expectMsgType(f, 2, [outer.tagNumber]) as KdcReq['msgType'];
  const bodyTlv = f.byTag.get(4);
  return {
    msgType: type,
    padata: optionalField(f, 3, 'padata', methodData) ?? [],
    body: field(f, 4, 'req-body', decodeKdcReqBodyTlv),
    bodyBytes: (bodyTlv as Tlv).raw.slice(),
  };
}

/** PA-ENC-TS-ENC from a decrypted PA-ENC-TIMESTAMP (trailing padding allowed). */
export function decodePaEncTsEnc(plaintext: Uint8Array): PaEncTsEnc {
  const f = sequenceFields(decodePadded(plaintext), 'PA-ENC-TS-ENC');
  return { patimestamp: field(f, 0, 'patimestamp', time), pausec: optionalField(f, 1, 'pausec', usec) };
}

export function decodePaPacRequest(bytes: Uint8Array): PaPacRequest {
  const f = sequenceFields(decodeTlv(bytes), 'KERB-PA-PAC-REQUEST');
  return { includePac: field(f, 0, 'include-pac', (t, w) => decodeBoolean(t, w)) };
}

// --- encoders: what a KDC writes --------------------------------------------------------------------

const X = derExplicit;
const opt = <T>(value: T | undefined, encode: (v: T) => Uint8Array): Uint8Array | undefined =>
  value === undefined ? undefined : encode(value);

/** AS-REP / TGS-REP. Uses ticketBytes when given. */
export function encodeKdcRep(rep: Omit<KdcRep, 'ticketBytes'> & { readonly ticketBytes?: Uint8Array | undefined }): Uint8Array {
  return derApplication(
    rep.msgType,
    derSequence([
      X(0, derInteger(KRB5_PVNO)),
      X(1, derInteger(rep.msgType)),
      X(2, rep.padata.length > 0 ? encodeMethodData(rep.padata) : undefined),
      X(3, derGeneralString(rep.crealm)),
      X(4, encodePrincipalName(rep.cname)),
      X(5, rep.ticketBytes ?? encodeTicket(rep.ticket)),
      X(6, encodeEncryptedData(rep.encPart)),
    ]),
  );
}

export function encodeEncKdcRepPart(part: EncKdcRepPart): Uint8Array {
  return derApplication(
    part.applicationTag,
    derSequence([
      X(0, encodeEncryptionKey(part.key)),
      X(1, derSequence(part.lastReq.map((l) => derSequence([X(0, derInteger(l.lrType)), X(1, derTime(l.lrValue))])))),
      X(2, derInteger(part.nonce >>> 0)),
      X(3, opt(part.keyExpiration, derTime)),
      X(4, derFlags(part.flags)),
      X(5, derTime(part.authTime)),
      X(6, opt(part.startTime, derTime)),
      X(7, derTime(part.endTime)),
      X(8, opt(part.renewTill, derTime)),
      X(9, derGeneralString(part.srealm)),
      X(10, encodePrincipalName(part.sname)),
      X(11, opt(part.caddr, encodeHostAddresses)),
      X(12, opt(part.encryptedPaData, encodeMethodData)),
    ]),
  );
}

export function encodeEncTicketPart(part: EncTicketPart): Uint8Array {
  return derApplication(
    APP_TAG.ENC_TICKET_PART,
    derSequence([
      X(0, derFlags(part.flags)),
      X(1, encodeEncryptionKey(part.key)),
      X(2, derGeneralString(part.crealm)),
      X(3, encodePrincipalName(part.cname)),
      X(4, derSequence([X(0, derInteger(part.transited.trType)), X(1, derOctetString(part.transited.contents))])),
      X(5, derTime(part.authTime)),
      X(6, opt(part.startTime, derTime)),
      X(7, derTime(part.endTime)),
      X(8, opt(part.renewTill, derTime)),
      X(9, opt(part.caddr, encodeHostAddresses)),
      X(10, opt(part.authorizationData, encodeAuthorizationData)),
    ]),
  );
}

export function encodeEtypeInfo2(entries: readonly EtypeInfoEntry[]): Uint8Array {
  return derSequence(
    entries.map((e) =>
      derSequence([X(0, derInteger(e.etype)), X(1, opt(e.salt, derGeneralString)), X(2, opt(e.s2kparams, derOctetString))]),
    ),
  );
}

export function encodeEtypeInfo(entries: readonly EtypeInfoEntry[]): Uint8Array {
  return derSequence(entries.map((e) => derSequence([X(0, derInteger(e.etype)), X(1, opt(e.salt, derOctetString))])));
}
