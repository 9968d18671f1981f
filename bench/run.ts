/**
 * `npm run bench`: keytab against MIT krb5 on this machine, in the same run.
 *
 *   npm run bench                      everything
 *   npm run bench -- keytab            list and merge (issue 2 targets)
 *   npm run bench -- s2k batch         string-to-key per key, and add --from (issue 3 targets)
 *   npm run bench -- --full            let MIT ktutil finish the 100,000-entry merge (about 15 min)
 *
 * Whole-process times are medians of several runs; peak memory is the maximum resident set
 * size reported by /usr/bin/time. Nothing here is a test: figures depend on the machine.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeKeytab } from '../lib/keytab/encode.js';
import type { KeytabEntry } from '../lib/keytab/types.js';
import { stringToKey } from '../lib/crypto/string-to-key.js';
import { setPbkdf2Provider } from '../lib/crypto/primitives/pbkdf2.js';
import { nativeSha1Backend, opensslPbkdf2, useNativeCrypto } from '../lib/node/pbkdf2-native.js';
import { toHex } from '../lib/bytes.js';
import { timed } from './timed.js';
import type { Timed } from './timed.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = join(REPO, '.bench');
const KEYTAB = join(REPO, 'dist', 'bin', 'keytab.cjs');
const args = process.argv.slice(2);
const full = args.includes('--full');
const sections = args.filter((a) => !a.startsWith('--'));
const want = (s: string): boolean => sections.length === 0 || sections.includes(s);

interface Row {
  what: string;
  ours: string;
  mit: string;
  ratio: string;
  target: string;
  ok: boolean | null;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`,
  node: process.version,
  date: new Date().toISOString(),
};

function need(cmd: string): void {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`bench: ${cmd} is missing; run: sudo test/servers/install-deps.sh`);
    process.exit(3);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function repeat(n: number, f: () => Promise<Timed | undefined>): Promise<Timed> {
  const all: (Timed | undefined)[] = [];
  for (let i = 0; i < n; i++) all.push(await f());
  const runs = all.filter((x): x is Timed => x !== undefined);
  return {
    seconds: median(runs.map((r) => r.seconds)),
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
  };
}

const fmt = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;

function fakeEntries(count: number, tag: string): KeytabEntry[] {
  const enctypes: [number, number][] = [
    [18, 32],
    [17, 16],
    [23, 16],
    [20, 32],
    [19, 16],
  ];
  const out: KeytabEntry[] = [];
  for (let i = 0; out.length < count; i++) {
    for (const [enctype, length] of enctypes) {
      if (out.length === count) break;
      out.push({
        principal: {
          components: ['HTTP', `web${tag}${i}.example.com`],
          realm: 'EXAMPLE.COM',
          nameType: 1,
        },
        timestamp: 1717243200,
        kvno: 1 + (i % 3),
        enctype,
        key: new Uint8Array(randomBytes(length)),
      });
    }
  }
  return out;
}

async function benchKeytab(): Promise<void> {
  need('klist');
  need('ktutil');
  const big = join(WORK, 'list-100k.keytab');
  writeFileSync(big, serializeKeytab({ entries: fakeEntries(100_000, '') }));
  const size = statSync(big).size;
  const tiny = join(WORK, 'tiny.keytab');
  writeFileSync(tiny, serializeKeytab({ entries: fakeEntries(1, 't') }));

  const baseline = await repeat(5, () => timed(KEYTAB, ['list', tiny]));
  const oursList = await repeat(7, () => timed(KEYTAB, ['list', big]));
  const mitList = await repeat(7, () => timed('klist', ['-k', '-t', '-e', big]));
  const listRatio = oursList.seconds / mitList.seconds;
  const listMem = oursList.maxRssKb - baseline.maxRssKb;
  rows.push({
    what: 'list, 100,000 entries (whole process)',
    ours: fmt(oursList.seconds),
    mit: fmt(mitList.seconds),
    ratio: `${listRatio.toFixed(2)}x`,
    target: '<= 1.5x',
    ok: listRatio <= 1.5,
  });
  rows.push({
    what: 'list, peak memory above Node baseline',
    ours: mb(listMem),
    mit: mb(mitList.maxRssKb),
    ratio: `${(listMem / (size / 1024)).toFixed(2)}x file`,
    target: '< 3x file size',
    ok: listMem < (3 * size) / 1024,
  });

  const inputs = Array.from({ length: 10 }, (_, f) => {
    const p = join(WORK, `merge-${f}.keytab`);
    writeFileSync(p, serializeKeytab({ entries: fakeEntries(10_000, `f${f}-`) }));
    return p;
  });
  const out = join(WORK, 'merged.keytab');
  const oursMerge = await repeat(5, () => {
    rmSync(out, { force: true });
    return timed(KEYTAB, ['merge', '-o', out, ...inputs]);
  });
  const mergedSize = statSync(out).size;
  rmSync(out, { force: true });
  const limit = full ? 0 : 120_000;
  const script = [...inputs.map((p) => `rkt ${p}`), `wkt ${out}`, 'quit', ''].join('\n');
  const mitMerge = await timed('ktutil', [], { input: script, timeoutMs: limit });
  const mitText = mitMerge ? fmt(mitMerge.seconds) : `> ${limit / 1000} s (stopped)`;
  const mergeRatio = mitMerge
    ? oursMerge.seconds / mitMerge.seconds
    : oursMerge.seconds / (limit / 1000);
  rows.push({
    what: 'merge, 10 x 10,000 entries (whole process)',
    ours: fmt(oursMerge.seconds),
    mit: mitText,
    ratio: `${mitMerge ? '' : '< '}${mergeRatio.toFixed(4)}x`,
    target: '< 1x (faster)',
    ok: mergeRatio < 1,
  });
  const mergeMem = oursMerge.maxRssKb - baseline.maxRssKb;
  rows.push({
    what: 'merge, peak memory above Node baseline',
    ours: mb(mergeMem),
    mit: mitMerge ? mb(mitMerge.maxRssKb) : '-',
    ratio: `${(mergeMem / (mergedSize / 1024)).toFixed(2)}x file`,
    target: '< 3x file size',
    ok: mergeMem < (3 * mergedSize) / 1024,
  });
  results['keytab'] = {
    fileBytes: size,
    baseline,
    oursList,
    mitList,
    oursMerge,
    mitMerge: mitMerge ?? `stopped after ${limit} ms`,
    mergedBytes: mergedSize,
  };
}

const S2K_ENCTYPES = [
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha384-192',
  'aes128-cts-hmac-sha256-128',
  'camellia256-cts-cmac',
  'camellia128-cts-cmac',
  'des3-cbc-sha1',
  'arcfour-hmac',
];

/** Our time per key, in-process: `count` keys one after another (best of 3 rounds). */
async function ourPerKey(enctype: string, count: number): Promise<{ us: number; key: string }> {
  let key = '';
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++)
      key = toHex(await stringToKey(enctype, 'password', 'EXAMPLE.COMuser'));
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / count);
  }
  return { us: best, key };
}

/**
 * The library as a Node user gets it: a fresh process that does `import { stringToKey } from
 * 'keytab'` (the package's `node` entry, resolved through package.json exports) and nothing
 * else. Best of 3 rounds of `count` keys, like ourPerKey.
 */
function libraryDefaultPerKey(
  enctype: string,
  count: number,
): { us: number; key: string; provider: string } {
  const code = [
    "import { getPbkdf2ProviderName, stringToKey } from 'keytab';",
    `const enctype = ${JSON.stringify(enctype)}, count = ${count};`,
    "let best = Infinity, key = '';",
    'for (let round = 0; round < 3; round++) {',
    '  const t0 = process.hrtime.bigint();',
    "  for (let i = 0; i < count; i++) key = Buffer.from(await stringToKey(enctype, 'password', 'EXAMPLE.COMuser')).toString('hex');",
    '  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / count);',
    '}',
    'console.log(JSON.stringify({ us: best, key, provider: getPbkdf2ProviderName() }));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`library default run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { us: number; key: string; provider: string };
}

/** Our time per key when many are derived at once (the thread pool uses every core). */
async function ourPerKeyConcurrent(enctype: string, count: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      stringToKey(enctype, `password${i}`, 'EXAMPLE.COMuser'),
    ),
  );
  return Number(process.hrtime.bigint() - t0) / 1000 / count;
}

async function benchS2k(): Promise<void> {
  need('cc');
  const harness = join(WORK, 's2k-mit');
  const c = spawnSync('cc', [
    '-O2',
    join(REPO, 'bench', 's2k-mit.c'),
    '-o',
    harness,
    '-lkrb5',
    '-lk5crypto',
  ]);
  if (c.status !== 0)
    throw new Error(
      `building the MIT harness failed (libkrb5-dev installed?): ${c.stderr.toString()}`,
    );
  const table: Record<string, unknown> = {};
  for (const enctype of S2K_ENCTYPES) {
    const pbkdf2 = !/des3|arcfour/.test(enctype);
    const count = pbkdf2 ? (/sha1/.test(enctype) ? 40 : 8) : 2000;
    // MIT: best of 3 runs of the harness.
    const mitRuns = [0, 1, 2].map(() =>
      spawnSync(harness, [enctype, String(count), 'password', 'EXAMPLE.COMuser'])
        .stdout.toString()
        .trim()
        .split(' '),
    );
    const mit = mitRuns[0] as string[];
    const mitUs = Math.min(...mitRuns.map((r) => Number(r[0])));
    setPbkdf2Provider(null);
    const pure = await ourPerKey(enctype, Math.max(1, Math.floor(count / 4)));
    setPbkdf2Provider(opensslPbkdf2);
    const openssl = await ourPerKey(enctype, count);
    useNativeCrypto();
    const native = await ourPerKey(enctype, count);
    const concurrent = await ourPerKeyConcurrent(enctype, count);
    const library = libraryDefaultPerKey(enctype, count);
    if (
      native.key !== mit[1] ||
      pure.key !== mit[1] ||
      openssl.key !== mit[1] ||
      library.key !== mit[1]
    )
      throw new Error(`${enctype}: our key differs from MIT's`);
    const ratio = native.us / mitUs;
    const backend = !pbkdf2
      ? 'no PBKDF2'
      : /sha1|camellia/.test(enctype)
        ? `PBKDF2 by ${nativeSha1Backend()}`
        : 'PBKDF2 by node:crypto';
    const us = (x: number): string =>
      x < 1000 ? `${x.toFixed(1)} us` : `${(x / 1000).toFixed(1)} ms`;
    rows.push({
      what: `string-to-key ${enctype}, one key at a time (${backend}; OpenSSL path: ${us(openssl.us)}; pure: ${us(pure.us)}; many at once: ${us(concurrent)} per key, ${(concurrent / mitUs).toFixed(2)}x)`,
      ours: us(native.us),
      mit: us(mitUs),
      ratio: `${ratio.toFixed(2)}x`,
      target: pbkdf2 ? '<= 0.5x' : '-',
      ok: pbkdf2 ? ratio <= 0.5 : null,
    });
    const libraryRatio = library.us / mitUs;
    rows.push({
      what: `string-to-key ${enctype}, library default: \`import { stringToKey } from 'keytab'\` in a fresh process (provider ${library.provider})`,
      ours: us(library.us),
      mit: us(mitUs),
      ratio: `${libraryRatio.toFixed(2)}x`,
      target: pbkdf2 ? '<= 0.5x' : '-',
      ok: pbkdf2 ? libraryRatio <= 0.5 : null,
    });
    table[enctype] = {
      mitUs,
      libraryDefaultUs: library.us,
      libraryProvider: library.provider,
      nativeUs: native.us,
      opensslUs: openssl.us,
      concurrentUs: concurrent,
      pureUs: pure.us,
      backend,
    };
  }
  results['s2k'] = table;
}

async function benchBatch(): Promise<void> {
  need('ktutil');
  const enctypes = [
    'aes256-cts-hmac-sha1-96',
    'aes128-cts-hmac-sha1-96',
    'aes256-cts-hmac-sha384-192',
    'aes128-cts-hmac-sha256-128',
    'arcfour-hmac',
  ];
  const n = 1000;
  const principals = Array.from({ length: n }, (_, i) => ({
    p: `HTTP/app${i}.example.com@EXAMPLE.COM`,
    pw: `Pw-${i}-${toHex(randomBytes(6))}`,
  }));
  const spec = join(WORK, 'batch.csv');
  writeFileSync(
    spec,
    [
      'principal,enctypes,kvno,password',
      ...principals.map((x) => `${x.p},${enctypes.join(' ')},1,${x.pw}`),
    ].join('\n'),
    { mode: 0o600 },
  );
  const ours = join(WORK, 'batch-ours.keytab');
  const mitOut = join(WORK, 'batch-mit.keytab');
  rmSync(ours, { force: true });
  rmSync(mitOut, { force: true });
  const o = await timed(KEYTAB, ['add', ours, '--from', spec]);
  const script = [
    ...principals.flatMap((x) =>
      enctypes.flatMap((e) => [`addent -password -p ${x.p} -k 1 -e ${e}`, x.pw]),
    ),
    `wkt ${mitOut}`,
    'quit',
    '',
  ].join('\n');
  const m = await timed('ktutil', [], { input: script });
  if (!o || !m) throw new Error('batch run failed');
  const diff = spawnSync(KEYTAB, ['diff', ours, mitOut]);
  if (diff.status !== 0)
    throw new Error(`batch keytabs differ from MIT's:\n${diff.stdout.toString().slice(0, 2000)}`);
  const speedup = m.seconds / o.seconds;
  rows.push({
    what: `add --from: ${n} principals x 5 enctypes (same keys as MIT)`,
    ours: fmt(o.seconds),
    mit: fmt(m.seconds),
    ratio: `${(o.seconds / m.seconds).toFixed(2)}x (${speedup.toFixed(1)}x faster)`,
    target: '>= 3x faster',
    ok: speedup >= 3,
  });
  results['batch'] = { ours: o, mit: m, principals: n, enctypes };
}

async function main(): Promise<void> {
  if (!existsSync(KEYTAB)) {
    console.error('bench: build first (npm run build)');
    process.exit(3);
  }
  need('/usr/bin/time');
  mkdirSync(WORK, { recursive: true });
  console.error(
    `bench: ${String(results['machine'])}, node ${process.version}; work files in ${WORK}`,
  );
  if (want('keytab')) await benchKeytab();
  if (want('s2k')) await benchS2k();
  if (want('batch')) await benchBatch();
  const header =
    '| measurement | keytab | MIT | ratio | target | |\n| --- | --- | --- | --- | --- | --- |';
  const lines = rows.map(
    (r) =>
      `| ${r.what} | ${r.ours} | ${r.mit} | ${r.ratio} | ${r.target} | ${r.ok === null ? '' : r.ok ? 'met' : 'MISSED'} |`,
  );
  console.log([header, ...lines].join('\n'));
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ ...results, rows }, null, 2));
}

await main();
