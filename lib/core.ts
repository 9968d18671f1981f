/**
 * The pure core of the `keytab` package: everything that runs without Node (no node:* import
 * anywhere below it), for browsers, workers and other runtimes. package.json maps the
 * `browser` and `default` conditions here; PBKDF2 is the pure implementation unless a host
 * calls setPbkdf2Provider. What is here is what the README's Library section documents; the
 * Kerberos protocol layer (constants, message codec, krb5.conf, transport) is `keytab/krb5`
 * (lib/krb5/index.ts).
 */
export { KtError, isKtError, ERROR_CODES } from './errors.js';
export type { KtErrorCode, KtErrorDetails } from './errors.js';
export { renderRemedy, LIBRARY_SPELLING, REMEDY_OPTIONS } from './remedy.js';
export type { Remedy, OptionRemedy, RemedyOption, RemedySpelling } from './remedy.js';
export {
  parsePrincipal,
  formatPrincipal,
  formatPrincipalName,
  samePrincipal,
  parseNameType,
  nameTypeName,
  NAME_TYPES,
} from './principal.js';
export type { Principal, ParsePrincipalOptions } from './principal.js';
export { parseKeytab } from './keytab/decode.js';
export { serializeKeytab } from './keytab/encode.js';
export { KEYTAB_V1, KEYTAB_V2, emptyKeytab } from './keytab/types.js';
export type {
  Keytab,
  KeytabEntry,
  KeytabVersion,
  KeytabHole,
  KeytabWarning,
  EntryWire,
} from './keytab/types.js';
export {
  mergeEntries,
  diffEntries,
  olderKvnoEntries,
  matchesFilter,
  maxKvno,
} from './keytab/ops.js';
export type {
  MergeSource,
  MergeResult,
  EntryFilter,
  PrincipalPattern,
  KeytabDiff,
} from './keytab/ops.js';
export { ENCTYPES, enctypeById, enctypeName, resolveEnctype } from './crypto/enctypes.js';
export type { EnctypeInfo, EnctypeFamily } from './crypto/enctypes.js';
export {
  stringToKey,
  stringToKeys,
  randomToKey,
  randomKey,
  deriveKey,
} from './crypto/string-to-key.js';
export type { StringToKeyParams, KeyKind } from './crypto/string-to-key.js';
export {
  checkEnctypePolicy,
  expandEnctypeList,
  defaultEnctypes,
  ENCTYPE_GROUPS,
} from './crypto/policy.js';
export type { PolicyOptions } from './crypto/policy.js';
export {
  setPbkdf2Provider,
  getPbkdf2ProviderName,
  purePbkdf2,
} from './crypto/primitives/pbkdf2.js';
export type { Pbkdf2Provider, Pbkdf2Hash } from './crypto/primitives/pbkdf2.js';
export {
  encrypt,
  decrypt,
  checksum,
  verifyChecksum,
  prf,
  webCryptoRandom,
} from './crypto/profiles.js';
export type { EncryptOptions, ChecksumOptions, RandomSource } from './crypto/profiles.js';
export { CHECKSUM_TYPES, checksumTypeById, resolveChecksumType } from './crypto/checksums.js';
export type { ChecksumTypeInfo } from './crypto/checksums.js';
export { createKdcTransport, locateKdcs } from './krb5/transport.js';
export type {
  KdcTarget,
  SrvResolver,
  HostResolver,
  LocateOptions,
  LocateResult,
  SocketIo,
  KdcTransport,
  KdcTransportOptions,
} from './krb5/transport.js';
export * from './krb5/client-api.js';
export { verifyKeytab, DEFAULT_ALLOWED_SKEW } from './verify/verify.js';
export type { VerifyDeps, VerifyOptions } from './verify/verify.js';
export type {
  VerifyCheck,
  VerifyReport,
  CheckStatus,
  CheckName,
  CheckDetails,
} from './verify/types.js';
export { renderText as renderVerifyText, jsonReport as verifyJsonReport } from './verify/render.js';
export type { AccountDirectory, DirectoryAccountView } from './verify/directory.js';
export { candidateSalts, findKeyOrigin } from './verify/salts.js';
export type { SaltHints, KeyOrigin } from './verify/salts.js';
export { runDoctor } from './doctor/doctor.js';
export type { DoctorDeps, DoctorOptions } from './doctor/doctor.js';
export type { Finding, DoctorReport, Severity, Section } from './doctor/types.js';
export { renderDoctorText, jsonDoctorReport } from './doctor/render.js';
export { makeKrb5Conf } from './doctor/krb5conf.js';
export type { Krb5ConfSpec, GeneratedKrb5Conf } from './doctor/krb5conf.js';
