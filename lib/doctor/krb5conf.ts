/**
 * `keytab krb5conf`: a krb5.conf for one realm that avoids the usual mistakes: the realm in
 * upper case, [domain_realm] keys in lower case (both `.domain` for hosts under it and
 * `domain` for the host itself), no DNS lookups when the KDCs are listed, no reverse DNS for
 * service names, and only AES in permitted_enctypes (RC4 on request, for old AD domains).
 * The text parses with lib/krb5/config.ts (tested as a round trip).
 */
import { KtError } from '../errors.js';
import { KEYTAB_SPELLING, option, remedy, renderRemedy } from '../remedy.js';
import type { OptionRemedy, RemedySpelling } from '../remedy.js';
import { parseKdcSpec } from '../krb5/transport.js';

export interface Krb5ConfSpec {
  readonly realm: string;
  /** KDCs as HOST, HOST:PORT or [IPv6]:PORT; none = DNS SRV lookups. */
  readonly kdcs: readonly string[];
  /** DNS domains of the realm's hosts; default: the realm in lower case. */
  readonly domains?: readonly string[] | undefined;
  readonly adminServer?: string | undefined;
  /** Also permit arcfour-hmac (for domains whose accounts have no AES keys yet). */
  readonly allowRc4?: boolean | undefined;
  /** How the notes spell the options they name (default: the keytab CLI's). */
  readonly spelling?: RemedySpelling | undefined;
}

/** AES only (RFC 8429 deprecates RC4 and 3DES; RFC 6649 retired DES). */
export const SAFE_PERMITTED_ENCTYPES: readonly string[] = Object.freeze([
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha384-192',
  'aes128-cts-hmac-sha256-128',
]);

export interface GeneratedKrb5Conf {
  readonly text: string;
  /** What was normalised (a realm upper-cased, a domain lower-cased), for stderr. */
  readonly notes: readonly string[];
}

const REALM_CHARS = /^[^\s[\]{}=#;"\\]+$/;
const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*$/;

function hostSpec(text: string, what: OptionRemedy): string {
  const spec = parseKdcSpec(text);
  if (/[\s{}=#;"]/.test(spec.host))
    throw new KtError('USAGE', remedy`${what} "${text}": not a host name`);
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host.toLowerCase();
  const explicitPort = /\]:\d+$|^[^:]*:\d+$/.test(text.replace(/^(tcp|udp)\//i, ''));
  return `${spec.protocol ? `${spec.protocol}/` : ''}${host}${explicitPort ? `:${spec.port}` : ''}`;
}

export function makeKrb5Conf(spec: Krb5ConfSpec): GeneratedKrb5Conf {
  const notes: string[] = [];
  const given = spec.realm.trim();
  if (given === '' || !REALM_CHARS.test(given))
    throw new KtError('USAGE', remedy`${option('realm')} "${spec.realm}": not a realm name`, {
      hint: 'an AD realm is the DNS domain in upper case: EXAMPLE.COM',
    });
  const realm = given.toUpperCase();
  if (realm !== given)
    notes.push(
      `realm ${given} written as ${realm}: realm names are case-sensitive, and AD realms are upper case`,
    );
  const domains: string[] = [];
  for (const d of spec.domains?.length ? spec.domains : [realm.toLowerCase()]) {
    const lower = d.trim().replace(/^\.+/, '').replace(/\.+$/, '').toLowerCase();
    if (!DOMAIN.test(lower))
      throw new KtError('USAGE', remedy`${option('domain')} "${d}": not a DNS domain`);
    if (lower !== d.trim().replace(/^\.+/, ''))
      notes.push(
        `domain ${d} written as ${lower}: MIT compares lower-cased host names with these keys`,
      );
    if (!domains.includes(lower)) domains.push(lower);
  }
  const kdcs = spec.kdcs.map((k) => hostSpec(k, option('kdc')));
  const admin =
    spec.adminServer !== undefined ? hostSpec(spec.adminServer, option('adminServer')) : undefined;
  const enctypes = [...SAFE_PERMITTED_ENCTYPES, ...(spec.allowRc4 ? ['arcfour-hmac'] : [])];
  const lines = [
    `# krb5.conf for ${realm}, written by keytab krb5conf`,
    '[libdefaults]',
    `    default_realm = ${realm}`,
    '    dns_lookup_realm = false',
    `    dns_lookup_kdc = ${kdcs.length > 0 ? 'false' : 'true'}`,
    '    rdns = false',
    `    permitted_enctypes = ${enctypes.join(' ')}`,
    '',
    '[realms]',
    `    ${realm} = {`,
    ...kdcs.map((k) => `        kdc = ${k}`),
    ...(admin !== undefined ? [`        admin_server = ${admin}`] : []),
    '    }',
    '',
    '[domain_realm]',
    ...domains.flatMap((d) => [`    .${d} = ${realm}`, `    ${d} = ${realm}`]),
  ];
  if (kdcs.length === 0)
    notes.push(
      renderRemedy(
        remedy`no ${option('kdc')}: KDCs will be looked up as DNS SRV records (_kerberos._udp.${realm})`,
        spec.spelling ?? KEYTAB_SPELLING,
      ),
    );
  return { text: `${lines.join('\n')}\n`, notes };
}
