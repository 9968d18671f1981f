/**
 * The Kerberos message types (RFC 4120 section 5) as readonly data: what the codec of
 * messages.ts, message-parts.ts and kdc-codec.ts reads and writes. Types only.
 */
import type { APP_TAG, MSG_TYPE } from './constants.js';

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

/**
 * A ticket's times (RFC 4120 section 5.3: authtime [5], starttime [6] OPTIONAL, endtime [7],
 * renew-till [8] OPTIONAL). EncKDCRepPart repeats them under the same tags; a client's
 * credentials and a ccache entry carry them along.
 */
export interface TicketTimes {
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
}

/** EncTicketPart ::= [APPLICATION 3] SEQUENCE { ... } (RFC 4120 section 5.3) */
export interface EncTicketPart extends TicketTimes {
  readonly flags: number;
  readonly key: EncryptionKey;
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly transited: TransitedEncoding;
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
export interface EncKdcRepPart extends TicketTimes {
  readonly applicationTag: typeof APP_TAG.ENC_AS_REP_PART | typeof APP_TAG.ENC_TGS_REP_PART;
  readonly key: EncryptionKey;
  readonly lastReq: readonly LastReqEntry[];
  readonly nonce: number;
  readonly keyExpiration?: Date | undefined;
  readonly flags: number;
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
