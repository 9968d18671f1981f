/**
 * doctor's account findings, worded from the comparison verify shares (lib/verify/account-match.ts):
 * each kvno and msDS-SupportedEncryptionTypes outcome, with hand-made accounts.
 */
import { describe, expect, it } from 'vitest';
import { checkDirectory } from '../../lib/doctor/directory-checks.js';
import { findingLine } from '../../lib/doctor/render.js';
import { resolveEnctype } from '../../lib/crypto/enctypes.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import { parsePrincipal } from '../../lib/principal.js';
import type { AccountDirectory, DirectoryAccountView } from '../../lib/verify/directory.js';

const REALM = 'FAKE.TEST';
const NAME = `HTTP/web.fake.test@${REALM}`;
const AES256 = resolveEnctype('aes256-cts-hmac-sha1-96').id;
const entry = (kvno: number, enctype = AES256): KeytabEntry => ({
  principal: parsePrincipal(NAME),
  kvno,
  enctype,
  key: new Uint8Array(32),
  timestamp: 0,
});

async function findings(more: Partial<DirectoryAccountView>, entries: readonly KeytabEntry[]) {
  const account: DirectoryAccountView = {
    dn: 'CN=svc-web,DC=fake,DC=test',
    sAMAccountName: 'svc-web',
    servicePrincipalNames: ['HTTP/web.fake.test'],
    ...more,
  };
  const directory: AccountDirectory = {
    description: 'ldaps://192.0.2.9:636',
    findAccount: async () => account,
  };
  const out = await checkDirectory({ realm: REALM, directory, entries });
  return {
    kvno: out.filter((f) => f.what === `${NAME} kvno`),
    enctypes: out.filter((f) => f.what === `${NAME} msDS-SupportedEncryptionTypes`),
  };
}

describe('doctor: account against keytab', () => {
  it('kvno: same is ok, ahead is an error, unreadable says nothing', async () => {
    expect(
      (await findings({ keyVersionNumber: 3, supportedEncryptionTypes: 0x18 }, [entry(3)])).kvno,
    ).toMatchObject([{ severity: 'ok', why: "the keytab's kvno 3 is msDS-KeyVersionNumber" }]);
    const ahead = (
      await findings({ keyVersionNumber: 2, supportedEncryptionTypes: 0x18 }, [entry(3)])
    ).kvno;
    expect(ahead).toMatchObject([
      {
        severity: 'error',
        why: "the keytab's kvno 3 is ahead of msDS-KeyVersionNumber 2: made for a reset that did not happen",
        fix: 'make the keytab from the current password with kvno 2',
        details: { keytabKvno: 3, keyVersionNumber: 2 },
      },
    ]);
    expect((await findings({ supportedEncryptionTypes: 0x18 }, [entry(3)])).kvno).toEqual([]);
  });

  it('enctypes: none allowed, missing (single DES never counts), fits', async () => {
    const none = (await findings({ supportedEncryptionTypes: 0x4 }, [entry(3)])).enctypes;
    expect(none).toMatchObject([
      { severity: 'error', why: "0x4 (RC4-HMAC) allows none of the keytab's enctypes" },
    ]);
    const missing = (await findings({ supportedEncryptionTypes: 0x1b }, [entry(3)])).enctypes;
    expect(missing).toMatchObject([
      { severity: 'warning', fix: 'keytab add -e aes128-cts-hmac-sha1-96' },
    ]);
    expect(findingLine(missing[0]!)).toBe(
      `WARN   directory: ${NAME} msDS-SupportedEncryptionTypes  — 0x1b (DES-CBC-CRC, DES-CBC-MD5, AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96): the keytab lacks aes128-cts-hmac-sha1-96; fix: keytab add -e aes128-cts-hmac-sha1-96`,
    );
    expect((await findings({ supportedEncryptionTypes: 0x10 }, [entry(3)])).enctypes).toMatchObject(
      [{ severity: 'ok', why: '0x10 (AES256-CTS-HMAC-SHA1-96) fits the keytab' }],
    );
  });
});
