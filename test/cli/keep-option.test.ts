/** --keep N of rotate and rotate --self: one meaning (N previous kvnos), said with the kvnos themselves. */
import { describe, expect, it } from 'vitest';
import {
  KEEP_DESCRIBE,
  checkKeep,
  keepsLine,
  keptLine,
  kvnoList,
} from '../../lib/cli/keep-option.js';
import { runCli } from '../helpers/cli.js';

describe('--keep', () => {
  it('names the kvnos kept and removed', () => {
    expect(kvnoList([6])).toBe('kvno 6');
    expect(kvnoList([6, 5, 5])).toBe('kvnos 5 and 6');
    expect(kvnoList([4, 6, 5])).toBe('kvnos 4, 5 and 6');
    expect(keptLine([5, 6], [4], 1)).toBe(
      'kept kvnos 5 and 6 (--keep 1: the new kvno and 1 previous); removed kvno 4',
    );
    expect(keptLine([6], [], 0)).toBe('kept kvno 6 (--keep 0: only the new kvno)');
    expect(keepsLine([4, 5, 6], [2, 3], 2)).toBe(
      'keeps kvnos 4, 5 and 6 (--keep 2: the new kvno and 2 previous); removes kvnos 2 and 3',
    );
  });

  it('refuses what is not a whole number of previous kvnos', () => {
    expect(() => checkKeep(-1)).toThrow(/previous kvnos/);
    expect(() => checkKeep(1.5)).toThrow(/0 keeps only the new keys/);
    expect(() => checkKeep(0)).not.toThrow();
  });

  it('rotate --help says what N counts', async () => {
    const r = await runCli(['rotate', '--help'], { columns: 400 });
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(KEEP_DESCRIBE);
  });
});
