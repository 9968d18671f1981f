/**
 * The kpasswd client against an in-process fake kpasswd server (behind the fake KDC): the
 * request decrypts as a server would read it, and an ambiguous answer (a KRB-ERROR whose
 * result code says success, as Windows Server 2025 sends: msktutil issue 228) is decided by an
 * AS exchange with the new password. Also AD's policy blob in words. The same answers over real
 * sockets, from the built CLI, are in test/interop/rotate-self-ambiguous.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import { decrypt } from '../../lib/crypto/profiles.js';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import { KEY_USAGE } from '../../lib/krb5/constants.js';
import { changePassword, type KpasswdContext } from '../../lib/krb5/kpasswd.js';
import {
  adPolicyWords,
  decodeAdPolicy,
  decodeEncKrbPrivPart,
  decodeKrbPriv,
  KPASSWD_VERSION,
} from '../../lib/krb5/kpasswd-messages.js';
import { locateKpasswd, type KpasswdTransport } from '../../lib/krb5/kpasswd-transport.js';
import {
  decodeApReq,
  decodeAuthenticator,
  decodeEncTicketPart,
  encodeKrbError,
  tgsPrincipalName,
} from '../../lib/krb5/messages.js';
import { parsePrincipal } from '../../lib/principal.js';
import { createFakeKdc, type FakePrincipal } from '../helpers/fake-kdc.js';

const REALM = 'FAKE.TEST';
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const salt = utf8(`${REALM}svc`);

async function setup(mode: 'krb-error-success' | 'krb-error-unchanged') {
  const key = (k: number) => ({ enctype: 18, key: random(32), kvno: k });
  const svc: FakePrincipal = {
    keys: [{ enctype: 18, key: await stringToKey(18, 'Old-Pass-1!', salt), kvno: 1 }],
    salt: `${REALM}svc`,
  };
  const changepw: FakePrincipal = { keys: [key(1)] };
  const kdc = createFakeKdc({
    realm: REALM,
    now: () => new Date(),
    random,
    principals: { [`krbtgt/${REALM}`]: { keys: [key(1)] }, 'kadmin/changepw': changepw, svc },
  });
  const seen: { version: number; password: string }[] = [];
  const kpasswd: KpasswdTransport = {
    async send(_realm, build) {
      const req = build({ addrType: 2, address: Uint8Array.from([127, 0, 0, 1]) });
      const version = (req[2]! << 8) | req[3]!;
      const apLength = (req[4]! << 8) | req[5]!;
      const ap = decodeApReq(req.subarray(6, 6 + apLength));
      const ck = changepw.keys[0]!;
      const part = decodeEncTicketPart(
        decrypt(ck.enctype, ck.key, KEY_USAGE.KDC_REP_TICKET, ap.ticket.encPart.cipher),
      );
      const auth = decodeAuthenticator(
        decrypt(
          part.key.keytype,
          part.key.keyvalue,
          KEY_USAGE.AP_REQ_AUTH,
          ap.authenticator.cipher,
        ),
      );
      const enc = decodeKrbPriv(req.subarray(6 + apLength));
      const priv = decodeEncKrbPrivPart(
        decrypt(enc.etype, auth.subkey!.keyvalue, KEY_USAGE.KRB_PRIV_ENC_PART, enc.cipher),
      );
      expect(priv.seqNumber).toBe(auth.seqNumber);
      const password = new TextDecoder().decode(priv.userData);
      seen.push({ version, password });
      if (mode === 'krb-error-success')
        svc.keys = [{ enctype: 18, key: await stringToKey(18, password, salt), kvno: 2 }];
      const error = encodeKrbError({
        stime: new Date(Math.floor(Date.now() / 1000) * 1000),
        susec: 0,
        errorCode: 60,
        realm: REALM,
        sname: tgsPrincipalName(REALM),
        eData: Uint8Array.from([0, 0, ...utf8('Password changed')]),
      });
      const reply = new Uint8Array(6 + error.length);
      reply.set([reply.length >> 8, reply.length & 0xff, 0, 1, 0, 0]);
      reply.set(error, 6);
      const target = {
        address: '127.0.0.1',
        port: 464,
        host: '127.0.0.1',
        source: 'explicit' as const,
      };
      return {
        reply,
        server: '127.0.0.1:464/udp',
        target,
        protocol: 'udp',
        attempts: [{ server: '127.0.0.1:464/udp', protocol: 'udp', outcome: 'reply' }],
      };
    },
  };
  const ctx: KpasswdContext = { transport: kdc.transport, now: () => new Date(), random, kpasswd };
  return { ctx, seen, svc };
}

describe('kpasswd change-password', () => {
  it('a KRB-ERROR saying success is confirmed by an AS exchange with the new password', async () => {
    const { ctx, seen } = await setup('krb-error-success');
    const done = await changePassword(
      ctx,
      parsePrincipal(`svc@${REALM}`),
      { password: 'Old-Pass-1!' },
      utf8('New-Pass-2!'),
    );
    expect(seen).toEqual([{ version: KPASSWD_VERSION.CHANGE, password: 'New-Pass-2!' }]);
    expect(done.proof).toBe('as-exchange');
    expect(done.ambiguity).toMatch(/KRB-ERROR that says success/);
  });

  it('the same answer when the password did not change is a refusal', async () => {
    const { ctx } = await setup('krb-error-unchanged');
    await expect(
      changePassword(
        ctx,
        parsePrincipal(`svc@${REALM}`),
        { password: 'Old-Pass-1!' },
        utf8('New-Pass-2!'),
      ),
    ).rejects.toMatchObject({
      code: 'KPASSWD_REFUSED',
      message: expect.stringMatching(/does not accept the new password/),
    });
  });

  it('a stale key is named (KRB_KEY_STALE) before any request goes out', async () => {
    const { ctx, seen } = await setup('krb-error-success');
    await expect(
      changePassword(
        ctx,
        parsePrincipal(`svc@${REALM}`),
        { password: 'Wrong-Pass-0!' },
        utf8('New-Pass-2!'),
      ),
    ).rejects.toMatchObject({ code: 'KRB_KEY_STALE' });
    expect(seen).toEqual([]);
  });
});

describe("AD's password policy blob", () => {
  it('is turned into words with the numbers', () => {
    const blob = new Uint8Array(30);
    const v = new DataView(blob.buffer);
    v.setUint32(2, 7);
    v.setUint32(6, 24);
    v.setUint32(10, 1);
    v.setBigUint64(14, 42n * 86_400n * 10_000_000n);
    v.setBigUint64(22, 86_400n * 10_000_000n);
    const policy = decodeAdPolicy(blob)!;
    expect(policy).toEqual({
      minLength: 7,
      history: 24,
      properties: 1,
      maxAgeSeconds: 42 * 86_400,
      minAgeSeconds: 86_400,
    });
    const words = adPolicyWords(policy).join('; ');
    expect(words).toContain('at least 7 characters');
    expect(words).toContain('previous 24 passwords');
    expect(words).toContain('once every 1 day');
    expect(decodeAdPolicy(utf8('plain text'))).toBeUndefined();
  });
});

describe('locating kpasswd servers', () => {
  const resolver = (answers: Record<string, string[]>) => ({
    resolveHost: async (name: string) => answers[name] ?? [],
  });
  it('resolves names as the KDC locator does: each address once, a name without one said', async () => {
    const r = await locateKpasswd('R', {
      servers: ['kp1.example', '10.0.0.9:1464', 'kp2.example'],
      hostResolver: resolver({ 'kp1.example': ['10.0.0.1', '10.0.0.1'] }),
    });
    expect(r.targets.map((t) => `${t.host} ${t.address}:${t.port} ${t.source}`)).toEqual([
      'kp1.example 10.0.0.1:464 explicit',
      '10.0.0.9 10.0.0.9:1464 explicit',
    ]);
    expect(r.problems).toEqual(['kp2.example: no address']);
  });
  it('no usable server: the error says why for each name', async () => {
    await expect(
      locateKpasswd('R', { servers: ['kp.example'], hostResolver: resolver({}) }),
    ).rejects.toThrow(/no usable kpasswd server in --kpasswd-server: kp\.example: no address$/);
  });
});
