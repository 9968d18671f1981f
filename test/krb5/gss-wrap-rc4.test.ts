/**
 * The pieces around the wrap tokens that the captured sessions (gss-wrap-samba.test.ts) do not
 * reach: the format table of gss-protect.ts, the key choice, the RFC 1964 framing at every
 * length form, the 40-bit export variant of RFC 4757 tokens and 32-bit sequence wrap-around.
 */
import { describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import { frameMechToken, unframeMechToken } from '../../lib/krb5/gss-framing.js';
import { tokenKey, wrapFormat } from '../../lib/krb5/gss-protect.js';
import type { WrapState } from '../../lib/krb5/gss-wrap.js';
import { unwrapRc4, wrapRc4 } from '../../lib/krb5/gss-wrap-rc4.js';

const key16 = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
const zeros = (n: number) => new Uint8Array(n);
const state = (enctype: number, seq = 5n): WrapState => ({
  key: { enctype, key: key16 },
  acceptorSubkey: false,
  sendSeq: seq,
  recvSeq: 9n,
});
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof KtError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('gss-protect: the token format by enctype family, and the token key', () => {
  it.each([
    [17, 'RFC 4121'],
    [18, 'RFC 4121'],
    [19, 'RFC 4121'],
    [20, 'RFC 4121'],
    [25, 'RFC 4121'],
    [26, 'RFC 4121'],
    [23, 'RFC 4757 (RC4)'],
    [24, 'RFC 4757 (RC4)'],
  ])('enctype %i -> %s', (enctype, name) => {
    expect(wrapFormat(enctype).name).toBe(name);
  });

  it.each([1, 3, 16])(
    'enctype %i (DES, 3DES) has no token format here: GSS_FAILURE with a way out',
    (enctype) => {
      expect(codeOf(() => wrapFormat(enctype))).toBe('GSS_FAILURE');
    },
  );

  const aes = { enctype: 18, key: zeros(32) };
  const aes2 = { enctype: 18, key: Uint8Array.from({ length: 32 }, () => 1) };
  const rc4 = { enctype: 23, key: zeros(16) };
  const rc4b = { enctype: 23, key: key16 };
  it('AES: the acceptor subkey always wins, with the AcceptorSubkey flag', () => {
    expect(tokenKey(aes, aes2)).toEqual({ key: aes2, acceptorSubkey: true });
    expect(tokenKey(aes, undefined)).toEqual({ key: aes, acceptorSubkey: false });
  });
  it('RC4: an acceptor subkey of the same enctype is not used (MIT), one of another enctype is', () => {
    expect(tokenKey(rc4, rc4b)).toEqual({ key: rc4, acceptorSubkey: false });
    expect(tokenKey(rc4, aes)).toEqual({ key: aes, acceptorSubkey: true });
  });
});

describe('RFC 1964 framing', () => {
  it.each([0, 100, 200, 70_000])(
    'frames and unframes a body of %i octets (short and long DER lengths)',
    (n) => {
      const body = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
      const framed = frameMechToken(0x0201, body);
      const { tokId, body: back } = unframeMechToken(framed);
      expect(tokId).toBe(0x0201);
      expect(Buffer.from(back).equals(Buffer.from(body))).toBe(true);
      expect(codeOf(() => unframeMechToken(framed.subarray(0, framed.length - 1)))).toBe(
        'GSS_BAD_TOKEN',
      );
      expect(codeOf(() => unframeMechToken(Uint8Array.from([...framed, 0])))).toBe('GSS_BAD_TOKEN');
    },
  );
  it('refuses another mechanism', () => {
    const framed = frameMechToken(0x0201, zeros(40));
    framed[framed.length - 40 - 3]! ^= 1; // the last OID octet
    expect(codeOf(() => unframeMechToken(framed))).toBe('GSS_BAD_TOKEN');
  });
});

describe('RFC 4757 tokens: export variant and sequence numbers', () => {
  const data = new TextEncoder().encode('LDAP message');
  it('arcfour-hmac-exp changes the RC4 keys (SND_SEQ, data) but not the checksum (MIT kg_arcfour_docrypt)', () => {
    const full = unframeMechToken(wrapRc4(state(23), data, true, zeros)).body;
    const exp = unframeMechToken(wrapRc4(state(24), data, true, zeros)).body;
    expect(Buffer.from(exp.subarray(0, 6)).equals(Buffer.from(full.subarray(0, 6)))).toBe(true);
    expect(Buffer.from(exp.subarray(14, 22)).equals(Buffer.from(full.subarray(14, 22)))).toBe(true);
    expect(Buffer.from(exp.subarray(6, 14)).equals(Buffer.from(full.subarray(6, 14)))).toBe(false);
    expect(Buffer.from(exp.subarray(22)).equals(Buffer.from(full.subarray(22)))).toBe(false);
  });
  it('unsealed tokens carry the data and confounder in clear, with SEAL_ALG ff ff and one octet of padding', () => {
    const body = unframeMechToken(
      wrapRc4(state(23), data, false, () => Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])),
    ).body;
    expect(Array.from(body.subarray(0, 6))).toEqual([0x11, 0x00, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(body.subarray(22, 30))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new TextDecoder().decode(body.subarray(30, body.length - 1))).toBe('LDAP message');
    expect(body[body.length - 1]).toBe(1);
  });
  it('the send sequence number wraps at 2^32', () => {
    const s = state(23, 0xffffffffn);
    wrapRc4(s, data, true, zeros);
    expect(s.sendSeq).toBe(0n);
  });
  it("our own token is not accepted as the server's (direction), and a garbage body is GSS_BAD_TOKEN", () => {
    const ours = wrapRc4(state(23), data, true, zeros);
    expect(codeOf(() => unwrapRc4(state(23), ours))).toBe('GSS_INTEGRITY');
    expect(codeOf(() => unwrapRc4(state(23), frameMechToken(0x0201, zeros(12))))).toBe(
      'GSS_BAD_TOKEN',
    );
    expect(codeOf(() => unwrapRc4(state(23), frameMechToken(0x0101, zeros(40))))).toBe(
      'GSS_BAD_TOKEN',
    );
  });
});
