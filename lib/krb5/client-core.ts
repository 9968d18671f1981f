/**
 * What the Kerberos client's exchanges share (lib/krb5/client.ts: AS, client-tgs.ts: TGS): the
 * injected context, the key and credential types, the typed KDC failure, and the helpers that
 * send a request, read ETYPE-INFO2/ETYPE-INFO/PW-SALT, and open a KDC reply. Pure: the transport,
 * clock and random source come in through KrbContext.
 */
import { decrypt } from '../crypto/profiles.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import { KtError, isKtError } from '../errors.js';
import type { Principal } from '../principal.js';
import { defaultSalt as rfc4120Salt } from '../salt/rules.js';
import { KEY_USAGE, NT_STATUS, PA_TYPE, krbErrorInfo } from './constants.js';
import {
  decodeEncKdcRepPart,
  decodeErrorData,
  decodeEtypeInfo,
  decodeEtypeInfo2,
  decodeKdcReply,
  fromPrincipalName,
  saltText,
  type EncKdcRepPart,
  type EtypeInfoEntry,
  type KdcRep,
  type KrbError,
  type PaData,
  type Ticket,
  type TicketTimes,
} from './messages.js';
import type { KdcAttempt, KdcProtocol, KdcResponse, KdcTarget, KdcTransport } from './transport.js';

/** What the client depends on. */
export interface KrbContext {
  readonly transport: KdcTransport;
  /** The local clock (its difference to the KDC's is the clock skew). */
  readonly now: () => Date;
  /** Cryptographically random bytes (nonces, confounders). */
  readonly random: (n: number) => Uint8Array;
}

/** A key and its enctype (and kvno, when known: from a keytab entry). */
export interface KrbKey {
  readonly enctype: number;
  readonly key: Uint8Array;
  readonly kvno?: number | undefined;
}

/** What the KDC says about one enctype's string-to-key parameters (PA-ETYPE-INFO2 et al.). */
export interface KdcEtypeInfo {
  readonly enctype: number;
  readonly enctypeName: string;
  /** The salt octets: as the KDC sent them, or the RFC 4120 default salt when it sent none. */
  readonly salt: Uint8Array;
  /** The salt as text (UTF-8), for display. */
  readonly saltText: string;
  readonly saltSource: 'etype-info2' | 'etype-info' | 'pw-salt' | 'default';
  readonly s2kparams?: Uint8Array | undefined;
  /**
   * PBKDF2 iteration count for AES and Camellia: from s2kparams (RFC 3962 section 4: "the
   * string-to-key parameter ... is a 4-octet ... iteration count"), else the enctype's default.
   */
  readonly iterations?: number | undefined;
}

/** Facts common to every answer: which KDC, how, and the two clocks. */
export interface ExchangeInfo {
  readonly kdc: KdcTarget;
  readonly protocol: KdcProtocol;
  /** The local clock when the request was made. */
  readonly localTime: Date;
  /** The KDC's clock, when the answer carried it (KRB-ERROR stime, AS-REP authtime). */
  readonly kdcTime?: Date | undefined;
  /** Every try of the transport for the last request (KDCs that timed out, UDP -> TCP). */
  readonly attempts?: readonly KdcAttempt[] | undefined;
}

/** A refusal, or an answer that could not be used, in words and numbers. */
export interface KdcFailure extends Partial<ExchangeInfo> {
  readonly kind: 'kdc-error' | 'no-usable-key' | 'reply-integrity';
  /** One line in plain English. */
  readonly message: string;
  readonly errorCode?: number | undefined;
  /** KDC_ERR_PREAUTH_FAILED etc. */
  readonly errorName?: string | undefined;
  /** What the error usually means (constants.ts KRB_ERRORS). */
  readonly meaning?: string | undefined;
  readonly eText?: string | undefined;
  /** NTSTATUS from AD/Samba e-data (STATUS_ACCOUNT_DISABLED...), with its name. */
  readonly ntStatus?: number | undefined;
  readonly ntStatusName?: string | undefined;
  readonly error?: KrbError | undefined;
  /** The salts the KDC announced on the way (from the pre-authentication round), if any. */
  readonly etypeInfo: readonly KdcEtypeInfo[];
}

/** A ticket and its session key, as a KDC issued them. */
export interface KrbCredentials extends TicketTimes {
  readonly client: Principal;
  readonly server: Principal;
  readonly ticket: Ticket;
  /** The ticket exactly as issued (what an AP-REQ carries). */
  readonly ticketBytes: Uint8Array;
  readonly sessionKey: KrbKey;
  readonly flags: number;
  /** The decrypted reply part, for anything not copied above. */
  readonly encPart: EncKdcRepPart;
}

export type Outcome<T> =
  ({ readonly ok: true } & T) | { readonly ok: false; readonly failure: KdcFailure };

// --- helpers -----------------------------------------------------------------------------------------

/** The RFC 4120 default salt's octets (the rule lives in lib/salt/rules.ts), for a KDC that sends none. */
export function defaultSalt(principal: Pick<Principal, 'components' | 'realm'>): Uint8Array {
  return rfc4120Salt(principal).bytes;
}

/** 31-bit nonce, as MIT sends (some KDCs mishandle nonces with the top bit set). */
export function nonce(ctx: KrbContext): number {
  const b = ctx.random(4);
  if (!(b instanceof Uint8Array) || b.length !== 4)
    throw new KtError('INTERNAL', 'the random source did not return 4 bytes');
  return (
    (((b[0] as number) << 24) |
      ((b[1] as number) << 16) |
      ((b[2] as number) << 8) |
      (b[3] as number)) &
    0x7fffffff
  );
}

/** A KerberosTime and its microseconds (KerberosTime has whole seconds; usec carries the rest). */
export function splitTime(date: Date): { time: Date; usec: number } {
  const ms = date.getTime();
  const whole = Math.floor(ms / 1000) * 1000;
  return { time: new Date(whole), usec: (ms - whole) * 1000 };
}

export function kdcTimeOf(error: KrbError): Date {
  return new Date(error.stime.getTime() + Math.floor(error.susec / 1000));
}

function iterationsOf(enctype: number, s2kparams: Uint8Array | undefined): number | undefined {
  const info = enctypeById(enctype);
  if (info?.defaultIterations === undefined) return undefined;
  if (s2kparams !== undefined && s2kparams.length === 4) {
    return new DataView(s2kparams.buffer, s2kparams.byteOffset, 4).getUint32(0);
  }
  return info.defaultIterations;
}

export function etypeInfoOf(
  e: EtypeInfoEntry,
  source: KdcEtypeInfo['saltSource'],
  fallback: Uint8Array,
): KdcEtypeInfo {
  const salt = e.salt ?? fallback;
  return {
    enctype: e.etype,
    enctypeName: enctypeName(e.etype),
    salt,
    saltText: saltText(salt),
    saltSource: e.salt === undefined ? 'default' : source,
    s2kparams: e.s2kparams,
    iterations: iterationsOf(e.etype, e.s2kparams),
  };
}

/** The padata that carry whole entries, in the order RFC 4120 section 5.2.7.5 trusts them. */
const ETYPE_INFO_PADATA = [
  { type: PA_TYPE.PA_ETYPE_INFO2, source: 'etype-info2', decode: decodeEtypeInfo2 },
  { type: PA_TYPE.PA_ETYPE_INFO, source: 'etype-info', decode: decodeEtypeInfo },
] as const;

/**
 * The string-to-key parameters announced in padata (RFC 4120 section 5.2.7.5: "If ETYPE-INFO2
 * is present, ETYPE-INFO ... should be ignored"), else PA-ETYPE-INFO, else PA-PW-SALT for the
 * requested enctypes. Entries whose salt is absent get the default salt. Padata a KDC encoded
 * wrongly is skipped rather than failing the exchange.
 */
export function etypeInfoFromPadata(
  padata: readonly PaData[],
  client: Pick<Principal, 'components' | 'realm'>,
  requested: readonly number[] = [],
): KdcEtypeInfo[] {
  const fallback = defaultSalt(client);
  const find = (type: number): PaData | undefined => padata.find((p) => p.type === type);
  for (const { type, source, decode } of ETYPE_INFO_PADATA) {
    const pa = find(type);
    if (!pa) continue;
    try {
      return decode(pa.value).map((e) => etypeInfoOf(e, source, fallback));
    } catch (e) {
      if (!isKtError(e)) throw e;
    }
  }
  const pwSalt = find(PA_TYPE.PA_PW_SALT);
  if (pwSalt)
    return requested.map((etype) =>
      etypeInfoOf({ etype, salt: pwSalt.value }, 'pw-salt', fallback),
    );
  return [];
}

export function kdcFailure(
  error: KrbError,
  exchange: ExchangeInfo,
  etypeInfo: readonly KdcEtypeInfo[],
): KdcFailure {
  const info = krbErrorInfo(error.errorCode);
  const data = error.eData !== undefined ? decodeErrorData(error.eData) : {};
  const nt = data.ntStatus !== undefined ? NT_STATUS[data.ntStatus] : undefined;
  const eText = error.eText !== undefined && error.eText !== '' ? error.eText : undefined;
  const parts = [`${info.name} (${info.code}): ${info.description}`];
  if (eText !== undefined && eText !== info.description) parts.push(`KDC says "${eText}"`);
  if (nt) parts.push(`${nt.name}: ${nt.meaning}`);
  return {
    ...exchange,
    kdcTime: kdcTimeOf(error),
    kind: 'kdc-error',
    message: parts.join('; '),
    errorCode: error.errorCode,
    errorName: info.name,
    meaning: info.meaning,
    eText,
    ntStatus: data.ntStatus,
    ntStatusName: nt?.name,
    error,
    etypeInfo,
  };
}

export async function exchange(
  ctx: KrbContext,
  realm: string,
  request: Uint8Array,
): Promise<{ response: KdcResponse; info: ExchangeInfo }> {
  const localTime = ctx.now();
  const response = await ctx.transport.send(realm, request);
  return {
    response,
    info: {
      kdc: response.kdc,
      protocol: response.protocol,
      localTime,
      attempts: response.attempts,
    },
  };
}

export function mismatch(message: string, details: Record<string, string | number> = {}): KtError {
  return new KtError('KRB_REPLY_MISMATCH', message, { details });
}

/** The outcome when a reply's enc-part does not decrypt with the key it should (openKdcReply). */
export function replyIntegrity(
  info: ExchangeInfo,
  message: string,
  etypeInfo: readonly KdcEtypeInfo[],
): Outcome<never> {
  return { ok: false, failure: { ...info, kind: 'reply-integrity', message, etypeInfo } };
}

/** Throws unless a reply (`what`: AS-REP, TGS-REP) carries the nonce its request sent. */
function expectNonce(what: string, received: number, sent: number): void {
  if (received !== sent >>> 0)
    throw mismatch(`${what} nonce ${received} does not match the request's ${sent}`, {
      sent,
      received,
    });
}

function credentialsFrom(rep: KdcRep, part: EncKdcRepPart): KrbCredentials {
  return {
    client: fromPrincipalName(rep.cname, rep.crealm),
    server: fromPrincipalName(part.sname, part.srealm),
    ticket: rep.ticket,
    ticketBytes: rep.ticketBytes,
    sessionKey: { enctype: part.key.keytype, key: part.key.keyvalue },
    flags: part.flags,
    authTime: part.authTime,
    startTime: part.startTime,
    endTime: part.endTime,
    renewTill: part.renewTill,
    encPart: part,
  };
}

/** What each request is answered with, and the words for the other kind of reply. */
// prettier-ignore
const WRONG_REPLY: Readonly<Record<'as-rep' | 'tgs-rep', string>> = Object.freeze({
  'as-rep': 'the KDC answered an AS-REQ with a TGS-REP',
  'tgs-rep': 'the KDC answered a TGS-REQ with an AS-REP',
});

/**
 * A KDC's answer to an AS-REQ (`expected` 'as-rep') or a TGS-REQ ('tgs-rep'): the reply, or
 * the KRB-ERROR. The other kind of reply is KRB_REPLY_MISMATCH.
 */
export function kdcReplyTo(
  expected: 'as-rep' | 'tgs-rep',
  bytes: Uint8Array,
):
  | { readonly kind: 'rep'; readonly rep: KdcRep }
  | { readonly kind: 'error'; readonly error: KrbError } {
  const reply = decodeKdcReply(bytes);
  if (reply.kind === 'error') return reply;
  if (reply.kind !== expected) throw mismatch(WRONG_REPLY[expected]);
  return { kind: 'rep', rep: reply.rep };
}

/** The key usage of each reply's enc-part (RFC 4120 section 7.5.1). */
const REPLY_USAGE: Readonly<Record<'AS-REP' | 'TGS-REP', number>> = Object.freeze({
  'AS-REP': KEY_USAGE.AS_REP_ENC_PART,
  'TGS-REP': KEY_USAGE.TGS_REP_ENC_PART_SESSION_KEY,
});

/**
 * Opens an AS-REP or TGS-REP with its reply key: the credentials it carries, or undefined when
 * the key does not decrypt it (CRYPTO_INTEGRITY; the caller says which key it was). Throws
 * KRB_REPLY_MISMATCH when the reply's nonce is not the one the request sent.
 */
export function openKdcReply(
  what: 'AS-REP' | 'TGS-REP',
  rep: KdcRep,
  key: Uint8Array,
  sentNonce: number,
): KrbCredentials | undefined {
  let plain: Uint8Array;
  try {
    plain = decrypt(rep.encPart.etype, key, REPLY_USAGE[what], rep.encPart.cipher);
  } catch (e) {
    if (isKtError(e) && e.code === 'CRYPTO_INTEGRITY') return undefined;
    throw e;
  }
  const part = decodeEncKdcRepPart(plain);
  expectNonce(what, part.nonce, sentNonce);
  return credentialsFrom(rep, part);
}
