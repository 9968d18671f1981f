/**
 * An in-process KDC for offline tests of lib/krb5/client.ts: it implements KdcTransport,
 * decodes the requests with our own DER code, and answers like a real KDC (AS with and without
 * pre-authentication, TGS, the usual errors), using the encryption profiles. It trusts nothing
 * it cannot decrypt and checks the authenticator checksum, so a client bug shows up as the
 * error a real KDC would send.
 */
import { bytesEqual, utf8 } from '../../lib/bytes.js';
import { checksumTypeFor, decrypt, encrypt, verifyChecksum } from '../../lib/crypto/profiles.js';
import { enctypeById } from '../../lib/crypto/enctypes.js';
import { randomKey } from '../../lib/crypto/string-to-key.js';
import { isKtError } from '../../lib/errors.js';
import type { KrbKey } from '../../lib/krb5/client.js';
import { KEY_USAGE, MSG_TYPE, PA_TYPE, TICKET_FLAGS } from '../../lib/krb5/constants.js';
import {
  decodeKdcReq,
  decodePaEncTsEnc,
  encodeEncKdcRepPart,
  encodeEncTicketPart,
  encodeEtypeInfo2,
  encodeKdcRep,
} from '../../lib/krb5/kdc-codec.js';
import {
  decodeApReq,
  decodeAuthenticator,
  decodeEncTicketPart,
  decodeEncryptedData,
  encodeKrbError,
  encodeMethodData,
  principalNameText,
  tgsPrincipalName,
  type EtypeInfoEntry,
  type KdcReq,
  type PrincipalName,
  type Ticket,
} from '../../lib/krb5/messages.js';
import type { KdcTarget, KdcTransport } from '../../lib/krb5/transport.js';

export interface FakePrincipal {
  /** Keys, in the KDC's order of preference for this principal. */
  keys: KrbKey[];
  /** The salt announced in ETYPE-INFO2 (omitted when undefined). */
  salt?: string;
  s2kparams?: Uint8Array;
  requiresPreauth?: boolean;
  /** Answer KDC_ERR_CLIENT_REVOKED with an NTSTATUS (AD style). */
  disabled?: boolean;
  /** Answer KDC_ERR_KEY_EXPIRED to AS-REQs, except for kadmin/changepw (as MIT and AD do). */
  passwordExpired?: boolean;
  /** A service name only (an AD SPN without a UPN): unknown as a client (C_PRINCIPAL_UNKNOWN). */
  serviceOnly?: boolean;
}

export interface FakeKdcOptions {
  realm: string;
  /** By name without realm: 'user', 'HTTP/web.mit.test', 'krbtgt/REALM' (required). */
  principals: Record<string, FakePrincipal>;
  /** The KDC's clock. */
  now: () => Date;
  random: (n: number) => Uint8Array;
  skewSeconds?: number;
  /** 'client' = first offered enctype the principal has (MIT); 'kdc' = the principal's first (Heimdal/Samba). */
  preference?: 'client' | 'kdc';
  /** APPLICATION tag of EncASRepPart (25; Windows sends 26). */
  asRepTag?: 25 | 26;
  /** Force the session key enctype (default: the first offered enctype with a profile). */
  sessionEnctype?: number;
  /** Corrupt the nonce of replies (a client must refuse). */
  badNonce?: boolean;
}

export interface FakeKdc {
  transport: KdcTransport;
  requests: KdcReq[];
}

const TARGET: KdcTarget = { address: '192.0.2.1', port: 88, host: 'fake-kdc', source: 'explicit' };

export function createFakeKdc(o: FakeKdcOptions): FakeKdc {
  const requests: KdcReq[] = [];
  const skew = (o.skewSeconds ?? 300) * 1000;
  const krbtgtName = `krbtgt/${o.realm}`;

  const error = (
    code: number,
    sname: PrincipalName,
    extra: { cname?: PrincipalName; eData?: Uint8Array; eText?: string } = {},
  ): Uint8Array => {
    const now = o.now();
    return encodeKrbError({
      stime: new Date(Math.floor(now.getTime() / 1000) * 1000),
      susec: (now.getTime() % 1000) * 1000,
      errorCode: code,
      crealm: extra.cname ? o.realm : undefined,
      cname: extra.cname,
      realm: o.realm,
      sname,
      eText: extra.eText,
      eData: extra.eData,
    });
  };

  const pick = (p: FakePrincipal, offered: readonly number[]): KrbKey | undefined =>
    o.preference === 'kdc'
      ? p.keys.find((k) => offered.includes(k.enctype))
      : offered.map((e) => p.keys.find((k) => k.enctype === e)).find((k) => k !== undefined);

  const issue = (
    req: KdcReq,
    cname: PrincipalName,
    sname: PrincipalName,
    service: FakePrincipal,
    replyKey: KrbKey,
    replyUsage: number,
    tag: 25 | 26,
    msgType: 11 | 13,
    flags: number,
  ): Uint8Array => {
    const serviceKey = service.keys[0] as KrbKey;
    const sessionEnctype =
      o.sessionEnctype ??
      req.body.etypes.find(
        (e) => enctypeById(e)?.profile !== undefined && enctypeById(e)?.weak === false,
      ) ??
      18;
    const session = randomKey(sessionEnctype, o.random);
    const now = new Date(Math.floor(o.now().getTime() / 1000) * 1000);
    const end = new Date(Math.min(req.body.till.getTime(), now.getTime() + 10 * 3600_000));
    const ticketPart = encodeEncTicketPart({
      flags,
      key: { keytype: sessionEnctype, keyvalue: session },
      crealm: o.realm,
      cname,
      transited: { trType: 1, contents: new Uint8Array(0) },
      authTime: now,
      endTime: end,
    });
    const ticket: Ticket = {
      tktVno: 5,
      realm: o.realm,
      sname,
      encPart: {
        etype: serviceKey.enctype,
        kvno: serviceKey.kvno,
        cipher: encrypt(serviceKey.enctype, serviceKey.key, KEY_USAGE.KDC_REP_TICKET, ticketPart, {
          random: o.random,
        }),
      },
    };
    const part = encodeEncKdcRepPart({
      applicationTag: tag,
      key: { keytype: sessionEnctype, keyvalue: session },
      lastReq: [{ lrType: 0, lrValue: now }],
      nonce: o.badNonce ? (req.body.nonce + 1) >>> 0 : req.body.nonce,
      flags,
      authTime: now,
      endTime: end,
      srealm: o.realm,
      sname,
    });
    return encodeKdcRep({
      msgType,
      padata: [],
      crealm: o.realm,
      cname,
      ticket,
      encPart: {
        etype: replyKey.enctype,
        kvno: replyKey.kvno,
        cipher: encrypt(replyKey.enctype, replyKey.key, replyUsage, part, { random: o.random }),
      },
    });
  };

  const etypeInfo = (p: FakePrincipal, key: KrbKey): Uint8Array => {
    const e: EtypeInfoEntry = {
      etype: key.enctype,
      salt: p.salt === undefined ? undefined : utf8(p.salt),
      s2kparams: p.s2kparams,
    };
    return encodeMethodData([
      { type: PA_TYPE.PA_ETYPE_INFO2, value: encodeEtypeInfo2([e]) },
      { type: PA_TYPE.PA_ENC_TIMESTAMP, value: new Uint8Array(0) },
    ]);
  };

  const as = (req: KdcReq): Uint8Array => {
    const body = req.body;
    const cname = body.cname as PrincipalName;
    const sname = body.sname ?? tgsPrincipalName(o.realm);
    const client = o.principals[principalNameText(cname)];
    if (!client || client.serviceOnly) return error(6, sname, { cname, eText: 'CLIENT_NOT_FOUND' });
    if (client.disabled) {
      const eData = Uint8Array.from([
        0x30, 0x15, 0xa1, 0x03, 0x02, 0x01, 0x03, 0xa2, 0x0e, 0x04, 0x0c, 0x72, 0, 0, 0xc0, 0, 0, 0,
        0, 1, 0, 0, 0,
      ]);
      return error(18, sname, { cname, eData });
    }
    const service = o.principals[principalNameText(sname)];
    if (!service) return error(7, sname, { cname });
    if (client.passwordExpired && principalNameText(sname) !== 'kadmin/changepw')
      return error(23, sname, { cname });
    const key = pick(client, body.etypes);
    if (!key) return error(14, sname, { cname });
    const encTs = req.padata.find((p) => p.type === PA_TYPE.PA_ENC_TIMESTAMP);
    let flags = TICKET_FLAGS.INITIAL | TICKET_FLAGS.RENEWABLE;
    let replyKey = key;
    if (encTs) {
      const data = decodeEncryptedData(encTs.value);
      const k = client.keys.find((c) => c.enctype === data.etype);
      if (!k) return error(14, sname, { cname });
      let plain: Uint8Array;
      try {
        plain = decrypt(data.etype, k.key, KEY_USAGE.AS_REQ_PA_ENC_TIMESTAMP, data.cipher);
      } catch (e) {
        if (isKtError(e) && e.code === 'CRYPTO_INTEGRITY')
          return error(24, sname, { cname, eText: 'PREAUTH_FAILED' });
        throw e;
      }
      const ts = decodePaEncTsEnc(plain);
      if (Math.abs(ts.patimestamp.getTime() - o.now().getTime()) > skew)
        return error(37, sname, { cname });
      flags |= TICKET_FLAGS.PRE_AUTHENT;
      replyKey = k;
    } else if (client.requiresPreauth !== false) {
      return error(25, sname, { cname, eData: etypeInfo(client, key) });
    }
    return issue(
      req,
      cname,
      sname,
      service,
      replyKey,
      KEY_USAGE.AS_REP_ENC_PART,
      o.asRepTag ?? 25,
      11,
      flags,
    );
  };

  const tgs = (req: KdcReq, bodyBytes: Uint8Array): Uint8Array => {
    const sname = req.body.sname as PrincipalName;
    const pa = req.padata.find((p) => p.type === PA_TYPE.PA_TGS_REQ);
    const krbtgt = o.principals[krbtgtName] as FakePrincipal;
    if (!pa) return error(16, sname);
    const ap = decodeApReq(pa.value);
    const tgtKey = krbtgt.keys.find((k) => k.enctype === ap.ticket.encPart.etype);
    if (!tgtKey) return error(44, sname);
    const tgtPart = decodeEncTicketPart(
      decrypt(tgtKey.enctype, tgtKey.key, KEY_USAGE.KDC_REP_TICKET, ap.ticket.encPart.cipher),
    );
    const session = tgtPart.key.keyvalue;
    let auth;
    try {
      auth = decodeAuthenticator(
        decrypt(tgtPart.key.keytype, session, KEY_USAGE.TGS_REQ_AUTH, ap.authenticator.cipher),
      );
    } catch {
      return error(31, sname);
    }
    if (!auth.cksum || auth.cksum.cksumtype !== checksumTypeFor(tgtPart.key.keytype))
      return error(50, sname);
    if (
      !verifyChecksum(
        auth.cksum.cksumtype,
        session,
        KEY_USAGE.TGS_REQ_AUTH_CKSUM,
        bodyBytes,
        auth.cksum.checksum,
      )
    )
      return error(41, sname);
    if (!bytesEqual(utf8(principalNameText(auth.cname)), utf8(principalNameText(tgtPart.cname))))
      return error(36, sname);
    if (Math.abs(auth.ctime.getTime() - o.now().getTime()) > skew) return error(37, sname);
    const service = o.principals[principalNameText(sname)];
    if (!service) return error(7, sname);
    return issue(
      req,
      tgtPart.cname,
      sname,
      service,
      { enctype: tgtPart.key.keytype, key: session },
      KEY_USAGE.TGS_REP_ENC_PART_SESSION_KEY,
      26,
      13,
      0,
    );
  };

  return {
    requests,
    transport: {
      async send(realm, request) {
        if (realm !== o.realm) throw new Error(`fake KDC serves ${o.realm}, asked for ${realm}`);
        const req = decodeKdcReq(request);
        requests.push(req);
        const reply = req.msgType === MSG_TYPE.AS_REQ ? as(req) : tgs(req, req.bodyBytes);
        return {
          reply,
          kdc: TARGET,
          protocol: 'udp',
          attempts: [{ kdc: '192.0.2.1:88', protocol: 'udp', outcome: 'reply' }],
        };
      },
    },
  };
}
