/**
 * A small Kerberos client: the AS exchange (with and without pre-authentication) and the TGS
 * exchange of RFC 4120 sections 3.1 and 3.3, and ticket decryption with a service key (what
 * `kvno -k` checks). Enough to tell whether a keytab's keys work, and why not.
 *
 * The logic is pure: the transport (which KDC, UDP/TCP), the clock and the random source are
 * injected through a KrbContext, so tests drive it with fakes and a fixed clock. Outcomes that
 * are answers from the KDC (PREAUTH_FAILED, C_PRINCIPAL_UNKNOWN, SKEW...) are returned as
 * typed failures with the KDC's error code, e-text and time; only broken exchanges (no KDC,
 * a malformed reply, a nonce mismatch) throw KtError.
 */
import { decrypt, encrypt, checksum, checksumTypeFor } from '../crypto/profiles.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import { defaultEnctypes } from '../crypto/policy.js';
import { stringToKey } from '../crypto/string-to-key.js';
import { KtError, isKtError } from '../errors.js';
import type { Principal } from '../principal.js';
import { defaultSalt as rfc4120Salt } from '../salt/rules.js';
import {
  KDC_OPTIONS,
  KEY_USAGE,
  KRB_ERR,
  MSG_TYPE,
  NT_STATUS,
  PA_TYPE,
  krbErrorInfo,
} from './constants.js';
import {
  decodeEncKdcRepPart,
  decodeEncTicketPart,
  decodeErrorData,
  decodeEtypeInfo,
  decodeEtypeInfo2,
  decodeKdcReply,
  encodeApReq,
  encodeAuthenticator,
  encodeEncryptedData,
  encodeKdcReq,
  encodeKdcReqBody,
  encodePaEncTsEnc,
  fromPrincipalName,
  paPacRequest,
  saltText,
  tgsPrincipalName,
  toPrincipalName,
  type EncKdcRepPart,
  type EncTicketPart,
  type EtypeInfoEntry,
  type KdcRep,
  type KdcReqBody,
  type KrbError,
  type PaData,
  type Ticket,
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
export interface KrbCredentials {
  readonly client: Principal;
  readonly server: Principal;
  readonly ticket: Ticket;
  /** The ticket exactly as issued (what an AP-REQ carries). */
  readonly ticketBytes: Uint8Array;
  readonly sessionKey: KrbKey;
  readonly flags: number;
  readonly authTime: Date;
  readonly startTime?: Date | undefined;
  readonly endTime: Date;
  readonly renewTill?: Date | undefined;
  /** The decrypted reply part, for anything not copied above. */
  readonly encPart: EncKdcRepPart;
}

export type Outcome<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly failure: KdcFailure };

// --- helpers -----------------------------------------------------------------------------------------

/** The RFC 4120 default salt's octets (the rule lives in lib/salt/rules.ts), for a KDC that sends none. */
export function defaultSalt(principal: Pick<Principal, 'components' | 'realm'>): Uint8Array {
  return rfc4120Salt(principal).bytes;
}

/** 31-bit nonce, as MIT sends (some KDCs mishandle nonces with the top bit set). */
function nonce(ctx: KrbContext): number {
  const b = ctx.random(4);
  if (!(b instanceof Uint8Array) || b.length !== 4) throw new KtError('INTERNAL', 'the random source did not return 4 bytes');
  return (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) & 0x7fffffff;
}

/** A KerberosTime and its microseconds (KerberosTime has whole seconds; usec carries the rest). */
function splitTime(date: Date): { time: Date; usec: number } {
  const ms = date.getTime();
  const whole = Math.floor(ms / 1000) * 1000;
  return { time: new Date(whole), usec: (ms - whole) * 1000 };
}

function kdcTimeOf(error: KrbError): Date {
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

function entry(e: EtypeInfoEntry, source: KdcEtypeInfo['saltSource'], fallback: Uint8Array): KdcEtypeInfo {
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

/**
 * The string-to-key parameters announced in padata (RFC 4120 section 5.2.7.5: "If ETYPE-INFO2
 * is present, ETYPE-INFO ... should be ignored"), else PA-ETYPE-INFO, else PA-PW-SALT for the
 * requested enctypes. Entries whose salt is absent get the default salt. Padata a KDC encoded
 * wrongly is skipped rather than failing the exchange.
 */
export function etypeInfoFromPadata(padata: readonly PaData[], client: Pick<Principal, 'components' | 'realm'>, requested: readonly number[] = []): KdcEtypeInfo[] {
  const fallback = defaultSalt(client);
  const find = (type: number): PaData | undefined => padata.find((p) => p.type === type);
  const info2 = find(PA_TYPE.PA_ETYPE_INFO2);
  if (info2) {
    try {
      return decodeEtypeInfo2(info2.value).map((e) => entry(e, 'etype-info2', fallback));
    } catch (e) {
      if (!isKtError(e)) throw e;
    }
  }
  const info = find(PA_TYPE.PA_ETYPE_INFO);
  if (info) {
    try {
      return decodeEtypeInfo(info.value).map((e) => entry(e, 'etype-info', fallback));
    } catch (e) {
      if (!isKtError(e)) throw e;
    }
  }
  const pwSalt = find(PA_TYPE.PA_PW_SALT);
  if (pwSalt) return requested.map((etype) => entry({ etype, salt: pwSalt.value }, 'pw-salt', fallback));
  return [];
}

function kdcFailure(error: KrbError, exchange: ExchangeInfo, etypeInfo: readonly KdcEtypeInfo[]): KdcFailure {
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

async function exchange(ctx: KrbContext, realm: string, request: Uint8Array): Promise<{ response: KdcResponse; info: ExchangeInfo }> {
  const localTime = ctx.now();
  const response = await ctx.transport.send(realm, request);
  return { response, info: { kdc: response.kdc, protocol: response.protocol, localTime, attempts: response.attempts } };
}

function mismatch(message: string, details: Record<string, string | number> = {}): KtError {
  return new KtError('KRB_REPLY_MISMATCH', message, { details });
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

/** Decrypts a KDC reply's enc-part; undefined when the key does not fit (CRYPTO_INTEGRITY). */
function openReply(rep: KdcRep, key: Uint8Array, usage: number): EncKdcRepPart | undefined {
  let plain: Uint8Array;
  try {
    plain = decrypt(rep.encPart.etype, key, usage, rep.encPart.cipher);
  } catch (e) {
    if (isKtError(e) && e.code === 'CRYPTO_INTEGRITY') return undefined;
    throw e;
  }
  return decodeEncKdcRepPart(plain);
}

// --- AS exchange -----------------------------------------------------------------------------------------

export interface AsRequestOptions {
  /** Enctypes offered, in order of preference. Default: the keys' enctypes, or MIT's default list. */
  readonly enctypes?: readonly number[] | undefined;
  /** KDCOptions; default renewable-ok. */
  readonly kdcOptions?: number | undefined;
  /** Requested lifetime in seconds; default 10 hours. */
  readonly lifetimeSeconds?: number | undefined;
  /** The service asked for; default krbtgt/REALM@REALM. */
  readonly service?: Principal | undefined;
  /** Send PA-PAC-REQUEST ([MS-KILE] 2.2.3): false asks an AD KDC for a ticket without a PAC. */
  readonly includePac?: boolean | undefined;
}

function asBody(ctx: KrbContext, client: Principal, options: AsRequestOptions, etypes: readonly number[]): KdcReqBody {
  const now = ctx.now();
  const service = options.service;
  return {
    kdcOptions: options.kdcOptions ?? KDC_OPTIONS.RENEWABLE_OK,
    cname: toPrincipalName(client),
    realm: client.realm,
    sname: service ? toPrincipalName(service) : tgsPrincipalName(client.realm),
    till: new Date(Math.floor(now.getTime() / 1000) * 1000 + (options.lifetimeSeconds ?? 36_000) * 1000),
    nonce: nonce(ctx),
    etypes,
  };
}

function asRequest(body: KdcReqBody, padata: readonly PaData[], options: AsRequestOptions): Uint8Array {
  const pa = options.includePac === undefined ? padata : [...padata, paPacRequest(options.includePac)];
  return encodeKdcReq({ msgType: MSG_TYPE.AS_REQ, padata: pa, body });
}

/** The answer to an AS-REQ without pre-authentication. */
export type ProbeResult = ExchangeInfo &
  (
    | {
        /** The usual answer: KDC_ERR_PREAUTH_REQUIRED with the salts. */
        readonly kind: 'preauth-required';
        readonly etypeInfo: readonly KdcEtypeInfo[];
        readonly kdcTime: Date;
        readonly error: KrbError;
        /** The padata types the KDC offers (METHOD-DATA). */
        readonly padata: readonly PaData[];
      }
    | {
        /** The principal does not require pre-authentication: here is its AS-REP. */
        readonly kind: 'as-rep';
        readonly etypeInfo: readonly KdcEtypeInfo[];
        readonly rep: KdcRep;
        /** The nonce sent, to check the decrypted reply against. */
        readonly nonce: number;
      }
    | {
        /** Any other refusal (unknown principal, disabled account, no common enctype...). */
        readonly kind: 'error';
        readonly etypeInfo: readonly KdcEtypeInfo[];
        readonly kdcTime: Date;
        readonly error: KrbError;
        readonly failure: KdcFailure;
      }
  );

/**
 * Sends an AS-REQ without pre-authentication (RFC 4120 section 3.1.1) and reports the answer:
 * usually KDC_ERR_PREAUTH_REQUIRED whose METHOD-DATA carries PA-ETYPE-INFO2, the salt and
 * iteration count the KDC uses for each offered enctype it has a key for (section 5.2.7.5).
 */
export async function probeAsReq(ctx: KrbContext, client: Principal, options: AsRequestOptions = {}): Promise<ProbeResult> {
  const etypes = options.enctypes ?? defaultEnctypes().map((e) => e.id);
  const body = asBody(ctx, client, options, etypes);
  const { response, info } = await exchange(ctx, client.realm, asRequest(body, [], options));
  const reply = decodeKdcReply(response.reply);
  if (reply.kind === 'tgs-rep') throw mismatch('the KDC answered an AS-REQ with a TGS-REP');
  if (reply.kind === 'as-rep') {
    let etypeInfo = etypeInfoFromPadata(reply.rep.padata, client, etypes);
    if (etypeInfo.length === 0) etypeInfo = [entry({ etype: reply.rep.encPart.etype }, 'default', defaultSalt(client))];
    return { ...info, kind: 'as-rep', etypeInfo, rep: reply.rep, nonce: body.nonce };
  }
  const error = reply.error;
  const methodData = error.eData !== undefined ? (decodeErrorData(error.eData).methodData ?? []) : [];
  const etypeInfo = etypeInfoFromPadata(methodData, client, etypes);
  if (error.errorCode === KRB_ERR.PREAUTH_REQUIRED) {
    return { ...info, kind: 'preauth-required', etypeInfo, kdcTime: kdcTimeOf(error), error, padata: methodData };
  }
  return { ...info, kind: 'error', etypeInfo, kdcTime: kdcTimeOf(error), error, failure: kdcFailure(error, info, etypeInfo) };
}

/** How to authenticate: keys (a keytab's) or a password (keys derived with the KDC's salts). */
export type InitialSecret = { readonly keys: readonly KrbKey[] } | { readonly password: string | Uint8Array };

export interface InitialTicketOptions extends AsRequestOptions {
  /** An earlier probe of the same principal, to skip the first round trip. */
  readonly probe?: ProbeResult | undefined;
}

export interface InitialTicket {
  readonly credentials: KrbCredentials;
  /** The key that worked (for a password: the derived key). */
  readonly replyKey: KrbKey;
  readonly etypeInfo: readonly KdcEtypeInfo[];
  /** The KDC's clock: from the pre-authentication round, else the ticket's authtime. */
  readonly kdcTime: Date;
  readonly localTime: Date;
  readonly kdc: KdcTarget;
  readonly protocol: KdcProtocol;
  readonly attempts?: readonly KdcAttempt[] | undefined;
}

async function keyFor(secret: InitialSecret, etypeInfo: KdcEtypeInfo | undefined, enctype: number, client: Principal): Promise<KrbKey | undefined> {
  if ('keys' in secret) return secret.keys.find((k) => k.enctype === enctype);
  const info = enctypeById(enctype);
  if (!info?.profile || !info.stringToKey) return undefined;
  const salt = etypeInfo?.salt ?? defaultSalt(client);
  const key = await stringToKey(enctype, secret.password, salt, { iterations: etypeInfo?.iterations });
  return { enctype, key };
}

function offeredEnctypes(secret: InitialSecret, options: AsRequestOptions): number[] {
  if (options.enctypes !== undefined) return [...options.enctypes];
  if ('keys' in secret) {
    const seen: number[] = [];
    for (const k of secret.keys) if (!seen.includes(k.enctype)) seen.push(k.enctype);
    return seen;
  }
  return defaultEnctypes().map((e) => e.id);
}

/**
 * The AS exchange with PA-ENC-TIMESTAMP (RFC 4120 section 5.2.7.2): probe for the KDC's salts,
 * encrypt the current time with the client's key of the enctype the KDC prefers (key usage
 * 1), and decrypt the AS-REP with it (key usage 3). Returns the TGT (or the `service` ticket),
 * or the KDC's refusal with its error code, e-text and clock.
 */
export async function getInitialTicket(
  ctx: KrbContext,
  client: Principal,
  secret: InitialSecret,
  options: InitialTicketOptions = {},
): Promise<Outcome<InitialTicket>> {
  const etypes = offeredEnctypes(secret, options);
  if ('keys' in secret && secret.keys.length === 0) throw new KtError('INPUT_INVALID', 'no keys given');
  const probe = options.probe ?? (await probeAsReq(ctx, client, { ...options, enctypes: etypes }));
  if (probe.kind === 'error') return { ok: false, failure: probe.failure };

  if (probe.kind === 'as-rep') {
    // No pre-authentication required: the reply is already encrypted in the client's key.
    const rep = probe.rep;
    const info = probe.etypeInfo.find((e) => e.enctype === rep.encPart.etype);
    const key = await keyFor(secret, info, rep.encPart.etype, client);
    if (!key) return { ok: false, failure: noKey(probe, [rep.encPart.etype], secret) };
    return finishAs(rep, key, probe.nonce, probe, probe.etypeInfo, undefined);
  }

  // Pre-authentication: the first announced enctype we can serve (the KDC lists them in its
  // order of preference among the offered ones).
  const announced = probe.etypeInfo.length > 0 ? probe.etypeInfo : etypes.map((etype) => entry({ etype }, 'default', defaultSalt(client)));
  let chosen: { info: KdcEtypeInfo; key: KrbKey } | undefined;
  for (const info of announced) {
    const key = await keyFor(secret, info, info.enctype, client);
    if (key) {
      chosen = { info, key };
      break;
    }
  }
  if (!chosen) return { ok: false, failure: noKey(probe, announced.map((a) => a.enctype), secret) };

  const now = splitTime(ctx.now());
  const ts = encodePaEncTsEnc({ patimestamp: now.time, pausec: now.usec });
  const encTs = encrypt(chosen.key.enctype, chosen.key.key, KEY_USAGE.AS_REQ_PA_ENC_TIMESTAMP, ts, { random: ctx.random });
  const padata: PaData[] = [{ type: PA_TYPE.PA_ENC_TIMESTAMP, value: encodeEncryptedData({ etype: chosen.key.enctype, cipher: encTs }) }];
  // Offer the chosen enctype first so the KDC encrypts the reply with the key we proved.
  const second = [chosen.key.enctype, ...etypes.filter((e) => e !== chosen.key.enctype)];
  const body = asBody(ctx, client, options, second);
  const { response, info } = await exchange(ctx, client.realm, asRequest(body, padata, options));
  const reply = decodeKdcReply(response.reply);
  if (reply.kind === 'error') return { ok: false, failure: kdcFailure(reply.error, info, probe.etypeInfo) };
  if (reply.kind === 'tgs-rep') throw mismatch('the KDC answered an AS-REQ with a TGS-REP');
  const rep = reply.rep;
  let key: KrbKey | undefined = chosen.key;
  if (rep.encPart.etype !== chosen.key.enctype) {
    const replyInfo = etypeInfoFromPadata(rep.padata, client, second).find((e) => e.enctype === rep.encPart.etype);
    key = await keyFor(secret, replyInfo, rep.encPart.etype, client);
    if (!key) return { ok: false, failure: noKey({ ...info, etypeInfo: probe.etypeInfo }, [rep.encPart.etype], secret) };
  }
  return finishAs(rep, key, body.nonce, info, probe.etypeInfo, probe.kdcTime);
}

function noKey(
  exchangeInfo: ExchangeInfo & { readonly etypeInfo: readonly KdcEtypeInfo[] },
  wanted: readonly number[],
  secret: InitialSecret,
): KdcFailure {
  const names = (list: readonly number[]): string => [...new Set(list)].map((e) => enctypeName(e)).join(', ') || 'none';
  return {
    kdc: exchangeInfo.kdc,
    protocol: exchangeInfo.protocol,
    localTime: exchangeInfo.localTime,
    kdcTime: exchangeInfo.kdcTime,
    kind: 'no-usable-key',
    message:
      'keys' in secret
        ? `the KDC wants a key of ${names(wanted)}; the keys given are ${names(secret.keys.map((k) => k.enctype))}`
        : `the KDC wants a key of ${names(wanted)}, which cannot be derived from a password here`,
    etypeInfo: exchangeInfo.etypeInfo,
  };
}

function finishAs(
  rep: KdcRep,
  key: KrbKey,
  sentNonce: number,
  info: ExchangeInfo,
  etypeInfo: readonly KdcEtypeInfo[],
  probeTime: Date | undefined,
): Outcome<InitialTicket> {
  const part = openReply(rep, key.key, KEY_USAGE.AS_REP_ENC_PART);
  if (!part) {
    return {
      ok: false,
      failure: {
        ...info,
        kind: 'reply-integrity',
        message: `the AS-REP did not decrypt with the ${enctypeName(key.enctype)} key: the key is wrong (wrong password, salt or kvno)`,
        etypeInfo,
      },
    };
  }
  if (part.nonce !== sentNonce >>> 0) throw mismatch(`AS-REP nonce ${part.nonce} does not match the request's ${sentNonce}`, { sent: sentNonce, received: part.nonce });
  const credentials = credentialsFrom(rep, part);
  return {
    ok: true,
    credentials,
    replyKey: key,
    etypeInfo,
    kdcTime: probeTime ?? part.authTime,
    localTime: info.localTime,
    kdc: info.kdc,
    protocol: info.protocol,
    attempts: info.attempts,
  };
}

// --- TGS exchange -----------------------------------------------------------------------------------------

export interface ServiceTicketOptions {
  /** Enctypes acceptable for the session key, in order of preference; default MIT's list. */
  readonly enctypes?: readonly number[] | undefined;
  /** KDCOptions; default canonicalize off, renewable-ok. */
  readonly kdcOptions?: number | undefined;
  readonly lifetimeSeconds?: number | undefined;
  /** Send PA-PAC-REQUEST with this value. */
  readonly includePac?: boolean | undefined;
}

export interface ServiceTicket {
  readonly credentials: KrbCredentials;
  /** The enctype of the ticket's own encryption (the service key's enctype). */
  readonly ticketEnctype: number;
  /** The service key version the ticket is encrypted with (kvno of its enc-part). */
  readonly ticketKvno: number | undefined;
  readonly kdc: KdcTarget;
  readonly protocol: KdcProtocol;
  readonly localTime: Date;
  readonly attempts?: readonly KdcAttempt[] | undefined;
}

/**
 * The TGS exchange (RFC 4120 section 3.3): a TGS-REQ whose PA-TGS-REQ is an AP-REQ with the
 * TGT and an Authenticator (key usage 7) carrying a checksum of the req-body (key usage 6),
 * and the TGS-REP decrypted with the TGT's session key (key usage 8). Returns the service
 * ticket with its enctype and kvno, or the KDC's refusal.
 */
export async function getServiceTicket(
  ctx: KrbContext,
  tgt: KrbCredentials,
  service: Principal,
  options: ServiceTicketOptions = {},
): Promise<Outcome<ServiceTicket>> {
  const now = ctx.now();
  const body: KdcReqBody = {
    kdcOptions: options.kdcOptions ?? KDC_OPTIONS.RENEWABLE_OK,
    realm: service.realm,
    sname: toPrincipalName(service),
    till: new Date(Math.floor(now.getTime() / 1000) * 1000 + (options.lifetimeSeconds ?? 36_000) * 1000),
    nonce: nonce(ctx),
    etypes: options.enctypes ?? defaultEnctypes().map((e) => e.id),
  };
  const bodyBytes = encodeKdcReqBody(body);
  const session = tgt.sessionKey;
  const cksum = checksum(checksumTypeFor(session.enctype), session.key, KEY_USAGE.TGS_REQ_AUTH_CKSUM, bodyBytes, { random: ctx.random });
  const t = splitTime(now);
  const authenticator = encodeAuthenticator({
    crealm: tgt.client.realm,
    cname: toPrincipalName(tgt.client),
    cksum: { cksumtype: checksumTypeFor(session.enctype), checksum: cksum },
    cusec: t.usec,
    ctime: t.time,
  });
  const apReq = encodeApReq({
    apOptions: 0,
    ticket: tgt.ticket,
    ticketBytes: tgt.ticketBytes,
    authenticator: {
      etype: session.enctype,
      cipher: encrypt(session.enctype, session.key, KEY_USAGE.TGS_REQ_AUTH, authenticator, { random: ctx.random }),
    },
  });
  const padata: PaData[] = [{ type: PA_TYPE.PA_TGS_REQ, value: apReq }];
  if (options.includePac !== undefined) padata.push(paPacRequest(options.includePac));
  // The TGS of the TGT's realm (the ticket's sname is krbtgt/REALM).
  const tgsRealm = tgt.ticket.realm;
  const request = encodeKdcReq({ msgType: MSG_TYPE.TGS_REQ, padata, body }, bodyBytes);
  const { response, info } = await exchange(ctx, tgsRealm, request);
  const reply = decodeKdcReply(response.reply);
  if (reply.kind === 'error') return { ok: false, failure: kdcFailure(reply.error, info, []) };
  if (reply.kind === 'as-rep') throw mismatch('the KDC answered a TGS-REQ with an AS-REP');
  const part = openReply(reply.rep, session.key, KEY_USAGE.TGS_REP_ENC_PART_SESSION_KEY);
  if (!part) {
    return {
      ok: false,
      failure: { ...info, kind: 'reply-integrity', message: 'the TGS-REP did not decrypt with the TGT session key', etypeInfo: [] },
    };
  }
  if (part.nonce !== body.nonce >>> 0) throw mismatch(`TGS-REP nonce ${part.nonce} does not match the request's ${body.nonce}`, { sent: body.nonce, received: part.nonce });
  const credentials = credentialsFrom(reply.rep, part);
  return {
    ok: true,
    credentials,
    ticketEnctype: credentials.ticket.encPart.etype,
    ticketKvno: credentials.ticket.encPart.kvno,
    kdc: info.kdc,
    protocol: info.protocol,
    localTime: info.localTime,
    attempts: info.attempts,
  };
}

/**
 * Decrypts a ticket with a service key (key usage 2) and returns its EncTicketPart: proof that
 * the key (a keytab entry) is the one the KDC used, which is what `kvno -k` checks. Throws
 * KRB_ENCTYPE_MISMATCH when the key is of another enctype than the ticket, CRYPTO_INTEGRITY
 * when it is the wrong key.
 */
export function decryptTicket(ticket: Ticket, key: KrbKey): EncTicketPart {
  const etype = ticket.encPart.etype;
  if (key.enctype !== etype) {
    throw new KtError('KRB_ENCTYPE_MISMATCH', `the ticket is encrypted with ${enctypeName(etype)}, the key is ${enctypeName(key.enctype)}`, {
      details: { ticketEnctype: etype, keyEnctype: key.enctype },
    });
  }
  return decodeEncTicketPart(decrypt(etype, key.key, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher));
}

/** The KDC's clock minus the local one, in seconds (positive: the KDC is ahead). */
export function clockSkewSeconds(info: { readonly kdcTime?: Date | undefined; readonly localTime?: Date | undefined }): number | undefined {
  if (info.kdcTime === undefined || info.localTime === undefined) return undefined;
  return Math.round((info.kdcTime.getTime() - info.localTime.getTime()) / 1000);
}
