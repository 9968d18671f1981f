import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_FLAGS,
  applyFlagChanges,
  decodeEnctypeBits,
  decodeUac,
  enctypesOfBits,
  ENCTYPE_BITS,
  keyEnctypesOfBits,
  parseEnctypeBits,
  parseFlagChanges,
  UAC_BITS,
  uacFlagNames,
} from '../../lib/ad/flags.js';

describe('userAccountControl decoding ([MS-ADTS] 2.2.16)', () => {
  it('decodes values seen on Samba', () => {
    expect(decodeUac(0x202)).toEqual(['disabled', 'normal account']);
    expect(decodeUac(0x10200)).toEqual(['normal account', 'password never expires']);
    expect(uacFlagNames(0x82000)).toEqual(['SERVER_TRUST_ACCOUNT', 'TRUSTED_FOR_DELEGATION']);
    expect(decodeUac(0x1000)).toEqual(['computer (workstation trust) account']);
  });
  it('names unknown bits in hex', () => {
    expect(decodeUac(0x200 | 0x4)).toEqual(['normal account', 'unknown bits 0x4']);
  });
  it('the table is data: bits are single, distinct and ordered', () => {
    const bits = UAC_BITS.map((b) => b.bit);
    expect(new Set(bits).size).toBe(bits.length);
    for (const b of bits) expect(b & (b - 1)).toBe(0);
    expect([...bits].sort((a, b) => a - b)).toEqual(bits);
  });
});

describe('msDS-SupportedEncryptionTypes ([MS-KILE] 2.2.7)', () => {
  it('decodes enctype bits to MIT names and feature bits to words', () => {
    expect(decodeEnctypeBits(0x1c)).toEqual([
      'arcfour-hmac',
      'aes128-cts-hmac-sha1-96',
      'aes256-cts-hmac-sha1-96',
    ]);
    expect(decodeEnctypeBits(0x18 | 0x20 | 0x10000)).toEqual([
      'aes128-cts-hmac-sha1-96',
      'aes256-cts-hmac-sha1-96',
      'AES session keys',
      'FAST supported',
    ]);
    expect(decodeEnctypeBits(0x100)).toEqual(['unknown bits 0x100']);
  });
  it('enctypesOfBits lists the enctypes strongest first', () => {
    expect(enctypesOfBits(0x1f).map((e) => e.id)).toEqual([18, 17, 23, 3, 1]);
    expect(keyEnctypesOfBits(0x1f).map((e) => e.id)).toEqual([18, 17, 23]);
    expect(keyEnctypesOfBits(undefined)).toEqual([]);
  });
  it('every enctype bit names a known enctype', () => {
    for (const b of ENCTYPE_BITS.filter((x) => x.enctype !== undefined))
      expect(enctypesOfBits(b.bit)[0]?.id).toBe(b.enctype);
  });
  it('parses lists of names, aliases, numbers, groups, features and masks', () => {
    expect(parseEnctypeBits('aes256,aes128').value).toBe(0x18);
    expect(parseEnctypeBits('aes256-cts-hmac-sha1-96 AES128-SHA1').value).toBe(0x18);
    expect(parseEnctypeBits('18 17').value).toBe(0x18);
    expect(parseEnctypeBits('ad').value).toBe(0x1c);
    expect(parseEnctypeBits('aes256,aes-sk,fast').value).toBe(0x10030);
    expect(parseEnctypeBits('0x1C').value).toBe(0x1c);
    expect(parseEnctypeBits('default').value).toBeUndefined();
  });
  it('warns about RC4 and refuses DES unless allowed, and enctypes AD has no bit for', () => {
    expect(parseEnctypeBits('rc4').warnings.join()).toMatch(/RFC 8429/);
    expect(() => parseEnctypeBits('des-cbc-md5')).toThrow(/weak/);
    expect(parseEnctypeBits('des-cbc-md5', { allowWeak: true }).value).toBe(0x2);
    expect(() => parseEnctypeBits('aes256-sha2')).toThrow(/no msDS-SupportedEncryptionTypes bit/);
    expect(() => parseEnctypeBits('nonsense')).toThrow(/unknown encryption type/);
    expect(() => parseEnctypeBits('')).toThrow(/give the enctypes/);
  });
});

describe('account flags (keytab ad flags)', () => {
  it('has the five flags with their bits', () => {
    expect(Object.fromEntries(ACCOUNT_FLAGS.map((f) => [f.name, f.bit]))).toEqual({
      delegation: 0x80000,
      'dont-expire': 0x10000,
      'no-preauth': 0x400000,
      disabled: 0x2,
      'des-only': 0x200000,
    });
  });
  it('parses +name, -name, ~name, !name and a bare name (= +)', () => {
    const c = parseFlagChanges([
      '+delegation',
      '-disabled',
      '~des-only',
      '!no-preauth',
      'dont-expire',
    ]);
    expect(c.map((x) => [x.flag.name, x.on])).toEqual([
      ['delegation', true],
      ['disabled', false],
      ['des-only', false],
      ['no-preauth', false],
      ['dont-expire', true],
    ]);
  });
  it('applies them to a value', () => {
    expect(applyFlagChanges(0x202, parseFlagChanges(['-disabled', '+dont-expire']))).toBe(0x10200);
    expect(applyFlagChanges(0x10200, parseFlagChanges(['-dont-expire', '+disabled']))).toBe(0x202);
  });
  it('refuses unknown, empty and contradictory lists', () => {
    expect(() => parseFlagChanges(['+trusted'])).toThrow(/unknown flag/);
    expect(() => parseFlagChanges([])).toThrow(/give the flags/);
    expect(() => parseFlagChanges(['+disabled', '-disabled'])).toThrow(/both set and cleared/);
  });
});
