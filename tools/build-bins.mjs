/**
 * Builds the two command-line programs: each is bundled by esbuild into one CommonJS file
 * (dist/bin/NAME.bundle.cjs) started by a small loader (dist/bin/NAME.cjs, the npm bin) that
 * hands V8 a code cache made here. Start-up then skips most JavaScript compilation, which is
 * most of what a command costs on a small keytab. A cache made by another Node/V8 version is
 * detected by V8 and ignored; the program still runs, only compiles as usual.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bin');

const loader = (name) => `#!/usr/bin/env node
'use strict';
// The ${name} command: runs ${name}.bundle.cjs with the V8 code cache made at build time.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const { wrap } = require('node:module');
const file = join(__dirname, '${name}.bundle.cjs');
let cachedData;
try {
  cachedData = readFileSync(file + '.cache');
} catch {
  // no cache: compile as usual
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.KEYTAB_WRITE_CODE_CACHE === '1') {
  process.once('exit', () => writeFileSync(file + '.cache', script.createCachedData()));
}
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, require, bundle, file, __dirname);
`;

// A command per program that runs the common start-up path, so its code is in the cache.
const WARM = {
  keytab: ['list', join(root, 'samples', 'web-spnego', 'http-web.keytab')],
  ktpass: ['/?'],
};

for (const name of Object.keys(WARM)) {
  const bundle = join(out, `${name}.bundle.cjs`);
  await build({
    entryPoints: [join(root, 'bin', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
    // yargs and our code use import.meta.url; in CommonJS it comes from __filename.
    define: { 'import.meta.url': '__keytab_url' },
    banner: { js: "var __keytab_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  const bin = join(out, `${name}.cjs`);
  writeFileSync(bin, loader(name));
  chmodSync(bin, 0o755);
  rmSync(`${bundle}.cache`, { force: true });
  rmSync(`${bundle}.map`, { force: true }); // from builds that made source maps
  const warm = spawnSync(process.execPath, [bin, ...WARM[name]], {
    env: { ...process.env, KEYTAB_WRITE_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  if (warm.error || (warm.status !== 0 && warm.status !== 2)) {
    console.error(`build-bins: ${name} did not start: ${warm.error?.message ?? warm.stderr}`);
    process.exit(1);
  }
}
