/**
 * The in-process fake KDC (fake-kdc.ts) behind real sockets on 127.0.0.1: UDP and TCP on one
 * OS-chosen port, so CLI tests run `keytab verify --kdc 127.0.0.1:PORT` end to end. Loopback
 * only; closes both sockets on close().
 *
 *   const server = await serveFakeKdc(createFakeKdc({...}).transport, 'FAKE.TEST');
 *   runCli(['verify', kt, '--kdc', `127.0.0.1:${server.port}`, '--no-dns'])
 */
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import type { KdcTransport } from '../../lib/krb5/transport.js';

export interface FakeKdcServer {
  port: number;
  /** Requests seen, as "udp" / "tcp". */
  seen: string[];
  close(): Promise<void>;
}

export async function serveFakeKdc(transport: KdcTransport, realm: string): Promise<FakeKdcServer> {
  const seen: string[] = [];
  const answer = async (request: Uint8Array): Promise<Uint8Array> =>
    (await transport.send(realm, request)).reply;
  const tcp = createServer((socket: Socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const length = buf.readUInt32BE(0);
      if (buf.length < 4 + length) return;
      seen.push('tcp');
      void answer(new Uint8Array(buf.subarray(4, 4 + length))).then((reply) => {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(reply.length);
        socket.end(Buffer.concat([head, Buffer.from(reply)]));
      });
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
  const port = (tcp.address() as { port: number }).port;
  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    seen.push('udp');
    void answer(new Uint8Array(msg)).then((reply) => udp.send(reply, rinfo.port, rinfo.address));
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    seen,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
