import { describe, expect, it } from 'vitest';
import { planGmsaKeytab } from '../../lib/ad/gmsa-plan.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import { parsePrincipal } from '../../lib/principal.js';

const NAME = parsePrincipal('gmsaweb$@EXAMPLE.TEST');
const SPN = parsePrincipal('HTTP/web.example.test@EXAMPLE.TEST');
const HOST = parsePrincipal('host/box.example.test@EXAMPLE.TEST');

function entries(kvno: number, fill: number, principals = [NAME, SPN]): KeytabEntry[] {
  return principals.flatMap((principal) =>
    [18, 17].map((enctype) => ({
      principal,
      kvno,
      enctype,
      timestamp: 1,
      key: new Uint8Array(enctype === 18 ? 32 : 16).fill(fill),
    })),
  );
}
const show = (list: readonly KeytabEntry[]): string[] =>
  list.map((e) => `${e.principal.components.join('/')}:${e.kvno}:${e.enctype}:${e.key[0]}`);

describe('planGmsaKeytab', () => {
  const other = entries(7, 9, [HOST]);

  it('write: the gMSA principals get the current keys, other principals are kept', () => {
    const plan = planGmsaKeytab({
      existing: [...other, ...entries(1, 1)],
      principals: [NAME, SPN],
      current: entries(2, 2),
      previous: entries(1, 1),
      refresh: false,
      withPrevious: false,
    });
    expect(plan.changed).toBe(true);
    expect(show(plan.entries)).toEqual(show([...other, ...entries(2, 2)]));
    expect(plan.removed).toHaveLength(4);
    expect(plan.kvnos).toEqual([2]);
  });

  it('--previous adds the previous password at kvno-1', () => {
    const plan = planGmsaKeytab({
      existing: [],
      principals: [NAME, SPN],
      current: entries(2, 2),
      previous: entries(1, 1),
      refresh: false,
      withPrevious: true,
    });
    expect(plan.kvnos).toEqual([2, 1]);
    expect(plan.added).toHaveLength(8);
  });

  it('refresh: nothing changes while the keytab holds the current keys', () => {
    const existing = [...other, ...entries(2, 2), ...entries(1, 1)];
    const plan = planGmsaKeytab({
      existing,
      principals: [NAME, SPN],
      current: entries(2, 2),
      previous: entries(1, 1),
      refresh: true,
      withPrevious: false,
    });
    expect(plan.changed).toBe(false);
    expect(plan.entries).toBe(existing);
    expect(plan.kvnos).toEqual([2, 1]);
  });

  it('refresh after a change: new kvno, the previous kept, older ones dropped', () => {
    const existing = [...entries(2, 2), ...entries(1, 1), ...other];
    const plan = planGmsaKeytab({
      existing,
      principals: [NAME, SPN],
      current: entries(3, 3),
      previous: entries(2, 2),
      refresh: true,
      withPrevious: false,
    });
    expect(plan.changed).toBe(true);
    expect(plan.kvnos).toEqual([3, 2]);
    expect(show(plan.removed)).toEqual(show(entries(1, 1)));
    expect(show(plan.added)).toEqual(show(entries(3, 3)));
    expect(show(plan.others)).toEqual(show(other));
  });

  it('refresh: same kvno but other keys (a reset outside the schedule) is a change', () => {
    const plan = planGmsaKeytab({
      existing: entries(2, 2),
      principals: [NAME, SPN],
      current: entries(2, 5),
      previous: [],
      refresh: true,
      withPrevious: false,
    });
    expect(plan.changed).toBe(true);
    expect(show(plan.entries)).toEqual(show(entries(2, 5)));
  });

  it("refresh without a previous password in the blob keeps the keytab's newest older kvno", () => {
    const plan = planGmsaKeytab({
      existing: [...entries(1, 1), ...entries(2, 2)],
      principals: [NAME, SPN],
      current: entries(3, 3),
      previous: [],
      refresh: true,
      withPrevious: false,
    });
    expect(plan.kvnos).toEqual([3, 2]);
    expect(show(plan.removed)).toEqual(show(entries(1, 1)));
  });
});
