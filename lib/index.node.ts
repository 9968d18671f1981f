/**
 * The package entry under the `node` condition (package.json exports): the whole API of
 * index.ts, with PBKDF2 on the thread pool installed at import (node:crypto, or the SHA-NI addon
 * for HMAC-SHA1), so `import { stringToKey } from 'keytab'` is fast without asking. A caller
 * who wants another provider still calls setPbkdf2Provider (null: the pure one) after import.
 */
import { useNativeCrypto } from './node/pbkdf2-native.js';

export * from './index.js';

useNativeCrypto();
