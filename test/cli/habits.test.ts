/**
 * Issue 15, "fit users' habits": one spelling per idea (--random), counts and enctypes in
 * words, one warning style, --json where it was missing, colour only where it helps, new
 * passwords typed twice, and a warning for lower-case realms.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import type { KeytabEntry } from '../../lib/index.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import {
  colourStatus,
  colourWanted,
  entryCount,
  paintStatus,
  plural,
} from '../../lib/cli/output.js';
import { normalizeKtpassArgv } from '../../lib/ktpass/argv.js';
import { summaryLine } from '../../lib/verify/render.js';
import type { VerifyCheck } from '../../lib/verify/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

const entry = (principal: string, kvno: number, enctype: number, keyByte: number): KeytabEntry => {
  const [name, realm] = principal.split('@') as [string, string];
  return {
    principal: { components: name.split('/'), realm, nameType: 1 },
    timestamp: 1717243200,
    kvno,
    enctype,
    key: new Uint8Array(enctype === 18 ? 32 : 16).fill(keyByte),
  };
};
const ktpass = (argv: string[], opts: Parameters<typeof runCli>[1] = {}) =>
  runCli(argv, { ...opts, program: 'ktpass', mainFn: (ctx, a) => ktpassMain(ctx, a) });

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function write(name: string, entries: KeytabEntry[]): string {
  const p = t.path(name);
  writeFileSync(p, serializeKeytab({ entries }));
  return p;
}

describe('one spelling for random: --random everywhere', () => {
  it('add --random and its old spelling --random-key both make random keys', async () => {
    for (const flag of ['--random', '--random-key']) {
      const kt = t.path(`${flag}.keytab`);
      const r = await runCli([
        'add',
        kt,
        '-p',
        'HTTP/web.example.com@EXAMPLE.COM',
        '-e',
        'aes256-cts-hmac-sha1-96',
        '-k',
        '2',
        flag,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(parseKeytab(readFileSync(kt)).entries).toHaveLength(1);
    }
  });
  it('help shows --random first, the old spelling as an alias', async () => {
    for (const [argv, old] of [
      [['add', '--help'], '--random-key'],
      [['ad', 'create', '--help'], '--random-password'],
    ] as const) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      const line = r.stdout.split('\n').find((l) => l.includes(old)) ?? '';
      expect(line.indexOf('--random,')).toBeGreaterThanOrEqual(0);
      expect(line.indexOf('--random,')).toBeLessThan(line.indexOf(old));
    }
  });
  it('ad create --random and --random-password are one option (given with a password, both are refused alike)', async () => {
    for (const flag of ['--random', '--random-password']) {
      const r = await runCli(['ad', 'create', 'svc-x', flag, '--password-env', 'PW'], {
        env: { PW: 'x' },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('give --random or a password option, not both');
    }
  });
  it('add --from: a "random" column is random_key', async () => {
    writeFileSync(
      t.path('spec.csv'),
      'principal,enctypes,kvno,random\na@EXAMPLE.COM,aes256-cts-hmac-sha1-96,1,true\n',
    );
    const r = await runCli(['add', t.path('b.keytab'), '--from', t.path('spec.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseKeytab(readFileSync(t.path('b.keytab'))).entries).toHaveLength(1);
  });
  it('ktpass --random is +rndpass', () => {
    expect(
      normalizeKtpassArgv(['/out', 'x.keytab', '/princ', 'HTTP/a@R', '/mapuser', 'svc', '--random'])
        .pass,
    ).toEqual({ kind: 'random' });
    expect(() =>
      normalizeKtpassArgv(['/out', 'x', '/princ', 'HTTP/a@R', '/pass', 'pw', '--random']),
    ).toThrow(/one way/);
  });
});

describe('counts and enctypes in words', () => {
  it('plural', () => {
    expect([
      plural(1, 'keytab'),
      plural(2, 'keytab'),
      entryCount(1),
      entryCount(0),
      entryCount(3),
    ]).toEqual(['1 keytab', '2 keytabs', '1 entry', '0 entries', '3 entries']);
  });
  it('add says "1 entry"', async () => {
    const kt = t.path('one.keytab');
    const r = await runCli([
      'add',
      kt,
      '-p',
      'a@EXAMPLE.COM',
      '-e',
      'aes256-cts-hmac-sha1-96',
      '-k',
      '1',
      '--random',
    ]);
    expect(r.stdout).toContain(`1 added, 1 entry in FILE:${kt}`);
  });
  it('merge: plurals, the enctype by name in a replacement, and --json', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1)]);
    const b = write('b.keytab', [entry('a@R', 1, 18, 9)]);
    const r = await runCli(['merge', '--prefer-last', '-o', t.path('out.keytab'), a, b]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `replaced a@R kvno 1 aes256-cts-hmac-sha1-96 from ${a} by the key in ${b}`,
    );
    expect(r.stdout).toContain('wrote 1 entry from 2 keytabs');
    const j = await runCli(['merge', '--prefer-last', '--json', '-o', t.path('out2.keytab'), a, b]);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      dryRun: false,
      output: `FILE:${t.path('out2.keytab')}`,
      inputs: [a, b],
      entries: 1,
      duplicates: 0,
      replaced: [
        {
          principal: 'a@R',
          kvno: 1,
          enctype: 18,
          enctypeName: 'aes256-cts-hmac-sha1-96',
          from: a,
          by: b,
        },
      ],
    });
    expect(parseKeytab(readFileSync(t.path('out2.keytab'))).entries).toHaveLength(1);
  });
  it('merge -o - refuses a terminal before reading anything, and writes nothing', async () => {
    const a = write('a.keytab', [entry('a@R', 1, 18, 1)]);
    let read = false;
    const r = await runCli(['merge', '-o', '-', '-', a], {
      stdoutIsTTY: true,
      get stdin() {
        read = true;
        return new Uint8Array();
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'keytab: error: refusing to write a binary keytab to a terminal (-o -)',
    );
    expect(r.stderr).toContain('keytab: hint: redirect standard output to a file');
    expect(r.stdoutBytes).toHaveLength(0);
    expect(read).toBe(false);
  });
});

describe('krb5conf --json', () => {
  it('says what the file holds, and the text itself', async () => {
    const r = await runCli([
      'krb5conf',
      '--realm',
      'example.com',
      '--kdc',
      'dc1.example.com',
      '--admin-server',
      'dc1.example.com',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      realm: 'EXAMPLE.COM',
      kdcs: ['dc1.example.com'],
      domains: ['example.com'],
      adminServer: 'dc1.example.com',
      dnsLookupKdc: false,
    });
    expect(j.permittedEnctypes).toContain('aes256-cts-hmac-sha1-96');
    expect(j.notes[0]).toContain('written as EXAMPLE.COM');
    expect(j.text).toContain('[libdefaults]');
  });
});

describe('verify ends with a one-line summary', () => {
  const check = (status: VerifyCheck['status'], principal?: string): VerifyCheck => ({
    check: 'key',
    status,
    what: 'x',
    reason: 'y',
    ...(principal ? { principal } : {}),
  });
  it('counts errors and warnings when something failed', () => {
    expect(
      summaryLine({
        ok: false,
        checks: [check('FAIL'), check('FAIL'), check('WARN'), check('OK')],
      }),
    ).toBe('verify: 2 errors, 1 warning');
    expect(summaryLine({ ok: false, checks: [check('FAIL')] })).toBe('verify: 1 error, 0 warnings');
  });
  it('names the principals the keytab works for', () => {
    expect(
      summaryLine({
        ok: true,
        checks: [check('OK', 'a@R'), check('OK', 'a@R'), check('OK', 'b@R')],
      }),
    ).toBe('verify: OK, the keytab works for a@R, b@R');
    expect(summaryLine({ ok: true, checks: [check('OK', 'a@R'), check('WARN', 'a@R')] })).toBe(
      'verify: OK, the keytab works for a@R (1 warning)',
    );
  });
});

describe('colour: on a terminal only', () => {
  it('NO_COLOR wins, FORCE_COLOR forces, else a terminal decides', () => {
    expect(colourWanted({}, { isTTY: true })).toBe(true);
    expect(colourWanted({}, { isTTY: false })).toBe(false);
    expect(colourWanted({ NO_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(colourWanted({ NO_COLOR: '' }, { isTTY: true })).toBe(true);
    expect(colourWanted({ FORCE_COLOR: '1' }, { isTTY: false })).toBe(true);
    expect(colourWanted({ FORCE_COLOR: '0' }, { isTTY: true })).toBe(false);
    expect(colourWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(colourWanted({ TERM: 'dumb' }, { isTTY: true })).toBe(false);
  });
  it('colours only the status word at the start of a line', () => {
    expect(colourStatus('OK    a — FAIL\nFAIL  b\nverify: OK\n')).toBe(
      '\u001b[32mOK\u001b[0m    a — FAIL\n\u001b[1;31mFAIL\u001b[0m  b\nverify: OK\n',
    );
    expect(paintStatus({ env: {}, stdout: { isTTY: false } }, 'OK  x\n')).toBe('OK  x\n');
  });
});

describe('one warning style', () => {
  it('keytab: warning: ... in keytab; WARNING: ... in ktpass', async () => {
    const k = await runCli([
      'add',
      t.path('w.keytab'),
      '-p',
      'a@EXAMPLE.COM',
      '-e',
      'aes256-cts-hmac-sha1-96',
      '-k',
      '1',
      '--password',
      'pw',
    ]);
    expect(k.stderr).toMatch(/^keytab: warning: a password on the command line/m);
    const p = await ktpass([
      '/out',
      t.path('k.keytab'),
      '/princ',
      'HTTP/a@EXAMPLE.COM',
      '/pass',
      'pw',
      '/crypto',
      'AES256-SHA1',
      '/ptype',
      'KRB5_NT_PRINCIPAL',
    ]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/^WARNING: a password on the command line/m);
    expect(p.stderr).not.toMatch(/warning:/);
  });
});

describe('a new password typed at a prompt is asked twice', () => {
  const argv = () => [
    'add',
    t.path('p.keytab'),
    '-p',
    'a@EXAMPLE.COM',
    '-e',
    'aes256-cts-hmac-sha1-96',
    '-k',
    '1',
  ];
  it('the same answer twice: keys are made', async () => {
    const asked: string[] = [];
    const r = await runCli(argv(), {
      stdinIsTTY: true,
      prompt: async (q) => (asked.push(q), 'Secret-1'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(asked).toEqual(['Password for a@EXAMPLE.COM: ', 'Type the password again: ']);
  });
  it('two different answers: a clear error, nothing written', async () => {
    const answers = ['Secret-1', 'Secret-2'];
    const r = await runCli(argv(), { stdinIsTTY: true, prompt: async () => answers.shift() ?? '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'keytab: error: the two passwords typed differ; nothing was changed',
    );
    expect(r.stderr).toContain(
      'keytab: hint: run the command again and type the same password twice',
    );
    expect(() => readFileSync(t.path('p.keytab'))).toThrow();
  });
  it('ktpass /pass * asks twice when it sets the password (as ktpass does)', async () => {
    // Without /mapuser nothing is set: asked once.
    const asked: string[] = [];
    const r = await ktpass(
      [
        '/out',
        t.path('k.keytab'),
        '/princ',
        'HTTP/a@EXAMPLE.COM',
        '/pass',
        '*',
        '/crypto',
        'AES256-SHA1',
        '/ptype',
        'KRB5_NT_PRINCIPAL',
      ],
      { stdinIsTTY: true, prompt: async (q) => (asked.push(q), 'pw') },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(asked).toEqual(['Type the password for HTTP/a@EXAMPLE.COM: ']);
  });
});

describe('a lower-case realm in -p is warned about', () => {
  const lower =
    /warning: -p HTTP\/web@example\.com: the realm example\.com is not upper case; .* did you mean HTTP\/web@EXAMPLE\.COM\?/;
  it('add, derive, salt, remove', async () => {
    const kt = t.path('l.keytab');
    const add = await runCli([
      'add',
      kt,
      '-p',
      'HTTP/web@example.com',
      '-e',
      'aes256-cts-hmac-sha1-96',
      '-k',
      '1',
      '--random',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(lower);
    const derive = await runCli(
      [
        'derive',
        '-p',
        'HTTP/web@example.com',
        '-e',
        'aes256-cts-hmac-sha1-96',
        '--password-env',
        'PW',
      ],
      { env: { PW: 'x' } },
    );
    expect(derive.stderr).toMatch(lower);
    const salt = await runCli(['salt', '-p', 'HTTP/web@example.com']);
    expect(salt.stderr).toMatch(lower);
    const remove = await runCli(['remove', kt, '-p', 'HTTP/web@example.com']);
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stderr).toMatch(lower);
  });
  it('rows of add --from and rotate --from, named by row', async () => {
    writeFileSync(
      t.path('lower.csv'),
      'principal,enctypes,kvno,random\n# a comment\nHTTP/web@example.com,aes256-cts-hmac-sha1-96,1,true\n',
    );
    const add = await runCli(['add', t.path('lower.keytab'), '--from', t.path('lower.csv')]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(
      /warning: batch spec, row 3: HTTP\/web@example\.com: the realm example\.com is not upper case; .* did you mean HTTP\/web@EXAMPLE\.COM\?/,
    );
    writeFileSync(
      t.path('jobs.csv'),
      'keytab,account,principals\nweb.keytab,svc-web,HTTP/web@example.com\n',
    );
    const rotate = await runCli(['rotate', '--from', t.path('jobs.csv'), '--dry-run']);
    expect(rotate.stderr).toMatch(
      /warning: batch spec, row 2: HTTP\/web@example\.com: the realm example\.com is not upper case/,
    );
  });
  it('upper-case realms and principals without a realm pass quietly', async () => {
    const salt = await runCli(['salt', '-p', 'HTTP/web.example.com@EXAMPLE.COM']);
    expect(salt.stderr).toBe('');
    const kt = write('q.keytab', [entry('a@R', 1, 18, 1)]);
    const remove = await runCli(['remove', kt, '-p', 'HTTP/web', '--dry-run']);
    expect(remove.stderr).toBe('');
  });
  it('ktpass /princ, in ktpass style', async () => {
    const r = await ktpass(
      [
        '/out',
        t.path('k.keytab'),
        '/princ',
        'HTTP/web@example.com',
        '--password-env',
        'PW',
        '/crypto',
        'AES256-SHA1',
        '/ptype',
        'KRB5_NT_PRINCIPAL',
      ],
      { env: { PW: 'x' } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^WARNING: \/princ HTTP\/web@example\.com: the realm example\.com is not upper case/m,
    );
  });
});
