/**
 * The socket edge of the kpasswd client: one exchange over node:dgram or node:net, the request
 * built after the socket is connected (the KRB-PRIV names the local address as its sender),
 * every socket closed on every path. TCP uses the KDC's 4-byte length framing.
 */
import { createSocket } from 'node:dgram';
import { Socket, isIPv4, isIPv6 } from 'node:net';
import { KtError } from '../errors.js';
import { ADDR_TYPE } from '../krb5/constants.js';
import type { KpasswdIo, KpasswdTarget, LocalAddress } from '../krb5/kpasswd-transport.js';
import { MAX_TCP_REPLY, formatKdc, frameTcp, tcpFrameLength } from '../krb5/transport.js';

function unreachable(target: KpasswdTarget, protocol: string, reason: string): KtError {
  return new KtError('KDC_UNREACHABLE', `${formatKdc(target)}/${protocol}: ${reason}`, { details: { server: formatKdc(target), protocol, reason } });
}

function describe(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  return e instanceof Error ? e.message : String(e);
}

/** The local address as a Kerberos HostAddress (IPv4: type 2, IPv6: type 24). */
export function hostAddress(address: string | undefined): LocalAddress | undefined {
  if (address === undefined) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped ? mapped[1]! : address;
  if (isIPv4(v4)) return { addrType: ADDR_TYPE.IPV4, address: Uint8Array.from(v4.split('.').map(Number)) };
  if (!isIPv6(address)) return undefined;
  const plain = address.replace(/%.*$/, '');
  const [head, tail] = plain.includes('::') ? (plain.split('::') as [string, string]) : [plain, undefined];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return { addrType: ADDR_TYPE.IPV6, address: out };
}

function udp(target: KpasswdTarget, build: (local: LocalAddress | undefined) => Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(target.address.includes(':') ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: unknown, reply?: Uint8Array): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.on('error', () => undefined);
      try {
        socket.close();
      } catch {
        // already closed
      }
      if (err !== undefined) reject(err);
      else resolve(reply as Uint8Array);
    };
    const timer = setTimeout(() => finish(unreachable(target, 'udp', `timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => finish(unreachable(target, 'udp', describe(e))));
    socket.on('message', (msg) => finish(undefined, Uint8Array.from(msg)));
    socket.connect(target.port, target.address, () => {
      let message: Uint8Array;
      try {
        message = build(hostAddress(socket.address().address));
      } catch (e) {
        finish(e);
        return;
      }
      socket.send(message, (e) => {
        if (e) finish(unreachable(target, 'udp', describe(e)));
      });
    });
  });
}

function tcp(target: KpasswdTarget, build: (local: LocalAddress | undefined) => Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buffered = new Uint8Array(0);
    let expected: number | undefined;
    let done = false;
    const finish = (err: unknown, reply?: Uint8Array): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(reply as Uint8Array);
    };
    const timer = setTimeout(() => finish(unreachable(target, 'tcp', `timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => finish(unreachable(target, 'tcp', describe(e))));
    socket.on('end', () => finish(unreachable(target, 'tcp', 'connection closed before the whole reply arrived')));
    socket.on('data', (data: Uint8Array) => {
      const next = new Uint8Array(buffered.length + data.length);
      next.set(buffered);
      next.set(data, buffered.length);
      buffered = next;
      try {
        if (expected === undefined && buffered.length >= 4) expected = tcpFrameLength(buffered, MAX_TCP_REPLY);
      } catch (e) {
        finish(e);
        return;
      }
      if (expected !== undefined && buffered.length >= 4 + expected) finish(undefined, buffered.slice(4, 4 + expected));
    });
    socket.connect({ host: target.address, port: target.port }, () => {
      try {
        socket.write(frameTcp(build(hostAddress(socket.localAddress))));
      } catch (e) {
        finish(e);
      }
    });
  });
}

export const nodeKpasswdIo: KpasswdIo = {
  exchange(target, protocol, build, timeoutMs) {
    return protocol === 'udp' ? udp(target, build, timeoutMs) : tcp(target, build, timeoutMs);
  },
};
