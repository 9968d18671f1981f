/**
 * The ticket cache of a fresh MIT (and Heimdal) kinit against the private MIT KDC, used as the
 * TGT of our TGS exchange: the service ticket it gets decrypts with the service's key. Runs
 * only under test/servers/run-all.sh (KTP_INTEROP=1, KTP_MIT_KDC_ENV).
 */
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringToKey } from '../../lib/crypto/string-to-key.js';
import {
  decryptTicket,
  getServiceTicket,
  probeAsReq,
  type KrbContext,
} from '../../lib/krb5/client.js';
import { ccacheCredentials, requireTgt } from '../../lib/krb5/ccache.js';
import { readCcache } from '../../lib/node/ccache.js';
import { createNodeKdcTransport } from '../../lib/node/krb5-transport.js';
import { parsePrincipal } from '../../lib/principal.js';
import { interopEnabled, mitKdc, runTool, tempDir } from '../interop/env.js';

const mit = mitKdc();
const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const HEIMDAL = fileURLToPath(new URL('../servers/heimdal-ktutil', import.meta.url));

describe.runIf(interopEnabled() && mit !== undefined)(
  'ticket caches of a real kinit as the TGT of a TGS exchange',
  () => {
    const m = () => mit!;
    let tmp: { path: string; cleanup: () => void };
    const ctx = (): KrbContext => ({
      transport: createNodeKdcTransport({ kdcs: [m().kdc], useDns: false, timeoutMs: 5000 }),
      now: () => new Date(),
      random,
    });
    beforeAll(() => {
      tmp = tempDir('ktp-ccache-interop-');
    });
    afterAll(() => tmp.cleanup());

    async function serviceTicketWith(ccname: string): Promise<void> {
      const loaded = await readCcache({ env: { KRB5CCNAME: ccname } });
      const tgt = ccacheCredentials(requireTgt(loaded.cache, new Date()));
      expect(tgt.client.components).toEqual(['user']);
      const service = parsePrincipal(m().service!.principal);
      const r = await getServiceTicket(ctx(), tgt, service, { enctypes: [18] });
      if (!r.ok) throw new Error(r.failure.message);
      expect(r.credentials.server.components).toEqual(['HTTP', 'web.mit.test']);
      // Proof the KDC accepted the cached TGT: the ticket decrypts with the service's own key.
      const probe = await probeAsReq(ctx(), service, { enctypes: [r.ticketEnctype] });
      if (probe.kind !== 'preauth-required')
        throw new Error(`expected PREAUTH_REQUIRED, got ${probe.kind}`);
      const info = probe.etypeInfo[0]!;
      const key = await stringToKey(info.enctype, m().service!.password, info.salt, {
        iterations: info.iterations,
      });
      const part = decryptTicket(r.credentials.ticket, { enctype: info.enctype, key });
      expect(part.cname.nameString).toEqual(['user']);
    }

    it('MIT kinit, FILE: cache', async () => {
      const cc = `FILE:${join(tmp.path, 'mit')}`;
      const k = runTool('kinit', [m().user!.principal], {
        env: { KRB5_CONFIG: m().krb5Config, KRB5CCNAME: cc },
        input: `${m().user!.password}\n`,
      });
      expect(k.status, k.stderr).toBe(0);
      await serviceTicketWith(cc);
    });

    it('MIT kinit, DIR: collection', async () => {
      const cc = `DIR:${join(tmp.path, 'dir')}`;
      const k = runTool('kinit', [m().user!.principal], {
        env: { KRB5_CONFIG: m().krb5Config, KRB5CCNAME: cc },
        input: `${m().user!.password}\n`,
      });
      expect(k.status, k.stderr).toBe(0);
      await serviceTicketWith(cc);
    });

    it.runIf(existsSync(HEIMDAL))('Heimdal kinit, FILE: cache', async () => {
      const cc = `FILE:${join(tmp.path, 'heimdal')}`;
      const link = join(tmp.path, 'heimdal-kinit');
      symlinkSync(HEIMDAL, link);
      const k = runTool(link, ['--password-file=STDIN', m().user!.principal], {
        env: { KRB5_CONFIG: m().krb5Config, KRB5CCNAME: cc },
        input: `${m().user!.password}\n`,
      });
      expect(k.status, k.stderr).toBe(0);
      await serviceTicketWith(cc);
    });
  },
);
