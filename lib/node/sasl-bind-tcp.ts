/**
 * The SASL GSSAPI bind of RFC 4752 section 3.1 over a fresh TCP connection to an LDAP server:
 * connect, send the AP-REQ, check the AP-REP, unwrap the server's security-layer offer, choose
 * confidentiality. What it returns (the socket, the wrap state and the token format) becomes a
 * SealedSocket (sasl-socket.ts). The token format and key come from gss-protect.ts: RFC 4121
 * tokens for AES keys, RFC 4757 tokens for RC4 keys.
 *
 * Every wait has the caller's timeout; a closed connection, a refusal or a bad token is a
 * KtError (AD_CONNECT, AD_TIMEOUT, AD_SASL, GSS_*), never a hang.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import {
  berElementLength,
  decodeBindResponse,
  encodeSaslBindRequest,
  layerChoice,
  LDAP_SASL_BIND_IN_PROGRESS,
  LDAP_SUCCESS,
  parseLayerOffer,
  SASL_LAYER,
} from '../ad/sasl-bind.js';
import { concatBytes } from '../bytes.js';
import type { RandomSource } from '../crypto/profiles.js';
import { KtError } from '../errors.js';
import type { KrbCredentials, KrbKey } from '../krb5/client.js';
import { principalText } from '../krb5/ccache.js';
import { krbErrorInfo } from '../krb5/constants.js';
import { acceptorToken, initSecContext } from '../krb5/gss-krb5.js';
import { tokenKey, wrapFormat } from '../krb5/gss-protect.js';
import type { WrapFormat } from '../krb5/gss-protect.js';
import type { WrapState } from '../krb5/gss-wrap.js';

/** The largest sealed message accepted (a length above it is an error, not an allocation). */
export const MAX_MESSAGE = 0xffffff;

export interface SaslGssapiOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  /** A service ticket for ldap/<the DC's host name>. */
  readonly ticket: KrbCredentials;
  readonly random: RandomSource;
  readonly now: () => Date;
  /**
   * Tests only (test/helpers/sasl-capture.ts records fixtures with it): told the keys and every
   * token of the session. Nothing in the package sets it, and no environment variable turns it on.
   */
  readonly capture?: SaslCaptureFactory;
}

/** What a capture is told when the session's keys are known. */
export interface SaslCaptureContext {
  readonly service: string;
  readonly sessionKey: KrbKey;
  readonly initiatorSubkey: KrbKey;
  readonly acceptorSubkey: KrbKey | undefined;
  readonly tokenKey: KrbKey;
  readonly acceptorSubkeyFlag: boolean;
  readonly format: string;
  readonly gssFlags: number;
  readonly initiatorSeq: number;
  readonly acceptorSeq: number;
}

/** One token of a session as a recorder sees it: who sent it, the token and what it carried. */
export interface SaslCapturedToken {
  from: 'initiator' | 'acceptor';
  phase: 'bind' | 'ldap';
  token: Uint8Array;
  data: Uint8Array;
  sealed: boolean;
  random?: Uint8Array[];
}

/** A recorder of one session's tokens (tests). */
export interface SaslCaptureSink {
  recording(random: RandomSource): { random: RandomSource; drawn: () => Uint8Array[] };
  layerOffer(layers: number, maxSize: number): void;
  token(t: SaslCapturedToken): void;
}

export type SaslCaptureFactory = (context: SaslCaptureContext) => SaslCaptureSink;

/** A bound connection, before it is handed to a SealedSocket. */
export interface BoundSasl {
  readonly raw: Socket;
  readonly state: WrapState;
  readonly format: WrapFormat;
  readonly random: RandomSource;
  /** The largest message the server accepts. */
  readonly maxSend: number;
  /** Octets the server sent after the bind response, already read. */
  readonly pending: Uint8Array;
  readonly capture: SaslCaptureSink | undefined;
}

/** Reads whole BER elements from a socket during the bind. */
class FrameReader {
  #buf: Uint8Array = new Uint8Array(0);
  #waiting: ((err?: Error) => void) | undefined;
  #error: Error | undefined;
  constructor(private readonly raw: Socket) {
    raw.on('data', this.#onData);
    raw.on('error', this.#onError);
    raw.on('close', this.#onClose);
  }
  #onData = (d: Buffer): void => {
    this.#buf = concatBytes(this.#buf, new Uint8Array(d));
    this.#waiting?.();
  };
  #onError = (e: Error): void =>
    this.#fail(
      new KtError(
        'AD_CONNECT',
        `the connection broke during the Kerberos bind: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
        { cause: e },
      ),
    );
  #onClose = (): void =>
    this.#fail(
      new KtError('AD_CONNECT', 'the directory closed the connection during the Kerberos bind'),
    );
  #fail(e: Error): void {
    this.#error ??= e;
    this.#waiting?.(e);
  }
  async element(timeoutMs: number): Promise<Uint8Array> {
    for (;;) {
      if (this.#error) throw this.#error;
      const len = berElementLength(this.#buf, MAX_MESSAGE);
      if (len !== undefined && this.#buf.length >= len) {
        const out = this.#buf.subarray(0, len);
        this.#buf = this.#buf.subarray(len);
        return out;
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new KtError(
                'AD_TIMEOUT',
                `the directory did not answer the Kerberos bind within ${timeoutMs / 1000} s`,
              ),
            ),
          timeoutMs,
        );
        this.#waiting = (err) => {
          clearTimeout(timer);
          this.#waiting = undefined;
          if (err) reject(err);
          else resolve();
        };
      });
    }
  }
  /** Hands the rest over: stops listening, returns octets already read. */
  detach(): Uint8Array {
    this.raw.removeListener('data', this.#onData);
    this.raw.removeListener('error', this.#onError);
    this.raw.removeListener('close', this.#onClose);
    return this.#buf;
  }
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new KtError('AD_TIMEOUT', `no answer from ${host}:${port} within ${timeoutMs / 1000} s`),
      );
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new KtError('AD_CONNECT', `cannot connect to ${host}:${port}: ${e.code ?? e.message}`, {
          cause: e,
        }),
      );
    });
  });
}

function refused(step: string, r: { resultCode: number; diagnosticMessage: string }): KtError {
  return new KtError(
    'AD_SASL',
    `the directory refused the Kerberos bind (${step}): LDAP result ${r.resultCode}${r.diagnosticMessage ? ` "${r.diagnosticMessage}"` : ''}`,
    {
      details: { resultCode: r.resultCode, diagnostic: r.diagnosticMessage },
    },
  );
}

/** Connects, binds with SASL GSSAPI and negotiates confidentiality. */
export async function bindSaslGssapi(o: SaslGssapiOptions): Promise<BoundSasl> {
  wrapFormat(o.ticket.sessionKey.enctype);
  const raw = await connectTcp(o.host, o.port, o.timeoutMs);
  try {
    const reader = new FrameReader(raw);
    let id = 0;
    const send = (creds: Uint8Array | undefined): void => {
      raw.write(encodeSaslBindRequest(++id, 'GSSAPI', creds));
    };
    const answer = async (): Promise<ReturnType<typeof decodeBindResponse>> => {
      const r = decodeBindResponse(await reader.element(o.timeoutMs));
      if (r.messageId !== id)
        throw new KtError('AD_SASL', `bind response ${r.messageId} for request ${id}`);
      return r;
    };
    const { token, state: init } = initSecContext(o.ticket, { now: o.now(), random: o.random });
    send(token);
    const first = await answer();
    if (first.resultCode !== LDAP_SASL_BIND_IN_PROGRESS || !first.serverSaslCreds)
      throw refused('the ticket', first);
    const acc = acceptorToken(first.serverSaslCreds, init);
    if (acc.kind === 'error') {
      const info = krbErrorInfo(acc.error.errorCode);
      throw new KtError(
        'AD_SASL',
        `the directory refused the ticket: ${info.name} (${info.code}): ${info.description}${acc.error.eText ? ` ("${acc.error.eText}")` : ''}`,
      );
    }
    const chosen = tokenKey(init.subkey, acc.reply.subkey);
    const format = wrapFormat(chosen.key.enctype);
    const state: WrapState = {
      key: chosen.key,
      acceptorSubkey: chosen.acceptorSubkey,
      sendSeq: BigInt(init.sendSeq),
      recvSeq: BigInt(acc.reply.recvSeq),
    };
    const capture = o.capture?.({
      service: principalText(o.ticket.server),
      sessionKey: init.sessionKey,
      initiatorSubkey: init.subkey,
      acceptorSubkey: acc.reply.subkey,
      tokenKey: chosen.key,
      acceptorSubkeyFlag: chosen.acceptorSubkey,
      format: format.name,
      gssFlags: init.flags,
      initiatorSeq: init.sendSeq,
      acceptorSeq: acc.reply.recvSeq,
    });
    send(new Uint8Array(0));
    const second = await answer();
    if (second.resultCode !== LDAP_SASL_BIND_IN_PROGRESS || !second.serverSaslCreds)
      throw refused('the security layer', second);
    const offerToken = format.unwrap(state, second.serverSaslCreds);
    capture?.token({
      from: 'acceptor',
      phase: 'bind',
      token: second.serverSaslCreds,
      data: offerToken.data,
      sealed: offerToken.sealed,
    });
    const offer = parseLayerOffer(offerToken.data);
    capture?.layerOffer(offer.layers, offer.maxSize);
    if ((offer.layers & SASL_LAYER.CONFIDENTIALITY) === 0) {
      throw new KtError(
        'AD_SASL',
        `the directory offers no confidentiality layer (layers 0x${offer.layers.toString(16)}): refusing, as passwords must travel sealed`,
      );
    }
    const choice = layerChoice(SASL_LAYER.CONFIDENTIALITY, MAX_MESSAGE);
    const rec = capture?.recording(o.random);
    const choiceToken = format.wrap(state, choice, false, rec?.random ?? o.random);
    if (capture && rec)
      capture.token({
        from: 'initiator',
        phase: 'bind',
        token: choiceToken,
        data: choice,
        sealed: false,
        random: rec.drawn(),
      });
    send(choiceToken);
    const done = await answer();
    if (done.resultCode !== LDAP_SUCCESS) throw refused('the layer choice', done);
    return {
      raw,
      state,
      format,
      random: o.random,
      maxSend: offer.maxSize || MAX_MESSAGE,
      pending: reader.detach(),
      capture,
    };
  } catch (err) {
    raw.destroy();
    throw err;
  }
}
