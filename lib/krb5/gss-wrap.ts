/**
 * RFC 4121 section 4.2.6.2 Wrap tokens (GSS_Wrap / GSS_Unwrap), initiator side, for the
 * enctypes with an RFC 3961 simplified profile (AES, Camellia); gss-protect.ts picks this
 * format or RC4's by the key's enctype. Pure.
 *
 *   octets  0..1  TOK_ID  05 04
 *           2     Flags   0x01 SentByAcceptor, 0x02 Sealed, 0x04 AcceptorSubkey
 *           3     Filler  FF
 *           4..5  EC      extra count (sealed: filler octets; not sealed: checksum length)
 *           6..7  RRC     right rotation count of everything after the header
 *           8..15 SND_SEQ sequence number, big-endian
 *
 * Sealed: header || E(key, usage, plaintext || EC filler octets || header with RRC 0).
 * Not sealed: header || plaintext || checksum(key, usage, plaintext || header with EC and RRC 0).
 * Key usages (section 2): Wrap tokens, sealed or not, use acceptor seal 22 and initiator
 * seal 24 (the sign usages 23 and 25 are for MIC tokens; measured: Samba signs its unsealed
 * security-layer offer with 22). The key is the acceptor's subkey when it sent one (flag AcceptorSubkey), else the
 * initiator's. Sequence numbers must arrive in order: a gap, a repeat or a reordering is
 * GSS_SEQUENCE; a failed check GSS_INTEGRITY; a malformed token GSS_BAD_TOKEN. Never a hang:
 * every token is complete when it is unwrapped (the caller frames it).
 */
import { concatBytes } from '../bytes.js';
import { checksum, checksumTypeFor, decrypt, encrypt, verifyChecksum } from '../crypto/profiles.js';
import type { RandomSource } from '../crypto/profiles.js';
import { KtError } from '../errors.js';
import type { KrbKey } from './client.js';

const HEADER = 16;
const FLAG_SENT_BY_ACCEPTOR = 0x01;
const FLAG_SEALED = 0x02;
const FLAG_ACCEPTOR_SUBKEY = 0x04;
const USAGE = Object.freeze({ ACCEPTOR_SEAL: 22, INITIATOR_SEAL: 24 } as const);

export interface WrapState {
  readonly key: KrbKey;
  /** The key is the acceptor's subkey. */
  readonly acceptorSubkey: boolean;
  /** Next sequence number to send, and the next one expected. */
  sendSeq: bigint;
  recvSeq: bigint;
}

/**
 * Checks that `seq` is the number expected from the server, then expects the next one (`mask`
 * is the width of the token's sequence field: 64 bits here, 32 in RC4 tokens).
 */
export function acceptSequence(state: WrapState, seq: bigint, mask: bigint): void {
  if (seq !== state.recvSeq) {
    throw new KtError(
      'GSS_SEQUENCE',
      `message number ${seq} from the server, expected ${state.recvSeq}: replayed, lost or reordered`,
      { details: { received: seq.toString(), expected: state.recvSeq.toString() } },
    );
  }
  state.recvSeq = (seq + 1n) & mask;
}

/** GSS_Wrap of one message: a token for `data`, sealed when `conf`; `random` gives confounders. */
export type WrapFunction = (
  state: WrapState,
  data: Uint8Array,
  conf: boolean,
  random: RandomSource,
) => Uint8Array;

function bad(message: string): KtError {
  return new KtError('GSS_BAD_TOKEN', message);
}

function header(flags: number, ec: number, rrc: number, seq: bigint): Uint8Array {
  const h = new Uint8Array(HEADER);
  h[0] = 0x05;
  h[1] = 0x04;
  h[2] = flags;
  h[3] = 0xff;
  h[4] = ec >> 8;
  h[5] = ec & 0xff;
  h[6] = rrc >> 8;
  h[7] = rrc & 0xff;
  new DataView(h.buffer).setBigUint64(8, seq);
  return h;
}

/** GSS_Wrap: one token for `data`, sealed (encrypted) or only integrity-protected. */
export const wrap: WrapFunction = (state, data, conf, random) => {
  const { key } = state;
  const flags = (conf ? FLAG_SEALED : 0) | (state.acceptorSubkey ? FLAG_ACCEPTOR_SUBKEY : 0);
  const seq = state.sendSeq;
  state.sendSeq = (seq + 1n) & 0xffffffffffffffffn;
  if (conf) {
    const h = header(flags, 0, 0, seq);
    return concatBytes(
      h,
      encrypt(key.enctype, key.key, USAGE.INITIATOR_SEAL, concatBytes(data, h), { random }),
    );
  }
  const type = checksumTypeFor(key.enctype);
  const mac = checksum(
    type,
    key.key,
    USAGE.INITIATOR_SEAL,
    concatBytes(data, header(flags, 0, 0, seq)),
  );
  return concatBytes(header(flags, mac.length, 0, seq), data, mac);
};

/** GSS_Unwrap of an acceptor's token: the data, and whether it was sealed. */
export function unwrap(state: WrapState, token: Uint8Array): { data: Uint8Array; sealed: boolean } {
  if (token.length < HEADER)
    throw bad(`a wrap token of ${token.length} octets is shorter than its 16-octet header`);
  if (token[0] !== 0x05 || token[1] !== 0x04)
    throw bad(
      `not an RFC 4121 wrap token (TOK_ID ${token[0]?.toString(16)} ${token[1]?.toString(16)})`,
    );
  const flags = token[2]!;
  if (token[3] !== 0xff) throw bad('wrap token filler is not FF');
  if ((flags & FLAG_SENT_BY_ACCEPTOR) === 0)
    throw new KtError(
      'GSS_INTEGRITY',
      'a wrap token from the server says the initiator sent it: a reflected message',
    );
  if (((flags & FLAG_ACCEPTOR_SUBKEY) !== 0) !== state.acceptorSubkey)
    throw bad('wrap token protected with another key than the one agreed');
  const ec = (token[4]! << 8) | token[5]!;
  const rrc = (token[6]! << 8) | token[7]!;
  const seq = new DataView(token.buffer, token.byteOffset, token.length).getBigUint64(8);
  const body = rotateLeft(token.subarray(HEADER), rrc);
  const sealed = (flags & FLAG_SEALED) !== 0;
  const { key } = state;
  let data: Uint8Array;
  if (sealed) {
    let plain: Uint8Array;
    try {
      plain = decrypt(key.enctype, key.key, USAGE.ACCEPTOR_SEAL, body);
    } catch (err) {
      throw new KtError(
        'GSS_INTEGRITY',
        'a sealed message from the server does not decrypt: tampered with, or another key',
        { cause: err },
      );
    }
    if (plain.length < HEADER + ec) throw bad('sealed wrap token too short for its header copy');
    const copy = plain.subarray(plain.length - HEADER);
    const expected = concatBytes(
      token.subarray(0, 6),
      Uint8Array.from([0, 0]),
      token.subarray(8, HEADER),
    );
    if (!copy.every((b, i) => b === expected[i]))
      throw new KtError(
        'GSS_INTEGRITY',
        'the header inside a sealed message differs from the one outside',
      );
    data = plain.subarray(0, plain.length - HEADER - ec);
  } else {
    if (body.length < ec) throw bad('wrap token shorter than its checksum');
    data = body.subarray(0, body.length - ec);
    const mac = body.subarray(body.length - ec);
    const signed = concatBytes(data, header(flags, 0, 0, seq));
    if (!verifyChecksum(checksumTypeFor(key.enctype), key.key, USAGE.ACCEPTOR_SEAL, signed, mac)) {
      throw new KtError(
        'GSS_INTEGRITY',
        'a signed message from the server fails its checksum: tampered with, or another key',
      );
    }
  }
  acceptSequence(state, seq, 0xffffffffffffffffn);
  return { data: new Uint8Array(data), sealed };
}

function rotateLeft(bytes: Uint8Array, count: number): Uint8Array {
  if (bytes.length === 0) return bytes;
  const n = count % bytes.length;
  return n === 0 ? bytes : concatBytes(bytes.subarray(n), bytes.subarray(0, n));
}
