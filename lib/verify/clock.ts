/**
 * The KDC's clock against this host's. A KRB-ERROR carries the KDC's time in the clear
 * (stime, RFC 4120 5.9.1); an AS-REP carries it only inside the part encrypted with the
 * client's key. So when every reply was an AS-REP (MIT principals without pre-authentication),
 * one AS-REQ for a principal that cannot exist gets a KDC_ERR_C_PRINCIPAL_UNKNOWN, and its stime.
 * The clock line that judges the skews is judge-run.ts clockLine.
 */
import { toHex } from '../bytes.js';
import { isKtError } from '../errors.js';
import { probeAsReq, type KrbContext } from '../krb5/client.js';
import { formatKdc } from '../krb5/transport.js';
import { CLOCK_PROBE_ENCTYPES } from './enctype-names.js';

/** KDC time minus local time, in whole seconds, as one KDC showed it. */
export interface Skew {
  readonly kdc: string;
  readonly seconds: number;
}

/** Named in the clock probe: random, so it is never a real principal. */
function nobody(
  realm: string,
  random: (n: number) => Uint8Array,
): { components: string[]; realm: string; nameType: number } {
  return { components: [`keytab-clock-probe-${toHex(random(6))}`], realm, nameType: 1 };
}

/**
 * The skew to the realm's KDC from a KRB-ERROR for a made-up principal, or undefined when the
 * KDC answered in a way that carries no time (or not at all: the other checks say so).
 */
export async function probeKdcClock(
  ctx: KrbContext,
  realm: string,
): Promise<(Skew & { readonly offsetMs: number }) | undefined> {
  try {
    const result = await probeAsReq(ctx, nobody(realm, ctx.random), {
      enctypes: CLOCK_PROBE_ENCTYPES,
    });
    if (result.kind === 'as-rep') return undefined;
    const offsetMs = result.kdcTime.getTime() - result.localTime.getTime();
    return { kdc: formatKdc(result.kdc), seconds: Math.round(offsetMs / 1000), offsetMs };
  } catch (e) {
    if (isKtError(e) && (e.code === 'KDC_UNREACHABLE' || e.code === 'KRB_BAD_MESSAGE'))
      return undefined;
    throw e;
  }
}
