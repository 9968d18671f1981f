import { describe, expect, it } from 'vitest';
import { normalizeKtpassArgv } from '../../lib/ktpass/argv.js';
import type { KtpassRequest } from '../../lib/ktpass/argv.js';
import { KtError } from '../../lib/errors.js';

const split = (line: string): string[] => line.trim().split(/\s+/);

const defaults = {
  help: false,
  mapop: 'add',
  dumpsalt: false,
  setupn: true,
  setpass: true,
  extensions: {},
};

// prettier-ignore
const CASES: [string, Partial<KtpassRequest>][] = [
  [
    '/out tomcat.keytab /ptype KRB5_NT_PRINCIPAL /princ HTTP/MyComputer.MySSODomain.com@MYSSODOMAIN.COM /pass consol.123 /mapuser tomcat /crypto rc4-hmac-nt',
    { out: 'tomcat.keytab', ptype: 'KRB5_NT_PRINCIPAL', princ: 'HTTP/MyComputer.MySSODomain.com@MYSSODOMAIN.COM', pass: { kind: 'text', text: 'consol.123' }, mapuser: 'tomcat', crypto: 'rc4-hmac-nt' },
  ],
  ['/OUT a.keytab /PRINC x@R /Pass *', { out: 'a.keytab', princ: 'x@R', pass: { kind: 'prompt' } }],
  ['-out a.keytab -princ x@R', { out: 'a.keytab', princ: 'x@R' }],
  ['/princ x@R /pass +rndpass /minpass 40 /maxpass 50', { princ: 'x@R', pass: { kind: 'random' }, minpass: 40, maxpass: 50 }],
  ['/princ x@R +rndpass /minpass', { princ: 'x@R', pass: { kind: 'random' }, minpass: 15 }],
  ['/princ x@R -setupn -setpass +dumpsalt', { princ: 'x@R', setupn: false, setpass: false, dumpsalt: true }],
  ['/princ x@R +setupn +setpass Secret-1', { princ: 'x@R', setupn: true, setpass: true, pass: { kind: 'text', text: 'Secret-1' } }],
  ['/princ x@R +setpass /crypto All', { princ: 'x@R', setpass: true, crypto: 'All' }],
  ['/princ x@R +desonly', { princ: 'x@R', desonly: true }],
  ['/princ x@R -desonly', { princ: 'x@R', desonly: false }],
  ['/in old.keytab /out new.keytab /princ x@R /kvno 7 /itercount 8192', { in: 'old.keytab', out: 'new.keytab', princ: 'x@R', kvno: 7, itercount: 8192 }],
  ['/princ x@R /mapuser svc /mapop SET /answer + /target dc1.example.test', { princ: 'x@R', mapuser: 'svc', mapop: 'set', answer: true, target: 'dc1.example.test' }],
  ['/princ x@R /answer -', { princ: 'x@R', answer: false }],
  ['/princ x@R /rawsalt EXAMPLE.COMsvc', { princ: 'x@R', rawsalt: 'EXAMPLE.COMsvc' }],
  ['/?', { help: true }],
  ['/h', { help: true }],
  ['-help', { help: true }],
  ['/princ x@R --dry-run --show-keys --password-file pw.txt --ldap-url=ldaps://127.0.0.1', {
    princ: 'x@R',
    pass: { kind: 'file', path: 'pw.txt' },
    extensions: { 'dry-run': true, 'show-keys': true, 'password-file': 'pw.txt', 'ldap-url': 'ldaps://127.0.0.1' },
  }],
];

describe('ktpass argv normaliser', () => {
  for (const [line, want] of CASES) {
    it(line, () => {
      expect(normalizeKtpassArgv(split(line))).toEqual({ ...defaults, ...want });
    });
  }

  const ERRORS: [string, RegExp][] = [
    ['/princ', /\/princ needs a value/],
    ['/princ a@R /princ b@R', /given twice/],
    ['/prinz a@R', /unknown option \/prinz/],
    ['/mapop replace', /\/mapop takes add or set/],
    ['/kvno x', /\/kvno needs a whole number/],
    ['/answer yes', /\/answer takes \+ or -/],
    ['/pass a /pass b', /given twice/],
    ['/pass a +rndpass', /one way/],
    ['+out x', /not a \+\/- switch/],
    ['stray', /unexpected argument "stray"/],
    ['--frobnicate', /unknown option --frobnicate/],
    ['/minpass 60 /maxpass 20', /longer than/],
    ['/pass x --password-file f', /one way/],
  ];
  for (const [line, message] of ERRORS) {
    it(`refuses: ${line}`, () => {
      let err: unknown;
      try {
        normalizeKtpassArgv(split(line));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KtError);
      expect((err as KtError).code).toBe('USAGE');
      expect((err as KtError).message).toMatch(message);
    });
  }
  it('suggests close option names', () => {
    try {
      normalizeKtpassArgv(['/prince', 'x']);
    } catch (e) {
      expect((e as KtError).hint).toContain('/princ');
    }
  });
});

describe('/pass * expanded by the shell', () => {
  it('stray words after /pass: the shell expanded an unquoted *; the words are not repeated', () => {
    const err = (() => {
      try {
        normalizeKtpassArgv([
          '/out',
          'x.keytab',
          '/princ',
          'HTTP/a@R',
          '/pass',
          'a.txt',
          'b.txt',
          'c.txt',
          '/crypto',
          'AES256-SHA1',
        ]);
      } catch (e) {
        return e as KtError;
      }
      throw new Error('no error');
    })();
    expect(err).toMatchObject({
      code: 'USAGE',
      message:
        '/pass is followed by 2 stray words: the shell expanded an unquoted * into the names of the files in this folder; nothing was changed',
    });
    expect(err.hint).toContain("/pass '*'");
    expect(err.message).not.toContain('a.txt');
  });
  it("a quoted '*' still asks", () => {
    expect(normalizeKtpassArgv(['/pass', '*']).pass).toEqual({ kind: 'prompt' });
  });
});
