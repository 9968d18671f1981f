/**
 * The package entry points (issue 15, point 1): `import ... from 'keytab'` under Node gets the
 * native PBKDF2 provider without asking; the `browser`/`default` entry is the pure core and
 * bundles without any node:* module.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs an ES module snippet in a fresh Node inside the package (so 'keytab' resolves to itself). */
function node(code: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('package entry points', () => {
  it('maps node to the entry that installs the native provider, browser and default to the pure core', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, { default: string }>>;
    };
    const root = pkg.exports['.'];
    expect(Object.keys(root ?? {})).toEqual(['browser', 'node', 'default']);
    expect(root?.['node']?.default).toBe('./dist/lib/index.node.js');
    expect(root?.['browser']?.default).toBe('./dist/lib/core.js');
    expect(root?.['default']?.default).toBe('./dist/lib/core.js');
  });

  it("import from 'keytab' under Node uses the native provider, and setPbkdf2Provider still chooses", () => {
    const out = node(
      "import { getPbkdf2ProviderName, setPbkdf2Provider, stringToKey } from 'keytab';" +
        "const key = async () => Buffer.from(await stringToKey('aes256-cts-hmac-sha1-96', 'password', 'EXAMPLE.COMuser')).toString('hex');" +
        'const before = getPbkdf2ProviderName(); const fast = await key();' +
        'setPbkdf2Provider(null); console.log(before, getPbkdf2ProviderName(), fast === await key());',
    );
    expect(out).toBe('native noble true');
  });

  it('the pure core leaves PBKDF2 pure', () => {
    expect(
      node(
        "import { getPbkdf2ProviderName } from './dist/lib/core.js'; console.log(getPbkdf2ProviderName());",
      ),
    ).toBe('noble');
  });

  it('the pure core bundles for a browser: no node:* module below it', async () => {
    const r = await build({
      entryPoints: [join(ROOT, 'lib', 'core.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    expect(r.outputFiles[0]?.text).not.toMatch(/from ["']node:/);
  });

  it('keytab/krb5 is pure too: it bundles for a browser', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { default: string }>;
    };
    expect(pkg.exports['./krb5']?.default).toBe('./dist/lib/krb5/index.js');
    const r = await build({
      entryPoints: [join(ROOT, 'lib', 'krb5', 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    expect(r.outputFiles[0]?.text).not.toMatch(/from ["']node:/);
  });
});
