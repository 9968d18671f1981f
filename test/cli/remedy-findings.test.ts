/**
 * Remedies beyond hints: messages that name the option given, verify checks and doctor
 * findings (their text in the keytab CLI's spelling, as --json has always had it, and the
 * remedy beside it), whole keytab command lines, and warnings in a front end's spelling.
 */
import { describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import {
  KEYTAB_SPELLING,
  LIBRARY_SPELLING,
  command,
  option,
  remedy,
  renderRemedy,
} from '../../lib/remedy.js';
import { KTPASS_DIALECT, KTPASS_SPELLING } from '../../lib/cli/ktpass.js';
import { reportError } from '../../lib/cli/report.js';
import type { CliContext } from '../../lib/cli/context.js';
import { chooseAuth, parseAuthMode } from '../../lib/ad/auth-choice.js';
import { resolveDirectoryConfig } from '../../lib/ad/config.js';
import { noDirectoryLine, unreachableLine } from '../../lib/verify/judge-run.js';
import { checkLine, jsonReport } from '../../lib/verify/render.js';
import { diagnoseDirectoryAuth } from '../../lib/doctor/directory-auth.js';
import { findingLine, jsonDoctorReport } from '../../lib/doctor/render.js';
import { makeKrb5Conf } from '../../lib/doctor/krb5conf.js';
import { resolveSalt } from '../../lib/salt/rules.js';

describe('command parts', () => {
  const setpass = remedy`use "${command`keytab ad setpass web$ ${option('random')} -o KEYTAB`}" or "keytab rotate"`;
  it('a keytab command line reads as the keytab CLI spells it, in every front end', () => {
    for (const s of [KEYTAB_SPELLING, KTPASS_SPELLING, LIBRARY_SPELLING])
      expect(renderRemedy(setpass, s)).toBe(
        'use "keytab ad setpass web$ --random -o KEYTAB" or "keytab rotate"',
      );
  });
  it('an option outside the command is still spelled by the front end', () => {
    const r = remedy`${command`keytab add kt -p x -k ${3}${remedy` ${option('salt', "'S'")}`}`}; or ${option('random')}`;
    expect(renderRemedy(r, KEYTAB_SPELLING)).toBe(
      "keytab add kt -p x -k 3 --salt 'S'; or --random",
    );
    expect(renderRemedy(r, KTPASS_SPELLING)).toBe(
      "keytab add kt -p x -k 3 --salt 'S'; or +rndpass",
    );
  });
  it('spliced remedies and numbers join the words around them', () => {
    expect(remedy`a ${remedy`b ${2}`} c`).toEqual({ parts: ['a b 2 c'] });
    expect(remedy``).toEqual({ parts: [] });
  });
});

describe('messages that name the option given', () => {
  const caught = (f: () => unknown): KtError => {
    try {
      f();
    } catch (e) {
      if (e instanceof KtError) return e;
    }
    throw new Error('no KtError');
  };
  it('keep their keytab text, and read in other spellings', () => {
    const e = caught(() => parseAuthMode('bogus'));
    expect(e.message).toBe('--auth bogus: give kerberos, simple or auto');
    expect(e.messageIn(KEYTAB_SPELLING)).toBe(e.message);
    expect(e.messageIn(LIBRARY_SPELLING)).toBe("{ auth: 'bogus' }: give kerberos, simple or auto");
    expect(new KtError('USAGE', 'plain').messageIn(LIBRARY_SPELLING)).toBe('plain');
  });
  it('chooseAuth, krb5conf and the salt rules word their messages as before', () => {
    const base = {
      scheme: 'ldap' as const,
      host: 'dc',
      startTls: false,
      bindDn: undefined,
      adminPrincipal: undefined,
    };
    expect(caught(() => chooseAuth({ ...base, mode: 'simple', adminKeytab: '/k' })).message).toBe(
      '--admin-keytab binds with Kerberos, not with --auth simple',
    );
    expect(
      caught(() =>
        chooseAuth({ ...base, startTls: true, mode: 'kerberos', adminKeytab: undefined }),
      ).message,
    ).toMatch(/^--auth kerberos cannot be used with ldap:\/\/dc with --starttls: /);
    expect(caught(() => makeKrb5Conf({ realm: 'A B', kdcs: [] })).message).toBe(
      '--realm "A B": not a realm name',
    );
    const domain = caught(() => makeKrb5Conf({ realm: 'A', kdcs: [], domains: ['-bad-'] }));
    expect([domain.message, domain.messageIn(LIBRARY_SPELLING)]).toEqual([
      '--domain "-bad-": not a DNS domain',
      'domains "-bad-": not a DNS domain',
    ]);
    expect(makeKrb5Conf({ realm: 'A', kdcs: [], spelling: LIBRARY_SPELLING }).notes).toEqual([
      'no kdcs: KDCs will be looked up as DNS SRV records (_kerberos._udp.A)',
    ]);
    expect(caught(() => resolveSalt(undefined, {})).message).toBe(
      'give the principal (-p) or an explicit salt (--salt / --salt-hex)',
    );
  });
  it('ktpass prints a message in its own spelling', () => {
    let err = '';
    const ctx = {
      program: 'ktpass',
      stderr: { write: (s: string) => (err += s) },
    } as unknown as CliContext;
    reportError(
      ctx,
      new KtError('USAGE', remedy`${option('random')} and a password: give one`),
      false,
      KTPASS_DIALECT,
    );
    expect(err).toBe('ktpass: +rndpass and a password: give one\n');
  });
  it('the bind choice keeps its reason, with the option as data', () => {
    const c = chooseAuth({
      mode: 'kerberos',
      scheme: 'ldap',
      host: 'dc',
      startTls: false,
      bindDn: undefined,
      adminKeytab: undefined,
      adminPrincipal: undefined,
    });
    expect(c.reason).toBe('--auth kerberos');
    expect(c.reasonRemedy && renderRemedy(c.reasonRemedy, LIBRARY_SPELLING)).toBe(
      "{ auth: 'kerberos' }",
    );
    expect(
      chooseAuth({
        mode: 'auto',
        scheme: 'ldap',
        host: 'dc',
        startTls: false,
        bindDn: undefined,
        adminKeytab: undefined,
        adminPrincipal: undefined,
      }).reasonRemedy,
    ).toBeUndefined();
  });
  it('directory warnings are in the front end spelling (keytab by default)', async () => {
    const run = async (spelling?: typeof LIBRARY_SPELLING): Promise<string[]> => {
      const warnings: string[] = [];
      const sources = {
        env: {},
        readFile: () => '',
        readSecretFile: () => 'pw',
        warn: (m: string) => warnings.push(m),
        ...(spelling ? { spelling } : {}),
      };
      await resolveDirectoryConfig(
        {
          ldapUrl: 'ldap://dc',
          auth: 'simple',
          bindDn: 'a@b',
          bindPasswordFile: '/pw',
          insecureTls: true,
        },
        sources,
      );
      return warnings;
    };
    const keytab = await run();
    expect(keytab[0]).toBe(
      'ldap://dc:389 without --starttls is not encrypted: the bind password and every answer cross the network in clear text, and password changes are refused; use Kerberos (drop --auth simple), ldaps:// or --starttls',
    );
    expect(keytab[1]).toBe('--insecure-tls has no effect without TLS');
    expect((await run(LIBRARY_SPELLING))[1]).toBe(
      '{ insecureTls: true } has no effect without TLS',
    );
  });
});

describe('verify checks and doctor findings', () => {
  it('a check keeps its fix text and carries the remedy; the renderers take a spelling', () => {
    const c = noDirectoryLine('no directory given');
    expect(c.fix).toBe(
      'after kinit admin@REALM, give --ldap-url ldap://DC (or KEYTAB_LDAP_URL): Kerberos needs nothing else; a simple bind needs ldaps:// with --bind-dn, a password and --ca-file',
    );
    expect(checkLine(c)).toBe(`SKIP  directory  — no directory given; fix: ${c.fix}`);
    expect(checkLine(c, LIBRARY_SPELLING)).toContain(
      "give { ldapUrl: 'ldap://DC' } (or KEYTAB_LDAP_URL)",
    );
    expect(jsonReport({ checks: [c], ok: true }).checks[0]?.fix).toBe(c.fix);
    expect(jsonReport({ checks: [c], ok: true }, LIBRARY_SPELLING).checks[0]?.fix).toContain(
      'with bindDn, a password and caFile',
    );
    expect(Object.keys(jsonReport({ checks: [c], ok: true }).checks[0]!)).toEqual([
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
  it("an error's remedy carries into the check's fix", () => {
    const e = new KtError('KDC_NOT_FOUND', 'no KDC', { remedy: remedy`try ${option('tcp')}` });
    const c = unreachableLine('R', e, []);
    expect(c.fix).toBe(
      'try --tcp; give the KDC with --kdc HOST[:PORT], list it as "kdc = HOST" under [realms] R in krb5.conf, or publish _kerberos._udp.R SRV records',
    );
    expect(checkLine(c, LIBRARY_SPELLING)).toContain(
      "try { tcpOnly: true }; give the KDC with { kdcs: ['HOST[:PORT]'] }",
    );
  });
  it('a finding keeps its why and fix text and carries both as remedies', () => {
    const choice = chooseAuth({
      mode: 'kerberos',
      scheme: 'ldap',
      host: 'dc',
      startTls: false,
      bindDn: undefined,
      adminKeytab: undefined,
      adminPrincipal: undefined,
    });
    const failure = { code: 'AD_STRONG_AUTH_REQUIRED', message: 'refused' };
    const [method, failed] = diagnoseDirectoryAuth({ url: 'ldap://dc', choice, failure });
    expect(method?.why).toBe('kerberos (--auth kerberos): --auth kerberos');
    expect(findingLine(method!, LIBRARY_SPELLING)).toBe(
      "INFO   directory: auth ldap://dc method  — kerberos ({ auth: 'kerberos' }): { auth: 'kerberos' }",
    );
    expect(failed?.fix).toBe(
      'bind with Kerberos, which signs and seals on port 389: kinit admin@REALM, then ldap://DC without --auth simple; or use ldaps://DC (port 636)',
    );
    expect(jsonDoctorReport({ findings: [failed!], ok: false }).findings[0]?.fix).toBe(failed?.fix);
    expect(
      jsonDoctorReport({ findings: [failed!], ok: false }, LIBRARY_SPELLING).findings[0]?.fix,
    ).toContain("without { auth: 'simple' }");
  });
  it('plain words stay plain: no remedy where no option is named', () => {
    const [f] = diagnoseDirectoryAuth({
      url: 'ldap://dc',
      failure: { code: 'CCACHE_NO_TICKET', message: 'none' },
    });
    expect(f?.remedy).toBeUndefined();
    expect(findingLine(f!, LIBRARY_SPELLING)).toBe(findingLine(f!));
  });
});
