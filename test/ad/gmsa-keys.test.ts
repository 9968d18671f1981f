import { describe, expect, it } from 'vitest';
import { parseManagedPassword } from '../../lib/ad/gmsa-blob.js';
import {
  managedPasswordEntries,
  managedPasswordKeys,
  managedPasswordUtf8,
} from '../../lib/ad/gmsa-keys.js';
import { toHex } from '../../lib/bytes.js';
import { resolveEnctype } from '../../lib/crypto/enctypes.js';
import { md4 } from '../../lib/crypto/primitives/md4.js';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import { parsePrincipal } from '../../lib/principal.js';
import { adComputerSalt } from '../../lib/salt/rules.js';
import { buildManagedPasswordBlob, DAY, dcLikePassword, units } from '../helpers/gmsa-blob.js';

const AD = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'arcfour-hmac'].map((n) =>
  resolveEnctype(n),
);
const SALT = adComputerSalt('EXAMPLE.TEST', 'gmsaweb$');

function raw(codeUnits: readonly number[]): Uint8Array {
  return parseManagedPassword(
    buildManagedPasswordBlob({ current: codeUnits, queryInterval: DAY, unchangedInterval: DAY }),
  ).current;
}

describe('gMSA keys from the managed password', () => {
  it('uses the computer salt rule', () => {
    expect(SALT.text).toBe('EXAMPLE.TESThostgmsaweb.example.test');
  });

  it('a password that is valid UTF-16: the same keys as string-to-key of the text', async () => {
    const text = 'Pässwörd-😀-gMSA';
    const keys = await managedPasswordKeys(raw(units(text)), SALT.bytes, AD);
    expect(toHex(keys[0]!)).toBe(
      toHex(await stringToKey('aes256-cts-hmac-sha1-96', text, SALT.bytes)),
    );
    expect(toHex(keys[1]!)).toBe(
      toHex(await stringToKey('aes128-cts-hmac-sha1-96', text, SALT.bytes)),
    );
    expect(toHex(keys[2]!)).toBe(toHex(await stringToKey('arcfour-hmac', text, SALT.bytes)));
  });

  it('lone surrogates: AES from the text with U+FFFD in their place, RC4 from the raw bytes', async () => {
    const codeUnits = [0x41, 0xd800, 0x42, 0xdc00, 0x43, 0xd83d, 0xde00, 0xdbff];
    const password = raw(codeUnits);
    expect(new TextDecoder().decode(managedPasswordUtf8(password))).toBe('A\uFFFDB\uFFFDC😀\uFFFD');
    const keys = await managedPasswordKeys(password, SALT.bytes, AD);
    const replaced = 'A\uFFFDB\uFFFDC😀\uFFFD';
    expect(toHex(keys[0]!)).toBe(
      toHex(await stringToKey('aes256-cts-hmac-sha1-96', replaced, SALT.bytes)),
    );
    expect(toHex(keys[1]!)).toBe(
      toHex(await stringToKey('aes128-cts-hmac-sha1-96', replaced, SALT.bytes)),
    );
    expect(toHex(keys[2]!)).toBe(toHex(md4(password)));
    // the replacement would change the RC4 key: it must hash the bytes, not the text
    expect(toHex(keys[2]!)).not.toBe(
      toHex(await stringToKey('arcfour-hmac', replaced, SALT.bytes)),
    );
  });

  it('a DC-like 127-character password gives keys of the right lengths', async () => {
    const keys = await managedPasswordKeys(raw(dcLikePassword(7)), SALT.bytes, AD);
    expect(keys.map((k) => k.length)).toEqual([32, 16, 16]);
  });

  it('entries: every principal gets the same keys at the kvno given', async () => {
    const principals = ['gmsaweb$@EXAMPLE.TEST', 'HTTP/web.example.test@EXAMPLE.TEST'].map((p) =>
      parsePrincipal(p),
    );
    const entries = await managedPasswordEntries({
      principals,
      kvno: 3,
      timestamp: 1_700_000_000,
      enctypes: AD,
      password: raw(units('x')),
      salt: SALT.bytes,
    });
    expect(
      entries.map((e) => `${e.principal.components.join('/')} ${e.kvno} ${e.enctype}`),
    ).toEqual([
      'gmsaweb$ 3 18',
      'gmsaweb$ 3 17',
      'gmsaweb$ 3 23',
      'HTTP/web.example.test 3 18',
      'HTTP/web.example.test 3 17',
      'HTTP/web.example.test 3 23',
    ]);
    expect(toHex(entries[0]!.key)).toBe(toHex(entries[3]!.key));
    expect(entries[0]!.key).not.toBe(entries[3]!.key);
  });
});
