/**
 * The pure core of the `keytab` package: everything that runs without Node (no node:* import
 * anywhere below it), for browsers, workers and other runtimes. package.json maps the
 * `browser` and `default` conditions here; PBKDF2 is the pure implementation unless a host
 * calls setPbkdf2Provider.
 */
export { KtError, isKtError, ERROR_CODES } from './errors.js';
export type { KtErrorCode, KtErrorDetails } from './errors.js';
export { parsePrincipal, formatPrincipal, formatPrincipalName, samePrincipal, parseNameType, nameTypeName, NAME_TYPES } from './principal.js';
export type { Principal, ParsePrincipalOptions } from './principal.js';
export { parseKeytab } from './keytab/decode.js';
export { serializeKeytab } from './keytab/encode.js';
export { KEYTAB_V1, KEYTAB_V2, emptyKeytab } from './keytab/types.js';
export type { Keytab, KeytabEntry, KeytabVersion, KeytabHole, KeytabWarning, EntryWire } from './keytab/types.js';
export { mergeEntries, diffEntries, olderKvnoEntries, matchesFilter, entryId, maxKvno } from './keytab/ops.js';
export type { MergeSource, MergeResult, EntryFilter, PrincipalPattern, KeytabDiff } from './keytab/ops.js';
export { ENCTYPES, enctypeById, enctypeName, resolveEnctype } from './crypto/enctypes.js';
export type { EnctypeInfo, EnctypeFamily } from './crypto/enctypes.js';
export { isDerivable } from './crypto/enctypes.js';
export type { DerivableEnctype } from './crypto/enctypes.js';
export { stringToKey, stringToKeys, randomToKey, randomKey, deriveKey, checkKeyLength, checkIterations, derivableEnctype } from './crypto/string-to-key.js';
export type { StringToKeyParams, KeyKind } from './crypto/string-to-key.js';
export { checkEnctypePolicy, expandEnctypeList, defaultEnctypes, ENCTYPE_GROUPS, POLICY_RULES } from './crypto/policy.js';
export type { PolicyOptions } from './crypto/policy.js';
export { setPbkdf2Provider, getPbkdf2ProviderName, purePbkdf2 } from './crypto/primitives/pbkdf2.js';
export type { Pbkdf2Provider, Pbkdf2Hash } from './crypto/primitives/pbkdf2.js';
export { encrypt, decrypt, checksum, verifyChecksum, checksumTypeFor, prf, prfLength, webCryptoRandom } from './crypto/profiles.js';
export type { EncryptOptions, ChecksumOptions, RandomSource } from './crypto/profiles.js';
export { CHECKSUM_TYPES, checksumTypeById, resolveChecksumType } from './crypto/checksums.js';
export type { ChecksumTypeInfo } from './crypto/checksums.js';
export { KRB5_PVNO, MSG_TYPE, APP_TAG, PA_TYPE, paTypeName, KEY_USAGE, KDC_OPTIONS, TICKET_FLAGS, flagNames, ADDR_TYPE, KRB_ERRORS, KRB_ERR, krbErrorInfo, NT_STATUS } from './krb5/constants.js';
export type { KrbErrorInfo } from './krb5/constants.js';
export { decodeKdcReply, decodeKdcReq, decodeKdcRep, decodeKrbError, decodeEncKdcRepPart, decodeEncTicketPart, decodeTicket, decodeAuthenticator, decodeApReq, decodeMethodData, decodeEtypeInfo2, decodeEtypeInfo, decodePaEncTsEnc, decodePaPacRequest, decodeErrorData, peekErrorCode } from './krb5/messages.js';
export { encodeKdcReq, encodeKdcReqBody, encodeKdcRep, encodeKrbError, encodeEncKdcRepPart, encodeEncTicketPart, encodeTicket, encodeAuthenticator, encodeApReq, encodeMethodData, encodeEtypeInfo2, encodeEtypeInfo, encodePaEncTsEnc, encodePaPacRequest, encodeEncryptedData, encodeEncryptionKey, encodePaData, encodePrincipalName, paPacRequest } from './krb5/messages.js';
export { toPrincipalName, fromPrincipalName, tgsPrincipalName, principalNameText, saltText } from './krb5/messages.js';
export type { PrincipalName, HostAddress, EncryptedData, EncryptionKey, Checksum, PaData, AuthorizationDataEntry, TransitedEncoding, LastReqEntry, Ticket, EncTicketPart, KdcReqBody, KdcReq, KdcRep, EncKdcRepPart, Authenticator, ApReq, KrbError, PaEncTsEnc, EtypeInfoEntry, PaPacRequest, ErrorData, KdcReply } from './krb5/messages.js';
export { parseKrb5Conf, loadKrb5Config, configNodes, configValues, configValue, realmConfig, realmForHost, parseConfigBoolean, parseDuration, parseEnctypeList, includedirAccepts } from './krb5/config.js';
export type { Krb5Config, ConfigReader, ConfigNode, ConfigWarning, Libdefaults, RealmConfig, DomainRealmMapping, ParseOptions as Krb5ConfParseOptions } from './krb5/config.js';
export { KDC_PORT, UDP_PREFERENCE_LIMIT, MAX_TCP_REPLY, parseKdcSpec, formatKdc, isIpAddress, orderSrvRecords, locateKdcs, createKdcTransport, frameTcp, tcpFrameLength } from './krb5/transport.js';
export type { KdcProtocol, KdcSource, KdcSpec, KdcTarget, SrvRecord, SrvResolver, HostResolver, LocateOptions, LocateResult, SocketIo, KdcAttempt, KdcResponse, KdcTransport, KdcTransportOptions } from './krb5/transport.js';
export { probeAsReq, getInitialTicket, getServiceTicket, decryptTicket, defaultSalt, etypeInfoFromPadata, clockSkewSeconds } from './krb5/client.js';
export type { KrbContext, KrbKey, KdcEtypeInfo, ExchangeInfo, KdcFailure, KrbCredentials, Outcome, AsRequestOptions, ProbeResult, InitialSecret, InitialTicketOptions, InitialTicket, ServiceTicketOptions, ServiceTicket } from './krb5/client.js';
export { verifyKeytab, DEFAULT_ALLOWED_SKEW, DEFAULT_WARN_SKEW } from './verify/verify.js';
export type { VerifyDeps, VerifyOptions } from './verify/verify.js';
export type { VerifyCheck, VerifyReport, CheckStatus, CheckName, CheckDetails } from './verify/types.js';
export { checkLine, renderText as renderVerifyText, jsonReport as verifyJsonReport } from './verify/render.js';
export { CLIENT_ADVICE, SERVICE_ADVICE, NT_STATUS_ADVICE, adviceFor } from './verify/advice.js';
export type { Advice, AdviceSubject } from './verify/advice.js';
export { baseDnForDomain, enctypesOfSupportedBits, describeSupportedBits, SUPPORTED_ENCTYPE_BITS } from './verify/directory.js';
export type { AccountDirectory, DirectoryAccountView } from './verify/directory.js';
export { candidateSalts, describeSalt, findKeyOrigin, enctypeUsesSalt } from './verify/salts.js';
export type { SaltHints, KeyOrigin } from './verify/salts.js';
export { runDoctor } from './doctor/doctor.js';
export type { DoctorDeps, DoctorOptions } from './doctor/doctor.js';
export type { Finding, DoctorReport, Severity, Section } from './doctor/types.js';
export { findingLine, renderDoctorText, jsonDoctorReport } from './doctor/render.js';
export { makeKrb5Conf, SAFE_PERMITTED_ENCTYPES } from './doctor/krb5conf.js';
export type { Krb5ConfSpec, GeneratedKrb5Conf } from './doctor/krb5conf.js';
export { expandMitEnctypes, MIT_ENCTYPE_FAMILIES } from './doctor/enctype-list.js';
