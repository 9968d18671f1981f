/** What `npm pack` ships (issue 15, point 7), and ad create --help's password group. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the package', () => {
  it.runIf(existsSync(join(ROOT, 'dist', 'man', 'keytab.1')))('ships no source maps and no bench; ships the man pages and the addon sources', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.includes('bench'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['dist/man/keytab.1', 'dist/man/ktpass.1', 'dist/bin/keytab.cjs', 'native/keytab_native.c', 'tools/build-native.mjs']));
  });

  it('the addon build is local and optional: no node-gyp, no download', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; gypfile?: boolean };
    expect(pkg.scripts['install']).toBe('node tools/build-native.mjs');
    expect(pkg.gypfile).toBeUndefined();
    expect(existsSync(join(ROOT, 'binding.gyp'))).toBe(false);
    const source = readFileSync(join(ROOT, 'tools', 'build-native.mjs'), 'utf8');
    expect(source).not.toMatch(/https?:\/\/|fetch\(|node-gyp rebuild/);
  });

  it('installs one esbuild', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const copies = Object.keys(lock.packages).filter((p) => /(^|\/)node_modules\/esbuild$/.test(p));
    expect(copies).toEqual(['node_modules/esbuild']);
  });

  it('ad create --help promises no prompt (no password option: the account stays disabled)', async () => {
    const r = await runCli(['ad', 'create', '--help']);
    expect(r.stdout).not.toContain('ask on the terminal, without echo');
    expect(r.stdout).toContain('Password (default: none, the account stays disabled');
  });
});
