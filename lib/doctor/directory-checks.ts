/**
 * The directory side of a keytab: the LDAP base of the realm's domain, and per principal the
 * account's kvno (msDS-KeyVersionNumber), its enctypes (msDS-SupportedEncryptionTypes) and
 * SPNs against the keytab.
 */
import { DC_DEFAULT_HOW_TO_TELL, unsetEnctypesWords } from '../ad/ticket-enctypes.js';
import { enctypeName } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import {
  formatPrincipal,
  formatPrincipalName,
  samePrincipal,
  type Principal,
} from '../principal.js';
import { matchAccount, type AccountMatch } from '../verify/account-match.js';
import type { AccountDirectory } from '../verify/directory.js';
import { checkSearchBase } from './search-base.js';
import { command, option, remedy } from '../remedy.js';
import { fixOf } from '../report-line.js';
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
  out.push(
    await checkSearchBase({
      realm: o.realm,
      configuredBaseDn: o.configuredBaseDn,
      directory: o.directory,
    }),
  );
  if (!o.directory) {
    out.push(
      f({
        severity: 'info',
        what: 'directory',
        why:
          o.note ??
          'no directory configured: kvno, enctypes and SPNs are not compared with the accounts',
      }),
    );
    return out;
  }
  const dir = o.directory;
  const principals: Principal[] = [];
  for (const e of o.entries)
    if (e.principal.realm === o.realm && !principals.some((p) => samePrincipal(p, e.principal)))
      principals.push(e.principal);
  for (const p of principals) {
    const name = formatPrincipal(p);
    const mine = o.entries.filter((e) => samePrincipal(e.principal, p));
    let account;
    try {
      account = await dir.findAccount(p);
    } catch (e) {
      out.push(
        f({
          severity: 'warning',
          what: `directory ${dir.description}`,
          why: `the lookup failed: ${e instanceof Error ? e.message : String(e)}`,
          ...fixOf(
            remedy`check the LDAP URL and the bind (${command`keytab ad show ACCOUNT ${option('debugAuth')}`} says how it went)`,
          ),
        }),
      );
      return out;
    }
    if (!account) {
      out.push(
        f({
          severity: 'error',
          what: name,
          why: `no account in ${dir.description} has it as userPrincipalName, servicePrincipalName or sAMAccountName: the KDC has no key for it`,
          fix: "add the SPN to the service account (setspn -S), or correct the keytab's principal",
        }),
      );
      continue;
    }
    const short = formatPrincipalName(p);
    const spn = account.servicePrincipalNames.find((s) => s.toLowerCase() === short.toLowerCase());
    const upn =
      account.userPrincipalName !== undefined &&
      account.userPrincipalName.toLowerCase() === name.toLowerCase();
    const sam =
      p.components.length === 1 && account.sAMAccountName.toLowerCase() === short.toLowerCase();
    if (spn !== undefined || upn || sam) {
      out.push(
        f({
          severity: 'ok',
          what: `${name} SPN`,
          why: `${account.dn} carries it${spn !== undefined ? ' as a servicePrincipalName' : upn ? ' as its userPrincipalName' : ' as its sAMAccountName'}`,
        }),
      );
    } else {
      out.push(
        f({
          severity: 'error',
          what: `${name} SPN`,
          why: `${account.dn} does not carry ${short} as a servicePrincipalName: clients get "Server not found in Kerberos database"`,
          fix: `setspn -S ${short} ${account.sAMAccountName} (or keytab ad spn add)`,
        }),
      );
    }
    out.push(...accountFindings(name, account.dn, matchAccount(account, mine)));
  }
  return out;
}

/** The kvno and enctype findings of one account (the comparison is lib/verify/account-match.ts). */
function accountFindings(name: string, dn: string, m: AccountMatch): Finding[] {
  const out: Finding[] = [];
  const k = m.kvno;
  if (k.kind === 'same') {
    out.push(
      f({
        severity: 'ok',
        what: `${name} kvno`,
        why: `the keytab's kvno ${k.keytab} is msDS-KeyVersionNumber`,
      }),
    );
  } else if (k.kind !== 'unknown') {
    out.push(
      f({
        severity: 'error',
        what: `${name} kvno`,
        why:
          k.kind === 'stale'
            ? `stale keytab: kvno ${k.keytab} in the keytab, msDS-KeyVersionNumber ${k.account}: the password was reset after the keytab was made`
            : `the keytab's kvno ${k.keytab} is ahead of msDS-KeyVersionNumber ${k.account}: made for a reset that did not happen`,
        fix: `make the keytab from the current password with kvno ${k.account}`,
        details: { keytabKvno: k.keytab, keyVersionNumber: k.account },
      }),
    );
  }
  const e = m.enctypes;
  const what = `${name} msDS-SupportedEncryptionTypes`;
  if (e.kind === 'unset') {
    out.push(
      f({
        severity: e.ticketsOk ? 'warning' : 'error',
        what,
        why: `${unsetEnctypesWords(dn, e.keytab)}; ${DC_DEFAULT_HOW_TO_TELL}`,
        fix: 'set msDS-SupportedEncryptionTypes to 24 (0x18: AES128 + AES256)',
      }),
    );
  } else if (e.kind === 'none-allowed') {
    out.push(
      f({
        severity: 'error',
        what,
        why: `${e.words} allows none of the keytab's enctypes`,
        fix: "add keys of an allowed enctype, or allow the keytab's",
      }),
    );
  } else if (e.kind === 'missing') {
    out.push(
      f({
        severity: 'warning',
        what,
        why: `${e.words}: the keytab lacks ${e.missing.map(enctypeName).join(', ')}`,
        fix: `keytab add -e ${e.missing.map(enctypeName).join(',')}`,
      }),
    );
  } else {
    out.push(f({ severity: 'ok', what, why: `${e.words} fits the keytab` }));
  }
  return out;
}
