/**
 * Error mapping from the objects ldapts 8.2.0 threw against Samba 4.17.12 (Debian 12, Node 20),
 * rebuilt here with the same classes and messages, and Node's own socket/TLS errors.
 */
import {
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  StrongAuthRequiredError,
  TypeOrValueExistsError,
  UnwillingToPerformError,
  AlreadyExistsError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import { BIND_DATA_CODES, directoryError, errorFacts } from '../../lib/ad/errors.js';
import { KtError } from '../../lib/errors.js';

const ctx = {
  url: 'ldaps://127.0.0.1:636',
  bindDn: 'Administrator@example.test',
  dn: 'CN=svc,CN=Users,DC=example,DC=test',
};
const sys = (code: string, message: string): Error => Object.assign(new Error(message), { code });

/** [thrown object, operation, expected code, words the message must contain, words the hint must contain] */
// prettier-ignore
const CASES: [string, Error, 'bind' | 'modify' | 'add' | 'search' | 'connect', string, RegExp, RegExp][] = [
  ['duplicate SPN', new ConstraintViolationError('0000202F: samldb: spn[http/PROBE1.example.test] would cause a conflict'), 'modify', 'AD_SPN_DUPLICATE', /SPN http\/PROBE1\.example\.test is already registered on another account/, /spn find/],
  ['host/ alias clash (Samba names no SPN)', new ConstraintViolationError('error in module samldb: Constraint violation during LDB_MODIFY (19)'), 'modify', 'AD_SPN_DUPLICATE', /host\/ alias/, /host\/NAME covers HTTP\/NAME/],
  ['duplicate UPN', new ConstraintViolationError("0000202F: samldb: userPrincipalName 'HTTP/probe1.example.test@EXAMPLE.TEST' is already in use "), 'modify', 'AD_UPN_DUPLICATE', /UPN HTTP\/probe1\.example\.test@EXAMPLE\.TEST is already used/, /unique/],
  ['duplicate sAMAccountName', new AlreadyExistsError("00002071: samldb: samAccountName 'probe1' already in use!"), 'add', 'AD_ACCOUNT_EXISTS', /an account named probe1 already exists/, /another name/],
  ['entry exists', new AlreadyExistsError('Entry CN=probe1,CN=Users,DC=example,DC=test already exists'), 'add', 'AD_ACCOUNT_EXISTS', /already exists/, /another name/],
  ['password too short', new ConstraintViolationError('0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!'), 'modify', 'AD_PASSWORD_POLICY', /too short for the domain policy \(at least 7 characters\)/, /--random/],
  ['password complexity', new ConstraintViolationError('0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!'), 'modify', 'AD_PASSWORD_POLICY', /complexity rules/, /--random/],
  ['password history', new ConstraintViolationError('0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!'), 'modify', 'AD_PASSWORD_POLICY', /used before \(password history\)/, /not used recently/],
  ['password too young', new ConstraintViolationError('0000052D: Constraint violation - check_password_restrictions: password is too young to change!'), 'modify', 'AD_PASSWORD_POLICY', /too young to change/, /administrator/],
  ['Windows password policy (no detail)', new UnwillingToPerformError('0000052D: SvcErr: DSID-031A1254, problem 5003 (WILL_NOT_PERFORM), data 0\n'), 'modify', 'AD_PASSWORD_POLICY', /length, complexity, history or age/, /--random/],
  ["Samba's misleading NT hash message", new UnwillingToPerformError("00002035: setup_io: it's not allowed to set the NT hash password directly'"), 'modify', 'AD_PASSWORD_ENCODING', /not a quoted UTF-16LE unicodePwd/, /UTF-16LE of "password" in double quotes, over LDAPS or StartTLS/],
  ['system-only attribute', new ConstraintViolationError("0000202F: objectclass_attrs: attribute 'msDS-KeyVersionNumber' on entry 'CN=probe1,CN=Users,DC=example,DC=test' can only be modified as system"), 'modify', 'AD_REFUSED', /maintained by the directory itself/, /password set raises the kvno/],
  ['no write rights (Samba)', new InsufficientAccessError('00002098: Object CN=probe2,CN=Users,DC=example,DC=test has no write property access\n'), 'modify', 'AD_INSUFFICIENT_RIGHTS', /Administrator@example\.test may not change attributes on CN=svc/, /Reset password/],
  ['no reset-password right (Samba)', new InsufficientAccessError('error in module acl: insufficient access rights during LDB_MODIFY (50)'), 'modify', 'AD_INSUFFICIENT_RIGHTS', /insufficient access rights/, /delegate/],
  ['no rights (Windows)', new InsufficientAccessError('00000005: SecErr: DSID-03152870, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0'), 'add', 'AD_INSUFFICIENT_RIGHTS', /may not create entries/, /bind as an account with the rights/],
  ['wrong bind password (Samba: 52e for all)', new InvalidCredentialsError('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1'), 'bind', 'AD_BIND', /bind as Administrator@example\.test to ldaps:\/\/127\.0\.0\.1:636 failed: wrong password, or no such user \(AD data 52e\)/, /bind password/],
  ['plain ldap:// simple bind', new StrongAuthRequiredError('BindSimple: Transport encryption required.'), 'bind', 'AD_STRONG_AUTH_REQUIRED', /requires an encrypted connection \("BindSimple: Transport encryption required\."\)/, /bind with Kerberos, which signs and seals on port 389 .* or use ldaps:\/\/HOST \(port 636\) or --starttls/],
  ['no such parent (bad --ou)', new NoSuchObjectError('00002030: objectclass: Cannot add CN=probe3,OU=Nope,DC=example,DC=test, parent does not exist!'), 'add', 'AD_OBJECT_NOT_FOUND', /does not exist/, /--ou/],
  ['value already there', new TypeOrValueExistsError("attribute 'servicePrincipalName': value #23 on 'CN=probe1,CN=Users,DC=example,DC=test' already exists"), 'modify', 'AD_REFUSED', /already there/, /nothing to add/],
  ['untrusted certificate', sys('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), 'connect', 'AD_TLS', /certificate is not trusted/, /--ca-file FILE or KEYTAB_CA_FILE/],
  ['self-signed certificate', sys('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'connect', 'AD_TLS', /not trusted/, /--ca-file/],
  ['host name mismatch', sys('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: IP Address:127.0.0.1, DNS:dc1.example.test"), 'connect', 'AD_TLS', /not for this host name/, /subjectAltName/],
  ['expired certificate', sys('CERT_HAS_EXPIRED', 'certificate has expired'), 'connect', 'AD_TLS', /validity dates/, /clock/],
  ['ldaps:// to the plain port', sys('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), 'connect', 'AD_TLS', /did not answer with TLS/, /--starttls/],
  ['connection refused', sys('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6360'), 'connect', 'AD_CONNECT', /cannot reach ldaps:\/\/127\.0\.0\.1:636: connect ECONNREFUSED/, /host and port/],
  ['connect timeout (ldapts)', new Error('Connection timeout'), 'connect', 'AD_TIMEOUT', /did not answer within 30 s/, /--timeout/],
  ['operation timeout (ldapts)', new Error('SearchRequest: Operation timed out'), 'search', 'AD_TIMEOUT', /did not answer/, /--timeout/],
  ['closed connection (ldapts)', new Error('Connection closed before message response was received. Message type: BindRequest (0x60)'), 'bind', 'AD_CONNECT', /was closed/, /retry/],
];

describe('directoryError: every AD failure in words, with a fix', () => {
  for (const [name, err, operation, code, message, hint] of CASES) {
    it(name, () => {
      const e = directoryError(err, { ...ctx, operation, timeoutMs: 30000 });
      expect(e).toBeInstanceOf(KtError);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.hint ?? '').toMatch(hint);
      expect(e.cause).toBe(err);
      expect(e.message).not.toMatch(/Code: 0x/);
    });
  }
  it('AD bind data codes become words (Windows sends them; Samba says 52e for all)', () => {
    for (const [data, words] of [
      ['525', 'no such user'],
      ['530', 'not permitted at this time'],
      ['531', 'from this workstation'],
      ['532', 'password has expired'],
      ['533', 'disabled'],
      ['701', 'account has expired'],
      ['773', 'must be changed'],
      ['775', 'locked out'],
    ] as const) {
      const e = directoryError(
        new InvalidCredentialsError(
          `80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data ${data}, v4563`,
        ),
        { operation: 'bind', bindDn: 'x@y' },
      );
      expect(e.code).toBe('AD_BIND');
      expect(e.message).toContain(words);
      expect(e.message).toContain(`(AD data ${data})`);
      expect(e.hint).toBe(BIND_DATA_CODES[data]?.hint);
    }
  });
  it('with a CA file given, the TLS hint says the file holds the wrong CA', () => {
    const e = directoryError(
      sys('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      { url: 'ldaps://dc', caFile: '/etc/ssl/ad-ca.pem' },
    );
    expect(e.hint).toMatch(/\/etc\/ssl\/ad-ca\.pem does not hold the CA/);
  });
  it('a KtError passes through; unknown result codes keep the server text', () => {
    const k = new KtError('AD_CONFIG', 'x');
    expect(directoryError(k)).toBe(k);
    const e = directoryError(new UnwillingToPerformError('something else entirely'), {
      operation: 'modify',
      url: 'ldaps://dc',
    });
    expect([e.code, e.message]).toEqual([
      'AD_REFUSED',
      'ldaps://dc refused to change attributes: something else entirely (LDAP result 53)',
    ]);
    expect(e.details.ldapResultCode).toBe(53);
  });
  it('password words in a non-password message do not make a policy error', () => {
    expect(
      directoryError(new ConstraintViolationError('value is too short for attribute description'), {
        operation: 'modify',
      }).code,
    ).toBe('AD_REFUSED');
  });
  it("errorFacts strips ldapts's code suffix and keeps the numbers apart", () => {
    expect(errorFacts(new ConstraintViolationError('0000202F: x'))).toEqual({
      resultCode: 19,
      message: '0000202F: x',
    });
    expect(errorFacts(sys('ECONNREFUSED', 'refused'))).toEqual({
      systemCode: 'ECONNREFUSED',
      message: 'refused',
    });
    expect(errorFacts('text')).toEqual({ message: 'text' });
  });
});
