/**
 * Keys derived here equal the keys MIT ktutil (all nine MIT enctypes) and Heimdal ktutil
 * (single DES, which MIT dropped) derive, for random principals and awkward passwords.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import { parsePrincipal } from '../../lib/principal.js';
import { defaultSalt } from '../../lib/salt/rules.js';
import { heimdalKtutil, interopEnabled, runTool, tempDir } from './env.js';

const MIT_ENCTYPES = [
  'des3-cbc-sha1',
  'arcfour-hmac',
  'arcfour-hmac-exp',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha256-128',
  'aes256-cts-hmac-sha384-192',
  'camellia128-cts-cmac',
  'camellia256-cts-cmac',
];

// A seed per run, printed, so a failure can be replayed with KTP_SEED.
const seed = Number(process.env.KTP_SEED ?? randomInt(2 ** 31));
let state = seed;
const rand = (n: number): number => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_';
const WIDE = ['ä', 'ö', 'é', 'ß', 'ж', 'λ', '中', '文', '€', '𝄞', '😀'];
const word = (len: number, wide = 0.2): string =>
  Array.from({ length: len }, () =>
    rand(100) < wide * 100 ? pick(WIDE) : pick([...LETTERS]),
  ).join('');

function randomPrincipal(): string {
  const realm = Array.from({ length: 2 + rand(2) }, () =>
    word(2 + rand(6), 0)
      .toUpperCase()
      .replace(/[._-]/g, 'X'),
  ).join('.');
  const comps = Array.from({ length: 1 + rand(3) }, () => word(1 + rand(12)));
  return `${comps.join('/')}@${realm}`;
}

// prettier-ignore
const PASSWORDS: readonly [string, () => string][] = [
  ['non-ASCII', () => word(5 + rand(20), 0.5)],
  ['empty', () => ''],
  ['200 characters', () => word(200, 0.1)],
  ['non-BMP', () => `${word(3, 0)}𝄞${word(3, 0)}😀`],
  ['spaces around', () => `  ${word(8, 0)} `],
];

const dir = tempDir('ktp-s2k-');
afterAll(() => dir.cleanup());

/** `klist -K` lines: kvno, principal, enctype name, key. */
function klistKeys(stdout: string): { enctype: string; key: string }[] {
  return [...stdout.matchAll(/\((?:DEPRECATED:)?([a-z0-9-]+)\)\s+\(0x([0-9a-f]+)\)/g)].map((m) => ({
    enctype: m[1] as string,
    key: m[2] as string,
  }));
}

describe.runIf(interopEnabled())(`string-to-key equals MIT ktutil (seed ${seed})`, () => {
  for (const [kind, make] of PASSWORDS) {
    for (const explicitSalt of [false, true]) {
      it(`${kind} password, ${explicitSalt ? 'explicit' : 'default'} salt, all nine MIT enctypes`, async () => {
        const principal = randomPrincipal();
        const password = make();
        const salt = explicitSalt
          ? word(4 + rand(20), 0.3)
          : defaultSalt(parsePrincipal(principal)).text;
        const file = join(dir.path, `mit-${kind.replace(/\W/g, '')}-${explicitSalt}.keytab`);
        const script = MIT_ENCTYPES.flatMap((e) => [
          `addent -password -p "${principal}" -k 1 -e ${e}${explicitSalt ? ` -s "${salt}"` : ''}`,
          password,
        ]);
        script.push(`wkt ${file}`, 'quit', '');
        const r = runTool('ktutil', [], { input: script.join('\n') });
        expect(r.status, r.stderr).toBe(0);
        const list = runTool('klist', ['-k', '-e', '-K', file]);
        expect(list.status, list.stderr).toBe(0);
        const mit = klistKeys(list.stdout);
        expect(mit.map((m) => m.enctype)).toEqual(MIT_ENCTYPES);
        for (const m of mit) {
          const ours = toHex(await stringToKey(m.enctype, password, salt));
          expect({ principal, password, salt, enctype: m.enctype, key: ours }).toEqual({
            principal,
            password,
            salt,
            enctype: m.enctype,
            key: m.key,
          });
        }
      });
    }
  }
});

const heimdal = heimdalKtutil();
describe.runIf(interopEnabled())(`single DES equals Heimdal ktutil (seed ${seed})`, () => {
  it('Heimdal ktutil is available', () => expect(heimdal).toBeDefined());
  for (const [kind, make] of PASSWORDS.filter(([k]) => k !== 'non-BMP')) {
    it.runIf(heimdal !== undefined)(
      `${kind} password: des-cbc-crc, des-cbc-md4, des-cbc-md5`,
      async () => {
        const principal = randomPrincipal().replace(/[^\x20-\x7e/@.]/g, 'x');
        const password = make();
        const file = join(dir.path, `heimdal-${toHex(randomBytes(4))}.keytab`);
        for (const e of ['des-cbc-crc', 'des-cbc-md4', 'des-cbc-md5']) {
          const r = runTool(heimdal as string, [
            '-k',
            file,
            'add',
            '-p',
            principal,
            '-V',
            '1',
            '-e',
            e,
            '-w',
            password,
          ]);
          expect(r.status, r.stderr).toBe(0);
        }
        const list = runTool(heimdal as string, ['-k', file, 'list', '--keys']);
        const rows = list.stdout
          .split('\n')
          .filter((l) => /^\s*1\s+des-/.test(l))
          .map((l) => l.trim().split(/\s+/));
        expect(rows).toHaveLength(3);
        for (const row of rows) {
          const [, enctype, , key] = row as [string, string, string, string];
          expect(
            toHex(
              await stringToKey(enctype, password, defaultSalt(parsePrincipal(principal)).text),
            ),
          ).toBe(key);
        }
      },
    );
  }
});
