import { describe, expect, it } from 'vitest';
import {
  isEncryptedTransport,
  parseLdapUrl,
  requireEncryptedTransport,
  resolveDirectoryConfig,
} from '../../lib/ad/config.js';
import type { ConfigSources } from '../../lib/ad/config.js';
import { KtError } from '../../lib/errors.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function sources(
  env: Record<string, string>,
  files: Record<string, string> = {},
  prompt?: (q: string) => Promise<string>,
) {
  const warnings: string[] = [];
  const read = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new KtError('FILE_NOT_FOUND', `${path}: no such file`);
    return text;
  };
  const s: ConfigSources = {
    env,
    readFile: read,
    readSecretFile: (p) => read(p).replace(/\n$/, ''),
    prompt,
    warn: (m) => void warnings.push(m),
  };
  return { s, warnings };
}

const ENV = {
  KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:636',
  KEYTAB_BIND_DN: 'Administrator@example.test',
  KEYTAB_BIND_PASSWORD_FILE: '/pw',
  KEYTAB_BASE_DN: 'DC=example,DC=test',
  KEYTAB_CA_FILE: '/ca.pem',
};
const FILES = { '/pw': 'Passw0rd!Adm1n\n', '/ca.pem': CA, '/other-pw': 'other' };

describe('LDAP URLs', () => {
  it('parses scheme, host and port, with defaults', () => {
    expect(parseLdapUrl('ldaps://dc1.example.com')).toEqual({
      scheme: 'ldaps',
      host: 'dc1.example.com',
      port: 636,
      url: 'ldaps://dc1.example.com:636',
    });
    expect(parseLdapUrl('ldap://127.0.0.1')).toMatchObject({ scheme: 'ldap', port: 389 });
    expect(parseLdapUrl('dc1.example.com')).toMatchObject({ scheme: 'ldaps', port: 636 });
    expect(parseLdapUrl('ldaps://[::1]:1636')).toMatchObject({
      host: '::1',
      port: 1636,
      url: 'ldaps://[::1]:1636',
    });
  });
  it('refuses other schemes and URLs with a DN or filter', () => {
    expect(() => parseLdapUrl('http://dc1')).toThrow(/ldaps:\/\/ or ldap:\/\//);
    expect(() => parseLdapUrl('ldap://dc1/DC=example,DC=com')).toThrow(
      /only scheme, host and port/,
    );
  });
  it('knows which transports may carry a password', () => {
    expect(isEncryptedTransport({ url: 'ldaps://dc', startTls: false })).toBe(true);
    expect(isEncryptedTransport({ url: 'ldap://dc', startTls: true })).toBe(true);
    expect(isEncryptedTransport({ url: 'ldap://dc', startTls: false })).toBe(false);
    expect(() => requireEncryptedTransport({ url: 'ldap://dc:389', startTls: false })).toThrow(
      /refusing to send a password to ldap:\/\/dc:389 over an unencrypted connection \(nothing was sent\)/,
    );
  });
});

describe('resolveDirectoryConfig', () => {
  it('takes everything from the environment', async () => {
    const { s, warnings } = sources(ENV, FILES);
    expect(await resolveDirectoryConfig({}, s)).toEqual({
      url: 'ldaps://127.0.0.1:636',
      auth: {
        requested: 'auto',
        method: 'simple',
        reason:
          'ldaps://127.0.0.1 with a bind DN: a simple bind as Administrator@example.test over TLS',
      },
      bindDn: 'Administrator@example.test',
      bindPassword: 'Passw0rd!Adm1n',
      baseDn: 'DC=example,DC=test',
      caFile: '/ca.pem',
      ca: CA,
      startTls: false,
      insecureTls: false,
      timeoutMs: 30000,
    });
    expect(warnings).toEqual([]);
  });
  it('options win over the environment; KEYTAB_BIND_PASSWORD beats its file', async () => {
    const { s } = sources({ ...ENV, KEYTAB_BIND_PASSWORD: 'from-env' }, FILES);
    const c = await resolveDirectoryConfig(
      { ldapUrl: 'ldap://dc2', startTls: true, bindDn: 'CN=x,DC=y', baseDn: 'DC=y', timeout: 5 },
      s,
    );
    expect(c).toMatchObject({
      url: 'ldap://dc2:389',
      startTls: true,
      bindDn: 'CN=x,DC=y',
      baseDn: 'DC=y',
      bindPassword: 'from-env',
      timeoutMs: 5000,
    });
    expect(
      (
        await resolveDirectoryConfig(
          { bindPasswordFile: '/other-pw' },
          sources({ ...ENV, KEYTAB_BIND_PASSWORD: 'from-env' }, FILES).s,
        )
      ).bindPassword,
    ).toBe('other');
  });
  it('--bind-password works but warns', async () => {
    const { s, warnings } = sources(ENV, FILES);
    expect((await resolveDirectoryConfig({ bindPassword: 'argv' }, s)).bindPassword).toBe('argv');
    expect(warnings.join()).toMatch(/visible to other users/);
    await expect(
      resolveDirectoryConfig({ bindPassword: 'a', bindPasswordFile: '/pw' }, s),
    ).rejects.toThrow(/one way/);
  });
  it('prompts on a terminal when no password is configured, else says how to give one', async () => {
    const env = { ...ENV, KEYTAB_BIND_PASSWORD_FILE: '' };
    const asked: string[] = [];
    const { s } = sources(env, FILES, async (q) => (asked.push(q), 'typed'));
    expect((await resolveDirectoryConfig({}, s)).bindPassword).toBe('typed');
    expect(asked).toEqual(['Password for Administrator@example.test: ']);
    await expect(resolveDirectoryConfig({}, sources(env, FILES).s)).rejects.toMatchObject({
      code: 'AD_CONFIG',
      hint: expect.stringMatching(/--bind-password-file/),
    });
  });
  it('missing URL or bind DN: AD_CONFIG naming the option and the variable', async () => {
    await expect(resolveDirectoryConfig({}, sources({}, FILES).s)).rejects.toMatchObject({
      code: 'AD_CONFIG',
      message: 'no directory given',
      hint: expect.stringMatching(/--ldap-url .*KEYTAB_LDAP_URL/),
    });
    await expect(
      resolveDirectoryConfig({}, sources({ KEYTAB_LDAP_URL: 'ldaps://dc' }, FILES).s),
    ).rejects.toMatchObject({
      code: 'AD_CONFIG',
      hint: expect.stringMatching(/--bind-dn .*KEYTAB_BIND_DN/),
    });
    await expect(
      resolveDirectoryConfig(
        { auth: 'simple' },
        sources({ KEYTAB_LDAP_URL: 'ldap://dc' }, FILES).s,
      ),
    ).rejects.toMatchObject({
      code: 'AD_CONFIG',
      hint: expect.stringMatching(/--bind-dn .*KEYTAB_BIND_DN/),
    });
  });
  it('plain ldap:// with --auth simple warns about clear text; --insecure-tls warns loudly', async () => {
    const plain = sources(
      { ...ENV, KEYTAB_LDAP_URL: 'ldap://127.0.0.1', KEYTAB_AUTH: 'simple' },
      FILES,
    );
    await resolveDirectoryConfig({}, plain.s);
    expect(plain.warnings.join()).toMatch(/not encrypted: the bind password .* clear text/);
    const insecure = sources(ENV, FILES);
    expect((await resolveDirectoryConfig({ insecureTls: true }, insecure.s)).insecureTls).toBe(
      true,
    );
    expect(insecure.warnings.join()).toMatch(/verification is OFF/);
  });
  it('refuses --starttls on ldaps://, a bad timeout, and a CA file without PEM', async () => {
    await expect(resolveDirectoryConfig({ startTls: true }, sources(ENV, FILES).s)).rejects.toThrow(
      /--starttls is for ldap:\/\//,
    );
    await expect(resolveDirectoryConfig({ timeout: 0 }, sources(ENV, FILES).s)).rejects.toThrow(
      /--timeout/,
    );
    await expect(
      resolveDirectoryConfig({}, sources(ENV, { ...FILES, '/ca.pem': 'DER junk' }).s),
    ).rejects.toThrow(/no PEM certificate/);
    await expect(
      resolveDirectoryConfig({ caFile: '/missing.pem' }, sources(ENV, FILES).s),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('resolveDirectoryConfig: which bind (--auth auto, the default)', () => {
  const krb5Env = { KRB5_CONFIG: '/k.conf', KRB5CCNAME: 'FILE:/tmp/cc' };
  it('ldap:// with nothing else: Kerberos from the ticket cache, no warning, no CA needed', async () => {
    const { s, warnings } = sources(
      { KEYTAB_LDAP_URL: 'ldap://dc1.example.test', ...krb5Env },
      FILES,
    );
    const c = await resolveDirectoryConfig({}, s);
    expect(c).toMatchObject({
      url: 'ldap://dc1.example.test:389',
      kerberos: { source: 'ccache' },
      bindDn: undefined,
      bindPassword: undefined,
      krb5Env,
      auth: { requested: 'auto', method: 'kerberos' },
    });
    expect(c.auth?.reason).toMatch(/ldap:\/\/dc1.example.test without TLS: Kerberos/);
    expect(warnings).toEqual([]);
  });
  it('credentials in order: --admin-keytab, then --bind-dn with its password, then the ticket cache', async () => {
    const env = { ...ENV, KEYTAB_LDAP_URL: 'ldap://127.0.0.1' };
    expect(
      (
        await resolveDirectoryConfig(
          { adminKeytab: '/a.keytab', adminPrincipal: 'admin@example.test' },
          sources(env, FILES).s,
        )
      ).kerberos,
    ).toEqual({ source: 'keytab', keytab: '/a.keytab', principal: 'admin@EXAMPLE.TEST' });
    expect(
      (await resolveDirectoryConfig({ adminKeytab: '/a.keytab' }, sources(env, FILES).s)).kerberos,
    ).toEqual({ source: 'keytab', keytab: '/a.keytab', principal: 'Administrator@EXAMPLE.TEST' });
    expect((await resolveDirectoryConfig({}, sources(env, FILES).s)).kerberos).toEqual({
      source: 'password',
      principal: 'Administrator@EXAMPLE.TEST',
      password: 'Passw0rd!Adm1n',
    });
    expect(
      (await resolveDirectoryConfig({}, sources({ KEYTAB_LDAP_URL: 'ldap://127.0.0.1' }, FILES).s))
        .kerberos,
    ).toEqual({ source: 'ccache' });
  });
  it('ldaps:// or StartTLS with a bind DN stays a simple bind (back-compatible)', async () => {
    expect((await resolveDirectoryConfig({}, sources(ENV, FILES).s)).kerberos).toBeUndefined();
    const c = await resolveDirectoryConfig(
      { ldapUrl: 'ldap://dc1', startTls: true },
      sources(ENV, FILES).s,
    );
    expect(c).toMatchObject({
      bindDn: 'Administrator@example.test',
      auth: { method: 'simple', reason: expect.stringMatching(/--starttls/) },
    });
  });
  it('ldaps:// without a bind DN: explains that Kerberos runs over ldap:// port 389, sealed, and how', async () => {
    const err = resolveDirectoryConfig(
      {},
      sources({ KEYTAB_LDAP_URL: 'ldaps://dc1.example.test' }, FILES).s,
    );
    await expect(err).rejects.toMatchObject({
      code: 'AD_CONFIG',
      message: expect.stringMatching(/Kerberos runs over ldap:\/\/ \(port 389\) and seals/),
      hint: expect.stringMatching(/--ldap-url ldap:\/\/dc1.example.test/),
    });
    await expect(
      resolveDirectoryConfig({ adminKeytab: '/a.keytab' }, sources(ENV, FILES).s),
    ).rejects.toMatchObject({
      code: 'AD_CONFIG',
      message: expect.stringMatching(/--admin-keytab .* cannot be used with ldaps/),
    });
    await expect(
      resolveDirectoryConfig({ auth: 'kerberos' }, sources(ENV, FILES).s),
    ).rejects.toMatchObject({
      code: 'AD_CONFIG',
      message: expect.stringMatching(/--auth kerberos cannot be used with ldaps/),
    });
  });
  it('--auth simple on ldap:// binds simply (clear text, warned); a DN cannot be a Kerberos principal', async () => {
    const plain = sources({ ...ENV, KEYTAB_LDAP_URL: 'ldap://127.0.0.1' }, FILES);
    expect(await resolveDirectoryConfig({ auth: 'simple' }, plain.s)).toMatchObject({
      bindDn: 'Administrator@example.test',
      auth: { requested: 'simple', method: 'simple' },
    });
    await expect(
      resolveDirectoryConfig({ auth: 'simple', adminKeytab: '/a' }, plain.s),
    ).rejects.toMatchObject({ code: 'USAGE' });
    await expect(
      resolveDirectoryConfig({ bindDn: 'CN=Administrator,CN=Users,DC=example,DC=test' }, plain.s),
    ).rejects.toMatchObject({ code: 'AD_CONFIG', hint: expect.stringMatching(/ldaps:\/\//) });
    await expect(resolveDirectoryConfig({ auth: 'sasl' }, plain.s)).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
  it('a password write over Kerberos is allowed; over simple ldap:// it is refused before connecting', async () => {
    const k = await resolveDirectoryConfig(
      {},
      sources({ KEYTAB_LDAP_URL: 'ldap://127.0.0.1' }, FILES).s,
    );
    expect(() => requireEncryptedTransport(k)).not.toThrow();
    const simple = await resolveDirectoryConfig(
      { auth: 'simple' },
      sources({ ...ENV, KEYTAB_LDAP_URL: 'ldap://127.0.0.1' }, FILES).s,
    );
    expect(() => requireEncryptedTransport(simple)).toThrow(
      expect.objectContaining({
        code: 'AD_INSECURE_PASSWORD_WRITE',
        hint: expect.stringMatching(/kinit admin@REALM/),
      }),
    );
  });
});
