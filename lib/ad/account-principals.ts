/**
 * Which keytab principals belong to an AD account: the names under which the KDC issues
 * tickets encrypted with the account's keys. Pure: the account and sPNMappings are passed in.
 *
 * The KDC finds the account of a principal NAME@REALM (REALM being the account's realm) by
 * ([MS-KILE] 3.3.5.1.1, [MS-ADTS] 3.1.1.5.1.3; measured on Samba):
 * - a servicePrincipalName value, matched case-insensitively: HTTP/web.example.com;
 * - an alias of a host/ SPN through sPNMappings: host/web.example.com also stands for
 *   HTTP/web.example.com, cifs/web.example.com, ... (when no account has that SPN itself);
 * - the userPrincipalName's name part: svc-web@example.com -> svc-web@EXAMPLE.COM, and for a UPN
 *   set by ktpass, HTTP/web.example.com@EXAMPLE.COM;
 * - the sAMAccountName: svc-web@EXAMPLE.COM, WEB$@EXAMPLE.COM.
 * A key of the account in a keytab entry of any other principal can never decrypt a ticket.
 */
import type { Principal } from '../principal.js';
import { formatPrincipal, formatPrincipalName } from '../principal.js';
import type { AccountRecord } from './account.js';
import { spnRest, spnService } from './spn.js';

export type AccountNameKind = 'spn' | 'spn-alias' | 'upn' | 'sam';

type AccountNames = Pick<
  AccountRecord,
  'sAMAccountName' | 'userPrincipalName' | 'servicePrincipalName' | 'realm'
>;

/** How `principal` names the account, or undefined when it does not. */
export function accountNameKind(
  principal: Pick<Principal, 'components' | 'realm'>,
  account: AccountNames,
  mappings: ReadonlyMap<string, string> = new Map(),
): AccountNameKind | undefined {
  if (principal.realm.toUpperCase() !== account.realm.toUpperCase()) return undefined;
  const name = formatPrincipalName(principal).toLowerCase();
  const spns = account.servicePrincipalName.map((s) => s.toLowerCase());
  if (spns.includes(name)) return 'spn';
  if (principal.components.length > 1) {
    const target = mappings.get(spnService(name));
    if (target !== undefined && spns.includes(`${target}/${spnRest(name)}`)) return 'spn-alias';
  }
  const upn = account.userPrincipalName;
  if (
    upn !== undefined &&
    upn.lastIndexOf('@') > 0 &&
    upn.slice(0, upn.lastIndexOf('@')).toLowerCase() === name
  )
    return 'upn';
  if (principal.components.length === 1 && name === account.sAMAccountName.toLowerCase())
    return 'sam';
  return undefined;
}

/** The account's own names in one line, for messages: SPNs, UPN, and NAME@REALM. */
export function describeAccountNames(account: AccountNames): string {
  const spns = account.servicePrincipalName.length
    ? `SPNs ${account.servicePrincipalName.join(', ')}`
    : 'no SPN';
  const upn = account.userPrincipalName ? `UPN ${account.userPrincipalName}` : 'no UPN';
  return `${spns}; ${upn}; ${formatPrincipal({ components: [account.sAMAccountName], realm: account.realm })}`;
}
