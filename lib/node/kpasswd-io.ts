/**
 * The socket edge of the kpasswd client: one exchange over UDP or TCP through socket-exchange.ts,
 * the request built after the socket is connected (the KRB-PRIV names the local address as its
 * sender). TCP uses the KDC's 4-byte length framing.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { KtError } from '../errors.js';
import { ADDR_TYPE } from '../krb5/constants.js';
import type { KpasswdIo, KpasswdTarget, LocalAddress } from '../krb5/kpasswd-transport.js';
import { MAX_TCP_REPLY, formatKdc, frameTcp } from '../krb5/transport.js';
import { tcpExchange, udpExchange, type Exchange } from './socket-exchange.js';

function unreachable(target: KpasswdTarget, protocol: string, reason: string): KtError {
  return new KtError('KDC_UNREACHABLE', `${formatKdc(target)}/${protocol}: ${reason}`, {
    details: { server: formatKdc(target), protocol, reason },
  });
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
  if (isIPv4(v4))
    return { addrType: ADDR_TYPE.IPV4, address: Uint8Array.from(v4.split('.').map(Number)) };
  if (!isIPv6(address)) return undefined;
  const plain = address.replace(/%.*$/, '');
  const [head, tail] = plain.includes('::')
    ? (plain.split('::') as [string, string])
    : [plain, undefined];
  const groups = (s: string): number[] =>
    s === '' ? [] : s.split(':').map((g) => parseInt(g, 16));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all =
    tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return { addrType: ADDR_TYPE.IPV6, address: out };
}

function exchange(
  target: KpasswdTarget,
  build: (local: LocalAddress | undefined) => Uint8Array,
  timeoutMs: number,
): Exchange {
  return {
    target,
    build: (local) => build(hostAddress(local)),
    timeoutMs,
    fail: (protocol, reason) => unreachable(target, protocol, reason),
    describe,
  };
}

export const nodeKpasswdIo: KpasswdIo = {
  exchange(target, protocol, build, timeoutMs) {
    if (protocol === 'udp') return udpExchange(exchange(target, build, timeoutMs));
    return tcpExchange(
      exchange(target, (local) => frameTcp(build(local)), timeoutMs),
      MAX_TCP_REPLY,
    );
  },
};
