/** Public API of the `keytab` package: re-exports only. */
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
