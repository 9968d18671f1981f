/**
 * Wrap tokens against sessions captured from the Samba 4.22 AD DC (test/fixtures/gss/, see the
 * README there): one AES256 session (RFC 4121 tokens) and one RC4 session (RFC 4757 tokens).
 * RFC 4121 and RFC 4757 publish no token examples, so these captures are the known answers:
 * the DC's tokens must unwrap to the recorded plaintext, ours must re-wrap byte for byte from
 * the recorded plaintext and confounder, and every tampered token must be refused with a
 * stable code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { tokenKey, wrapFormat } from '../../lib/krb5/gss-protect.js';
import type { WrapState } from '../../lib/krb5/gss-wrap.js';
import { unframeMechToken } from '../../lib/krb5/gss-framing.js';

interface Fixture {
  enctype: number;
  format: string;
  initiatorSubkey: { enctype: number; key: string };
  acceptorSubkey: { enctype: number; key: string } | null;
  tokenKey: { enctype: number; key: string };
  acceptorSubkeyFlag: boolean;
  initiatorSeq: number;
  acceptorSeq: number;
  layerOffer: { layers: number; maxSize: number };
  tokens: {
    from: 'initiator' | 'acceptor';
    phase: string;
    token: string;
    data: string;
    sealed: boolean;
    random?: string;
  }[];
}

const load = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/gss/${name}`, import.meta.url), 'utf8')) as Fixture;
const key = (k: { enctype: number; key: string }) => ({ enctype: k.enctype, key: fromHex(k.key) });

function freshState(f: Fixture): WrapState {
  return {
    key: key(f.tokenKey),
    acceptorSubkey: f.acceptorSubkeyFlag,
    sendSeq: BigInt(f.initiatorSeq),
    recvSeq: BigInt(f.acceptorSeq),
  };
}

/** A random source that replays the recorded octets. */
function replay(hex: string | undefined): (n: number) => Uint8Array {
  let rest = fromHex(hex ?? '');
  return (n) => {
    if (rest.length < n)
      throw new Error(`the capture recorded ${rest.length} random octets, ${n} asked for`);
    const out = rest.slice(0, n);
    rest = rest.subarray(n);
    return out;
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof KtError)) throw err;
    return err.code;
  }
  return 'no error';
}

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const out = bytes.slice();
  out[at]! ^= 0x01;
  return out;
};

/** Where the parts of a token are, per format (offsets into the whole token). */
interface Layout {
  header: number;
  seq: number;
  checksum: number;
  ciphertext: number;
}

function layout(f: Fixture, token: Uint8Array): Layout {
  if (f.format === 'RFC 4121') {
    // 16-octet header; the body is rotated right by RRC: the 12-octet HMAC (the last octets of
    // E(...)) lands at body offset (n - 12 + RRC) mod n.
    const rrc = (token[6]! << 8) | token[7]!;
    const n = token.length - 16;
    return { header: 3, seq: 15, checksum: 16 + ((n - 12 + rrc) % n), ciphertext: 16 + (rrc % n) };
  }
  const prefix = token.length - unframeMechToken(token).body.length;
  return { header: prefix, seq: prefix + 6, checksum: prefix + 14, ciphertext: prefix + 30 };
}

for (const name of ['samba-4.22-aes256.json', 'samba-4.22-rc4.json']) {
  const f = load(name);
  describe(`captured session ${name} (${f.format})`, () => {
    it('the token key is the one gss-protect.ts picks from the two subkeys, and the format is by its enctype', () => {
      const chosen = tokenKey(
        key(f.initiatorSubkey),
        f.acceptorSubkey ? key(f.acceptorSubkey) : undefined,
      );
      expect(chosen.acceptorSubkey).toBe(f.acceptorSubkeyFlag);
      expect(Buffer.from(chosen.key.key).toString('hex')).toBe(f.tokenKey.key);
      expect(wrapFormat(f.enctype).name).toBe(f.format);
    });

    it('unwraps every DC token to the recorded plaintext and re-wraps ours byte for byte', () => {
      const format = wrapFormat(f.enctype);
      const state = freshState(f);
      for (const t of f.tokens) {
        if (t.from === 'acceptor') {
          const r = format.unwrap(state, fromHex(t.token));
          expect(Buffer.from(r.data).toString('hex')).toBe(t.data);
          expect(r.sealed).toBe(t.sealed);
        } else {
          const token = format.wrap(state, fromHex(t.data), t.sealed, replay(t.random));
          expect(Buffer.from(token).toString('hex')).toBe(t.token);
        }
      }
      const offer = f.tokens[0]!;
      expect(offer.from).toBe('acceptor');
      expect(offer.data.slice(0, 2)).toBe(f.layerOffer.layers.toString(16).padStart(2, '0'));
    });

    // The DC's first sealed LDAP token, with the state as it stood when it arrived.
    const index = f.tokens.findIndex((t) => t.from === 'acceptor' && t.sealed);
    const sealedToken = fromHex(f.tokens[index]!.token);
    const stateAt = (): WrapState => {
      const s = freshState(f);
      s.recvSeq += BigInt(f.tokens.slice(0, index).filter((t) => t.from === 'acceptor').length);
      return s;
    };
    const unwrapCode = (token: Uint8Array, state = stateAt()) =>
      codeOf(() => wrapFormat(f.enctype).unwrap(state, token));

    it('the untouched token unwraps (the baseline of the cases below)', () => {
      expect(unwrapCode(sealedToken)).toBe('no error');
    });

    const l = layout(f, sealedToken);
    const cases: [string, () => Uint8Array, string][] = [
      ['a flipped token id octet', () => flip(sealedToken, l.header - 2), 'GSS_BAD_TOKEN'],
      [
        'a flipped header octet (filler or algorithm)',
        () => flip(sealedToken, l.header),
        'GSS_BAD_TOKEN',
      ],
      ['a flipped sequence-number octet', () => flip(sealedToken, l.seq), 'GSS_INTEGRITY'],
      ['a flipped ciphertext octet', () => flip(sealedToken, l.ciphertext + 3), 'GSS_INTEGRITY'],
      ['a flipped checksum octet', () => flip(sealedToken, l.checksum + 1), 'GSS_INTEGRITY'],
      [
        'the last octet cut off',
        () => sealedToken.subarray(0, sealedToken.length - 1),
        f.format === 'RFC 4121' ? 'GSS_INTEGRITY' : 'GSS_BAD_TOKEN',
      ],
      ['only 10 octets', () => sealedToken.subarray(0, 10), 'GSS_BAD_TOKEN'],
      ['nothing', () => new Uint8Array(0), 'GSS_BAD_TOKEN'],
    ];
    for (const [what, make, code] of cases) {
      it(`refuses ${what} with ${code}`, () => {
        expect(unwrapCode(make())).toBe(code);
      });
    }

    it('refuses a wrong sequence number (a lost message) with GSS_SEQUENCE', () => {
      const s = stateAt();
      s.recvSeq += 1n;
      expect(unwrapCode(sealedToken, s)).toBe('GSS_SEQUENCE');
    });

    it('refuses the same token twice (a replay) with GSS_SEQUENCE', () => {
      const s = stateAt();
      expect(unwrapCode(sealedToken, s)).toBe('no error');
      expect(unwrapCode(sealedToken, s)).toBe('GSS_SEQUENCE');
    });

    it('refuses our own token sent back (the wrong direction) with GSS_INTEGRITY', () => {
      const ours = f.tokens.find((t) => t.from === 'initiator' && t.sealed)!;
      const s = freshState(f);
      expect(unwrapCode(fromHex(ours.token), s)).toBe('GSS_INTEGRITY');
    });

    it('refuses a tampered signed (unsealed) token, the security-layer offer, with GSS_INTEGRITY', () => {
      const offer = fromHex(f.tokens[0]!.token);
      expect(f.tokens[0]!.sealed).toBe(false);
      expect(unwrapCode(offer, freshState(f))).toBe('no error');
      expect(unwrapCode(flip(offer, offer.length - 1), freshState(f))).toBe('GSS_INTEGRITY');
      expect(unwrapCode(flip(offer, offer.length - 14), freshState(f))).toBe('GSS_INTEGRITY');
    });

    it('any single-octet change or truncation is refused with a GSS code, never another exception', () => {
      let seed = 12345;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const codes = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const t =
          i % 2 === 0
            ? flip(sealedToken, next(sealedToken.length))
            : sealedToken.subarray(0, next(sealedToken.length));
        codes.add(unwrapCode(t));
      }
      expect(
        [...codes].every((c) => ['GSS_BAD_TOKEN', 'GSS_INTEGRITY', 'GSS_SEQUENCE'].includes(c)),
      ).toBe(true);
    });

    it('a refused token leaves the expected sequence number as it was', () => {
      const s = stateAt();
      expect(unwrapCode(flip(sealedToken, l.ciphertext + 3), s)).toBe('GSS_INTEGRITY');
      expect(unwrapCode(sealedToken, s)).toBe('no error');
    });
  });
}
