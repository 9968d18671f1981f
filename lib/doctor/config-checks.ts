/**
 * krb5.conf sanity, as MIT reads the file: the realm names (case-sensitive), the
 * [domain_realm] keys (compared with lower-cased host names, so an upper-case key never
 * matches), where the KDCs come from, clockskew, and the enctype lists against the keytab.
 */
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import type { Krb5Config } from '../krb5/config.js';
import { realmConfig } from '../krb5/config.js';
import { parseKdcSpec } from '../krb5/transport.js';
import { command, option, remedy } from '../remedy.js';
import { fixOf, whyOf } from '../report-line.js';
import { expandMitEnctypes } from './enctype-list.js';
import type { Finding } from './types.js';

/** krb5.conf as the command found it. */
export interface Krb5ConfView {
  /** The files looked for, in order. */
  readonly paths: readonly string[];
  readonly config?: Krb5Config | undefined;
  /** None of the files exists. */
  readonly missing: boolean;
  /** Why a file could not be parsed. */
  readonly error?: string | undefined;
}

const DEFAULT_CLOCKSKEW = 300;

function f(finding: Omit<Finding, 'section'>): Finding {
  return { section: 'krb5.conf', ...finding };
}

function where(node: { file: string; line: number }): string {
  return `${node.file}:${node.line}`;
}

/** The realm and domain findings; `realm` is the realm being diagnosed. */
export function checkKrb5Conf(view: Krb5ConfView, realm: string | undefined): Finding[] {
  const out: Finding[] = [];
  if (view.error !== undefined) {
    out.push(
      f({
        severity: 'error',
        what: 'krb5.conf',
        why: `${view.error}: MIT refuses to start with it (every kinit, kvno and GSS call fails)`,
        fix: 'fix the line named; keytab krb5conf prints a correct file',
      }),
    );
    return out;
  }
  if (view.missing || !view.config) {
    out.push(
      f({
        severity: 'warning',
        what: 'krb5.conf',
        why: `no krb5.conf (looked for ${view.paths.join(', ')}): no default realm, and KDCs come from DNS SRV only`,
        ...fixOf(
          remedy`write one: ${command`keytab krb5conf ${option('realm', realm ?? 'EXAMPLE.COM')} ${option('kdc', 'DC')}`} > /etc/krb5.conf`,
        ),
      }),
    );
    return out;
  }
  const c = view.config;
  out.push(
    f({
      severity: 'ok',
      what: 'krb5.conf',
      why: `read ${c.files.join(', ')}`,
      details: { files: [...c.files] },
    }),
  );
  for (const w of c.warnings)
    out.push(
      f({
        severity: 'warning',
        what: `${w.file}:${w.line}`,
        why: `${w.message}: MIT ignores the value`,
        fix: 'correct the value',
      }),
    );

  const d = c.libdefaults;
  if (d.defaultRealm === undefined) {
    out.push(
      f({
        severity: 'warning',
        what: 'default_realm',
        why: 'not set: kinit, kvno and services need every principal written with @REALM',
        fix: `add "default_realm = ${realm ?? 'EXAMPLE.COM'}" to [libdefaults]`,
      }),
    );
  } else if (d.defaultRealm !== d.defaultRealm.toUpperCase()) {
    out.push(
      f({
        severity: 'error',
        what: 'default_realm',
        why: `"${d.defaultRealm}" is not upper case: realm names are case-sensitive, and an AD realm is its DNS domain in upper case (${d.defaultRealm.toUpperCase()})`,
        fix: `default_realm = ${d.defaultRealm.toUpperCase()}`,
      }),
    );
  } else if (realm !== undefined && realm !== d.defaultRealm) {
    out.push(
      f({
        severity: 'info',
        what: 'default_realm',
        ...whyOf(
          remedy`${d.defaultRealm}; ${realm} is checked here (the keytab's realm, or ${option('realm')}): principals without @REALM are taken to be in ${d.defaultRealm}`,
        ),
      }),
    );
  } else {
    out.push(f({ severity: 'ok', what: 'default_realm', why: d.defaultRealm }));
  }

  for (const m of c.domainRealm) {
    if (m.domain !== m.domain.toLowerCase()) {
      out.push(
        f({
          severity: 'error',
          what: `[domain_realm] ${m.domain}`,
          why: `the key has upper-case letters: MIT compares lower-cased host names with the keys as written, so it never matches (${where(m)})`,
          fix: `write it as ${m.domain.toLowerCase()} = ${m.realm.toUpperCase()}`,
        }),
      );
    }
    if (m.realm !== m.realm.toUpperCase()) {
      out.push(
        f({
          severity: 'warning',
          what: `[domain_realm] ${m.domain}`,
          why: `maps to "${m.realm}", which is not upper case (${where(m)}): realm names are case-sensitive`,
          fix: `${m.domain.toLowerCase()} = ${m.realm.toUpperCase()}`,
        }),
      );
    }
  }

  if (realm !== undefined) {
    out.push(...checkRealm(c, realm));
  }

  if (d.clockskew !== undefined && d.clockskew < DEFAULT_CLOCKSKEW) {
    out.push(
      f({
        severity: 'warning',
        what: 'clockskew',
        why: `${d.clockskew} s is below the ${DEFAULT_CLOCKSKEW} s default (and AD's 5 minutes): services here refuse clients whose clocks the KDC still accepts ("Clock skew too great")`,
        fix: 'remove clockskew, or set it to 300',
      }),
    );
  }
  if (d.dnsLookupRealm === true) {
    out.push(
      f({
        severity: 'info',
        what: 'dns_lookup_realm',
        why: 'true: realms of hosts come from DNS TXT records, which anyone who can answer DNS can forge',
        fix: 'map domains in [domain_realm] and set dns_lookup_realm = false',
      }),
    );
  }
  if (d.rdns !== false) {
    out.push(
      f({
        severity: 'info',
        what: 'rdns',
        why: 'not false: host names in service principals are canonicalised through reverse DNS, so a PTR record that differs from the name used breaks GSSAPI ("Server not found in Kerberos database")',
        fix: 'rdns = false (and dns_canonicalize_hostname = false or fallback) when the PTR records do not match',
      }),
    );
  }
  if (d.allowWeakCrypto === true) {
    out.push(
      f({
        severity: 'warning',
        what: 'allow_weak_crypto',
        why: 'true: single DES and export RC4 are allowed (RFC 6649 retired them)',
        fix: 'remove allow_weak_crypto once no peer needs DES',
      }),
    );
  }
  return out;
}

function checkRealm(c: Krb5Config, realm: string): Finding[] {
  const out: Finding[] = [];
  const block = realmConfig(c, realm);
  const dns = c.libdefaults.dnsLookupKdc ?? true;
  const otherCase = c.realms.find(
    (r) => r.realm !== realm && r.realm.toUpperCase() === realm.toUpperCase(),
  );
  if (!block) {
    if (otherCase) {
      out.push(
        f({
          severity: 'error',
          what: `[realms] ${otherCase.realm}`,
          why: `the block is for "${otherCase.realm}", not "${realm}": realm names are case-sensitive (${where(otherCase)})`,
          fix: `rename it to ${realm}`,
        }),
      );
    }
    out.push(
      dns
        ? f({
            severity: 'info',
            what: `[realms] ${realm}`,
            why: 'no block for the realm: KDCs come from DNS SRV records (_kerberos._udp)',
            fix: `list them: [realms] ${realm} = { kdc = DC }`,
          })
        : f({
            severity: 'error',
            what: `[realms] ${realm}`,
            why: 'no block for the realm and dns_lookup_kdc = false: no KDC can be found ("Cannot find KDC for realm")',
            fix: `add [realms] ${realm} = { kdc = DC }, or set dns_lookup_kdc = true`,
          }),
    );
    return out;
  }
  if (block.kdc.length === 0) {
    out.push(
      dns
        ? f({
            severity: 'info',
            what: `[realms] ${realm} kdc`,
            why: 'no kdc lines: KDCs come from DNS SRV records',
          })
        : f({
            severity: 'error',
            what: `[realms] ${realm} kdc`,
            why: 'no kdc lines and dns_lookup_kdc = false: no KDC can be found',
            fix: `add "kdc = DC" lines to [realms] ${realm}`,
          }),
    );
  }
  for (const line of block.kdc) {
    try {
      parseKdcSpec(line);
    } catch (e) {
      out.push(
        f({
          severity: 'error',
          what: `[realms] ${realm} kdc = ${line}`,
          why: e instanceof Error ? e.message : String(e),
          fix: 'write HOST, HOST:PORT or [IPv6]:PORT',
        }),
      );
    }
  }
  const domain = realm.toLowerCase();
  const mapped = c.domainRealm.filter((m) => m.realm === realm).map((m) => m.domain);
  if (!mapped.includes(domain) && !mapped.includes(`.${domain}`)) {
    out.push(
      f({
        severity: 'info',
        what: '[domain_realm]',
        why: `no mapping to ${realm}: hosts are put in a realm by the default realm or the host's parent domain in upper case`,
        fix: `.${domain} = ${realm} and ${domain} = ${realm}`,
      }),
    );
  }
  return out;
}

/** The enctype settings, and which keytab enctypes they allow. */
export function checkEnctypeSettings(
  config: Krb5Config | undefined,
  keytabEnctypes: readonly number[],
): Finding[] {
  if (!config) return [];
  const out: Finding[] = [];
  const d = config.libdefaults;
  const lists: [string, readonly string[] | undefined][] = [
    ['permitted_enctypes', d.permittedEnctypes],
    ['default_tkt_enctypes', d.defaultTktEnctypes],
    ['default_tgs_enctypes', d.defaultTgsEnctypes],
  ];
  for (const [name, words] of lists) {
    if (words === undefined) continue;
    const { ids, unknown } = expandMitEnctypes(words);
    if (unknown.length > 0)
      out.push(
        f({
          severity: 'warning',
          what: name,
          why: `${unknown.join(', ')}: not enctype names MIT knows; they are ignored`,
          fix: 'use names like aes256-cts-hmac-sha1-96, or families like aes',
        }),
      );
    const weak = ids.filter((id) => enctypeById(id)?.weak === true);
    if (weak.length > 0)
      out.push(
        f({
          severity: 'warning',
          what: name,
          why: `lists weak enctypes: ${weak.map(enctypeName).join(', ')}`,
          fix: 'remove them',
        }),
      );
    if (name === 'permitted_enctypes' && keytabEnctypes.length > 0) {
      const refused = keytabEnctypes.filter((e) => !ids.includes(e));
      if (refused.length === keytabEnctypes.length) {
        out.push(
          f({
            severity: 'error',
            what: name,
            why: `permits none of the keytab's enctypes (${keytabEnctypes.map(enctypeName).join(', ')}): MIT can use no key of it`,
            fix: "add the keytab's enctypes to permitted_enctypes, or make AES keys",
          }),
        );
      } else if (refused.length > 0) {
        out.push(
          f({
            severity: 'warning',
            what: name,
            why: `does not permit ${refused.map(enctypeName).join(', ')}: those keytab keys are never used`,
            fix: 'remove the keys, or permit the enctypes',
          }),
        );
      } else {
        out.push(f({ severity: 'ok', what: name, why: 'permits every enctype of the keytab' }));
      }
    }
  }
  return out;
}
