import { describe, expect, it } from 'vitest';
import {
  adComputerSalt,
  adUpnSalt,
  adUserSalt,
  defaultSalt,
  explicitSaltHex,
  resolveSalt,
} from '../lib/salt/rules.js';
import { parsePrincipal } from '../lib/principal.js';
import { KtError } from '../lib/errors.js';
import { stringToKey } from '../lib/crypto/string-to-key.js';
import { toHex } from '../lib/bytes.js';

describe('salt rules', () => {
  it('RFC 4120 default: realm + components', () => {
    expect(defaultSalt(parsePrincipal('HTTP/web.example.com@EXAMPLE.COM')).text).toBe(
      'EXAMPLE.COMHTTPweb.example.com',
    );
    expect(defaultSalt(parsePrincipal('ldap/dc1.example.com/example.com@EXAMPLE.COM')).text).toBe(
      'EXAMPLE.COMldapdc1.example.comexample.com',
    );
  });
  it('AD user without UPN: REALM + sAMAccountName, case kept', () => {
    expect(adUserSalt('example.test', 'Svc-Web').text).toBe('EXAMPLE.TESTSvc-Web');
  });
  it('AD user with UPN: REALM + UPN name part without "/" (suffix ignored)', () => {
    expect(adUpnSalt('EXAMPLE.TEST', 'HTTP/web.example.test@EXAMPLE.TEST').text).toBe(
      'EXAMPLE.TESTHTTPweb.example.test',
    );
    expect(adUpnSalt('EXAMPLE.TEST', 'tomcat@other.suffix').text).toBe('EXAMPLE.TESTtomcat');
  });
  it('AD computer: REALM + host + lower(name) + . + lower(realm)', () => {
    expect(adComputerSalt('EXAMPLE.TEST', 'WEB$').text).toBe('EXAMPLE.TESThostweb.example.test');
  });
  it('the KDC-checked AD key (kerberos-ad-facts.md) comes out of the UPN rule', async () => {
    const salt = adUpnSalt('EXAMPLE.TEST', 'HTTP/web.example.test@EXAMPLE.TEST');
    expect(toHex(await stringToKey(18, 'Svc-Pass-3!', salt.bytes))).toBe(
      '4b424fce38f4593151f616c5e0fd3ab6919a183ad67ac514954f07e9fc535024',
    );
    expect(toHex(await stringToKey(17, 'Svc-Pass-3!', salt.bytes))).toBe(
      '33f7b777d0ed118f642171ce6f8d6ae4',
    );
    expect(toHex(await stringToKey(23, 'Svc-Pass-3!', salt.bytes))).toBe(
      'f5c544addaad70c44e89bca2775b7163',
    );
  });
  it('explicit hex salt', () => {
    expect(explicitSaltHex('41424300').bytes).toEqual(Uint8Array.from([0x41, 0x42, 0x43, 0]));
  });
  it('resolveSalt: one rule at most; AD rules take the realm from the principal', () => {
    const p = parsePrincipal('HTTP/web.example.test@EXAMPLE.TEST');
    expect(resolveSalt(p, {}).rule).toBe('rfc4120');
    expect(resolveSalt(p, { adComputer: 'WEB$' }).text).toBe('EXAMPLE.TESThostweb.example.test');
    expect(resolveSalt(undefined, { salt: 'x' }).text).toBe('x');
    expect(() => resolveSalt(p, { salt: 'x', adUser: 'y' })).toThrow(KtError);
    expect(() => resolveSalt(undefined, {})).toThrow(/give the principal/);
  });
});
