/** Command-line mistakes said plainly (issue 15, point 2: the CLI framework parts). */
import { describe, expect, it } from 'vitest';
import { closest } from '../../lib/cli/usage-errors.js';
import { runCli } from '../helpers/cli.js';

const SAMPLE = 'samples/web-spnego/http-web.keytab';

describe('usage errors', () => {
  it('an unknown option gets "did you mean", like an unknown command', async () => {
    const r = await runCli(['list', '--jsn', SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'keytab: unknown option --jsn. Did you mean --json?\nkeytab: run "keytab list --help" for usage\n',
    );
  });

  it('an unknown option of a nested command points at its own --help', async () => {
    const r = await runCli(['ad', 'spn', 'add', 'svc', 'HTTP/x', '--dry-rn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --dry-rn. Did you mean --dry-run?');
    expect(r.stderr).toContain('run "keytab ad spn add --help"');
  });

  it('keytab ad shwo names shwo', async () => {
    const r = await runCli(['ad', 'shwo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'keytab: unknown command "shwo". Did you mean show?\nkeytab: run "keytab ad --help" for usage\n',
    );
  });

  it('a missing ACCOUNT is named, with the --help of the command', async () => {
    const r = await runCli(['ad', 'setpass']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'keytab: ACCOUNT is missing\nkeytab: run "keytab ad setpass --help" for usage\n',
    );
  });

  it('an extra word is not called an option', async () => {
    const r = await runCli(['list', SAMPLE, 'other']);
    expect(r.stderr).toContain('unexpected argument "other"');
  });

  it('closest() suggests only near names', () => {
    expect(closest('jsn', ['json', 'keys'])).toBe('json');
    expect(closest('zzzzzz', ['json', 'keys'])).toBeUndefined();
  });
});

describe("klist's habit: keytab list -k -t -e -K FILE", () => {
  it('lists FILE with keys, the same as keytab list -K FILE', async () => {
    const klist = await runCli(['list', '-k', '-t', '-e', '-K', SAMPLE]);
    const ours = await runCli(['list', '-K', SAMPLE]);
    expect(klist.code, klist.stderr).toBe(0);
    expect(klist.stdout).toBe(ours.stdout);
    expect(klist.stdout).toContain('Keytab name: FILE:');
  });

  it('-kte clustered works too, and -k takes no value', async () => {
    const r = await runCli(['list', '-kte', SAMPLE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe((await runCli(['list', SAMPLE])).stdout);
  });
});
