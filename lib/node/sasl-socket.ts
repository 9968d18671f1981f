/**
 * A SASL GSSAPI connection to an LDAP server (RFC 4752) with the confidentiality layer, as the
 * net.Socket that ldapts is given through its `createConnection` option: a Duplex that seals
 * every LDAP message it writes and unseals every one it reads (RFC 4752 section 3.3: a 4-octet
 * length, then a wrap token). The bind itself is in sasl-bind-tcp.ts; ldapts never sees it.
 *
 * What ldapts 8.2 does with the socket, and what this one does in turn:
 * - reads `connecting` and `readyState` right after createConnection(): an established socket
 *   says false/'open'; one still binding says true/'opening' and emits 'connect' when bound, or
 *   'error' (the bind's KtError) and 'close' when the bind fails;
 * - listens for data, end, close, error and timeout: the TCP socket's end, close and timeout
 *   are passed on; a TCP error, or a token that fails its check, arrives out of sequence or
 *   comes unsealed (GSS_INTEGRITY, GSS_SEQUENCE, GSS_BAD_TOKEN), destroys this socket with a
 *   KtError: ldapts fails the pending operations at once with its message, nothing hangs;
 * - writes one message per write(), calls end() (its handler of 'end' and 'timeout') and
 *   destroy(); its own timers (operation timeout) end and destroy the socket. It calls none of
 *   setTimeout, setKeepAlive, setNoDelay, ref or unref; for other callers they act on the TCP
 *   socket (kept until it exists), as do the address getters.
 *
 * Reconnection: ldapts calls createConnection() again after a dropped connection (an idle
 * timeout, a DC restart). `sealedConnector` hands over the first bound socket once, then binds
 * anew for each later call, with a ticket from the caller (the same service ticket while it is
 * valid): the session continues, sealed and authenticated as before.
 */
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { concatBytes } from '../bytes.js';
import { KtError } from '../errors.js';
import { bindSaslGssapi, MAX_MESSAGE } from './sasl-bind-tcp.js';
import type { BoundSasl, SaslGssapiOptions } from './sasl-bind-tcp.js';

export type { SaslGssapiOptions } from './sasl-bind-tcp.js';

export interface SaslConnection {
  readonly socket: SealedSocket;
  /** What was negotiated, for doctor and --debug-auth. */
  readonly layer: 'confidentiality';
  readonly enctype: number;
  readonly acceptorSubkey: boolean;
  /** The wrap token format: 'RFC 4121' or 'RFC 4757 (RC4)'. */
  readonly format: string;
  /** The largest message the DC accepts (its security-layer offer), in octets. */
  readonly maxSize: number;
}

/** The sealed LDAP connection, as ldapts sees it. */
export class SealedSocket extends Duplex {
  #b: BoundSasl | undefined;
  #buf: Uint8Array = new Uint8Array(0);
  #timeout: number | undefined;
  #keepAlive: [boolean | undefined, number | undefined] | undefined;
  #noDelay: boolean | undefined;
  #unref = false;
  #lastError: Error | undefined;

  private constructor() {
    super();
    // Until ldapts listens (it removes every 'error' listener when it takes the socket), an
    // error must not crash the process; destroy() keeps it in lastError.
    this.on('error', () => undefined);
  }

  /** A socket over an established, bound connection. */
  static established(b: BoundSasl): SealedSocket {
    const s = new SealedSocket();
    s.#attach(b);
    return s;
  }

  /** A socket that is still binding: 'connect' when bound, 'error' and 'close' when not. */
  static binding(bind: Promise<BoundSasl>): SealedSocket {
    const s = new SealedSocket();
    bind.then(
      (b) => {
        if (s.destroyed) {
          b.raw.destroy();
          return;
        }
        s.#attach(b);
        s.emit('connect');
        s.emit('ready');
      },
      (err: Error) => s.destroy(err),
    );
    return s;
  }

  get connecting(): boolean {
    return this.#b === undefined && !this.destroyed;
  }
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    return this.writable ? 'writeOnly' : 'closed';
  }
  /** Why the connection ended, when it ended with an error (the KtError of a bad token). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  #attach(b: BoundSasl): void {
    this.#b = b;
    const { raw } = b;
    raw.on('data', (d: Buffer) => this.#onData(new Uint8Array(d)));
    raw.on('end', () => this.push(null));
    raw.on('close', () => this.destroy());
    raw.on('error', (e: NodeJS.ErrnoException) =>
      this.destroy(
        new KtError(
          'AD_CONNECT',
          `the sealed connection to the directory broke: ${e.code ?? e.message}`,
          { cause: e },
        ),
      ),
    );
    raw.on('timeout', () => this.emit('timeout'));
    if (this.#timeout !== undefined) raw.setTimeout(this.#timeout);
    if (this.#keepAlive !== undefined) raw.setKeepAlive(...this.#keepAlive);
    if (this.#noDelay !== undefined) raw.setNoDelay(this.#noDelay);
    if (this.#unref) raw.unref();
    if (b.pending.length) {
      const pending = b.pending;
      queueMicrotask(() => this.#onData(pending));
    }
  }

  #onData(chunk: Uint8Array): void {
    const b = this.#b;
    if (b === undefined || this.destroyed) return;
    this.#buf = this.#buf.length ? concatBytes(this.#buf, chunk) : chunk;
    try {
      while (this.#buf.length >= 4) {
        const len = new DataView(this.#buf.buffer, this.#buf.byteOffset, 4).getUint32(0);
        if (len > MAX_MESSAGE)
          throw new KtError(
            'GSS_BAD_TOKEN',
            `a sealed message of ${len} octets (at most ${MAX_MESSAGE})`,
          );
        if (this.#buf.length < 4 + len) return;
        const token = this.#buf.subarray(4, 4 + len);
        this.#buf = this.#buf.subarray(4 + len);
        const { data, sealed } = b.format.unwrap(b.state, token);
        b.capture?.token({ from: 'acceptor', phase: 'ldap', token, data, sealed });
        if (!sealed)
          throw new KtError(
            'GSS_INTEGRITY',
            'the directory sent an unsealed message on a sealed connection',
          );
        this.push(Buffer.from(data));
      }
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const b = this.#b;
    if (b === undefined) {
      callback(
        new KtError('AD_CONNECT', 'a message for the directory before the Kerberos bind finished'),
      );
      return;
    }
    if (chunk.length > b.maxSend) {
      callback(
        new KtError(
          'AD_SASL',
          `an LDAP message of ${chunk.length} octets is larger than the directory accepts (${b.maxSend})`,
        ),
      );
      return;
    }
    const data = new Uint8Array(chunk);
    const rec = b.capture?.recording(b.random);
    const token = b.format.wrap(b.state, data, true, rec?.random ?? b.random);
    if (b.capture && rec)
      b.capture.token({
        from: 'initiator',
        phase: 'ldap',
        token,
        data,
        sealed: true,
        random: rec.drawn(),
      });
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, token.length);
    b.raw.write(concatBytes(len, token), callback);
  }

  override _read(): void {
    // data is pushed as it arrives
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#b?.raw.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this.#lastError ??= error;
    this.#b?.raw.destroy();
    callback(error);
  }

  setTimeout(ms: number, cb?: () => void): this {
    if (cb) {
      if (ms === 0) this.removeListener('timeout', cb);
      else this.once('timeout', cb);
    }
    this.#timeout = ms;
    this.#b?.raw.setTimeout(ms);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.#keepAlive = [enable, delay];
    this.#b?.raw.setKeepAlive(enable, delay);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.#noDelay = noDelay;
    this.#b?.raw.setNoDelay(noDelay);
    return this;
  }
  ref(): this {
    this.#unref = false;
    this.#b?.raw.ref();
    return this;
  }
  unref(): this {
    this.#unref = true;
    this.#b?.raw.unref();
    return this;
  }
  address(): AddressInfo | Record<string, never> {
    return this.#b?.raw.address() ?? {};
  }
  get remoteAddress(): string | undefined {
    return this.#b?.raw.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.#b?.raw.remotePort;
  }
  get localAddress(): string | undefined {
    return this.#b?.raw.localAddress;
  }
  get localPort(): number | undefined {
    return this.#b?.raw.localPort;
  }
  /** The TCP socket underneath (tests cut it). */
  get tcp(): Socket | undefined {
    return this.#b?.raw;
  }
}

function describe(b: BoundSasl, socket: SealedSocket): SaslConnection {
  return {
    socket,
    layer: 'confidentiality',
    enctype: b.state.key.enctype,
    acceptorSubkey: b.state.acceptorSubkey,
    format: b.format.name,
    maxSize: b.maxSend,
  };
}

/** Connects, binds with SASL GSSAPI and negotiates confidentiality. */
export async function openSaslGssapi(o: SaslGssapiOptions): Promise<SaslConnection> {
  const b = await bindSaslGssapi(o);
  return describe(b, SealedSocket.established(b));
}

/**
 * ldapts' createConnection: the first call hands over `first` (bound already), later calls
 * (ldapts reconnecting after the connection dropped) bind again with `options()`, which gives
 * the connection details and a valid ticket (it may throw a KtError, e.g. expired credentials:
 * the socket then reports it as its 'error').
 */
export function sealedConnector(
  first: SealedSocket,
  options: () => Promise<SaslGssapiOptions>,
): () => SealedSocket {
  let unused: SealedSocket | undefined = first;
  return () => {
    const s = unused;
    unused = undefined;
    if (s !== undefined && s.readyState === 'open') return s;
    s?.destroy();
    return SealedSocket.binding(options().then(bindSaslGssapi));
  };
}
