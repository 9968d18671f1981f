/**
 * The LDAP search base against the directory's own: a base outside the domain's naming
 * context (`dc=example,dc=com` for the domain `ad.example.com`) finds no account, so every
 * directory check after it would report the accounts missing. The right base comes from the
 * DC's RootDSE (defaultNamingContext) when a directory is open, else from the realm's name.
 */
import { baseDnForDomain, type AccountDirectory } from '../verify/directory.js';
import { option, remedy } from '../remedy.js';
import { fixOf } from '../report-line.js';
import type { Finding } from './types.js';

export interface SearchBaseOptions {
  readonly realm: string;
  /** The base the configuration names (--base-dn, KEYTAB_BASE_DN), if any. */
  readonly configuredBaseDn?: string | undefined;
  readonly directory?: AccountDirectory | undefined;
}

const normalDn = (dn: string): string =>
  dn
    .toLowerCase()
    .replace(/\s*,\s*/g, ',')
    .replace(/\s*=\s*/g, '=');

/** True when `dn` is `base` or an entry below it (an OU of the domain). */
export function dnWithin(dn: string, base: string): boolean {
  const d = normalDn(dn);
  const b = normalDn(base);
  return d === b || d.endsWith(`,${b}`);
}

/** The DC's defaultNamingContext, or undefined when there is no directory or it cannot say. */
async function namingContextOf(
  directory: AccountDirectory | undefined,
): Promise<string | undefined> {
  try {
    return await directory?.namingContext?.();
  } catch {
    // The directory's own lookups report a connection problem; here it only means "not known".
    return undefined;
  }
}

/** One finding: the search base, an ERROR naming the right one when it is outside the domain. */
export async function checkSearchBase(o: SearchBaseOptions): Promise<Finding> {
  const domain = o.realm.toLowerCase();
  const derived = baseDnForDomain(domain);
  const context = await namingContextOf(o.directory);
  const right = context ?? derived;
  const source =
    context !== undefined
      ? `${o.directory?.description ?? 'the directory'} says its defaultNamingContext is ${context}`
      : `the base of the domain ${domain} is ${derived}`;
  const details = {
    derived,
    ...(context !== undefined ? { defaultNamingContext: context } : {}),
    ...(o.configuredBaseDn !== undefined ? { configured: o.configuredBaseDn } : {}),
  };
  if (o.configuredBaseDn !== undefined && !dnWithin(o.configuredBaseDn, right)) {
    return {
      section: 'directory',
      severity: 'error',
      what: 'LDAP search base',
      why: `the configured base "${o.configuredBaseDn}" is outside the domain: ${source}; searches there find none of its accounts (or another domain's), so keytab cannot find the accounts behind the keytab`,
      ...fixOf(
        remedy`${option('baseDn', right)} (or KEYTAB_BASE_DN=${right}; or leave it out: the DC's defaultNamingContext is the default)`,
      ),
      details,
    };
  }
  if (context !== undefined && !dnWithin(context, derived)) {
    return {
      section: 'directory',
      severity: 'warning',
      what: 'LDAP search base',
      why: `${source}, not ${derived} (the base of the realm ${o.realm}): the DC serves another domain than the realm's`,
      ...fixOf(remedy`point ${option('ldapUrl')} at a DC of ${domain}, or check the realm`),
      details,
    };
  }
  const used = o.configuredBaseDn ?? right;
  return {
    section: 'directory',
    severity: 'info',
    what: 'LDAP search base',
    why: `${used} for the domain ${domain}${context !== undefined ? ` (the DC's defaultNamingContext is ${context})` : ''}`,
    details,
  };
}
