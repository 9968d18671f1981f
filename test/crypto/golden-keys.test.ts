/**
 * Every key in every golden keytab (written by MIT and Heimdal tools) re-derived from the
 * manifest's inputs: password + effective salt (+ iterations) -> key, or a raw key as given.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { enctypeById, isDerivable } from '../../lib/crypto/enctypes.js';
import { randomToKey, stringToKey } from '../../lib/crypto/string-to-key.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/keytabs/golden/', import.meta.url));

interface ManifestInput {
  readonly principal: string;
  readonly enctype: string;
  readonly etype: number;
  readonly password_hex?: string | null;
  readonly effective_salt_hex?: string | null;
  readonly key_input_hex?: string;
  readonly iterations?: number;
  readonly expected_key_hex: string;
}

/**
 * Enctypes a golden file holds but this toolkit does not derive (records known by number
 * only): Heimdal writes des3-cbc-md5 (5) and old-des3-cbc-sha1 (7) with its pre-RFC 3961
 * DES3 string-to-key. For these the test checks that derivation is refused by name.
 */
const NOT_DERIVED = [5, 7] as const;

// prettier-ignore
const manifests = readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, inputs: (JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')) as { inputs?: ManifestInput[] }).inputs }))
  .filter((m): m is { file: string; inputs: ManifestInput[] } => Array.isArray(m.inputs));

describe('golden keytab keys re-derived from their manifests', () => {
  it('finds the manifests', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(20);
  });

  for (const { file, inputs } of manifests) {
    describe(file, () => {
      inputs.forEach((input, i) => {
        it(`#${i} ${input.enctype} (${input.etype}) ${input.principal}`, async () => {
          if (typeof input.key_input_hex === 'string') {
            // A raw key (ktutil addent -key / Heimdal --random-key style): stored as given,
            // and random-to-key leaves such keys unchanged for these enctypes.
            expect(input.key_input_hex).toBe(input.expected_key_hex);
            const info = enctypeById(input.etype)!;
            if (info.seedLength === info.keyLength) {
              expect(toHex(randomToKey(input.etype, fromHex(input.key_input_hex)))).toBe(
                input.expected_key_hex,
              );
            }
            return;
          }
          expect(typeof input.password_hex).toBe('string');
          const password = fromHex(input.password_hex!);
          const salt = fromHex(input.effective_salt_hex ?? '');
          if ((NOT_DERIVED as readonly number[]).includes(input.etype)) {
            expect(isDerivable(enctypeById(input.etype)!)).toBe(false);
            await expect(stringToKey(input.etype, password, salt)).rejects.toThrow(KtError);
            await expect(stringToKey(input.etype, password, salt)).rejects.toThrow(
              /cannot be derived/,
            );
            return;
          }
          const key = await stringToKey(input.etype, password, salt, {
            iterations: input.iterations,
          });
          expect(toHex(key)).toBe(input.expected_key_hex);
        });
      });
    });
  }
});
