import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../lib/bytes.js';
import { randomKey, stringToKey } from '../../lib/crypto/string-to-key.js';
import { KtError } from '../../lib/errors.js';
import {
  clockSkewSeconds,
  decryptTicket,
  defaultSalt,
  etypeInfoFromPadata,
  getInitialTicket,
  getServiceTicket,
  probeAsReq,
  type KrbContext,
  type KrbKey,
} from '../../lib/krb5/client.js';
import { PA_TYPE, TICKET_FLAGS } from '../../lib/krb5/constants.js';
import { encodeEtypeInfo, encodeEtypeInfo2 } from '../../lib/krb5/kdc-codec.js';
import { decodeEncryptedData } from '../../lib/krb5/messages.js';
import { parsePrincipal } from '../../lib/principal.js';
import { createFakeKdc, type FakeKdcOptions } from '../helpers/fake-kdc.js';

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const NOW = new Date('2025-03-04T05:06:07.890Z');
const REALM = 'FAKE.TEST';
const user = parsePrincipal(`user@${REALM}`);
const http = parsePrincipal(`HTTP/web.fake.test@${REALM}`);

const k = (enctype: number, kvno = 1): KrbKey => ({
  enctype,
  key: randomKey(enctype, random),
  kvno,
});
const userAes256 = k(18, 3);
const userAes128 = k(17, 3);
const svcAes256 = k(18, 7);
const svcRc4 = k(23, 7);
const tgtKey = k(18, 1);

function setup(over: Partial<FakeKdcOptions> = {}, clientNow: Date = NOW) {
  const kdc = createFakeKdc({
    realm: REALM,
    now: () => NOW,
    random,
    principals: {
      user: {
        keys: [userAes256, userAes128],
        salt: 'FAKE.TESTuser',
        s2kparams: fromHex('00001000'),
      },
      'HTTP/web.fake.test': { keys: [svcAes256, svcRc4] },
      [`krbtgt/${REALM}`]: { keys: [tgtKey] },
      nopre: { keys: [k(17)], requiresPreauth: false },
      off: { keys: [k(18)], disabled: true },
    },
    ...over,
  });
  const ctx: KrbContext = { transport: kdc.transport, now: () => clientNow, random };
  return { kdc, ctx };
}

function expectFailure<T>(r: { ok: true } | { ok: false; failure: T }): T {
  if (r.ok) throw new Error('expected a failure');
  return r.failure;
}

describe('probe (AS-REQ without pre-authentication)', () => {
  it('reports PREAUTH_REQUIRED with the salt, s2kparams and the KDC time', async () => {
    const { ctx, kdc } = setup();
    const p = await probeAsReq(ctx, user, { enctypes: [18, 17] });
    expect(p.kind).toBe('preauth-required');
    if (p.kind !== 'preauth-required') return;
    expect(p.etypeInfo).toEqual([
      {
        enctype: 18,
        enctypeName: 'aes256-cts-hmac-sha1-96',
        salt: new TextEncoder().encode('FAKE.TESTuser'),
        saltText: 'FAKE.TESTuser',
        saltSource: 'etype-info2',
        s2kparams: fromHex('00001000'),
        iterations: 4096,
      },
    ]);
    expect(p.kdcTime.toISOString()).toBe(NOW.toISOString());
    expect(p.padata.map((x) => x.type)).toEqual([PA_TYPE.PA_ETYPE_INFO2, PA_TYPE.PA_ENC_TIMESTAMP]);
    const req = kdc.requests[0]!;
    expect(req.padata).toEqual([]);
    expect(req.body.etypes).toEqual([18, 17]);
    expect(req.body.nonce).toBeLessThan(2 ** 31);
    expect(req.body.sname).toEqual({ nameType: 2, nameString: ['krbtgt', REALM] });
  });

  it('reports other refusals as typed failures', async () => {
    const { ctx } = setup();
    const p = await probeAsReq(ctx, parsePrincipal(`ghost@${REALM}`));
    expect(p.kind).toBe('error');
    if (p.kind !== 'error') return;
    expect(p.failure).toMatchObject({
      kind: 'kdc-error',
      errorCode: 6,
      errorName: 'KDC_ERR_C_PRINCIPAL_UNKNOWN',
      eText: 'CLIENT_NOT_FOUND',
    });
    const off = await probeAsReq(ctx, parsePrincipal(`off@${REALM}`));
    if (off.kind !== 'error') throw new Error('expected an error');
    expect(off.failure).toMatchObject({
      errorCode: 18,
      ntStatus: 0xc0000072,
      ntStatusName: 'STATUS_ACCOUNT_DISABLED',
    });
    expect(off.failure.message).toMatch(/the account is disabled/);
  });

  it('returns the AS-REP when no pre-authentication is required, with the default salt', async () => {
    const { ctx } = setup();
    const p = await probeAsReq(ctx, parsePrincipal(`nopre@${REALM}`), { enctypes: [17] });
    expect(p.kind).toBe('as-rep');
    expect(p.etypeInfo).toMatchObject([
      { enctype: 17, saltText: 'FAKE.TESTnopre', saltSource: 'default', iterations: 4096 },
    ]);
  });
});

describe('AS exchange', () => {
  it('gets a TGT with a key: PA-ENC-TIMESTAMP, reply decrypted, nonce checked', async () => {
    const { ctx, kdc } = setup();
    const r = await getInitialTicket(ctx, user, { keys: [userAes256] });
    if (!r.ok) throw new Error(r.failure.message);
    expect(kdc.requests).toHaveLength(2);
    const pa = kdc.requests[1]!.padata.find((p) => p.type === PA_TYPE.PA_ENC_TIMESTAMP)!;
    expect(decodeEncryptedData(pa.value).etype).toBe(18);
    expect(r.replyKey).toBe(userAes256);
    expect(r.credentials.client).toEqual({ components: ['user'], realm: REALM, nameType: 1 });
    expect(r.credentials.server).toEqual({
      components: ['krbtgt', REALM],
      realm: REALM,
      nameType: 2,
    });
    expect(r.credentials.flags & TICKET_FLAGS.PRE_AUTHENT).not.toBe(0);
    expect(r.credentials.ticket.encPart).toMatchObject({ etype: 18, kvno: 1 });
    expect(r.kdcTime.toISOString()).toBe(NOW.toISOString());
    expect(clockSkewSeconds(r)).toBe(0);
    // The TGT decrypts with the krbtgt key and holds the same session key.
    const part = decryptTicket(r.credentials.ticket, tgtKey);
    expect(toHex(part.key.keyvalue)).toBe(toHex(r.credentials.sessionKey.key));
  });

  it('picks the key of the enctype the KDC announces', async () => {
    const { ctx } = setup({ preference: 'kdc' });
    const r = await getInitialTicket(ctx, user, { keys: [userAes128, userAes256] });
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.replyKey.enctype).toBe(18);
  });

  it('derives the key from a password with the KDC salt and iteration count', async () => {
    const password = 'Pässwörd-1';
    const salt = 'FAKE.TESTpw-user';
    const key = await stringToKey(17, password, salt, { iterations: 3 });
    const { ctx } = setup({
      principals: {
        'pw-user': { keys: [{ enctype: 17, key }], salt, s2kparams: fromHex('00000003') },
        [`krbtgt/${REALM}`]: { keys: [tgtKey] },
      },
    });
    const r = await getInitialTicket(ctx, parsePrincipal(`pw-user@${REALM}`), { password });
    if (!r.ok) throw new Error(r.failure.message);
    expect(toHex(r.replyKey.key)).toBe(toHex(key));
    const wrong = await getInitialTicket(ctx, parsePrincipal(`pw-user@${REALM}`), {
      password: 'nope',
    });
    expect(expectFailure(wrong)).toMatchObject({ errorCode: 24 });
  });

  it('a wrong key gives PREAUTH_FAILED with the salts and the KDC time', async () => {
    const { ctx } = setup();
    const f = expectFailure(await getInitialTicket(ctx, user, { keys: [k(18)] }));
    expect(f).toMatchObject({
      kind: 'kdc-error',
      errorCode: 24,
      errorName: 'KDC_ERR_PREAUTH_FAILED',
      eText: 'PREAUTH_FAILED',
    });
    expect(f.meaning).toMatch(/wrong salt/);
    expect(f.etypeInfo.map((e) => e.saltText)).toEqual(['FAKE.TESTuser']);
    expect(f.kdcTime!.toISOString()).toBe(NOW.toISOString());
    expect(f.kdc?.host).toBe('fake-kdc');
  });

  it('clock skew: the KDC refuses, and the failure tells by how much', async () => {
    const behind = new Date(NOW.getTime() - 600_000);
    const { ctx } = setup({}, behind);
    const f = expectFailure(await getInitialTicket(ctx, user, { keys: [userAes256] }));
    expect(f).toMatchObject({ errorCode: 37, errorName: 'KRB_AP_ERR_SKEW' });
    expect(clockSkewSeconds(f)).toBe(600);
  });

  it('without pre-authentication, a wrong key shows as a reply that does not decrypt', async () => {
    const { ctx } = setup();
    const nopre = parsePrincipal(`nopre@${REALM}`);
    expect(expectFailure(await getInitialTicket(ctx, nopre, { keys: [k(17)] }))).toMatchObject({
      kind: 'reply-integrity',
    });
  });

  it('no key for the announced enctype, and ETYPE_NOSUPP', async () => {
    const { ctx } = setup();
    const f = expectFailure(
      await getInitialTicket(ctx, user, { keys: [userAes128] }, { enctypes: [18] }),
    );
    expect(f).toMatchObject({
      kind: 'no-usable-key',
      message:
        'the KDC wants a key of aes256-cts-hmac-sha1-96; the keys given are aes128-cts-hmac-sha1-96',
    });
    expect(expectFailure(await getInitialTicket(ctx, user, { keys: [k(23)] }))).toMatchObject({
      errorCode: 14,
      errorName: 'KDC_ERR_ETYPE_NOSUPP',
    });
  });

  it('unknown principal, unknown service, disabled account', async () => {
    const { ctx } = setup();
    expect(
      expectFailure(
        await getInitialTicket(ctx, parsePrincipal(`ghost@${REALM}`), { keys: [userAes256] }),
      ),
    ).toMatchObject({ errorCode: 6 });
    expect(
      expectFailure(
        await getInitialTicket(
          ctx,
          user,
          { keys: [userAes256] },
          { service: parsePrincipal(`nope/x@${REALM}`) },
        ),
      ),
    ).toMatchObject({ errorCode: 7 });
    expect(
      expectFailure(
        await getInitialTicket(ctx, parsePrincipal(`off@${REALM}`), { keys: [userAes256] }),
      ),
    ).toMatchObject({ errorCode: 18 });
  });

  it('accepts EncASRepPart sent with tag 26 (Windows)', async () => {
    const { ctx } = setup({ asRepTag: 26 });
    const r = await getInitialTicket(ctx, user, { keys: [userAes256] });
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.credentials.encPart.applicationTag).toBe(26);
  });

  it('refuses a reply whose nonce differs', async () => {
    const { ctx } = setup({ badNonce: true });
    await expect(getInitialTicket(ctx, user, { keys: [userAes256] })).rejects.toMatchObject({
      code: 'KRB_REPLY_MISMATCH',
    });
  });
});

describe('TGS exchange and ticket decryption', () => {
  it('gets a service ticket that decrypts with the service key', async () => {
    const { ctx, kdc } = setup();
    const tgt = await getInitialTicket(ctx, user, { keys: [userAes256] });
    if (!tgt.ok) throw new Error(tgt.failure.message);
    const st = await getServiceTicket(ctx, tgt.credentials, http);
    if (!st.ok) throw new Error(st.failure.message);
    expect(st.ticketEnctype).toBe(18);
    expect(st.ticketKvno).toBe(7);
    expect(st.credentials.server).toEqual({
      components: ['HTTP', 'web.fake.test'],
      realm: REALM,
      nameType: 1,
    });
    const req = kdc.requests[2]!;
    expect(req.msgType).toBe(12);
    expect(req.padata[0]!.type).toBe(PA_TYPE.PA_TGS_REQ);
    const part = decryptTicket(st.credentials.ticket, svcAes256);
    expect(part.cname).toEqual({ nameType: 1, nameString: ['user'] });
    expect(toHex(part.key.keyvalue)).toBe(toHex(st.credentials.sessionKey.key));
    // The wrong key of the right enctype, and a key of another enctype.
    expect(() => decryptTicket(st.credentials.ticket, k(18))).toThrow(
      expect.objectContaining({ code: 'CRYPTO_INTEGRITY' }),
    );
    expect(() => decryptTicket(st.credentials.ticket, svcRc4)).toThrow(
      expect.objectContaining({ code: 'KRB_ENCTYPE_MISMATCH' }),
    );
  });

  it('with an RC4 TGT session key too (hmac-md5 checksum in the authenticator)', async () => {
    const { ctx } = setup({ sessionEnctype: 23 });
    const tgt = await getInitialTicket(ctx, user, { keys: [userAes256] });
    if (!tgt.ok) throw new Error(tgt.failure.message);
    expect(tgt.credentials.sessionKey.enctype).toBe(23);
    const st = await getServiceTicket(ctx, tgt.credentials, http);
    if (!st.ok) throw new Error(st.failure.message);
    expect(decryptTicket(st.credentials.ticket, svcAes256).crealm).toBe(REALM);
  });

  it('unknown service principal', async () => {
    const { ctx } = setup();
    const tgt = await getInitialTicket(ctx, user, { keys: [userAes256] });
    if (!tgt.ok) throw new Error(tgt.failure.message);
    const st = await getServiceTicket(
      ctx,
      tgt.credentials,
      parsePrincipal(`HTTP/missing@${REALM}`),
    );
    expect(expectFailure(st)).toMatchObject({
      errorCode: 7,
      errorName: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
    });
  });
});

describe('etype info from padata', () => {
  const client = parsePrincipal('u@R');
  it('prefers ETYPE-INFO2, falls back to ETYPE-INFO and PA-PW-SALT, skips broken padata', () => {
    const info2 = {
      type: 19,
      value: encodeEtypeInfo2([{ etype: 18, salt: new TextEncoder().encode('S2') }]),
    };
    const info1 = {
      type: 11,
      value: encodeEtypeInfo([{ etype: 23 }, { etype: 3, salt: fromHex('5331') }]),
    };
    const pw = { type: 3, value: fromHex('5350') };
    expect(
      etypeInfoFromPadata([info1, info2], client).map(
        (e) => `${e.enctype}:${e.saltText}:${e.saltSource}`,
      ),
    ).toEqual(['18:S2:etype-info2']);
    expect(
      etypeInfoFromPadata([info1], client).map((e) => `${e.enctype}:${e.saltText}:${e.saltSource}`),
    ).toEqual(['23:Ru:default', '3:S1:etype-info']);
    expect(
      etypeInfoFromPadata([pw], client, [17]).map(
        (e) => `${e.enctype}:${e.saltText}:${e.saltSource}`,
      ),
    ).toEqual(['17:SP:pw-salt']);
    expect(etypeInfoFromPadata([{ type: 19, value: fromHex('3003') }, info1], client)).toHaveLength(
      2,
    );
    expect(etypeInfoFromPadata([], client)).toEqual([]);
    expect(defaultSalt(parsePrincipal('HTTP/web.example.test@EXAMPLE.TEST'))).toEqual(
      new TextEncoder().encode('EXAMPLE.TESTHTTPweb.example.test'),
    );
  });

  it('refuses an empty key list', async () => {
    const { ctx } = setup();
    await expect(getInitialTicket(ctx, user, { keys: [] })).rejects.toBeInstanceOf(KtError);
  });
});
