/**
 * The TGS exchange of RFC 4120 section 3.3 (a service ticket from a TGT) and ticket decryption
 * with a service key (what `kvno -k` checks). Pure, like client-core.ts.
 */
import { decrypt, encrypt, checksum, checksumTypeFor } from '../crypto/profiles.js';
import { enctypeName } from '../crypto/enctypes.js';
import { defaultEnctypes } from '../crypto/policy.js';
import { KtError } from '../errors.js';
import type { Principal } from '../principal.js';
import { KDC_OPTIONS, KEY_USAGE, MSG_TYPE, PA_TYPE } from './constants.js';
import {
  decodeEncTicketPart,
  encodeApReq,
  encodeAuthenticator,
  encodeKdcReq,
  encodeKdcReqBody,
  paPacRequest,
  toPrincipalName,
  type EncTicketPart,
  type KdcReqBody,
  type PaData,
  type Ticket,
} from './messages.js';
import {
  exchange,
  kdcFailure,
  kdcReplyTo,
  nonce,
  openKdcReply,
  replyIntegrity,
  splitTime,
  type ExchangeInfo,
  type KrbContext,
  type KrbCredentials,
  type KrbKey,
  type Outcome,
} from './client-core.js';

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

/** The service ticket, and which KDC issued it, how and when (no KDC clock: a TGS-REP has none). */
export interface ServiceTicket extends Omit<ExchangeInfo, 'kdcTime'> {
  readonly credentials: KrbCredentials;
  /** The enctype of the ticket's own encryption (the service key's enctype). */
  readonly ticketEnctype: number;
  /** The service key version the ticket is encrypted with (kvno of its enc-part). */
  readonly ticketKvno: number | undefined;
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
    till: new Date(
      Math.floor(now.getTime() / 1000) * 1000 + (options.lifetimeSeconds ?? 36_000) * 1000,
    ),
    nonce: nonce(ctx),
    etypes: options.enctypes ?? defaultEnctypes().map((e) => e.id),
  };
  const bodyBytes = encodeKdcReqBody(body);
  const session = tgt.sessionKey;
  const cksum = checksum(
    checksumTypeFor(session.enctype),
    session.key,
    KEY_USAGE.TGS_REQ_AUTH_CKSUM,
    bodyBytes,
    { random: ctx.random },
  );
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
      cipher: encrypt(session.enctype, session.key, KEY_USAGE.TGS_REQ_AUTH, authenticator, {
        random: ctx.random,
      }),
    },
  });
  const padata: PaData[] = [{ type: PA_TYPE.PA_TGS_REQ, value: apReq }];
  if (options.includePac !== undefined) padata.push(paPacRequest(options.includePac));
  // The TGS of the TGT's realm (the ticket's sname is krbtgt/REALM).
  const tgsRealm = tgt.ticket.realm;
  const request = encodeKdcReq({ msgType: MSG_TYPE.TGS_REQ, padata, body }, bodyBytes);
  const { response, info } = await exchange(ctx, tgsRealm, request);
  const reply = kdcReplyTo('tgs-rep', response.reply);
  if (reply.kind === 'error') return { ok: false, failure: kdcFailure(reply.error, info, []) };
  const credentials = openKdcReply('TGS-REP', reply.rep, session.key, body.nonce);
  if (!credentials)
    return replyIntegrity(info, 'the TGS-REP did not decrypt with the TGT session key', []);
  return {
    ok: true,
    credentials,
    ticketEnctype: credentials.ticket.encPart.etype,
    ticketKvno: credentials.ticket.encPart.kvno,
    ...info,
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
    throw new KtError(
      'KRB_ENCTYPE_MISMATCH',
      `the ticket is encrypted with ${enctypeName(etype)}, the key is ${enctypeName(key.enctype)}`,
      {
        details: { ticketEnctype: etype, keyEnctype: key.enctype },
      },
    );
  }
  return decodeEncTicketPart(
    decrypt(etype, key.key, KEY_USAGE.KDC_REP_TICKET, ticket.encPart.cipher),
  );
}
