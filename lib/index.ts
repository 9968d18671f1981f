/**
 * Public API of the `keytab` package for Node: the pure core plus the Node edge (native
 * PBKDF2, KDC sockets, the LDAP directory). Importing this module changes nothing global;
 * index.node.ts (the package's `node` entry) also installs the native PBKDF2 provider.
 */
export * from './core.js';
export { nativePbkdf2, nativeSha1Backend, opensslPbkdf2, useNativeCrypto } from './node/pbkdf2-native.js';
export { nodeSocketIo, nodeSrvResolver, nodeHostResolver, nodeConfigReader, krb5ConfigPaths, loadNodeKrb5Config, createNodeKdcTransport } from './node/krb5-transport.js';
export type { NodeSocketIoOptions, NodeResolverOptions, NodeKdcTransportOptions } from './node/krb5-transport.js';
export { openDirectory, LdapDirectory, resolveDirectoryConfig, parseLdapUrl, isEncryptedTransport, requireEncryptedTransport, DIRECTORY_ENV } from './ad/index.js';
export type { DirectoryConfig, DirectoryOptions, ConfigSources, Directory, DirectoryChange, DirEntry, Modification, SearchRequest, WriteOptions, WriteResult } from './ad/index.js';
export { findAccount, requireAccount, rereadAccount, parseAccountId, accountSalt, nextKvno, ACCOUNT_ATTRIBUTES } from './ad/index.js';
export type { AccountRecord, AccountKind, AccountId, AccountSalt } from './ad/index.js';
export { validateSpn, findSpnOwners, checkSpnsFree, addSpns, removeSpns, findDuplicateSpns } from './ad/index.js';
export type { SpnOwner, SpnPlan, SpnDuplicate } from './ad/index.js';
export { encodeUnicodePwd, randomPassword, setPassword, planSetPassword, isNewDisabledAccount } from './ad/index.js';
export type { SetPasswordOptions, SetPasswordResult, RandomPasswordOptions } from './ad/index.js';
export { createAccount, mapUser, setUpn, setSupportedEnctypes, setFlags, planCreateAccount, planMapUser } from './ad/index.js';
export type { NewAccount, MapUserOptions, MapUserResult, CreateResult, FlagsResult } from './ad/index.js';
export { auditDirectory, auditAccount, AUDIT_RULES } from './ad/index.js';
export type { AuditReport, AuditedAccount, AuditSummary, AuditOptions, Finding as AuditFinding, FindingCode, Remedy, Severity as AuditSeverity } from './ad/index.js';
export { UAC, UAC_BITS, ENCTYPE_BITS, ACCOUNT_FLAGS, decodeUac, decodeEnctypeBits, parseEnctypeBits, parseFlagChanges, keyEnctypesOfBits } from './ad/index.js';
export { escapeFilterValue, escapeDnValue, parseDn, realmOfDn, describeChanges, changesToJson, directoryError } from './ad/index.js';
