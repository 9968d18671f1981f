/** Active Directory over LDAP: the public surface of lib/ad (re-exports only). */
export { openDirectory, LdapDirectory, normalizeEntry } from './directory.js';
export {
  resolveDirectoryConfig,
  parseLdapUrl,
  isEncryptedTransport,
  requireEncryptedTransport,
  DIRECTORY_ENV,
  DEFAULT_TIMEOUT_SECONDS,
} from './config.js';
export type { DirectoryConfig, DirectoryOptions, ConfigSources, ParsedLdapUrl } from './config.js';
export type {
  AttrValue,
  Modification,
  NewAttribute,
  DirectoryChange,
  DirEntry,
  SearchRequest,
  Directory,
  WriteOptions,
  WriteResult,
} from './types.js';
export {
  applyChanges,
  assertSafeToSend,
  carriesSecret,
  describeChange,
  describeChanges,
  changesToJson,
  isSecretAttribute,
} from './changes.js';
export type { JsonChange } from './changes.js';
export {
  escapeFilterValue,
  escapeDnValue,
  filter,
  orFilter,
  parseDn,
  looksLikeDn,
  childDn,
  realmOfDn,
  firstRdnValue,
  sameDn,
} from './escape.js';
export type { Rdn } from './escape.js';
export {
  UAC,
  UAC_BITS,
  ENCTYPE_BITS,
  ACCOUNT_FLAGS,
  decodeUac,
  uacFlagNames,
  decodeEnctypeBits,
  enctypesOfBits,
  enctypeBit,
  keyEnctypesOfBits,
  parseEnctypeBits,
  parseFlagChanges,
  applyFlagChanges,
} from './flags.js';
export type { BitInfo, EnctypeBitInfo, EnctypeBitsSpec, AccountFlag, FlagChange } from './flags.js';
export {
  ACCOUNT_ATTRIBUTES,
  parseAccountId,
  accountQuery,
  accountFromEntry,
  fileTimeToDate,
  findAccount,
  requireAccount,
  rereadAccount,
  accountSalt,
  nextKvno,
} from './account.js';
export type { AccountKind, AccountRecord, AccountId, AccountSalt } from './account.js';
export {
  validateSpn,
  spnService,
  spnRest,
  parseSpnMappings,
  readSpnMappings,
  clashingSpns,
  findSpnOwners,
  checkSpnsFree,
  planSpnAdd,
  planSpnRemove,
  addSpns,
  removeSpns,
  groupDuplicateSpns,
  findDuplicateSpns,
} from './spn.js';
export type { SpnOwner, SpnPlan, SpnHolder, SpnDuplicate } from './spn.js';
export {
  encodeUnicodePwd,
  passwordText,
  randomPassword,
  meetsComplexity,
  isNewDisabledAccount,
  planSetPassword,
  setPassword,
  RANDOM_PASSWORD_LENGTH,
} from './password.js';
export type { RandomPasswordOptions, SetPasswordOptions, SetPasswordResult } from './password.js';
export {
  findUpnOwners,
  planSetUpn,
  setUpn,
  planSetSupportedEnctypes,
  setSupportedEnctypes,
  planSetFlags,
  setFlags,
  planMapUser,
  mapUser,
  planCreateAccount,
  createAccount,
} from './writes.js';
export type {
  FlagsResult,
  MapUserOptions,
  MapUserResult,
  NewAccount,
  CreatePlan,
  CreateResult,
} from './writes.js';
export { directoryError, errorFacts, BIND_DATA_CODES } from './errors.js';
export type { DirectoryOperation, ErrorContext, ErrorFacts } from './errors.js';
export {
  AUDIT_RULES,
  SEVERITIES,
  auditAccount,
  auditKind,
  auditRule,
  aesOnlyValue,
  isEnabled,
  sharedSpnsOf,
} from './audit.js';
export type {
  AuditContext,
  AuditKind,
  AuditRule,
  AuditSubject,
  Finding,
  FindingCode,
  Remedy,
  Severity,
  SharedSpn,
  SpnSharer,
} from './audit.js';
export {
  AUDIT_FILTER,
  DEFAULT_AUDIT_PAGE_SIZE,
  DEFAULT_PASSWORD_AGE_DAYS,
  auditDirectory,
  auditSettings,
  searchPages,
  summarize,
  worstSeverity,
} from './audit-search.js';
export type { AuditOptions, AuditReport, AuditSummary, AuditedAccount } from './audit-search.js';
export { readGmsaPassword } from './gmsa-read.js';
export type { GmsaPassword } from './gmsa-read.js';
export { parseManagedPassword, passwordSchedule, wipeManagedPassword } from './gmsa-blob.js';
export type { ManagedPassword, ManagedPasswordSchedule } from './gmsa-blob.js';
export { managedPasswordEntries } from './gmsa-keys.js';
export type { ManagedKeysRequest } from './gmsa-keys.js';
export { planGmsaKeytab } from './gmsa-plan.js';
export type { GmsaPlan, GmsaPlanRequest } from './gmsa-plan.js';
