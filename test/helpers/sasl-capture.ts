/**
 * Test-only capture of one SASL GSSAPI session, for the fixtures of test/fixtures/gss/: a test
 * passes `capture: captureFromEnv(process.env)` to openSaslGssapi; with KTP_SASL_CAPTURE set to
 * a directory, each such sealed connection writes a JSON file there with
 * the keys, the sequence numbers, the security-layer offer and each wrap token both ways (with
 * its plaintext and the random octets our side drew for it). It writes session keys to disk:
 * never set it outside tests against a throwaway DC. Unset (the default), nothing is recorded.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../lib/bytes.js';
import type { RandomSource } from '../../lib/crypto/profiles.js';
import type { KrbKey } from '../../lib/krb5/client.js';
import type {
  SaslCaptureContext,
  SaslCaptureFactory,
  SaslCaptureSink,
  SaslCapturedToken,
} from '../../lib/node/sasl-bind-tcp.js';

export const CAPTURE_ENV = 'KTP_SASL_CAPTURE';

interface CapturedToken {
  readonly from: 'initiator' | 'acceptor';
  readonly phase: 'bind' | 'ldap';
  readonly token: string;
  readonly data: string;
  readonly sealed: boolean;
  /** Initiator tokens: the octets drawn from the random source while wrapping (the confounder). */
  readonly random?: string;
}

const hexKey = (k: KrbKey | undefined) =>
  k === undefined ? null : { enctype: k.enctype, key: toHex(k.key) };

export class SaslCapture implements SaslCaptureSink {
  readonly #file: string;
  readonly #record: Record<string, unknown>;
  readonly #tokens: CapturedToken[] = [];

  private constructor(dir: string, record: Record<string, unknown>) {
    this.#file = join(dir, `sasl-${String(record['enctype'])}-${Date.now()}-${process.pid}.json`);
    this.#record = record;
  }

  /** The capture option for openSaslGssapi when KTP_SASL_CAPTURE is set, else undefined. */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>>,
  ): SaslCaptureFactory | undefined {
    const dir = env[CAPTURE_ENV];
    if (dir === undefined || dir === '') return undefined;
    return (context) => SaslCapture.#start(dir, context);
  }

  static #start(dir: string, context: SaslCaptureContext): SaslCapture {
    return new SaslCapture(dir, {
      service: context.service,
      enctype: context.tokenKey.enctype,
      format: context.format,
      sessionKey: hexKey(context.sessionKey),
      initiatorSubkey: hexKey(context.initiatorSubkey),
      acceptorSubkey: hexKey(context.acceptorSubkey),
      tokenKey: hexKey(context.tokenKey),
      acceptorSubkeyFlag: context.acceptorSubkeyFlag,
      gssFlags: context.gssFlags,
      initiatorSeq: context.initiatorSeq,
      acceptorSeq: context.acceptorSeq,
    });
  }

  /** A random source that remembers what it handed out, for the next `sent`. */
  recording(random: RandomSource): { random: RandomSource; drawn: () => Uint8Array[] } {
    const drawn: Uint8Array[] = [];
    return {
      random: (n) => {
        const b = random(n);
        drawn.push(b.slice());
        return b;
      },
      drawn: () => drawn.splice(0),
    };
  }

  layerOffer(layers: number, maxSize: number): void {
    this.#record['layerOffer'] = { layers, maxSize };
    this.#flush();
  }

  token(t: SaslCapturedToken): void {
    this.#tokens.push({
      from: t.from,
      phase: t.phase,
      token: toHex(t.token),
      data: toHex(t.data),
      sealed: t.sealed,
      ...(t.random !== undefined ? { random: t.random.map(toHex).join('') } : {}),
    });
    this.#flush();
  }

  #flush(): void {
    writeFileSync(
      this.#file,
      `${JSON.stringify({ ...this.#record, tokens: this.#tokens }, null, 1)}\n`,
      { mode: 0o600 },
    );
  }
}
