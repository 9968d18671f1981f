/**
 * The judging half of lib/verify, with hand-made facts: no KDC, no key derivation. Each test
 * builds the facts gather.ts would record and checks the line the judge words for them.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import { resolveEnctype } from '../../lib/crypto/enctypes.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import type { KdcEtypeInfo, KdcFailure } from '../../lib/krb5/client.js';
import { KRB_ERR } from '../../lib/krb5/constants.js';
import { parsePrincipal } from '../../lib/principal.js';
import type { DirectoryAccountView } from '../../lib/verify/directory.js';
import type {
  KeyResult,
  PasswordFacts,
  PrincipalEvent,
  PrincipalFacts,
  ServiceResult,
} from '../../lib/verify/facts.js';
import { kdcSaltOption, keyLines, principalLines } from '../../lib/verify/judge-keys.js';
import {
  clockLine,
  directoryLines,
  kdcLine,
  lookupFailedLine,
  noDirectoryLine,
  unreachableLine,
} from '../../lib/verify/judge-run.js';
import { serviceTicketLine } from '../../lib/verify/judge-ticket.js';

const AES256 = resolveEnctype('aes256-cts-hmac-sha1-96').id;
const AES128 = resolveEnctype('aes128-cts-hmac-sha1-96').id;
const RC4 = resolveEnctype('arcfour-hmac').id;
const REALM = 'FAKE.TEST';
const NAME = `HTTP/web.fake.test@${REALM}`;
const principal = parsePrincipal(NAME);
const DEFAULT_SALT = `${REALM}HTTPweb.fake.test`;
const AD_SALT = `${REALM}svc-web`;
const naming = { keytabName: 'web.keytab', passwordFileName: 'pw.txt' };

const entry = (kvno: number, enctype: number): KeytabEntry => ({
  principal,
  kvno,
  enctype,
  key: new Uint8Array(16),
  timestamp: 0,
});
const info = (enctype: number, saltText = DEFAULT_SALT): KdcEtypeInfo => ({
  enctype,
  enctypeName: resolveEnctype(enctype).name,
  salt: utf8(saltText),
  saltText,
  saltSource: 'etype-info2',
  iterations: enctype === RC4 ? undefined : 4096,
});
const failure = (errorCode: number, errorName: string): KdcFailure => ({
  kind: 'kdc-error',
  message: errorName,
  errorCode,
  errorName,
  etypeInfo: [],
});
const preauthFailed = failure(KRB_ERR.PREAUTH_FAILED, 'KDC_ERR_PREAUTH_FAILED');

function facts(
  entries: readonly KeytabEntry[],
  results: readonly KeyResult[],
  more: Partial<PrincipalFacts> = {},
): PrincipalFacts {
  const probes = new Map(
    entries.map((e) => [
      e.enctype,
      {
        kind: 'ok' as const,
        probe: {} as never,
        info: info(e.enctype, more.account ? AD_SALT : DEFAULT_SALT),
        offered: [e.enctype],
      },
    ]),
  );
  return {
    principal,
    name: NAME,
    entries,
    probes,
    results: new Map(entries.map((e, i) => [e, results[i] as KeyResult])),
    passwordChecks: new Map(),
    events: [],
    ...more,
  };
}

describe('judge: key lines', () => {
  it('accepted: OK with the salt in words; kvno 0 warns and names the account kvno', () => {
    const e = entry(3, AES256);
    const [line] = keyLines(naming, facts([e], [{ kind: 'accepted', info: info(AES256) }]));
    expect(line).toMatchObject({
      check: 'key',
      status: 'OK',
      kvno: 3,
      enctype: 'aes256-cts-hmac-sha1-96',
      what: `${NAME} kvno 3 aes256-cts-hmac-sha1-96`,
    });
    expect(line?.reason).toBe(
      `the KDC accepts this key (salt "${DEFAULT_SALT}" (RFC 4120 default: realm + name components, no separators), 4096 iterations)`,
    );
    const zero = entry(0, AES256);
    const [w] = keyLines(
      naming,
      facts([zero], [{ kind: 'accepted', info: info(AES256) }], { kdcKvno: 5 }),
    );
    expect(w?.status).toBe('WARN');
    expect(w?.fix).toBe(
      `write it with the account's kvno: keytab add web.keytab -p ${NAME} -k 5 -e aes256-cts-hmac-sha1-96 --replace`,
    );
  });

  it('rejected without the password: FAIL, the KDC salt, and how to tell', () => {
    const e = entry(3, AES256);
    const [line] = keyLines(
      naming,
      facts([e], [{ kind: 'rejected', failure: preauthFailed, info: info(AES256) }]),
    );
    expect(line?.status).toBe('FAIL');
    expect(line?.reason).toContain(
      'made from a wrong password, with a wrong salt, or before a password change',
    );
    expect(line?.fix).toContain('run verify again with --password-file FILE');
    expect(line?.details).toMatchObject({
      errorName: 'KDC_ERR_PREAUTH_FAILED',
      kdcSalt: DEFAULT_SALT,
      iterations: 4096,
    });
  });

  it('rejected, with the password: wrong password, wrong salt, wrong salt and password, neither', () => {
    const e = entry(3, AES256);
    const account: DirectoryAccountView = {
      dn: 'CN=svc-web,DC=fake,DC=test',
      sAMAccountName: 'svc-web',
      servicePrincipalNames: ['HTTP/web.fake.test'],
    };
    const judge = (pw: PasswordFacts, more: Partial<PrincipalFacts> = {}) =>
      keyLines(
        naming,
        facts(
          [e],
          [
            {
              kind: 'rejected',
              failure: preauthFailed,
              info: info(AES256, more.account ? AD_SALT : DEFAULT_SALT),
            },
          ],
          { passwordChecks: new Map([[e, pw]]), ...more },
        ),
      )[0];
    expect(judge({ accepted: false, sameKey: true })?.reason).toMatch(
      /^wrong password: the key is the password in pw.txt under the KDC's salt/,
    );
    const origin = {
      salt: {
        rule: 'rfc4120' as const,
        bytes: utf8(DEFAULT_SALT),
        text: DEFAULT_SALT,
        explanation: 'RFC 4120 default',
      },
    };
    const salt = judge({ accepted: true, sameKey: false, origin }, { account });
    expect(salt?.reason).toMatch(
      /^wrong salt: the key is the password's key with salt "FAKE.TESTHTTPweb.fake.test" \(RFC 4120 default\), but the KDC uses salt "FAKE.TESTsvc-web"/,
    );
    expect(salt?.fix).toContain(
      `--salt '${AD_SALT}' --password-file pw.txt --replace (--ad-user svc-web gives the same salt)`,
    );
    expect(salt?.details).toMatchObject({
      keytabSalt: DEFAULT_SALT,
      keytabSaltRule: 'rfc4120',
      passwordAccepted: true,
    });
    expect(judge({ accepted: false, sameKey: false, origin })?.reason).toMatch(
      /^wrong salt and wrong password/,
    );
    expect(judge({ accepted: true, sameKey: false })?.reason).toMatch(
      /^wrong password in the keytab: .*no known salt rule gives this key from it \(tried "FAKE.TESTHTTPweb.fake.test"/,
    );
    expect(judge({ accepted: false, sameKey: false })?.reason).toMatch(
      /^the KDC refuses both this key and the password in pw.txt/,
    );
  });

  it('a refused old kvno next to an accepted newer one is superseded (WARN)', () => {
    const old = entry(2, AES256);
    const cur = entry(3, AES256);
    const lines = keyLines(
      naming,
      facts(
        [old, cur],
        [
          { kind: 'rejected', failure: preauthFailed, info: info(AES256) },
          { kind: 'accepted', info: info(AES256) },
        ],
      ),
    );
    expect(lines.map((l) => l.status)).toEqual(['WARN', 'OK']);
    expect(lines[0]?.reason).toMatch(/^superseded: .* newer kvno 3 works/);
    expect(lines[0]?.fix).toContain(`keytab remove web.keytab -p ${NAME} --kvno 2`);
  });

  it('missing on the KDC: WARN when another key works, FAIL when none does; uncheckable warns; not-checked says nothing', () => {
    const a = entry(3, AES256);
    const r = entry(3, RC4);
    const missing: KeyResult = { kind: 'missing', announced: [info(AES256)] };
    const some = keyLines(
      naming,
      facts([a, r], [{ kind: 'accepted', info: info(AES256) }, missing]),
    );
    expect(some[1]).toMatchObject({
      status: 'WARN',
      reason: expect.stringContaining(
        '(it offers aes256-cts-hmac-sha1-96 instead): this key is never used, the others are',
      ),
    });
    expect(keyLines(naming, facts([r], [missing]))[0]?.status).toBe('FAIL');
    expect(keyLines(naming, facts([r], [{ kind: 'uncheckable' }]))[0]).toMatchObject({
      status: 'WARN',
      fix: 'remove the entry if no peer uses this enctype',
    });
    expect(keyLines(naming, facts([r], [{ kind: 'not-checked' }]))).toEqual([]);
  });

  it('kdcSaltOption repeats a salt that is not the RFC 4120 default', () => {
    expect(kdcSaltOption(facts([entry(1, AES256)], []))).toBe('');
    expect(
      kdcSaltOption(
        facts([entry(1, AES256)], [], {
          account: { dn: 'x', sAMAccountName: 'svc-web', servicePrincipalNames: [] },
        }),
      ),
    ).toBe(` --salt '${AD_SALT}'`);
  });
});

describe('judge: the principal as a whole', () => {
  it('expired, not a client name, refused', () => {
    const account: DirectoryAccountView = {
      dn: 'CN=svc-web,DC=fake,DC=test',
      sAMAccountName: 'svc-web',
      servicePrincipalNames: [],
    };
    const events: PrincipalEvent[] = [
      { kind: 'expired', failure: failure(KRB_ERR.KEY_EXPIRED, 'KDC_ERR_KEY_EXPIRED') },
      { kind: 'not-a-client', as: parsePrincipal(`svc-web@${REALM}`), account },
      {
        kind: 'refused',
        failure: failure(KRB_ERR.C_PRINCIPAL_UNKNOWN, 'KDC_ERR_C_PRINCIPAL_UNKNOWN'),
      },
    ];
    const lines = principalLines(facts([entry(3, AES256)], [], { events }));
    expect(lines.map((l) => `${l.status} ${l.check}`)).toEqual([
      'FAIL principal',
      'WARN principal',
      'FAIL principal',
    ]);
    expect(lines[0]?.details).toMatchObject({ keysCheckedWith: 'kadmin/changepw' });
    expect(lines[1]?.reason).toContain(`the keys are checked as svc-web@${REALM}`);
    expect(lines[2]?.reason).toMatch(/; its keys cannot be checked$/);
    expect(lines[2]?.details).toMatchObject({ keys: ['kvno 3 aes256-cts-hmac-sha1-96'] });
  });
});

describe('judge: the service ticket', () => {
  const line = (
    result: ServiceResult,
    byName: readonly KeytabEntry[],
    more: { account?: DirectoryAccountView; explicit?: boolean } = {},
  ) =>
    serviceTicketLine(naming, {
      service: principal,
      result,
      byName,
      fallback: [],
      account: more.account,
      explicit: more.explicit ?? false,
    });
  const ticket = (
    kvno: number | undefined,
    enctype: number,
    decrypts: readonly KeytabEntry[] = [],
  ): ServiceResult => ({ kind: 'ticket', kvno, enctype, decrypts: new Set(decrypts) });

  it('no TGT: SKIP; refused: FAIL for a service', () => {
    expect(line({ kind: 'no-tgt' }, []).status).toBe('SKIP');
    expect(
      line(
        {
          kind: 'refused',
          failure: failure(KRB_ERR.S_PRINCIPAL_UNKNOWN, 'KDC_ERR_S_PRINCIPAL_UNKNOWN'),
        },
        [],
      ).status,
    ).toBe('FAIL');
  });

  it('the keytab key decrypts the ticket: OK; it does not: FAIL', () => {
    const e = entry(3, AES256);
    expect(line(ticket(3, AES256, [e]), [e])).toMatchObject({
      status: 'OK',
      kvno: 3,
      enctype: 'aes256-cts-hmac-sha1-96',
    });
    expect(line(ticket(3, AES256), [e]).reason).toContain('does not decrypt it');
  });

  it('an RC4 ticket for an AES-only keytab names the account attribute', () => {
    const e = entry(3, AES256);
    const account: DirectoryAccountView = {
      dn: 'CN=svc-web,DC=fake,DC=test',
      sAMAccountName: 'svc-web',
      servicePrincipalNames: [],
    };
    const l = line(ticket(3, RC4), [e], { account });
    expect(l.status).toBe('FAIL');
    expect(l.reason).toMatch(/^missing enctype: an RC4 ticket for an AES-only keytab/);
    expect(l.reason).toContain(
      'msDS-SupportedEncryptionTypes is not set on CN=svc-web,DC=fake,DC=test',
    );
    expect(line(ticket(3, AES128), [e]).reason).toContain(
      'the keytab has no aes128-cts-hmac-sha1-96 key for it',
    );
  });

  it('kvno 0 that decrypts: WARN; stale with the same key; ahead', () => {
    const zero = entry(0, AES256);
    expect(line(ticket(4, AES256, [zero]), [zero])).toMatchObject({ status: 'WARN', kvno: 0 });
    const old = entry(2, AES256);
    const stale = line(ticket(4, AES256, [old]), [old]);
    expect(stale.reason).toMatch(
      /^stale kvno: the keytab has kvno 2, the KDC issues tickets with kvno 4: .*only the number is stale/,
    );
    expect(stale.fix).toContain('write the same keys with kvno 4');
    expect(line(ticket(1, AES256), [old]).reason).toMatch(
      /^the keytab's kvno 2 is ahead of the KDC's 1/,
    );
  });
});

describe('judge: the run', () => {
  const kdc = { address: '192.0.2.1', port: 88, host: '192.0.2.1', source: 'explicit' as const };

  it('the KDC line: SKIP without a request, OK, WARN after dead KDCs', () => {
    expect(kdcLine({ realm: REALM, tooBig: false }).status).toBe('SKIP');
    expect(
      kdcLine({ realm: REALM, tooBig: true, answered: { kdc, protocol: 'tcp', attempts: [] } })
        .reason,
    ).toBe(
      '192.0.2.1:88 answered over tcp (found through --kdc); UDP replies were too big, TCP was used',
    );
    const w = kdcLine({
      realm: REALM,
      tooBig: false,
      answered: {
        kdc,
        protocol: 'udp',
        attempts: [
          {
            kdc: '192.0.2.2:88',
            protocol: 'udp',
            outcome: 'failed',
            reason: 'timed out after 3000 ms',
          },
        ],
      },
    });
    expect(w).toMatchObject({
      status: 'WARN',
      reason:
        '192.0.2.1:88 answered over udp (found through --kdc), after 192.0.2.2:88/udp: timed out after 3000 ms',
    });
    const u = unreachableLine(REALM, { message: 'no KDC answered', code: 'KDC_UNREACHABLE' }, [
      NAME,
    ]);
    expect(u).toMatchObject({
      status: 'FAIL',
      reason: `no KDC answered; not checked: ${NAME}`,
      details: { code: 'KDC_UNREACHABLE' },
    });
  });

  it('the clock line: agreement, a warning, a failure, nothing measured', () => {
    expect(clockLine([], 300, 60).status).toBe('SKIP');
    expect(clockLine([{ kdc: 'k', seconds: 1 }], 300, 60).reason).toBe(
      "this host's clock agrees with the KDC k to within 1 s (allowed 300 s)",
    );
    expect(clockLine([{ kdc: 'k', seconds: -90 }], 300, 60)).toMatchObject({
      status: 'WARN',
      reason: "this host's clock is 90 s ahead of the KDC k (allowed 300 s)",
    });
    expect(
      clockLine(
        [
          { kdc: 'k', seconds: 10 },
          { kdc: 'j', seconds: 400 },
        ],
        300,
        60,
      ),
    ).toMatchObject({ status: 'FAIL', details: { skewSeconds: 400, kdc: 'j' } });
  });

  it('the directory lines: no account, stale kvno, enctypes the keytab lacks', () => {
    const q = { name: NAME, entries: [entry(2, AES256)], directory: 'ldaps://192.0.2.9:636' };
    expect(directoryLines(naming, { ...q, account: undefined })).toMatchObject([
      { status: 'WARN', reason: expect.stringContaining('no account in ldaps://192.0.2.9:636') },
    ]);
    const account: DirectoryAccountView = {
      dn: 'CN=svc-web,DC=fake,DC=test',
      sAMAccountName: 'svc-web',
      servicePrincipalNames: [],
      keyVersionNumber: 3,
      supportedEncryptionTypes: 0x1f,
    };
    const lines = directoryLines(naming, { ...q, account });
    expect(lines.map((l) => l.status)).toEqual(['FAIL', 'WARN']);
    expect(lines[0]?.reason).toMatch(
      /^stale keytab: the keytab has kvno 2, msDS-KeyVersionNumber of CN=svc-web,DC=fake,DC=test is 3/,
    );
    // Single DES is allowed by the bits but never asked for.
    expect(lines[1]?.reason).toBe(
      'msDS-SupportedEncryptionTypes 0x1f (DES-CBC-CRC, DES-CBC-MD5, RC4-HMAC, AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96) allows arcfour-hmac, aes128-cts-hmac-sha1-96, which the keytab lacks',
    );
    expect(lookupFailedLine('ldaps://x', new Error('bind refused')).reason).toBe(
      'the directory lookup failed: bind refused; the directory checks are skipped',
    );
    expect(noDirectoryLine('no --ldap-url').status).toBe('SKIP');
  });
});
