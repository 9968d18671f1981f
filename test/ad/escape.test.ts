import { describe, expect, it } from 'vitest';
import {
  childDn,
  escapeDnValue,
  escapeFilterValue,
  filter,
  firstRdnValue,
  looksLikeDn,
  orFilter,
  parseDn,
  realmOfDn,
  sameDn,
} from '../../lib/ad/escape.js';

describe('RFC 4515 filter escaping', () => {
  it('escapes the five characters of section 3 as \\hh', () => {
    expect(escapeFilterValue('a*b(c)d\\e\u0000f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
  });
  it('leaves other text, UTF-8 included, as it is', () => {
    expect(escapeFilterValue('HTTP/web.example.com:8080')).toBe('HTTP/web.example.com:8080');
    expect(escapeFilterValue('müller@bücher.de')).toBe('müller@bücher.de');
  });
  it('the RFC 4515 examples', () => {
    // Section 4: (o=Parens R Us \28for all your parenthetical needs\29), (cn=*\2A*), (filename=C:\5cMyFile)
    expect(escapeFilterValue('Parens R Us (for all your parenthetical needs)')).toBe(
      'Parens R Us \\28for all your parenthetical needs\\29',
    );
    expect(escapeFilterValue('C:\\MyFile')).toBe('C:\\5cMyFile');
  });
  it('filter`` escapes interpolated values only: an injection stays a value', () => {
    const evil = '*)(objectClass=*';
    expect(filter`(sAMAccountName=${evil})`).toBe('(sAMAccountName=\\2a\\29\\28objectClass=\\2a)');
    expect(filter`(&(a=${'x'})(b=${42}))`).toBe('(&(a=x)(b=42))');
  });
  it('orFilter joins terms and leaves a single one alone', () => {
    expect(orFilter(['(a=1)'])).toBe('(a=1)');
    expect(orFilter(['(a=1)', '(b=2)'])).toBe('(|(a=1)(b=2))');
    expect(() => orFilter([])).toThrow();
  });
});

describe('RFC 4514 DN escaping', () => {
  it('escapes the specials anywhere, # and space at the start, space at the end, NUL', () => {
    expect(escapeDnValue('Smith, John')).toBe('Smith\\, John');
    expect(escapeDnValue('a+b;c<d>e"f\\g=h')).toBe('a\\+b\\;c\\<d\\>e\\"f\\\\g\\=h');
    expect(escapeDnValue('#1 svc')).toBe('\\#1 svc');
    expect(escapeDnValue(' lead and trail ')).toBe('\\ lead and trail\\ ');
    expect(escapeDnValue('a#b')).toBe('a#b');
    expect(escapeDnValue('nul\u0000')).toBe('nul\\00');
  });
  it('childDn builds CN=<escaped>,parent', () => {
    expect(childDn('CN', 'web, the server', 'CN=Users,DC=example,DC=test')).toBe(
      'CN=web\\, the server,CN=Users,DC=example,DC=test',
    );
  });
  it('escape then parse gives the value back (round trip)', () => {
    for (const v of [
      'plain',
      'Smith, John',
      ' x ',
      '#hash',
      'a+b=c',
      'back\\slash',
      'quote"d',
      'ünïcødé',
      'semi;colon',
    ]) {
      const [rdn] = parseDn(childDn('CN', v, 'DC=example,DC=test'));
      expect(rdn).toEqual({ type: 'CN', value: v });
    }
  });
});

describe('DN parsing and helpers', () => {
  it('splits on unescaped commas and unescapes \\c and \\hh (UTF-8)', () => {
    expect(parseDn('CN=Smith\\2C John,OU=R\\C3\\A9seau,DC=example,DC=test')).toEqual([
      { type: 'CN', value: 'Smith, John' },
      { type: 'OU', value: 'Réseau' },
      { type: 'DC', value: 'example' },
      { type: 'DC', value: 'test' },
    ]);
  });
  it('accepts spaces after commas (RFC 2253 writers) but keeps an escaped trailing space', () => {
    expect(parseDn('CN=a, DC=example, DC=test').map((r) => r.value)).toEqual([
      'a',
      'example',
      'test',
    ]);
    expect(parseDn('CN=a\\ ,DC=x')[0]?.value).toBe('a ');
  });
  it('refuses what is not a DN', () => {
    expect(() => parseDn('svc-web')).toThrow(/not a distinguished name/);
    expect(() => parseDn('CN=a,svc')).toThrow(/not a distinguished name/);
    expect(() => parseDn('CN=a\\')).toThrow(/backslash/);
    expect(parseDn('')).toEqual([]);
  });
  it('realmOfDn: the DC= parts, upper case', () => {
    expect(realmOfDn('CN=web,CN=Users,DC=example,DC=test')).toBe('EXAMPLE.TEST');
    expect(realmOfDn('cn=x,ou=y,dc=Corp,dc=Example,dc=com')).toBe('CORP.EXAMPLE.COM');
    expect(realmOfDn('CN=Configuration')).toBeUndefined();
  });
  it('looksLikeDn tells DNs from names and UPNs', () => {
    expect(looksLikeDn('CN=svc,CN=Users,DC=example,DC=test')).toBe(true);
    expect(looksLikeDn('svc-web')).toBe(false);
    expect(looksLikeDn('svc@example.test')).toBe(false);
    expect(looksLikeDn('WEB$')).toBe(false);
  });
  it('sameDn ignores case and escaping style', () => {
    expect(sameDn('CN=Web,CN=Users,DC=Example,DC=Test', 'cn=web,cn=users,dc=example,dc=test')).toBe(
      true,
    );
    expect(sameDn('CN=a\\,b,DC=x', 'CN=a\\2Cb,DC=x')).toBe(true);
    expect(sameDn('CN=a,DC=x', 'CN=b,DC=x')).toBe(false);
    expect(firstRdnValue('CN=svc-web,CN=Users,DC=x')).toBe('svc-web');
  });
});
