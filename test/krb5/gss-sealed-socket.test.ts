/**
 * The sealed socket (lib/node/sasl-socket.ts) over a loopback TCP pair whose server side
 * replays tokens of the captured RC4 session (test/fixtures/gss/): good tokens reach ldapts as
 * LDAP messages; a tampered one becomes the socket's 'error' (the KtError), ldapts fails the
 * pending operation with its words, and the directory error mapping keeps them. Also how the
 * socket looks to ldapts (connecting, readyState) before, during and after.
 */
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryError } from '../../lib/ad/errors.js';
import { fromHex } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { wrapFormat } from '../../lib/krb5/gss-protect.js';
import { SealedSocket } from '../../lib/node/sasl-socket.js';
import type { BoundSasl } from '../../lib/node/sasl-bind-tcp.js';

interface Fixture {
  enctype: number;
  tokenKey: { enctype: number; key: string };
  acceptorSubkeyFlag: boolean;
  initiatorSeq: number;
  acceptorSeq: number;
  tokens: { from: string; phase: string; token: string; sealed: boolean }[];
}
const f = JSON.parse(
  readFileSync(new URL('../fixtures/gss/samba-4.22-rc4.json', import.meta.url), 'utf8'),
) as Fixture;

/** 'close', without events.once's rejection on an earlier 'error'. */
const closeOf = (s: SealedSocket) =>
  new Promise<void>((resolve) => s.once('close', () => resolve()));

const framed = (token: Uint8Array): Buffer => {
  const out = Buffer.alloc(4 + token.length);
  out.writeUInt32BE(token.length, 0);
  out.set(token, 4);
  return out;
};

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A connected pair: our TCP socket and the server's end of it. */
async function pair(): Promise<{ raw: Socket; peer: Socket }> {
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection');
  const raw = connect({ host: '127.0.0.1', port });
  await once(raw, 'connect');
  const [peer] = (await accepted) as [Socket];
  return { raw, peer };
}

/** The RC4 session as it stood after the bind (one token each way). */
function bound(raw: Socket): BoundSasl {
  return {
    raw,
    state: {
      key: { enctype: f.tokenKey.enctype, key: fromHex(f.tokenKey.key) },
      acceptorSubkey: f.acceptorSubkeyFlag,
      sendSeq: BigInt(f.initiatorSeq + 1),
      recvSeq: BigInt(f.acceptorSeq + 1),
    },
    format: wrapFormat(f.enctype),
    random: (n) => new Uint8Array(n),
    maxSend: 65536,
    pending: new Uint8Array(0),
    capture: undefined,
  };
}

const firstSealed = () =>
  fromHex(f.tokens.find((t) => t.from === 'acceptor' && t.phase === 'ldap')!.token);

describe('the sealed socket over loopback, with the captured RC4 session', () => {
  it('looks established to ldapts, and unseals a DC token into its LDAP message', async () => {
    const { raw, peer } = await pair();
    const s = SealedSocket.established(bound(raw));
    expect(s.connecting).toBe(false);
    expect(s.readyState).toBe('open');
    expect(s.remotePort).toBe(peer.localPort);
    const got = once(s, 'data');
    peer.write(framed(firstSealed()));
    const [data] = (await got) as [Buffer];
    expect(data[0]).toBe(0x30); // an LDAPMessage SEQUENCE
    s.destroy();
    expect(s.readyState).toBe('closed');
  });

  it('a tampered token: an error event with GSS_INTEGRITY, then close; ldapts fails the pending search in words', async () => {
    const { raw, peer } = await pair();
    const s = SealedSocket.established(bound(raw));
    const client = new Client({
      url: 'ldap://127.0.0.1:389',
      timeout: 5000,
      createConnection: (() => s) as never,
    });
    const search = client.search('', { scope: 'base' });
    const bad = firstSealed();
    bad[bad.length - 5]! ^= 0x01;
    const closed = closeOf(s);
    // Only after ldapts has written its request (the socket is connected by then).
    await once(peer, 'data');
    peer.write(framed(bad));
    const err = await search.then(
      () => undefined,
      (e: Error) => e,
    );
    await closed;
    expect(s.lastError).toBeInstanceOf(KtError);
    expect((s.lastError as KtError).code).toBe('GSS_INTEGRITY');
    expect(err?.message).toMatch(/fails its checksum: tampered with, or another key/);
    const mapped = directoryError(err, { operation: 'search', url: 'ldap://127.0.0.1:389' });
    expect(mapped.message).toMatch(/fails its checksum/);
    peer.destroy();
  });

  it('an oversized length prefix is GSS_BAD_TOKEN at once, not an allocation or a wait', async () => {
    const { raw, peer } = await pair();
    const s = SealedSocket.established(bound(raw));
    const closed = closeOf(s);
    peer.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    await closed;
    expect((s.lastError as KtError).code).toBe('GSS_BAD_TOKEN');
    peer.destroy();
  });

  it('the DC closing the connection ends and closes the socket (no error)', async () => {
    const { raw, peer } = await pair();
    const s = SealedSocket.established(bound(raw));
    s.resume();
    const closed = closeOf(s);
    peer.end();
    await closed;
    expect(s.lastError).toBeUndefined();
    expect(s.readyState).toBe('closed');
  });

  it('a socket still binding says connecting/opening, keeps setTimeout and unref for the TCP socket, then connects', async () => {
    const { raw } = await pair();
    let finish: (b: BoundSasl) => void = () => undefined;
    const s = SealedSocket.binding(new Promise<BoundSasl>((resolve) => (finish = resolve)));
    expect(s.connecting).toBe(true);
    expect(s.readyState).toBe('opening');
    s.setTimeout(60_000).unref();
    const connected = once(s, 'connect');
    finish(bound(raw));
    await connected;
    expect(s.connecting).toBe(false);
    expect(s.readyState).toBe('open');
    expect(raw.timeout).toBe(60_000);
    s.destroy();
  });

  it('a bind that fails becomes the error event of the socket still binding', async () => {
    const s = SealedSocket.binding(
      Promise.reject(new KtError('AD_SASL', 'the directory refused the ticket')),
    );
    const [err] = (await once(s, 'error')) as [KtError];
    expect(err.code).toBe('AD_SASL');
    expect(s.readyState).toBe('closed');
  });
});
