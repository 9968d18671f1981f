import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, fromUtf8, toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { ENCTYPES, isDerivable, type EnctypeInfo } from '../../lib/crypto/enctypes.js';
import {
  purePbkdf2,
  setPbkdf2Provider,
  type Pbkdf2Provider,
} from '../../lib/crypto/primitives/pbkdf2.js';
import {
  checkIterations,
  checkKeyLength,
  deriveKey,
  randomKey,
  randomToKey,
  stringToKey,
  stringToKeys,
} from '../../lib/crypto/string-to-key.js';
import { useNativeCrypto } from '../../lib/node/pbkdf2-native.js';

afterEach(() => setPbkdf2Provider(null));

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const DERIVABLE = ENCTYPES.filter(isDerivable);
/** Low counts keep the PBKDF2 enctypes quick where the exact count does not matter. */
const FAST = { iterations: 3 };

async function rejection(p: Promise<unknown>): Promise<KtError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KtError);
    return e as KtError;
  }
  throw new Error('expected a rejection');
}

// A known key: password, salt, iterations -> key, for one enctype.
interface Known {
  readonly source: string;
  readonly etype: number;
  readonly password: string;
  readonly salt: Uint8Array;
  readonly iterations: number | undefined;
  readonly key: string;
}

/** Every password-based key in the vector files and golden manifests, password as text. */
function knownKeys(): Known[] {
  const out: Known[] = [];
  const dir = join(FIXTURES, 'vectors');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    for (const [kind, list] of Object.entries(json)) {
      if (!Array.isArray(list) || !/string_to_key$/.test(kind)) continue;
      for (const c of list as Record<string, unknown>[]) {
        if (typeof c['key_hex'] !== 'string' || typeof c['password_hex'] !== 'string') continue;
        const etypes =
          typeof c['etype'] === 'number'
            ? [c['etype']]
            : [...String(c['enctype']).matchAll(/\((\d+)\)|etypes ([\d, ]+)/g)].flatMap((m) =>
                (m[1] ?? m[2]!).split(/,\s*/).map(Number),
              );
        for (const etype of etypes) {
          out.push({
            source: `${name} ${String(c['id'])}`,
            etype,
            password: fromUtf8(fromHex(c['password_hex'])),
            salt: fromHex(String(c['derived_salt_hex'] ?? c['salt_hex'] ?? '')),
            iterations: typeof c['iterations'] === 'number' ? c['iterations'] : undefined,
            key: c['key_hex'],
          });
        }
      }
    }
  }
  const golden = join(FIXTURES, 'keytabs', 'golden');
  for (const name of readdirSync(golden).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(join(golden, name), 'utf8')) as {
      inputs?: Record<string, unknown>[];
    };
    for (const input of json.inputs ?? []) {
      if (typeof input['password_hex'] !== 'string' || typeof input['key_input_hex'] === 'string')
        continue;
      out.push({
        source: `${name} ${String(input['enctype'])}`,
        etype: Number(input['etype']),
        password: fromUtf8(fromHex(input['password_hex'])),
        salt: fromHex(String(input['effective_salt_hex'] ?? '')),
        iterations: typeof input['iterations'] === 'number' ? input['iterations'] : undefined,
        key: String(input['expected_key_hex']),
      });
    }
  }
  return out;
}

const PASSWORDS: Readonly<Record<string, (k: Known) => boolean>> = {
  'non-ASCII': (k) => /[^\x00-\x7f]/.test(k.password),
  empty: (k) => k.password === '',
  '200 characters': (k) => k.password.length >= 200,
  'non-BMP (U+1D11E)': (k) => k.password.includes('\u{1D11E}'),
};

describe('stringToKey with awkward passwords', () => {
  const known = knownKeys().filter((k) => ENCTYPES.find((e) => e.id === k.etype && isDerivable(e)));
  const samples: Readonly<Record<string, string>> = {
    'non-ASCII': 'pässwörd€ Ünïcödé ß ẞ パスワード',
    empty: '',
    '200 characters': 'Aa0!Bb1@Cc2#Dd3$Ee4%'.repeat(10),
    'non-BMP (U+1D11E)': 'clef \u{1D11E} and \u{1F600}',
  };

  for (const [category, matches] of Object.entries(PASSWORDS)) {
    describe(category, () => {
      it('gives the same key twice, from a string and from its UTF-8 bytes, for every enctype', async () => {
        const password = samples[category]!;
        for (const info of DERIVABLE) {
          const a = await stringToKey(info.id, password, 'EXAMPLE.COMuser', FAST);
          const b = await stringToKey(info.name, utf8(password), utf8('EXAMPLE.COMuser'), FAST);
          expect(a.length, info.name).toBe(info.keyLength);
          expect(toHex(b), info.name).toBe(toHex(a));
        }
      });

      const cases = known.filter(matches);
      it('has known keys for several families', () => {
        expect(cases.length).toBeGreaterThan(2);
      });
      for (const k of cases) {
        it(`equals ${k.source} (etype ${k.etype})`, async () => {
          const key = await stringToKey(k.etype, k.password, k.salt, { iterations: k.iterations });
          expect(toHex(key)).toBe(k.key);
        });
      }
    });
  }

  it('covers every family with a non-ASCII known key', () => {
    const families = new Set(
      known
        .filter(PASSWORDS['non-ASCII']!)
        .map((k) => ENCTYPES.find((e) => e.id === k.etype)!.family),
    );
    expect([...families].sort()).toEqual([
      'aes-sha1',
      'aes-sha2',
      'camellia',
      'des',
      'des3',
      'rc4',
    ]);
  });
});

describe('stringToKey inputs', () => {
  it('RC4 refuses bytes that are not UTF-8, with the reason', async () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0x80, 0x61]]) {
      const e = await rejection(stringToKey(23, new Uint8Array(bad), ''));
      expect(e.code).toBe('PASSWORD_INVALID');
      expect(e.message).toBe(
        "RC4 keys are made from the password's characters; these bytes are not valid UTF-8",
      );
    }
    // Other families take the bytes as they are.
    expect((await stringToKey(18, new Uint8Array([0xff]), 'salt', FAST)).length).toBe(32);
    expect((await stringToKey(3, new Uint8Array([0xff]), 'salt')).length).toBe(8);
  });

  it('refuses strings with unpaired surrogates instead of replacing them', async () => {
    expect((await rejection(stringToKey(18, 'ab\uD834', 'salt'))).code).toBe('PASSWORD_INVALID');
    expect((await rejection(stringToKey(18, '\uDD1Eab', 'salt'))).code).toBe('PASSWORD_INVALID');
    expect((await rejection(stringToKey(18, 'pw', 'EXAMPLE.COM\uD834'))).code).toBe('SALT_INVALID');
  });

  it('checks iteration counts: integer 1..2^32-1', async () => {
    for (const iterations of [0, -5, 1.5, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect((await rejection(stringToKey(18, 'pw', 'salt', { iterations }))).code).toBe(
        'S2K_BAD_PARAMS',
      );
    }
    expect(checkIterations(1)).toBe(1);
    expect(checkIterations(0xffffffff)).toBe(0xffffffff);
    expect(checkIterations(undefined)).toBeUndefined();
  });

  it('names enctypes it cannot derive', async () => {
    expect((await rejection(stringToKey('nonsense', 'pw', 'salt'))).code).toBe('ENCTYPE_UNKNOWN');
    expect((await rejection(stringToKey(99, 'pw', 'salt'))).code).toBe('ENCTYPE_UNKNOWN');
    for (const [id, name] of [
      [5, 'des3-cbc-md5'],
      [7, 'old-des3-cbc-sha1'],
      [8, 'des-hmac-sha1'],
    ] as const) {
      const e = await rejection(stringToKey(id, 'pw', 'salt'));
      expect(e.code).toBe('ENCTYPE_UNKNOWN');
      expect(e.message).toBe(`etype ${id} (${name}) keys cannot be derived`);
    }
  });

  it('uses the family default iteration count when none is given', async () => {
    const pw = 'password';
    const salt = 'ATHENA.MIT.EDUraeburn';
    expect(toHex(await stringToKey(17, pw, salt))).toBe(
      toHex(await stringToKey(17, pw, salt, { iterations: 4096 })),
    );
    expect(toHex(await stringToKey(19, pw, salt))).toBe(
      toHex(await stringToKey(19, pw, salt, { iterations: 32768 })),
    );
    expect(toHex(await stringToKey(25, pw, salt))).toBe(
      toHex(await stringToKey(25, pw, salt, { iterations: 32768 })),
    );
    expect(toHex(await stringToKey(18, pw, salt))).not.toBe(
      toHex(await stringToKey(18, pw, salt, { iterations: 4097 })),
    );
  });

  it('RC4 ignores salt and iterations; DES and DES3 ignore iterations', async () => {
    expect(toHex(await stringToKey(23, 'pw', 'one'))).toBe(
      toHex(await stringToKey(23, 'pw', 'two', { iterations: 9 })),
    );
    expect(toHex(await stringToKey(24, 'pw', 'x'))).toBe(toHex(await stringToKey(23, 'pw', 'y')));
    expect(toHex(await stringToKey(16, 'pw', 's'))).toBe(
      toHex(await stringToKey(16, 'pw', 's', { iterations: 9 })),
    );
    expect(toHex(await stringToKey(1, 'pw', 's'))).toBe(
      toHex(await stringToKey(3, 'pw', 's', { iterations: 9 })),
    );
  });

  it('never modifies the caller’s bytes', async () => {
    const password = utf8('pässwörd');
    const salt = utf8('EXAMPLE.COMuser');
    for (const info of DERIVABLE) await stringToKey(info.id, password, salt, FAST);
    expect(fromUtf8(password)).toBe('pässwörd');
    expect(fromUtf8(salt)).toBe('EXAMPLE.COMuser');
  });

  it('the native PBKDF2 provider gives the same keys', async () => {
    const pure = await Promise.all(
      DERIVABLE.map((e) => stringToKey(e.id, 'pässwörd', 'EXAMPLE.COMuser', { iterations: 50 })),
    );
    useNativeCrypto();
    const native = await Promise.all(
      DERIVABLE.map((e) => stringToKey(e.id, 'pässwörd', 'EXAMPLE.COMuser', { iterations: 50 })),
    );
    expect(native.map(toHex)).toEqual(pure.map(toHex));
  });
});

describe('stringToKeys', () => {
  it('equals one stringToKey per enctype, in the order asked', async () => {
    const ids = [23, 18, 3, 26, 17, 20, 16, 19, 25];
    const batch = await stringToKeys(ids, 'pässwörd', 'EXAMPLE.COMuser', FAST);
    const single = await Promise.all(
      ids.map((id) => stringToKey(id, 'pässwörd', 'EXAMPLE.COMuser', FAST)),
    );
    expect(batch.map(toHex)).toEqual(single.map(toHex));
  });

  it('runs PBKDF2 once for aes128 + aes256 (same PRF and salt)', async () => {
    let runs = 0;
    const counting: Pbkdf2Provider = {
      name: 'counting',
      derive: (...args) => {
        runs++;
        return purePbkdf2.derive(...args);
      },
    };
    setPbkdf2Provider(counting);
    await stringToKeys([17, 18], 'password', 'ATHENA.MIT.EDUraeburn', { iterations: 2 });
    expect(runs).toBe(1);
    runs = 0;
    // The peppered families differ in salt (the enctype name), so nothing is shared.
    await stringToKeys([19, 20, 25, 26], 'password', 'ATHENA.MIT.EDUraeburn', { iterations: 2 });
    expect(runs).toBe(4);
  });

  it('fails as a whole when one enctype fails', async () => {
    const e = await rejection(stringToKeys([18, 23], new Uint8Array([0xff]), 'salt', FAST));
    expect(e.code).toBe('PASSWORD_INVALID');
    expect((await rejection(stringToKeys([18, 7], 'pw', 'salt'))).code).toBe('ENCTYPE_UNKNOWN');
  });
});

describe('randomToKey and randomKey', () => {
  it('maps a seed of the right length to a key of the right length', () => {
    for (const info of DERIVABLE) {
      const key = randomToKey(info.id, new Uint8Array(info.seedLength).fill(0xa5));
      expect(key.length, info.name).toBe(info.keyLength);
    }
  });

  it('is the identity for AES, Camellia and RC4; adds parity for DES and DES3', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(toHex(randomToKey(18, seed))).toBe(toHex(seed));
    expect(toHex(randomToKey(25, seed.subarray(0, 16)))).toBe(toHex(seed.subarray(0, 16)));
    expect(toHex(randomToKey(23, seed.subarray(0, 16)))).toBe(toHex(seed.subarray(0, 16)));
    // RFC 3961 A.3: DR output 935079d1... gives DK 925179d0...
    expect(toHex(randomToKey(16, fromHex('935079d14490a75c3093c4a6e8c3b049c71e6ee705')))).toBe(
      '925179d04591a79b5d3192c4a7e9c289b049c71f6ee604cd',
    );
    const des = randomToKey(3, fromHex('00000000000000'));
    expect(toHex(des)).toBe('0101010101010101');
  });

  it('refuses seeds of the wrong length', () => {
    for (const info of DERIVABLE) {
      expect(
        () => randomToKey(info.id, new Uint8Array(info.seedLength + 1)),
        info.name,
      ).toThrowError(expect.objectContaining({ code: 'KEY_BAD_LENGTH' }));
    }
  });

  it('randomKey draws seedLength bytes from the injected source and wipes them', () => {
    const drawn: Uint8Array[] = [];
    const random = (n: number): Uint8Array => {
      const seed = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      drawn.push(seed);
      return seed;
    };
    for (const info of DERIVABLE) {
      const key = randomKey(info.id, random);
      expect(key.length).toBe(info.keyLength);
      const seed = drawn.at(-1)!;
      expect(seed.length).toBe(info.seedLength);
      expect(seed.every((b) => b === 0)).toBe(true);
    }
    expect(() => randomKey(18, () => new Uint8Array(5))).toThrow(KtError);
  });
});

describe('deriveKey and checkKeyLength', () => {
  it('derives Kc/Ke/Ki only for the simplified-profile families', () => {
    const withKd = DERIVABLE.filter((e: EnctypeInfo) => e.deriveKey).map((e) => e.id);
    expect(withKd).toEqual([16, 17, 18, 19, 20, 25, 26]);
    expect(() => deriveKey(23, new Uint8Array(16), 2, 'Kc')).toThrowError(
      expect.objectContaining({ code: 'ENCTYPE_UNKNOWN' }),
    );
    expect(() => deriveKey(18, new Uint8Array(16), 2, 'Kc')).toThrowError(
      expect.objectContaining({ code: 'KEY_BAD_LENGTH' }),
    );
    // RFC 8009: aes256-sha384 gives 24-byte Kc/Ki and a 32-byte Ke.
    expect(deriveKey(20, new Uint8Array(32), 2, 'Kc').length).toBe(24);
    expect(deriveKey(20, new Uint8Array(32), 2, 'Ke').length).toBe(32);
    expect(deriveKey(20, new Uint8Array(32), 2, 'Ki').length).toBe(24);
  });

  it('checks raw key lengths', () => {
    expect(() => checkKeyLength(18, new Uint8Array(32))).not.toThrow();
    expect(() => checkKeyLength('rc4-hmac', new Uint8Array(15))).toThrowError(
      expect.objectContaining({ code: 'KEY_BAD_LENGTH' }),
    );
  });
});
