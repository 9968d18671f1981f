import { randomBytes, randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import {
  getPbkdf2ProviderName,
  pbkdf2,
  purePbkdf2,
  setPbkdf2Provider,
  type Pbkdf2Hash,
} from '../../lib/crypto/primitives/pbkdf2.js';
import { nativePbkdf2, useNativeCrypto } from '../../lib/node/pbkdf2-native.js';

afterEach(() => setPbkdf2Provider(null));

// RFC 6070: PBKDF2-HMAC-SHA1 test vectors.
const RFC6070: readonly [string, string, number, number, string][] = [
  ['password', 'salt', 1, 20, '0c60c80f961f0e71f3a9b524af6012062fe037a6'],
  ['password', 'salt', 2, 20, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
  ['password', 'salt', 4096, 20, '4b007901b765489abead49d926f721d065a429c1'],
  ['passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 25, '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038'],
  ['pass\0word', 'sa\0lt', 4096, 16, '56fa6aa75548099dcc37d7f03425e0c3'],
];

describe('PBKDF2 providers', () => {
  for (const provider of [purePbkdf2, nativePbkdf2]) {
    it(`${provider.name}: RFC 6070 vectors`, async () => {
      setPbkdf2Provider(provider);
      for (const [pw, salt, c, len, out] of RFC6070) {
        expect(toHex(await pbkdf2('sha1', utf8(pw), utf8(salt), c, len))).toBe(out);
      }
    });
  }

  it('the native provider equals the pure one on 50 random inputs', async () => {
    const hashes: Pbkdf2Hash[] = ['sha1', 'sha256', 'sha384'];
    for (let i = 0; i < 50; i++) {
      const hash = hashes[i % 3]!;
      // Empty password and salt included on purpose (MIT allows both).
      const password = new Uint8Array(randomBytes(i % 10 === 0 ? 0 : randomInt(1, 64)));
      const salt = new Uint8Array(randomBytes(i % 7 === 0 ? 0 : randomInt(1, 80)));
      const iterations = randomInt(1, 3001);
      const dkLen = randomInt(16, 49);
      const [pure, native] = await Promise.all([
        purePbkdf2.derive(hash, password, salt, iterations, dkLen),
        nativePbkdf2.derive(hash, password, salt, iterations, dkLen),
      ]);
      expect(native).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(native)).toBe(false);
      expect(toHex(native), `${hash} c=${iterations} dkLen=${dkLen}`).toBe(toHex(pure));
    }
  });

  it('selects, names and resets the provider', () => {
    expect(getPbkdf2ProviderName()).toBe('noble');
    useNativeCrypto();
    expect(getPbkdf2ProviderName()).toBe('node:crypto');
    setPbkdf2Provider(null);
    expect(getPbkdf2ProviderName()).toBe('noble');
  });

  it('the native provider runs off the main thread (the event loop stays free)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await nativePbkdf2.derive('sha256', utf8('p'), utf8('s'), 300_000, 32);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('rejects bad iteration counts and lengths with S2K_BAD_PARAMS', async () => {
    for (const c of [0, -1, 1.5, 2 ** 32, Number.NaN]) {
      await expect(pbkdf2('sha1', utf8('p'), utf8('s'), c, 16)).rejects.toMatchObject({ code: 'S2K_BAD_PARAMS' });
    }
    await expect(pbkdf2('sha1', utf8('p'), utf8('s'), 1, 0)).rejects.toBeInstanceOf(KtError);
    await expect(pbkdf2('md5' as Pbkdf2Hash, utf8('p'), utf8('s'), 1, 16)).rejects.toMatchObject({ code: 'S2K_BAD_PARAMS' });
  });
});
