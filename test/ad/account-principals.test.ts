import { describe, expect, it } from 'vitest';
import { accountNameKind, describeAccountNames } from '../../lib/ad/account-principals.js';
import { parsePrincipal } from '../../lib/principal.js';

const tomcat = {
  sAMAccountName: 'tomcat',
  userPrincipalName: 'HTTP/web.example.test@EXAMPLE.TEST',
  servicePrincipalName: ['HTTP/web.example.test', 'host/app.example.test'],
  realm: 'EXAMPLE.TEST',
};
const mappings = new Map([
  ['http', 'host'],
  ['cifs', 'host'],
]);
const kind = (p: string, account = tomcat) => accountNameKind(parsePrincipal(p), account, mappings);

describe("which keytab principals are an account's", () => {
  it('its SPNs (any case), host/ aliases through sPNMappings, its UPN, NAME@REALM', () => {
    expect(kind('HTTP/web.example.test@EXAMPLE.TEST')).toBe('spn');
    expect(kind('http/WEB.example.test@EXAMPLE.TEST')).toBe('spn');
    expect(kind('HTTP/app.example.test@EXAMPLE.TEST')).toBe('spn-alias');
    expect(kind('cifs/app.example.test@EXAMPLE.TEST')).toBe('spn-alias');
    expect(kind('tomcat@EXAMPLE.TEST')).toBe('sam');
    expect(kind('svc@EXAMPLE.TEST', { ...tomcat, userPrincipalName: 'svc@example.test' })).toBe(
      'upn',
    );
    expect(kind('WEB$@EXAMPLE.TEST', { ...tomcat, sAMAccountName: 'WEB$' })).toBe('sam');
  });
  it('not another host, service without a host/ SPN, another realm, or another account', () => {
    expect(kind('HTTP/other.example.test@EXAMPLE.TEST')).toBeUndefined();
    expect(kind('ldap/web.example.test@EXAMPLE.TEST')).toBeUndefined();
    expect(kind('HTTP/web.example.test@OTHER.TEST')).toBeUndefined();
    expect(kind('jboss@EXAMPLE.TEST')).toBeUndefined();
    expect(kind('host/web.example.test@EXAMPLE.TEST')).toBeUndefined();
  });
  it('names them in one line for messages', () => {
    expect(describeAccountNames(tomcat)).toBe(
      'SPNs HTTP/web.example.test, host/app.example.test; UPN HTTP/web.example.test@EXAMPLE.TEST; tomcat@EXAMPLE.TEST',
    );
    expect(
      describeAccountNames({ ...tomcat, servicePrincipalName: [], userPrincipalName: undefined }),
    ).toBe('no SPN; no UPN; tomcat@EXAMPLE.TEST');
  });
});
