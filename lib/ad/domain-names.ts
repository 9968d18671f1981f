/**
 * The names of the directory's domain, for accounts written DOMAIN\name (the down-level logon
 * name of runbooks and ktpass /mapuser examples): the NetBIOS name (EXAMPLE) and the DNS name
 * (example.com). [MS-ADTS] 6.1.1.2.1.1.1: the crossRef object of a domain, under
 * CN=Partitions of the configuration NC, has nCName = the domain's DN, nETBIOSName and dnsRoot.
 */
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import { filter, realmOfDn } from './escape.js';
import type { Directory } from './types.js';

export interface DomainNames {
  /** EXAMPLE; undefined when the crossRef cannot be read. */
  readonly netbios: string | undefined;
  /** example.com (from dnsRoot, else from the DC= parts of the base DN). */
  readonly dns: string | undefined;
}

export async function readDomainNames(dir: Directory): Promise<DomainNames> {
  const fromDn = realmOfDn(dir.baseDn)?.toLowerCase();
  if (dir.configurationDn === undefined) return { netbios: undefined, dns: fromDn };
  try {
    const [entry] = await dir.search({
      base: `CN=Partitions,${dir.configurationDn}`,
      scope: 'one',
      filter: filter`(&(objectClass=crossRef)(nCName=${dir.baseDn}))`,
      attributes: ['nETBIOSName', 'dnsRoot'],
    });
    return {
      netbios: entry?.attributes['netbiosname']?.[0],
      dns: entry?.attributes['dnsroot']?.[0] ?? fromDn,
    };
  } catch {
    // Not readable (rights, a base DN below the domain): the DNS name from the DN still checks.
    return { netbios: undefined, dns: fromDn };
  }
}

/** Checks the DOMAIN of DOMAIN\name against the directory's names; refuses another domain. */
export async function checkDomain(dir: Directory, domain: string, account: string): Promise<void> {
  const names = await readDomainNames(dir);
  const wanted = domain.toLowerCase();
  if (wanted === names.netbios?.toLowerCase() || wanted === names.dns?.toLowerCase()) return;
  const known = [names.netbios, names.dns].filter((n): n is string => n !== undefined);
  throw new KtError(
    'AD_DOMAIN_MISMATCH',
    `${domain}\\${account}: the directory at ${dir.url} is the domain ${known.join(' (') + (known.length > 1 ? ')' : '')}, not ${domain}`,
    {
      remedy: remedy`write ${names.netbios ?? names.dns ?? 'DOMAIN'}\\${account}, or just ${account}; for an account in another domain, point ${option('ldapUrl')} (or /target) at a DC of that domain`,
      details: { domain, netbios: names.netbios ?? null, dns: names.dns ?? null },
    },
  );
}
