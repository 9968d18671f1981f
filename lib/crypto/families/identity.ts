/** random-to-key for enctypes whose keys are plain random bytes (AES, Camellia, RC4). */
import { KtError } from '../../errors.js';

export function identityRandomToKey(
  length: number,
  what: string,
): (seed: Uint8Array) => Uint8Array {
  return (seed) => {
    if (seed.length !== length) {
      throw new KtError(
        'KEY_BAD_LENGTH',
        `${what} random-to-key takes ${length} bytes, got ${seed.length}`,
      );
    }
    // RFC 3962 section 6 / RFC 6803 section 2 / RFC 8009 section 5: random-to-key is identity.
    return seed.slice();
  };
}
