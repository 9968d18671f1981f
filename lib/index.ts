/**
 * Public API of the `keytab` package for Node: the pure core plus the Node edge (native
 * PBKDF2, KDC sockets, the LDAP directory). Importing this module changes nothing global;
 * index.node.ts (the package's `node` entry) also installs the native PBKDF2 provider.
 * What is here is what the README's Library section documents (at most 200 names, counted by
 * test/package/exports.test.ts).
 */
export * from './core.js';
export { opensslPbkdf2, useNativeCrypto } from './node/pbkdf2-native.js';
export { nodeSocketIo, loadNodeKrb5Config, createNodeKdcTransport } from './node/krb5-transport.js';
export type { NodeKdcTransportOptions } from './node/krb5-transport.js';
export { openDirectory, resolveDirectoryConfig, DIRECTORY_ENV } from './ad/index.js';
export type {
  DirectoryConfig,
  DirectoryOptions,
  ConfigSources,
  Directory,
  DirectoryChange,
  WriteOptions,
  WriteResult,
} from './ad/index.js';
export { findAccount, requireAccount, accountSalt, nextKvno } from './ad/index.js';
export type { AccountRecord, AccountKind, AccountId, AccountSalt } from './ad/index.js';
export {
  validateSpn,
  findSpnOwners,
  checkSpnsFree,
  addSpns,
  removeSpns,
  findDuplicateSpns,
} from './ad/index.js';
export type { SpnOwner, SpnPlan, SpnDuplicate } from './ad/index.js';
export { randomPassword, setPassword } from './ad/index.js';
export type { SetPasswordOptions, SetPasswordResult, RandomPasswordOptions } from './ad/index.js';
export { createAccount, mapUser, setUpn, setSupportedEnctypes, setFlags } from './ad/index.js';
export type {
  NewAccount,
  MapUserOptions,
  MapUserResult,
  CreateResult,
  FlagsResult,
} from './ad/index.js';
export { auditDirectory, auditAccount } from './ad/index.js';
export type {
  AuditReport,
  AuditedAccount,
  AuditSummary,
  AuditOptions,
  Finding as AuditFinding,
} from './ad/index.js';
export { parseEnctypeBits, parseFlagChanges } from './ad/index.js';
export {
  readGmsaPassword,
  passwordSchedule,
  wipeManagedPassword,
  managedPasswordEntries,
} from './ad/index.js';
export type { GmsaPassword, ManagedPassword, ManagedKeysRequest } from './ad/index.js';
