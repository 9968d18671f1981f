/**
 * keytab gmsa against a fake directory: a blob recorded from the Samba 4.22 test DC (keys
 * checked against samba-tool domain exportkeytab) and blobs built from [MS-ADTS] 2.2.19 for
 * the password changes Samba cannot be made to do on demand (its gMSA passwords follow the
 * clock: every msDS-ManagedPasswordInterval days).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sidToBytes } from '../../lib/ad/gmsa-membership.js';
import type { DirEntry, SearchRequest } from '../../lib/ad/types.js';
import { toHex } from '../../lib/bytes.js';
import { runGmsa } from '../../lib/cli/commands/gmsa.js';
import type { GmsaArgs, GmsaDirectory } from '../../lib/cli/commands/gmsa.js';
import { serializeKeytab } from '../../lib/keytab/encode.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { KtError } from '../../lib/errors.js';
import { enctypeName } from '../../lib/crypto/enctypes.js';
import { parsePrincipal } from '../../lib/principal.js';
import { tempDir, testContext } from '../helpers/cli.js';
import { buildManagedPasswordBlob, DAY, dcLikePassword, MINUTE } from '../helpers/gmsa-blob.js';

const recorded = JSON.parse(
  readFileSync(new URL('../fixtures/gmsa/samba-4.22-gmsaweb.json', import.meta.url), 'utf8'),
) as {
  blobBase64: string;
  kvno: number;
  keys: Record<string, string>;
};
const RECORDED = new Uint8Array(Buffer.from(recorded.blobBase64, 'base64'));
/** The recorded blob's current password as code units (to make it the previous one of a later blob). */
const recordedUnits = Array.from(new Uint16Array(RECORDED.slice(16, 16 + 256).buffer));

const DOMAIN_SID = 'S-1-5-21-1-2-3';
const GMSA_DN = 'CN=gmsaweb,CN=Managed Service Accounts,DC=example,DC=test';

interface FakeState {
  blob: Uint8Array | undefined;
  kvno: number;
  rootKeys: number;
  binderSids: string[];
}

function fakeDirectory(state: FakeState): GmsaDirectory {
  const membership = (): Uint8Array => {
    // O:BA D:(A;;RP;;;<admin>)(A;;RP;;;<readers>) as a self-relative SD ([MS-DTYP] 2.4.6)
    const aces = [`${DOMAIN_SID}-500`, `${DOMAIN_SID}-1105`].map((sid) => {
      const s = sidToBytes(sid);
      const a = new Uint8Array(8 + s.length);
      new DataView(a.buffer).setUint16(2, a.length, true);
      new DataView(a.buffer).setUint32(4, 0x10, true);
      a.set(s, 8);
      return a;
    });
    const aclLength = 8 + aces.reduce((n, a) => n + a.length, 0);
    const sd = new Uint8Array(20 + aclLength);
    const v = new DataView(sd.buffer);
    v.setUint8(0, 1);
    v.setUint16(2, 0x8004, true);
    v.setUint32(16, 20, true);
    v.setUint8(20, 2);
    v.setUint16(22, aclLength, true);
    v.setUint16(24, aces.length, true);
    let at = 28;
    for (const a of aces) {
      sd.set(a, at);
      at += a.length;
    }
    return sd;
  };
  const account = (): DirEntry => ({
    dn: GMSA_DN,
    attributes: {
      samaccountname: ['gmsaweb$'],
      serviceprincipalname: ['HTTP/gmsaweb.example.test', 'HTTP/gmsaweb'],
      'msds-keyversionnumber': [String(state.kvno)],
      useraccountcontrol: ['4096'],
      objectclass: [
        'top',
        'person',
        'organizationalPerson',
        'user',
        'computer',
        'msDS-GroupManagedServiceAccount',
      ],
    },
    binary: {
      ...(state.blob ? { 'msds-managedpassword': [state.blob.slice()] } : {}),
      'msds-groupmsamembership': [membership()],
    },
  });
  const users: Record<string, { dn: string; sid: string; kind: string }> = {
    administrator: {
      dn: 'CN=Administrator,CN=Users,DC=example,DC=test',
      sid: `${DOMAIN_SID}-500`,
      kind: 'user',
    },
    'gmsa-readers': {
      dn: 'CN=gmsa-readers,CN=Users,DC=example,DC=test',
      sid: `${DOMAIN_SID}-1105`,
      kind: 'group',
    },
    outsider: {
      dn: 'CN=outsider,CN=Users,DC=example,DC=test',
      sid: `${DOMAIN_SID}-1107`,
      kind: 'user',
    },
  };
  const search = async (r: SearchRequest): Promise<DirEntry[]> => {
    const f = r.filter ?? '';
    if (f.includes('msKds-ProvRootKey'))
      return Array.from({ length: state.rootKeys }, (_, i) => ({
        dn: `CN=k${i},${r.base}`,
        attributes: {},
      }));
    const sid = /objectSid=(S-[\d-]+)/.exec(f)?.[1];
    if (sid) {
      const [name, u] = Object.entries(users).find(([, u]) => u.sid === sid) ?? [];
      return name && u
        ? [
            {
              dn: u.dn,
              attributes: {
                samaccountname: [name === 'administrator' ? 'Administrator' : name],
                objectclass: ['top', u.kind],
              },
            },
          ]
        : [];
    }
    const sam = /sAMAccountName=([^)]+)/.exec(f)?.[1]?.toLowerCase();
    if (sam?.startsWith('gmsaweb')) return [account()];
    if (sam && users[sam])
      return [{ dn: users[sam].dn, attributes: { samaccountname: [sam], objectclass: ['user'] } }];
    if (r.scope === 'base' && r.base === GMSA_DN) return [account()];
    if (r.scope === 'base' && r.attributes.includes('tokenGroups'))
      return [
        {
          dn: r.base,
          attributes: {},
          binary: { tokengroups: state.binderSids.map((s) => sidToBytes(s)) },
        },
      ];
    return [];
  };
  return {
    url: 'ldaps://127.0.0.1:1',
    baseDn: 'DC=example,DC=test',
    configurationDn: 'CN=Configuration,DC=example,DC=test',
    serverName: 'dc1.example.test',
    encrypted: true,
    search,
    apply: async () => undefined,
    close: async () => undefined,
    auth: { client: 'outsider@example.test' },
  };
}

function args(output: string, over: Partial<GmsaArgs> = {}): GmsaArgs {
  return {
    account: 'gmsaweb',
    output,
    spn: undefined,
    enctype: undefined,
    previous: false,
    refresh: false,
    kdc: undefined,
    'kdc-check': false,
    'allow-weak': false,
    'dry-run': false,
    json: false,
    'ldap-url': undefined,
    'bind-dn': undefined,
    'bind-password-file': undefined,
    'bind-password': undefined,
    'base-dn': undefined,
    'ca-file': undefined,
    starttls: false,
    'insecure-tls': false,
    timeout: undefined,
    ...over,
  };
}

const ENV = {
  KEYTAB_LDAP_URL: 'ldaps://127.0.0.1:1',
  KEYTAB_BIND_DN: 'outsider@example.test',
  KEYTAB_BIND_PASSWORD: 'not used',
};
const NOW = 1_796_558_400; // 2026-12-06T12:00:00Z

async function run(state: FakeState, a: GmsaArgs): Promise<{ stdout: string; stderr: string }> {
  const { ctx, result } = testContext({ env: ENV, now: NOW });
  await runGmsa(ctx, a, async () => fakeDirectory(state));
  return result(0);
}

const entriesOf = (path: string): string[] =>
  parseKeytab(readFileSync(path)).entries.map(
    (e) =>
      `${e.principal.components.join('/')} ${e.kvno} ${enctypeName(e.enctype)} ${toHex(e.key)}`,
  );

describe('keytab gmsa with a recorded Samba blob and blobs built from the spec', () => {
  it('the recorded blob gives exactly the keys samba-tool exportkeytab gave', async () => {
    const tmp = tempDir('ktp-gmsa-');
    try {
      const kt = tmp.path('g.keytab');
      const r = await run({ blob: RECORDED, kvno: 1, rootKeys: 1, binderSids: [] }, args(kt));
      expect(r.stdout).toContain(
        'gmsaweb$ (CN=gmsaweb,CN=Managed Service Accounts,DC=example,DC=test): msDS-KeyVersionNumber 1',
      );
      expect(r.stdout).toContain('AD changes the password next at 2027-01-05T');
      const lines = entriesOf(kt);
      for (const [name, key] of Object.entries(recorded.keys)) {
        for (const p of ['gmsaweb$', 'HTTP/gmsaweb.example.test', 'HTTP/gmsaweb'])
          expect(lines).toContain(`${p} 1 ${name} ${key}`);
      }
      expect(lines).toHaveLength(9);
      expect(r.stdout + r.stderr).not.toMatch(new RegExp(Object.values(recorded.keys).join('|')));
    } finally {
      tmp.cleanup();
    }
  });

  it('--refresh: unchanged keeps the file; after AD changed the password both kvnos, then the oldest goes', async () => {
    const tmp = tempDir('ktp-gmsa-');
    try {
      const kt = tmp.path('g.keytab');
      // another principal's entry in the same keytab must survive every refresh
      const host = {
        principal: parsePrincipal('host/box.example.test@EXAMPLE.TEST'),
        kvno: 7,
        enctype: 18,
        timestamp: 1,
        key: new Uint8Array(32).fill(7),
      };
      writeFileSync(kt, serializeKeytab({ entries: [host] }));
      const state: FakeState = { blob: RECORDED, kvno: 1, rootKeys: 1, binderSids: [] };
      await run(state, args(kt, { refresh: true }));
      const first = readFileSync(kt);
      const mtime = statSync(kt).mtimeMs;
      const again = await run(state, args(kt, { refresh: true }));
      expect(again.stdout).toContain('up to date (kvno 1); nothing written');
      expect(again.stdout).toContain('run --refresh again after that');
      expect(readFileSync(kt).equals(first)).toBe(true);
      expect(statSync(kt).mtimeMs).toBe(mtime);

      // 30 days later: a new password; the recorded one is now the previous (kvno 2 and 1)
      const second = dcLikePassword(11);
      state.blob = buildManagedPasswordBlob({
        current: second,
        previous: recordedUnits,
        queryInterval: 30n * DAY,
        unchangedInterval: 30n * DAY - 5n * MINUTE,
      });
      state.kvno = 2;
      const changed = await run(state, args(kt, { refresh: true }));
      expect(changed.stdout).toContain(
        'added: gmsaweb$@EXAMPLE.TEST kvno 2 aes256-cts-hmac-sha1-96',
      );
      let lines = entriesOf(kt);
      expect(lines.filter((l) => / 2 /.test(l))).toHaveLength(9);
      expect(lines).toContain(
        `gmsaweb$ 1 aes256-cts-hmac-sha1-96 ${recorded.keys['aes256-cts-hmac-sha1-96']}`,
      );
      expect(lines).toContain(`host/box.example.test 7 aes256-cts-hmac-sha1-96 ${'07'.repeat(32)}`);

      // and 30 days after that: kvno 3 and 2 stay, kvno 1 goes
      state.blob = buildManagedPasswordBlob({
        current: dcLikePassword(12),
        previous: second,
        queryInterval: 30n * DAY,
        unchangedInterval: 30n * DAY - 5n * MINUTE,
      });
      state.kvno = 3;
      const third = await run(state, args(kt, { refresh: true }));
      expect(third.stdout).toContain(
        'removed: gmsaweb$@EXAMPLE.TEST kvno 1 aes256-cts-hmac-sha1-96',
      );
      lines = entriesOf(kt);
      expect([
        ...new Set(lines.filter((l) => !l.startsWith('host/')).map((l) => l.split(' ')[1])),
      ]).toEqual(['3', '2']);
      expect(lines.filter((l) => l.startsWith('host/'))).toHaveLength(1);
    } finally {
      tmp.cleanup();
    }
  });

  it('minutes before a change AD hands out the coming password: it gets kvno+1, the current one stays', async () => {
    const tmp = tempDir('ktp-gmsa-');
    try {
      const kt = tmp.path('g.keytab');
      const blob = buildManagedPasswordBlob({
        current: dcLikePassword(21),
        previous: recordedUnits,
        queryInterval: 2n * MINUTE,
        unchangedInterval: 2n * MINUTE + 30n * DAY - 5n * MINUTE,
      });
      const r = await run({ blob, kvno: 1, rootKeys: 1, binderSids: [] }, args(kt, { json: true }));
      const report = JSON.parse(r.stdout) as {
        kvno: number;
        upcoming: boolean;
        keytab: { kvnos: number[] };
      };
      expect(report.upcoming).toBe(true);
      expect(report.kvno).toBe(2);
      expect(report.keytab.kvnos).toEqual([2, 1]);
      expect(r.stderr).toContain(
        'already hands out the new one: it is written at kvno 2, the one in use at kvno 1',
      );
      expect(entriesOf(kt)).toContain(`gmsaweb$ 1 arcfour-hmac ${recorded.keys['arcfour-hmac']}`);
    } finally {
      tmp.cleanup();
    }
  });

  it('--dry-run --json writes nothing and shows no key', async () => {
    const tmp = tempDir('ktp-gmsa-');
    try {
      const kt = tmp.path('g.keytab');
      const r = await run(
        { blob: RECORDED, kvno: 1, rootKeys: 1, binderSids: [] },
        args(kt, { 'dry-run': true, json: true, spn: ['HTTP/gmsaweb'] }),
      );
      const report = JSON.parse(r.stdout) as {
        principals: string[];
        keytab: { written: boolean; added: unknown[] };
      };
      expect(report.principals).toEqual(['gmsaweb$@EXAMPLE.TEST', 'HTTP/gmsaweb@EXAMPLE.TEST']);
      expect(report.keytab.written).toBe(false);
      expect(report.keytab.added).toHaveLength(6);
      expect(() => statSync(kt)).toThrow();
      expect(r.stdout).not.toMatch(new RegExp(Object.values(recorded.keys).join('|')));
    } finally {
      tmp.cleanup();
    }
  });

  it("refusals in words: not allowed (naming who may), no KDS root key, an SPN that is not the account's", async () => {
    const tmp = tempDir('ktp-gmsa-');
    const fail = async (state: FakeState, a: GmsaArgs): Promise<KtError> => {
      try {
        await run(state, a);
      } catch (e) {
        return e as KtError;
      }
      throw new Error('expected a failure');
    };
    try {
      const kt = tmp.path('g.keytab');
      const denied = await fail(
        { blob: undefined, kvno: 1, rootKeys: 1, binderSids: [`${DOMAIN_SID}-513`] },
        args(kt),
      );
      expect(denied.code).toBe('GMSA_NOT_ALLOWED');
      expect(denied.message).toBe(
        `outsider@example.test may not read the password of gmsaweb$: msDS-GroupMSAMembership allows Administrator (user, ${DOMAIN_SID}-500), gmsa-readers (group, ${DOMAIN_SID}-1105)`,
      );
      const noKey = await fail(
        { blob: undefined, kvno: 1, rootKeys: 0, binderSids: [`${DOMAIN_SID}-1105`] },
        args(kt),
      );
      expect(noKey.code).toBe('GMSA_NO_ROOT_KEY');
      expect(noKey.hint).toMatch(/Add-KdsRootKey|kds root-key create/);
      const spn = await fail(
        { blob: RECORDED, kvno: 1, rootKeys: 1, binderSids: [] },
        args(kt, { spn: ['HTTP/other.example.test'] }),
      );
      expect(spn.code).toBe('AD_NOT_ACCOUNT_PRINCIPAL');
      expect(spn.message).toContain('its SPNs are: HTTP/gmsaweb.example.test, HTTP/gmsaweb');
      expect(() => statSync(kt)).toThrow();
    } finally {
      tmp.cleanup();
    }
  });
});
