/**
 * The network side: DNS SRV records of the realm (through an injected resolver), each KDC
 * asked on its own (an AS-REQ without pre-authentication: any Kerberos answer proves it
 * serves), and the clock skew to each from the time in its answer.
 */
import { PROBE_ENCTYPES } from '../crypto/policy.js';
import { isKtError } from '../errors.js';
import { probeAsReq, type ProbeResult } from '../krb5/client.js';
import { KRB_ERR, krbErrorInfo } from '../krb5/constants.js';
import {
  formatKdc,
  orderSrvRecords,
  type HostResolver,
  type KdcTarget,
  type KdcTransport,
  type SrvRecord,
  type SrvResolver,
} from '../krb5/transport.js';
import type { Principal } from '../principal.js';
import { probeKdcClock } from '../verify/clock.js';
import { option, remedy } from '../remedy.js';
import type { Remedy } from '../remedy.js';
import { fixOf, whyOf } from '../report-line.js';
import type { Finding } from './types.js';

/** The SRV names a realm's clients look up (RFC 4120 section 7.2.3.2; kpasswd: RFC 3244). */
// prettier-ignore
export const REALM_SRV_NAMES: readonly { readonly prefix: string; readonly role: string; readonly needed: boolean }[] = Object.freeze([
  { prefix: '_kerberos._udp', role: 'KDCs over UDP', needed: true },
  { prefix: '_kerberos._tcp', role: 'KDCs over TCP', needed: true },
  { prefix: '_kpasswd._udp', role: 'password changes (kpasswd)', needed: false },
]);

export interface DnsCheckOptions {
  readonly realm: string;
  readonly srvResolver?: SrvResolver | undefined;
  readonly hostResolver?: HostResolver | undefined;
  /** True when krb5.conf or --kdc names the KDCs (SRV records are then optional). */
  readonly kdcsListed: boolean;
  /** Why DNS is not used (--no-dns), when it is not. */
  readonly skipped?: string | undefined;
}

const srvText = (r: SrvRecord): string =>
  `${r.name.replace(/\.$/, '')}:${r.port} (priority ${r.priority}, weight ${r.weight})`;

export async function checkDns(o: DnsCheckOptions): Promise<Finding[]> {
  if (!o.srvResolver)
    return [
      {
        section: 'dns',
        severity: 'info',
        what: 'DNS SRV',
        why: o.skipped ?? 'DNS is not used',
        fix: undefined,
      },
    ];
  const out: Finding[] = [];
  for (const s of REALM_SRV_NAMES) {
    const name = `${s.prefix}.${o.realm}`;
    let records: readonly SrvRecord[];
    try {
      records = await o.srvResolver.resolveSrv(name);
    } catch (e) {
      out.push({
        section: 'dns',
        severity: 'warning',
        what: name,
        why: `the lookup failed: ${e instanceof Error ? e.message : String(e)}`,
        ...fixOf(remedy`check the DNS server (${option('dnsServer')}, /etc/resolv.conf)`),
      });
      continue;
    }
    const usable = orderSrvRecords(records);
    if (usable.length === 0) {
      const severity =
        s.needed && !o.kdcsListed && s.prefix === '_kerberos._udp' ? 'error' : 'info';
      out.push({
        section: 'dns',
        severity,
        what: name,
        ...whyOf(
          records.length > 0
            ? `a "." record: the domain says it has no ${s.role}`
            : remedy`no record${o.kdcsListed ? remedy` (fine: krb5.conf or ${option('kdc')} lists the KDCs)` : `: clients relying on DNS find no ${s.role}`}`,
        ),
        fix:
          severity === 'error'
            ? `publish "${name}. SRV 0 100 88 dc1.${o.realm.toLowerCase()}." or list the KDCs in krb5.conf`
            : undefined,
      });
      continue;
    }
    out.push({
      section: 'dns',
      severity: 'ok',
      what: name,
      why: usable.map(srvText).join('; '),
      details: { records: usable.map(srvText) },
    });
    if (!o.hostResolver) continue;
    for (const r of usable) {
      const host = r.name.replace(/\.$/, '');
      let addresses: readonly string[] = [];
      let problem: string | undefined;
      try {
        addresses = await o.hostResolver.resolveHost(host);
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
      if (addresses.length === 0) {
        out.push({
          section: 'dns',
          severity: 'warning',
          what: `${name} -> ${host}`,
          why: `the target has no address${problem ? ` (${problem})` : ''}: clients skip it`,
          fix: `add A/AAAA records for ${host}, or fix the SRV target`,
        });
      }
    }
  }
  return out;
}

export interface KdcCheckOptions {
  readonly realm: string;
  readonly targets: readonly KdcTarget[];
  /** A transport that asks exactly this one KDC. */
  readonly transportFor: (target: KdcTarget) => KdcTransport;
  readonly now: () => Date;
  readonly random: (n: number) => Uint8Array;
  /** The principal named in the probes (a keytab principal, or a made-up one). */
  readonly client: Principal;
  readonly allowedSkewSeconds: number;
  readonly warnSkewSeconds: number;
}

const SOURCE_WORDS: Readonly<Record<KdcTarget['source'], Remedy | string>> = {
  explicit: remedy`${option('kdc')}`,
  'krb5.conf': 'krb5.conf',
  'dns-srv': 'DNS SRV',
};

/** Each KDC asked on its own; one kdc finding and (when it answered) one clock finding per KDC. */
export async function checkKdcs(o: KdcCheckOptions): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const target of o.targets) {
    const kdc = formatKdc(target);
    const what = `KDC ${kdc}${target.host !== target.address ? ` (${target.host})` : ''}`;
    let answer: ProbeResult;
    try {
      answer = await probeAsReq(
        { transport: o.transportFor(target), now: o.now, random: o.random },
        o.client,
        { enctypes: PROBE_ENCTYPES },
      );
    } catch (e) {
      if (!isKtError(e) || (e.code !== 'KDC_UNREACHABLE' && e.code !== 'KRB_BAD_MESSAGE')) throw e;
      out.push({
        section: 'kdc',
        severity: 'error',
        what,
        ...whyOf(
          remedy`listed in ${SOURCE_WORDS[target.source]}, but ${e.code === 'KDC_UNREACHABLE' ? 'does not answer' : 'answers with something that is not Kerberos'}: ${e.message}`,
        ),
        ...fixOf(
          remedy`check that the KDC runs and port ${target.port} (udp and tcp) is open from here; remove it from ${SOURCE_WORDS[target.source]} if it is gone`,
        ),
        details: { source: target.source },
      });
      continue;
    }
    const code = answer.kind === 'as-rep' ? undefined : answer.error.errorCode;
    if (code === KRB_ERR.WRONG_REALM) {
      out.push({
        section: 'kdc',
        severity: 'error',
        what,
        why: `answers, but does not serve ${o.realm} (KDC_ERR_WRONG_REALM)`,
        fix: `list this KDC under its own realm, not under ${o.realm}`,
      });
    } else {
      const how = answer.kind === 'as-rep' ? 'an AS-REP' : krbErrorInfo(code as number).name;
      out.push({
        section: 'kdc',
        severity: 'ok',
        what,
        ...whyOf(
          remedy`answers over ${answer.protocol} (${how}; listed in ${SOURCE_WORDS[target.source]})`,
        ),
        details: { protocol: answer.protocol, source: target.source },
      });
    }
    // An AS-REP (a principal without pre-authentication) hides the KDC's time: ask for an unknown principal.
    const clock =
      answer.kind === 'as-rep'
        ? await probeKdcClock(
            { transport: o.transportFor(target), now: o.now, random: o.random },
            o.realm,
          )
        : answer;
    if (clock === undefined) {
      out.push({
        section: 'clock',
        severity: 'info',
        what: `clock of ${kdc}`,
        why: 'not checked: no answer of this KDC carried its time',
        fix: undefined,
      });
      continue;
    }
    const skew =
      'seconds' in clock
        ? clock.seconds
        : Math.round((clock.kdcTime.getTime() - clock.localTime.getTime()) / 1000);
    const abs = Math.abs(skew);
    const words =
      abs <= 1
        ? 'agrees with this host to within 1 s'
        : `is ${abs} s ${skew > 0 ? 'ahead of' : 'behind'} this host`;
    const details = { skewSeconds: skew, allowedSkewSeconds: o.allowedSkewSeconds };
    if (abs > o.allowedSkewSeconds) {
      out.push({
        section: 'clock',
        severity: 'error',
        what: `clock of ${kdc}`,
        why: `${words}: more than the allowed ${o.allowedSkewSeconds} s, so kinit and services fail with "Clock skew too great"`,
        fix: 'synchronise the clocks (timedatectl set-ntp true, chronyc makestep; on a domain, NTP from the domain controllers)',
        details,
      });
    } else if (abs > o.warnSkewSeconds) {
      out.push({
        section: 'clock',
        severity: 'warning',
        what: `clock of ${kdc}`,
        why: `${words} (allowed ${o.allowedSkewSeconds} s)`,
        fix: 'set up NTP before the drift reaches the allowed skew',
        details,
      });
    } else {
      out.push({
        section: 'clock',
        severity: 'ok',
        what: `clock of ${kdc}`,
        why: `${words} (allowed ${o.allowedSkewSeconds} s)`,
        details,
      });
    }
  }
  return out;
}
