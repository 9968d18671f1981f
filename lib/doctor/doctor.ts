/**
 * `keytab doctor`: everything around a keytab that makes Kerberos fail, each finding with a
 * severity, what, why and a fix: krb5.conf, the keytab file, DNS SRV records, every KDC and
 * its clock, and (with a directory) how the bind went and the accounts behind the keytab's
 * principals.
 *
 * Pure: krb5.conf and the keytab arrive already read (with their errors), and the resolvers,
 * the per-KDC transports, the clock and the directory are injected.
 */
import { isKtError } from '../errors.js';
import { realmConfig } from '../krb5/config.js';
import {
  locateKdcs,
  type HostResolver,
  type KdcTarget,
  type KdcTransport,
  type SrvResolver,
} from '../krb5/transport.js';
import type { Principal } from '../principal.js';
import { command, option, remedy } from '../remedy.js';
import { fixOf, whyOf } from '../report-line.js';
import type { AccountDirectory } from '../verify/directory.js';
import { DEFAULT_ALLOWED_SKEW, DEFAULT_WARN_SKEW } from '../verify/verify.js';
import { checkEnctypeSettings, checkKrb5Conf, type Krb5ConfView } from './config-checks.js';
import { diagnoseDirectoryAuth, type DirectoryAuthFacts } from './directory-auth.js';
import { checkDirectory } from './directory-checks.js';
import { checkKeytabFile, type KeytabView } from './keytab-checks.js';
import { checkDns, checkKdcs } from './network-checks.js';
import type { DoctorReport, Finding, Section } from './types.js';

export interface DoctorDeps {
  readonly now: () => Date;
  readonly random: (n: number) => Uint8Array;
  /** A transport that asks exactly the given KDC (one pass, no other KDC). */
  readonly transportFor: (target: KdcTarget) => KdcTransport;
  /** DNS; absent when DNS is not to be used. */
  readonly srvResolver?: SrvResolver | undefined;
  readonly hostResolver?: HostResolver | undefined;
  readonly directory?: AccountDirectory | undefined;
}

export interface DoctorOptions {
  /** --realm; default: default_realm, then the keytab's first realm. */
  readonly realm?: string | undefined;
  /** --kdc values: the KDCs to check instead of krb5.conf's or DNS's. */
  readonly kdcs?: readonly string[] | undefined;
  readonly krb5conf: Krb5ConfView;
  readonly keytab?: KeytabView | undefined;
  /** Why DNS is not used, when it is not (--no-dns). */
  readonly dnsSkipped?: string | undefined;
  readonly directoryNote?: string | undefined;
  /** How the bind to the directory went, or why it failed. */
  readonly directoryAuth?: DirectoryAuthFacts | undefined;
  readonly configuredBaseDn?: string | undefined;
  readonly warnSkewSeconds?: number | undefined;
}

const SECTION_ORDER: readonly Section[] = [
  'krb5.conf',
  'keytab',
  'dns',
  'kdc',
  'clock',
  'directory',
];

/** Named in the probes when the keytab has no principal of the realm (any answer will do). */
const PROBE_NAME = 'keytab-doctor-probe';

export async function runDoctor(deps: DoctorDeps, o: DoctorOptions): Promise<DoctorReport> {
  const findings: Finding[] = [];
  const config = o.krb5conf.config;
  const entries = o.keytab?.entries ?? [];
  const realm = o.realm ?? config?.libdefaults.defaultRealm ?? entries[0]?.principal.realm;

  findings.push(...checkKrb5Conf(o.krb5conf, realm));
  findings.push(...checkEnctypeSettings(config, [...new Set(entries.map((e) => e.enctype))]));
  if (o.keytab) findings.push(...checkKeytabFile(o.keytab));
  // First in the directory section (findings are ordered by section, then as pushed).
  if (o.directoryAuth) findings.push(...diagnoseDirectoryAuth(o.directoryAuth));

  if (realm === undefined) {
    findings.push({
      section: 'kdc',
      severity: 'error',
      what: 'realm',
      ...whyOf(
        remedy`no realm to check: no ${option('realm')}, no default_realm in krb5.conf, no keytab entry`,
      ),
      ...fixOf(remedy`give ${option('realm', 'REALM')}`),
    });
  } else {
    const others = [...new Set(entries.map((e) => e.principal.realm))].filter((r) => r !== realm);
    if (others.length > 0)
      findings.push({
        section: 'keytab',
        severity: 'info',
        what: 'realms',
        why: `the keytab also has principals of ${others.join(', ')}; only ${realm} is checked`,
        ...fixOf(
          remedy`run ${command`keytab doctor ${option('realm', others[0])}`} for the others`,
        ),
      });
    const listed =
      (o.kdcs?.length ?? 0) > 0 ||
      (config ? (realmConfig(config, realm)?.kdc.length ?? 0) > 0 : false);
    findings.push(
      ...(await checkDns({
        realm,
        srvResolver: deps.srvResolver,
        hostResolver: deps.hostResolver,
        kdcsListed: listed,
        skipped: o.dnsSkipped,
      })),
    );

    let targets: readonly KdcTarget[] = [];
    try {
      const located = await locateKdcs(realm, {
        kdcs: o.kdcs,
        config,
        srvResolver: deps.srvResolver,
        hostResolver: deps.hostResolver,
        dnsLookupKdc: deps.srvResolver ? undefined : false,
      });
      targets = located.targets;
      for (const p of located.problems)
        findings.push({
          section: 'kdc',
          severity: 'warning',
          what: 'KDC list',
          why: p,
          fix: 'give KDCs as IP addresses, or fix their DNS names',
        });
    } catch (e) {
      if (!isKtError(e) || e.code !== 'KDC_NOT_FOUND') throw e;
      findings.push({
        section: 'kdc',
        severity: 'error',
        what: `KDCs of ${realm}`,
        why: `${e.message}: kinit says "Cannot find KDC for realm"`,
        fix: e.hint ?? `list them in krb5.conf: [realms] ${realm} = { kdc = DC }`,
      });
    }
    const keytabPrincipal = entries.find((e) => e.principal.realm === realm)?.principal;
    const client: Principal = keytabPrincipal ?? { components: [PROBE_NAME], realm, nameType: 1 };
    findings.push(
      ...(await checkKdcs({
        realm,
        targets,
        transportFor: deps.transportFor,
        now: deps.now,
        random: deps.random,
        client,
        allowedSkewSeconds: config?.libdefaults.clockskew ?? DEFAULT_ALLOWED_SKEW,
        warnSkewSeconds: o.warnSkewSeconds ?? DEFAULT_WARN_SKEW,
      })),
    );
    // A bind that failed has its own finding (the cause and the fix): no lookups after it.
    const directory = o.directoryAuth?.failure ? undefined : deps.directory;
    const note = o.directoryAuth?.failure
      ? 'the accounts were not compared: the bind failed (see the auth finding)'
      : o.directoryNote;
    findings.push(
      ...(await checkDirectory({
        realm,
        directory,
        note,
        configuredBaseDn: o.configuredBaseDn,
        entries,
      })),
    );
  }
  const ordered = SECTION_ORDER.flatMap((s) => findings.filter((x) => x.section === s));
  return { findings: ordered, ok: !ordered.some((x) => x.severity === 'error') };
}
