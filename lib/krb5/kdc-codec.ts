/**
 * The KDC's side of the Kerberos messages (RFC 4120 section 5): reading AS-REQ / TGS-REQ and
 * their pre-authentication data, writing AS-REP / TGS-REP, tickets' encrypted parts and the
 * ETYPE-INFO hints. Nothing in the toolkit plays a KDC: this module serves the fake KDCs of the
 * tests (test/helpers/fake-kdc*.ts), and the package neither builds nor exports it. The client's
 * side, which the package does export (`keytab/krb5`), is lib/krb5/messages.ts; both read and
 * write through the field tables of lib/krb5/message-parts.ts.
 *
 * Pure, like messages.ts: decoders throw only KtError('KRB_BAD_MESSAGE') with the offset.
 */
import { MSG_TYPE } from './constants.js';
import { decodeTlv, derApplication, derSequence } from './der.js';
import { writeFields } from './der-codec.js';
import { decodeKdcMessage, decodePadded, encodeMessage } from './message-frame.js';
import {
  ENC_KDC_REP_PART_FIELDS,
  KDC_REP_FIELDS,
  KDC_REQ_FIELDS,
  encTicketPart,
  etypeInfo,
  etypeInfo2,
  kdcReqBody,
  paEncTsEnc,
  paPacRequest,
} from './message-parts.js';
import type {
  EncKdcRepPart,
  EncTicketPart,
  EtypeInfoEntry,
  KdcRep,
  KdcReq,
  KdcReqBody,
  PaEncTsEnc,
  PaPacRequest,
} from './message-types.js';

// --- decoders: what a KDC reads ---------------------------------------------------------------------

const KDC_REQ_NAMES = { [MSG_TYPE.AS_REQ]: 'AS-REQ', [MSG_TYPE.TGS_REQ]: 'TGS-REQ' };

export function decodeKdcReqBody(bytes: Uint8Array): KdcReqBody {
  return kdcReqBody.decode(decodeTlv(bytes), 'KDC-REQ-BODY');
}

/**
 * KDC-REQ ::= SEQUENCE { pvno [1] INTEGER (5), msg-type [2] INTEGER (10 | 12),
 *   padata [3] SEQUENCE OF PA-DATA OPTIONAL, req-body [4] KDC-REQ-BODY }
 * Also returns the req-body's own bytes (the TGS authenticator checksums them).
 */
export function decodeKdcReq(bytes: Uint8Array): KdcReq & { readonly bodyBytes: Uint8Array } {
  const { message, raw } = decodeKdcMessage(decodeTlv(bytes), KDC_REQ_NAMES, 1, KDC_REQ_FIELDS, 4);
  return { ...message, bodyBytes: raw };
}

/** PA-ENC-TS-ENC from a decrypted PA-ENC-TIMESTAMP (trailing padding allowed). */
export function decodePaEncTsEnc(plaintext: Uint8Array): PaEncTsEnc {
  return paEncTsEnc.decode(decodePadded(plaintext), 'PA-ENC-TS-ENC');
}

export function decodePaPacRequest(bytes: Uint8Array): PaPacRequest {
  return paPacRequest.decode(decodeTlv(bytes), 'KERB-PA-PAC-REQUEST');
}

// --- encoders: what a KDC writes --------------------------------------------------------------------

/** AS-REP / TGS-REP. Uses ticketBytes when given. */
export function encodeKdcRep(
  rep: Omit<KdcRep, 'ticketBytes'> & { readonly ticketBytes?: Uint8Array | undefined },
): Uint8Array {
  return encodeMessage(
    rep.msgType,
    0,
    writeFields(KDC_REP_FIELDS, rep as KdcRep, { 5: rep.ticketBytes }),
  );
}

export function encodeEncKdcRepPart(part: EncKdcRepPart): Uint8Array {
  return derApplication(
    part.applicationTag,
    derSequence(writeFields(ENC_KDC_REP_PART_FIELDS, part)),
  );
}

export function encodeEncTicketPart(part: EncTicketPart): Uint8Array {
  return encTicketPart.encode(part);
}

export function encodeEtypeInfo2(entries: readonly EtypeInfoEntry[]): Uint8Array {
  return etypeInfo2.encode([...entries]);
}

export function encodeEtypeInfo(entries: readonly EtypeInfoEntry[]): Uint8Array {
  return etypeInfo.encode([...entries]);
}
