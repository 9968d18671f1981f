/**
 * arcfour-hmac (23) and arcfour-hmac-exp (24), RFC 4757.
 *
 * Section 2: "K = MD4(UNICODE(password))": the NT hash. UNICODE is UTF-16LE without a
 * terminator; characters outside the BMP become surrogate pairs (what MIT and Windows hash;
 * Heimdal 7.8 refuses them). The salt and s2kparams are ignored, so one password gives the same
 * key for every principal. The export variant (24) has the same key; its weakening happens in
 * encryption.
 */
import { fromUtf8, isValidUtf8, utf16le, wipe } from '../../bytes.js';
import { KtError } from '../../errors.js';
import { md4 } from '../primitives/md4.js';
import { identityRandomToKey } from './identity.js';
import type { FamilyFactory } from './types.js';

/** MD4(UTF-16LE(password)), the password given as UTF-8 bytes. */
export function rc4StringToKey(passwordUtf8: Uint8Array): Uint8Array {
  if (!isValidUtf8(passwordUtf8)) {
    throw new KtError('PASSWORD_INVALID', "RC4 keys are made from the password's characters; these bytes are not valid UTF-8", {
      hint: 'give the password as text, or as its UTF-8 encoding',
    });
  }
  const unicode = utf16le(fromUtf8(passwordUtf8));
  try {
    return md4(unicode);
  } finally {
    wipe(unicode);
  }
}

export const rc4: FamilyFactory = (spec) => ({
  family: 'rc4',
  seedLength: spec.keyLength,
  stringToKey: async (password) => rc4StringToKey(password),
  randomToKey: identityRandomToKey(spec.keyLength, spec.name),
});
