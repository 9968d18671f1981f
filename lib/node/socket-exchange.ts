/**
 * One request and one reply over node:dgram (UDP) or node:net (TCP, the KDC's 4-byte length
 * framing): the socket layer the KDC transport (krb5-transport.ts) and the kpasswd client
 * (kpasswd-io.ts) share. The request is built after the socket is connected, from its local
 * address (kpasswd names it in its KRB-PRIV). Every socket is closed on every path; socket
 * failures become the caller's error through `fail`, anything `build` or the framing throws
 * passes through as it is.
 */
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { concatBytes } from '../bytes.js';
import { tcpFrameLength } from '../krb5/transport.js';

export type ExchangeProtocol = 'udp' | 'tcp';

export interface ExchangeTarget {
  readonly address: string;
  readonly port: number;
}

export interface Exchange {
  readonly target: ExchangeTarget;
  /** The request, from the connected socket's local address (the TCP request is framed here). */
  readonly build: (localAddress: string | undefined) => Uint8Array;
  readonly timeoutMs: number;
  /** The error of a socket failure, a timeout or a connection closed too early. */
  readonly fail: (protocol: ExchangeProtocol, reason: string, cause?: unknown) => Error;
  /** A socket error in words. */
  readonly describe: (e: unknown) => string;
}

function copy(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

/**
 * The settle-once core of both protocols: `finish` runs `close`, then resolves or rejects, once;
 * a timer fails the exchange after timeoutMs.
 */
function settleOnce(
  x: Exchange,
  protocol: ExchangeProtocol,
  close: () => void,
  resolve: (reply: Uint8Array) => void,
  reject: (e: unknown) => void,
): (err: unknown, reply?: Uint8Array) => void {
  let done = false;
  const finish = (err: unknown, reply?: Uint8Array): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    close();
    if (err !== undefined) reject(err);
    else resolve(reply as Uint8Array);
  };
  const timer = setTimeout(
    () => finish(x.fail(protocol, `timed out after ${x.timeoutMs} ms`)),
    x.timeoutMs,
  );
  return finish;
}

/** One UDP exchange on a connected socket: it hears only its server, and an ICMP port-unreachable surfaces at once as ECONNREFUSED (MIT connects its UDP sockets too). */
export function udpExchange(x: Exchange): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(x.target.address.includes(':') ? 'udp6' : 'udp4');
    const finish = settleOnce(
      x,
      'udp',
      () => {
        socket.removeAllListeners('message');
        socket.on('error', () => undefined);
        try {
          socket.close();
        } catch {
          // already closed
        }
      },
      resolve,
      reject,
    );
    socket.on('error', (e) => finish(x.fail('udp', x.describe(e), e)));
    socket.on('message', (msg) => finish(undefined, copy(msg)));
    socket.connect(x.target.port, x.target.address, () => {
      let message: Uint8Array;
      try {
        message = x.build(socket.address().address);
      } catch (e) {
        finish(e);
        return;
      }
      socket.send(message, (e) => {
        if (e) finish(x.fail('udp', x.describe(e), e));
      });
    });
  });
}

/** One TCP exchange: the request as built (already framed), the reply unframed, at most maxReplyBytes. */
export function tcpExchange(x: Exchange, maxReplyBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Uint8Array[] = [];
    let received = 0;
    let expected: number | undefined;
    const finish = settleOnce(
      x,
      'tcp',
      () => {
        socket.removeAllListeners('data');
        socket.on('error', () => undefined);
        socket.destroy();
      },
      resolve,
      reject,
    );
    socket.on('error', (e) => finish(x.fail('tcp', x.describe(e), e)));
    socket.on('end', () =>
      finish(x.fail('tcp', 'connection closed before the whole reply arrived')),
    );
    socket.on('data', (data: Uint8Array) => {
      chunks.push(data);
      received += data.length;
      const all = chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks);
      if (chunks.length > 1) chunks.splice(0, chunks.length, all);
      if (expected === undefined && received >= 4) {
        try {
          expected = tcpFrameLength(all, maxReplyBytes);
        } catch (e) {
          finish(e);
          return;
        }
      }
      if (expected !== undefined && received >= 4 + expected)
        finish(undefined, copy(all.subarray(4, 4 + expected)));
    });
    socket.connect({ host: x.target.address, port: x.target.port }, () => {
      try {
        socket.write(x.build(socket.localAddress));
      } catch (e) {
        finish(e);
      }
    });
  });
}
