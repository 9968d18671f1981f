/**
 * A SASL GSSAPI connection to an LDAP server (RFC 4752) with the confidentiality layer: the
 * bind done here over a plain TCP socket, then a Duplex that seals every LDAP message it
 * writes and unseals every one it reads. ldapts is given this Duplex through its
 * `createConnection` option and never sees the bind, so the rest of lib/ad is unchanged.
 *
 * ldapts treats the Duplex as a net.Socket: it checks `connecting` and `readyState`, listens
 * for data, end, close, error and timeout, writes one message per write(), and calls end() and
 * destroy(). Those are forwarded to the TCP socket. A token that fails its check, arrives out
 * of sequence or comes unsealed destroys the connection with a KtError (GSS_INTEGRITY,
 * GSS_SEQUENCE, GSS_BAD_TOKEN): pending operations fail at once, nothing hangs.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { berElementLength, decodeBindResponse, encodeSaslBindRequest, layerChoice, LDAP_SASL_BIND_IN_PROGRESS, LDAP_SUCCESS, parseLayerOffer, SASL_LAYER } from '../ad/sasl-bind.js';
import { concatBytes } from '../bytes.js';
import type { RandomSource } from '../crypto/profiles.js';
import { KtError } from '../errors.js';
import type { KrbCredentials } from '../krb5/client.js';
import { krbErrorInfo } from '../krb5/constants.js';
import { acceptorToken, initSecContext } from '../krb5/gss-krb5.js';
import { checkWrapEnctype, unwrap, wrap } from '../krb5/gss-wrap.js';
import type { WrapState } from '../krb5/gss-wrap.js';

/** The largest sealed message accepted (a length above it is an error, not an allocation). */
const MAX_MESSAGE = 0xffffff;

export interface SaslGssapiOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  /** A service ticket for ldap/<the DC's host name>. */
  readonly ticket: KrbCredentials;
  readonly random: RandomSource;
  readonly now: () => Date;
}

export interface SaslConnection {
  readonly socket: SealedSocket;
  /** What was negotiated, for doctor and --debug-auth. */
  readonly layer: 'confidentiality';
  readonly enctype: number;
  readonly acceptorSubkey: boolean;
}

/** Reads whole frames from a socket: BER elements during the bind, length-prefixed tokens after. */
class FrameReader {
  #buf: Uint8Array = new Uint8Array(0);
  #waiting: ((err?: Error) => void) | undefined;
  #error: Error | undefined;
  constructor(private readonly raw: Socket) {
    raw.on('data', this.#onData);
    raw.on('error', (e) => this.#fail(e));
    raw.on('close', () => this.#fail(new KtError('AD_CONNECT', 'the directory closed the connection during the Kerberos bind')));
  }
  #onData = (d: Buffer): void => {
    this.#buf = concatBytes(this.#buf, new Uint8Array(d));
    this.#waiting?.();
  };
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
        const timer = setTimeout(() => reject(new KtError('AD_TIMEOUT', `the directory did not answer the Kerberos bind within ${timeoutMs / 1000} s`)), timeoutMs);
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
    this.raw.removeAllListeners('error');
    this.raw.removeAllListeners('close');
    return this.#buf;
  }
}

/** The sealed LDAP connection, as ldapts sees it. */
export class SealedSocket extends Duplex {
  readonly connecting = false;
  readonly readyState = 'open';
  #raw: Socket;
  #state: WrapState;
  #random: RandomSource;
  #maxSend: number;
  #buf: Uint8Array;

  constructor(raw: Socket, state: WrapState, random: RandomSource, maxSend: number, pending: Uint8Array) {
    super();
    this.#raw = raw;
    this.#state = state;
    this.#random = random;
    this.#maxSend = maxSend;
    this.#buf = pending;
    raw.on('data', (d: Buffer) => this.#onData(new Uint8Array(d)));
    raw.on('end', () => this.push(null));
    raw.on('close', () => this.destroy());
    raw.on('error', (e) => this.destroy(e));
    raw.on('timeout', () => this.emit('timeout'));
    if (pending.length) queueMicrotask(() => this.#onData(new Uint8Array(0)));
  }

  #onData(chunk: Uint8Array): void {
    this.#buf = this.#buf.length ? concatBytes(this.#buf, chunk) : chunk;
    try {
      while (this.#buf.length >= 4) {
        const len = new DataView(this.#buf.buffer, this.#buf.byteOffset, 4).getUint32(0);
        if (len > MAX_MESSAGE) throw new KtError('GSS_BAD_TOKEN', `a sealed message of ${len} octets (at most ${MAX_MESSAGE})`);
        if (this.#buf.length < 4 + len) return;
        const token = this.#buf.subarray(4, 4 + len);
        this.#buf = this.#buf.subarray(4 + len);
        const { data, sealed } = unwrap(this.#state, token);
        if (!sealed) throw new KtError('GSS_INTEGRITY', 'the directory sent an unsealed message on a sealed connection');
        this.push(Buffer.from(data));
      }
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (chunk.length > this.#maxSend) {
      callback(new KtError('AD_SASL', `an LDAP message of ${chunk.length} octets is larger than the directory accepts (${this.#maxSend})`));
      return;
    }
    const token = wrap(this.#state, new Uint8Array(chunk), true, this.#random);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, token.length);
    this.#raw.write(concatBytes(len, token), callback);
  }

  override _read(): void {
    // data is pushed as it arrives
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#raw.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#raw.destroy();
    callback(error);
  }

  setTimeout(ms: number, cb?: () => void): this {
    this.#raw.setTimeout(ms, cb);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.#raw.setKeepAlive(enable, delay);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.#raw.setNoDelay(noDelay);
    return this;
  }
  ref(): this {
    this.#raw.ref();
    return this;
  }
  unref(): this {
    this.#raw.unref();
    return this;
  }
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new KtError('AD_TIMEOUT', `no answer from ${host}:${port} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new KtError('AD_CONNECT', `cannot connect to ${host}:${port}: ${e.code ?? e.message}`, { cause: e }));
    });
  });
}

function refused(step: string, r: { resultCode: number; diagnosticMessage: string }): KtError {
  return new KtError('AD_SASL', `the directory refused the Kerberos bind (${step}): LDAP result ${r.resultCode}${r.diagnosticMessage ? ` "${r.diagnosticMessage}"` : ''}`, {
    details: { resultCode: r.resultCode, diagnostic: r.diagnosticMessage },
  });
}

/** Connects, binds with SASL GSSAPI and negotiates confidentiality. */
export async function openSaslGssapi(o: SaslGssapiOptions): Promise<SaslConnection> {
  checkWrapEnctype(o.ticket.sessionKey.enctype);
  const raw = await connectTcp(o.host, o.port, o.timeoutMs);
  try {
    const reader = new FrameReader(raw);
    let id = 0;
    const send = (creds: Uint8Array | undefined): void => {
      raw.write(encodeSaslBindRequest(++id, 'GSSAPI', creds));
    };
    const answer = async (): Promise<ReturnType<typeof decodeBindResponse>> => {
      const r = decodeBindResponse(await reader.element(o.timeoutMs));
      if (r.messageId !== id) throw new KtError('AD_SASL', `bind response ${r.messageId} for request ${id}`);
      return r;
    };
    const { token, state: init } = initSecContext(o.ticket, { now: o.now(), random: o.random });
    send(token);
    const first = await answer();
    if (first.resultCode !== LDAP_SASL_BIND_IN_PROGRESS || !first.serverSaslCreds) throw refused('the ticket', first);
    const acc = acceptorToken(first.serverSaslCreds, init);
    if (acc.kind === 'error') {
      const info = krbErrorInfo(acc.error.errorCode);
      throw new KtError('AD_SASL', `the directory refused the ticket: ${info.name} (${info.code}): ${info.description}${acc.error.eText ? ` ("${acc.error.eText}")` : ''}`);
    }
    const key = acc.reply.subkey ?? init.subkey;
    checkWrapEnctype(key.enctype);
    const state: WrapState = { key, acceptorSubkey: acc.reply.subkey !== undefined, sendSeq: BigInt(init.sendSeq), recvSeq: BigInt(acc.reply.recvSeq) };
    send(new Uint8Array(0));
    const second = await answer();
    if (second.resultCode !== LDAP_SASL_BIND_IN_PROGRESS || !second.serverSaslCreds) throw refused('the security layer', second);
    const offer = parseLayerOffer(unwrap(state, second.serverSaslCreds).data);
    if ((offer.layers & SASL_LAYER.CONFIDENTIALITY) === 0) {
      throw new KtError('AD_SASL', `the directory offers no confidentiality layer (layers 0x${offer.layers.toString(16)}): refusing, as passwords must travel sealed`);
    }
    send(wrap(state, layerChoice(SASL_LAYER.CONFIDENTIALITY, MAX_MESSAGE), false, o.random));
    const done = await answer();
    if (done.resultCode !== LDAP_SUCCESS) throw refused('the layer choice', done);
    const pending = reader.detach();
    const socket = new SealedSocket(raw, state, o.random, offer.maxSize || MAX_MESSAGE, pending);
    return { socket, layer: 'confidentiality', enctype: key.enctype, acceptorSubkey: state.acceptorSubkey };
  } catch (err) {
    raw.destroy();
    throw err;
  }
}
