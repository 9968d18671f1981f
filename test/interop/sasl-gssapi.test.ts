/**
 * SASL GSSAPI with sealing against the Samba AD DC on ldap://127.0.0.1:389 (Samba's default
 * "ldap server require strong auth = yes": simple binds there are refused).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { getInitialTicket, getServiceTicket } from '../../lib/krb5/client.js';
import type { KrbContext } from '../../lib/krb5/client.js';

import { createNodeKdcTransport } from '../../lib/node/krb5-transport.js';
import { openSaslGssapi } from '../../lib/node/sasl-socket.js';
import { parsePrincipal } from '../../lib/principal.js';
import { interopEnabled, sambaDc } from './env.js';

const ad = sambaDc();

describe.runIf(interopEnabled() && ad !== undefined)('SASL GSSAPI, sealed (Samba)', () => {
  const krb = (): KrbContext => ({
    transport: createNodeKdcTransport({ kdcs: [ad!.kdc], useDns: false, timeoutMs: 3000 }),
    now: () => new Date(),
    random: (n) => new Uint8Array(randomBytes(n)),
  });
  it('binds with the admin TGT, then searches over the sealed connection', async () => {
    const ctx = krb();
    const admin = parsePrincipal(`Administrator@${ad!.realm}`);
    const tgt = await getInitialTicket(ctx, admin, { password: readFileSync(ad!.bindPasswordFile, 'utf8') });
    expect(tgt.ok).toBe(true);
    if (!tgt.ok) return;
    const svc = await getServiceTicket(ctx, tgt.credentials, parsePrincipal(`ldap/dc1.${ad!.realm.toLowerCase()}@${ad!.realm}`));
    expect(svc.ok, JSON.stringify(!svc.ok && svc.failure.message)).toBe(true);
    if (!svc.ok) return;
    const conn = await openSaslGssapi({ host: '127.0.0.1', port: 389, timeoutMs: 5000, ticket: svc.credentials, random: ctx.random, now: ctx.now });
    let used = false;
    const client = new Client({
      url: 'ldap://127.0.0.1:389',
      timeout: 5000,
      createConnection: (() => {
        if (used) throw new Error('reconnect');
        used = true;
        return conn.socket;
      }) as never,
    });
    const root = await client.search('', { scope: 'base', attributes: ['defaultNamingContext', 'dnsHostName'] });
    expect(root.searchEntries[0]?.['defaultNamingContext']).toBe(ad!.baseDn);
    // Anonymous binds see nothing of this; the sealed, authenticated connection does.
    const admin2 = await client.search(`CN=Users,${ad!.baseDn}`, { scope: 'one', filter: '(sAMAccountName=Administrator)', attributes: ['sAMAccountName'] });
    expect(admin2.searchEntries[0]?.['sAMAccountName']).toBe('Administrator');
    await client.unbind();
  });
});
