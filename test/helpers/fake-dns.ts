/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, OS-chosen port) for tests of SRV
 * discovery: answers SRV, A and AAAA questions from a fixed table, NXDOMAIN otherwise, and
 * records the questions it saw. Never forwards anything anywhere.
 *
 *   const dns = await startFakeDns({ '_kerberos._udp.EXAMPLE.TEST': { srv: [{ name: 'kdc1.example.test', port: 88, priority: 0, weight: 0 }] } });
 *   nodeSrvResolver({ servers: [`127.0.0.1:${dns.port}`] })
 */
import { createSocket } from 'node:dgram';

export interface FakeSrv {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface FakeDnsEntry {
  srv?: FakeSrv[];
  a?: string[];
  aaaa?: string[];
}

export interface FakeDns {
  port: number;
  /** "TYPE name" of every question, in order. */
  queries: string[];
  close(): Promise<void>;
}

const TYPE = { A: 1, AAAA: 28, SRV: 33 } as const;
const TYPE_NAME: Record<number, string> = { 1: 'A', 28: 'AAAA', 33: 'SRV' };

function encodeName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.replace(/\.$/, '').split('.')) {
    if (label === '') continue;
    const bytes = [...Buffer.from(label, 'ascii')];
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return out;
}

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

function ipv6Bytes(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = (head ?? '').split(':').filter((x) => x !== '');
  const t = tail === undefined ? [] : tail.split(':').filter((x) => x !== '');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

export async function startFakeDns(table: Record<string, FakeDnsEntry>): Promise<FakeDns> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  const lower = new Map(
    Object.entries(table).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]),
  );
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    // Question: labels from byte 12.
    let at = 12;
    const labels: string[] = [];
    while (at < msg.length && msg[at] !== 0) {
      const len = msg[at] as number;
      labels.push(msg.subarray(at + 1, at + 1 + len).toString('ascii'));
      at += 1 + len;
    }
    at += 1;
    const qtype = msg.readUInt16BE(at);
    const question = msg.subarray(12, at + 4);
    const name = labels.join('.');
    queries.push(`${TYPE_NAME[qtype] ?? qtype} ${name}`);
    const entry = lower.get(name.toLowerCase());
    const answers: number[][] = [];
    const rr = (type: number, rdata: number[]): number[] => [
      0xc0,
      0x0c,
      ...u16(type),
      ...u16(1),
      0,
      0,
      0,
      60,
      ...u16(rdata.length),
      ...rdata,
    ];
    if (entry && qtype === TYPE.SRV) {
      for (const s of entry.srv ?? [])
        answers.push(
          rr(TYPE.SRV, [
            ...u16(s.priority),
            ...u16(s.weight),
            ...u16(s.port),
            ...encodeName(s.name),
          ]),
        );
    }
    if (entry && qtype === TYPE.A)
      for (const a of entry.a ?? []) answers.push(rr(TYPE.A, a.split('.').map(Number)));
    if (entry && qtype === TYPE.AAAA)
      for (const a of entry.aaaa ?? []) answers.push(rr(TYPE.AAAA, ipv6Bytes(a)));
    const rcode = entry ? 0 : 3; // NXDOMAIN for unknown names
    const header = [
      ...u16(msg.readUInt16BE(0)),
      0x84,
      0x80 | rcode,
      ...u16(1),
      ...u16(answers.length),
      0,
      0,
      0,
      0,
    ];
    const reply = Buffer.from([...header, ...question, ...answers.flat()]);
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
