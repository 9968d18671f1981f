import { describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import {
  configValue,
  configValues,
  includedirAccepts,
  loadKrb5Config,
  parseDuration,
  parseKrb5Conf,
  realmConfig,
  realmForHost,
  type ConfigReader,
} from '../../lib/krb5/config.js';

function memoryReader(
  files: Record<string, string>,
  dirs: Record<string, string[]> = {},
): ConfigReader {
  return {
    readFile: (path) => files[path],
    listDir: (path) => {
      const d = dirs[path];
      if (!d) throw new Error(`ENOENT: ${path}`);
      return d;
    },
  };
}

function confError(fn: () => unknown): KtError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KtError);
    expect((e as KtError).code).toBe('KRB5_CONF_INVALID');
    return e as KtError;
  }
  throw new Error('expected KRB5_CONF_INVALID');
}

const SAMPLE = `# A typical AD client config
; another comment style
[libdefaults]
    default_realm = EXAMPLE.COM
    dns_lookup_kdc = false
    dns_lookup_realm = no
    clockskew = 5m
    permitted_enctypes = aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96 arcfour-hmac
    default_tkt_enctypes = aes256-cts
    udp_preference_limit = 1
    rdns = false

[realms]
    EXAMPLE.COM = {
        kdc = 10.0.0.1
        kdc = dc2.example.com:88
        kdc = tcp/[2001:db8::1]:8888
        admin_server = dc1.example.com
        master_kdc = dc1.example.com
        default_domain = example.com
        auth_to_local = RULE:[1:$1@$0](.*@OTHER)s/@.*//
    }
    OTHER.ORG = {
        kdc = kdc.other.org
    }

[domain_realm]
    .example.com = EXAMPLE.COM
    example.com = EXAMPLE.COM
    host.special.example.com = OTHER.ORG
    .Upper.Example.Com = WRONG.ORG
`;

describe('krb5.conf parser', () => {
  it('reads libdefaults, realms and domain_realm into typed data', () => {
    const c = parseKrb5Conf(SAMPLE, { path: '/etc/krb5.conf' });
    expect(c.files).toEqual(['/etc/krb5.conf']);
    expect(c.warnings).toEqual([]);
    expect(c.libdefaults).toMatchObject({
      defaultRealm: 'EXAMPLE.COM',
      dnsLookupKdc: false,
      dnsLookupRealm: false,
      clockskew: 300,
      permittedEnctypes: ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'arcfour-hmac'],
      defaultTktEnctypes: ['aes256-cts'],
      udpPreferenceLimit: 1,
      rdns: false,
    });
    expect(c.libdefaults.allowWeakCrypto).toBeUndefined();
    expect(c.realms.map((r) => r.realm)).toEqual(['EXAMPLE.COM', 'OTHER.ORG']);
    const ex = realmConfig(c, 'EXAMPLE.COM')!;
    expect(ex.kdc).toEqual(['10.0.0.1', 'dc2.example.com:88', 'tcp/[2001:db8::1]:8888']);
    expect(ex.adminServer).toEqual(['dc1.example.com']);
    expect(ex.primaryKdc).toEqual(['dc1.example.com']);
    expect(ex.defaultDomain).toBe('example.com');
    expect(ex.line).toBe(14);
    expect(configValue(c, ['realms', 'EXAMPLE.COM', 'auth_to_local'])).toBe(
      'RULE:[1:$1@$0](.*@OTHER)s/@.*//',
    );
    expect(realmConfig(c, 'example.com')).toBeUndefined();
    expect(c.domainRealm[0]).toEqual({
      domain: '.example.com',
      realm: 'EXAMPLE.COM',
      file: '/etc/krb5.conf',
      line: 28,
    });
  });

  it('maps hosts to realms the way MIT host_realm.c searches', () => {
    const c = parseKrb5Conf(SAMPLE);
    expect(realmForHost(c, 'web.example.com')).toBe('EXAMPLE.COM');
    expect(realmForHost(c, 'a.b.example.com')).toBe('EXAMPLE.COM');
    expect(realmForHost(c, 'example.com')).toBe('EXAMPLE.COM');
    expect(realmForHost(c, 'HOST.Special.Example.COM')).toBe('OTHER.ORG');
    expect(realmForHost(c, 'x.special.example.com')).toBe('EXAMPLE.COM');
    expect(realmForHost(c, 'elsewhere.net')).toBeUndefined();
    // Keys are matched exactly against the lower-cased host: an upper-case key never matches.
    expect(realmForHost(c, 'a.upper.example.com')).toBe('EXAMPLE.COM');
  });

  it('handles quoted values, tags without spaces, comment-like text inside values and CRLF', () => {
    const c = parseKrb5Conf(
      '[libdefaults]\r\n  a=1\r\n  b = "x\\ty \\"q\\"" trailing\r\n  c = v # not a comment\r\n',
    );
    expect(configValue(c, ['libdefaults', 'a'])).toBe('1');
    expect(configValue(c, ['libdefaults', 'b'])).toBe('x\ty "q"');
    expect(configValue(c, ['libdefaults', 'c'])).toBe('v # not a comment');
  });

  it('merges repeated sections and keeps every value of a repeated tag', () => {
    const c = parseKrb5Conf(
      '[realms]\nR = {\n kdc = a\n}\n[libdefaults]\nx = 1\n[realms]\nR = {\n kdc = b\n}\n',
    );
    expect(realmConfig(c, 'R')!.kdc).toEqual(['a', 'b']);
  });

  it('reports syntax errors with file and line', () => {
    const cases: [string, RegExp, number][] = [
      ['kdc = x\n', /outside any \[section\]/, 1],
      ['[libdefaults\n', /no closing/, 1],
      ['[realms]\nR = {\n kdc = a\n', /never closed/, 2],
      ['[realms]\n}\n', /unmatched/, 2],
      ['[realms]\nR = {\n[libdefaults]\n}\n', /inside an unclosed/, 3],
      ['[libdefaults]\n\njust words\n', /expected "tag = value"/, 3],
      ['[libdefaults]\nx = "open\n', /unterminated/, 2],
      ['[libdefaults]\na b = c\n', /bad tag/, 2],
      ['[]\n', /empty section/, 1],
      ['[realms]\nR = { kdc = a }\n', /after "\{"/, 2],
    ];
    for (const [text, re, line] of cases) {
      const e = confError(() => parseKrb5Conf(text, { path: 'k.conf' }));
      expect(e.message).toMatch(re);
      expect(e.details).toMatchObject({ file: 'k.conf', line });
      expect(e.message.startsWith(`k.conf:${line}: `)).toBe(true);
    }
  });

  it('turns nonsense values into warnings, not errors', () => {
    const c = parseKrb5Conf(
      '[libdefaults]\nclockskew = soon\ndns_lookup_kdc = maybe\nudp_preference_limit = big\n[realms]\nR = x\n[domain_realm]\nd = {\n}\n',
    );
    expect(c.libdefaults.clockskew).toBeUndefined();
    expect(c.warnings.map((w) => w.line)).toEqual([2, 3, 4, 6, 8]);
    expect(c.warnings[0]!.message).toMatch(/clockskew/);
  });

  it('parses durations and booleans as MIT does', () => {
    expect(parseDuration('300')).toBe(300);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h 30m')).toBe(5400);
    expect(parseDuration('1d2h3m4s')).toBe(93784);
    expect(parseDuration('1:30')).toBe(5400);
    expect(parseDuration('0:05:00')).toBe(300);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('5 minutes')).toBeUndefined();
    const c = parseKrb5Conf(
      '[libdefaults]\nforwardable = Yes\nallow_weak_crypto = off\ndns_lookup_kdc = 1\n',
    );
    expect(c.libdefaults).toMatchObject({
      forwardable: true,
      allowWeakCrypto: false,
      dnsLookupKdc: true,
    });
  });
});

describe('krb5.conf includes and final markers', () => {
  it('resolves include and includedir through the reader, in sorted order, with MIT name rules', () => {
    const reader = memoryReader(
      {
        '/etc/krb5.conf':
          'include /etc/krb5.extra\nincludedir /etc/krb5.conf.d/\n[libdefaults]\ndefault_realm = MAIN\n',
        '/etc/krb5.extra': '[realms]\nMAIN = {\n kdc = 127.0.0.1:88\n}\n',
        '/etc/krb5.conf.d/b_realm': '[realms]\nMAIN = {\n kdc = 127.0.0.2\n}\n',
        '/etc/krb5.conf.d/a.conf': '[libdefaults]\nclockskew = 120\n',
      },
      { '/etc/krb5.conf.d/': ['b_realm', 'a.conf', '.hidden.conf', 'backup~', 'x.rpmsave'] },
    );
    const c = loadKrb5Config(['/etc/krb5.conf'], reader);
    expect(c.files).toEqual([
      '/etc/krb5.conf',
      '/etc/krb5.extra',
      '/etc/krb5.conf.d/a.conf',
      '/etc/krb5.conf.d/b_realm',
    ]);
    expect(c.libdefaults.clockskew).toBe(120);
    expect(c.libdefaults.defaultRealm).toBe('MAIN');
    expect(realmConfig(c, 'MAIN')!.kdc).toEqual(['127.0.0.1:88', '127.0.0.2']);
    expect(includedirAccepts('x.rpmsave')).toBe(false);
    expect(includedirAccepts('local-realm_1')).toBe(true);
  });

  it('fails on a missing include, an include loop and a reader without files', () => {
    const missing = confError(() =>
      loadKrb5Config(['/k'], memoryReader({ '/k': '[libdefaults]\ninclude /nope\n' })),
    );
    expect(missing.message).toMatch(/\/k:2: included file "\/nope" does not exist/);
    const loop = confError(() =>
      loadKrb5Config(['/a'], memoryReader({ '/a': 'include /b\n', '/b': 'include /a\n' })),
    );
    expect(loop.message).toMatch(/includes itself/);
    confError(() => parseKrb5Conf('include /x\n'));
    const dir = confError(() => loadKrb5Config(['/k'], memoryReader({ '/k': 'includedir /d\n' })));
    expect(dir.message).toMatch(/cannot read included directory/);
    expect(dir.cause).toBeInstanceOf(Error);
    // Leading blanks make it an ordinary (bad) line, as in MIT.
    confError(() => parseKrb5Conf('[libdefaults]\n include /x\n'));
  });

  it('skips missing files of a KRB5_CONFIG list and fails when none exists', () => {
    const reader = memoryReader({ '/b': '[libdefaults]\ndefault_realm = B\n' });
    expect(loadKrb5Config(['/a', '/b'], reader).libdefaults.defaultRealm).toBe('B');
    expect(confError(() => loadKrb5Config(['/a'], reader)).message).toMatch(/no krb5.conf found/);
  });

  it('first file wins for single values, lists gather, a final section hides later files', () => {
    const reader = memoryReader({
      '/1': '[libdefaults]\ndefault_realm = ONE\n[realms]*\nR = {\n kdc = one\n}\n[domain_realm]\nx = ONE\n',
      '/2': '[libdefaults]\ndefault_realm = TWO\nclockskew = 60\n[realms]\nR = {\n kdc = two\n}\nS = {\n kdc = s\n}\n[domain_realm]\nx = TWO\ny = TWO\n',
    });
    const c = loadKrb5Config(['/1', '/2'], reader);
    expect(c.libdefaults.defaultRealm).toBe('ONE');
    expect(c.libdefaults.clockskew).toBe(60);
    expect(realmConfig(c, 'R')!.kdc).toEqual(['one']);
    expect(realmConfig(c, 'S')).toBeUndefined();
    expect(realmForHost(c, 'x')).toBe('ONE');
    expect(realmForHost(c, 'y')).toBe('TWO');
  });

  it('a final subsection (tag* = { or }*) hides the same subsection of later files only', () => {
    const reader = memoryReader({
      '/1': '[realms]\nR = {\n kdc = one\n}*\nT* = {\n kdc = t1\n}\n',
      '/2': '[realms]\nR = {\n kdc = two\n}\nT = {\n kdc = t2\n}\nU = {\n kdc = u\n}\n',
    });
    const c = loadKrb5Config(['/1', '/2'], reader);
    expect(configValues(c, ['realms', 'R', 'kdc'])).toEqual(['one']);
    expect(configValues(c, ['realms', 'T', 'kdc'])).toEqual(['t1']);
    expect(configValues(c, ['realms', 'U', 'kdc'])).toEqual(['u']);
  });

  it('records module lines', () => {
    const c = parseKrb5Conf('module /usr/lib/x.so:residual\n[libdefaults]\n');
    expect(c.modules).toEqual(['/usr/lib/x.so:residual']);
  });
});
