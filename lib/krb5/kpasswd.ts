/**
 * A kpasswd client (RFC 3244): change one's own password with one's own key (an initial ticket
 * for kadmin/changepw from an AS exchange, request version 1), or set another account's
 * password as an admin (request version 0xff80 with the target's name).
 *
 * The request is an AP-REQ for kadmin/changepw whose authenticator carries a fresh subkey and a
 * sequence number, and a KRB-PRIV (key usage 13, encrypted with that subkey) with the new
 * password. The server answers an AP-REP and a KRB-PRIV with the result, or a KRB-ERROR.
 *
 * An answer that does not prove the outcome (a KRB-ERROR saying "success": Windows Server 2025,
 * msktutil issue 228; no answer after the request went out; a refusal after a try whose answer
 * was lost) is settled by an AS exchange with the new password: if the KDC accepts it, the
 * password was changed.
 *
 * Pure: the kpasswd transport is injected (lib/krb5/kpasswd-transport.ts), like the KDC's.
 */
import { decrypt, encrypt } from '../crypto/profiles.js';
import { resolveEnctype } from '../crypto/enctypes.js';
import { KtError, isKtError } from '../errors.js';
import { formatPrincipal, parsePrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import {
  getInitialTicket,
  type InitialSecret,
  type InitialTicket,
  type KdcFailure,
  type KrbContext,
  type KrbCredentials,
  type KrbKey,
  type Outcome,
} from './client.js';
import { KEY_USAGE, KRB_ERR, krbErrorInfo } from './constants.js';
import { openApRep } from './gss-krb5.js';
import {
  KPASSWD_VERSION,
  adPolicyWords,
  decodeEncKrbPrivPart,
  decodeKrbPriv,
  decodeResult,
  encodeChangePasswdData,
  encodeEncKrbPrivPart,
  encodeKrbPriv,
  frameKpasswdRequest,
  splitKpasswdReply,
  type KpasswdResult,
} from './kpasswd-messages.js';
import type { KpasswdTransport, LocalAddress } from './kpasswd-transport.js';
import { encodeApReq, encodeAuthenticator, toPrincipalName } from './messages.js';

export interface KpasswdContext extends KrbContext {
  readonly kpasswd: KpasswdTransport;
}

/** The principal an initial ticket for password changes is asked for. */
export function changepwPrincipal(realm: string): Principal {
  return parsePrincipal(`kadmin/changepw@${realm}`);
}

/** How the outcome was established. */
export type KpasswdProof = 'reply' | 'as-exchange';

export interface KpasswdSuccess {
  readonly result: KpasswdResult | undefined;
  readonly proof: KpasswdProof;
  /** Where the answer came from: `127.0.0.1:464/udp`. */
  readonly server: string | undefined;
  /** Why the answer needed confirming, when it did. */
  readonly ambiguity?: string | undefined;
}

function randomSubkey(enctype: number, random: (n: number) => Uint8Array): KrbKey {
  const info = resolveEnctype(enctype);
  if (!info.randomToKey) throw new KtError('INTERNAL', `no random keys for ${info.name}`);
  return { enctype, key: info.randomToKey(random(info.seedLength)) };
}

interface Sent {
  readonly subkey: KrbKey;
  readonly seq: number;
  readonly ctime: Date;
  readonly cusec: number;
}

/** One request, built for the local address the socket got. */
function buildRequest(
  ctx: KrbContext,
  ticket: KrbCredentials,
  version: number,
  userData: Uint8Array,
  local: LocalAddress | undefined,
  remember: (s: Sent) => void,
): Uint8Array {
  const session = ticket.sessionKey;
  const subkey = randomSubkey(session.enctype, ctx.random);
  const r = ctx.random(4);
  const seq =
    (((r[0] as number) << 24) |
      ((r[1] as number) << 16) |
      ((r[2] as number) << 8) |
      (r[3] as number)) &
    0x3fffffff;
  const ms = ctx.now().getTime();
  const ctime = new Date(Math.floor(ms / 1000) * 1000);
  const cusec = (ms % 1000) * 1000;
  const authenticator = encodeAuthenticator({
    crealm: ticket.client.realm,
    cname: toPrincipalName(ticket.client),
    cusec,
    ctime,
    subkey: { keytype: subkey.enctype, keyvalue: subkey.key },
    seqNumber: seq,
  });
  const apReq = encodeApReq({
    apOptions: 0,
    ticket: ticket.ticket,
    ticketBytes: ticket.ticketBytes,
    authenticator: {
      etype: session.enctype,
      cipher: encrypt(session.enctype, session.key, KEY_USAGE.AP_REQ_AUTH, authenticator, {
        random: ctx.random,
      }),
    },
  });
  const priv = encodeEncKrbPrivPart({
    userData,
    timestamp: ctime,
    usec: cusec,
    seqNumber: seq,
    sAddress: local,
  });
  const krbPriv = encodeKrbPriv({
    etype: subkey.enctype,
    cipher: encrypt(subkey.enctype, subkey.key, KEY_USAGE.KRB_PRIV_ENC_PART, priv, {
      random: ctx.random,
    }),
  });
  remember({ subkey, seq, ctime, cusec });
  return frameKpasswdRequest(version, apReq, krbPriv);
}

/** The result of a reply, authenticated when it came in a KRB-PRIV. */
function readReply(reply: Uint8Array, ticket: KrbCredentials, sent: Sent): KpasswdResult {
  const parts = splitKpasswdReply(reply);
  if (parts.kind === 'error') {
    const e = parts.error;
    if (e.eData !== undefined && e.eData.length >= 2) return decodeResult(e.eData, 'krb-error', e);
    const info = krbErrorInfo(e.errorCode);
    // No result in the e-data: a Kerberos error about the request itself (clock skew, replay).
    return {
      resultCode: -1,
      resultName: info.name,
      meaning: info.description,
      text: e.eText ?? '',
      via: 'krb-error',
      error: e,
    };
  }
  const rep = openApRep(parts.apRep, {
    sessionKey: ticket.sessionKey,
    subkey: sent.subkey,
    sendSeq: sent.seq,
    ctime: sent.ctime,
    cusec: sent.cusec,
    flags: 0,
  });
  const enc = decodeKrbPriv(parts.krbPriv);
  const keys = [rep.subkey, sent.subkey, ticket.sessionKey].filter(
    (k): k is KrbKey => k !== undefined && k.enctype === enc.etype,
  );
  for (const key of keys) {
    try {
      const plain = decrypt(enc.etype, key.key, KEY_USAGE.KRB_PRIV_ENC_PART, enc.cipher);
      return decodeResult(decodeEncKrbPrivPart(plain).userData, 'krb-priv');
    } catch (e) {
      if (!isKtError(e) || e.code !== 'CRYPTO_INTEGRITY') throw e;
    }
  }
  throw new KtError(
    'KRB_BAD_MESSAGE',
    'kpasswd reply: its KRB-PRIV decrypts with none of the session keys',
  );
}

/** The refusal in words, with the domain's numbers when AD sent its policy. */
export function describeResult(result: KpasswdResult): string {
  const words = result.adPolicy ? adPolicyWords(result.adPolicy) : [];
  const said = result.text !== '' ? `: "${result.text}"` : '';
  const head = `${result.resultName}${result.resultCode >= 0 ? ` (${result.resultCode})` : ''}, ${result.meaning}${said}`;
  return words.length ? `${head}; the domain's policy: ${words.join('; ')}` : head;
}

function refusal(result: KpasswdResult, target: Principal): KtError {
  if (result.resultCode === 0) {
    return new KtError(
      'KPASSWD_REFUSED',
      `the password of ${formatPrincipal(target)} was not changed: the kpasswd server answered a KRB-ERROR that says success (${describeResult(result)}), and the KDC does not accept the new password`,
      {
        details: { principal: formatPrincipal(target), resultCode: 0, result: result.resultName },
        hint: 'try again; if it persists, the server is broken (see msktutil issue 228 for Windows Server 2025)',
      },
    );
  }
  const policy = result.resultCode === 4;
  const skew = result.error?.errorCode === KRB_ERR.SKEW;
  return new KtError(
    policy ? 'KPASSWD_POLICY' : skew ? 'KRB_CLOCK_SKEW' : 'KPASSWD_REFUSED',
    `the password of ${formatPrincipal(target)} was not changed: ${describeResult(result)}`,
    {
      details: {
        principal: formatPrincipal(target),
        resultCode: result.resultCode,
        result: result.resultName,
      },
      hint: policy
        ? 'choose a password the policy accepts, or wait out the minimum password age (an admin can relax the policy)'
        : skew
          ? 'the clocks of this host and the kpasswd server differ too much: synchronise them (chrony, ntpd, systemd-timesyncd)'
          : result.resultCode === 5
            ? 'the account may not change this password (for set-password: the admin lacks the right)'
            : undefined,
    },
  );
}

/** The AS exchange's refusal as an error: a stale key and clock skew are named. */
export function initialTicketError(failure: KdcFailure, client: Principal, what: string): KtError {
  const name = formatPrincipal(client);
  if (failure.errorCode === KRB_ERR.PREAUTH_FAILED || failure.kind === 'reply-integrity') {
    return new KtError(
      'KRB_KEY_STALE',
      `${what}: the KDC refused the key of ${name} (${failure.message})`,
      {
        details: { principal: name },
        hint: "the keytab's key is stale (the password changed elsewhere): re-key it with an admin first (keytab ad setpass, or kadmin ktadd), then rotate",
      },
    );
  }
  if (failure.errorCode === KRB_ERR.SKEW) {
    return new KtError(
      'KRB_CLOCK_SKEW',
      `${what}: clock skew too great between this host and the KDC (${failure.message})`,
      {
        details: { principal: name },
        hint: "synchronise the clock of this host with the KDC's (chrony, ntpd, systemd-timesyncd)",
      },
    );
  }
  return new KtError('KRB_KDC_ERROR', `${what}: ${failure.message}`, {
    details: { principal: name, ...(failure.errorName ? { error: failure.errorName } : {}) },
  });
}

/** True when the KDC accepts the new password for the principal (an AS exchange). */
export async function passwordWorks(
  ctx: KrbContext,
  principal: Principal,
  password: Uint8Array,
): Promise<boolean> {
  const outcome = await getInitialTicket(ctx, principal, { password }, { lifetimeSeconds: 300 });
  return outcome.ok;
}

/**
 * Sends one kpasswd request (fresh AP-REQ per try) and decides: success proven by the reply,
 * success proven by an AS exchange with the new password, or a refusal (thrown, in words).
 */
export async function runKpasswd(
  ctx: KpasswdContext,
  ticket: KrbCredentials,
  version: number,
  userData: Uint8Array,
  target: Principal,
  newPassword: Uint8Array,
): Promise<KpasswdSuccess> {
  let sent: Sent | undefined;
  let answer: { result: KpasswdResult; server: string; lostTries: number } | undefined;
  let failure: unknown;
  try {
    const response = await ctx.kpasswd.send(ticket.server.realm, (local) =>
      buildRequest(ctx, ticket, version, userData, local, (s) => (sent = s)),
    );
    answer = {
      result: readReply(response.reply, ticket, sent as Sent),
      server: response.server,
      lostTries: response.attempts.filter((a) => a.outcome === 'failed').length,
    };
  } catch (e) {
    if (!isKtError(e)) throw e;
    failure = e;
  }
  const confirm = async (why: string): Promise<KpasswdSuccess | undefined> =>
    (await passwordWorks(ctx, target, newPassword))
      ? { result: answer?.result, proof: 'as-exchange', server: answer?.server, ambiguity: why }
      : undefined;

  if (answer === undefined) {
    // Nothing usable came back. If a request went out, the server may have acted on it.
    if (sent !== undefined) {
      const ok = await confirm('no usable answer from the kpasswd server');
      if (ok) return ok;
    }
    throw failure;
  }
  const { result } = answer;
  if (result.resultCode === 0 && result.via === 'krb-priv')
    return { result, proof: 'reply', server: answer.server };
  const why =
    result.resultCode === 0
      ? 'the server answered a KRB-ERROR that says success'
      : answer.lostTries > 0
        ? `a refusal after ${answer.lostTries} unanswered tries (an earlier one may have changed the password)`
        : undefined;
  if (why !== undefined) {
    const ok = await confirm(why);
    if (ok) return ok;
  }
  throw refusal(result, target);
}

/** An initial ticket for kadmin/changepw (AS exchange): the KDC's answer, refusal included. */
export function changepwTicket(
  ctx: KrbContext,
  client: Principal,
  secret: InitialSecret,
): Promise<Outcome<InitialTicket>> {
  return getInitialTicket(ctx, client, secret, {
    service: changepwPrincipal(client.realm),
    lifetimeSeconds: 300,
  });
}

/** Change-password (request version 1) with a kadmin/changepw ticket of the account itself. */
export function changePasswordWith(
  ctx: KpasswdContext,
  ticket: KrbCredentials,
  newPassword: Uint8Array,
): Promise<KpasswdSuccess> {
  return runKpasswd(ctx, ticket, KPASSWD_VERSION.CHANGE, newPassword, ticket.client, newPassword);
}

/** Change-password with one's own key: AS exchange for kadmin/changepw, then request version 1. */
export async function changePassword(
  ctx: KpasswdContext,
  client: Principal,
  secret: InitialSecret,
  newPassword: Uint8Array,
): Promise<KpasswdSuccess> {
  return changePasswordWith(ctx, await adminChangepwTicket(ctx, client, secret), newPassword);
}

/** Set-password (RFC 3244) for another account, with an admin's kadmin/changepw ticket. */
export async function setPasswordAs(
  ctx: KpasswdContext,
  adminTicket: KrbCredentials,
  target: Principal,
  newPassword: Uint8Array,
): Promise<KpasswdSuccess> {
  const data = encodeChangePasswdData(newPassword, {
    name: toPrincipalName(target),
    realm: target.realm,
  });
  return runKpasswd(ctx, adminTicket, KPASSWD_VERSION.SET, data, target, newPassword);
}

/** An initial kadmin/changepw ticket (one's own, or an admin's) from a password or keys (a keytab). */
export async function adminChangepwTicket(
  ctx: KrbContext,
  client: Principal,
  secret: InitialSecret,
): Promise<KrbCredentials> {
  const initial = await changepwTicket(ctx, client, secret);
  if (!initial.ok)
    throw initialTicketError(
      initial.failure,
      client,
      `cannot get a kadmin/changepw ticket as ${formatPrincipal(client)}`,
    );
  return initial.credentials;
}
