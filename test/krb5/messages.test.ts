import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import {
  KDC_OPTIONS,
  KRB_ERRORS,
  PA_TYPE,
  TICKET_FLAGS,
  flagNames,
  krbErrorInfo,
  paTypeName,
} from '../../lib/krb5/constants.js';
import {
  decodeKdcReq,
  decodePaEncTsEnc,
  decodePaPacRequest,
  encodeEncKdcRepPart,
  encodeEncTicketPart,
  encodeEtypeInfo,
  encodeEtypeInfo2,
  encodeKdcRep,
} from '../../lib/krb5/kdc-codec.js';
import {
  decodeApReq,
  decodeAuthenticator,
  decodeEncKdcRepPart,
  decodeEncTicketPart,
  decodeErrorData,
  decodeEtypeInfo,
  decodeEtypeInfo2,
  decodeKdcRep,
  decodeKdcReply,
  decodeKrbError,
  decodeMethodData,
  decodeTicket,
  encodeApReq,
  encodeAuthenticator,
  encodeKdcReq,
  encodeKrbError,
  encodeMethodData,
  encodePaEncTsEnc,
  encodeTicket,
  fromPrincipalName,
  paPacRequest,
  peekErrorCode,
  tgsPrincipalName,
  toPrincipalName,
  type EncKdcRepPart,
  type EncTicketPart,
  type KdcReq,
  type KrbError,
  type Ticket,
} from '../../lib/krb5/messages.js';
import { parsePrincipal } from '../../lib/principal.js';

const T0 = new Date('2024-05-06T07:08:09Z');
const T1 = new Date('2024-05-06T17:08:09Z');
const user = { nameType: 1, nameString: ['user'] };

const ticket: Ticket = {
  tktVno: 5,
  realm: 'MIT.TEST',
  sname: tgsPrincipalName('MIT.TEST'),
  encPart: { etype: 18, kvno: 2, cipher: fromHex('00112233445566778899aabbccddeeff') },
};

const asReq: KdcReq = {
  msgType: 10,
  padata: [{ type: PA_TYPE.PA_ENC_TIMESTAMP, value: fromHex('3003020101') }, paPacRequest(false)],
  body: {
    kdcOptions: KDC_OPTIONS.FORWARDABLE | KDC_OPTIONS.RENEWABLE_OK,
    cname: user,
    realm: 'MIT.TEST',
    sname: tgsPrincipalName('MIT.TEST'),
    till: T1,
    nonce: 0xfedcba98,
    etypes: [18, 17, 20, 19, 26, 25, 23],
  },
};

const krbError: KrbError = {
  stime: T0,
  susec: 123456,
  errorCode: 25,
  crealm: 'MIT.TEST',
  cname: user,
  realm: 'MIT.TEST',
  sname: tgsPrincipalName('MIT.TEST'),
  eText: 'Additional pre-authentication required',
  eData: encodeMethodData([
    {
      type: PA_TYPE.PA_ETYPE_INFO2,
      value: encodeEtypeInfo2([
        { etype: 18, salt: utf8('MIT.TESTuser') },
        { etype: 20, salt: utf8('MIT.TESTuser'), s2kparams: fromHex('00008000') },
      ]),
    },
    { type: PA_TYPE.PA_ENC_TIMESTAMP, value: new Uint8Array(0) },
  ]),
};

const encRepPart: EncKdcRepPart = {
  applicationTag: 25,
  key: { keytype: 18, keyvalue: new Uint8Array(32).fill(0xab) },
  lastReq: [{ lrType: 0, lrValue: T0 }],
  nonce: 0xfedcba98,
  keyExpiration: new Date('2030-01-01T00:00:00Z'),
  flags: TICKET_FLAGS.INITIAL | TICKET_FLAGS.PRE_AUTHENT | TICKET_FLAGS.FORWARDABLE,
  authTime: T0,
  startTime: T0,
  endTime: T1,
  renewTill: undefined,
  srealm: 'MIT.TEST',
  sname: tgsPrincipalName('MIT.TEST'),
  caddr: [{ addrType: 2, address: fromHex('7f000001') }],
  encryptedPaData: undefined,
};

const encTicketPart: EncTicketPart = {
  flags: TICKET_FLAGS.PRE_AUTHENT,
  key: { keytype: 17, keyvalue: new Uint8Array(16).fill(1) },
  crealm: 'MIT.TEST',
  cname: user,
  transited: { trType: 1, contents: new Uint8Array(0) },
  authTime: T0,
  startTime: undefined,
  endTime: T1,
  renewTill: T1,
  caddr: undefined,
  authorizationData: [{ adType: 1, adData: fromHex('3000') }],
};

function onlyBadMessage(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof KtError) || e.code !== 'KRB_BAD_MESSAGE') throw e;
  }
}

describe('Kerberos messages round-trip', () => {
  it('AS-REQ, and the body bytes come back for checksumming', () => {
    const bytes = encodeKdcReq(asReq);
    expect(bytes[0]).toBe(0x6a); // [APPLICATION 10]
    const back = decodeKdcReq(bytes);
    expect({ msgType: back.msgType, padata: back.padata, body: back.body }).toEqual({
      ...asReq,
      body: {
        ...asReq.body,
        from: undefined,
        rtime: undefined,
        addresses: undefined,
        encAuthorizationData: undefined,
        additionalTickets: undefined,
      },
    });
    expect(toHex(encodeKdcReq(back, back.bodyBytes))).toBe(toHex(bytes));
    expect(decodePaPacRequest(back.padata[1]!.value)).toEqual({ includePac: false });
  });

  it('TGS-REQ with additional tickets and addresses', () => {
    const req: KdcReq = {
      msgType: 12,
      padata: [],
      body: {
        ...asReq.body,
        cname: undefined,
        from: T0,
        rtime: T1,
        addresses: [{ addrType: 24, address: new Uint8Array(16) }],
        encAuthorizationData: { etype: 17, cipher: fromHex('01') },
        additionalTickets: [ticket],
      },
    };
    const back = decodeKdcReq(encodeKdcReq(req));
    expect(back.msgType).toBe(12);
    expect(back.padata).toEqual([]);
    expect(back.body.additionalTickets).toEqual([ticket]);
    expect(back.body.encAuthorizationData).toEqual({
      etype: 17,
      kvno: undefined,
      cipher: fromHex('01'),
    });
  });

  it('AS-REP keeps the ticket bytes exactly', () => {
    const ticketBytes = encodeTicket(ticket);
    const rep = encodeKdcRep({
      msgType: 11,
      padata: [{ type: 19, value: encodeEtypeInfo2([{ etype: 18 }]) }],
      crealm: 'MIT.TEST',
      cname: user,
      ticket,
      encPart: { etype: 18, kvno: 1, cipher: fromHex('aa') },
    });
    const back = decodeKdcRep(rep);
    expect(back.ticket).toEqual(ticket);
    expect(back.ticketBytes).toEqual(ticketBytes);
    expect(decodeTicket(back.ticketBytes)).toEqual(ticket);
    const reply = decodeKdcReply(rep);
    expect(reply.kind).toBe('as-rep');
    expect(peekErrorCode(rep)).toBeUndefined();
  });

  it('KRB-ERROR with METHOD-DATA e-data and ETYPE-INFO2', () => {
    const bytes = encodeKrbError(krbError);
    const back = decodeKrbError(bytes);
    expect(back).toEqual({ ...krbError, ctime: undefined, cusec: undefined });
    expect(peekErrorCode(bytes)).toBe(25);
    const reply = decodeKdcReply(bytes);
    expect(reply.kind).toBe('error');
    const data = decodeErrorData(back.eData!);
    expect(data.methodData!.map((p) => paTypeName(p.type))).toEqual([
      'PA_ETYPE_INFO2',
      'PA_ENC_TIMESTAMP',
    ]);
    expect(decodeEtypeInfo2(data.methodData![0]!.value)).toEqual([
      { etype: 18, salt: utf8('MIT.TESTuser'), s2kparams: undefined },
      { etype: 20, salt: utf8('MIT.TESTuser'), s2kparams: fromHex('00008000') },
    ]);
  });

  it('KERB-ERROR-DATA e-data with an NTSTATUS ([MS-KILE] 2.2.1/2.2.2)', () => {
    // SEQUENCE { [1] INTEGER 3, [2] OCTET STRING { 72 00 00 c0 00000000 01000000 } }
    const eData = fromHex('3015a103020103a20e040c720000c00000000001000000');
    expect(decodeErrorData(eData)).toEqual({
      dataType: 3,
      dataValue: fromHex('720000c00000000001000000'),
      ntStatus: 0xc0000072,
    });
    expect(decodeErrorData(fromHex('0401ff'))).toEqual({});
    expect(decodeErrorData(fromHex('30'))).toEqual({});
    expect(decodeErrorData(fromHex('3000'))).toEqual({ methodData: [] });
  });

  it('ETYPE-INFO (old KDCs) carries an OCTET STRING salt', () => {
    const bytes = encodeEtypeInfo([{ etype: 23 }, { etype: 3, salt: fromHex('ff00') }]);
    expect(decodeEtypeInfo(bytes)).toEqual([
      { etype: 23, salt: undefined },
      { etype: 3, salt: fromHex('ff00') },
    ]);
  });

  it('EncASRepPart (tag 25) and EncTGSRepPart (tag 26) decode alike, padding ignored', () => {
    const plain = encodeEncKdcRepPart(encRepPart);
    expect(plain[0]).toBe(0x79);
    expect(decodeEncKdcRepPart(plain)).toEqual(encRepPart);
    const tgs = encodeEncKdcRepPart({ ...encRepPart, applicationTag: 26 });
    expect(tgs[0]).toBe(0x7a);
    const padded = new Uint8Array(tgs.length + 7);
    padded.set(tgs);
    expect(decodeEncKdcRepPart(padded).applicationTag).toBe(26);
    expect(() => decodeEncKdcRepPart(encodeEncTicketPart(encTicketPart))).toThrow(
      /EncASRepPart or EncTGSRepPart/,
    );
  });

  it('EncTicketPart, Authenticator, AP-REQ, PA-ENC-TS-ENC', () => {
    expect(decodeEncTicketPart(encodeEncTicketPart(encTicketPart))).toEqual(encTicketPart);
    const auth = {
      crealm: 'MIT.TEST',
      cname: user,
      cksum: { cksumtype: 16, checksum: fromHex('0102') },
      cusec: 999_999,
      ctime: T0,
      subkey: undefined,
      seqNumber: 0xffffffff,
      authorizationData: undefined,
    };
    expect(decodeAuthenticator(encodeAuthenticator(auth))).toEqual(auth);
    const ap = {
      apOptions: 0x20000000,
      ticket,
      authenticator: { etype: 18, cipher: fromHex('beef') },
    };
    const apBytes = encodeApReq(ap);
    const apBack = decodeApReq(apBytes);
    expect(apBack.ticket).toEqual(ticket);
    expect(apBack.apOptions).toBe(0x20000000);
    expect(toHex(encodeApReq(apBack))).toBe(toHex(apBytes));
    expect(decodePaEncTsEnc(encodePaEncTsEnc({ patimestamp: T0, pausec: 5 }))).toEqual({
      patimestamp: T0,
      pausec: 5,
    });
  });

  it('refuses wrong pvno, msg-type and application tags', () => {
    const bytes = encodeKdcReq(asReq);
    // pvno is the first field: 6a len 30 len a1 03 02 01 05
    const at = toHex(bytes).indexOf('a103020105') / 2;
    const bad = bytes.slice();
    bad[at + 4] = 4;
    expect(() => decodeKdcReq(bad)).toThrow(/pvno is 4, expected 5/);
    const wrongType = bytes.slice();
    wrongType[at + 9] = 12; // msg-type 12 inside [APPLICATION 10]
    expect(() => decodeKdcReq(wrongType)).toThrow(/msg-type is 12/);
    expect(() => decodeKdcRep(bytes)).toThrow(/expected AS-REP or TGS-REP/);
    expect(() => decodeKdcReply(encodeTicket(ticket))).toThrow(
      /expected AS-REP, TGS-REP or KRB-ERROR/,
    );
  });

  it('principal conversions', () => {
    const p = parsePrincipal('HTTP/web.mit.test@MIT.TEST');
    expect(toPrincipalName(p)).toEqual({ nameType: 1, nameString: ['HTTP', 'web.mit.test'] });
    expect(fromPrincipalName(toPrincipalName(p), 'MIT.TEST')).toEqual(p);
  });
});

describe('malformed messages give only KRB_BAD_MESSAGE', () => {
  const samples = [
    encodeKdcReq(asReq),
    encodeKrbError(krbError),
    encodeKdcRep({
      msgType: 13,
      padata: [],
      crealm: 'R',
      cname: user,
      ticket,
      encPart: { etype: 18, cipher: fromHex('00') },
    }),
    encodeEncKdcRepPart(encRepPart),
    encodeEncTicketPart(encTicketPart),
  ];
  const decoders = [
    decodeKdcReq,
    decodeKdcReply,
    decodeKrbError,
    decodeKdcRep,
    decodeEncKdcRepPart,
    decodeEncTicketPart,
    decodeAuthenticator,
    decodeApReq,
    decodeMethodData,
    decodeEtypeInfo2,
    decodeEtypeInfo,
    decodePaEncTsEnc,
    decodePaPacRequest,
    decodeTicket,
  ];

  const mutation = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(),
      bits: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      n: fc.integer({ min: 1, max: 8 }),
    }),
    fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      value: fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x84, 0x85, 0xff),
    }),
  );

  type Mutation = {
    kind: string;
    at: number;
    bits?: number;
    bytes?: Uint8Array;
    n?: number;
    value?: number;
  };

  function mutate(bytes: Uint8Array, muts: readonly Mutation[]): Uint8Array {
    let b = bytes.slice();
    for (const m of muts) {
      const at = b.length === 0 ? 0 : m.at % b.length;
      if (m.kind === 'flip' && b.length > 0) b[at] = (b[at] as number) ^ (m.bits as number);
      else if (m.kind === 'truncate') b = b.slice(0, at);
      else if (m.kind === 'insert')
        b = Uint8Array.from([...b.slice(0, at), ...(m.bytes as Uint8Array), ...b.slice(at)]);
      else if (m.kind === 'delete')
        b = Uint8Array.from([...b.slice(0, at), ...b.slice(at + (m.n as number))]);
      else if (m.kind === 'set' && b.length > 0) b[at] = m.value as number;
    }
    return b;
  }

  it('under random mutations of valid messages', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: samples.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, muts) => {
          const bytes = mutate(samples[which] as Uint8Array, muts);
          for (const decode of decoders) onlyBadMessage(() => decode(bytes));
          // The e-data interpreter and peekErrorCode never throw at all.
          decodeErrorData(bytes);
          peekErrorCode(bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('under random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const decode of decoders) onlyBadMessage(() => decode(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('protocol tables', () => {
  it('names error codes with a meaning', () => {
    expect(krbErrorInfo(24)).toMatchObject({ name: 'KDC_ERR_PREAUTH_FAILED' });
    expect(krbErrorInfo(24).meaning).toMatch(/wrong salt/);
    expect(krbErrorInfo(6).name).toBe('KDC_ERR_C_PRINCIPAL_UNKNOWN');
    expect(krbErrorInfo(7).name).toBe('KDC_ERR_S_PRINCIPAL_UNKNOWN');
    expect(krbErrorInfo(37).name).toBe('KRB_AP_ERR_SKEW');
    expect(krbErrorInfo(52).name).toBe('KRB_ERR_RESPONSE_TOO_BIG');
    expect(krbErrorInfo(68).name).toBe('KDC_ERR_WRONG_REALM');
    expect(krbErrorInfo(12345)).toMatchObject({ code: 12345, name: 'KRB_ERROR_12345' });
    expect(new Set(KRB_ERRORS.map((e) => e.code)).size).toBe(KRB_ERRORS.length);
  });

  it('names flags', () => {
    expect(flagNames(encRepPart.flags, TICKET_FLAGS)).toEqual([
      'FORWARDABLE',
      'INITIAL',
      'PRE_AUTHENT',
    ]);
    expect(flagNames(KDC_OPTIONS.CANONICALIZE, KDC_OPTIONS)).toEqual(['CANONICALIZE']);
    expect(paTypeName(9999)).toBe('PA-9999');
  });
});
