/** Man pages made from the command definitions, and `keytab completion` (issue 15, point 6). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ktpassHelp } from '../../lib/cli/ktpass.js';
import { keytabManPage, ktpassManPage, roffText } from '../../lib/cli/man.js';
import { runCli, testContext } from '../helpers/cli.js';

describe('man pages', () => {
  it('keytab(1) holds the help of every command, examples whole', async () => {
    const page = await keytabManPage(testContext().ctx, '9.9.9');
    expect(page).toMatch(/^\.TH KEYTAB 1 "" "keytab 9\.9\.9"/);
    for (const path of ['list', 'ad spn add', 'ad setpass', 'rotate', 'krb5conf'])
      expect(page).toContain(`.SS "keytab ${path}"`);
    expect(page).toContain('  keytab ad spn add svc-web HTTP/web.example.com HTTP/web\n');
    expect(page).not.toContain('\u0001');
  });

  it('ktpass(1) is the /? help, escaped for roff', () => {
    const page = ktpassManPage(ktpassHelp(), '1.0.0');
    expect(page).toContain('.SH DESCRIPTION');
    expect(page).toContain(roffText(ktpassHelp()));
    expect(roffText('.x\n\\n')).toBe('\\&.x\n\\en');
  });

  it('package.json installs both pages', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { man: string[]; scripts: { build: string } };
    expect(pkg.man).toEqual(['./dist/man/keytab.1', './dist/man/ktpass.1']);
    expect(pkg.scripts.build).toContain('tools/build-man.mjs');
  });
});

describe('keytab completion', () => {
  it('prints a bash/zsh completion script', async () => {
    const r = await runCli(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('###-begin-keytab-completions-###');
    expect(r.stdout).toContain('--get-yargs-completions');
  });
});
