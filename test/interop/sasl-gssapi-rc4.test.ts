/**
 * SASL GSSAPI sealed with an RC4 session key against the Samba AD DC (ldap://127.0.0.1:389):
 * the ldap/ service ticket is asked for with rc4-hmac only, so the context's keys are
 * arcfour-hmac and every wrap token is an RFC 4757 token. A search, then a password write
 * (unicodePwd, which Samba takes only over a confidential connection) proven by a TGT with the
 * new password.
 *
 * KTP_SASL_CAPTURE=dir records the search-only sessions (never the password write) for the
 * fixtures of test/fixtures/gss/.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { encodeUnicodePwd } from '../../lib/ad/password.js';
import { getInitialTicket, getServiceTicket } from '../../lib/krb5/client.js';
import type { KrbContext, KrbCredentials } from '../../lib/krb5/client.js';
import { createNodeKdcTransport } from '../../lib/node/krb5-transport.js';
import { openSaslGssapi } from '../../lib/node/sasl-socket.js';
import type { SaslConnection } from '../../lib/node/sasl-socket.js';
import { parsePrincipal } from '../../lib/principal.js';
import { interopEnabled, sambaDc } from './env.js';
import { SaslCapture } from '../helpers/sasl-capture.js';

/** KTP_SASL_CAPTURE=dir records the sessions of the tests that ask for it (fixtures). */
const captureFactory = SaslCapture.fromEnv(process.env);
const captureOption = captureFactory ? { capture: captureFactory } : {};

const ad = sambaDc();
// prettier-ignore
const RC4 = 23;

describe.runIf(interopEnabled() && ad !== undefined)(
  'SASL GSSAPI sealed with RC4 (RFC 4757 tokens, Samba)',
  () => {
    const ctx: KrbContext = {
      // The describe body is collected even when the suite is skipped: no `ad!` at this level.
      transport: createNodeKdcTransport({
        kdcs: ad ? [ad.kdc] : [],
        useDns: false,
        timeoutMs: 3000,
      }),
      now: () => new Date(),
      random: (n) => new Uint8Array(randomBytes(n)),
    };
    const service = () => parsePrincipal(`ldap/dc1.${ad!.realm.toLowerCase()}@${ad!.realm}`);

    async function ticket(enctypes?: number[]): Promise<KrbCredentials> {
      const tgt = await getInitialTicket(ctx, parsePrincipal(`Administrator@${ad!.realm}`), {
        password: readFileSync(ad!.bindPasswordFile, 'utf8'),
      });
      if (!tgt.ok) throw new Error(tgt.failure.message);
      const svc = await getServiceTicket(
        ctx,
        tgt.credentials,
        service(),
        enctypes ? { enctypes } : {},
      );
      if (!svc.ok)
        throw new Error(`the DC issued no ${enctypes ? 'RC4 ' : ''}ticket: ${svc.failure.message}`);
      return svc.credentials;
    }

    function clientOver(conn: SaslConnection): Client {
      let used = false;
      return new Client({
        url: 'ldap://127.0.0.1:389',
        timeout: 5000,
        createConnection: (() => {
          if (used) throw new Error('unexpected reconnect');
          used = true;
          return conn.socket;
        }) as never,
      });
    }

    const open = (t: KrbCredentials, capture: boolean) =>
      openSaslGssapi({
        host: '127.0.0.1',
        port: 389,
        timeoutMs: 5000,
        ticket: t,
        random: ctx.random,
        now: ctx.now,
        ...(capture ? captureOption : {}),
      });

    it('the DC issues an arcfour-hmac session key when only RC4 is asked for, and the bind uses RFC 4757 tokens', async () => {
      const t = await ticket([RC4]);
      expect(t.sessionKey.enctype).toBe(RC4);
      const conn = await open(t, true);
      expect(conn.format).toBe('RFC 4757 (RC4)');
      expect(conn.enctype).toBe(RC4);
      const client = clientOver(conn);
      const root = await client.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
      expect(root.searchEntries[0]?.['defaultNamingContext']).toBe(ad!.baseDn);
      const admin = await client.search(`CN=Users,${ad!.baseDn}`, {
        scope: 'one',
        filter: '(sAMAccountName=Administrator)',
        attributes: ['sAMAccountName'],
      });
      expect(admin.searchEntries[0]?.['sAMAccountName']).toBe('Administrator');
      await client.unbind();
    });

    it('an AES session (for the capture of the RFC 4121 fixture)', async () => {
      const t = await ticket([18]);
      const conn = await open(t, true);
      expect(conn.format).toBe('RFC 4121');
      const client = clientOver(conn);
      const root = await client.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
      expect(root.searchEntries[0]?.['defaultNamingContext']).toBe(ad!.baseDn);
      await client.unbind();
    });

    it('a password write over the RC4-sealed connection: a new user gets a password, and a TGT proves it', async () => {
      const conn = await open(await ticket([RC4]), false);
      expect(conn.enctype).toBe(RC4);
      const client = clientOver(conn);
      const name = `rc4seal-${randomBytes(3).toString('hex')}`;
      const dn = `CN=${name},CN=Users,${ad!.baseDn}`;
      const password = `Rc4-${randomBytes(12).toString('base64url')}!9a`;
      try {
        await client.add(dn, {
          objectClass: ['top', 'person', 'organizationalPerson', 'user'],
          sAMAccountName: name,
          userPrincipalName: `${name}@${ad!.realm.toLowerCase()}`,
        });
        await client.modify(dn, [
          new Change({
            operation: 'replace',
            modification: new Attribute({
              type: 'unicodePwd',
              values: [encodeUnicodePwd(password)],
            }),
          }),
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'userAccountControl', values: ['512'] }),
          }),
        ]);
        const tgt = await getInitialTicket(ctx, parsePrincipal(`${name}@${ad!.realm}`), {
          password,
        });
        expect(tgt.ok, !tgt.ok ? tgt.failure.message : '').toBe(true);
      } finally {
        await client.del(dn).catch(() => undefined);
        await client.unbind();
      }
    });
  },
);
