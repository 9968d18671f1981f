/**
 * The KDC's clock against this host's. A KRB-ERROR carries the KDC's time in the clear
 * (stime, RFC 4120 5.9.1); an AS-REP carries it only inside the part encrypted with the
 * client's key. So when every reply was an AS-REP (MIT principals without pre-authentication),
 * one AS-REQ for a principal that cannot exist gets a KDC_ERR_C_PRINCIPAL_UNKNOWN, and its stime.
 */
import { toHex } from '../bytes.js';
import { isKtError } from '../errors.js';
import { probeAsReq, type KrbContext } from '../krb5/client.js';
import { formatKdc } from '../krb5/transport.js';
import type { VerifyCheck } from './types.js';

/** KDC time minus local time, in whole seconds, as one KDC showed it. */
export interface Skew {
  readonly kdc: string;
  readonly seconds: number;
}

/** Named in the clock probe: random, so it is never a real principal. */
function nobody(realm: string, random: (n: number) => Uint8Array): { components: string[]; realm: string; nameType: number } {
  return { components: [`keytab-clock-probe-${toHex(random(6))}`], realm, nameType: 1 };
}

/**
 * The skew to the realm's KDC from a KRB-ERROR for a made-up principal, or undefined when the
 * KDC answered in a way that carries no time (or not at all: the other checks say so).
 */
export async function probeKdcClock(ctx: KrbContext, realm: string): Promise<Skew & { readonly offsetMs: number } | undefined> {
  try {
    const result = await probeAsReq(ctx, nobody(realm, ctx.random), { enctypes: [18, 17] });
    if (result.kind === 'as-rep') return undefined;
    const offsetMs = result.kdcTime.getTime() - result.localTime.getTime();
    return { kdc: formatKdc(result.kdc), seconds: Math.round(offsetMs / 1000), offsetMs };
  } catch (e) {
    if (isKtError(e) && (e.code === 'KDC_UNREACHABLE' || e.code === 'KRB_BAD_MESSAGE')) return undefined;
    throw e;
  }
}

/** The clock line of `keytab verify`: the worst skew seen against the allowed one. */
export function clockLine(skews: readonly Skew[], allowed: number, warnAbove: number): VerifyCheck {
  if (skews.length === 0) return { check: 'clock', status: 'SKIP', what: 'clock', reason: 'no KDC reply carried the KDC\'s time' };
  const worst = skews.reduce((a, b) => (Math.abs(b.seconds) > Math.abs(a.seconds) ? b : a));
  const abs = Math.abs(worst.seconds);
  const direction = worst.seconds > 0 ? 'behind' : 'ahead of';
  // The CLI clock has whole seconds: a second either way is agreement.
  const words = abs <= 1 ? `this host's clock agrees with the KDC ${worst.kdc} to within 1 s` : `this host's clock is ${abs} s ${direction} the KDC ${worst.kdc}`;
  const details = { skewSeconds: worst.seconds, allowedSkewSeconds: allowed, kdc: worst.kdc };
  if (abs > allowed) {
    return {
      check: 'clock',
      status: 'FAIL',
      what: 'clock',
      reason: `${words}, more than the allowed ${allowed} s: kinit and the services fail with "Clock skew too great" (the key checks above used the KDC's time)`,
      fix: 'synchronise the clock (timedatectl set-ntp true, chronyc makestep; on a domain, NTP from the domain controllers)',
      details,
    };
  }
  if (abs > warnAbove) {
    return { check: 'clock', status: 'WARN', what: 'clock', reason: `${words} (allowed ${allowed} s)`, fix: 'set up NTP before the drift reaches the allowed skew', details };
  }
  return { check: 'clock', status: 'OK', what: 'clock', reason: `${words} (allowed ${allowed} s)`, details };
}
