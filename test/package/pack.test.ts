/**
 * What `npm pack` ships (issue 15, point 7; issue 16, point 5: the `keytab/krb5` entry, no KDC
 * codec), and ad create --help's password group.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the package', () => {
  it.runIf(existsSync(join(ROOT, 'dist', 'man', 'keytab.1')))(
    'ships no source maps and no bench; ships the man pages and the addon sources',
    () => {
      const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const files =
        (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ??
        [];
      expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
      expect(files.filter((f) => f.includes('bench'))).toEqual([]);
      expect(files).toEqual(
        expect.arrayContaining([
          'dist/man/keytab.1',
          'dist/man/ktpass.1',
          'dist/bin/keytab.cjs',
          'native/keytab_native.c',
          'tools/build-native.mjs',
        ]),
      );
    },
  );

  it.runIf(existsSync(join(ROOT, 'dist', 'lib', 'krb5', 'index.js')))(
    "the packed package: 'keytab' and 'keytab/krb5' resolve, the KDC codec is neither shipped nor importable",
    () => {
      // Unpacked inside the repository, so that its dependencies resolve from our node_modules.
      const dir = join(ROOT, 'test', '.work', `pack-${process.pid}`);
      const pkgDir = join(dir, 'node_modules', 'keytab');
      mkdirSync(pkgDir, { recursive: true });
      try {
        const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
          cwd: ROOT,
          encoding: 'utf8',
        });
        expect(packed.status, packed.stderr).toBe(0);
        const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
        expect(tarball).toBeDefined();
        const untar = spawnSync(
          'tar',
          ['-xzf', join(dir, tarball as string), '-C', pkgDir, '--strip-components=1'],
          { encoding: 'utf8' },
        );
        expect(untar.status, untar.stderr).toBe(0);
        expect(existsSync(join(pkgDir, 'dist', 'lib', 'krb5', 'kdc-codec.js'))).toBe(false);
        const code =
          "import * as krb5 from 'keytab/krb5'; import * as root from 'keytab';" +
          "let kdc = 'importable'; try { await import('keytab/dist/lib/krb5/kdc-codec.js'); } catch (e) { kdc = e.code; }" +
          'console.log(JSON.stringify({ krb5: typeof krb5.decodeKdcReply, msg: krb5.MSG_TYPE.AS_REP, root: typeof root.parseKeytab, rootCodec: typeof root.decodeKdcReply, kdc }));';
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
          cwd: dir,
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({
          krb5: 'function',
          msg: 11,
          root: 'function',
          rootCodec: 'undefined',
          kdc: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('the addon build is local and optional: no node-gyp, no download', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      gypfile?: boolean;
    };
    expect(pkg.scripts['install']).toBe('node tools/build-native.mjs');
    expect(pkg.gypfile).toBeUndefined();
    expect(existsSync(join(ROOT, 'binding.gyp'))).toBe(false);
    const source = readFileSync(join(ROOT, 'tools', 'build-native.mjs'), 'utf8');
    expect(source).not.toMatch(/https?:\/\/|fetch\(|node-gyp rebuild/);
  });

  it('installs one esbuild', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const copies = Object.keys(lock.packages).filter((p) => /(^|\/)node_modules\/esbuild$/.test(p));
    expect(copies).toEqual(['node_modules/esbuild']);
  });

  it('ad create --help promises no prompt (no password option: the account stays disabled)', async () => {
    const r = await runCli(['ad', 'create', '--help']);
    expect(r.stdout).not.toContain('ask on the terminal, without echo');
    expect(r.stdout).toContain('Password (default: none, the account stays disabled');
  });
});
