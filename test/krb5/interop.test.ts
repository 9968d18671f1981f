/**
 * The Kerberos client against real KDCs: the private MIT KDC (MIT.TEST on 127.0.0.1:18888)
 * and the Samba AD DC (EXAMPLE.TEST on 127.0.0.1:88) started by test/servers. Runs only with
 * KTP_INTEROP=1 and the servers' env (npm run test:all, or by hand, see test/servers/README.md).
 * Loopback IP addresses only: no name is ever resolved.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { enctypeName } from '../../lib/crypto/enctypes.js';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import {
  clockSkewSeconds,
  decryptTicket,
  getInitialTicket,
  getServiceTicket,
  probeAsReq,
  type KrbContext,
  type KrbKey,
  type ProbeResult,
} from '../../lib/krb5/client.js';
import { PA_TYPE, TICKET_FLAGS } from '../../lib/krb5/constants.js';
import { realmConfig } from '../../lib/krb5/config.js';
import { createNodeKdcTransport, loadNodeKrb5Config } from '../../lib/node/krb5-transport.js';
import { parsePrincipal } from '../../lib/principal.js';
import { interopEnabled, mitKdc, runTool, sambaDc } from '../interop/env.js';

const mit = mitKdc();
const ad = sambaDc();
const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

function context(kdc: string, tcpOnly = false): KrbContext {
  return {
    transport: createNodeKdcTransport({ kdcs: [kdc], useDns: false, timeoutMs: 5000, tcpOnly }),
    now: () => new Date(),
    random,
  };
}

function preauth(p: ProbeResult): Extract<ProbeResult, { kind: 'preauth-required' }> {
  if (p.kind !== 'preauth-required')
    throw new Error(
      `expected PREAUTH_REQUIRED, got ${p.kind}${p.kind === 'error' ? `: ${p.failure.message}` : ''}`,
    );
  return p;
}

/** The key the KDC holds for a password: derived with the salt and iterations it announces. */
async function kdcKey(
  ctx: KrbContext,
  principal: string,
  enctype: number,
  password: string,
): Promise<KrbKey> {
  const p = preauth(await probeAsReq(ctx, parsePrincipal(principal), { enctypes: [enctype] }));
  const info = p.etypeInfo.find((e) => e.enctype === enctype);
  if (!info) throw new Error(`no ETYPE-INFO2 entry for ${enctypeName(enctype)}`);
  return {
    enctype,
    key: await stringToKey(enctype, password, info.salt, { iterations: info.iterations }),
  };
}

describe.runIf(interopEnabled() && mit !== undefined)('Kerberos client against the MIT KDC', () => {
  const m = () => mit!;
  const ctx = () => context(m().kdc);

  it('probe: PREAUTH_REQUIRED with PA-ETYPE-INFO2 carrying the salt MIT.TESTuser', async () => {
    const p = preauth(await probeAsReq(ctx(), parsePrincipal(m().user!.principal)));
    expect(p.error.errorCode).toBe(25);
    // MIT announces one entry: the first offered enctype the principal has a key for.
    expect(p.etypeInfo).toHaveLength(1);
    expect(p.etypeInfo[0]).toMatchObject({
      enctype: 18,
      saltText: 'MIT.TESTuser',
      saltSource: 'etype-info2',
      iterations: 4096,
    });
    expect(p.padata.map((x) => x.type)).toContain(PA_TYPE.PA_ENC_TIMESTAMP);
    expect(Math.abs(clockSkewSeconds(p)!)).toBeLessThan(5);
    expect(p.kdc).toMatchObject({ address: '127.0.0.1', port: 18888 });
  });

  it('probe per enctype: iteration counts 4096 (RFC 3962) and 32768 (RFC 8009, RFC 6803)', async () => {
    const expected: Record<number, number> = {
      17: 4096,
      18: 4096,
      19: 32768,
      20: 32768,
      25: 32768,
      26: 32768,
    };
    for (const [enctype, iterations] of Object.entries(expected)) {
      const p = preauth(
        await probeAsReq(ctx(), parsePrincipal(m().user!.principal), {
          enctypes: [Number(enctype)],
        }),
      );
      expect(p.etypeInfo).toMatchObject([
        { enctype: Number(enctype), saltText: 'MIT.TESTuser', iterations },
      ]);
    }
  });

  it.each([18, 17, 20, 19, 26, 25])(
    'AS exchange with a key derived from the password: %s',
    async (enctype) => {
      const c = ctx();
      const key = await kdcKey(c, m().user!.principal, enctype, m().user!.password);
      const r = await getInitialTicket(c, parsePrincipal(m().user!.principal), { keys: [key] });
      if (!r.ok) throw new Error(r.failure.message);
      expect(r.replyKey.enctype).toBe(enctype);
      expect(r.credentials.server).toMatchObject({
        components: ['krbtgt', 'MIT.TEST'],
        realm: 'MIT.TEST',
      });
      expect(r.credentials.flags & TICKET_FLAGS.PRE_AUTHENT).not.toBe(0);
      expect(r.credentials.flags & TICKET_FLAGS.INITIAL).not.toBe(0);
      expect(r.credentials.endTime.getTime()).toBeGreaterThan(Date.now());
    },
  );

  it('des3 and rc4 keys work when a modern enctype is offered too (MIT refuses them alone)', async () => {
    const c = ctx();
    const user = parsePrincipal(m().user!.principal);
    for (const enctype of [16, 23]) {
      const alone = await probeAsReq(c, user, { enctypes: [enctype] });
      expect(alone.kind === 'error' && alone.failure.errorCode).toBe(14);
      const key = { enctype, key: await stringToKey(enctype, m().user!.password, 'MIT.TESTuser') };
      const r = await getInitialTicket(c, user, { keys: [key] }, { enctypes: [enctype, 18] });
      if (!r.ok) throw new Error(`${enctypeName(enctype)}: ${r.failure.message}`);
      expect(r.replyKey.enctype).toBe(enctype);
    }
  });

  it('a password works the same way (keys derived from the announced salt)', async () => {
    const r = await getInitialTicket(ctx(), parsePrincipal(m().user!.principal), {
      password: m().user!.password,
    });
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.replyKey.enctype).toBe(18);
    // Measured: MIT 1.20 encrypts the AS-REP part as EncTGSRepPart ([APPLICATION 26]), the
    // compatibility case of RFC 4120 section 5.4.2; Samba sends 25.
    expect(r.credentials.encPart.applicationTag).toBe(26);
    expect(r.protocol).toBe('udp');
  });

  it('a wrong key gives PREAUTH_FAILED, with the salt the KDC announced', async () => {
    const key = { enctype: 18, key: await stringToKey(18, 'not-the-password', 'MIT.TESTuser') };
    const r = await getInitialTicket(ctx(), parsePrincipal(m().user!.principal), { keys: [key] });
    if (r.ok) throw new Error('a wrong key was accepted');
    expect(r.failure).toMatchObject({
      kind: 'kdc-error',
      errorCode: 24,
      errorName: 'KDC_ERR_PREAUTH_FAILED',
    });
    expect(r.failure.etypeInfo[0]?.saltText).toBe('MIT.TESTuser');
    expect(r.failure.kdcTime).toBeInstanceOf(Date);
  });

  it('a right password with a wrong salt is refused the same way', async () => {
    const key = { enctype: 18, key: await stringToKey(18, m().user!.password, 'MIT.TESTUser') };
    const r = await getInitialTicket(ctx(), parsePrincipal(m().user!.principal), { keys: [key] });
    expect(r.ok ? 0 : r.failure.errorCode).toBe(24);
  });

  it('TGS for HTTP/web.mit.test; the ticket decrypts with the service key derived from its password', async () => {
    const c = ctx();
    const tgt = await getInitialTicket(c, parsePrincipal(m().user!.principal), {
      password: m().user!.password,
    });
    if (!tgt.ok) throw new Error(tgt.failure.message);
    const service = parsePrincipal(m().service!.principal);
    const st = await getServiceTicket(c, tgt.credentials, service);
    if (!st.ok) throw new Error(st.failure.message);
    expect(st.credentials.server).toMatchObject({
      components: ['HTTP', 'web.mit.test'],
      realm: 'MIT.TEST',
    });
    expect(st.ticketEnctype).toBe(18);
    const serviceKey = await kdcKey(
      c,
      m().service!.principal,
      st.ticketEnctype,
      m().service!.password,
    );
    expect(preauth(await probeAsReq(c, service, { enctypes: [18] })).etypeInfo[0]?.saltText).toBe(
      'MIT.TESTHTTPweb.mit.test',
    );
    const part = decryptTicket(st.credentials.ticket, serviceKey);
    expect(part.cname).toEqual({ nameType: 1, nameString: ['user'] });
    expect(part.crealm).toBe('MIT.TEST');
    expect(toHex(part.key.keyvalue)).toBe(toHex(st.credentials.sessionKey.key));
    // The kvno in the ticket is the one kadmin reports for the service.
    if (m().kdcProfile !== undefined) {
      const out = runTool(
        'kadmin.local',
        ['-r', 'MIT.TEST', '-q', `getprinc ${m().service!.principal}`],
        {
          env: { KRB5_CONFIG: m().krb5Config, KRB5_KDC_PROFILE: m().kdcProfile },
        },
      );
      const kvno = /Key: vno (\d+), aes256-cts-hmac-sha1-96/.exec(out.stdout)?.[1];
      expect(kvno).toBeDefined();
      expect(st.ticketKvno).toBe(Number(kvno));
    }
    // A wrong service key does not open it.
    expect(() =>
      decryptTicket(st.credentials.ticket, { enctype: 18, key: new Uint8Array(32) }),
    ).toThrow(expect.objectContaining({ code: 'CRYPTO_INTEGRITY' }));
  });

  it('an unknown principal gives C_PRINCIPAL_UNKNOWN, an unknown service S_PRINCIPAL_UNKNOWN', async () => {
    const c = ctx();
    const p = await probeAsReq(c, parsePrincipal('nobody@MIT.TEST'));
    expect(p.kind === 'error' && p.failure.errorName).toBe('KDC_ERR_C_PRINCIPAL_UNKNOWN');
    const r = await getInitialTicket(c, parsePrincipal('nobody@MIT.TEST'), {
      keys: [{ enctype: 18, key: new Uint8Array(32) }],
    });
    expect(r.ok ? 0 : r.failure.errorCode).toBe(6);
    const tgt = await getInitialTicket(c, parsePrincipal(m().user!.principal), {
      password: m().user!.password,
    });
    if (!tgt.ok) throw new Error(tgt.failure.message);
    const st = await getServiceTicket(
      c,
      tgt.credentials,
      parsePrincipal('HTTP/missing.mit.test@MIT.TEST'),
    );
    expect(st.ok ? 0 : st.failure.errorCode).toBe(7);
  });

  it('finds the KDC through the krb5.conf the server script wrote (KRB5_CONFIG), no DNS', async () => {
    const config = loadNodeKrb5Config({ KRB5_CONFIG: m().krb5Config });
    expect(config.libdefaults).toMatchObject({
      defaultRealm: 'MIT.TEST',
      dnsLookupKdc: false,
      udpPreferenceLimit: 1465,
    });
    expect(realmConfig(config, 'MIT.TEST')?.kdc).toEqual([m().kdc]);
    const c: KrbContext = {
      transport: createNodeKdcTransport({ config, useDns: false }),
      now: () => new Date(),
      random,
    };
    const p = await probeAsReq(c, parsePrincipal(m().user!.principal));
    expect(p.kind).toBe('preauth-required');
    expect(p.kdc.source).toBe('krb5.conf');
  });

  it('works over TCP only', async () => {
    const c = context(m().kdc, true);
    const r = await getInitialTicket(c, parsePrincipal(m().user!.principal), {
      password: m().user!.password,
    });
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.protocol).toBe('tcp');
  });
});

describe.runIf(interopEnabled() && ad !== undefined)(
  'Kerberos client against the Samba AD DC',
  () => {
    const a = () => ad!;
    const ctx = () => context(a().kdc);
    const admin = () => parsePrincipal(`Administrator@${a().realm}`);
    const password = () => readFileSync(a().bindPasswordFile, 'utf8');

    it('probe: PREAUTH_REQUIRED with PA-ETYPE-INFO2 (salt REALM + sAMAccountName, explicit s2kparams)', async () => {
      const p = preauth(await probeAsReq(ctx(), admin()));
      // Samba (Heimdal KDC) picks by its own preference, and always sends s2kparams.
      expect(p.etypeInfo[0]).toMatchObject({
        enctype: 18,
        saltText: 'EXAMPLE.TESTAdministrator',
        saltSource: 'etype-info2',
        iterations: 4096,
      });
      expect(toHex(p.etypeInfo[0]!.s2kparams!)).toBe('00001000');
      expect(Math.abs(clockSkewSeconds(p)!)).toBeLessThan(5);
      // The salt is the account's, whatever case the client typed.
      const lower = preauth(await probeAsReq(ctx(), parsePrincipal(`administrator@${a().realm}`)));
      expect(lower.etypeInfo[0]?.saltText).toBe('EXAMPLE.TESTAdministrator');
    });

    it('AS exchange with the admin aes256 key works; the TGS gives a ticket for the DC LDAP service', async () => {
      const c = ctx();
      const key = await kdcKey(c, admin().components[0] + '@' + a().realm, 18, password());
      const r = await getInitialTicket(c, admin(), { keys: [key] });
      if (!r.ok) throw new Error(r.failure.message);
      expect(r.replyKey.enctype).toBe(18);
      expect(r.credentials.server.components).toEqual(['krbtgt', 'EXAMPLE.TEST']);
      expect(r.credentials.encPart.applicationTag).toBe(25);
      // Measured: the AS-REP with its PAC does not fit Samba's UDP limit: KRB_ERR_RESPONSE_TOO_BIG,
      // then the same request over TCP.
      expect(r.protocol).toBe('tcp');
      expect(r.attempts?.map((x) => `${x.protocol}:${x.outcome}`)).toEqual([
        'udp:response-too-big',
        'tcp:reply',
      ]);
      expect(r.kdc).toMatchObject({ address: '127.0.0.1', port: 88 });
      expect(Math.abs(clockSkewSeconds(r)!)).toBeLessThan(5);
      const st = await getServiceTicket(
        c,
        r.credentials,
        parsePrincipal(`ldap/dc1.example.test@${a().realm}`),
      );
      if (!st.ok) throw new Error(st.failure.message);
      expect(st.ticketEnctype).toBe(18);
      expect(st.ticketKvno).toBeGreaterThanOrEqual(1);
      const missing = await getServiceTicket(
        c,
        r.credentials,
        parsePrincipal(`HTTP/missing.example.test@${a().realm}`),
      );
      expect(missing.ok ? 0 : missing.failure.errorName).toBe('KDC_ERR_S_PRINCIPAL_UNKNOWN');
    });

    it('RC4 (the NT hash) and aes128 keys are accepted too', async () => {
      const c = ctx();
      const rc4 = { enctype: 23, key: await stringToKey(23, password(), '') };
      const r = await getInitialTicket(c, admin(), { keys: [rc4] });
      if (!r.ok) throw new Error(r.failure.message);
      const aes128 = await kdcKey(c, `Administrator@${a().realm}`, 17, password());
      const r2 = await getInitialTicket(c, admin(), { keys: [aes128] });
      if (!r2.ok) throw new Error(r2.failure.message);
    });

    it('a wrong password gives PREAUTH_FAILED, an unknown user C_PRINCIPAL_UNKNOWN', async () => {
      const c = ctx();
      const wrong = {
        enctype: 18,
        key: await stringToKey(18, 'Wrong-Passw0rd', 'EXAMPLE.TESTAdministrator'),
      };
      const r = await getInitialTicket(c, admin(), { keys: [wrong] });
      expect(r.ok ? 0 : r.failure.errorName).toBe('KDC_ERR_PREAUTH_FAILED');
      const p = await probeAsReq(c, parsePrincipal(`nobody@${a().realm}`));
      expect(p.kind === 'error' && p.failure.errorName).toBe('KDC_ERR_C_PRINCIPAL_UNKNOWN');
    });

    it('finds the KDC through the krb5.conf the server script wrote', async () => {
      const config = loadNodeKrb5Config({ KRB5_CONFIG: a().krb5Config });
      expect(realmConfig(config, a().realm)?.kdc).toEqual([a().kdc]);
      const c: KrbContext = {
        transport: createNodeKdcTransport({ config, useDns: false }),
        now: () => new Date(),
        random,
      };
      expect((await probeAsReq(c, admin())).kind).toBe('preauth-required');
    });

    it('works over TCP only', async () => {
      const r = await getInitialTicket(context(a().kdc, true), admin(), { password: password() });
      if (!r.ok) throw new Error(r.failure.message);
      expect(r.protocol).toBe('tcp');
    });
  },
);
