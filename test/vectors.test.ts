/**
 * Every vector file is a test: walks test/fixtures/vectors/*.json and makes one test per case
 * of every case kind: key derivation (n-fold, string-to-key, DR/DK, Kc/Ke/Ki), the encryption
 * profiles (CBC-CTS, encryption with a given confounder, decryption, checksums, PRF) and the
 * policy negatives. A kind without a handler fails the walk, so a new vector kind cannot be
 * ignored silently.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, fromUtf8, toHex, utf16le, utf8 } from '../lib/bytes.js';
import { KtError, type KtErrorCode } from '../lib/errors.js';
import { resolveChecksumType } from '../lib/crypto/checksums.js';
import { resolveEnctype, type EnctypeInfo } from '../lib/crypto/enctypes.js';
import { camelliaCmac } from '../lib/crypto/families/camellia.js';
import { desFanFold, desKeyCorrection } from '../lib/crypto/families/des.js';
import { des3Dk, des3Dr } from '../lib/crypto/families/des3.js';
import { checkEnctypePolicy } from '../lib/crypto/policy.js';
import { AES_CBC } from '../lib/crypto/primitives/aes.js';
import { modCrc32 } from '../lib/crypto/primitives/crc32.js';
import { pbkdf2 } from '../lib/crypto/primitives/pbkdf2.js';
import { checksum, decrypt, encrypt, prf, verifyChecksum } from '../lib/crypto/profiles.js';
import { nfold, usageConstant, type KeyKind } from '../lib/crypto/rfc3961.js';
import { ctsDecrypt, ctsEncrypt } from '../lib/crypto/rfc3962.js';
import { deriveKey, stringToKey } from '../lib/crypto/string-to-key.js';

type Case = Readonly<Record<string, unknown>>;
type Handler = (c: Case, file: VectorFile) => void | Promise<void>;

interface VectorFile {
  readonly name: string;
  readonly json: Readonly<Record<string, unknown>>;
  /** Top-level arrays of objects: the case kinds of the file. */
  readonly kinds: ReadonlyMap<string, readonly Case[]>;
}

const DIR = fileURLToPath(new URL('./fixtures/vectors/', import.meta.url));

function loadVectorFiles(): VectorFile[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const json = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;
      const kinds = new Map<string, Case[]>();
      for (const [key, value] of Object.entries(json)) {
        // Arrays of strings (errata notes) are prose, not cases.
        if (
          Array.isArray(value) &&
          value.length > 0 &&
          value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
        ) {
          kinds.set(key, value as Case[]);
        }
      }
      return { name, json, kinds };
    });
}

// --- field access -----------------------------------------------------------------------

function field<T extends 'string' | 'number'>(
  c: Case,
  key: string,
  type: T,
): T extends 'string' ? string : number {
  const v = c[key];
  if (typeof v !== type) throw new Error(`case ${String(c['id'])}: field ${key} is not a ${type}`);
  return v as T extends 'string' ? string : number;
}
const hex = (c: Case, key: string): Uint8Array => fromHex(field(c, key, 'string'));
const optional = (c: Case, key: string): string | undefined =>
  typeof c[key] === 'string' ? (c[key] as string) : undefined;
const be32 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * The enctypes a case applies to: `etype` when present, else the names in `enctype`, e.g.
 * "des-cbc-crc / des-cbc-md4 / des-cbc-md5 (etypes 1, 2, 3: same string-to-key)" or
 * "aes256_cts_hmac_sha1_96" (MIT's C spelling).
 */
function enctypesOf(c: Case): EnctypeInfo[] {
  if (typeof c['etype'] === 'number') return [resolveEnctype(c['etype'])];
  const text = field(c, 'enctype', 'string')
    .replace(/\([^)]*\)/g, '')
    .split(':')[0]!
    .replace(/_/g, '-');
  return text
    .split('/')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t) => resolveEnctype(t));
}

const caseName = (c: Case, i: number, kind: string): string =>
  typeof c['id'] === 'string' ? c['id'] : `${kind}[${i}]`;

// --- handlers ---------------------------------------------------------------------------

const nfoldCase: Handler = (c) => {
  const bits = field(c, 'n_bits', 'number');
  expect(bits % 8).toBe(0);
  expect(toHex(nfold(hex(c, 'input_hex'), bits / 8))).toBe(c['output_hex']);
};

const crcCase: Handler = (c) => {
  expect(toHex(modCrc32(hex(c, 'input_hex')))).toBe(c['output_hex']);
};

/** Any string-to-key case: password/salt/iterations -> key, plus the intermediate values it shows. */
const stringToKeyCase: Handler = async (c) => {
  const password = hex(c, 'password_hex');
  const salt = fromHex(optional(c, 'salt_hex') ?? '');
  const iterations = typeof c['iterations'] === 'number' ? c['iterations'] : undefined;
  const s2kparams = optional(c, 's2kparams_hex');
  if (s2kparams !== undefined) expect(s2kparams).toBe(be32(iterations!));
  const enctypes = enctypesOf(c);
  expect(enctypes.length).toBeGreaterThan(0);
  for (const info of enctypes) {
    expect(toHex(await stringToKey(info.id, password, salt, { iterations })), info.name).toBe(
      c['key_hex'],
    );
    const saltp = optional(c, 'saltp_hex');
    // RFC 8009 / RFC 6803: PBKDF2 runs over enctype-name || 0x00 || salt.
    if (saltp !== undefined)
      expect(toHex(concatBytes(utf8(info.name), new Uint8Array(1), salt))).toBe(saltp);
    const pbkdf2Out = optional(c, 'pbkdf2_output_hex');
    if (pbkdf2Out !== undefined) {
      expect(info.family).toBe('aes-sha1'); // RFC 3962: PBKDF2-HMAC-SHA1 over the salt as is
      expect(toHex(await pbkdf2('sha1', password, salt, iterations!, info.keyLength))).toBe(
        pbkdf2Out,
      );
    }
    const unicode = optional(c, 'utf16le_hex');
    if (unicode !== undefined) expect(toHex(utf16le(fromUtf8(password)))).toBe(unicode);
  }
  // RFC 3961 A.2 shows the DES fan-fold and the intermediate key (parity and weak-key fixed).
  const fanfold = optional(c, 'fanfold_hex');
  if (fanfold !== undefined) {
    const folded = desFanFold(concatBytes(password, salt));
    expect(toHex(folded)).toBe(fanfold);
    expect(toHex(desKeyCorrection(folded))).toBe(c['intermediate_key_hex']);
  }
};

/** Heimdal: the default salt of a principal is the realm followed by every component. */
const principalCase: Handler = async (c, file) => {
  const principal = field(c, 'principal', 'string');
  const at = principal.lastIndexOf('@');
  const realm = at < 0 ? '' : principal.slice(at + 1);
  const components = (at < 0 ? principal : principal.slice(0, at)).split('/');
  expect(realm).toBe(c['realm_used']);
  expect(toHex(utf8(realm + components.join('')))).toBe(c['derived_salt_hex']);
  await stringToKeyCase({ ...c, salt_hex: c['derived_salt_hex'] }, file);
};

const DERIVED_KINDS: readonly KeyKind[] = ['Kc', 'Ke', 'Ki'];

/** Kc/Ke/Ki of a usage (RFC 3961 DK, RFC 8009 KDF-HMAC-SHA2, RFC 6803 KDF-FEEDBACK-CMAC). */
const keyDerivationCase: Handler = (c) => {
  const kind = field(c, 'kind', 'string') as KeyKind;
  expect(DERIVED_KINDS).toContain(kind);
  const usage = field(c, 'usage', 'number');
  const label = optional(c, 'label_hex') ?? optional(c, 'constant_hex');
  expect(toHex(usageConstant(usage, kind))).toBe(label);
  const [info] = enctypesOf(c);
  expect(toHex(deriveKey(info!.id, hex(c, 'base_key_hex'), usage, kind))).toBe(
    c['derived_key_hex'],
  );
};

/** RFC 3961 A.3: DR (168 bits) and DK (with parity) for 3DES, any constant. */
const des3DrDkCase: Handler = (c) => {
  const key = hex(c, 'key_hex');
  const constant = hex(c, 'usage_constant_hex');
  expect(toHex(des3Dr(key, constant))).toBe(c['dr_hex']);
  expect(toHex(des3Dk(key, constant))).toBe(c['dk_hex']);
};

const camelliaCmacCase: Handler = (c) => {
  expect(toHex(camelliaCmac(hex(c, 'key_hex'), hex(c, 'message_hex')))).toBe(c['cmac_hex']);
};

/** MIT error names in the vector files, and the KtError code each corresponds to here. */
const MIT_ERRORS: Readonly<Record<string, KtErrorCode>> = {
  KRB5_ERR_BAD_S2K_PARAMS: 'S2K_BAD_PARAMS',
};

/**
 * MIT refuses iteration counts below the default unless weak counts are allowed: our policy
 * must refuse the same inputs, and with weak crypto allowed, the core must give the RFC key.
 */
const policyNegativeCase: Handler = async (c, file) => {
  const expected = MIT_ERRORS[field(c, 'expected_error', 'string')];
  expect(expected, `map ${String(c['expected_error'])} to a KtError code`).toBeDefined();
  const iterations = field(c, 'iterations', 'number');
  expect(c['s2kparams_hex']).toBe(be32(iterations));
  const [info] = enctypesOf(c);
  let error: unknown;
  try {
    checkEnctypePolicy(info!, { iterations });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(KtError);
  expect((error as KtError).code).toBe(expected);
  expect(checkEnctypePolicy(info!, { iterations, allowWeak: true }).join('\n')).toMatch(
    /iterations/,
  );

  const positives = [...file.kinds.values()]
    .flat()
    .filter(
      (p) =>
        p['etype'] === info!.id &&
        p['password_hex'] === c['password_hex'] &&
        p['salt_hex'] === c['salt_hex'] &&
        p['iterations'] === iterations &&
        typeof p['key_hex'] === 'string',
    );
  expect(positives.length, 'the same inputs as a positive vector').toBe(1);
  const key = await stringToKey(info!.id, hex(c, 'password_hex'), hex(c, 'salt_hex'), {
    iterations,
  });
  expect(toHex(key)).toBe(positives[0]!['key_hex']);
};

/** RFC 3962 B: AES-128 CBC-CTS with IV and the IV carried out, both ways. */
const ctsCase: Handler = (c) => {
  const key = hex(c, 'key_hex');
  const iv = hex(c, 'iv_hex');
  const enc = ctsEncrypt(AES_CBC, key, iv, hex(c, 'input_hex'));
  expect(toHex(enc.output)).toBe(c['output_hex']);
  expect(toHex(enc.nextIv)).toBe(c['next_iv_hex']);
  const dec = ctsDecrypt(AES_CBC, key, iv, hex(c, 'output_hex'));
  expect(toHex(dec.output)).toBe(c['input_hex']);
  expect(toHex(dec.nextIv)).toBe(c['next_iv_hex']);
};

/** The key of a case: `key_hex`, or `base_key_hex` in the RFC 6803/8009 files. */
const keyOf = (c: Case): Uint8Array =>
  hex(c, typeof c['base_key_hex'] === 'string' ? 'base_key_hex' : 'key_hex');

/**
 * The CBC enctypes (DES, DES3) do not carry the plaintext length: decryption gives the
 * plaintext and its zero padding to the 8-byte block. The others give the plaintext exactly.
 */
function expectPlaintext(info: EnctypeInfo, got: Uint8Array, plaintext: Uint8Array): void {
  const padded = info.family === 'des' || info.family === 'des3';
  expect(toHex(got.subarray(0, plaintext.length))).toBe(toHex(plaintext));
  const padding = got.subarray(plaintext.length);
  expect(padding.length).toBeLessThan(padded ? 8 : 1);
  expect(padding.every((b) => b === 0)).toBe(true);
}

/**
 * Any encryption or decryption case with its confounder: encrypting with that confounder must
 * give the ciphertext byte for byte, and decrypting it must give the plaintext. (For the
 * decryption-only files the confounder was recovered by decryption; re-encrypting with it is
 * a second, independent check.) RFC 8009 also shows Ke, Ki and the two halves of the output.
 */
const encryptionCase: Handler = (c) => {
  const [info] = enctypesOf(c);
  const key = keyOf(c);
  const usage = field(c, 'usage', 'number');
  const plaintext = hex(c, 'plaintext_hex');
  const ciphertext = hex(c, 'ciphertext_hex');
  expect(toHex(encrypt(info!.id, key, usage, plaintext, hex(c, 'confounder_hex')))).toBe(
    c['ciphertext_hex'],
  );
  expectPlaintext(info!, decrypt(info!.id, key, usage, ciphertext), plaintext);
  const ke = optional(c, 'ke_hex');
  if (ke !== undefined) expect(toHex(deriveKey(info!.id, key, usage, 'Ke'))).toBe(ke);
  const ki = optional(c, 'ki_hex');
  if (ki !== undefined) expect(toHex(deriveKey(info!.id, key, usage, 'Ki'))).toBe(ki);
  const cipherPart = optional(c, 'aes_output_hex');
  if (cipherPart !== undefined)
    expect(`${cipherPart}${String(c['truncated_hmac_hex'])}`).toBe(c['ciphertext_hex']);
};

/**
 * A checksum case. `cksumtype` reads "name (number, note)": both must name the same record.
 * The checksum must match, verify, and fail to verify once a bit is flipped.
 */
const checksumCase: Handler = (c) => {
  const label = field(c, 'cksumtype', 'string');
  const match = /^\s*([^\s(]+)\s*\((-?\d+)/.exec(label);
  expect(match, label).not.toBeNull();
  const type = resolveChecksumType(Number(match![2]));
  expect(resolveChecksumType(match![1]!).id, label).toBe(type.id);
  const key = keyOf(c);
  const usage = field(c, 'usage', 'number');
  const data = hex(c, 'plaintext_hex');
  const mac = hex(c, 'checksum_hex');
  expect(toHex(checksum(type.id, key, usage, data))).toBe(c['checksum_hex']);
  expect(verifyChecksum(type.id, key, usage, data, mac)).toBe(true);
  const flipped = mac.slice();
  flipped[0] = flipped[0]! ^ 1;
  expect(verifyChecksum(type.id, key, usage, data, flipped)).toBe(false);
  const kc = optional(c, 'kc_hex');
  if (kc !== undefined) expect(toHex(deriveKey(type.enctype!, key, usage, 'Kc'))).toBe(kc);
};

const prfCase: Handler = (c) => {
  const [info] = enctypesOf(c);
  expect(toHex(prf(info!.id, keyOf(c), hex(c, 'input_hex')))).toBe(c['prf_output_hex']);
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  nfold: nfoldCase,
  nfold_extra_non_rfc: nfoldCase,
  des_string_to_key: stringToKeyCase,
  des3_dr_dk: des3DrDkCase,
  des3_string_to_key: stringToKeyCase,
  mod_crc32: crcCase,
  mod_crc32_extra_non_rfc: crcCase,
  aes_string_to_key: stringToKeyCase,
  string_to_key: stringToKeyCase,
  principal_string_to_key: principalCase,
  key_derivation: keyDerivationCase,
  camellia_cmac_non_rfc: camelliaCmacCase,
  mit_policy_negative_cases: policyNegativeCase,
  aes_cts: ctsCase,
  encryption: encryptionCase,
  decryption: encryptionCase,
  aes_decryption: encryptionCase,
  checksums: checksumCase,
  prf: prfCase,
};

// --- the walk ---------------------------------------------------------------------------

const files = loadVectorFiles();

describe('vector files', () => {
  it('are all present (test/fixtures/vectors)', () => {
    expect(files.map((f) => f.name)).toEqual([
      'heimdal-kat.json',
      'mit-krb5-kat.json',
      'rfc3961.json',
      'rfc3962.json',
      'rfc4757-rc4.json',
      'rfc6803.json',
      'rfc8009.json',
    ]);
  });

  it('every case kind has a handler', () => {
    const unknown = files.flatMap((f) =>
      [...f.kinds.keys()].filter((k) => !(k in HANDLERS)).map((k) => `${f.name}: ${k}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every handler has cases (no stale entries)', () => {
    const all = new Set(files.flatMap((f) => [...f.kinds.keys()]));
    for (const kind of Object.keys(HANDLERS)) expect(all.has(kind), kind).toBe(true);
  });
});

for (const file of files) {
  describe(file.name, () => {
    for (const [kind, cases] of file.kinds) {
      const handler = HANDLERS[kind];
      if (!handler) continue; // reported by the check above
      describe(kind, () => {
        cases.forEach((c, i) => {
          it(caseName(c, i, kind), async () => {
            await handler(c, file);
          });
        });
      });
    }
  });
}
