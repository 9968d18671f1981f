/**
 * A fake kpasswd server (RFC 3244) on 127.0.0.1, UDP and TCP on one port, for the answers real
 * servers get wrong. It reads a change-password request as a server does (the kadmin/changepw
 * key opens the ticket, the session key the authenticator, its subkey the KRB-PRIV), hands the
 * client and the new password to `act` (which may really change it, e.g. with kadmin.local),
 * then answers as `answer` says:
 *
 * - 'krb-error-success': a KRB-ERROR whose e-data carries result code 0 ("success") instead of
 *   an AP-REP + KRB-PRIV, as Windows Server 2025 does (msktutil issue 228);
 * - 'silent': no answer at all (UDP datagram dropped, TCP connection closed).
 *
 * The port is fixed (KTP_FAKE_KPASSWD_PORT, default 18965) and a busy one is refused, as the
 * server scripts do: the client must not talk to a stranger.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { utf8 } from '../../lib/bytes.js';
import { decrypt } from '../../lib/crypto/profiles.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import { KEY_USAGE } from '../../lib/krb5/constants.js';
import { decodeEncKrbPrivPart, decodeKrbPriv } from '../../lib/krb5/kpasswd-messages.js';
import {
  decodeApReq,
  decodeAuthenticator,
  decodeEncTicketPart,
  encodeKrbError,
  fromPrincipalName,
  tgsPrincipalName,
} from '../../lib/krb5/messages.js';
import type { Principal } from '../../lib/principal.js';

export type FakeKpasswdAnswer = 'krb-error-success' | 'silent';

export interface FakeKpasswdRequest {
  readonly protocol: 'udp' | 'tcp';
  readonly version: number;
  readonly client: Principal;
  /** The new password (version 1: the KRB-PRIV's user data). */
  readonly password: string;
}

export interface FakeKpasswdOptions {
  readonly realm: string;
  /** The kadmin/changepw keys (e.g. from `kadmin.local ktadd -norandkey`). */
  readonly keys: readonly KeytabEntry[];
  readonly answer: FakeKpasswdAnswer;
  /** What the server does with a request before answering. */
  act: (request: FakeKpasswdRequest) => Promise<void>;
  readonly port?: number | undefined;
}

export interface FakeKpasswdServer {
  readonly port: number;
  /** How the next requests are answered (starts as options.answer). */
  answer: FakeKpasswdAnswer;
  readonly requests: FakeKpasswdRequest[];
  close(): Promise<void>;
}

export const DEFAULT_FAKE_KPASSWD_PORT = 18965;

function read(
  options: FakeKpasswdOptions,
  protocol: 'udp' | 'tcp',
  req: Uint8Array,
): FakeKpasswdRequest {
  const version = (req[2]! << 8) | req[3]!;
  const apLength = (req[4]! << 8) | req[5]!;
  const ap = decodeApReq(req.subarray(6, 6 + apLength));
  const enc = ap.ticket.encPart;
  const key = options.keys.find(
    (k) => k.enctype === enc.etype && (enc.kvno === undefined || k.kvno === enc.kvno),
  );
  if (!key)
    throw new Error(`fake kpasswd: no kadmin/changepw key for etype ${enc.etype} kvno ${enc.kvno}`);
  const part = decodeEncTicketPart(
    decrypt(enc.etype, key.key, KEY_USAGE.KDC_REP_TICKET, enc.cipher),
  );
  const auth = decodeAuthenticator(
    decrypt(part.key.keytype, part.key.keyvalue, KEY_USAGE.AP_REQ_AUTH, ap.authenticator.cipher),
  );
  if (!auth.subkey) throw new Error('fake kpasswd: the authenticator has no subkey');
  const priv = decodeKrbPriv(req.subarray(6 + apLength));
  const data = decodeEncKrbPrivPart(
    decrypt(priv.etype, auth.subkey.keyvalue, KEY_USAGE.KRB_PRIV_ENC_PART, priv.cipher),
  );
  return {
    protocol,
    version,
    client: fromPrincipalName(part.cname, part.crealm),
    password: new TextDecoder().decode(data.userData),
  };
}

/** KRB-ERROR (KRB_ERR_GENERIC) carrying result code 0 and "Password changed" in its e-data. */
function successAsKrbError(realm: string): Uint8Array {
  const error = encodeKrbError({
    stime: new Date(Math.floor(Date.now() / 1000) * 1000),
    susec: 0,
    errorCode: 60,
    realm,
    sname: tgsPrincipalName(realm),
    eData: Uint8Array.from([0, 0, ...utf8('Password changed')]),
  });
  const reply = new Uint8Array(6 + error.length);
  reply.set([reply.length >> 8, reply.length & 0xff, 0, 1, 0, 0]);
  reply.set(error, 6);
  return reply;
}

function busy(protocol: string, port: number): Error {
  return new Error(
    `refusing to start the fake kpasswd server: ${protocol} port 127.0.0.1:${port} is already in use; stop that listener or pick another port with KTP_FAKE_KPASSWD_PORT=PORT`,
  );
}

export async function startFakeKpasswd(options: FakeKpasswdOptions): Promise<FakeKpasswdServer> {
  const port =
    options.port ?? (Number(process.env.KTP_FAKE_KPASSWD_PORT) || DEFAULT_FAKE_KPASSWD_PORT);
  const requests: FakeKpasswdRequest[] = [];
  const state = { answer: options.answer };
  /** The reply to send, or undefined for none. */
  const handle = async (
    protocol: 'udp' | 'tcp',
    bytes: Uint8Array,
  ): Promise<Uint8Array | undefined> => {
    const request = read(options, protocol, bytes);
    requests.push(request);
    await options.act(request);
    return state.answer === 'silent' ? undefined : successAsKrbError(options.realm);
  };

  const open = new Set<Socket>();
  const tcp: Server = createServer((socket: Socket) => {
    let buf = Buffer.alloc(0);
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
      void handle('tcp', new Uint8Array(buf.subarray(4, 4 + buf.readUInt32BE(0)))).then(
        (reply) => {
          if (reply === undefined) return void socket.destroy();
          const head = Buffer.alloc(4);
          head.writeUInt32BE(reply.length);
          socket.end(Buffer.concat([head, Buffer.from(reply)]));
        },
        () => socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? busy('TCP', port) : e),
    );
    tcp.listen(port, '127.0.0.1', () => resolve());
  });
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    void handle('udp', new Uint8Array(msg)).then(
      (reply) => {
        if (reply !== undefined) udp.send(reply, rinfo.port, rinfo.address);
      },
      () => undefined,
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? busy('UDP', port) : e),
      );
      udp.bind(port, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    throw e;
  }
  return {
    port,
    requests,
    get answer() {
      return state.answer;
    },
    set answer(value: FakeKpasswdAnswer) {
      state.answer = value;
    },
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
