/**
 * Kerberos messages (RFC 4120 section 5): types and DER encode/decode for the AS and TGS
 * exchanges, KRB-ERROR, tickets, authenticators and the pre-authentication data a client
 * needs (PA-ENC-TIMESTAMP, PA-ETYPE-INFO2, ETYPE-INFO, PA-TGS-REQ, PA-PAC-REQUEST), and what
 * a service or kpasswd server reads (AP-REQ, authenticators) and answers (KRB-ERROR). The KDC's
 * side (reading requests, writing replies and tickets) is lib/krb5/kdc-codec.ts, for the tests.
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
  decodeFlags,
  decodeInt32,
  decodeMicroseconds,
  decodeOctetString,
  decodeString,
  decodeStringBytes,
  decodeTime,
  decodeTlv,
  decodeUInt32,
  derApplication,
  derBoolean,
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
  readTlv,
  seqOf,
  sequenceFields,
  tagName,
  unwrapApplication,
  type Tlv,
} from './der.js';

// --- types --------------------------------------------------------------------------------------

/** PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } */
export interface PrincipalName {
  readonly nameType: number;
  readonly nameString: readonly string[];
}

/** HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING } */
export interface HostAddress {
  readonly addrType: number;
  readonly address: Uint8Array;
}

/** EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING } */
export interface EncryptedData {
  readonly etype: number;
  readonly kvno?: number | undefined;
  readonly cipher: Uint8Array;
}

/** EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING } */
export interface EncryptionKey {
  readonly keytype: number;
  readonly keyvalue: Uint8Array;
}

/** Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING } */
export interface Checksum {
  readonly cksumtype: number;
  readonly checksum: Uint8Array;
}

/** PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING } */
export interface PaData {
  readonly type: number;
  readonly value: Uint8Array;
}

/** AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING } */
export interface AuthorizationDataEntry {
  readonly adType: number;
  readonly adData: Uint8Array;
}

/** TransitedEncoding ::= SEQUENCE { tr-type [0] Int32, contents [1] OCTET STRING } */
export interface TransitedEncoding {
  readonly trType: number;
  readonly contents: Uint8Array;
}

/** LastReq ::= SEQUENCE OF SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime } */
export interface LastReqEntry {
  readonly lrType: number;
  readonly lrValue: Date;
}

/**
 * Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0] INTEGER (5), realm [1] Realm,
 *   sname [2] PrincipalName, enc-part [3] EncryptedData -- EncTicketPart }
 */
export interface Ticket {
  readonly tktVno: number;
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly encPart: EncryptedData;
}

/** EncTicketPart ::= [APPLICATION 3] SEQUENCE { ... } (RFC 4120 section 5.3) */
export interface EncTicketPart {
  readonly flags: number;
  readonly key: EncryptionKey;
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly transited: TransitedEncoding;
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
  readonly caddr?: readonly HostAddress[] | undefined;
  readonly authorizationData?: readonly AuthorizationDataEntry[] | undefined;
}

/** KDC-REQ-BODY (RFC 4120 section 5.4.1). */
export interface KdcReqBody {
  readonly kdcOptions: number;
  readonly cname?: PrincipalName | undefined;
  readonly realm: string;
  readonly sname?: PrincipalName | undefined;
  readonly from?: Date | undefined;
  readonly till: Date;
  readonly rtime?: Date | undefined;
  /** UInt32; see decodeUInt32 for the sign quirk. */
  readonly nonce: number;
  /** In order of preference. */
  readonly etypes: readonly number[];
  readonly addresses?: readonly HostAddress[] | undefined;
  readonly encAuthorizationData?: EncryptedData | undefined;
  readonly additionalTickets?: readonly Ticket[] | undefined;
}

/** AS-REQ ::= [APPLICATION 10] KDC-REQ; TGS-REQ ::= [APPLICATION 12] KDC-REQ */
export interface KdcReq {
  readonly msgType: typeof MSG_TYPE.AS_REQ | typeof MSG_TYPE.TGS_REQ;
  readonly padata: readonly PaData[];
  readonly body: KdcReqBody;
}

/** AS-REP ::= [APPLICATION 11] KDC-REP; TGS-REP ::= [APPLICATION 13] KDC-REP */
export interface KdcRep {
  readonly msgType: typeof MSG_TYPE.AS_REP | typeof MSG_TYPE.TGS_REP;
  readonly padata: readonly PaData[];
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly ticket: Ticket;
  /** The ticket exactly as the KDC encoded it (sent back unchanged in a later AP-REQ). */
  readonly ticketBytes: Uint8Array;
  readonly encPart: EncryptedData;
}

/**
 * EncASRepPart ::= [APPLICATION 25] EncKDCRepPart; EncTGSRepPart ::= [APPLICATION 26] ...
 * RFC 4120 section 5.4.2: "Compatibility note: Some implementations unconditionally send an
 * encrypted EncTGSRepPart (application tag number 26) in this field regardless of whether the
 * reply is a AS-REP or a TGS-REP." We accept both tags for both replies and record which.
 */
export interface EncKdcRepPart {
  readonly applicationTag: typeof APP_TAG.ENC_AS_REP_PART | typeof APP_TAG.ENC_TGS_REP_PART;
  readonly key: EncryptionKey;
  readonly lastReq: readonly LastReqEntry[];
  readonly nonce: number;
  readonly keyExpiration?: Date | undefined;
  readonly flags: number;
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
  readonly srealm: string;
  readonly sname: PrincipalName;
  readonly caddr?: readonly HostAddress[] | undefined;
  /** encrypted-pa-data [12] METHOD-DATA OPTIONAL (RFC 6806 section 11). */
  readonly encryptedPaData?: readonly PaData[] | undefined;
}

/** Authenticator ::= [APPLICATION 2] SEQUENCE { ... } (RFC 4120 section 5.5.1) */
export interface Authenticator {
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly cksum?: Checksum | undefined;
  readonly cusec: number;
  readonly ctime: Date;
  readonly subkey?: EncryptionKey | undefined;
  readonly seqNumber?: number | undefined;
  readonly authorizationData?: readonly AuthorizationDataEntry[] | undefined;
}

/** AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno, msg-type, ap-options, ticket, authenticator } */
export interface ApReq {
  readonly apOptions: number;
  readonly ticket: Ticket;
  /** The ticket's own encoding, when it was decoded from bytes. */
  readonly ticketBytes?: Uint8Array | undefined;
  readonly authenticator: EncryptedData;
}

/** KRB-ERROR ::= [APPLICATION 30] SEQUENCE { ... } (RFC 4120 section 5.9.1) */
export interface KrbError {
  readonly ctime?: Date | undefined;
  readonly cusec?: number | undefined;
  /** The KDC's clock when it answered (with susec): what clock-skew checks compare against. */
  readonly stime: Date;
  readonly susec: number;
  readonly errorCode: number;
  readonly crealm?: string | undefined;
  readonly cname?: PrincipalName | undefined;
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly eText?: string | undefined;
  readonly eData?: Uint8Array | undefined;
}

/** PA-ENC-TS-ENC ::= SEQUENCE { patimestamp [0] KerberosTime, pausec [1] Microseconds OPTIONAL } */
export interface PaEncTsEnc {
  readonly patimestamp: Date;
  readonly pausec?: number | undefined;
}

/**
 * ETYPE-INFO2-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] KerberosString OPTIONAL,
 *   s2kparams [2] OCTET STRING OPTIONAL }
 * ETYPE-INFO-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] OCTET STRING OPTIONAL }
 */
export interface EtypeInfoEntry {
  readonly etype: number;
  /** The salt octets exactly as sent (absent: the default salt applies). */
  readonly salt?: Uint8Array | undefined;
  readonly s2kparams?: Uint8Array | undefined;
}

/** KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN } ([MS-KILE] 2.2.3) */
export interface PaPacRequest {
  readonly includePac: boolean;
}

/**
 * What KRB-ERROR e-data holds, when it parses: METHOD-DATA (RFC 4120 section 5.9.1: "for
 * KDC_ERR_PREAUTH_REQUIRED ... e-data ... METHOD-DATA"), or a single KERB-ERROR-DATA
 * ([MS-KILE] 2.2.2) whose KERB-EXT-ERROR carries an NTSTATUS.
 */
export interface ErrorData {
  readonly methodData?: readonly PaData[] | undefined;
  /** data-type of a KERB-ERROR-DATA (3 = KERB_ERR_TYPE_EXTENDED). */
  readonly dataType?: number | undefined;
  readonly dataValue?: Uint8Array | undefined;
  /** NTSTATUS from a KERB-EXT-ERROR (little-endian, [MS-KILE] 2.2.1). */
  readonly ntStatus?: number | undefined;
}

// --- conversions ----------------------------------------------------------------------------------

/** The wire form of a Principal's name. */
export function toPrincipalName(principal: Pick<Principal, 'components' | 'nameType'>): PrincipalName {
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

// --- decoders: building blocks --------------------------------------------------------------------

const int32 = (t: Tlv, w: string): number => decodeInt32(t, w);
const uint32 = (t: Tlv, w: string): number => decodeUInt32(t, w);
const usec = (t: Tlv, w: string): number => decodeMicroseconds(t, w);
const time = (t: Tlv, w: string): Date => decodeTime(t, w);
const octets = (t: Tlv, w: string): Uint8Array => decodeOctetString(t, w);
const kstring = (t: Tlv, w: string): string => decodeString(t, w);
const flags = (t: Tlv, w: string): number => decodeFlags(t, w);

function expectValue(tlv: Tlv, actual: number, expected: number, what: string): void {
  if (actual !== expected) throw derError(tlv.offset, `${what} is ${actual}, expected ${expected}`);
}

/** Checks a message's pvno field (5). */
export function expectPvno(fields: ReturnType<typeof sequenceFields>, tag: number): void {
  const tlv = fields.byTag.get(tag);
  const v = field(fields, tag, 'pvno', int32);
  if (tlv) expectValue(tlv, v, KRB5_PVNO, `${fields.what}.pvno`);
}

/** Reads a message's msg-type field, which must be one of `expected`. */
export function expectMsgType(fields: ReturnType<typeof sequenceFields>, tag: number, expected: readonly number[]): number {
  const v = field(fields, tag, 'msg-type', int32);
  if (!expected.includes(v)) {
    throw derError(fields.sequence.offset, `${fields.what}.msg-type is ${v}, expected ${expected.join(' or ')}`);
  }
  return v;
}

export function decodePrincipalNameTlv(tlv: Tlv, what = 'PrincipalName'): PrincipalName {
  const f = sequenceFields(tlv, what);
  return {
    nameType: field(f, 0, 'name-type', int32),
    nameString: field(f, 1, 'name-string', seqOf(kstring)),
  };
}

export function decodeHostAddressTlv(tlv: Tlv, what: string): HostAddress {
  const f = sequenceFields(tlv, what);
  return { addrType: field(f, 0, 'addr-type', int32), address: field(f, 1, 'address', octets) };
}

const hostAddresses = seqOf(decodeHostAddressTlv);

export function decodeEncryptedDataTlv(tlv: Tlv, what = 'EncryptedData'): EncryptedData {
  const f = sequenceFields(tlv, what);
  return {
    etype: field(f, 0, 'etype', int32),
    kvno: optionalField(f, 1, 'kvno', uint32),
    cipher: field(f, 2, 'cipher', octets),
  };
}

function decodeEncryptionKeyTlv(tlv: Tlv, what: string): EncryptionKey {
  const f = sequenceFields(tlv, what);
  return { keytype: field(f, 0, 'keytype', int32), keyvalue: field(f, 1, 'keyvalue', octets) };
}

function decodeChecksumTlv(tlv: Tlv, what: string): Checksum {
  const f = sequenceFields(tlv, what);
  return { cksumtype: field(f, 0, 'cksumtype', int32), checksum: field(f, 1, 'checksum', octets) };
}

export function decodePaDataTlv(tlv: Tlv, what = 'PA-DATA'): PaData {
  const f = sequenceFields(tlv, what);
  return { type: field(f, 1, 'padata-type', int32), value: field(f, 2, 'padata-value', octets) };
}

const methodData = seqOf(decodePaDataTlv);

function decodeAuthorizationDataTlv(tlv: Tlv, what: string): AuthorizationDataEntry[] {
  return seqOf((t, w) => {
    const f = sequenceFields(t, w);
    return { adType: field(f, 0, 'ad-type', int32), adData: field(f, 1, 'ad-data', octets) };
  })(tlv, what);
}

function decodeLastReqTlv(tlv: Tlv, what: string): LastReqEntry[] {
  return seqOf((t, w) => {
    const f = sequenceFields(t, w);
    return { lrType: field(f, 0, 'lr-type', int32), lrValue: field(f, 1, 'lr-value', time) };
  })(tlv, what);
}

export function decodeTicketTlv(tlv: Tlv, what = 'Ticket'): Ticket {
  const f = sequenceFields(unwrapApplication(tlv, APP_TAG.TICKET, what), what);
  const vnoTlv = f.byTag.get(0);
  const tktVno = field(f, 0, 'tkt-vno', int32);
  if (vnoTlv) expectValue(vnoTlv, tktVno, KRB5_PVNO, `${what}.tkt-vno`);
  return {
    tktVno,
    realm: field(f, 1, 'realm', kstring),
    sname: field(f, 2, 'sname', decodePrincipalNameTlv),
    encPart: field(f, 3, 'enc-part', decodeEncryptedDataTlv),
  };
}

/** Parses one value from a buffer that may be followed by padding (decrypted plaintexts). */
export function decodePadded(bytes: Uint8Array): Tlv {
  if (!(bytes instanceof Uint8Array)) throw derError(0, 'input is not a byte array');
  return readTlv(bytes, 0, bytes.length, 0);
}

// --- decoders: messages ------------------------------------------------------------------------------

export function decodePrincipalName(bytes: Uint8Array): PrincipalName {
  return decodePrincipalNameTlv(decodeTlv(bytes));
}

export function decodeEncryptedData(bytes: Uint8Array): EncryptedData {
  return decodeEncryptedDataTlv(decodeTlv(bytes));
}

export function decodeTicket(bytes: Uint8Array): Ticket {
  return decodeTicketTlv(decodeTlv(bytes));
}

function decodeKdcRepTlv(outer: Tlv): KdcRep {
  const what = outer.tagNumber === MSG_TYPE.AS_REP ? 'AS-REP' : 'TGS-REP';
  const f = sequenceFields(unwrapApplication(outer, outer.tagNumber, what), what);
  expectPvno(f, 0);
  const type = expectMsgType(f, 1, [outer.tagNumber]) as KdcRep['msgType'];
  const ticketTlv = f.byTag.get(5);
  return {
    msgType: type,
    padata: optionalField(f, 2, 'padata', methodData) ?? [],
    crealm: field(f, 3, 'crealm', kstring),
    cname: field(f, 4, 'cname', decodePrincipalNameTlv),
    ticket: field(f, 5, 'ticket', decodeTicketTlv),
    ticketBytes: (ticketTlv as Tlv).raw.slice(),
    encPart: field(f, 6, 'enc-part', decodeEncryptedDataTlv),
  };
}

/** KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3], cname [4], ticket [5], enc-part [6] } */
export function decodeKdcRep(bytes: Uint8Array): KdcRep {
  const outer = decodeTlv(bytes);
  if (outer.tagClass !== TAG_CLASS.APPLICATION || (outer.tagNumber !== MSG_TYPE.AS_REP && outer.tagNumber !== MSG_TYPE.TGS_REP)) {
    throw derError(outer.offset, `expected AS-REP or TGS-REP, found ${tagName(outer.tagClass, outer.tagNumber)}`);
  }
  return decodeKdcRepTlv(outer);
}

function decodeKrbErrorTlv(outer: Tlv): KrbError {
  const what = 'KRB-ERROR';
  const f = sequenceFields(unwrapApplication(outer, MSG_TYPE.KRB_ERROR, what), what);
  expectPvno(f, 0);
  expectMsgType(f, 1, [MSG_TYPE.KRB_ERROR]);
  return {
    ctime: optionalField(f, 2, 'ctime', time),
    cusec: optionalField(f, 3, 'cusec', usec),
    stime: field(f, 4, 'stime', time),
    susec: field(f, 5, 'susec', usec),
    errorCode: field(f, 6, 'error-code', int32),
    crealm: optionalField(f, 7, 'crealm', kstring),
    cname: optionalField(f, 8, 'cname', decodePrincipalNameTlv),
    realm: field(f, 9, 'realm', kstring),
    sname: field(f, 10, 'sname', decodePrincipalNameTlv),
    eText: optionalField(f, 11, 'e-text', kstring),
    eData: optionalField(f, 12, 'e-data', octets),
  };
}

export function decodeKrbError(bytes: Uint8Array): KrbError {
  return decodeKrbErrorTlv(decodeTlv(bytes));
}

/** Any answer a KDC sends: AS-REP, TGS-REP or KRB-ERROR, told apart by the APPLICATION tag. */
export type KdcReply =
  | { readonly kind: 'as-rep'; readonly rep: KdcRep }
  | { readonly kind: 'tgs-rep'; readonly rep: KdcRep }
  | { readonly kind: 'error'; readonly error: KrbError };

export function decodeKdcReply(bytes: Uint8Array): KdcReply {
  const outer = decodeTlv(bytes);
  if (outer.tagClass === TAG_CLASS.APPLICATION) {
    if (outer.tagNumber === MSG_TYPE.AS_REP) return { kind: 'as-rep', rep: decodeKdcRepTlv(outer) };
    if (outer.tagNumber === MSG_TYPE.TGS_REP) return { kind: 'tgs-rep', rep: decodeKdcRepTlv(outer) };
    if (outer.tagNumber === MSG_TYPE.KRB_ERROR) return { kind: 'error', error: decodeKrbErrorTlv(outer) };
  }
  throw derError(outer.offset, `expected AS-REP, TGS-REP or KRB-ERROR, found ${tagName(outer.tagClass, outer.tagNumber)}`);
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

/** EncASRepPart / EncTGSRepPart from a decrypted enc-part (trailing padding allowed). */
export function decodeEncKdcRepPart(plaintext: Uint8Array): EncKdcRepPart {
  const outer = decodePadded(plaintext);
  if (
    outer.tagClass !== TAG_CLASS.APPLICATION ||
    (outer.tagNumber !== APP_TAG.ENC_AS_REP_PART && outer.tagNumber !== APP_TAG.ENC_TGS_REP_PART)
  ) {
    throw derError(outer.offset, `expected EncASRepPart or EncTGSRepPart, found ${tagName(outer.tagClass, outer.tagNumber)}`);
  }
  const what = outer.tagNumber === APP_TAG.ENC_AS_REP_PART ? 'EncASRepPart' : 'EncTGSRepPart';
  const f = sequenceFields(unwrapApplication(outer, outer.tagNumber, what), what);
  return {
    applicationTag: outer.tagNumber as EncKdcRepPart['applicationTag'],
    key: field(f, 0, 'key', decodeEncryptionKeyTlv),
    lastReq: field(f, 1, 'last-req', decodeLastReqTlv),
    nonce: field(f, 2, 'nonce', uint32),
    keyExpiration: optionalField(f, 3, 'key-expiration', time),
    flags: field(f, 4, 'flags', flags),
    authTime: field(f, 5, 'authtime', time),
    startTime: optionalField(f, 6, 'starttime', time),
    endTime: field(f, 7, 'endtime', time),
    renewTill: optionalField(f, 8, 'renew-till', time),
    srealm: field(f, 9, 'srealm', kstring),
    sname: field(f, 10, 'sname', decodePrincipalNameTlv),
    caddr: optionalField(f, 11, 'caddr', hostAddresses),
    encryptedPaData: optionalField(f, 12, 'encrypted-pa-data', methodData),
  };
}

/** EncTicketPart from a decrypted ticket enc-part (trailing padding allowed). */
export function decodeEncTicketPart(plaintext: Uint8Array): EncTicketPart {
  const what = 'EncTicketPart';
  const f = sequenceFields(unwrapApplication(decodePadded(plaintext), APP_TAG.ENC_TICKET_PART, what), what);
  return {
    flags: field(f, 0, 'flags', flags),
    key: field(f, 1, 'key', decodeEncryptionKeyTlv),
    crealm: field(f, 2, 'crealm', kstring),
    cname: field(f, 3, 'cname', decodePrincipalNameTlv),
    transited: field(f, 4, 'transited', (t, w) => {
      const tf = sequenceFields(t, w);
      return { trType: field(tf, 0, 'tr-type', int32), contents: field(tf, 1, 'contents', octets) };
    }),
    authTime: field(f, 5, 'authtime', time),
    startTime: optionalField(f, 6, 'starttime', time),
    endTime: field(f, 7, 'endtime', time),
    renewTill: optionalField(f, 8, 'renew-till', time),
    caddr: optionalField(f, 9, 'caddr', hostAddresses),
    authorizationData: optionalField(f, 10, 'authorization-data', decodeAuthorizationDataTlv),
  };
}

/** Authenticator from a decrypted AP-REQ authenticator (trailing padding allowed). */
export function decodeAuthenticator(plaintext: Uint8Array): Authenticator {
  const what = 'Authenticator';
  const f = sequenceFields(unwrapApplication(decodePadded(plaintext), APP_TAG.AUTHENTICATOR, what), what);
  const vnoTlv = f.byTag.get(0);
  const vno = field(f, 0, 'authenticator-vno', int32);
  if (vnoTlv) expectValue(vnoTlv, vno, KRB5_PVNO, `${what}.authenticator-vno`);
  return {
    crealm: field(f, 1, 'crealm', kstring),
    cname: field(f, 2, 'cname', decodePrincipalNameTlv),
    cksum: optionalField(f, 3, 'cksum', decodeChecksumTlv),
    cusec: field(f, 4, 'cusec', usec),
    ctime: field(f, 5, 'ctime', time),
    subkey: optionalField(f, 6, 'subkey', decodeEncryptionKeyTlv),
    seqNumber: optionalField(f, 7, 'seq-number', uint32),
    authorizationData: optionalField(f, 8, 'authorization-data', decodeAuthorizationDataTlv),
  };
}

/** AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2], ticket [3], authenticator [4] } */
export function decodeApReq(bytes: Uint8Array): ApReq {
  const what = 'AP-REQ';
  const f = sequenceFields(unwrapApplication(decodeTlv(bytes), MSG_TYPE.AP_REQ, what), what);
  expectPvno(f, 0);
  expectMsgType(f, 1, [MSG_TYPE.AP_REQ]);
  const ticketTlv = f.byTag.get(3);
  return {
    apOptions: field(f, 2, 'ap-options', flags),
    ticket: field(f, 3, 'ticket', decodeTicketTlv),
    ticketBytes: (ticketTlv as Tlv).raw.slice(),
    authenticator: field(f, 4, 'authenticator', decodeEncryptedDataTlv),
  };
}

/** METHOD-DATA ::= SEQUENCE OF PA-DATA */
export function decodeMethodData(bytes: Uint8Array): PaData[] {
  return methodData(decodeTlv(bytes), 'METHOD-DATA');
}

/** ETYPE-INFO2 ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY (RFC 4120 section 5.2.7.5) */
export function decodeEtypeInfo2(bytes: Uint8Array): EtypeInfoEntry[] {
  return seqOf((t, w): EtypeInfoEntry => {
    const f = sequenceFields(t, w);
    return {
      etype: field(f, 0, 'etype', int32),
      salt: optionalField(f, 1, 'salt', (tt, ww) => decodeStringBytes(tt, ww)),
      s2kparams: optionalField(f, 2, 's2kparams', octets),
    };
  })(decodeTlv(bytes), 'ETYPE-INFO2');
}

/** ETYPE-INFO ::= SEQUENCE OF ETYPE-INFO-ENTRY (RFC 4120 section 5.2.7.4), from old KDCs. */
export function decodeEtypeInfo(bytes: Uint8Array): EtypeInfoEntry[] {
  return seqOf((t, w): EtypeInfoEntry => {
    const f = sequenceFields(t, w);
    return { etype: field(f, 0, 'etype', int32), salt: optionalField(f, 1, 'salt', octets) };
  })(decodeTlv(bytes), 'ETYPE-INFO');
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
      const dataType = field(f, 1, 'data-type', int32);
      const dataValue = optionalField(f, 2, 'data-value', octets);
      // KERB_ERR_TYPE_EXTENDED (3): KERB-EXT-ERROR { NTSTATUS status; ULONG reserved; ULONG flags } LE
      const ntStatus =
        dataType === 3 && dataValue !== undefined && dataValue.length >= 4
          ? new DataView(dataValue.buffer, dataValue.byteOffset, 4).getUint32(0, true)
          : undefined;
      return { dataType, dataValue, ntStatus };
    }
    return { methodData: methodData(tlv, 'METHOD-DATA') };
  } catch {
    return {};
  }
}

// --- encoders ---------------------------------------------------------------------------------------

const X = derExplicit;
const opt = <T>(value: T | undefined, encode: (v: T) => Uint8Array): Uint8Array | undefined =>
  value === undefined ? undefined : encode(value);

export function encodePrincipalName(name: PrincipalName): Uint8Array {
  return derSequence([X(0, derInteger(name.nameType)), X(1, derSequence(name.nameString.map((s) => derGeneralString(s))))]);
}

export function encodeHostAddresses(list: readonly HostAddress[]): Uint8Array {
  return derSequence(list.map((a) => derSequence([X(0, derInteger(a.addrType)), X(1, derOctetString(a.address))])));
}

export function encodeEncryptedData(data: EncryptedData): Uint8Array {
  return derSequence([
    X(0, derInteger(data.etype)),
    X(1, opt(data.kvno, (k) => derInteger(k >>> 0))),
    X(2, derOctetString(data.cipher)),
  ]);
}

export function encodeEncryptionKey(key: EncryptionKey): Uint8Array {
  return derSequence([X(0, derInteger(key.keytype)), X(1, derOctetString(key.keyvalue))]);
}

function encodeChecksum(c: Checksum): Uint8Array {
  return derSequence([X(0, derInteger(c.cksumtype)), X(1, derOctetString(c.checksum))]);
}

export function encodePaData(pa: PaData): Uint8Array {
  return derSequence([X(1, derInteger(pa.type)), X(2, derOctetString(pa.value))]);
}

export function encodeMethodData(list: readonly PaData[]): Uint8Array {
  return derSequence(list.map(encodePaData));
}

export function encodeAuthorizationData(list: readonly AuthorizationDataEntry[]): Uint8Array {
  return derSequence(list.map((a) => derSequence([X(0, derInteger(a.adType)), X(1, derOctetString(a.adData))])));
}

export function encodeTicket(ticket: Ticket): Uint8Array {
  return derApplication(
    APP_TAG.TICKET,
    derSequence([
      X(0, derInteger(ticket.tktVno)),
      X(1, derGeneralString(ticket.realm)),
      X(2, encodePrincipalName(ticket.sname)),
      X(3, encodeEncryptedData(ticket.encPart)),
    ]),
  );
}

export function encodeKdcReqBody(body: KdcReqBody): Uint8Array {
  return derSequence([
    X(0, derFlags(body.kdcOptions)),
    X(1, opt(body.cname, encodePrincipalName)),
    X(2, derGeneralString(body.realm)),
    X(3, opt(body.sname, encodePrincipalName)),
    X(4, opt(body.from, derTime)),
    X(5, derTime(body.till)),
    X(6, opt(body.rtime, derTime)),
    X(7, derInteger(body.nonce >>> 0)),
    X(8, derSequence(body.etypes.map((e) => derInteger(e)))),
    X(9, opt(body.addresses, encodeHostAddresses)),
    X(10, opt(body.encAuthorizationData, encodeEncryptedData)),
    X(11, opt(body.additionalTickets, (list) => derSequence(list.map(encodeTicket)))),
  ]);
}

/**
 * AS-REQ / TGS-REQ. `bodyBytes` lets the caller pass the req-body it already encoded (and
 * checksummed, for TGS-REQ) so the KDC sees exactly those bytes.
 */
export function encodeKdcReq(req: KdcReq, bodyBytes: Uint8Array = encodeKdcReqBody(req.body)): Uint8Array {
  return derApplication(
    req.msgType,
    derSequence([
      X(1, derInteger(KRB5_PVNO)),
      X(2, derInteger(req.msgType)),
      X(3, req.padata.length > 0 ? encodeMethodData(req.padata) : undefined),
      X(4, bodyBytes),
    ]),
  );
}

export function encodeAuthenticator(a: Authenticator): Uint8Array {
  return derApplication(
    APP_TAG.AUTHENTICATOR,
    derSequence([
      X(0, derInteger(KRB5_PVNO)),
      X(1, derGeneralString(a.crealm)),
      X(2, encodePrincipalName(a.cname)),
      X(3, opt(a.cksum, encodeChecksum)),
      X(4, derInteger(a.cusec)),
      X(5, derTime(a.ctime)),
      X(6, opt(a.subkey, encodeEncryptionKey)),
      X(7, opt(a.seqNumber, (n) => derInteger(n >>> 0))),
      X(8, opt(a.authorizationData, encodeAuthorizationData)),
    ]),
  );
}

/** AP-REQ; the ticket goes out as `ticketBytes` when given (exactly as the KDC issued it). */
export function encodeApReq(req: ApReq): Uint8Array {
  return derApplication(
    MSG_TYPE.AP_REQ,
    derSequence([
      X(0, derInteger(KRB5_PVNO)),
      X(1, derInteger(MSG_TYPE.AP_REQ)),
      X(2, derFlags(req.apOptions)),
      X(3, req.ticketBytes ?? encodeTicket(req.ticket)),
      X(4, encodeEncryptedData(req.authenticator)),
    ]),
  );
}

/** KRB-ERROR: what a KDC, a kpasswd server or a service answers when it refuses. */
export function encodeKrbError(e: KrbError): Uint8Array {
  return derApplication(
    MSG_TYPE.KRB_ERROR,
    derSequence([
      X(0, derInteger(KRB5_PVNO)),
      X(1, derInteger(MSG_TYPE.KRB_ERROR)),
      X(2, opt(e.ctime, derTime)),
      X(3, opt(e.cusec, derInteger)),
      X(4, derTime(e.stime)),
      X(5, derInteger(e.susec)),
      X(6, derInteger(e.errorCode)),
      X(7, opt(e.crealm, derGeneralString)),
      X(8, opt(e.cname, encodePrincipalName)),
      X(9, derGeneralString(e.realm)),
      X(10, encodePrincipalName(e.sname)),
      X(11, opt(e.eText, derGeneralString)),
      X(12, opt(e.eData, derOctetString)),
    ]),
  );
}

export function encodePaEncTsEnc(ts: PaEncTsEnc): Uint8Array {
  return derSequence([X(0, derTime(ts.patimestamp)), X(1, opt(ts.pausec, derInteger))]);
}

export function encodePaPacRequest(req: PaPacRequest): Uint8Array {
  return derSequence([X(0, derBoolean(req.includePac))]);
}

/** PA-PAC-REQUEST padata ([MS-KILE] 2.2.3): ask an AD KDC for a ticket with or without a PAC. */
export function paPacRequest(includePac: boolean): PaData {
  return { type: PA_TYPE.PA_PAC_REQUEST, value: encodePaPacRequest({ includePac }) };
}

/** The text form of a salt for display: its UTF-8, with invalid bytes replaced. */
export function saltText(salt: Uint8Array): string {
  return fromUtf8(salt);
}
