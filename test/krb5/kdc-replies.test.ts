/**
 * Offline decoding of replies captured from the real MIT KDC and Samba DC
 * (test/fixtures/krb5/kdc-replies.json): what the interop suites see, kept as bytes so the
 * decoders are checked against real KDCs' DER on every run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../lib/bytes.js';
import { decrypt } from '../../lib/crypto/profiles.js';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import { etypeInfoFromPadata } from '../../lib/krb5/client.js';
import { kdcReplyTo, openKdcReply } from '../../lib/krb5/client-core.js';
import { KEY_USAGE, MSG_TYPE, TICKET_FLAGS } from '../../lib/krb5/constants.js';
import { encodeKdcRep } from '../../lib/krb5/kdc-codec.js';
import {
  decodeEncKdcRepPart,
  decodeErrorData,
  decodeKdcReply,
  peekErrorCode,
  type KdcRep,
  type KrbError,
} from '../../lib/krb5/messages.js';
import { parsePrincipal } from '../../lib/principal.js';

interface Captured {
  name: string;
  kdc: string;
  note: string;
  requestNonce?: number;
  hex: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/krb5/kdc-replies.json', import.meta.url), 'utf8'),
) as { source: string; replies: Captured[] };
const bytes = (name: string): Uint8Array =>
  fromHex(fixture.replies.find((r) => r.name === name)!.hex);

function error(name: string): KrbError {
  const r = decodeKdcReply(bytes(name));
  if (r.kind !== 'error') throw new Error(`${name} is not a KRB-ERROR`);
  return r.error;
}

function rep(name: string): KdcRep {
  const r = decodeKdcReply(bytes(name));
  if (r.kind !== 'as-rep') throw new Error(`${name} is not an AS-REP`);
  return r.rep;
}

describe('replies captured from MIT krb5 and Samba', () => {
  it('has provenance', () => {
    expect(fixture.source).toMatch(/MIT krb5 1\.20\.1/);
    expect(fixture.replies.length).toBeGreaterThanOrEqual(7);
  });

  it('MIT PREAUTH_REQUIRED: METHOD-DATA with one ETYPE-INFO2 entry, no s2kparams', () => {
    const e = error('mit-preauth-required');
    expect(e).toMatchObject({
      errorCode: 25,
      realm: 'MIT.TEST',
      crealm: 'MIT.TEST',
      cname: { nameType: 1, nameString: ['user'] },
    });
    expect(e.sname).toEqual({ nameType: 2, nameString: ['krbtgt', 'MIT.TEST'] });
    const padata = decodeErrorData(e.eData!).methodData!;
    // PA-FX-FAST, PA-ETYPE-INFO2, PA-ENC-TIMESTAMP, PA-FX-COOKIE
    expect(padata.map((p) => p.type)).toEqual([136, 19, 2, 133]);
    expect(etypeInfoFromPadata(padata, parsePrincipal('user@MIT.TEST'))).toMatchObject([
      {
        enctype: 18,
        saltText: 'MIT.TESTuser',
        saltSource: 'etype-info2',
        s2kparams: undefined,
        iterations: 4096,
      },
    ]);
  });

  it('Samba PREAUTH_REQUIRED: ETYPE-INFO2 with explicit s2kparams', () => {
    const e = error('samba-preauth-required');
    expect(e.errorCode).toBe(25);
    expect(e.eText).toMatch(/Need to use PA-ENC-TIMESTAMP/);
    const padata = decodeErrorData(e.eData!).methodData!;
    const info = etypeInfoFromPadata(padata, parsePrincipal('Administrator@EXAMPLE.TEST'));
    expect(info).toMatchObject([
      { enctype: 18, saltText: 'EXAMPLE.TESTAdministrator', iterations: 4096 },
    ]);
    expect(info[0]!.s2kparams).toEqual(fromHex('00001000'));
  });

  it('RESPONSE_TOO_BIG and C_PRINCIPAL_UNKNOWN', () => {
    expect(peekErrorCode(bytes('samba-response-too-big'))).toBe(52);
    expect(error('mit-c-principal-unknown')).toMatchObject({
      errorCode: 6,
      eText: 'CLIENT_NOT_FOUND',
    });
    expect(error('samba-c-principal-unknown').errorCode).toBe(6);
  });

  it.each([
    ['mit-as-rep-aes256', 'User-Pass-1!', 'MIT.TESTuser', 26],
    ['samba-as-rep-aes256', 'Passw0rd!Adm1n', 'EXAMPLE.TESTAdministrator', 25],
  ] as const)(
    '%s decrypts with the password key; nonce and tag as sent',
    async (name, password, salt, tag) => {
      const r = rep(name);
      expect(r.encPart.etype).toBe(18);
      const key = await stringToKey(18, password, salt);
      const part = decodeEncKdcRepPart(
        decrypt(18, key, KEY_USAGE.AS_REP_ENC_PART, r.encPart.cipher),
      );
      expect(part.applicationTag).toBe(tag);
      expect(part.nonce).toBe(fixture.replies.find((x) => x.name === name)!.requestNonce);
      expect(part.sname.nameString[0]).toBe('krbtgt');
      expect(part.flags & TICKET_FLAGS.PRE_AUTHENT).not.toBe(0);
      // Re-encoding what we decoded gives the KDC's bytes back (the decoder loses nothing).
      expect(encodeKdcRep(r)).toEqual(bytes(name));
    },
  );
});

describe('the client opens a captured reply as its request expects', () => {
  const caught = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return `${(e as { code?: string }).code}: ${(e as Error).message}`;
    }
    return 'no error';
  };

  it('the reply of the other exchange is KRB_REPLY_MISMATCH; a KRB-ERROR is handed back', () => {
    const asRep = bytes('mit-as-rep-aes256');
    expect(kdcReplyTo('as-rep', asRep)).toMatchObject({ kind: 'rep' });
    expect(caught(() => kdcReplyTo('tgs-rep', asRep))).toBe(
      'KRB_REPLY_MISMATCH: the KDC answered a TGS-REQ with an AS-REP',
    );
    const tgsRep = encodeKdcRep({ ...rep('mit-as-rep-aes256'), msgType: MSG_TYPE.TGS_REP });
    expect(kdcReplyTo('tgs-rep', tgsRep)).toMatchObject({ kind: 'rep' });
    expect(caught(() => kdcReplyTo('as-rep', tgsRep))).toBe(
      'KRB_REPLY_MISMATCH: the KDC answered an AS-REQ with a TGS-REP',
    );
    expect(kdcReplyTo('as-rep', bytes('mit-preauth-required'))).toMatchObject({
      kind: 'error',
      error: { errorCode: 25 },
    });
  });

  it('openKdcReply: credentials with the right key and nonce; undefined with a wrong key; a wrong nonce throws', async () => {
    const r = rep('mit-as-rep-aes256');
    const sent = fixture.replies.find((x) => x.name === 'mit-as-rep-aes256')!.requestNonce!;
    const key = await stringToKey(18, 'User-Pass-1!', 'MIT.TESTuser');
    const credentials = openKdcReply('AS-REP', r, key, sent);
    expect(credentials?.server.components[0]).toBe('krbtgt');
    expect(credentials?.ticketBytes).toEqual(r.ticketBytes);
    const wrong = await stringToKey(18, 'not-the-password', 'MIT.TESTuser');
    expect(openKdcReply('AS-REP', r, wrong, sent)).toBeUndefined();
    expect(caught(() => openKdcReply('AS-REP', r, key, sent + 1))).toMatch(
      /^KRB_REPLY_MISMATCH: AS-REP nonce \d+ does not match the request's \d+$/,
    );
  });
});
