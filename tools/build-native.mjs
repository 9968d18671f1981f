/**
 * Builds the optional native addon build/keytab_native.node (native/keytab_native.c:
 * PBKDF2-HMAC-SHA1 with the x86 SHA extensions) with the system C compiler against Node's own
 * headers. No node-gyp: one C file, one compiler call.
 *
 * The addon only makes AES-SHA1 and Camellia string-to-key faster; without it the toolkit
 * uses node:crypto and derives the same keys. So a failed build is reported and the install
 * goes on, unless KEYTAB_REQUIRE_NATIVE=1 (then it fails). KEYTAB_SKIP_NATIVE=1 skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'keytab_native.c');
const target = join(root, 'build', 'keytab_native.node');
const required = process.env.KEYTAB_REQUIRE_NATIVE === '1';

function giveUp(reason) {
  const message = `keytab: native addon not built (${reason}); string-to-key uses node:crypto instead (same keys, slower for AES-SHA1 and Camellia)`;
  if (required) {
    console.error(`${message}\nKEYTAB_REQUIRE_NATIVE=1: failing.`);
    process.exit(1);
  }
  console.error(message);
  process.exit(0);
}

if (process.env.KEYTAB_SKIP_NATIVE === '1') giveUp('KEYTAB_SKIP_NATIVE=1');

// `npm install` in a clone runs this twice (install, then prepare's build): build once.
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
if (mtime(target) > Math.max(mtime(source), mtime(fileURLToPath(import.meta.url)))) process.exit(0);
if (process.platform === 'win32') giveUp('not supported on Windows');

// Node's headers: npm's nodedir setting if any, else next to the running node (both the
// official tarballs and Debian's nodejs package install include/node/node_api.h there).
const includeDirs = [
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  join(dirname(process.execPath), '..', 'include', 'node'),
].filter(Boolean);
const include = includeDirs.find((dir) => existsSync(join(dir, 'node_api.h')));
if (!include) giveUp(`node_api.h not found in ${includeDirs.join(' or ')}`);

const cc = process.env.CC || 'cc';
const temp = `${target}.${process.pid}.tmp`;
const args = ['-O2', '-std=c11', '-Wall', '-Wextra', '-shared', '-fPIC', '-fvisibility=hidden', `-I${include}`, source, '-o', temp];
if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
mkdirSync(dirname(target), { recursive: true });
const run = spawnSync(cc, args, { encoding: 'utf8' });
if (run.error || run.status !== 0) {
  rmSync(temp, { force: true });
  giveUp(run.error ? `${cc}: ${run.error.message}` : `${cc} failed:\n${run.stderr.trim()}`);
}
if (run.stderr.trim()) console.error(run.stderr.trim());
renameSync(temp, target);
