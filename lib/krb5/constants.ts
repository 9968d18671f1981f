/**
 * Kerberos protocol numbers as data: message types, padata types, key usages, KDC options and
 * ticket flags, and the error-code table with plain-English meanings (RFC 4120 sections 5,
 * 7.5; RFC 6113; [MS-KILE] 2.2).
 */

/** pvno (RFC 4120 section 5.4.1): "This field specifies the protocol version number ... 5". */
export const KRB5_PVNO = 5;

/** msg-type values (RFC 4120 section 7.5.7), also the APPLICATION tags of the messages. */
export const MSG_TYPE = Object.freeze({
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  KRB_SAFE: 20,
  KRB_PRIV: 21,
  KRB_CRED: 22,
  KRB_ERROR: 30,
} as const);

/** APPLICATION tags of the non-message types (RFC 4120 section 5 ASN.1 module). */
export const APP_TAG = Object.freeze({
  TICKET: 1,
  AUTHENTICATOR: 2,
  ENC_TICKET_PART: 3,
  ENC_AS_REP_PART: 25,
  ENC_TGS_REP_PART: 26,
  ENC_AP_REP_PART: 27,
} as const);

/** padata-type values (RFC 4120 section 7.5.2, RFC 6113, [MS-KILE] 2.2, [MS-SFU]). */
export const PA_TYPE = Object.freeze({
  PA_TGS_REQ: 1,
  PA_ENC_TIMESTAMP: 2,
  PA_PW_SALT: 3,
  PA_ENC_UNIX_TIME: 5,
  PA_SANDIA_SECUREID: 6,
  PA_SESAME: 7,
  PA_OSF_DCE: 8,
  PA_CYBERSAFE_SECUREID: 9,
  PA_AFS3_SALT: 10,
  PA_ETYPE_INFO: 11,
  PA_SAM_CHALLENGE: 12,
  PA_SAM_RESPONSE: 13,
  PA_PK_AS_REQ_OLD: 14,
  PA_PK_AS_REP_OLD: 15,
  PA_PK_AS_REQ: 16,
  PA_PK_AS_REP: 17,
  PA_ETYPE_INFO2: 19,
  PA_USE_SPECIFIED_KVNO: 20,
  PA_SAM_REDIRECT: 21,
  PA_GET_FROM_TYPED_DATA: 22,
  PA_SAM_ETYPE_INFO: 23,
  PA_ALT_PRINC: 24,
  PA_SAM_CHALLENGE_2: 30,
  PA_SAM_RESPONSE_2: 31,
  PA_EXTRA_TGT: 41,
  TD_PKINIT_CMS_CERTIFICATES: 101,
  TD_KRB_PRINCIPAL: 102,
  TD_KRB_REALM: 103,
  TD_TRUSTED_CERTIFIERS: 104,
  TD_CERTIFICATE_INDEX: 105,
  TD_APP_DEFINED_ERROR: 106,
  TD_REQ_NONCE: 107,
  TD_REQ_SEQ: 108,
  PA_PAC_REQUEST: 128,
  PA_FOR_USER: 129,
  PA_FX_COOKIE: 133,
  PA_AUTHENTICATION_SET: 134,
  PA_AUTH_SET_SELECTED: 135,
  PA_FX_FAST: 136,
  PA_FX_ERROR: 137,
  PA_ENCRYPTED_CHALLENGE: 138,
  PA_OTP_CHALLENGE: 141,
  PA_OTP_REQUEST: 142,
  PA_OTP_PIN_CHANGE: 144,
  PA_EPAK_AS_REQ: 145,
  PA_EPAK_AS_REP: 146,
  PA_PKINIT_KX: 147,
  PA_PKU2U_NAME: 148,
  PA_REQ_ENC_PA_REP: 149,
  PA_AS_FRESHNESS: 150,
  PA_SPAKE: 151,
  PA_PAC_OPTIONS: 167,
  /** Heimdal/Samba KRB5_PADATA_GSS (GSS-API pre-authentication), offered by Samba 4.17. */
  PA_GSS: 655,
} as const);

/** The PA_* name of a padata type, or `PA-<n>`. */
export function paTypeName(type: number): string {
  const name = (Object.keys(PA_TYPE) as (keyof typeof PA_TYPE)[]).find((k) => PA_TYPE[k] === type);
  return name ?? `PA-${type}`;
}

/**
 * Key usage numbers (RFC 4120 section 7.5.1). The comment after each is the RFC's own text.
 */
export const KEY_USAGE = Object.freeze({
  /** AS-REQ PA-ENC-TIMESTAMP padata timestamp, encrypted with the client key */
  AS_REQ_PA_ENC_TIMESTAMP: 1,
  /** AS-REP Ticket and TGS-REP Ticket (includes TGS session key or application session key), encrypted with the service key */
  KDC_REP_TICKET: 2,
  /** AS-REP encrypted part (includes TGS session key or application session key), encrypted with the client key */
  AS_REP_ENC_PART: 3,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS session key */
  TGS_REQ_AD_SESSION_KEY: 4,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS authenticator subkey */
  TGS_REQ_AD_SUBKEY: 5,
  /** TGS-REQ PA-TGS-REQ padata AP-REQ Authenticator cksum, keyed with the TGS session key */
  TGS_REQ_AUTH_CKSUM: 6,
  /** TGS-REQ PA-TGS-REQ padata AP-REQ Authenticator (includes TGS authenticator subkey), encrypted with the TGS session key */
  TGS_REQ_AUTH: 7,
  /** TGS-REP encrypted part (includes application session key), encrypted with the TGS session key */
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  /** TGS-REP encrypted part (includes application session key), encrypted with the TGS authenticator subkey */
  TGS_REP_ENC_PART_SUBKEY: 9,
  /** AP-REQ Authenticator cksum, keyed with the application session key */
  AP_REQ_AUTH_CKSUM: 10,
  /** AP-REQ Authenticator (includes application authenticator subkey), encrypted with the application session key */
  AP_REQ_AUTH: 11,
  /** AP-REP encrypted part (includes application session subkey), encrypted with the application session key */
  AP_REP_ENC_PART: 12,
  /** KRB-PRIV encrypted part, encrypted with a key chosen by the application */
  KRB_PRIV_ENC_PART: 13,
  /** KRB-CRED encrypted part, encrypted with a key chosen by the application */
  KRB_CRED_ENC_PART: 14,
  /** KRB-SAFE cksum, keyed with a key chosen by the application */
  KRB_SAFE_CKSUM: 15,
  /** Data which is defined in some specification outside of Kerberos to be encrypted using an RFC 1510 encryption type */
  OTHER_ENCRYPTED: 16,
  /** Data which is defined in some specification outside of Kerberos to be checksummed using an RFC 1510 checksum type */
  OTHER_CKSUM: 17,
  /** KRB-ERROR checksum (e-cksum) */
  KRB_ERROR_CKSUM: 18,
  /** AD-KDCIssued checksum (ad-checksum) */
  AD_KDCISSUED_CKSUM: 19,
  /** Checksum for Mandatory Ticket Extensions */
  MANDATORY_TICKET_EXTENSION: 20,
  /** Checksum in Authorization Data in Ticket Extensions */
  AD_IN_TICKET_EXTENSIONS: 21,
  /** RFC 6113 section 5.2: KEY_USAGE_ENC_CHALLENGE_CLIENT */
  ENC_CHALLENGE_CLIENT: 54,
  /** RFC 6113 section 5.2: KEY_USAGE_ENC_CHALLENGE_KDC */
  ENC_CHALLENGE_KDC: 55,
} as const);

/**
 * KDCOptions bits (RFC 4120 section 5.4.1), as masks of the UInt32 form used by
 * decodeFlags/derFlags (ASN.1 bit n = 0x80000000 >>> n).
 */
export const KDC_OPTIONS = Object.freeze({
  FORWARDABLE: 0x80000000 >>> 1,
  FORWARDED: 0x80000000 >>> 2,
  PROXIABLE: 0x80000000 >>> 3,
  PROXY: 0x80000000 >>> 4,
  ALLOW_POSTDATE: 0x80000000 >>> 5,
  POSTDATED: 0x80000000 >>> 6,
  RENEWABLE: 0x80000000 >>> 8,
  OPT_HARDWARE_AUTH: 0x80000000 >>> 11,
  CNAME_IN_ADDL_TKT: 0x80000000 >>> 14,
  CANONICALIZE: 0x80000000 >>> 15,
  REQUEST_ANONYMOUS: 0x80000000 >>> 16,
  DISABLE_TRANSITED_CHECK: 0x80000000 >>> 26,
  RENEWABLE_OK: 0x80000000 >>> 27,
  ENC_TKT_IN_SKEY: 0x80000000 >>> 28,
  RENEW: 0x80000000 >>> 30,
  VALIDATE: 0x80000000 >>> 31,
} as const);

/** TicketFlags bits (RFC 4120 section 5.3; enc-pa-rep from RFC 6806), as UInt32 masks. */
export const TICKET_FLAGS = Object.freeze({
  FORWARDABLE: 0x80000000 >>> 1,
  FORWARDED: 0x80000000 >>> 2,
  PROXIABLE: 0x80000000 >>> 3,
  PROXY: 0x80000000 >>> 4,
  MAY_POSTDATE: 0x80000000 >>> 5,
  POSTDATED: 0x80000000 >>> 6,
  INVALID: 0x80000000 >>> 7,
  RENEWABLE: 0x80000000 >>> 8,
  INITIAL: 0x80000000 >>> 9,
  PRE_AUTHENT: 0x80000000 >>> 10,
  HW_AUTHENT: 0x80000000 >>> 11,
  TRANSITED_POLICY_CHECKED: 0x80000000 >>> 12,
  OK_AS_DELEGATE: 0x80000000 >>> 13,
  ENC_PA_REP: 0x80000000 >>> 15,
  ANONYMOUS: 0x80000000 >>> 16,
} as const);

/** The names of the set bits of a flags word, e.g. flagNames(f, TICKET_FLAGS). */
export function flagNames(flags: number, table: Readonly<Record<string, number>>): string[] {
  return Object.keys(table).filter((k) => ((flags >>> 0) & (table[k] as number)) !== 0);
}

/** Name types used by the client (the full table is NAME_TYPES in lib/principal.ts). */
export const NT_PRINCIPAL = 1;
export const NT_SRV_INST = 2;

/** HostAddress addr-type values (RFC 4120 section 7.5.3). */
export const ADDR_TYPE = Object.freeze({
  IPV4: 2,
  DIRECTIONAL: 3,
  CHAOSNET: 5,
  XNS: 6,
  ISO: 7,
  DECNET_PHASE_IV: 12,
  APPLETALK_DDP: 16,
  NETBIOS: 20,
  IPV6: 24,
} as const);

export interface KrbErrorInfo {
  readonly code: number;
  /** The RFC's symbolic name, e.g. KDC_ERR_PREAUTH_FAILED. */
  readonly name: string;
  /** The RFC's (or MIT's) one-line description. */
  readonly description: string;
  /** What it usually means in practice, in plain English. */
  readonly meaning: string;
}

function E(code: number, name: string, description: string, meaning: string): KrbErrorInfo {
  return Object.freeze({ code, name, description, meaning });
}

/**
 * error-code values (RFC 4120 section 7.5.9; RFC 4556 PKINIT; RFC 6113 FAST; RFC 8636), with
 * what they usually mean for someone debugging a keytab or an AD account.
 */
// prettier-ignore
export const KRB_ERRORS: readonly KrbErrorInfo[] = Object.freeze([
  E(0, 'KDC_ERR_NONE', 'No error', 'No error.'),
  E(1, 'KDC_ERR_NAME_EXP', "Client's entry in database has expired", 'The client principal has expired in the KDC database.'),
  E(2, 'KDC_ERR_SERVICE_EXP', "Server's entry in database has expired", 'The service principal has expired in the KDC database.'),
  E(3, 'KDC_ERR_BAD_PVNO', 'Requested protocol version number not supported', 'The KDC does not speak Kerberos 5 as sent.'),
  E(4, 'KDC_ERR_C_OLD_MAST_KVNO', "Client's key encrypted in old master key", "The client's key is stored under an old master key on the KDC."),
  E(5, 'KDC_ERR_S_OLD_MAST_KVNO', "Server's key encrypted in old master key", "The service's key is stored under an old master key on the KDC."),
  E(6, 'KDC_ERR_C_PRINCIPAL_UNKNOWN', 'Client not found in Kerberos database', 'The client principal does not exist: wrong name or realm, or (AD) no account has this userPrincipalName or sAMAccountName.'),
  E(7, 'KDC_ERR_S_PRINCIPAL_UNKNOWN', 'Server not found in Kerberos database', 'The service principal does not exist: (AD) no account carries this servicePrincipalName.'),
  E(8, 'KDC_ERR_PRINCIPAL_NOT_UNIQUE', 'Multiple principal entries in database', 'Several accounts carry this name: (AD) a duplicate SPN or UPN.'),
  E(9, 'KDC_ERR_NULL_KEY', 'The client or server has a null key', 'The principal has no key: (AD) the password was never set.'),
  E(10, 'KDC_ERR_CANNOT_POSTDATE', 'Ticket not eligible for postdating', 'A postdated ticket was asked for and is not allowed.'),
  E(11, 'KDC_ERR_NEVER_VALID', 'Requested starttime is later than end time', 'The requested ticket times are inconsistent (check the clock).'),
  E(12, 'KDC_ERR_POLICY', 'KDC policy rejects request', 'A KDC policy refused the request (AD: logon hours, workstation restrictions, or a policy on the account).'),
  E(13, 'KDC_ERR_BADOPTION', 'KDC cannot accommodate requested option', 'The KDC refused an option of the request (e.g. delegation not allowed).'),
  E(14, 'KDC_ERR_ETYPE_NOSUPP', 'KDC has no support for encryption type', 'None of the offered encryption types can be used: the principal has no key of these types, or the KDC does not allow them.'),
  E(15, 'KDC_ERR_SUMTYPE_NOSUPP', 'KDC has no support for checksum type', 'The KDC does not accept the checksum type used.'),
  E(16, 'KDC_ERR_PADATA_TYPE_NOSUPP', 'KDC has no support for padata type', 'The KDC does not support the pre-authentication method used.'),
  E(17, 'KDC_ERR_TRTYPE_NOSUPP', 'KDC has no support for transited type', 'The KDC does not support the transited encoding.'),
  E(18, 'KDC_ERR_CLIENT_REVOKED', 'Clients credentials have been revoked', 'The account is disabled, locked out or expired.'),
  E(19, 'KDC_ERR_SERVICE_REVOKED', 'Credentials for server have been revoked', 'The service account is disabled or locked.'),
  E(20, 'KDC_ERR_TGT_REVOKED', 'TGT has been revoked', 'The ticket-granting ticket has been revoked.'),
  E(21, 'KDC_ERR_CLIENT_NOTYET', 'Client not yet valid; try again later', 'The client account is not valid yet.'),
  E(22, 'KDC_ERR_SERVICE_NOTYET', 'Server not yet valid; try again later', 'The service account is not valid yet.'),
  E(23, 'KDC_ERR_KEY_EXPIRED', 'Password has expired; change password to reset', 'The password has expired or must be changed at next logon.'),
  E(24, 'KDC_ERR_PREAUTH_FAILED', 'Pre-authentication information was invalid', 'The key is wrong: a wrong password, a wrong salt (e.g. the UPN changed after the password was set), or keys of an old kvno.'),
  E(25, 'KDC_ERR_PREAUTH_REQUIRED', 'Additional pre-authentication required', 'Pre-authentication is required: the normal first answer, carrying the salts (PA-ETYPE-INFO2).'),
  E(26, 'KDC_ERR_SERVER_NOMATCH', "Requested server and ticket don't match", 'The ticket does not match the requested service.'),
  E(27, 'KDC_ERR_MUST_USE_USER2USER', 'Server principal valid for user2user only', 'The service has no long-term key; only user-to-user is possible.'),
  E(28, 'KDC_ERR_PATH_NOT_ACCEPTED', 'KDC Policy rejects transited path', 'A cross-realm path was refused by policy.'),
  E(29, 'KDC_ERR_SVC_UNAVAILABLE', 'A service is not available', 'The KDC is not able to serve the request right now (e.g. database unavailable).'),
  E(31, 'KRB_AP_ERR_BAD_INTEGRITY', 'Integrity check on decrypted field failed', 'A message could not be decrypted: a wrong key (e.g. a password change in progress, or a forged or corrupted ticket).'),
  E(32, 'KRB_AP_ERR_TKT_EXPIRED', 'Ticket expired', 'The ticket has expired; get a new one.'),
  E(33, 'KRB_AP_ERR_TKT_NYV', 'Ticket not yet valid', 'The ticket is not valid yet (check the clocks).'),
  E(34, 'KRB_AP_ERR_REPEAT', 'Request is a replay', 'The same authenticator was seen before (replay cache).'),
  E(35, 'KRB_AP_ERR_NOT_US', "The ticket isn't for us", 'The ticket was issued for another service.'),
  E(36, 'KRB_AP_ERR_BADMATCH', "Ticket and authenticator don't match", 'The ticket and the authenticator name different clients.'),
  E(37, 'KRB_AP_ERR_SKEW', 'Clock skew too great', 'The clocks of the client and the KDC differ by more than the allowed skew (300 s by default).'),
  E(38, 'KRB_AP_ERR_BADADDR', 'Incorrect net address', 'The ticket is bound to other network addresses.'),
  E(39, 'KRB_AP_ERR_BADVERSION', 'Protocol version mismatch', 'The message has an unexpected protocol version.'),
  E(40, 'KRB_AP_ERR_MSG_TYPE', 'Invalid msg type', 'The message type was not expected.'),
  E(41, 'KRB_AP_ERR_MODIFIED', 'Message stream modified', 'A checksum did not verify: often a wrong key for the service (kvno or password mismatch).'),
  E(42, 'KRB_AP_ERR_BADORDER', 'Message out of order', 'A sequence number was out of order.'),
  E(44, 'KRB_AP_ERR_BADKEYVER', 'Specified version of key is not available', 'The key version (kvno) the ticket names is not available.'),
  E(45, 'KRB_AP_ERR_NOKEY', 'Service key not available', 'The service has no key to decrypt the ticket.'),
  E(46, 'KRB_AP_ERR_MUT_FAIL', 'Mutual authentication failed', 'Mutual authentication failed.'),
  E(47, 'KRB_AP_ERR_BADDIRECTION', 'Incorrect message direction', 'A message came from the wrong direction.'),
  E(48, 'KRB_AP_ERR_METHOD', 'Alternative authentication method required', 'Another authentication method is required.'),
  E(49, 'KRB_AP_ERR_BADSEQ', 'Incorrect sequence number in message', 'A sequence number was wrong.'),
  E(50, 'KRB_AP_ERR_INAPP_CKSUM', 'Inappropriate type of checksum in message', 'The checksum type does not fit the key.'),
  E(51, 'KRB_AP_PATH_NOT_ACCEPTED', 'Policy rejects transited path', 'A cross-realm path was refused by policy.'),
  E(52, 'KRB_ERR_RESPONSE_TOO_BIG', 'Response too big for UDP; retry with TCP', 'The answer does not fit in a UDP datagram; the client retries over TCP.'),
  E(60, 'KRB_ERR_GENERIC', 'Generic error (description in e-text)', 'A generic error: the e-text says more.'),
  E(61, 'KRB_ERR_FIELD_TOOLONG', 'Field is too long for this implementation', 'A field of the request is too long.'),
  E(62, 'KDC_ERR_CLIENT_NOT_TRUSTED', 'Client not trusted (PKINIT)', 'PKINIT: the client certificate is not trusted.'),
  E(63, 'KDC_ERR_KDC_NOT_TRUSTED', 'KDC not trusted (PKINIT)', 'PKINIT: the KDC is not trusted.'),
  E(64, 'KDC_ERR_INVALID_SIG', 'Invalid signature (PKINIT)', 'PKINIT: a signature did not verify.'),
  E(65, 'KDC_ERR_KEY_TOO_WEAK', 'Key parameters not accepted (PKINIT)', 'PKINIT: the key parameters were refused.'),
  E(66, 'KDC_ERR_CERTIFICATE_MISMATCH', 'Certificate mismatch (PKINIT)', 'PKINIT: the certificate does not match the client.'),
  E(67, 'KRB_AP_ERR_NO_TGT', 'No TGT available to validate USER-TO-USER', 'User-to-user needs a TGT that was not supplied.'),
  E(68, 'KDC_ERR_WRONG_REALM', 'Wrong realm', 'The principal belongs to another realm: ask that realm\'s KDC (a referral).'),
  E(69, 'KRB_AP_ERR_USER_TO_USER_REQUIRED', 'Ticket must be for USER-TO-USER', 'The service only accepts user-to-user tickets.'),
  E(70, 'KDC_ERR_CANT_VERIFY_CERTIFICATE', "Can't verify certificate (PKINIT)", 'PKINIT: the certificate cannot be verified.'),
  E(71, 'KDC_ERR_INVALID_CERTIFICATE', 'Invalid certificate (PKINIT)', 'PKINIT: the certificate is invalid.'),
  E(72, 'KDC_ERR_REVOKED_CERTIFICATE', 'Revoked certificate (PKINIT)', 'PKINIT: the certificate is revoked.'),
  E(73, 'KDC_ERR_REVOCATION_STATUS_UNKNOWN', 'Revocation status unknown (PKINIT)', 'PKINIT: revocation status unknown.'),
  E(74, 'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE', 'Revocation status unavailable (PKINIT)', 'PKINIT: revocation status unavailable.'),
  E(75, 'KDC_ERR_CLIENT_NAME_MISMATCH', 'Client name mismatch (PKINIT)', 'PKINIT: the certificate names another client.'),
  E(76, 'KDC_ERR_KDC_NAME_MISMATCH', 'KDC name mismatch (PKINIT)', 'PKINIT: the certificate names another KDC.'),
  E(77, 'KDC_ERR_INCONSISTENT_KEY_PURPOSE', 'Inconsistent key purpose (PKINIT)', 'PKINIT: the certificate is not for Kerberos.'),
  E(78, 'KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED', 'Digest in certificate not accepted (PKINIT)', 'PKINIT: the certificate digest is refused.'),
  E(79, 'KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED', 'PA checksum must be included (PKINIT)', 'PKINIT: the request lacks a checksum.'),
  E(80, 'KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED', 'Digest in signed data not accepted (PKINIT)', 'PKINIT: the signed-data digest is refused.'),
  E(81, 'KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED', 'Public key encryption not supported (PKINIT)', 'PKINIT: public-key encryption is not supported.'),
  E(90, 'KDC_ERR_PREAUTH_EXPIRED', 'Pre-authentication expired (FAST)', 'The pre-authentication data is too old: retry.'),
  E(91, 'KDC_ERR_MORE_PREAUTH_DATA_REQUIRED', 'More pre-authentication data required (FAST)', 'The KDC needs another round of pre-authentication.'),
  E(93, 'KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS', 'Unknown critical FAST options', 'The KDC does not know a critical FAST option.'),
  E(100, 'KDC_ERR_NO_ACCEPTABLE_KDF', 'No acceptable KDF (PKINIT)', 'PKINIT: no acceptable key-derivation function.'),
]);

const BY_CODE: ReadonlyMap<number, KrbErrorInfo> = new Map(KRB_ERRORS.map((e) => [e.code, e]));

/** The table entry of an error code; unknown codes get a generic entry. */
export function krbErrorInfo(code: number): KrbErrorInfo {
  return (
    BY_CODE.get(code) ??
    E(
      code,
      `KRB_ERROR_${code}`,
      `Unknown Kerberos error ${code}`,
      `The KDC answered with error code ${code}, which this toolkit does not know.`,
    )
  );
}

/** Named error codes for code that branches on them. */
export const KRB_ERR = Object.freeze({
  C_PRINCIPAL_UNKNOWN: 6,
  S_PRINCIPAL_UNKNOWN: 7,
  PRINCIPAL_NOT_UNIQUE: 8,
  NULL_KEY: 9,
  POLICY: 12,
  BADOPTION: 13,
  ETYPE_NOSUPP: 14,
  CLIENT_REVOKED: 18,
  SERVICE_REVOKED: 19,
  KEY_EXPIRED: 23,
  PREAUTH_FAILED: 24,
  PREAUTH_REQUIRED: 25,
  BAD_INTEGRITY: 31,
  SKEW: 37,
  MODIFIED: 41,
  BADKEYVER: 44,
  RESPONSE_TOO_BIG: 52,
  GENERIC: 60,
  WRONG_REALM: 68,
} as const);

/**
 * NTSTATUS values Windows and Samba KDCs put in KRB-ERROR e-data (KERB-EXT-ERROR, [MS-KILE]
 * 2.2.1 and 3.3.5.x) to say why an account cannot log on.
 */
// prettier-ignore
export const NT_STATUS: Readonly<Record<number, { readonly name: string; readonly meaning: string }>> = Object.freeze({
  0xc0000064: { name: 'STATUS_NO_SUCH_USER', meaning: 'the account does not exist' },
  0xc000006a: { name: 'STATUS_WRONG_PASSWORD', meaning: 'the password is wrong' },
  0xc000006d: { name: 'STATUS_LOGON_FAILURE', meaning: 'unknown user name or bad password' },
  0xc000006e: { name: 'STATUS_ACCOUNT_RESTRICTION', meaning: 'an account restriction prevents logon' },
  0xc000006f: { name: 'STATUS_INVALID_LOGON_HOURS', meaning: 'logon is not allowed at this time (logonHours)' },
  0xc0000070: { name: 'STATUS_INVALID_WORKSTATION', meaning: 'logon is not allowed from this workstation (userWorkstations)' },
  0xc0000071: { name: 'STATUS_PASSWORD_EXPIRED', meaning: 'the password has expired' },
  0xc0000072: { name: 'STATUS_ACCOUNT_DISABLED', meaning: 'the account is disabled' },
  0xc0000193: { name: 'STATUS_ACCOUNT_EXPIRED', meaning: 'the account has expired (accountExpires)' },
  0xc0000224: { name: 'STATUS_PASSWORD_MUST_CHANGE', meaning: 'the password must be changed at next logon (pwdLastSet = 0)' },
  0xc0000234: { name: 'STATUS_ACCOUNT_LOCKED_OUT', meaning: 'the account is locked out' },
});
