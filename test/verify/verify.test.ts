/**
 * lib/verify against the in-process fake KDC: each way a keytab goes wrong, and the words
 * verify finds for it. No network.
 */
import { describe, expect, it } from 'vitest';
import { randomKey, stringToKey } from '../../lib/crypto/string-to-key.js';
import { KtError } from '../../lib/errors.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import type { KrbKey } from '../../lib/krb5/client.js';
import type { KdcTransport } from '../../lib/krb5/transport.js';
import { parsePrincipal, type Principal } from '../../lib/principal.js';
import { utf8 } from '../../lib/bytes.js';
import type { AccountDirectory, DirectoryAccountView } from '../../lib/verify/directory.js';
import { checkLine, jsonReport, renderText } from '../../lib/verify/render.js';
import type { VerifyCheck, VerifyReport } from '../../lib/verify/types.js';
import { verifyKeytab, type VerifyOptions } from '../../lib/verify/verify.js';
import { createFakeKdc, type FakeKdcOptions, type FakePrincipal } from '../helpers/fake-kdc.js';

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const NOW = new Date('2025-03-04T05:06:07.000Z');
const REALM = 'FAKE.TEST';
const SVC = 'HTTP/web.fake.test';
const svc = parsePrincipal(`${SVC}@${REALM}`);
const PASSWORD = 'Svc-Pass-3!';

const s2k = (enctype: number, password: string, salt: string): Promise<Uint8Array> =>
  stringToKey(enctype, password, salt);
const entry = (
  principal: Principal,
  kvno: number,
  enctype: number,
  key: Uint8Array,
): KeytabEntry => ({ principal, kvno, enctype, key, timestamp: 1717243200 });
const tgt: FakePrincipal = { keys: [{ enctype: 18, key: randomKey(18, random), kvno: 1 }] };

/** The KDC's keys for a password and salt (kvno, enctypes in the KDC's order). */
async function kdcKeys(
  password: string,
  salt: string,
  kvno: number,
  enctypes: readonly number[] = [18, 17],
): Promise<KrbKey[]> {
  return Promise.all(
    enctypes.map(async (e) => ({ enctype: e, key: await s2k(e, password, salt), kvno })),
  );
}

async function keytabFor(
  principal: Principal,
  password: string,
  salt: string,
  kvno: number,
  enctypes: readonly number[] = [18, 17],
): Promise<KeytabEntry[]> {
  return Promise.all(
    enctypes.map(async (e) => entry(principal, kvno, e, await s2k(e, password, salt))),
  );
}

interface Setup {
  principals: Record<string, FakePrincipal>;
  kdc?: Partial<FakeKdcOptions>;
  clientNow?: Date;
  directory?: AccountDirectory;
  transport?: KdcTransport;
}

async function run(setup: Setup, options: VerifyOptions): Promise<VerifyReport> {
  const kdc = createFakeKdc({
    realm: REALM,
    now: () => NOW,
    random,
    principals: { [`krbtgt/${REALM}`]: tgt, 'kadmin/changepw': tgt, ...setup.principals },
    ...setup.kdc,
  });
  const now = setup.clientNow ?? NOW;
  return verifyKeytab(
    {
      transport: setup.transport ?? kdc.transport,
      now: () => now,
      random,
      directory: setup.directory,
    },
    { keytabName: 'web.keytab', ...options },
  );
}

const byCheck = (r: VerifyReport, name: VerifyCheck['check']): VerifyCheck[] =>
  r.checks.filter((c) => c.check === name);
const one = (
  r: VerifyReport,
  name: VerifyCheck['check'],
  match: (c: VerifyCheck) => boolean = () => true,
): VerifyCheck => {
  const found = byCheck(r, name).filter(match);
  if (found.length !== 1)
    throw new Error(`expected one ${name} check, got ${found.length}:\n${renderText(r)}`);
  return found[0]!;
};

function directoryOf(accounts: Record<string, DirectoryAccountView>): AccountDirectory {
  return {
    description: 'ldaps://192.0.2.9:636',
    async findAccount(p) {
      const name = p.components.join('/');
      return Object.values(accounts).find(
        (a) =>
          a.sAMAccountName === name ||
          a.userPrincipalName === `${name}@${p.realm}` ||
          a.servicePrincipalNames.includes(name),
      );
    },
  };
}

describe('verify: a good keytab', () => {
  it('every key accepted, the service ticket decrypts, the clock agrees: ok', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2) },
    );
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => `${c.status} ${c.check}`)).toEqual([
      'OK kdc',
      'OK key',
      'OK key',
      'OK service-ticket',
      'OK clock',
    ]);
    expect(one(r, 'key', (c) => c.enctype === 'aes256-cts-hmac-sha1-96').reason).toBe(
      `the KDC accepts this key (salt "${salt}" (RFC 4120 default: realm + name components, no separators), 4096 iterations)`,
    );
    expect(one(r, 'service-ticket').reason).toBe(
      `the KDC issues tickets for ${SVC}@${REALM} with kvno 2 aes256-cts-hmac-sha1-96; it decrypts with the keytab's kvno 2 aes256-cts-hmac-sha1-96 key (what kvno -k checks)`,
    );
    expect(one(r, 'kdc').reason).toBe('192.0.2.1:88 answered over udp (found through --kdc)');
    expect(one(r, 'clock').reason).toBe(
      "this host's clock agrees with the KDC 192.0.2.1:88 to within 1 s (allowed 300 s)",
    );
    expect(checkLine(one(r, 'clock'))).toBe(
      "OK    clock  — this host's clock agrees with the KDC 192.0.2.1:88 to within 1 s (allowed 300 s)",
    );
  });

  it('JSON has every field for every check', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    const j = jsonReport(r);
    expect(j.ok).toBe(true);
    expect(j.checks[1]).toEqual({
      principal: `${SVC}@${REALM}`,
      enctype: 'aes256-cts-hmac-sha1-96',
      kvno: 2,
      check: 'key',
      status: 'OK',
      what: `${SVC}@${REALM} kvno 2 aes256-cts-hmac-sha1-96`,
      reason: expect.stringContaining('the KDC accepts this key'),
      fix: null,
      details: { kdcSalt: salt, kdcSaltSource: 'etype-info2', iterations: 4096 },
    });
    for (const c of j.checks)
      expect(Object.keys(c)).toEqual([
        'principal',
        'enctype',
        'kvno',
        'check',
        'status',
        'what',
        'reason',
        'fix',
        'details',
      ]);
  });
});

describe('verify: wrong salt vs wrong password', () => {
  // AD: the account svc-web got its password before its UPN was set, so the KDC's salt is
  // REALM + sAMAccountName; a keytab made with the UPN/default rule is wrong.
  const kdcSalt = `${REALM}svc-web`;
  const upnSalt = `${REALM}HTTPweb.fake.test`;
  const principals = async (): Promise<Record<string, FakePrincipal>> => ({
    [SVC]: { keys: await kdcKeys(PASSWORD, kdcSalt, 3), salt: kdcSalt },
  });

  it('without the password: refused, with the KDC salt and the way to tell', async () => {
    const r = await run(
      { principals: await principals() },
      { entries: await keytabFor(svc, PASSWORD, upnSalt, 3, [18]) },
    );
    expect(r.ok).toBe(false);
    const k = one(r, 'key');
    expect(k.status).toBe('FAIL');
    expect(k.reason).toContain(
      'KDC_ERR_PREAUTH_FAILED; kinit -k: "Preauthentication failed while getting initial credentials"',
    );
    expect(k.reason).toContain(
      `the KDC uses salt "${kdcSalt}" (REALM + "svc-web" (on Active Directory: the sAMAccountName`,
    );
    expect(k.fix).toContain('--password-file');
    expect(k.fix).toContain(
      `keytab add web.keytab -p ${SVC}@${REALM} -k 3 -e aes256-cts-hmac-sha1-96 --salt '${kdcSalt}' --replace`,
    );
    expect(one(r, 'service-ticket').status).toBe('SKIP');
  });

  it('with the password: wrong salt, both salts and the AD fix', async () => {
    const r = await run(
      { principals: await principals() },
      {
        entries: await keytabFor(svc, PASSWORD, upnSalt, 3),
        password: utf8(PASSWORD),
        passwordFileName: 'pw.txt',
      },
    );
    const k = one(r, 'key', (c) => c.enctype === 'aes256-cts-hmac-sha1-96');
    expect(k.status).toBe('FAIL');
    expect(k.reason).toMatch(
      /^wrong salt: the key is the password's key with salt "FAKE.TESTHTTPweb.fake.test" \(RFC 4120 default/,
    );
    expect(k.reason).toContain(`but the KDC uses salt "${kdcSalt}"`);
    expect(k.reason).toContain('the password itself is right');
    expect(k.fix).toContain('the UPN was set after the password');
    expect(k.fix).toContain(
      `--salt '${kdcSalt}' --password-file pw.txt --replace (--ad-user svc-web gives the same salt)`,
    );
    expect(k.fix).toContain('or reset the password now that the UPN is set');
    expect(k.details).toMatchObject({
      keytabSalt: upnSalt,
      keytabSaltRule: 'rfc4120',
      kdcSalt,
      passwordAccepted: true,
    });
    // With the password's TGT the service ticket is checked too: same kvno, but the keytab's key is wrong.
    const st = one(r, 'service-ticket');
    expect(st.status).toBe('FAIL');
    expect(st.reason).toContain('does not decrypt it');
  });

  it('names the AD user rule when the keytab has it and the KDC uses the UPN rule', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, upnSalt, 3, [17]), salt: upnSalt } } },
      { entries: await keytabFor(svc, PASSWORD, kdcSalt, 3, [17]), password: utf8(PASSWORD) },
      // no directory: the sAMAccountName is unknown, so only rules derivable from the name are tried
    );
    const k = one(r, 'key');
    expect(k.reason).toMatch(/^wrong password in the keytab/);
    const withDir = await run(
      {
        principals: { [SVC]: { keys: await kdcKeys(PASSWORD, upnSalt, 3, [17]), salt: upnSalt } },
        directory: directoryOf({
          a: {
            dn: 'CN=svc-web,CN=Users,DC=fake,DC=test',
            sAMAccountName: 'svc-web',
            userPrincipalName: `${SVC}@${REALM}`,
            servicePrincipalNames: [SVC],
            keyVersionNumber: 3,
            supportedEncryptionTypes: 0x18,
          },
        }),
      },
      { entries: await keytabFor(svc, PASSWORD, kdcSalt, 3, [17]), password: utf8(PASSWORD) },
    );
    const k2 = one(withDir, 'key');
    expect(k2.reason).toMatch(
      /^wrong salt: the key is the password's key with salt "FAKE.TESTsvc-web" \(Active Directory user without UPN/,
    );
    expect(k2.details).toMatchObject({ keytabSaltRule: 'ad-user' });
    expect(k2.fix).toContain(`--salt '${upnSalt}'`);
  });

  it('a lower-case realm in the salt is named as such', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 3, [18]), salt } } },
      {
        entries: await keytabFor(svc, PASSWORD, 'fake.testHTTPweb.fake.test', 3, [18]),
        password: utf8(PASSWORD),
      },
    );
    expect(one(r, 'key').reason).toContain('with the realm in lower case');
  });

  it('wrong password in the keytab: the password file works, the keytab was made from another', async () => {
    const r = await run(
      { principals: await principals() },
      {
        entries: await keytabFor(svc, 'Old-Pass-1!', kdcSalt, 3, [18]),
        password: utf8(PASSWORD),
        passwordFileName: 'pw.txt',
      },
    );
    const k = one(r, 'key');
    expect(k.status).toBe('FAIL');
    expect(k.reason).toMatch(
      /^wrong password in the keytab: the password in pw.txt works \(the KDC accepts it with salt "FAKE.TESTsvc-web"/,
    );
    expect(k.reason).toContain('no known salt rule gives this key from it');
    expect(k.fix).toContain('--password-file pw.txt --replace');
  });

  it("wrong password: the keytab is the password file's key, and the KDC refuses both", async () => {
    const r = await run(
      { principals: await principals() },
      {
        entries: await keytabFor(svc, 'Old-Pass-1!', kdcSalt, 3, [18]),
        password: utf8('Old-Pass-1!'),
        passwordFileName: 'pw.txt',
      },
    );
    const k = one(r, 'key');
    expect(k.reason).toMatch(
      /^wrong password: the key is the password in pw.txt under the KDC's salt "FAKE.TESTsvc-web"/,
    );
    expect(k.reason).toContain("that password is not the account's current one");
    expect(k.details).toMatchObject({ passwordAccepted: false });
  });

  it('RC4 has no salt: only a wrong password is possible', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, kdcSalt, 3, [23]), salt: kdcSalt } } },
      { entries: await keytabFor(svc, 'Other-1!', '', 3, [23]) },
    );
    expect(one(r, 'key').reason).toContain('(RC4 keys have no salt)');
    const withPw = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, kdcSalt, 3, [23]), salt: kdcSalt } } },
      { entries: await keytabFor(svc, 'Other-1!', '', 3, [23]), password: utf8(PASSWORD) },
    );
    expect(one(withPw, 'key').reason).toMatch(/^wrong password in the keytab/);
    expect(one(withPw, 'key').reason).not.toContain('salt rule');
  });

  it('a non-default iteration count the keytab missed', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const key = await stringToKey(18, PASSWORD, salt, { iterations: 5000 });
    const r = await run(
      {
        principals: {
          [SVC]: {
            keys: [{ enctype: 18, key, kvno: 3 }],
            salt,
            s2kparams: Uint8Array.from([0, 0, 0x13, 0x88]),
          },
        },
      },
      { entries: await keytabFor(svc, PASSWORD, salt, 3, [18]), password: utf8(PASSWORD) },
    );
    const k = one(r, 'key');
    expect(k.reason).toContain("the KDC's salt at the default 4096 iterations, not the KDC's 5000");
    expect(k.reason).toContain('5000 iterations');
  });
});

describe('verify: kvno', () => {
  const salt = `${REALM}HTTPweb.fake.test`;

  it('stale kvno after a reset to the same password: kinit works, the service would not', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 3), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2) },
    );
    expect(r.ok).toBe(false);
    expect(byCheck(r, 'key').map((c) => c.status)).toEqual(['OK', 'OK']);
    const st = one(r, 'service-ticket');
    expect(st.status).toBe('FAIL');
    expect(st.reason).toMatch(
      /^stale kvno: the keytab has kvno 2, the KDC issues tickets with kvno 3: the password was reset after the keytab was made \(to the same password, or the keytab was written with a wrong -k: the kvno 2 key still decrypts the ticket/,
    );
    expect(st.reason).toContain(
      '"Request ticket server HTTP/web.fake.test@FAKE.TEST kvno 3 not found in keytab; keytab is likely out of date"',
    );
    expect(st.fix).toContain('-k 3');
    expect(st.details).toMatchObject({ ticketKvno: 3, keytabKvnos: [2] });
  });

  it('stale kvno after a reset to another password: found with the password, both kvnos named', async () => {
    const principals = { [SVC]: { keys: await kdcKeys('New-Pass-4!', salt, 3), salt } };
    const entries = await keytabFor(svc, PASSWORD, salt, 2, [18]);
    const r = await run({ principals }, { entries, password: utf8('New-Pass-4!') });
    expect(one(r, 'key').reason).toMatch(/^wrong password in the keytab/);
    expect(one(r, 'key').fix).toContain('-k 3');
    const st = one(r, 'service-ticket');
    expect(st.reason).toMatch(
      /^stale kvno: the keytab has kvno 2, the KDC issues tickets with kvno 3: the password was reset after the keytab was made;/,
    );
  });

  it('an old kvno kept next to a working new one is a warning, not a failure', async () => {
    const entries = [
      ...(await keytabFor(svc, 'Old-Pass-1!', salt, 2, [18])),
      ...(await keytabFor(svc, PASSWORD, salt, 3, [18])),
    ];
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 3, [18]), salt } } },
      { entries },
    );
    expect(r.ok).toBe(true);
    const old = one(r, 'key', (c) => c.kvno === 2);
    expect(old.status).toBe('WARN');
    expect(old.reason).toMatch(/^superseded/);
    expect(old.fix).toContain('keytab remove web.keytab -p HTTP/web.fake.test@FAKE.TEST --kvno 2');
    expect(one(r, 'service-ticket').status).toBe('OK');
  });

  it('a keytab kvno ahead of the KDC', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 5, [18]) },
    );
    expect(one(r, 'service-ticket').reason).toMatch(/^the keytab's kvno 5 is ahead of the KDC's 2/);
  });

  it('kvno 0 works for MIT acceptors only: a warning', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 4, [18]), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 0, [18]) },
    );
    expect(one(r, 'service-ticket')).toMatchObject({ status: 'WARN', kvno: 0 });
    expect(one(r, 'key').status).toBe('WARN');
    expect(r.ok).toBe(true);
  });

  it('the directory names a stale keytab with both numbers', async () => {
    const account: DirectoryAccountView = {
      dn: 'CN=web,CN=Users,DC=fake,DC=test',
      sAMAccountName: 'web',
      userPrincipalName: `${SVC}@${REALM}`,
      servicePrincipalNames: [SVC],
      keyVersionNumber: 3,
      supportedEncryptionTypes: 0x18,
    };
    const r = await run(
      {
        principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 3), salt } },
        directory: directoryOf({ account }),
      },
      { entries: await keytabFor(svc, PASSWORD, salt, 2) },
    );
    const d = one(r, 'directory', (c) => c.reason.startsWith('stale'));
    expect(d.status).toBe('FAIL');
    expect(d.reason).toBe(
      'stale keytab: the keytab has kvno 2, msDS-KeyVersionNumber of CN=web,CN=Users,DC=fake,DC=test is 3: the password was reset after the keytab was made (or the keytab was written with a wrong -k)',
    );
    expect(one(r, 'directory', (c) => c.reason.startsWith('msDS-Supported')).status).toBe('OK');
  });
});

describe('verify: enctypes', () => {
  const salt = `${REALM}HTTPweb.fake.test`;

  it('an RC4 ticket for an AES-only keytab (msDS-SupportedEncryptionTypes unset)', async () => {
    const keys = await kdcKeys(PASSWORD, salt, 2, [23, 18, 17]); // the KDC encrypts tickets with its first key
    const r = await run(
      { principals: { [SVC]: { keys, salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2) },
    );
    expect(byCheck(r, 'key').map((c) => c.status)).toEqual(['OK', 'OK']);
    const st = one(r, 'service-ticket');
    expect(st.status).toBe('FAIL');
    expect(st.reason).toMatch(
      /^missing enctype: an RC4 ticket for an AES-only keytab: the KDC issues tickets for HTTP\/web.fake.test@FAKE.TEST with kvno 2 arcfour-hmac, the keytab has only aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96/,
    );
    expect(st.reason).toContain('when msDS-SupportedEncryptionTypes is not set on the account');
    expect(st.fix).toContain('msDS-SupportedEncryptionTypes to 24');
    // With the directory, the attribute is named for certain.
    const account: DirectoryAccountView = {
      dn: 'CN=web,DC=fake,DC=test',
      sAMAccountName: 'web',
      userPrincipalName: `${SVC}@${REALM}`,
      servicePrincipalNames: [SVC],
      keyVersionNumber: 2,
    };
    const d = await run(
      { principals: { [SVC]: { keys, salt } }, directory: directoryOf({ account }) },
      { entries: await keytabFor(svc, PASSWORD, salt, 2) },
    );
    expect(one(d, 'service-ticket').reason).toContain(
      'msDS-SupportedEncryptionTypes is not set on CN=web,DC=fake,DC=test, and this DC applies its default: RC4 (DCs with the April 2026 update for CVE-2026-20833, KB5073381, issue AES instead)',
    );
    expect(one(d, 'directory', (c) => c.reason.startsWith('msDS-Supported')).reason).toContain(
      'DefaultDomainSupportedEncTypes',
    );
    expect(one(d, 'directory', (c) => c.reason.startsWith('msDS-Supported')).status).toBe('WARN');
  });

  it('a ticket enctype the keytab lacks', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18, 17]), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [17]) },
    );
    const st = one(r, 'service-ticket');
    expect(st.reason).toMatch(
      /^missing enctype: the KDC issues tickets for .* with kvno 2 aes256-cts-hmac-sha1-96, and the keytab has no aes256-cts-hmac-sha1-96 key for it \(only aes128-cts-hmac-sha1-96\)/,
    );
  });

  it('a keytab enctype the KDC does not have: unused (warning) when other keys work, failure when none does', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18, 26]) },
    );
    const cam = one(r, 'key', (c) => c.enctype === 'camellia256-cts-cmac');
    expect(cam.status).toBe('WARN');
    expect(cam.reason).toContain(
      'the KDC has no camellia256-cts-cmac key for HTTP/web.fake.test@FAKE.TEST (kinit: "KDC has no support for encryption type")',
    );
    expect(r.ok).toBe(true);
    const none = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [26]) },
    );
    expect(one(none, 'key').status).toBe('FAIL');
    expect(none.ok).toBe(false);
  });

  it('an enctype the toolkit cannot encrypt with is a warning', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      {
        entries: [
          ...(await keytabFor(svc, PASSWORD, salt, 2, [18])),
          entry(svc, 2, 99, new Uint8Array(16)),
        ],
      },
    );
    expect(one(r, 'key', (c) => c.enctype === 'etype 99')).toMatchObject({ status: 'WARN' });
  });
});

describe('verify: the clock', () => {
  const salt = `${REALM}HTTPweb.fake.test`;
  it('over the allowed skew: a failure, and the keys are still checked on the KDC time', async () => {
    const r = await run(
      {
        principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } },
        clientNow: new Date(NOW.getTime() - 600_000),
      },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    const c = one(r, 'clock');
    expect(c.status).toBe('FAIL');
    expect(c.reason).toMatch(
      /^this host's clock is 600 s behind the KDC 192.0.2.1:88, more than the allowed 300 s: kinit and the services fail with "Clock skew too great"/,
    );
    expect(c.details).toMatchObject({ skewSeconds: 600 });
    expect(one(r, 'key').status).toBe('OK');
    expect(r.ok).toBe(false);
  });

  it('above 60 s: a warning; the allowed skew comes from the options (krb5.conf clockskew)', async () => {
    const principals = { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } };
    const entries = await keytabFor(svc, PASSWORD, salt, 2, [18]);
    const r = await run({ principals, clientNow: new Date(NOW.getTime() + 90_000) }, { entries });
    expect(one(r, 'clock')).toMatchObject({
      status: 'WARN',
      reason: "this host's clock is 90 s ahead of the KDC 192.0.2.1:88 (allowed 300 s)",
    });
    expect(r.ok).toBe(true);
    const strict = await run(
      { principals, clientNow: new Date(NOW.getTime() + 90_000) },
      { entries, allowedSkewSeconds: 60 },
    );
    expect(one(strict, 'clock').status).toBe('FAIL');
  });
});

describe('verify: principals the KDC refuses', () => {
  const salt = `${REALM}HTTPweb.fake.test`;
  it('disabled (CLIENT_REVOKED with NTSTATUS)', async () => {
    const r = await run(
      {
        principals: {
          [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt, disabled: true },
        },
      },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    const p = one(r, 'principal');
    expect(p.status).toBe('FAIL');
    expect(p.reason).toBe(
      `the account of ${SVC}@${REALM} is disabled or locked out (kinit: "Client's credentials have been revoked"): the account is disabled (STATUS_ACCOUNT_DISABLED); its keys cannot be checked`,
    );
    expect(p.fix).toContain('enable it');
    expect(p.details).toMatchObject({
      errorCode: 18,
      ntStatus: 'STATUS_ACCOUNT_DISABLED',
      keys: ['kvno 2 aes256-cts-hmac-sha1-96'],
    });
    expect(byCheck(r, 'key')).toEqual([]);
  });

  it('password expired (KEY_EXPIRED): named, and the keys are still checked through kadmin/changepw', async () => {
    const r = await run(
      {
        principals: {
          [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt, passwordExpired: true },
        },
      },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    const p = one(r, 'principal');
    expect(p).toMatchObject({ status: 'FAIL' });
    expect(p.reason).toContain('has expired (kinit: "Password has expired")');
    expect(p.fix).toContain('-pwexpire never');
    const k = one(r, 'key');
    expect(k.status).toBe('OK');
    expect(k.reason).toContain('checked against kadmin/changepw because the password has expired');
  });

  it('unknown principal (C_PRINCIPAL_UNKNOWN)', async () => {
    const r = await run(
      { principals: {} },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    const p = one(r, 'principal');
    expect(p.reason).toBe(
      `the KDC does not know ${SVC}@${REALM} as a client (kinit: "Client '${SVC}@${REALM}' not found in Kerberos database"); its keys cannot be checked`,
    );
    expect(p.fix).toContain("set the account's userPrincipalName");
    expect(one(r, 'service-ticket').status).toBe('SKIP');
  });

  it('AD: an SPN that is not a UPN is checked as the account found in the directory', async () => {
    const samSalt = `${REALM}svc-web`;
    const keys = await kdcKeys(PASSWORD, samSalt, 2, [18]);
    const account: DirectoryAccountView = {
      dn: 'CN=svc-web,DC=fake,DC=test',
      sAMAccountName: 'svc-web',
      servicePrincipalNames: [SVC],
      keyVersionNumber: 2,
      supportedEncryptionTypes: 0x10,
    };
    const r = await run(
      {
        principals: {
          [SVC]: { keys, salt: samSalt, serviceOnly: true },
          'svc-web': { keys, salt: samSalt },
        },
        directory: directoryOf({ account }),
      },
      { entries: await keytabFor(svc, PASSWORD, samSalt, 2, [18]) },
    );
    expect(one(r, 'principal')).toMatchObject({ status: 'WARN' });
    expect(one(r, 'principal').reason).toContain('the keys are checked as svc-web@FAKE.TEST');
    expect(one(r, 'key').status).toBe('OK');
    expect(one(r, 'service-ticket').status).toBe('OK');
    expect(r.ok).toBe(true);
  });

  it('an unknown --service', async () => {
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      {
        entries: await keytabFor(svc, PASSWORD, salt, 2, [18]),
        service: parsePrincipal(`HTTP/other.fake.test@${REALM}`),
      },
    );
    const st = one(r, 'service-ticket');
    expect(st.status).toBe('FAIL');
    expect(st.reason).toContain('"Server not found in Kerberos database"');
  });

  it('--service naming another SPN of the same account: decrypts with the keytab keys, warns about the name', async () => {
    const keys = await kdcKeys(PASSWORD, salt, 2, [18]);
    const r = await run(
      { principals: { [SVC]: { keys, salt }, 'HTTP/alias.fake.test': { keys } } },
      {
        entries: await keytabFor(svc, PASSWORD, salt, 2, [18]),
        service: parsePrincipal(`HTTP/alias.fake.test@${REALM}`),
      },
    );
    const st = one(r, 'service-ticket');
    expect(st.status).toBe('WARN');
    expect(st.reason).toContain('the keytab has no entry named HTTP/alias.fake.test@FAKE.TEST');
  });
});

describe('verify: KDCs that do not answer', () => {
  it('a dead KDC gives one clear failure', async () => {
    const dead: KdcTransport = {
      async send(realm) {
        throw new KtError(
          'KDC_UNREACHABLE',
          `no KDC of realm ${realm} answered (127.0.0.1:9/udp: timed out after 1000 ms)`,
          { hint: 'check that the KDC runs and that UDP and TCP port 88 are open (or try --tcp)' },
        );
      },
    };
    const r = await run(
      { principals: {}, transport: dead },
      { entries: [entry(svc, 2, 18, new Uint8Array(32))] },
    );
    expect(r.ok).toBe(false);
    expect(r.checks.map((c) => `${c.status} ${c.check}`)).toEqual(['FAIL kdc', 'SKIP clock']);
    expect(checkLine(r.checks[0]!)).toBe(
      'FAIL  KDC for FAKE.TEST  — no KDC of realm FAKE.TEST answered (127.0.0.1:9/udp: timed out after 1000 ms); not checked: HTTP/web.fake.test@FAKE.TEST; fix: check that the KDC runs and that UDP and TCP port 88 are open (or try --tcp); give the KDC with --kdc HOST[:PORT], list it as "kdc = HOST" under [realms] FAKE.TEST in krb5.conf, or publish _kerberos._udp.FAKE.TEST SRV records',
    );
  });

  it('the directory note is a SKIP line when no directory is configured', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const r = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } } },
      {
        entries: await keytabFor(svc, PASSWORD, salt, 2, [18]),
        directoryNote: 'no directory configured',
      },
    );
    expect(one(r, 'directory')).toMatchObject({
      status: 'SKIP',
      reason: 'no directory configured',
    });
    expect(r.ok).toBe(true);
  });

  it('a failing directory is a warning and the KDC checks go on', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const broken: AccountDirectory = {
      description: 'ldaps://192.0.2.9',
      findAccount: async () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    const r = await run(
      {
        principals: { [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt } },
        directory: broken,
      },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    expect(r.checks[0]).toMatchObject({ check: 'directory', status: 'WARN' });
    expect(one(r, 'key').status).toBe('OK');
  });
});

describe('verify: issue 15 (ordinary setups)', () => {
  it('a principal without pre-authentication (MIT): the clock is still checked, through a KRB-ERROR for an unknown principal', async () => {
    const salt = `${REALM}HTTPweb.fake.test`;
    const principals = {
      [SVC]: { keys: await kdcKeys(PASSWORD, salt, 2, [18]), salt, requiresPreauth: false },
    };
    const r = await run(
      { principals, clientNow: new Date(NOW.getTime() + 90_000) },
      { entries: await keytabFor(svc, PASSWORD, salt, 2, [18]) },
    );
    expect(one(r, 'clock')).toMatchObject({
      status: 'WARN',
      reason: "this host's clock is 90 s ahead of the KDC 192.0.2.1:88 (allowed 300 s)",
    });
    expect(one(r, 'key').status).toBe('OK');
  });

  it('every keytab add a fix suggests repeats the salt the KDC uses (AD: not the RFC 4120 default)', async () => {
    const adSalt = `${REALM}svc-web`;
    const stale = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, adSalt, 3, [18]), salt: adSalt } } },
      { entries: await keytabFor(svc, PASSWORD, adSalt, 2, [18]) },
    );
    expect(one(stale, 'service-ticket').fix).toContain(
      `-k 3 -e aes256-cts-hmac-sha1-96 --salt '${adSalt}' --password-file FILE`,
    );
    const account: DirectoryAccountView = {
      dn: 'CN=svc-web,CN=Users,DC=fake,DC=test',
      sAMAccountName: 'svc-web',
      servicePrincipalNames: [SVC],
      keyVersionNumber: 3,
      supportedEncryptionTypes: 0x18,
    };
    const dir = await run(
      {
        principals: { [SVC]: { keys: await kdcKeys(PASSWORD, adSalt, 3, [18]), salt: adSalt } },
        directory: directoryOf({ account }),
      },
      { entries: await keytabFor(svc, PASSWORD, adSalt, 2, [18]) },
    );
    expect(one(dir, 'directory', (c) => c.reason.startsWith('stale')).fix).toContain(
      `-k 3 --salt '${adSalt}' ...`,
    );
    // The default salt needs no option.
    const plain = `${REALM}HTTPweb.fake.test`;
    const mit = await run(
      { principals: { [SVC]: { keys: await kdcKeys(PASSWORD, plain, 3, [18]), salt: plain } } },
      { entries: await keytabFor(svc, PASSWORD, plain, 2, [18]) },
    );
    expect(one(mit, 'service-ticket').fix).not.toContain('--salt');
  });
});
