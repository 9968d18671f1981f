import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { parseKrb5Conf } from '../../lib/krb5/config.js';
import { encodeKrbError, tgsPrincipalName } from '../../lib/krb5/messages.js';
import {
  createKdcTransport,
  frameTcp,
  locateKdcs,
  orderSrvRecords,
  parseKdcSpec,
  tcpFrameLength,
  type KdcTarget,
  type SocketIo,
} from '../../lib/krb5/transport.js';
import {
  createNodeKdcTransport,
  nodeHostResolver,
  nodeSocketIo,
  nodeSrvResolver,
} from '../../lib/node/krb5-transport.js';
import { startFakeDns } from '../helpers/fake-dns.js';

function krbError(code: number): Uint8Array {
  return encodeKrbError({
    stime: new Date(0),
    susec: 0,
    errorCode: code,
    realm: 'R',
    sname: tgsPrincipalName('R'),
  });
}

async function expectKt(p: Promise<unknown>, code: string): Promise<KtError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KtError);
    expect((e as KtError).code).toBe(code);
    return e as KtError;
  }
  throw new Error(`expected ${code}`);
}

describe('KDC specs', () => {
  it.each([
    ['10.0.0.1', { host: '10.0.0.1', port: 88, protocol: undefined }],
    ['10.0.0.1:750', { host: '10.0.0.1', port: 750, protocol: undefined }],
    ['kdc.example.com', { host: 'kdc.example.com', port: 88, protocol: undefined }],
    ['tcp/kdc.example.com:8888', { host: 'kdc.example.com', port: 8888, protocol: 'tcp' }],
    ['UDP/10.1.1.1', { host: '10.1.1.1', port: 88, protocol: 'udp' }],
    ['[2001:db8::1]:88', { host: '2001:db8::1', port: 88, protocol: undefined }],
    ['[::1]', { host: '::1', port: 88, protocol: undefined }],
    ['2001:db8::1', { host: '2001:db8::1', port: 88, protocol: undefined }],
  ])('%s', (spec, expected) => {
    expect(parseKdcSpec(spec)).toEqual(expected);
  });

  it.each([
    '',
    'host:',
    'host:0',
    'host:70000',
    'host:x',
    '[::1',
    '[::1]x',
    'https://kdc/KdcProxy',
    'kkdcp host',
    ':88',
    'a b',
    'abc::def:ghi',
  ])('refuses %j', (spec) => {
    expect(() => parseKdcSpec(spec)).toThrow(KtError);
  });

  it('orders SRV records by priority then weight and drops "."', () => {
    expect(
      orderSrvRecords([
        { name: 'b', port: 88, priority: 10, weight: 5 },
        { name: 'a', port: 88, priority: 0, weight: 1 },
        { name: 'c', port: 88, priority: 0, weight: 50 },
        { name: '.', port: 0, priority: 0, weight: 0 },
      ]).map((r) => r.name),
    ).toEqual(['c', 'a', 'b']);
  });

  it('frames TCP messages with a 4-byte big-endian length', () => {
    expect(frameTcp(fromHex('abcd'))).toEqual(fromHex('00000002abcd'));
    expect(tcpFrameLength(fromHex('00000102'))).toBe(258);
    expect(() => tcpFrameLength(fromHex('80000001'))).toThrow(/reserved high bit/);
    expect(() => tcpFrameLength(fromHex('01000000'), 1000)).toThrow(/exceeds/);
    expect(() => tcpFrameLength(fromHex('0000'))).toThrow(KtError);
  });
});

describe('locating KDCs', () => {
  const config = parseKrb5Conf(
    '[libdefaults]\ndns_lookup_kdc = false\n[realms]\nR = {\n kdc = 10.0.0.1\n kdc = tcp/10.0.0.2:8888\n kdc = kdc3.r\n}\n',
  );

  it('explicit --kdc values win over krb5.conf', async () => {
    const r = await locateKdcs('R', { kdcs: ['127.0.0.1:1088'], config });
    expect(r.source).toBe('explicit');
    expect(r.targets).toEqual([
      {
        address: '127.0.0.1',
        port: 1088,
        host: '127.0.0.1',
        protocol: undefined,
        source: 'explicit',
      },
    ]);
  });

  it('krb5.conf kdc lines next; host names only through the injected resolver', async () => {
    const r = await locateKdcs('R', { config });
    expect(r.source).toBe('krb5.conf');
    expect(r.targets.map((t) => `${t.protocol ?? '-'} ${t.address}:${t.port}`)).toEqual([
      '- 10.0.0.1:88',
      'tcp 10.0.0.2:8888',
    ]);
    expect(r.problems).toEqual([
      'kdc3.r: a host name, and no resolver was given (use an IP address)',
    ]);
    const resolved = await locateKdcs('R', {
      config,
      hostResolver: {
        resolveHost: async (name) => (name === 'kdc3.r' ? ['10.0.0.3', '10.0.0.1'] : []),
      },
    });
    // 10.0.0.1:88 is already listed: duplicates are tried once.
    expect(resolved.targets.map((t) => `${t.host}=${t.address}`)).toEqual([
      '10.0.0.1=10.0.0.1',
      '10.0.0.2=10.0.0.2',
      'kdc3.r=10.0.0.3',
    ]);
  });

  it('DNS SRV last, udp records before tcp, and only when dns_lookup_kdc allows', async () => {
    const asked: string[] = [];
    const srvResolver = {
      resolveSrv: async (name: string) => {
        asked.push(name);
        return name.startsWith('_kerberos._udp.')
          ? [
              { name: '10.9.9.2', port: 88, priority: 1, weight: 0 },
              { name: '10.9.9.1', port: 88, priority: 0, weight: 0 },
            ]
          : [{ name: '10.9.9.1', port: 88, priority: 0, weight: 0 }];
      },
    };
    const r = await locateKdcs('OTHER', { config, srvResolver, dnsLookupKdc: true });
    expect(asked).toEqual(['_kerberos._udp.OTHER', '_kerberos._tcp.OTHER']);
    expect(r.source).toBe('dns-srv');
    expect(r.targets.map((t) => `${t.protocol} ${t.address}`)).toEqual([
      'udp 10.9.9.1',
      'udp 10.9.9.2',
      'tcp 10.9.9.1',
    ]);
    // The config says dns_lookup_kdc = false.
    const e = await expectKt(locateKdcs('OTHER', { config, srvResolver }), 'KDC_NOT_FOUND');
    expect(e.hint).toMatch(/dns_lookup_kdc = true/);
    await expectKt(locateKdcs('OTHER', {}), 'KDC_NOT_FOUND');
  });

  it('KDC_NOT_FOUND lists the problems when nothing is usable', async () => {
    const e = await expectKt(locateKdcs('R', { kdcs: ['only.a.name'] }), 'KDC_NOT_FOUND');
    expect(e.message).toMatch(/only\.a\.name: a host name/);
    const failing = {
      resolveSrv: async (): Promise<never> => {
        throw new Error('SERVFAIL');
      },
    };
    const e2 = await expectKt(locateKdcs('X', { srvResolver: failing }), 'KDC_NOT_FOUND');
    expect(e2.message).toMatch(/_kerberos\._udp\.X: SERVFAIL/);
  });
});

describe('KDC transport logic (fake sockets)', () => {
  const t1: KdcTarget = { address: '10.0.0.1', port: 88, host: '10.0.0.1', source: 'explicit' };
  const t2: KdcTarget = { address: '10.0.0.2', port: 88, host: '10.0.0.2', source: 'explicit' };
  const OK = fromHex('6b00');

  function fakeIo(script: Record<string, (msg: Uint8Array) => Uint8Array>): {
    io: SocketIo;
    log: string[];
  } {
    const log: string[] = [];
    const run = async (proto: string, t: KdcTarget, msg: Uint8Array): Promise<Uint8Array> => {
      const key = `${proto} ${t.address}`;
      log.push(key);
      const f = script[key];
      if (!f) throw new Error('timed out after 5 ms');
      return f(msg);
    };
    return {
      io: { sendUdp: (t, m) => run('udp', t, m), sendTcp: (t, m) => run('tcp', t, m) },
      log,
    };
  }

  it('UDP first, TCP on the same KDC after RESPONSE_TOO_BIG (52)', async () => {
    let framed: Uint8Array | undefined;
    const { io, log } = fakeIo({
      'udp 10.0.0.1': () => krbError(52),
      'tcp 10.0.0.1': (m) => {
        framed = m;
        return OK;
      },
    });
    const r = await createKdcTransport({ io, locate: async () => [t1, t2] }).send(
      'R',
      fromHex('0102'),
    );
    expect(log).toEqual(['udp 10.0.0.1', 'tcp 10.0.0.1']);
    expect(framed).toEqual(fromHex('000000020102'));
    expect(r.protocol).toBe('tcp');
    expect(r.reply).toEqual(OK);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['response-too-big', 'reply']);
  });

  it('other KRB-ERRORs are answers, not failures', async () => {
    const { io, log } = fakeIo({ 'udp 10.0.0.1': () => krbError(6) });
    const r = await createKdcTransport({ io, locate: async () => [t1] }).send('R', fromHex('01'));
    expect(log).toEqual(['udp 10.0.0.1']);
    expect(r.protocol).toBe('udp');
  });

  it('moves to the next KDC on failure, and makes several passes', async () => {
    const { io, log } = fakeIo({ 'udp 10.0.0.2': () => OK });
    const r = await createKdcTransport({ io, locate: async () => [t1, t2] }).send(
      'R',
      fromHex('01'),
    );
    expect(log).toEqual(['udp 10.0.0.1', 'udp 10.0.0.2']);
    expect(r.kdc).toBe(t2);
    const dead = fakeIo({});
    const e = await expectKt(
      createKdcTransport({
        io: dead.io,
        locate: async () => ({ source: 'explicit', targets: [t1, t2], problems: [] }),
        passes: 3,
      }).send('R', fromHex('01')),
      'KDC_UNREACHABLE',
    );
    expect(dead.log).toHaveLength(6);
    expect(e.message).toMatch(/10\.0\.0\.1:88\/udp: timed out after 5 ms/);
    expect(e.details.attempts).toHaveLength(6);
  });

  it('TCP only by option, for large requests, and for tcp/ entries; udp/ entries never use TCP', async () => {
    const both = fakeIo({ 'tcp 10.0.0.1': () => OK, 'udp 10.0.0.1': () => krbError(52) });
    await createKdcTransport({ io: both.io, locate: async () => [t1], tcpOnly: true }).send(
      'R',
      fromHex('01'),
    );
    expect(both.log).toEqual(['tcp 10.0.0.1']);
    both.log.length = 0;
    await createKdcTransport({ io: both.io, locate: async () => [t1], udpPreferenceLimit: 1 }).send(
      'R',
      fromHex('0102'),
    );
    expect(both.log).toEqual(['tcp 10.0.0.1']);
    both.log.length = 0;
    await createKdcTransport({
      io: both.io,
      locate: async () => [{ ...t1, protocol: 'tcp' }],
    }).send('R', fromHex('01'));
    expect(both.log).toEqual(['tcp 10.0.0.1']);
    both.log.length = 0;
    await expectKt(
      createKdcTransport({
        io: both.io,
        locate: async () => [{ ...t1, protocol: 'udp' }],
        passes: 1,
      }).send('R', fromHex('01')),
      'KDC_UNREACHABLE',
    );
    expect(both.log).toEqual(['udp 10.0.0.1']);
  });
});

// --- real sockets on 127.0.0.1 ------------------------------------------------------------------------

interface FakeKdc {
  port: number;
  udpRequests: Uint8Array[];
  tcpRequests: Uint8Array[];
  close(): Promise<void>;
}

/**
 * A UDP and a TCP listener on the same OS-chosen port of 127.0.0.1: UDP answers `udpReply`
 * (or nothing), TCP answers `tcpReply` framed, written in `chunks` pieces.
 */
async function startFakeKdc(opts: {
  udpReply?: Uint8Array;
  tcpReply?: Uint8Array;
  rawTcp?: Uint8Array;
  chunks?: number;
  tcp?: boolean;
}): Promise<FakeKdc> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udpRequests: Uint8Array[] = [];
    const tcpRequests: Uint8Array[] = [];
    const sockets = new Set<Socket>();
    let server: Server | undefined;
    let port = 0;
    if (opts.tcp !== false) {
      server = createServer((sock) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        let buf = Buffer.alloc(0);
        sock.on('data', (d) => {
          buf = Buffer.concat([buf, d]);
          if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
            tcpRequests.push(new Uint8Array(buf.subarray(4)));
            const out = opts.rawTcp ?? Buffer.from(frameTcp(opts.tcpReply ?? new Uint8Array(0)));
            const n = opts.chunks ?? 1;
            const size = Math.ceil(out.length / n);
            for (let i = 0; i < out.length; i += size) sock.write(out.subarray(i, i + size));
          }
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    }
    const udp: UdpSocket = createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      udpRequests.push(new Uint8Array(msg));
      if (opts.udpReply) udp.send(opts.udpReply, rinfo.port, rinfo.address);
    });
    const bound = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) {
      udp.close();
      server?.close();
      continue;
    }
    return {
      port: udp.address().port,
      udpRequests,
      tcpRequests,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      },
    };
  }
  throw new Error('no port free for both UDP and TCP');
}

/** A port that nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('node sockets against fake KDCs on 127.0.0.1', () => {
  const open: FakeKdc[] = [];
  afterEach(async () => {
    for (const k of open.splice(0)) await k.close();
  });

  it('falls back from UDP to TCP on RESPONSE_TOO_BIG', async () => {
    const big = new Uint8Array(70_000).fill(0x42);
    big[0] = 0x6b;
    const kdc = await startFakeKdc({ udpReply: krbError(52), tcpReply: big, chunks: 7 });
    open.push(kdc);
    const transport = createNodeKdcTransport({
      kdcs: [`127.0.0.1:${kdc.port}`],
      useDns: false,
      timeoutMs: 2000,
    });
    const request = fromHex('6a03020105');
    const r = await transport.send('R', request);
    expect(r.protocol).toBe('tcp');
    expect(r.reply).toEqual(big);
    expect(kdc.udpRequests).toEqual([request]);
    expect(kdc.tcpRequests).toEqual([request]);
    expect(r.attempts.map((a) => `${a.protocol}:${a.outcome}`)).toEqual([
      'udp:response-too-big',
      'tcp:reply',
    ]);
  });

  it('TCP only by option', async () => {
    const kdc = await startFakeKdc({ udpReply: krbError(6), tcpReply: fromHex('6b00') });
    open.push(kdc);
    const transport = createNodeKdcTransport({
      kdcs: [`127.0.0.1:${kdc.port}`],
      useDns: false,
      tcpOnly: true,
    });
    const r = await transport.send('R', fromHex('01'));
    expect(r.reply).toEqual(fromHex('6b00'));
    expect(kdc.udpRequests).toHaveLength(0);
  });

  it('a dead KDC fails fast (port unreachable), a silent one times out, then the next answers', async () => {
    const silent = await startFakeKdc({ tcp: false });
    const good = await startFakeKdc({ udpReply: krbError(25) });
    open.push(silent, good);
    const dead = await closedPort();
    const transport = createNodeKdcTransport({
      kdcs: [`127.0.0.1:${dead}`, `127.0.0.1:${silent.port}`, `127.0.0.1:${good.port}`],
      useDns: false,
      timeoutMs: 300,
    });
    const t0 = Date.now();
    const r = await transport.send('R', fromHex('01'));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.kdc.port).toBe(good.port);
    expect(r.attempts.map((a) => a.reason ?? a.outcome)).toEqual([
      `127.0.0.1:${dead}/udp: connection refused`,
      `127.0.0.1:${silent.port}/udp: timed out after 300 ms`,
      'reply',
    ]);
  });

  it('KDC_UNREACHABLE when every KDC is dead', async () => {
    const dead = await closedPort();
    const transport = createNodeKdcTransport({
      kdcs: [`127.0.0.1:${dead}`],
      useDns: false,
      tcpOnly: true,
      timeoutMs: 500,
    });
    const e = await expectKt(transport.send('R', fromHex('01')), 'KDC_UNREACHABLE');
    expect(e.message).toMatch(/connection refused/);
  });

  it('rejects a TCP reply whose length has the reserved bit set, or that ends early', async () => {
    const bad = await startFakeKdc({ rawTcp: fromHex('80000001ff') });
    const short = await startFakeKdc({ rawTcp: fromHex('00000010ff') });
    open.push(bad, short);
    const io = nodeSocketIo();
    const target = (port: number): KdcTarget => ({
      address: '127.0.0.1',
      port,
      host: '127.0.0.1',
      source: 'explicit',
    });
    await expectKt(io.sendTcp(target(bad.port), frameTcp(fromHex('01')), 1000), 'KRB_BAD_MESSAGE');
    // The fake server keeps the connection open: this ends by timeout.
    const e = await expectKt(
      io.sendTcp(target(short.port), frameTcp(fromHex('01')), 300),
      'KDC_UNREACHABLE',
    );
    expect(e.message).toMatch(/timed out/);
  });
});

describe('DNS SRV discovery against a DNS server on 127.0.0.1', () => {
  it('finds the KDCs of a realm through _kerberos._udp / _kerberos._tcp', async () => {
    const dns = await startFakeDns({
      '_kerberos._udp.EXAMPLE.TEST': {
        srv: [{ name: 'kdc1.example.test', port: 1088, priority: 0, weight: 10 }],
      },
      '_kerberos._tcp.EXAMPLE.TEST': {
        srv: [{ name: 'kdc1.example.test', port: 1088, priority: 0, weight: 10 }],
      },
      'kdc1.example.test': { a: ['127.0.0.1'], aaaa: ['::1'] },
    });
    try {
      const servers = [`127.0.0.1:${dns.port}`];
      const r = await locateKdcs('EXAMPLE.TEST', {
        srvResolver: nodeSrvResolver({ servers, timeoutMs: 1000 }),
        hostResolver: nodeHostResolver({ servers, timeoutMs: 1000 }),
      });
      expect(r.source).toBe('dns-srv');
      expect(r.targets.map((t) => `${t.protocol} ${t.host} ${t.address}:${t.port}`)).toEqual([
        'udp kdc1.example.test 127.0.0.1:1088',
        'udp kdc1.example.test ::1:1088',
        'tcp kdc1.example.test 127.0.0.1:1088',
        'tcp kdc1.example.test ::1:1088',
      ]);
      expect(dns.queries.map((q) => q.toLowerCase())).toContain('srv _kerberos._udp.example.test');
      // An unknown realm: NXDOMAIN is "no records", so KDC_NOT_FOUND.
      await expectKt(
        locateKdcs('NOPE.TEST', { srvResolver: nodeSrvResolver({ servers, timeoutMs: 1000 }) }),
        'KDC_NOT_FOUND',
      );
    } finally {
      await dns.close();
    }
  });
});
