/**
 * Writes dist/man/keytab.1 and dist/man/ktpass.1 from the command definitions (lib/cli/man.ts),
 * after tsc has built dist/lib. package.json "man" installs them with `npm install -g`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { keytabManPage, ktpassManPage } = await import(join(root, 'dist', 'lib', 'cli', 'man.js'));
const { ktpassHelp } = await import(join(root, 'dist', 'lib', 'cli', 'ktpass.js'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const quiet = { write() {}, drain: async () => undefined, isTTY: false };
const ctx = {
  env: {},
  cwd: root,
  stdout: quiet,
  stderr: quiet,
  stdin: { isTTY: false, readAll: async () => new Uint8Array() },
  now: () => 0,
  random: (n) => new Uint8Array(n),
  promptSecret: async () => '',
  program: 'keytab',
  exitCode: 0,
};
const out = join(root, 'dist', 'man');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'keytab.1'), await keytabManPage(ctx, version));
writeFileSync(join(out, 'ktpass.1'), ktpassManPage(ktpassHelp(), version));
