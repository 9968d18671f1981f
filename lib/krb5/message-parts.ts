/**
 * The shapes of Kerberos messages (RFC 4120 section 5) as field tables and codecs
 * (der-codec.ts): the building blocks (PrincipalName, EncryptedData, PA-DATA, Ticket, ...) and
 * the field lists of the messages and their encrypted parts. Each table is the one place a
 * shape is written down; messages.ts (a client's and a service's side), kdc-codec.ts (the KDC's
 * side, for the tests) and kpasswd-messages.ts read and write through it.
 *
 * Pure. Decoders throw only KtError('KRB_BAD_MESSAGE') with the offset.
 */
import { APP_TAG } from './constants.js';
import {
  application,
  boolean,
  fieldsOf,
  flags,
  int32,
  kstring,
  kstringBytes,
  octets,
  record,
  seqOf,
  time,
  uint32,
  usec,
  type Codec,
  type FieldTable,
} from './der-codec.js';
import { vno } from './message-frame.js';
import type * as Msg from './message-types.js';

// --- building blocks ------------------------------------------------------------------------------

export const principalName: Codec<Msg.PrincipalName> = record<Msg.PrincipalName>([
  fieldsOf<Msg.PrincipalName>()(0, 'name-type', 'nameType', int32),
  fieldsOf<Msg.PrincipalName>()(1, 'name-string', 'nameString', seqOf(kstring)),
]);

/** A `SEQUENCE { [0] Int32, [1] OCTET STRING }` shape (HostAddress, EncryptionKey, Checksum, ...). */
function typedOctets<T>(
  typeName: string,
  typeKey: keyof T & string,
  valueName: string,
  valueKey: keyof T & string,
  typeTag = 0,
): Codec<T> {
  return record<T>([
    { tag: typeTag, name: typeName, key: typeKey, codec: int32 as Codec<unknown> },
    { tag: typeTag + 1, name: valueName, key: valueKey, codec: octets as Codec<unknown> },
  ]);
}

export const hostAddress = typedOctets<Msg.HostAddress>(
  'addr-type',
  'addrType',
  'address',
  'address',
);
export const encryptionKey = typedOctets<Msg.EncryptionKey>(
  'keytype',
  'keytype',
  'keyvalue',
  'keyvalue',
);
export const checksum = typedOctets<Msg.Checksum>('cksumtype', 'cksumtype', 'checksum', 'checksum');
export const paData = typedOctets<Msg.PaData>('padata-type', 'type', 'padata-value', 'value', 1);
export const authorizationData = seqOf(
  typedOctets<Msg.AuthorizationDataEntry>('ad-type', 'adType', 'ad-data', 'adData'),
);
export const transited = typedOctets<Msg.TransitedEncoding>(
  'tr-type',
  'trType',
  'contents',
  'contents',
);
export const hostAddresses = seqOf(hostAddress);
export const methodData = seqOf(paData);

const lastReqRow = fieldsOf<Msg.LastReqEntry>();
export const lastReq = seqOf(
  record<Msg.LastReqEntry>([
    lastReqRow(0, 'lr-type', 'lrType', int32),
    lastReqRow(1, 'lr-value', 'lrValue', time),
  ]),
);

const edRow = fieldsOf<Msg.EncryptedData>();
// prettier-ignore
export const encryptedData = record<Msg.EncryptedData>([
  edRow(0, 'etype', 'etype', int32),
  edRow(1, 'kvno', 'kvno', uint32, true),
  edRow(2, 'cipher', 'cipher', octets),
]);

const ticketRow = fieldsOf<Msg.Ticket>();
// prettier-ignore
export const ticket: Codec<Msg.Ticket> = application(
  APP_TAG.TICKET,
  record<Msg.Ticket>([
    ticketRow(0, 'tkt-vno', 'tktVno', vno),
    ticketRow(1, 'realm', 'realm', kstring),
    ticketRow(2, 'sname', 'sname', principalName),
    ticketRow(3, 'enc-part', 'encPart', encryptedData),
  ]),
);

// --- the fields of messages and their parts ----------------------------------------------------------

const body = fieldsOf<Msg.KdcReqBody>();
// prettier-ignore
export const kdcReqBody = record<Msg.KdcReqBody>([
  body(0, 'kdc-options', 'kdcOptions', flags),
  body(1, 'cname', 'cname', principalName, true),
  body(2, 'realm', 'realm', kstring),
  body(3, 'sname', 'sname', principalName, true),
  body(4, 'from', 'from', time, true),
  body(5, 'till', 'till', time),
  body(6, 'rtime', 'rtime', time, true),
  body(7, 'nonce', 'nonce', uint32),
  body(8, 'etype', 'etypes', seqOf(int32)),
  body(9, 'addresses', 'addresses', hostAddresses, true),
  body(10, 'enc-authorization-data', 'encAuthorizationData', encryptedData, true),
  body(11, 'additional-tickets', 'additionalTickets', seqOf(ticket), true),
]);

/** KDC-REQ after pvno [1] and msg-type [2]; padata absent = empty. */
const req = fieldsOf<Msg.KdcReq>();
export const KDC_REQ_FIELDS: FieldTable<Msg.KdcReq> = [
  req(3, 'padata', 'padata', methodData, 'empty'),
  req(4, 'req-body', 'body', kdcReqBody),
];

/** KDC-REP after pvno [0] and msg-type [1]. */
const rep = fieldsOf<Msg.KdcRep>();
// prettier-ignore
export const KDC_REP_FIELDS: FieldTable<Msg.KdcRep> = [
  rep(2, 'padata', 'padata', methodData, 'empty'),
  rep(3, 'crealm', 'crealm', kstring),
  rep(4, 'cname', 'cname', principalName),
  rep(5, 'ticket', 'ticket', ticket),
  rep(6, 'enc-part', 'encPart', encryptedData),
];

/** A ticket's times, tags 5 to 8 in EncTicketPart and EncKDCRepPart alike. */
const times = fieldsOf<Msg.TicketTimes>();
// prettier-ignore
const TICKET_TIMES_FIELDS: FieldTable<Msg.TicketTimes> = [
  times(5, 'authtime', 'authTime', time),
  times(6, 'starttime', 'startTime', time, true),
  times(7, 'endtime', 'endTime', time),
  times(8, 'renew-till', 'renewTill', time, true),
];

/** EncKDCRepPart; the APPLICATION tag (25 or 26) is the caller's. */
const part = fieldsOf<Msg.EncKdcRepPart>();
// prettier-ignore
export const ENC_KDC_REP_PART_FIELDS: FieldTable<Msg.EncKdcRepPart> = [
  part(0, 'key', 'key', encryptionKey),
  part(1, 'last-req', 'lastReq', lastReq),
  part(2, 'nonce', 'nonce', uint32),
  part(3, 'key-expiration', 'keyExpiration', time, true),
  part(4, 'flags', 'flags', flags),
  ...TICKET_TIMES_FIELDS,
  part(9, 'srealm', 'srealm', kstring),
  part(10, 'sname', 'sname', principalName),
  part(11, 'caddr', 'caddr', hostAddresses, true),
  part(12, 'encrypted-pa-data', 'encryptedPaData', methodData, true),
];

const tkt = fieldsOf<Msg.EncTicketPart>();
// prettier-ignore
export const encTicketPart: Codec<Msg.EncTicketPart> = application(
  APP_TAG.ENC_TICKET_PART,
  record<Msg.EncTicketPart>([
    tkt(0, 'flags', 'flags', flags),
    tkt(1, 'key', 'key', encryptionKey),
    tkt(2, 'crealm', 'crealm', kstring),
    tkt(3, 'cname', 'cname', principalName),
    tkt(4, 'transited', 'transited', transited),
    ...TICKET_TIMES_FIELDS,
    tkt(9, 'caddr', 'caddr', hostAddresses, true),
    tkt(10, 'authorization-data', 'authorizationData', authorizationData, true),
  ]),
);

/** Authenticator after authenticator-vno [0]. */
const auth = fieldsOf<Msg.Authenticator>();
// prettier-ignore
export const AUTHENTICATOR_FIELDS: FieldTable<Msg.Authenticator> = [
  auth(1, 'crealm', 'crealm', kstring),
  auth(2, 'cname', 'cname', principalName),
  auth(3, 'cksum', 'cksum', checksum, true),
  auth(4, 'cusec', 'cusec', usec),
  auth(5, 'ctime', 'ctime', time),
  auth(6, 'subkey', 'subkey', encryptionKey, true),
  auth(7, 'seq-number', 'seqNumber', uint32, true),
  auth(8, 'authorization-data', 'authorizationData', authorizationData, true),
];

/** AP-REQ after pvno [0] and msg-type [1]. */
const ap = fieldsOf<Msg.ApReq>();
// prettier-ignore
export const AP_REQ_FIELDS: FieldTable<Msg.ApReq> = [
  ap(2, 'ap-options', 'apOptions', flags),
  ap(3, 'ticket', 'ticket', ticket),
  ap(4, 'authenticator', 'authenticator', encryptedData),
];

/** KRB-ERROR after pvno [0] and msg-type [1]. */
const err = fieldsOf<Msg.KrbError>();
// prettier-ignore
export const KRB_ERROR_FIELDS: FieldTable<Msg.KrbError> = [
  err(2, 'ctime', 'ctime', time, true),
  err(3, 'cusec', 'cusec', usec, true),
  err(4, 'stime', 'stime', time),
  err(5, 'susec', 'susec', usec),
  err(6, 'error-code', 'errorCode', int32),
  err(7, 'crealm', 'crealm', kstring, true),
  err(8, 'cname', 'cname', principalName, true),
  err(9, 'realm', 'realm', kstring),
  err(10, 'sname', 'sname', principalName),
  err(11, 'e-text', 'eText', kstring, true),
  err(12, 'e-data', 'eData', octets, true),
];

// --- pre-authentication data -------------------------------------------------------------------------

const ts = fieldsOf<Msg.PaEncTsEnc>();
export const paEncTsEnc = record<Msg.PaEncTsEnc>([
  ts(0, 'patimestamp', 'patimestamp', time),
  ts(1, 'pausec', 'pausec', usec, true),
]);

export const paPacRequest = record<Msg.PaPacRequest>([
  fieldsOf<Msg.PaPacRequest>()(0, 'include-pac', 'includePac', boolean),
]);

const info = fieldsOf<Msg.EtypeInfoEntry>();
/** ETYPE-INFO2: the salt is a KerberosString. */
export const etypeInfo2 = seqOf(
  record<Msg.EtypeInfoEntry>([
    info(0, 'etype', 'etype', int32),
    info(1, 'salt', 'salt', kstringBytes, true),
    info(2, 's2kparams', 's2kparams', octets, true),
  ]),
);
/** ETYPE-INFO (old KDCs): the salt is an OCTET STRING. */
export const etypeInfo = seqOf(
  record<Msg.EtypeInfoEntry>([
    info(0, 'etype', 'etype', int32),
    info(1, 'salt', 'salt', octets, true),
  ]),
);
