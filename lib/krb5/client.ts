/**
 * A small Kerberos client: the AS exchange (with and without pre-authentication) of RFC 4120
 * section 3.1 here; the TGS exchange (section 3.3) and ticket decryption with a service key
 * (what `kvno -k` checks) in client-tgs.ts, the shared types and helpers in client-core.ts,
 * both re-exported from here. Enough to tell whether a keytab's keys work, and why not.
 *
 * The logic is pure: the transport (which KDC, UDP/TCP), the clock and the random source are
 * injected through a KrbContext, so tests drive it with fakes and a fixed clock. Outcomes that
 * are answers from the KDC (PREAUTH_FAILED, C_PRINCIPAL_UNKNOWN, SKEW...) are returned as
 * typed failures with the KDC's error code, e-text and time; only broken exchanges (no KDC,
 * a malformed reply, a nonce mismatch) throw KtError.
 */
import { encrypt } from '../crypto/profiles.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import { defaultEnctypes } from '../crypto/policy.js';
import { stringToKey } from '../crypto/string-to-key.js';
import { KtError } from '../errors.js';
import type { Principal } from '../principal.js';
import { KDC_OPTIONS, KEY_USAGE, KRB_ERR, MSG_TYPE, PA_TYPE } from './constants.js';
import {
  decodeErrorData,
  encodeEncryptedData,
  encodeKdcReq,
  encodePaEncTsEnc,
  paPacRequest,
  tgsPrincipalName,
  toPrincipalName,
  type KdcRep,
  type KdcReqBody,
  type KrbError,
  type PaData,
} from './messages.js';
import {
  defaultSalt,
  etypeInfoOf,
  etypeInfoFromPadata,
  exchange,
  kdcFailure,
  kdcReplyTo,
  kdcTimeOf,
  nonce,
  openKdcReply,
  replyIntegrity,
  splitTime,
  type ExchangeInfo,
  type KdcEtypeInfo,
  type KdcFailure,
  type KrbContext,
  type KrbCredentials,
  type KrbKey,
  type Outcome,
} from './client-core.js';

export { defaultSalt, etypeInfoFromPadata } from './client-core.js';
export type {
  ExchangeInfo,
  KdcEtypeInfo,
  KdcFailure,
  KrbContext,
  KrbCredentials,
  KrbKey,
  Outcome,
} from './client-core.js';
export { decryptTicket, getServiceTicket } from './client-tgs.js';
export type { ServiceTicket, ServiceTicketOptions } from './client-tgs.js';

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

function asBody(
  ctx: KrbContext,
  client: Principal,
  options: AsRequestOptions,
  etypes: readonly number[],
): KdcReqBody {
  const now = ctx.now();
  const service = options.service;
  return {
    kdcOptions: options.kdcOptions ?? KDC_OPTIONS.RENEWABLE_OK,
    cname: toPrincipalName(client),
    realm: client.realm,
    sname: service ? toPrincipalName(service) : tgsPrincipalName(client.realm),
    till: new Date(
      Math.floor(now.getTime() / 1000) * 1000 + (options.lifetimeSeconds ?? 36_000) * 1000,
    ),
    nonce: nonce(ctx),
    etypes,
  };
}

function asRequest(
  body: KdcReqBody,
  padata: readonly PaData[],
  options: AsRequestOptions,
): Uint8Array {
  const pa =
    options.includePac === undefined ? padata : [...padata, paPacRequest(options.includePac)];
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
export async function probeAsReq(
  ctx: KrbContext,
  client: Principal,
  options: AsRequestOptions = {},
): Promise<ProbeResult> {
  const etypes = options.enctypes ?? defaultEnctypes().map((e) => e.id);
  const body = asBody(ctx, client, options, etypes);
  const { response, info } = await exchange(ctx, client.realm, asRequest(body, [], options));
  const reply = kdcReplyTo('as-rep', response.reply);
  if (reply.kind === 'rep') {
    let etypeInfo = etypeInfoFromPadata(reply.rep.padata, client, etypes);
    if (etypeInfo.length === 0)
      etypeInfo = [etypeInfoOf({ etype: reply.rep.encPart.etype }, 'default', defaultSalt(client))];
    return { ...info, kind: 'as-rep', etypeInfo, rep: reply.rep, nonce: body.nonce };
  }
  const error = reply.error;
  const methodData =
    error.eData !== undefined ? (decodeErrorData(error.eData).methodData ?? []) : [];
  const etypeInfo = etypeInfoFromPadata(methodData, client, etypes);
  if (error.errorCode === KRB_ERR.PREAUTH_REQUIRED) {
    return {
      ...info,
      kind: 'preauth-required',
      etypeInfo,
      kdcTime: kdcTimeOf(error),
      error,
      padata: methodData,
    };
  }
  return {
    ...info,
    kind: 'error',
    etypeInfo,
    kdcTime: kdcTimeOf(error),
    error,
    failure: kdcFailure(error, info, etypeInfo),
  };
}

/** How to authenticate: keys (a keytab's) or a password (keys derived with the KDC's salts). */
export type InitialSecret =
  { readonly keys: readonly KrbKey[] } | { readonly password: string | Uint8Array };

export interface InitialTicketOptions extends AsRequestOptions {
  /** An earlier probe of the same principal, to skip the first round trip. */
  readonly probe?: ProbeResult | undefined;
}

export interface InitialTicket extends ExchangeInfo {
  readonly credentials: KrbCredentials;
  /** The key that worked (for a password: the derived key). */
  readonly replyKey: KrbKey;
  readonly etypeInfo: readonly KdcEtypeInfo[];
  /** The KDC's clock: from the pre-authentication round, else the ticket's authtime. */
  readonly kdcTime: Date;
}

async function keyFor(
  secret: InitialSecret,
  etypeInfo: KdcEtypeInfo | undefined,
  enctype: number,
  client: Principal,
): Promise<KrbKey | undefined> {
  if ('keys' in secret) return secret.keys.find((k) => k.enctype === enctype);
  const info = enctypeById(enctype);
  if (!info?.profile || !info.stringToKey) return undefined;
  const salt = etypeInfo?.salt ?? defaultSalt(client);
  const key = await stringToKey(enctype, secret.password, salt, {
    iterations: etypeInfo?.iterations,
  });
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
  if ('keys' in secret && secret.keys.length === 0)
    throw new KtError('INPUT_INVALID', 'no keys given');
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
  const announced =
    probe.etypeInfo.length > 0
      ? probe.etypeInfo
      : etypes.map((etype) => etypeInfoOf({ etype }, 'default', defaultSalt(client)));
  let chosen: { info: KdcEtypeInfo; key: KrbKey } | undefined;
  for (const info of announced) {
    const key = await keyFor(secret, info, info.enctype, client);
    if (key) {
      chosen = { info, key };
      break;
    }
  }
  if (!chosen)
    return {
      ok: false,
      failure: noKey(
        probe,
        announced.map((a) => a.enctype),
        secret,
      ),
    };

  const now = splitTime(ctx.now());
  const ts = encodePaEncTsEnc({ patimestamp: now.time, pausec: now.usec });
  const encTs = encrypt(chosen.key.enctype, chosen.key.key, KEY_USAGE.AS_REQ_PA_ENC_TIMESTAMP, ts, {
    random: ctx.random,
  });
  const padata: PaData[] = [
    {
      type: PA_TYPE.PA_ENC_TIMESTAMP,
      value: encodeEncryptedData({ etype: chosen.key.enctype, cipher: encTs }),
    },
  ];
  // Offer the chosen enctype first so the KDC encrypts the reply with the key we proved.
  const second = [chosen.key.enctype, ...etypes.filter((e) => e !== chosen.key.enctype)];
  const body = asBody(ctx, client, options, second);
  const { response, info } = await exchange(ctx, client.realm, asRequest(body, padata, options));
  const reply = kdcReplyTo('as-rep', response.reply);
  if (reply.kind === 'error')
    return { ok: false, failure: kdcFailure(reply.error, info, probe.etypeInfo) };
  const rep = reply.rep;
  let key: KrbKey | undefined = chosen.key;
  if (rep.encPart.etype !== chosen.key.enctype) {
    const replyInfo = etypeInfoFromPadata(rep.padata, client, second).find(
      (e) => e.enctype === rep.encPart.etype,
    );
    key = await keyFor(secret, replyInfo, rep.encPart.etype, client);
    if (!key)
      return {
        ok: false,
        failure: noKey({ ...info, etypeInfo: probe.etypeInfo }, [rep.encPart.etype], secret),
      };
  }
  return finishAs(rep, key, body.nonce, info, probe.etypeInfo, probe.kdcTime);
}

function noKey(
  exchangeInfo: ExchangeInfo & { readonly etypeInfo: readonly KdcEtypeInfo[] },
  wanted: readonly number[],
  secret: InitialSecret,
): KdcFailure {
  const names = (list: readonly number[]): string =>
    [...new Set(list)].map((e) => enctypeName(e)).join(', ') || 'none';
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
  const credentials = openKdcReply('AS-REP', rep, key.key, sentNonce);
  if (!credentials)
    return replyIntegrity(
      info,
      `the AS-REP did not decrypt with the ${enctypeName(key.enctype)} key: the key is wrong (wrong password, salt or kvno)`,
      etypeInfo,
    );
  return {
    ok: true,
    credentials,
    replyKey: key,
    etypeInfo,
    kdcTime: probeTime ?? credentials.authTime,
    localTime: info.localTime,
    kdc: info.kdc,
    protocol: info.protocol,
    attempts: info.attempts,
  };
}

/** The KDC's clock minus the local one, in seconds (positive: the KDC is ahead). */
export function clockSkewSeconds(info: {
  readonly kdcTime?: Date | undefined;
  readonly localTime?: Date | undefined;
}): number | undefined {
  if (info.kdcTime === undefined || info.localTime === undefined) return undefined;
  return Math.round((info.kdcTime.getTime() - info.localTime.getTime()) / 1000);
}
