/**
 * --help as people read it (issue 15, point 3): example commands are never wrapped, every
 * subcommand has examples, and `keytab` alone lists the commands.
 */
import { describe, expect, it } from 'vitest';
import { collectExamples } from '../../lib/cli/help.js';
import { commandTree } from '../../lib/cli/help-tree.js';
import { buildParser } from '../../lib/cli/main.js';
import { runCli, testContext } from '../helpers/cli.js';

/** The example commands the parser is given on the way to `path --help`, as --help prints them. */
async function declaredExamples(path: readonly string[]): Promise<Set<string>> {
  const { ctx } = testContext();
  const parser = buildParser(ctx, undefined, 80);
  const book = collectExamples(parser);
  await parser.parseAsync([...path, '--help'], {}, () => undefined);
  return new Set(book.examples.map(([cmd]) => `  ${cmd.replace(/\$0/g, 'keytab')}`));
}

describe.each([80, 100])('help at %i columns', (width) => {
  it('prints every example command whole on one line, and wraps the rest within the width', async () => {
    const tree = await commandTree(testContext().ctx, width);
    expect(tree.length).toBeGreaterThan(20);
    for (const { path, help } of tree) {
      const name = ['keytab', ...path].join(' ');
      expect(help, name).not.toContain('\u0001');
      const examples = await declaredExamples(path);
      const section = help.split('\nExamples:\n')[1]?.split('\n\n')[0] ?? '';
      const commandLines = section.split('\n').filter((l) => l.startsWith('  keytab'));
      if (path.length > 0)
        expect(commandLines.length, `${name} has no examples`).toBeGreaterThan(0);
      for (const line of commandLines)
        expect(examples.has(line), `${name}: "${line}" is not a whole example`).toBe(true);
      for (const line of help.split('\n'))
        if (!commandLines.includes(line))
          expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(width);
    }
  }, 120_000);

  it('lays out the help for the terminal width', async () => {
    const r = await runCli(['ad', 'create', '--help'], { columns: width });
    expect(r.code).toBe(0);
    const long = r.stdout.split('\n').filter((l) => l.length > width);
    // Only the one example longer than the terminal is longer than the terminal.
    expect(long).toEqual([
      '  keytab ad create svc-web --upn HTTP/web.example.com@EXAMPLE.COM --spn HTTP/web.example.com --enctypes aes256,aes128 --random',
    ]);
  });
});

describe('no command', () => {
  it('keytab alone prints the command list (exit 2)', async () => {
    for (const argv of [[], ['--debug']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('Commands:');
      expect(r.stdout).toMatch(/^ {2}keytab list \[file\]/m);
      expect(r.stdout).toMatch(/^ {2}keytab ad <command>/m);
      expect(r.stderr).toBe('');
      expect(r.stdout + r.stderr).not.toContain('see the list above');
    }
  });

  it('-V alone is --version (klist -V)', async () => {
    const r = await runCli(['-V'], { program: 'keytab' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('keytab\n');
  });

  it('a missing ad subcommand points at keytab ad --help', async () => {
    const r = await runCli(['ad']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"ad" needs a subcommand');
    expect(r.stderr).toContain('run "keytab ad --help" for usage');
  });
});
