/**
 * `keytab/krb5`: the Kerberos protocol layer of the package (re-exports only, pure): the RFC 4120
 * constants, the message codec of a client and a service (AS/TGS requests and replies as a client
 * sees them, tickets, AP-REQ, authenticators, KRB-ERROR, pre-authentication data), krb5.conf,
 * the KDC locator and transport, and the AS/TGS client. The KDC's own side of the codec
 * (lib/krb5/kdc-codec.ts) is not part of the package.
 */
export { KRB5_PVNO, MSG_TYPE, APP_TAG, PA_TYPE, paTypeName, KEY_USAGE, KDC_OPTIONS, TICKET_FLAGS, flagNames, ADDR_TYPE, KRB_ERRORS, KRB_ERR, krbErrorInfo, NT_STATUS } from './constants.js';
export type { KrbErrorInfo } from './constants.js';
export { decodeKdcReply, decodeKdcRep, decodeKrbError, decodeEncKdcRepPart, decodeEncTicketPart, decodeTicket, decodeAuthenticator, decodeApReq, decodeMethodData, decodeEtypeInfo2, decodeEtypeInfo, decodeErrorData, decodePrincipalName, decodeEncryptedData, peekErrorCode } from './messages.js';
export { encodeKdcReq, encodeKdcReqBody, encodeKrbError, encodeTicket, encodeAuthenticator, encodeApReq, encodeMethodData, encodePaEncTsEnc, encodePaPacRequest, encodeEncryptedData, encodeEncryptionKey, encodePaData, encodePrincipalName, paPacRequest } from './messages.js';
export { toPrincipalName, fromPrincipalName, tgsPrincipalName, principalNameText, saltText } from './messages.js';
export type { PrincipalName, HostAddress, EncryptedData, EncryptionKey, Checksum, PaData, AuthorizationDataEntry, TransitedEncoding, LastReqEntry, Ticket, EncTicketPart, KdcReqBody, KdcReq, KdcRep, EncKdcRepPart, Authenticator, ApReq, KrbError, PaEncTsEnc, EtypeInfoEntry, PaPacRequest, ErrorData, KdcReply } from './messages.js';
export { parseKrb5Conf, loadKrb5Config, configNodes, configValues, configValue, realmConfig, realmForHost, parseConfigBoolean, parseDuration, parseEnctypeList, includedirAccepts } from './config.js';
export type { Krb5Config, ConfigReader, ConfigNode, ConfigWarning, Libdefaults, RealmConfig, DomainRealmMapping, ParseOptions as Krb5ConfParseOptions } from './config.js';
export { KDC_PORT, UDP_PREFERENCE_LIMIT, MAX_TCP_REPLY, parseKdcSpec, formatKdc, isIpAddress, orderSrvRecords, locateKdcs, createKdcTransport, frameTcp, tcpFrameLength } from './transport.js';
export type { KdcProtocol, KdcSource, KdcSpec, KdcTarget, SrvRecord, SrvResolver, HostResolver, LocateOptions, LocateResult, SocketIo, KdcAttempt, KdcResponse, KdcTransport, KdcTransportOptions } from './transport.js';
export { probeAsReq, getInitialTicket, getServiceTicket, decryptTicket, defaultSalt, etypeInfoFromPadata, clockSkewSeconds } from './client.js';
export type { KrbContext, KrbKey, KdcEtypeInfo, ExchangeInfo, KdcFailure, KrbCredentials, Outcome, AsRequestOptions, ProbeResult, InitialSecret, InitialTicketOptions, InitialTicket, ServiceTicketOptions, ServiceTicket } from './client.js';
