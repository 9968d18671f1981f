import { describe, expect, it } from 'vitest';
import { prunedEntries, rotatedEntries, rotationTargets, stagedEntries } from '../lib/rotate.js';
import type { KeytabEntry } from '../lib/index.js';
import { parsePrincipal } from '../lib/principal.js';
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
  const old = [e('HTTP/web@R', 1, 18), e('HTTP/web@R', 2, 18), e('HTTP/web@R', 2, 23), e('HTTP/alias@R', 2, 18), e('other@R', 2, 18)];
  it('targets: each principal with the enctypes it has, or only those asked for', () => {
    expect(rotationTargets(old).map((t) => [t.principal.components.join('/'), t.enctypes.map((x) => x.id)])).toEqual([
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
    const fresh = await rotatedEntries(targets, utf8('Svc-Pass-3!'), adUpnSalt('EXAMPLE.TEST', 'HTTP/web.example.test@EXAMPLE.TEST'), 3, 7);
    expect(fresh.map((x) => [x.kvno, x.enctype])).toEqual([[3, 18], [3, 23]]);
    expect(toHex(fresh[0]!.key)).toBe('4b424fce38f4593151f616c5e0fd3ab6919a183ad67ac514954f07e9fc535024');
  });
  it('staging keeps the old keys, pruning keeps the new kvno and `keep` previous ones', async () => {
    const targets = rotationTargets(old, [parsePrincipal('HTTP/web@R')]);
    const fresh = [e('HTTP/web@R', 3, 18, 9), e('HTTP/web@R', 3, 23, 9)];
    const staged = stagedEntries(old, fresh);
    expect(staged).toHaveLength(7);
    const { kept, removed } = prunedEntries(staged, targets, 1);
    expect(removed.map((x) => `${x.principal.components.join('/')}:${x.kvno}`)).toEqual(['HTTP/web:1']);
    expect(kept.filter((x) => x.principal.components[1] === 'web').map((x) => x.kvno)).toEqual([2, 2, 3, 3]);
    expect(prunedEntries(staged, targets, 0).kept.filter((x) => x.principal.components[1] === 'web').map((x) => x.kvno)).toEqual([3, 3]);
  });
});
