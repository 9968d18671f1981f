/**
 * Builds the optional native addons with the system C compiler against Node's own headers. No
 * node-gyp: one C file, one compiler call each.
 *
 * - build/keytab_native.node (native/keytab_native.c): PBKDF2-HMAC-SHA1 with the x86 SHA
 *   extensions. Without it the toolkit uses node:crypto and derives the same keys.
 * - build/keytab_lock.node (native/keytab_lock.c): the OFD and flock locks keytab writes take
 *   (lib/cli/lock.ts). Without it our writers exclude each other with a lock file, but not
 *   MIT's ktutil or kadmin.
 *
 * So a failed build is reported and the install goes on, unless KEYTAB_REQUIRE_NATIVE=1 (then
 * it fails). KEYTAB_SKIP_NATIVE=1 skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADDONS = ['keytab_native', 'keytab_lock'];
const required = process.env.KEYTAB_REQUIRE_NATIVE === '1';
let failed = false;

function giveUp(name, reason) {
  const effect =
    name === 'keytab_lock'
      ? 'keytab writes lock with a lock file, which MIT ktutil/kadmin do not honour'
      : 'string-to-key uses node:crypto instead (same keys, slower for AES-SHA1 and Camellia)';
  console.error(`keytab: native addon ${name} not built (${reason}); ${effect}`);
  failed = true;
}

// Node's headers: npm's nodedir setting if any, else next to the running node (both the
// official tarballs and Debian's nodejs package install include/node/node_api.h there).
const includeDirs = [
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  join(dirname(process.execPath), '..', 'include', 'node'),
].filter(Boolean);
const include = includeDirs.find((dir) => existsSync(join(dir, 'node_api.h')));
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);

function build(name) {
  const source = join(root, 'native', `${name}.c`);
  const target = join(root, 'build', `${name}.node`);
  if (process.env.KEYTAB_SKIP_NATIVE === '1') return giveUp(name, 'KEYTAB_SKIP_NATIVE=1');
  // `npm install` in a clone runs this twice (install, then prepare's build): build once.
  if (mtime(target) > Math.max(mtime(source), mtime(fileURLToPath(import.meta.url)))) return;
  if (process.platform === 'win32') return giveUp(name, 'not supported on Windows');
  if (!include) return giveUp(name, `node_api.h not found in ${includeDirs.join(' or ')}`);
  const cc = process.env.CC || 'cc';
  const temp = `${target}.${process.pid}.tmp`;
  const args = [
    '-O2',
    '-std=c11',
    '-Wall',
    '-Wextra',
    '-shared',
    '-fPIC',
    '-fvisibility=hidden',
    `-I${include}`,
    source,
    '-o',
    temp,
  ];
  if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
  mkdirSync(dirname(target), { recursive: true });
  const run = spawnSync(cc, args, { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    rmSync(temp, { force: true });
    return giveUp(
      name,
      run.error ? `${cc}: ${run.error.message}` : `${cc} failed:\n${run.stderr.trim()}`,
    );
  }
  if (run.stderr.trim()) console.error(run.stderr.trim());
  renameSync(temp, target);
}

for (const name of ADDONS) build(name);
if (failed && required) {
  console.error('KEYTAB_REQUIRE_NATIVE=1: failing.');
  process.exit(1);
}
