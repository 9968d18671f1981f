/**
 * The directory side of a keytab: the LDAP base of the realm's domain, and per principal the
 * account's kvno (msDS-KeyVersionNumber), its enctypes (msDS-SupportedEncryptionTypes) and
 * SPNs against the keytab.
 */
import { DC_DEFAULT_HOW_TO_TELL, ticketFit, unsetEnctypesWords } from '../ad/ticket-enctypes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal, formatPrincipalName, samePrincipal, type Principal } from '../principal.js';
import { describeSupportedBits, enctypesOfSupportedBits, type AccountDirectory } from '../verify/directory.js';
import { checkSearchBase } from './search-base.js';
import type { Finding } from './types.js';

export interface DirectoryCheckOptions {
  readonly realm: string;
  readonly directory?: AccountDirectory | undefined;
  /** Why there is no directory. */
  readonly note?: string | undefined;
  /** The base the configuration names (--base-dn, KEYTAB_BASE_DN), if any. */
  readonly configuredBaseDn?: string | undefined;
  readonly entries: readonly KeytabEntry[];
}

function f(finding: Omit<Finding, 'section'>): Finding {
  return { section: 'directory', ...finding };
}

export async function checkDirectory(o: DirectoryCheckOptions): Promise<Finding[]> {
  const out: Finding[] = [];
  out.push(await checkSearchBase({ realm: o.realm, configuredBaseDn: o.configuredBaseDn, directory: o.directory }));
  if (!o.directory) {
    out.push(f({ severity: 'info', what: 'directory', why: o.note ?? 'no directory configured: kvno, enctypes and SPNs are not compared with the accounts' }));
    return out;
  }
  const dir = o.directory;
  const principals: Principal[] = [];
  for (const e of o.entries) if (e.principal.realm === o.realm && !principals.some((p) => samePrincipal(p, e.principal))) principals.push(e.principal);
  for (const p of principals) {
    const name = formatPrincipal(p);
    const mine = o.entries.filter((e) => samePrincipal(e.principal, p));
    let account;
    try {
      account = await dir.findAccount(p);
    } catch (e) {
      out.push(f({ severity: 'warning', what: `directory ${dir.description}`, why: `the lookup failed: ${e instanceof Error ? e.message : String(e)}`, fix: 'check the LDAP URL and the bind (keytab ad show ACCOUNT --debug-auth says how it went)' }));
      return out;
    }
    if (!account) {
      out.push(f({ severity: 'error', what: name, why: `no account in ${dir.description} has it as userPrincipalName, servicePrincipalName or sAMAccountName: the KDC has no key for it`, fix: 'add the SPN to the service account (setspn -S), or correct the keytab\'s principal' }));
      continue;
    }
    const short = formatPrincipalName(p);
    const spn = account.servicePrincipalNames.find((s) => s.toLowerCase() === short.toLowerCase());
    const upn = account.userPrincipalName !== undefined && account.userPrincipalName.toLowerCase() === name.toLowerCase();
    const sam = p.components.length === 1 && account.sAMAccountName.toLowerCase() === short.toLowerCase();
    if (spn !== undefined || upn || sam) {
      out.push(f({ severity: 'ok', what: `${name} SPN`, why: `${account.dn} carries it${spn !== undefined ? ' as a servicePrincipalName' : upn ? ' as its userPrincipalName' : ' as its sAMAccountName'}` }));
    } else {
      out.push(f({ severity: 'error', what: `${name} SPN`, why: `${account.dn} does not carry ${short} as a servicePrincipalName: clients get "Server not found in Kerberos database"`, fix: `setspn -S ${short} ${account.sAMAccountName} (or keytab ad spn add)` }));
    }
    const newest = Math.max(...mine.map((e) => e.kvno));
    if (account.keyVersionNumber !== undefined) {
      if (newest === account.keyVersionNumber) {
        out.push(f({ severity: 'ok', what: `${name} kvno`, why: `the keytab's kvno ${newest} is msDS-KeyVersionNumber` }));
      } else {
        out.push(
          f({
            severity: 'error',
            what: `${name} kvno`,
            why:
              newest < account.keyVersionNumber
                ? `stale keytab: kvno ${newest} in the keytab, msDS-KeyVersionNumber ${account.keyVersionNumber}: the password was reset after the keytab was made`
                : `the keytab's kvno ${newest} is ahead of msDS-KeyVersionNumber ${account.keyVersionNumber}: made for a reset that did not happen`,
            fix: `make the keytab from the current password with kvno ${account.keyVersionNumber}`,
            details: { keytabKvno: newest, keyVersionNumber: account.keyVersionNumber },
          }),
        );
      }
    }
    const enctypes = [...new Set(mine.map((e) => e.enctype))];
    if (account.supportedEncryptionTypes === undefined) {
      out.push(
        f({
          severity: ticketFit(undefined, enctypes.flatMap((e) => enctypeById(e) ?? [])).ok ? 'warning' : 'error',
          what: `${name} msDS-SupportedEncryptionTypes`,
          why: `${unsetEnctypesWords(account.dn, enctypes)}; ${DC_DEFAULT_HOW_TO_TELL}`,
          fix: 'set msDS-SupportedEncryptionTypes to 24 (0x18: AES128 + AES256)',
        }),
      );
    } else {
      const allowed = enctypesOfSupportedBits(account.supportedEncryptionTypes);
      const missing = allowed.filter((e) => e !== 1 && e !== 3 && !enctypes.includes(e));
      const words = describeSupportedBits(account.supportedEncryptionTypes);
      if (!enctypes.some((e) => allowed.includes(e))) {
        out.push(f({ severity: 'error', what: `${name} msDS-SupportedEncryptionTypes`, why: `${words} allows none of the keytab's enctypes`, fix: 'add keys of an allowed enctype, or allow the keytab\'s' }));
      } else if (missing.length > 0) {
        out.push(f({ severity: 'warning', what: `${name} msDS-SupportedEncryptionTypes`, why: `${words}: the keytab lacks ${missing.map(enctypeName).join(', ')}`, fix: `keytab add -e ${missing.map(enctypeName).join(',')}` }));
      } else {
        out.push(f({ severity: 'ok', what: `${name} msDS-SupportedEncryptionTypes`, why: `${words} fits the keytab` }));
      }
    }
  }
  return out;
}
