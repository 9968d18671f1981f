/** The auth diagnosis from hand-made facts: how the bind went, or each failure's cause and fix. */
import { describe, expect, it } from 'vitest';
import {
  diagnoseDirectoryAuth,
  type AuthFailureFacts,
  type DirectoryAuthFacts,
} from '../../lib/doctor/directory-auth.js';
import { authCheck, withAuthCheck } from '../../lib/cli/verify-directory.js';

const URL = 'ldap://127.0.0.1:389';
const KERBEROS = {
  requested: 'auto',
  method: 'kerberos' as const,
  reason: 'ldap://127.0.0.1 without TLS: Kerberos (SASL GSSAPI, sealed), the default there',
};
const failed = (failure: AuthFailureFacts): DirectoryAuthFacts => ({
  url: URL,
  choice: KERBEROS,
  failure,
});
const last = (facts: DirectoryAuthFacts) => diagnoseDirectoryAuth(facts).at(-1)!;

describe('diagnoseDirectoryAuth', () => {
  it('a Kerberos bind: the method and why, the credential source, the ldap/ SPN, the KDC, the layer and its buffer', () => {
    const findings = diagnoseDirectoryAuth({
      url: URL,
      choice: KERBEROS,
      bound: {
        method: 'kerberos',
        layer: 'SASL GSSAPI, sealed (aes256-cts-hmac-sha1-96)',
        client: 'Administrator@EXAMPLE.TEST',
        source: 'ccache',
        from: 'FILE:/tmp/krb5cc_0',
        service: 'ldap/dc1.example.test@EXAMPLE.TEST',
        kdc: '127.0.0.1:88',
        maxBuffer: 65536,
      },
    });
    expect(findings.map((f) => [f.severity, f.what, f.why])).toEqual([
      ['info', `auth ${URL} method`, `kerberos (--auth auto): ${KERBEROS.reason}`],
      [
        'ok',
        `auth ${URL}`,
        'Kerberos (ticket cache FILE:/tmp/krb5cc_0) as Administrator@EXAMPLE.TEST; service ldap/dc1.example.test@EXAMPLE.TEST; KDC 127.0.0.1:88; layer SASL GSSAPI, sealed (aes256-cts-hmac-sha1-96), max buffer 65536 octets',
      ],
    ]);
    expect(findings[1]!.details).toMatchObject({
      source: 'ccache',
      service: 'ldap/dc1.example.test@EXAMPLE.TEST',
      maxBuffer: 65536,
    });
  });
  it('the admin keytab and the admin password are named as sources', () => {
    const base = {
      method: 'kerberos' as const,
      layer: 'SASL GSSAPI, sealed',
      client: 'a@R',
      service: 'ldap/dc@R',
      kdc: 'dc:88',
    };
    expect(
      last({ url: URL, bound: { ...base, source: 'keytab', from: '/etc/admin.keytab' } }).why,
    ).toMatch(/^Kerberos \(admin keytab \/etc\/admin.keytab\) as a@R/);
    expect(last({ url: URL, bound: { ...base, source: 'password', from: 'a@R' } }).why).toMatch(
      /^Kerberos \(admin password \(TGT kept in memory\)\) as a@R/,
    );
  });
  it('a simple bind over TLS is fine; over clear text it is a warning with the fix', () => {
    expect(
      last({
        url: 'ldaps://dc:636',
        bound: { method: 'simple', layer: 'TLS', client: 'admin@example.com' },
      }),
    ).toMatchObject({ severity: 'ok', why: 'simple bind as admin@example.com; layer TLS' });
    expect(
      last({
        url: 'ldap://dc:389',
        bound: { method: 'simple', layer: 'none (clear text)', client: 'admin@example.com' },
      }),
    ).toMatchObject({ severity: 'warning', fix: expect.stringMatching(/Kerberos/) });
  });
  const cases: [string, AuthFailureFacts, RegExp, RegExp, RegExp][] = [
    [
      'no ticket cache',
      {
        code: 'CCACHE_NOT_FOUND',
        message:
          'no credentials cache FILE:/tmp/krb5cc_0 (/tmp/krb5cc_0 does not exist; from KRB5CCNAME): run kinit admin@REALM first',
      },
      /no ticket cache$/,
      /no credentials cache FILE:\/tmp\/krb5cc_0/,
      /^kinit admin@REALM; .*KEYRING: or KCM: .*KRB5CCNAME=FILE:\/tmp\/krb5cc_\$\(id -u\) kinit admin@REALM/,
    ],
    [
      'a KEYRING: cache',
      {
        code: 'CCACHE_UNSUPPORTED',
        message: 'the ticket cache KEYRING:persistent:0 cannot be used',
        details: { name: 'KEYRING:persistent:0', type: 'KEYRING' },
      },
      /ticket cache not readable$/,
      /KEYRING:persistent:0 lives outside the file system .*cannot be read from Node/,
      /^KRB5CCNAME=FILE:\/tmp\/krb5cc_\$\(id -u\) kinit admin@REALM, and export/,
    ],
    [
      'an expired TGT',
      {
        code: 'CCACHE_EXPIRED',
        message: 'expired',
        details: { principal: 'Administrator@EXAMPLE.TEST', endTime: '2026-01-01T00:00:00.000Z' },
      },
      /expired TGT$/,
      /Administrator@EXAMPLE.TEST expired at 2026-01-01T00:00:00.000Z/,
      /^kinit Administrator@EXAMPLE.TEST/,
    ],
    [
      'no TGT',
      {
        code: 'CCACHE_NO_TICKET',
        message: 'the credentials cache of a@R holds no ticket-granting ticket krbtgt/R@R',
        details: { principal: 'a@R' },
      },
      /no TGT in the ticket cache$/,
      /holds no ticket-granting ticket/,
      /^kinit a@R$/,
    ],
    [
      'clock skew',
      {
        code: 'AD_SASL',
        message: 'the KDC refused x: Clock skew too great',
        details: { errorCode: 37, reason: 'clock-skew' },
      },
      /clock skew$/,
      /differ by more than the allowed skew/,
      /sync the clock/,
    ],
    [
      'no ldap/ SPN',
      {
        code: 'AD_SASL',
        message: 'no ticket for ldap/127.0.0.1@R',
        details: { errorCode: 7, reason: 'unknown-ldap-spn', service: 'ldap/127.0.0.1@R' },
      },
      /no ldap\/ SPN for that host name$/,
      /KDC_ERR_S_PRINCIPAL_UNKNOWN: no account carries ldap\/127.0.0.1@R/,
      /--ldap-host dc1.example.com/,
    ],
    [
      'a wrong admin password',
      {
        code: 'AD_SASL',
        message: 'the KDC refused a@R: Preauthentication failed',
        details: { errorCode: 24, reason: 'wrong-password' },
      },
      /wrong admin password$/,
      /Preauthentication failed/,
      /--bind-password-file/,
    ],
    [
      'a stale admin keytab',
      {
        code: 'AD_SASL',
        message: 'the KDC refused a@R',
        details: { errorCode: 24, reason: 'stale-admin-keytab' },
      },
      /stale admin keytab$/,
      /refused/,
      /make the admin keytab again/,
    ],
    [
      'strongAuthRequired',
      {
        code: 'AD_STRONG_AUTH_REQUIRED',
        message:
          'ldap://dc:389 requires an encrypted connection ("BindSimple: Transport encryption required.")',
      },
      /strongAuthRequired$/,
      /refuses a simple bind without TLS .*Transport encryption required/,
      /bind with Kerberos.*without --auth simple; or use ldaps:\/\/DC/,
    ],
    [
      'channel binding',
      {
        code: 'AD_BIND',
        message: 'bind failed',
        details: {
          diagnostic:
            '80090346: LdapErr: DSID-0C09058A, comment: AcceptSecurityContext error, data 80090346, v4563',
        },
      },
      /channel binding required \(80090346\)$/,
      /LdapEnforceChannelBinding/,
      /Kerberos over ldap:\/\//,
    ],
    [
      'anything else: the error and its hint',
      {
        code: 'AD_CONNECT',
        message: 'cannot reach ldap://dc:389: connect ECONNREFUSED',
        hint: 'check the host and port',
      },
      /^auth ldap:\/\/127.0.0.1:389$/,
      /ECONNREFUSED/,
      /^check the host and port$/,
    ],
  ];
  it.each(cases)('%s: the cause in words and the fix', (_name, failure, what, why, fix) => {
    const f = last(failed(failure));
    expect(f.severity).toBe('error');
    expect(f.section).toBe('directory');
    expect(f.what).toMatch(what);
    expect(f.why).toMatch(why);
    expect(f.fix).toMatch(fix);
    expect(f.details).toEqual({ code: failure.code });
  });
  it('a wrong-password AD_BIND without a known data code is not taken for channel binding', () => {
    expect(
      last(
        failed({
          code: 'AD_BIND',
          message: 'bind failed: wrong password',
          hint: 'check the bind DN',
          details: { diagnostic: 'AcceptSecurityContext error, data 52e' },
        }),
      ).what,
    ).toBe(`auth ${URL}`);
  });
});

describe("verify's auth line", () => {
  const bound: DirectoryAuthFacts = {
    url: URL,
    choice: KERBEROS,
    bound: {
      method: 'kerberos',
      layer: 'SASL GSSAPI, sealed',
      client: 'a@R',
      source: 'ccache',
      from: 'FILE:/c',
      service: 'ldap/dc@R',
      kdc: 'dc:88',
    },
  };
  it('OK with the method, source, SPN and layer; WARN with the cause and the fix', () => {
    expect(authCheck(bound)).toMatchObject({
      check: 'directory',
      status: 'OK',
      reason: expect.stringMatching(
        /^Kerberos \(ticket cache FILE:\/c\) as a@R; service ldap\/dc@R; .* \(ldap:\/\/127.0.0.1 without TLS/,
      ),
    });
    expect(
      authCheck(
        failed({
          code: 'CCACHE_EXPIRED',
          message: 'x',
          details: { principal: 'a@R', endTime: 'T' },
        }),
      ),
    ).toMatchObject({
      status: 'WARN',
      what: `auth ${URL}: expired TGT`,
      fix: 'kinit a@R (or kinit -R while it is renewable)',
    });
    expect(authCheck(undefined)).toBeUndefined();
  });
  it('goes before the first directory check', () => {
    const c = (check: 'kdc' | 'directory', what: string) => ({
      check,
      status: 'OK' as const,
      what,
      reason: '',
    });
    const line = authCheck(bound)!;
    expect(withAuthCheck([c('kdc', 'k'), c('directory', 'd')], line).map((x) => x.what)).toEqual([
      'k',
      line.what,
      'd',
    ]);
    expect(withAuthCheck([c('kdc', 'k')], line).map((x) => x.what)).toEqual(['k', line.what]);
  });
});
