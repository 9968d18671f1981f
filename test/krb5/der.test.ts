import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../lib/bytes.js';
import {
  TAG_CLASS,
  children,
  decodeBoolean,
  decodeFlags,
  decodeInt32,
  decodeInteger,
  decodeMicroseconds,
  decodeOctetString,
  decodeString,
  decodeTime,
  decodeTlv,
  decodeUInt32,
  derApplication,
  derBoolean,
  derExplicit,
  derFlags,
  derGeneralString,
  derInteger,
  derOctetString,
  derSequence,
  derTime,
  encodeTlv,
  field,
  optionalField,
  sequenceFields,
  unwrapApplication,
} from '../../lib/krb5/der.js';
import { KtError } from '../../lib/errors.js';

const hex = (b: Uint8Array): string => toHex(b);

function badMessage(fn: () => unknown): KtError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KtError);
    expect((e as KtError).code).toBe('KRB_BAD_MESSAGE');
    return e as KtError;
  }
  throw new Error('expected KRB_BAD_MESSAGE');
}

describe('DER INTEGER', () => {
  it.each([
    [0, '020100'],
    [1, '020101'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [0x7fffffff, '02047fffffff'],
    [-0x80000000, '020480000000'],
    [0xffffffff, '020500ffffffff'],
    [0x80000000, '02050080000000'],
  ])('%d <-> %s', (n, encoded) => {
    expect(hex(derInteger(n))).toBe(encoded);
    expect(decodeInteger(decodeTlv(fromHex(encoded)))).toBe(n);
  });

  it('round-trips every Int32 and UInt32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (n) => {
        expect(decodeInt32(decodeTlv(derInteger(n)))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(decodeUInt32(decodeTlv(derInteger(n)))).toBe(n);
      }),
    );
  });

  it('reads a nonce sent as a negative Int32 as its UInt32 value (RFC 4120 5.2.4 note)', () => {
    expect(decodeUInt32(decodeTlv(fromHex('0204ffffffff')))).toBe(0xffffffff);
    expect(decodeUInt32(decodeTlv(fromHex('020480000000')))).toBe(0x80000000);
  });

  it('accepts non-minimal encodings (BER) and refuses out-of-range values', () => {
    expect(decodeInteger(decodeTlv(fromHex('02030000ff')))).toBe(255);
    badMessage(() => decodeInt32(decodeTlv(derInteger(0x80000000))));
    badMessage(() => decodeUInt32(decodeTlv(derInteger(0x100000000))));
    badMessage(() => decodeUInt32(decodeTlv(derInteger(-0x80000001))));
    badMessage(() => decodeInteger(decodeTlv(fromHex('0200'))));
    badMessage(() => decodeInteger(decodeTlv(fromHex('02070102030405060708').subarray(0, 9))));
    badMessage(() => decodeMicroseconds(decodeTlv(derInteger(1_000_000))));
    badMessage(() => decodeMicroseconds(decodeTlv(derInteger(-1))));
    expect(decodeMicroseconds(decodeTlv(derInteger(999_999)))).toBe(999_999);
  });

  it('refuses a constructed INTEGER and the wrong tag', () => {
    badMessage(() => decodeInteger(decodeTlv(fromHex('2203020101'))));
    badMessage(() => decodeInteger(decodeTlv(fromHex('040100'))));
  });
});

describe('DER strings, booleans, flags, times', () => {
  it('OCTET STRING with short and long lengths', () => {
    expect(hex(derOctetString(fromHex('0102')))).toBe('04020102');
    const b200 = new Uint8Array(200).fill(7);
    expect(hex(derOctetString(b200)).slice(0, 6)).toBe('0481c8');
    const b300 = new Uint8Array(300).fill(9);
    expect(hex(derOctetString(b300)).slice(0, 8)).toBe('0482012c');
    expect(decodeOctetString(decodeTlv(derOctetString(b300)))).toEqual(b300);
  });

  it('GeneralString is tag 0x1b and carries UTF-8', () => {
    expect(hex(derGeneralString('MIT.TEST'))).toBe('1b084d49542e54455354');
    expect(decodeString(decodeTlv(derGeneralString('Gr\u00fc\u00dfe')))).toBe('Gr\u00fc\u00dfe');
    // UTF8String and IA5String are accepted too.
    expect(decodeString(decodeTlv(fromHex('0c026869')))).toBe('hi');
    expect(decodeString(decodeTlv(fromHex('16026869')))).toBe('hi');
    badMessage(() => decodeString(decodeTlv(fromHex('04026869'))));
  });

  it('BOOLEAN', () => {
    expect(hex(derBoolean(true))).toBe('0101ff');
    expect(hex(derBoolean(false))).toBe('010100');
    expect(decodeBoolean(decodeTlv(fromHex('010101')))).toBe(true);
    badMessage(() => decodeBoolean(decodeTlv(fromHex('01020000'))));
  });

  it('KerberosFlags as a 32-bit BIT STRING, bit 0 the most significant', () => {
    // forwardable (1), renewable (8), canonicalize (15), renewable-ok (27): MIT kinit's usual set.
    expect(hex(derFlags(0x40810010))).toBe('03050040810010');
    expect(decodeFlags(decodeTlv(fromHex('03050040810010')))).toBe(0x40810010);
    // Short and long bit strings: zero-filled, extra bits ignored; unused bits masked.
    expect(decodeFlags(decodeTlv(fromHex('03020040')))).toBe(0x40000000);
    expect(decodeFlags(decodeTlv(fromHex('030207ff')))).toBe(0x80000000);
    expect(decodeFlags(decodeTlv(fromHex('0306008000000180')))).toBe(0x80000001);
    expect(decodeFlags(decodeTlv(fromHex('030100')))).toBe(0);
    badMessage(() => decodeFlags(decodeTlv(fromHex('0300'))));
    badMessage(() => decodeFlags(decodeTlv(fromHex('03020840'))));
    badMessage(() => decodeFlags(decodeTlv(fromHex('030101'))));
  });

  it('KerberosTime is YYYYMMDDHHMMSSZ', () => {
    const d = new Date('2024-01-02T03:04:05.678Z');
    expect(hex(derTime(d))).toBe('180f' + toHex(utf8('20240102030405Z')));
    expect(decodeTime(decodeTlv(derTime(d))).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(decodeTime(decodeTlv(derTime(new Date(0)))).getTime()).toBe(0);
    // Fractional seconds (BER) are accepted and dropped; a leap second reads as :59.
    const frac = encodeTlv(TAG_CLASS.UNIVERSAL, false, 24, utf8('20240102030405.25Z'));
    expect(decodeTime(decodeTlv(frac)).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    const leap = encodeTlv(TAG_CLASS.UNIVERSAL, false, 24, utf8('20161231235960Z'));
    expect(decodeTime(decodeTlv(leap)).toISOString()).toBe('2016-12-31T23:59:59.000Z');
    for (const bad of [
      '20240230000000Z',
      '20241301000000Z',
      '2024010203040Z',
      '20240102030405',
      '20240102250000Z',
      'abcdefghijklmnZ',
    ]) {
      badMessage(() => decodeTime(decodeTlv(encodeTlv(TAG_CLASS.UNIVERSAL, false, 24, utf8(bad)))));
    }
    badMessage(() =>
      decodeTime(decodeTlv(encodeTlv(TAG_CLASS.UNIVERSAL, false, 24, fromHex('00ff')))),
    );
  });

  it('round-trips whole-second times from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799 }), (s) => {
        expect(decodeTime(decodeTlv(derTime(new Date(s * 1000)))).getTime()).toBe(s * 1000);
      }),
    );
  });
});

describe('DER structure', () => {
  it('SEQUENCE with [n] EXPLICIT fields, OPTIONAL ones skipped', () => {
    const seq = derSequence([
      derExplicit(0, derInteger(5)),
      derExplicit(2, undefined),
      derExplicit(3, derGeneralString('x')),
    ]);
    expect(hex(seq)).toBe('300aa003020105a3031b0178');
    const f = sequenceFields(decodeTlv(seq), 'T');
    expect(field(f, 0, 'a', (t) => decodeInteger(t))).toBe(5);
    expect(optionalField(f, 2, 'b', (t) => decodeInteger(t))).toBeUndefined();
    expect(field(f, 3, 'c', (t) => decodeString(t))).toBe('x');
    const e = badMessage(() => field(f, 1, 'missing', (t) => decodeInteger(t)));
    expect(e.message).toMatch(/missing missing \[1\]/);
  });

  it('APPLICATION tags and high tag numbers', () => {
    const app = derApplication(30, derSequence([]));
    expect(hex(app)).toBe('7e023000');
    expect(unwrapApplication(decodeTlv(app), 30, 'x').tagNumber).toBe(16);
    badMessage(() => unwrapApplication(decodeTlv(app), 29, 'x'));
    const hi = encodeTlv(TAG_CLASS.CONTEXT, true, 200, new Uint8Array(0));
    expect(hex(hi)).toBe('bf814800');
    expect(decodeTlv(hi).tagNumber).toBe(200);
    expect(decodeTlv(encodeTlv(TAG_CLASS.CONTEXT, true, 31, new Uint8Array(0))).tagNumber).toBe(31);
  });

  it('refuses fields out of order, repeated, or not context-tagged', () => {
    badMessage(() =>
      sequenceFields(
        decodeTlv(derSequence([derExplicit(1, derInteger(1)), derExplicit(0, derInteger(1))])),
        'T',
      ),
    );
    badMessage(() =>
      sequenceFields(
        decodeTlv(derSequence([derExplicit(1, derInteger(1)), derExplicit(1, derInteger(1))])),
        'T',
      ),
    );
    badMessage(() => sequenceFields(decodeTlv(derSequence([derInteger(1)])), 'T'));
    // An explicit tag must hold exactly one value.
    badMessage(() => sequenceFields(decodeTlv(fromHex('3008a006020101020101')), 'T'));
    badMessage(() => sequenceFields(decodeTlv(fromHex('3002a000')), 'T'));
  });

  it('reports absolute offsets of nested errors', () => {
    // SEQUENCE { [0] { INTEGER with a bad length } }
    const e = badMessage(() => children(children(decodeTlv(fromHex('3005a003020501')))[0]!));
    expect(e.details.offset).toBe(4);
  });

  it('refuses indefinite lengths, oversized length fields, truncation and trailing bytes', () => {
    badMessage(() => decodeTlv(fromHex('30800000')));
    badMessage(() => decodeTlv(fromHex('0485ffffffffff00')));
    badMessage(() => decodeTlv(fromHex('0484ffffffff00')));
    badMessage(() => decodeTlv(fromHex('040301')));
    badMessage(() => decodeTlv(fromHex('04')));
    badMessage(() => decodeTlv(fromHex('')));
    badMessage(() => decodeTlv(fromHex('0482')));
    badMessage(() => decodeTlv(fromHex('bf')));
    badMessage(() => decodeTlv(fromHex('bf8080808000')));
    const e = badMessage(() => decodeTlv(fromHex('04010000')));
    expect(e.details.offset).toBe(3);
  });

  it('never throws anything but KRB_BAD_MESSAGE on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const tlv = decodeTlv(bytes);
          if (tlv.constructed) children(tlv);
        } catch (e) {
          expect(e).toBeInstanceOf(KtError);
          expect((e as KtError).code).toBe('KRB_BAD_MESSAGE');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
