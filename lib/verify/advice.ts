/**
 * KDC refusals in words: for each error code, what it means for the principal being checked,
 * what kinit prints for it (the words users search for), and the fix. Tables, not branches:
 * the checks look a code up here and never read the KDC's e-text (MIT and Samba word it
 * differently, and it is optional).
 */
import { KRB_ERR, krbErrorInfo } from '../krb5/constants.js';
import { option, remedy } from '../remedy.js';
import type { Remedy } from '../remedy.js';

/** Codes KRB_ERR does not name (RFC 4120 section 7.5.9). */
const KDC_ERR_NAME_EXP = 1;
const KDC_ERR_SERVICE_EXP = 2;

/** The subject of an advice: the principal (and enctype) being checked. */
export interface AdviceSubject {
  readonly principal: string;
  readonly realm: string;
  readonly enctype?: string | undefined;
}

export interface Advice {
  readonly reason: string;
  /** Plain words, or a remedy when it names an option (lib/remedy.ts). */
  readonly fix: string | Remedy;
}

type AdviceFn = (s: AdviceSubject) => Advice;

/** Refusals of an AS-REQ for the principal as a client (kinit -k). */
export const CLIENT_ADVICE: Readonly<Record<number, AdviceFn>> = Object.freeze({
  [KRB_ERR.C_PRINCIPAL_UNKNOWN]: (s: AdviceSubject) => ({
    reason: `the KDC does not know ${s.principal} as a client (kinit: "Client '${s.principal}' not found in Kerberos database")`,
    fix:
      `check the name and the realm (both case-sensitive on MIT); MIT: kadmin -q "addprinc ${s.principal}"; ` +
      `AD: an SPN alone cannot get a ticket as a client: set the account's userPrincipalName to ${s.principal} (ktpass does) or check the keytab as the account's sAMAccountName@${s.realm}`,
  }),
  [KRB_ERR.CLIENT_REVOKED]: (s: AdviceSubject) => ({
    reason: `the account of ${s.principal} is disabled or locked out (kinit: "Client's credentials have been revoked")`,
    fix: `MIT: kadmin -q "modprinc +allow_tix ${s.principal}" (or -unlock); AD: enable the account (clear userAccountControl bit 0x2) or unlock it`,
  }),
  [KRB_ERR.KEY_EXPIRED]: (s: AdviceSubject) => ({
    reason: `the password of ${s.principal} has expired (kinit: "Password has expired"): kinit -k fails until it is changed`,
    fix: `service accounts should not expire: MIT: kadmin -q "modprinc -pwexpire never ${s.principal}"; AD: set "password never expires" (userAccountControl 0x10000) and clear "must change at next logon" (pwdLastSet = -1), or reset the password and make the keytab again`,
  }),
  [KDC_ERR_NAME_EXP]: (s: AdviceSubject) => ({
    reason: `the principal ${s.principal} has expired (kinit: "Client's entry in database has expired")`,
    fix: `MIT: kadmin -q "modprinc -expire never ${s.principal}"; AD: clear accountExpires on the account`,
  }),
  [KRB_ERR.ETYPE_NOSUPP]: (s: AdviceSubject) => ({
    reason: `the KDC has no ${s.enctype ?? 'usable'} key for ${s.principal} (kinit: "KDC has no support for encryption type")`,
    fix: `remove the entry (keytab remove -p ${s.principal} -e ${s.enctype ?? 'ENCTYPE'}) or give the principal keys of this enctype (MIT: kadmin cpw -e; AD: allow it in msDS-SupportedEncryptionTypes and reset the password)`,
  }),
  [KRB_ERR.NULL_KEY]: (s: AdviceSubject) => ({
    reason: `${s.principal} has no key on the KDC (kinit: "The client or server has a null key"): its password was never set`,
    fix: 'set a password (AD: reset it), then make the keytab from it',
  }),
  [KRB_ERR.PRINCIPAL_NOT_UNIQUE]: (s: AdviceSubject) => ({
    reason: `several accounts carry the name ${s.principal} (kinit: "Multiple principal entries in database")`,
    fix: 'AD: find the duplicate UPN or SPN (setspn -X, or ldapsearch for the name) and remove it from all accounts but one',
  }),
  [KRB_ERR.POLICY]: (s: AdviceSubject) => ({
    reason: `a KDC policy refuses tickets for ${s.principal} (kinit: "KDC policy rejects request")`,
    fix: 'AD: check logon hours, "log on to" workstations and authentication policies of the account; MIT: check the principal\'s policy',
  }),
  [KRB_ERR.SKEW]: (s: AdviceSubject) => ({
    reason: `this host's clock differs from the KDC's by more than the allowed skew (kinit: "Clock skew too great") for ${s.principal}`,
    fix: 'synchronise the clock (chronyc makestep, or point NTP at the domain controllers)',
  }),
  [KRB_ERR.WRONG_REALM]: (s: AdviceSubject) => ({
    reason: `${s.principal} belongs to another realm (KDC_ERR_WRONG_REALM: a referral)`,
    fix: `check the realm of the keytab entries, and that the KDC asked serves ${s.realm}`,
  }),
});

/** Refusals of a TGS-REQ for the principal as a service (kvno, or a client asking for it). */
export const SERVICE_ADVICE: Readonly<Record<number, AdviceFn>> = Object.freeze({
  [KRB_ERR.S_PRINCIPAL_UNKNOWN]: (s: AdviceSubject) => ({
    reason: `the KDC has no service ${s.principal} (kvno and clients: "Server not found in Kerberos database")`,
    fix: `MIT: kadmin -q "addprinc -randkey ${s.principal}"; AD: add the SPN to the service account (setspn -S, or servicePrincipalName in the directory)`,
  }),
  [KRB_ERR.SERVICE_REVOKED]: (s: AdviceSubject) => ({
    reason: `the service account of ${s.principal} is disabled or locked (KDC_ERR_SERVICE_REVOKED)`,
    fix: 'enable or unlock the account that carries the SPN',
  }),
  [KRB_ERR.PRINCIPAL_NOT_UNIQUE]: (s: AdviceSubject) => ({
    reason: `several accounts carry the SPN ${s.principal} (KDC_ERR_PRINCIPAL_NOT_UNIQUE): the KDC cannot tell which key to use`,
    fix: 'find the duplicates (setspn -X) and keep the SPN on one account',
  }),
  [KRB_ERR.ETYPE_NOSUPP]: (s: AdviceSubject) => ({
    reason: `the KDC cannot issue a ticket for ${s.principal} with the enctypes asked for (KDC_ERR_ETYPE_NOSUPP)`,
    fix: 'give the service account AES keys (AD: msDS-SupportedEncryptionTypes = 0x18, then reset the password)',
  }),
  [KDC_ERR_SERVICE_EXP]: (s: AdviceSubject) => ({
    reason: `the service principal ${s.principal} has expired (KDC_ERR_SERVICE_EXP)`,
    fix: `MIT: kadmin -q "modprinc -expire never ${s.principal}"; AD: clear accountExpires on the service account`,
  }),
  [KRB_ERR.SKEW]: (s: AdviceSubject) => ({
    reason: `this host's clock differs from the KDC's by more than the allowed skew ("Clock skew too great") asking for ${s.principal}`,
    fix: 'synchronise the clock (chronyc makestep, or NTP from the domain controllers)',
  }),
});

/** The advice for a refusal; unknown codes get the error table's own words. */
export function adviceFor(
  table: Readonly<Record<number, AdviceFn>>,
  code: number | undefined,
  subject: AdviceSubject,
  fallbackMessage: string,
): Advice {
  const fn = code === undefined ? undefined : table[code];
  if (fn) return fn(subject);
  if (code === undefined)
    return {
      reason: fallbackMessage,
      fix: remedy`run again with ${option('debug')}, and check the KDC log`,
    };
  const info = krbErrorInfo(code);
  return {
    reason: `${info.name} (${info.code}): ${info.meaning}`,
    fix: 'check the KDC log for this request',
  };
}

/**
 * NTSTATUS refinements AD and Samba put in KRB-ERROR e-data: they tell "disabled" from
 * "locked out" from "expired" where the Kerberos code alone (CLIENT_REVOKED) cannot.
 */
// prettier-ignore
export const NT_STATUS_ADVICE: Readonly<Record<number, Advice>> = Object.freeze({
  0xc0000072: { reason: 'the account is disabled (STATUS_ACCOUNT_DISABLED)', fix: 'enable it: clear bit 0x2 of userAccountControl (samba-tool user enable, Enable-ADAccount)' },
  0xc0000234: { reason: 'the account is locked out after too many bad passwords (STATUS_ACCOUNT_LOCKED_OUT)', fix: 'unlock it (Unlock-ADAccount, or set lockoutTime to 0), then find what keeps using the old password' },
  0xc0000193: { reason: 'the account has expired (STATUS_ACCOUNT_EXPIRED, accountExpires)', fix: 'clear or extend accountExpires on the account' },
  0xc0000071: { reason: 'the password has expired (STATUS_PASSWORD_EXPIRED)', fix: 'set "password never expires" (userAccountControl 0x10000) for the service account, or reset the password and make the keytab again' },
  0xc0000224: { reason: 'the password must be changed at next logon (STATUS_PASSWORD_MUST_CHANGE, pwdLastSet = 0)', fix: 'clear "must change password" (pwdLastSet = -1) on the service account' },
  0xc000006f: { reason: 'logon is not allowed at this time (STATUS_INVALID_LOGON_HOURS)', fix: 'allow all logon hours for the service account' },
  0xc0000070: { reason: 'logon is not allowed from this workstation (STATUS_INVALID_WORKSTATION)', fix: 'clear userWorkstations on the service account' },
});
