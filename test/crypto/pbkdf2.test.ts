import { spawnSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
import {
  nativePbkdf2,
  nativeSha1Backend,
  opensslPbkdf2,
  useNativeCrypto,
} from '../../lib/node/pbkdf2-native.js';

afterEach(() => setPbkdf2Provider(null));

// RFC 6070: PBKDF2-HMAC-SHA1 test vectors.
// prettier-ignore
const RFC6070: readonly [string, string, number, number, string][] = [
  ['password', 'salt', 1, 20, '0c60c80f961f0e71f3a9b524af6012062fe037a6'],
  ['password', 'salt', 2, 20, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
  ['password', 'salt', 4096, 20, '4b007901b765489abead49d926f721d065a429c1'],
  ['passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 25, '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038'],
  ['pass\0word', 'sa\0lt', 4096, 16, '56fa6aa75548099dcc37d7f03425e0c3'],
];

describe('PBKDF2 providers', () => {
  for (const provider of [purePbkdf2, opensslPbkdf2, nativePbkdf2]) {
    it(`${provider.name}: RFC 6070 vectors`, async () => {
      setPbkdf2Provider(provider);
      for (const [pw, salt, c, len, out] of RFC6070) {
        expect(toHex(await pbkdf2('sha1', utf8(pw), utf8(salt), c, len))).toBe(out);
      }
    });
  }

  it('the native provider equals the pure one on 50 random inputs', async () => {
    expect(getPbkdf2ProviderName()).toBe('noble');
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
    expect(getPbkdf2ProviderName()).toBe('native');
    setPbkdf2Provider(opensslPbkdf2);
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
      await expect(pbkdf2('sha1', utf8('p'), utf8('s'), c, 16)).rejects.toMatchObject({
        code: 'S2K_BAD_PARAMS',
      });
    }
    await expect(pbkdf2('sha1', utf8('p'), utf8('s'), 1, 0)).rejects.toBeInstanceOf(KtError);
    await expect(pbkdf2('md5' as Pbkdf2Hash, utf8('p'), utf8('s'), 1, 16)).rejects.toMatchObject({
      code: 'S2K_BAD_PARAMS',
    });
  });
});

/** x86-64 Linux with SHA-NI and a C compiler: the build must have made the addon (CI proves it). */
const shaNiHere =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  existsSync('/proc/cpuinfo') &&
  /\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

describe('PBKDF2-HMAC-SHA1 addon (native/keytab_native.c)', () => {
  it(`is ${shaNiHere ? '' : 'not '}used on this machine`, () => {
    expect(nativeSha1Backend()).toBe(shaNiHere ? 'sha-ni' : 'node:crypto');
  });

  it('equals OpenSSL at the padding and block edges', async () => {
    // Salt plus the 4-byte block index crosses SHA-1's 55/56/64-byte padding edges; passwords
    // cross the 64-byte HMAC key edge (longer keys are hashed first); output lengths cover a
    // partial last block, odd block counts (one chain alone) and many pairs.
    const cases: [number, number, number, number][] = [];
    for (const saltLen of [0, 1, 50, 51, 52, 55, 56, 59, 60, 61, 64, 119, 120, 124, 200])
      cases.push([saltLen % 70, saltLen, 3, 32]);
    for (const pwLen of [0, 1, 63, 64, 65, 128, 800]) cases.push([pwLen, 12, 2, 20]);
    for (const dkLen of [1, 16, 19, 20, 21, 39, 40, 41, 60, 61, 1024]) cases.push([9, 9, 5, dkLen]);
    for (const [pwLen, saltLen, c, dkLen] of cases) {
      const password = new Uint8Array(randomBytes(pwLen));
      const salt = new Uint8Array(randomBytes(saltLen));
      const got = await nativePbkdf2.derive('sha1', password, salt, c, dkLen);
      expect(toHex(got), `pw=${pwLen} salt=${saltLen} c=${c} dkLen=${dkLen}`).toBe(
        pbkdf2Sync(password, salt, c, dkLen, 'sha1').toString('hex'),
      );
    }
  });

  it('runs off the main thread and in parallel', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const keys = await Promise.all(
      [0, 1, 2, 3].map((i) => nativePbkdf2.derive('sha1', utf8(`p${i}`), utf8('s'), 100_000, 32)),
    );
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(toHex(keys[3]!)).toBe(pbkdf2Sync('p3', 's', 100_000, 32, 'sha1').toString('hex'));
  });
});

describe('the bundled CLI and the addon', () => {
  const bin = new URL('../../dist/bin/keytab.cjs', import.meta.url).pathname;
  const keytab = (args: string[], env: Record<string, string> = {}, input?: string) =>
    spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      input,
      env: { ...process.env, ...env },
    });

  it('--version names the PBKDF2 implementation; KEYTAB_NATIVE_ADDON=0 turns the addon off', () => {
    const on = keytab(['--version']);
    expect(on.status).toBe(0);
    expect(on.stdout).toMatch(/^keytab \d+\.\d+\.\d+\n/);
    expect(on.stdout).toContain(
      `PBKDF2-HMAC-SHA1 (AES-SHA1, Camellia): ${shaNiHere ? 'SHA-NI addon' : 'node:crypto'}`,
    );
    expect(keytab(['--version'], { KEYTAB_NATIVE_ADDON: '0' }).stdout).toContain(
      'PBKDF2-HMAC-SHA1 (AES-SHA1, Camellia): node:crypto',
    );
  });

  it('derives the RFC 6803 Camellia key the same with and without the addon', () => {
    // RFC 6803 section 10: "password", salt "ATHENA.MIT.EDUraeburn", 1200 iterations, camellia256.
    const args = [
      'derive',
      '-e',
      'camellia256-cts-cmac',
      '--salt',
      'ATHENA.MIT.EDUraeburn',
      '--iterations',
      '1200',
      '--allow-weak',
      '--password-stdin',
    ];
    const expected = '77f421a6f25e138395e837e5d85d385b4c1bfd772e112cd9208ce72a530b15e6';
    for (const env of [{}, { KEYTAB_NATIVE_ADDON: '0' }]) {
      const run = keytab(args, env, 'password\n');
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trim().split('\n').at(-1)).toBe(expected);
    }
  });
});
