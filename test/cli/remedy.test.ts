/**
 * Remedies (lib/remedy.ts): the core names an option as data; the keytab CLI, ktpass and library
 * callers each spell it their way. The keytab and ktpass texts are the hints these programs
 * printed before remedies existed (ktpass rewrote --random into +rndpass with a regex).
 */
import { describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import {
  KEYTAB_SPELLING,
  LIBRARY_SPELLING,
  REMEDY_OPTIONS,
  option,
  remedy,
  renderRemedy,
} from '../../lib/remedy.js';
import type { Remedy } from '../../lib/remedy.js';
import { KEYTAB_DIALECT, hintText, reportError } from '../../lib/cli/report.js';
import { KTPASS_DIALECT, KTPASS_SPELLING } from '../../lib/cli/ktpass.js';
import { checkEnctypePolicy } from '../../lib/crypto/policy.js';
import { enctypeById } from '../../lib/crypto/enctypes.js';
import { mergeEntries } from '../../lib/keytab/ops.js';
import { parsePrincipal } from '../../lib/principal.js';
import { directoryError } from '../../lib/ad/errors.js';
import { chooseAuth } from '../../lib/ad/auth-choice.js';
import { wrapFormat } from '../../lib/krb5/gss-protect.js';
import { createAccount } from '../../lib/ad/writes.js';
import type { Directory } from '../../lib/ad/types.js';
import { locateKdcs } from '../../lib/krb5/transport.js';
import { testContext } from '../helpers/cli.js';
import * as root from '../../lib/core.js';

const thrown = (f: () => unknown): KtError => {
  try {
    f();
  } catch (e) {
    if (e instanceof KtError) return e;
    throw e;
  }
  throw new Error('did not throw');
};

const ldapError = (code: number, message: string): Error =>
  Object.assign(new Error(message), { code });

const weak = (): KtError =>
  thrown(() =>
    checkEnctypePolicy(
      enctypeById(3) ??
        (() => {
          throw new Error('no des-cbc-md5');
        })(),
    ),
  );

const conflict = (): KtError => {
  const principal = parsePrincipal('HTTP/web.example.com@EXAMPLE.COM');
  const entry = (byte: number) => ({
    principal,
    timestamp: 0,
    kvno: 2,
    enctype: 18,
    key: new Uint8Array(32).fill(byte),
  });
  return thrown(() =>
    mergeEntries([
      { name: 'a.keytab', entries: [entry(1)] },
      { name: 'b.keytab', entries: [entry(2)] },
    ]),
  );
};

// prettier-ignore
const passwordTooShort = (): KtError => directoryError(ldapError(19, '0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!'), { operation: 'modify' });

describe('the keytab CLI spells remedies as it always printed them', () => {
  const cases: readonly [string, () => KtError, string][] = [
    [
      'weak enctype',
      weak,
      'only if an old peer really needs it: allow weak crypto explicitly (--allow-weak)',
    ],
    [
      'merge conflict',
      conflict,
      'keep one of them with --prefer-last (the later file wins), or remove the stale entry first',
    ],
    ['password too short', passwordTooShort, 'use a longer password, or --random (32 characters)'],
    [
      'no such object',
      () => directoryError(ldapError(32, 'No such object'), { dn: 'CN=x,DC=example,DC=com' }),
      'check the DN (--ou, --base-dn); "keytab ad show NAME" finds an account by name',
    ],
    [
      'unknown LDAP failure',
      () => directoryError(ldapError(80, 'other'), {}),
      'run with --debug for the details; the server log has more',
    ],
    [
      'bind: no such user',
      () =>
        directoryError(ldapError(49, 'AcceptSecurityContext error, data 525, v4563'), {
          operation: 'bind',
        }),
      'check --bind-dn: a DN (CN=...,DC=...) or user@domain',
    ],
    [
      'kerberos over TLS',
      () =>
        thrown(() =>
          chooseAuth({
            mode: 'kerberos',
            scheme: 'ldaps',
            host: 'dc1',
            startTls: false,
            bindDn: undefined,
            adminKeytab: undefined,
            adminPrincipal: undefined,
          }),
        ),
      'give --ldap-url ldap://dc1 (port 389, no --starttls), or a simple bind: --auth simple --bind-dn admin@example.com',
    ],
    [
      'no sealing for DES',
      () => thrown(() => wrapFormat(3)),
      'allow AES for the DC account and the admin (msDS-SupportedEncryptionTypes), or use LDAPS with --auth simple',
    ],
  ];
  for (const [name, make, text] of cases) {
    it(name, () => {
      const err = make();
      expect(err.remedy).toBeDefined();
      expect(err.hint).toBe(text);
      expect(hintText(err, KEYTAB_DIALECT)).toBe(text);
      const { ctx, result } = testContext();
      reportError(ctx, err, false);
      expect(result(0).stderr).toContain(`keytab: hint: ${text}\n`);
    });
  }
  it('a KDC nobody names', async () => {
    const err = await locateKdcs('EXAMPLE.COM', { dnsLookupKdc: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KtError);
    expect((err as KtError).hint).toBe(
      'give --kdc HOST, add "kdc = HOST" to [realms] EXAMPLE.COM in krb5.conf, or set dns_lookup_kdc = true',
    );
  });
});

describe('ktpass spells them its way', () => {
  it("+rndpass for a random password, without keytab's length", () => {
    const { ctx, result } = testContext({ program: 'ktpass' });
    reportError(ctx, passwordTooShort(), false, KTPASS_DIALECT);
    expect(result(0).stderr).toContain('ktpass: hint: use a longer password, or +rndpass\n');
  });
  it('the options ktpass shares with keytab keep their spelling', () => {
    expect(hintText(weak(), KTPASS_DIALECT)).toBe(
      'only if an old peer really needs it: allow weak crypto explicitly (--allow-weak)',
    );
    expect(renderRemedy(remedy`raise ${option('timeout')}`, KTPASS_SPELLING)).toBe(
      'raise --timeout',
    );
  });
  it('usage errors stay bare', () => {
    const { ctx, result } = testContext({ program: 'ktpass' });
    reportError(
      ctx,
      new KtError('USAGE', 'bad', { remedy: remedy`or ${option('random')}` }),
      false,
      KTPASS_DIALECT,
    );
    expect(result(0).stderr).toBe('ktpass: bad\nktpass: hint: or +rndpass\n');
  });
});

describe('library callers read the option as a property', () => {
  it('flags are `{ name: true }`, values are `{ name: value }`', () => {
    expect(weak().hintIn(LIBRARY_SPELLING)).toBe(
      'only if an old peer really needs it: allow weak crypto explicitly ({ allowWeak: true })',
    );
    expect(conflict().hintIn(LIBRARY_SPELLING)).toBe(
      'keep one of them with { preferLast: true } (the later file wins), or remove the stale entry first',
    );
    expect(
      renderRemedy(
        remedy`give the search base with ${option('baseDn', 'DC=example,DC=com')}`,
        LIBRARY_SPELLING,
      ),
    ).toBe("give the search base with { baseDn: 'DC=example,DC=com' }");
    expect(renderRemedy(remedy`check ${option('bindDn')}`, LIBRARY_SPELLING)).toBe('check bindDn');
    expect(renderRemedy(remedy`give ${option('kdc', 'HOST')}`, LIBRARY_SPELLING)).toBe(
      "give { kdcs: ['HOST'] }",
    );
    expect(passwordTooShort().hintIn(LIBRARY_SPELLING)).toBe(
      'use a longer password, or randomPassword() (32 characters)',
    );
  });
  it('the package root gives what the README shows', () => {
    const err = conflict();
    expect(root.isKtError(err)).toBe(true);
    expect(err.hintIn(root.LIBRARY_SPELLING)).toBe(
      'keep one of them with { preferLast: true } (the later file wins), or remove the stale entry first',
    );
    expect(err.remedy && root.renderRemedy(err.remedy, root.LIBRARY_SPELLING)).toBe(
      err.hintIn(root.LIBRARY_SPELLING),
    );
    expect(root.REMEDY_OPTIONS).toContain('allowWeak');
  });
});

describe('remedies as data', () => {
  it('every option has a spelling in every table', () => {
    for (const id of REMEDY_OPTIONS) {
      expect(KEYTAB_SPELLING[id](option(id))).toMatch(/^--[a-z][a-z-]*$/);
      expect(KTPASS_SPELLING[id](option(id))).not.toBe('');
      expect(LIBRARY_SPELLING[id](option(id))).not.toMatch(/--/);
    }
  });
  it('a remedy is plain data: words and option references', () => {
    const r: Remedy = remedy`give ${option('baseDn', 'DC=example,DC=com')} (or KEYTAB_BASE_DN)`;
    expect(r).toEqual({
      parts: [
        'give ',
        { kind: 'option', option: 'baseDn', value: 'DC=example,DC=com' },
        ' (or KEYTAB_BASE_DN)',
      ],
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('a plain hint reads the same everywhere', () => {
    const e = new KtError('INPUT_INVALID', 'x', { hint: 'use --password-file FILE' });
    expect(e.remedy).toBeUndefined();
    for (const s of [KEYTAB_SPELLING, KTPASS_SPELLING, LIBRARY_SPELLING])
      expect(e.hintIn(s)).toBe('use --password-file FILE');
  });
  it('a refused password after the account was made keeps its remedy, and says what is left to do', async () => {
    let applied = 0;
    const dir = {
      url: 'ldaps://dc1:636',
      baseDn: 'DC=example,DC=com',
      encrypted: true,
      search: async () => [],
      apply: async () => {
        if (applied++ > 0) throw passwordTooShort();
      },
    } as unknown as Directory;
    const err = await createAccount(dir, { name: 'svc-web', kind: 'user', password: 'short' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KtError);
    const e = err as KtError;
    expect(e.hint).toBe(
      'use a longer password, or --random (32 characters); then set one with "keytab ad setpass svc-web"',
    );
    expect(hintText(e, KTPASS_DIALECT)).toBe(
      'use a longer password, or +rndpass; then set one with "keytab ad setpass svc-web"',
    );
  });
  it('an error wrapped with its remedy is still spelled by the front end', () => {
    const inner = passwordTooShort();
    const outer = new KtError(inner.code, `file: ${inner.message}`, {
      cause: inner,
      hint: inner.hint,
      remedy: inner.remedy,
    });
    expect(hintText(outer, KTPASS_DIALECT)).toBe('use a longer password, or +rndpass');
  });
});
