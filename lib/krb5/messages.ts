/**
 * Kerberos messages (RFC 4120 section 5): DER encode/decode for the AS and TGS exchanges,
 * KRB-ERROR, tickets, authenticators and the pre-authentication data a client needs
 * (PA-ENC-TIMESTAMP, PA-ETYPE-INFO2, ETYPE-INFO, PA-TGS-REQ, PA-PAC-REQUEST), and what a service
 * or kpasswd server reads (AP-REQ, authenticators) and answers (KRB-ERROR). The types are in
 * message-types.ts, the field tables of every shape in message-parts.ts (both re-exported
 * here); the KDC's side (reading requests, writing replies and tickets) is lib/krb5/kdc-codec.ts,
 * for the tests.
 *
 * Pure: bytes in, readonly data out, and back. Decoders throw only KtError('KRB_BAD_MESSAGE')
 * with the offset of the offending byte. Decoders of decrypted parts accept trailing bytes,
 * because the DES and DES3 profiles leave their block padding after the DER value (RFC 3961
 * section 5.3: "the ... plaintext ... padded").
 */
import { fromUtf8 } from '../bytes.js';
import type { Principal } from '../principal.js';
import { APP_TAG, KRB5_PVNO, MSG_TYPE, NT_SRV_INST, PA_TYPE } from './constants.js';
import {
  TAG_CLASS,
  UNIVERSAL,
  children,
  decodeTlv,
  derApplication,
  derExplicit as X,
  derInteger,
  derSequence,
  field,
  optionalField,
  sequenceFields,
  unwrapApplication,
  type Tlv,
} from './der.js';
import { int32, octets, readFields, writeFields } from './der-codec.js';
import {
  AP_REQ_FIELDS,
  AUTHENTICATOR_FIELDS,
  ENC_KDC_REP_PART_FIELDS,
  KDC_REP_FIELDS,
  KDC_REQ_FIELDS,
  KRB_ERROR_FIELDS,
  authorizationData,
  encTicketPart,
  encryptedData,
  encryptionKey,
  etypeInfo,
  etypeInfo2,
  hostAddress,
  hostAddresses,
  kdcReqBody,
  methodData,
  paData,
  paEncTsEnc,
  paPacRequest as paPacRequestCodec,
  principalName,
  ticket,
} from './message-parts.js';
import {
  applicationName,
  decodeKdcMessage,
  decodePadded,
  encodeMessage,
  expectAuthenticatorVno,
  expectMsgType,
  messageFields,
} from './message-frame.js';
import type {
  ApReq,
  Authenticator,
  AuthorizationDataEntry,
  EncKdcRepPart,
  EncTicketPart,
  EncryptedData,
  EncryptionKey,
  ErrorData,
  EtypeInfoEntry,
  HostAddress,
  KdcRep,
  KdcReq,
  KdcReqBody,
  KrbError,
  PaData,
  PaEncTsEnc,
  PaPacRequest,
  PrincipalName,
  Ticket,
} from './message-types.js';

export type * from './message-types.js';
export { decodePadded, expectMsgType, expectPvno } from './message-frame.js';

// --- conversions ----------------------------------------------------------------------------------

/** The wire form of a Principal's name. */
export function toPrincipalName(
  principal: Pick<Principal, 'components' | 'nameType'>,
): PrincipalName {
  return { nameType: principal.nameType, nameString: [...principal.components] };
}

/** A Principal from a wire name and a realm. */
export function fromPrincipalName(name: PrincipalName, realm: string): Principal {
  return { components: [...name.nameString], realm, nameType: name.nameType };
}

/**
 * The TGS name krbtgt/REALM, name type NT-SRV-INST (RFC 4120 section 7.3: "krbtgt/R2@R1"
 * names the key R1 shares with R2; for a local TGT both are the same realm).
 */
export function tgsPrincipalName(realm: string): PrincipalName {
  return { nameType: NT_SRV_INST, nameString: ['krbtgt', realm] };
}

/** "a/b" for display. */
export function principalNameText(name: PrincipalName): string {
  return name.nameString.join('/');
}

// --- building blocks --------------------------------------------------------------------------------

export function decodePrincipalNameTlv(tlv: Tlv, what = 'PrincipalName'): PrincipalName {
  return principalName.decode(tlv, what);
}

export function decodeHostAddressTlv(tlv: Tlv, what: string): HostAddress {
  return hostAddress.decode(tlv, what);
}

export function decodeEncryptedDataTlv(tlv: Tlv, what = 'EncryptedData'): EncryptedData {
  return encryptedData.decode(tlv, what);
}

export function decodePaDataTlv(tlv: Tlv, what = 'PA-DATA'): PaData {
  return paData.decode(tlv, what);
}

export function decodeTicketTlv(tlv: Tlv, what = 'Ticket'): Ticket {
  return ticket.decode(tlv, what);
}

export function decodePrincipalName(bytes: Uint8Array): PrincipalName {
  return decodePrincipalNameTlv(decodeTlv(bytes));
}

export function decodeEncryptedData(bytes: Uint8Array): EncryptedData {
  return decodeEncryptedDataTlv(decodeTlv(bytes));
}

export function decodeTicket(bytes: Uint8Array): Ticket {
  return decodeTicketTlv(decodeTlv(bytes));
}

export const encodePrincipalName = (name: PrincipalName): Uint8Array => principalName.encode(name);
export const encodeHostAddresses = (list: readonly HostAddress[]): Uint8Array =>
  hostAddresses.encode([...list]);
export const encodeEncryptedData = (data: EncryptedData): Uint8Array => encryptedData.encode(data);
export const encodeEncryptionKey = (key: EncryptionKey): Uint8Array => encryptionKey.encode(key);
export const encodePaData = (pa: PaData): Uint8Array => paData.encode(pa);
export const encodeMethodData = (list: readonly PaData[]): Uint8Array =>
  methodData.encode([...list]);
export const encodeAuthorizationData = (list: readonly AuthorizationDataEntry[]): Uint8Array =>
  authorizationData.encode([...list]);
export const encodeTicket = (t: Ticket): Uint8Array => ticket.encode(t);
export const encodeKdcReqBody = (body: KdcReqBody): Uint8Array => kdcReqBody.encode(body);
export const encodePaEncTsEnc = (ts: PaEncTsEnc): Uint8Array => paEncTsEnc.encode(ts);
export const encodePaPacRequest = (req: PaPacRequest): Uint8Array => paPacRequestCodec.encode(req);

// --- messages ------------------------------------------------------------------------------------------

const KDC_REP_NAMES = { [MSG_TYPE.AS_REP]: 'AS-REP', [MSG_TYPE.TGS_REP]: 'TGS-REP' };
const KDC_REPLY_NAMES = { ...KDC_REP_NAMES, [MSG_TYPE.KRB_ERROR]: 'KRB-ERROR' };

function decodeKdcRepTlv(outer: Tlv): KdcRep {
  const { message, raw } = decodeKdcMessage(outer, KDC_REP_NAMES, 0, KDC_REP_FIELDS, 5);
  return { ...message, ticketBytes: raw };
}

/** KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3], cname [4], ticket [5], enc-part [6] } */
export function decodeKdcRep(bytes: Uint8Array): KdcRep {
  return decodeKdcRepTlv(decodeTlv(bytes));
}

function decodeKrbErrorTlv(outer: Tlv): KrbError {
  const f = messageFields(outer, MSG_TYPE.KRB_ERROR, 'KRB-ERROR', 0);
  expectMsgType(f, 1, [MSG_TYPE.KRB_ERROR]);
  return readFields(f, KRB_ERROR_FIELDS);
}

export function decodeKrbError(bytes: Uint8Array): KrbError {
  return decodeKrbErrorTlv(decodeTlv(bytes));
}

/** KRB-ERROR: what a KDC, a kpasswd server or a service answers when it refuses. */
export function encodeKrbError(e: KrbError): Uint8Array {
  return encodeMessage(MSG_TYPE.KRB_ERROR, 0, writeFields(KRB_ERROR_FIELDS, e));
}

/** Any answer a KDC sends: AS-REP, TGS-REP or KRB-ERROR, told apart by the APPLICATION tag. */
export type KdcReply =
  | { readonly kind: 'as-rep'; readonly rep: KdcRep }
  | { readonly kind: 'tgs-rep'; readonly rep: KdcRep }
  | { readonly kind: 'error'; readonly error: KrbError };

export function decodeKdcReply(bytes: Uint8Array): KdcReply {
  const outer = decodeTlv(bytes);
  applicationName(outer, KDC_REPLY_NAMES);
  if (outer.tagNumber === MSG_TYPE.KRB_ERROR)
    return { kind: 'error', error: decodeKrbErrorTlv(outer) };
  const rep = decodeKdcRepTlv(outer);
  return outer.tagNumber === MSG_TYPE.AS_REP ? { kind: 'as-rep', rep } : { kind: 'tgs-rep', rep };
}

/**
 * The error code of a reply if it is a KRB-ERROR, else undefined; never throws. The transport
 * uses it to spot KRB_ERR_RESPONSE_TOO_BIG without caring about the rest of the message.
 */
export function peekErrorCode(bytes: Uint8Array): number | undefined {
  try {
    const reply = decodeKdcReply(bytes);
    return reply.kind === 'error' ? reply.error.errorCode : undefined;
  } catch {
    return undefined;
  }
}

/**
 * AS-REQ / TGS-REQ. `bodyBytes` lets the caller pass the req-body it already encoded (and
 * checksummed, for TGS-REQ) so the KDC sees exactly those bytes.
 */
export function encodeKdcReq(
  req: KdcReq,
  bodyBytes: Uint8Array = encodeKdcReqBody(req.body),
): Uint8Array {
  return encodeMessage(req.msgType, 1, writeFields(KDC_REQ_FIELDS, req, { 4: bodyBytes }));
}

const ENC_KDC_REP_PART_NAMES = {
  [APP_TAG.ENC_AS_REP_PART]: 'EncASRepPart',
  [APP_TAG.ENC_TGS_REP_PART]: 'EncTGSRepPart',
};

/** EncASRepPart / EncTGSRepPart from a decrypted enc-part (trailing padding allowed). */
export function decodeEncKdcRepPart(plaintext: Uint8Array): EncKdcRepPart {
  const outer = decodePadded(plaintext);
  const what = applicationName(outer, ENC_KDC_REP_PART_NAMES);
  const f = sequenceFields(unwrapApplication(outer, outer.tagNumber, what), what);
  return {
    applicationTag: outer.tagNumber as EncKdcRepPart['applicationTag'],
    ...(readFields(f, ENC_KDC_REP_PART_FIELDS) as Omit<EncKdcRepPart, 'applicationTag'>),
  };
}

/** EncTicketPart from a decrypted ticket enc-part (trailing padding allowed). */
export function decodeEncTicketPart(plaintext: Uint8Array): EncTicketPart {
  return encTicketPart.decode(decodePadded(plaintext), 'EncTicketPart');
}

/** Authenticator from a decrypted AP-REQ authenticator (trailing padding allowed). */
export function decodeAuthenticator(plaintext: Uint8Array): Authenticator {
  const what = 'Authenticator';
  const f = sequenceFields(
    unwrapApplication(decodePadded(plaintext), APP_TAG.AUTHENTICATOR, what),
    what,
  );
  expectAuthenticatorVno(f, 0);
  return readFields(f, AUTHENTICATOR_FIELDS);
}

export function encodeAuthenticator(a: Authenticator): Uint8Array {
  return derApplication(
    APP_TAG.AUTHENTICATOR,
    derSequence([X(0, derInteger(KRB5_PVNO)), ...writeFields(AUTHENTICATOR_FIELDS, a)]),
  );
}

/** AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2], ticket [3], authenticator [4] } */
export function decodeApReq(bytes: Uint8Array): ApReq {
  const f = messageFields(decodeTlv(bytes), MSG_TYPE.AP_REQ, 'AP-REQ', 0);
  expectMsgType(f, 1, [MSG_TYPE.AP_REQ]);
  return { ...readFields(f, AP_REQ_FIELDS), ticketBytes: (f.byTag.get(3) as Tlv).raw.slice() };
}

/** AP-REQ; the ticket goes out as `ticketBytes` when given (exactly as the KDC issued it). */
export function encodeApReq(req: ApReq): Uint8Array {
  return encodeMessage(MSG_TYPE.AP_REQ, 0, writeFields(AP_REQ_FIELDS, req, { 3: req.ticketBytes }));
}

// --- pre-authentication data -------------------------------------------------------------------------

/** METHOD-DATA ::= SEQUENCE OF PA-DATA */
export function decodeMethodData(bytes: Uint8Array): PaData[] {
  return methodData.decode(decodeTlv(bytes), 'METHOD-DATA');
}

/** ETYPE-INFO2 ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY (RFC 4120 section 5.2.7.5) */
export function decodeEtypeInfo2(bytes: Uint8Array): EtypeInfoEntry[] {
  return etypeInfo2.decode(decodeTlv(bytes), 'ETYPE-INFO2');
}

/** ETYPE-INFO ::= SEQUENCE OF ETYPE-INFO-ENTRY (RFC 4120 section 5.2.7.4), from old KDCs. */
export function decodeEtypeInfo(bytes: Uint8Array): EtypeInfoEntry[] {
  return etypeInfo.decode(decodeTlv(bytes), 'ETYPE-INFO');
}

/**
 * Interprets KRB-ERROR e-data; never throws (a KDC's odd e-data must not hide its error code).
 * Returns {} when the bytes are neither METHOD-DATA nor KERB-ERROR-DATA.
 */
export function decodeErrorData(eData: Uint8Array): ErrorData {
  try {
    const tlv = decodeTlv(eData);
    if (tlv.tagClass !== TAG_CLASS.UNIVERSAL || tlv.tagNumber !== UNIVERSAL.SEQUENCE) return {};
    const first = children(tlv)[0];
    if (first !== undefined && first.tagClass === TAG_CLASS.CONTEXT) {
      // KERB-ERROR-DATA ::= SEQUENCE { data-type [1] INTEGER, data-value [2] OCTET STRING OPTIONAL }
      const f = sequenceFields(tlv, 'KERB-ERROR-DATA');
      const dataType = field(f, 1, 'data-type', int32.decode);
      const dataValue = optionalField(f, 2, 'data-value', octets.decode);
      // KERB_ERR_TYPE_EXTENDED (3): KERB-EXT-ERROR { NTSTATUS status; ULONG reserved; ULONG flags } LE
      const ntStatus =
        dataType === 3 && dataValue !== undefined && dataValue.length >= 4
          ? new DataView(dataValue.buffer, dataValue.byteOffset, 4).getUint32(0, true)
          : undefined;
      return { dataType, dataValue, ntStatus };
    }
    return { methodData: methodData.decode(tlv, 'METHOD-DATA') };
  } catch {
    return {};
  }
}

/** PA-PAC-REQUEST padata ([MS-KILE] 2.2.3): ask an AD KDC for a ticket with or without a PAC. */
export function paPacRequest(includePac: boolean): PaData {
  return { type: PA_TYPE.PA_PAC_REQUEST, value: encodePaPacRequest({ includePac }) };
}

/** The text form of a salt for display: its UTF-8, with invalid bytes replaced. */
export function saltText(salt: Uint8Array): string {
  return fromUtf8(salt);
}
