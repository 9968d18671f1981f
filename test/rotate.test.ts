import { describe, expect, it } from 'vitest';
import { prunedEntries, rotatedEntries, rotationTargets, stagedEntries } from '../lib/rotate.js';
import type { KeytabEntry } from '../lib/index.js';
import { formatPrincipal, parsePrincipal } from '../lib/principal.js';
import { accountTargets } from '../lib/cli/rotate-targets.js';
import { adUpnSalt } from '../lib/salt/rules.js';
import { toHex, utf8 } from '../lib/bytes.js';
import { KtError } from '../lib/errors.js';

const e = (p: string, kvno: number, enctype: number, byte = kvno): KeytabEntry => ({
  principal: parsePrincipal(p),
  timestamp: 0,
  kvno,
  enctype,
  key: new Uint8Array(enctype === 18 ? 32 : 16).fill(byte),
});

describe('rotation steps', () => {
  const old = [
    e('HTTP/web@R', 1, 18),
    e('HTTP/web@R', 2, 18),
    e('HTTP/web@R', 2, 23),
    e('HTTP/alias@R', 2, 18),
    e('other@R', 2, 18),
  ];
  it('targets: each principal with the enctypes it has, or only those asked for', () => {
    expect(
      rotationTargets(old).map((t) => [
        t.principal.components.join('/'),
        t.enctypes.map((x) => x.id),
      ]),
    ).toEqual([
      ['HTTP/web', [18, 23]],
      ['HTTP/alias', [18]],
      ['other', [18]],
    ]);
    expect(rotationTargets(old, [parsePrincipal('HTTP/alias@R')])).toHaveLength(1);
    expect(() => rotationTargets(old, [parsePrincipal('nope@R')])).toThrow(KtError);
    expect(() => rotationTargets([])).toThrow(/empty/);
  });
  it('new keys use the account salt and the new kvno', async () => {
    const targets = rotationTargets(old, [parsePrincipal('HTTP/web@R')]);
    const fresh = await rotatedEntries(
      targets,
      utf8('Svc-Pass-3!'),
      adUpnSalt('EXAMPLE.TEST', 'HTTP/web.example.test@EXAMPLE.TEST'),
      3,
      7,
    );
    expect(fresh.map((x) => [x.kvno, x.enctype])).toEqual([
      [3, 18],
      [3, 23],
    ]);
    expect(toHex(fresh[0]!.key)).toBe(
      '4b424fce38f4593151f616c5e0fd3ab6919a183ad67ac514954f07e9fc535024',
    );
  });
  it('staging keeps the old keys, pruning keeps the new kvno and `keep` previous ones', async () => {
    const targets = rotationTargets(old, [parsePrincipal('HTTP/web@R')]);
    const fresh = [e('HTTP/web@R', 3, 18, 9), e('HTTP/web@R', 3, 23, 9)];
    const staged = stagedEntries(old, fresh);
    expect(staged).toHaveLength(7);
    const { kept, removed } = prunedEntries(staged, targets, 1);
    expect(removed.map((x) => `${x.principal.components.join('/')}:${x.kvno}`)).toEqual([
      'HTTP/web:1',
    ]);
    expect(kept.filter((x) => x.principal.components[1] === 'web').map((x) => x.kvno)).toEqual([
      2, 2, 3, 3,
    ]);
    expect(
      prunedEntries(staged, targets, 0)
        .kept.filter((x) => x.principal.components[1] === 'web')
        .map((x) => x.kvno),
    ).toEqual([3, 3]);
  });
});

describe("rotate renews only the account's principals (lib/cli/rotate-targets.ts)", () => {
  const account = {
    dn: 'CN=tomcat,CN=Users,DC=example,DC=test',
    sAMAccountName: 'tomcat',
    userPrincipalName: 'HTTP/web.example.test@EXAMPLE.TEST',
    servicePrincipalName: ['HTTP/web.example.test'],
    msDSKeyVersionNumber: 2,
    msDSSupportedEncryptionTypes: 0x18,
    userAccountControl: 0x200,
    pwdLastSet: undefined,
    objectClass: 'user' as const,
    realm: 'EXAMPLE.TEST',
  };
  const shared = [
    e('host/box.example.test@EXAMPLE.TEST', 5, 18),
    e('HTTP/web.example.test@EXAMPLE.TEST', 2, 18),
    e('HTTP/web.example.test@EXAMPLE.TEST', 2, 17),
    e('jboss@EXAMPLE.TEST', 3, 18),
  ];
  const targets = (entries: KeytabEntry[], only: string[] = [], over = {}) =>
    accountTargets(
      entries,
      only.map((p) => parsePrincipal(p)),
      { ...account, ...over },
      new Map(),
      'FILE:/etc/krb5.keytab',
    );

  it("a shared keytab: only the account's principal is a target, the others are named and left alone", () => {
    const r = targets(shared);
    expect(
      r.targets.map((t) => [formatPrincipal(t.principal), t.enctypes.map((x) => x.name)]),
    ).toEqual([
      [
        'HTTP/web.example.test@EXAMPLE.TEST',
        ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'],
      ],
    ]);
    expect(r.others).toEqual(['host/box.example.test@EXAMPLE.TEST', 'jboss@EXAMPLE.TEST']);
  });
  it("a keytab with none of the account's principals is refused, naming both sides", () => {
    expect(() => targets([shared[0]!, shared[3]!])).toThrow(
      expect.objectContaining({
        code: 'AD_NOT_ACCOUNT_PRINCIPAL',
        message:
          'FILE:/etc/krb5.keytab holds no principal of tomcat: it has host/box.example.test@EXAMPLE.TEST, jboss@EXAMPLE.TEST; tomcat has SPNs HTTP/web.example.test; UPN HTTP/web.example.test@EXAMPLE.TEST; tomcat@EXAMPLE.TEST. Nothing was changed',
      }),
    );
  });
  it("-p naming a principal that is not the account's is refused", () => {
    expect(() => targets(shared, ['jboss@EXAMPLE.TEST'])).toThrow(
      expect.objectContaining({
        code: 'AD_NOT_ACCOUNT_PRINCIPAL',
        message: expect.stringMatching(
          /^jboss@EXAMPLE.TEST is not tomcat's \(SPNs HTTP\/web.example.test;/,
        ),
      }),
    );
    expect(targets(shared, ['HTTP/web.example.test@EXAMPLE.TEST']).targets).toHaveLength(1);
  });
  it('keys that cannot decrypt the tickets AD issues are refused before any change', () => {
    const rc4Only = [e('HTTP/web.example.test@EXAMPLE.TEST', 2, 23)];
    expect(() => targets(rc4Only)).toThrow(
      expect.objectContaining({
        code: 'AD_ENCTYPE_MISMATCH',
        hint: expect.stringContaining('keytab ad setpass tomcat --random -o KEYTAB'),
      }),
    );
    expect(() => targets(shared, [], { msDSSupportedEncryptionTypes: undefined })).toThrow(
      expect.objectContaining({
        code: 'AD_ENCTYPE_MISMATCH',
        hint: 'say what tomcat supports, so that every DC issues the same tickets: keytab ad enctypes tomcat aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96',
      }),
    );
  });
});
