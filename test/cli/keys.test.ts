import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { parseKeytab } from '../../lib/index.js';
import { goldenCases } from '../helpers/fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';

interface Input {
  principal: string;
  password_hex?: string;
  enctype: string;
  etype: number;
  kvno: number;
  salt: string | null;
  salt_kind: string;
  present_in_file?: boolean;
  expected_key_hex: string;
}

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

describe('keytab add reproduces MIT-written keytabs byte for byte', () => {
  // Files MIT wrote with ktutil addent + wkt from passwords: same inputs, same bytes.
  const reproducible = goldenCases().filter(
    (c) => c.name.startsWith('golden/mit-') && c.bytes[1] === 2 && c.holes === 0,
  );
  it('covers the MIT files', () => {
    expect(reproducible.map((c) => c.name)).toContain('golden/mit-enctypes-all.keytab');
    expect(reproducible.length).toBeGreaterThanOrEqual(12);
  });
  for (const c of reproducible) {
    it(c.name, async () => {
      const inputs = (c.manifest as { inputs: Input[] }).inputs;
      const out = t.path('out.keytab');
      for (const [i, input] of inputs.entries()) {
        const pw = t.path(`pw${i}`);
        writeFileSync(pw, Buffer.from(input.password_hex ?? '', 'hex'));
        const args = [
          'add',
          out,
          '-p',
          input.principal,
          '-e',
          input.enctype,
          '-k',
          String(input.kvno),
          '--timestamp',
          '1717243200',
          '--password-file',
          pw,
          '--allow-weak',
        ];
        if (input.salt !== null) args.push('--salt', input.salt);
        const r = await runCli(args);
        expect(r.stderr.replace(/^keytab: warning: .*\n/gm, '')).toBe('');
        expect(r.code).toBe(0);
      }
      expect(toHex(readFileSync(out))).toBe(toHex(c.bytes));
    });
  }
});

describe('keytab add', () => {
  const P = 'HTTP/web.example.com@EXAMPLE.COM';
  const pwFile = (text: string | Uint8Array) => {
    const p = t.path('pw');
    writeFileSync(p, text);
    return p;
  };
  it('a password file loses one trailing newline, CRLF too', async () => {
    for (const body of ['Serv1ce-Pa55\n', 'Serv1ce-Pa55\r\n', 'Serv1ce-Pa55']) {
      const out = t.path(`k${body.length}.keytab`);
      await runCli([
        'add',
        out,
        '-p',
        P,
        '-e',
        'aes256-cts-hmac-sha1-96',
        '-k',
        '2',
        '--password-file',
        pwFile(body),
      ]);
      expect(toHex(parseKeytab(readFileSync(out)).entries[0]!.key)).toBe(
        '4613f944c488ed28efdc70bf36527b7cebef82ba831fa5811576a17b224a7da0',
      );
    }
  });
  it('--password-stdin, --password-env and the prompt give the same key', async () => {
    const keys: string[] = [];
    const runs = [
      { args: ['--password-stdin'], opts: { stdin: 'Serv1ce-Pa55\n' } },
      { args: ['--password-env', 'PW'], opts: { env: { PW: 'Serv1ce-Pa55' } } },
      { args: [], opts: { stdinIsTTY: true, prompt: async () => 'Serv1ce-Pa55' } },
    ];
    for (const [i, run] of runs.entries()) {
      const out = t.path(`s${i}.keytab`);
      const r = await runCli(
        ['add', out, '-p', P, '-e', 'aes128', '-k', '2', ...run.args],
        run.opts,
      );
      expect(r.code).toBe(0);
      keys.push(toHex(parseKeytab(readFileSync(out)).entries[0]!.key));
    }
    expect(new Set(keys)).toEqual(new Set(['3c6202a42a50848b4ac7dcb799b17906']));
  });
  it('refuses to wait for a password without a terminal', async () => {
    const r = await runCli(['add', t.path('x.keytab'), '-p', P, '-e', 'aes128', '-k', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no password given and no terminal');
  });
  it('--password works but warns', async () => {
    const r = await runCli([
      'add',
      t.path('x.keytab'),
      '-p',
      P,
      '-e',
      'aes128',
      '-k',
      '2',
      '--password',
      'x',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('visible to other users');
  });
  it('writes mode 0600', async () => {
    const { statSync } = await import('node:fs');
    await runCli(['add', t.path('m.keytab'), '-p', P, '-e', 'aes128', '-k', '2', '--random-key']);
    expect(statSync(t.path('m.keytab')).mode & 0o777).toBe(0o600);
  });
  it('--random-key makes fresh keys of the right length for each enctype', async () => {
    const out = t.path('r.keytab');
    const r = await runCli(['add', out, '-p', P, '-e', 'all', '-k', '1', '--random-key']);
    expect(r.code).toBe(0);
    const kt = parseKeytab(readFileSync(out));
    expect(kt.entries.map((e) => [e.enctype, e.key.length])).toEqual([
      [18, 32],
      [17, 16],
      [20, 32],
      [19, 16],
      [16, 24],
      [23, 16],
      [25, 16],
      [26, 32],
    ]);
    expect(new Set(kt.entries.map((e) => toHex(e.key))).size).toBe(8);
  });
  it('--key-hex stores the key for one enctype and checks its length', async () => {
    const out = t.path('h.keytab');
    expect(
      (
        await runCli([
          'add',
          out,
          '-p',
          P,
          '-e',
          'aes128',
          '-k',
          '4',
          '--key-hex',
          '00112233445566778899aabbccddeeff',
        ])
      ).code,
    ).toBe(0);
    expect(toHex(parseKeytab(readFileSync(out)).entries[0]!.key)).toBe(
      '00112233445566778899aabbccddeeff',
    );
    const bad = await runCli(['add', out, '-p', P, '-e', 'aes256', '-k', '4', '--key-hex', '0011']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('aes256-cts-hmac-sha1-96 keys are 32 bytes, got 2');
  });
  it('single DES is refused with the reason unless --allow-weak', async () => {
    const r = await runCli([
      'add',
      t.path('d.keytab'),
      '-p',
      P,
      '-e',
      'des-cbc-crc',
      '-k',
      '1',
      '--password-file',
      pwFile('x'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RFC 6649/);
    expect(r.stderr).toMatch(/--allow-weak/);
    const ok = await runCli([
      'add',
      t.path('d.keytab'),
      '-p',
      P,
      '-e',
      'des-cbc-crc',
      '-k',
      '1',
      '--password-file',
      pwFile('x'),
      '--allow-weak',
    ]);
    expect(ok.code).toBe(0);
  });
  it('RC4 and DES3 are allowed with a warning', async () => {
    const r = await runCli([
      'add',
      t.path('w.keytab'),
      '-p',
      P,
      '-e',
      'rc4,des3-cbc-sha1',
      '-k',
      '1',
      '--password-file',
      pwFile('x'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/RFC 8429/);
  });
  it('AES iteration counts below the default need --allow-weak', async () => {
    const r = await runCli([
      'add',
      t.path('i.keytab'),
      '-p',
      P,
      '-e',
      'aes128',
      '-k',
      '1',
      '--iterations',
      '1000',
      '--password-file',
      pwFile('x'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/iteration/);
  });
  it('invalid UTF-8 in a password file: AES uses the bytes, RC4 refuses in words', async () => {
    const bad = pwFile(Uint8Array.from([0x70, 0xff, 0x77]));
    expect(
      (
        await runCli([
          'add',
          t.path('u.keytab'),
          '-p',
          P,
          '-e',
          'aes256',
          '-k',
          '1',
          '--password-file',
          bad,
        ])
      ).code,
    ).toBe(0);
    const r = await runCli([
      'add',
      t.path('v.keytab'),
      '-p',
      P,
      '-e',
      'rc4',
      '-k',
      '1',
      '--password-file',
      bad,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid UTF-8/);
  });
  it('unknown enctype lists the valid names', async () => {
    const r = await runCli([
      'add',
      t.path('e.keytab'),
      '-p',
      P,
      '-e',
      'aes512',
      '-k',
      '1',
      '--random-key',
    ]);
    expect(r.stderr).toContain('unknown encryption type "aes512"');
    expect(r.stderr).toContain('camellia256-cts-cmac');
  });
  it('a different key for an existing entry is refused, --replace overwrites it', async () => {
    const out = t.path('c.keytab');
    await runCli([
      'add',
      out,
      '-p',
      P,
      '-e',
      'aes128',
      '-k',
      '2',
      '--password-file',
      pwFile('one'),
    ]);
    const r = await runCli([
      'add',
      out,
      '-p',
      P,
      '-e',
      'aes128',
      '-k',
      '2',
      '--password-file',
      pwFile('two'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'already has a different key for HTTP/web.example.com@EXAMPLE.COM kvno 2 aes128-cts-hmac-sha1-96',
    );
    const ok = await runCli([
      'add',
      out,
      '-p',
      P,
      '-e',
      'aes128',
      '-k',
      '2',
      '--password-file',
      pwFile('two'),
      '--replace',
    ]);
    expect(ok.stdout).toContain('replaced: HTTP/web.example.com@EXAMPLE.COM kvno 2');
    expect(parseKeytab(readFileSync(out)).entries).toHaveLength(1);
  });
  it('--dry-run writes nothing', async () => {
    const r = await runCli([
      'add',
      t.path('n.keytab'),
      '-p',
      P,
      '-e',
      'aes128',
      '-k',
      '2',
      '--random-key',
      '--dry-run',
    ]);
    expect(r.stdout).toContain(
      'would add: HTTP/web.example.com@EXAMPLE.COM kvno 2 aes128-cts-hmac-sha1-96',
    );
    const { existsSync } = await import('node:fs');
    expect(existsSync(t.path('n.keytab'))).toBe(false);
  });
  it('salt options: AD user, UPN and computer rules change the key', async () => {
    const out = t.path('ad.keytab');
    const pw = pwFile('Svc-Pass-3!');
    await runCli([
      'add',
      out,
      '-p',
      'HTTP/web.example.test@EXAMPLE.TEST',
      '-e',
      'aes256',
      '-k',
      '2',
      '--ad-upn',
      'HTTP/web.example.test@EXAMPLE.TEST',
      '--password-file',
      pw,
    ]);
    expect(toHex(parseKeytab(readFileSync(out)).entries[0]!.key)).toBe(
      '4b424fce38f4593151f616c5e0fd3ab6919a183ad67ac514954f07e9fc535024',
    );
    const r = await runCli([
      'add',
      out,
      '-p',
      'HTTP/web.example.test@EXAMPLE.TEST',
      '-e',
      'aes256',
      '-k',
      '3',
      '--ad-user',
      'svc',
      '--ad-computer',
      'WEB',
      '--password-file',
      pw,
    ]);
    expect(r.code).toBe(2);
  });
  it('needs -p and -k, and a realm', async () => {
    expect(
      (await runCli(['add', t.path('z.keytab'), '-e', 'aes128', '-k', '1', '--random-key'])).stderr,
    ).toContain('give the principal with -p');
    expect(
      (await runCli(['add', t.path('z.keytab'), '-p', P, '-e', 'aes128', '--random-key'])).stderr,
    ).toContain('give the key version with -k');
    const r = await runCli([
      'add',
      t.path('z.keytab'),
      '-p',
      'HTTP/web',
      '-e',
      'aes128',
      '-k',
      '1',
      '--random-key',
    ]);
    expect(r.stderr).toContain('has no realm');
  });
});

describe('keytab add --from (batch)', () => {
  it('CSV with password files, salts and defaults from the command line', async () => {
    writeFileSync(t.path('a.pw'), 'Serv1ce-Pa55\n');
    writeFileSync(
      t.path('spec.csv'),
      [
        '# principal rows',
        'principal,enctypes,kvno,password_file,password,ad_user',
        'HTTP/web.example.com@EXAMPLE.COM,aes256 aes128;rc4,2,a.pw,,',
        'host/x.example.com@EXAMPLE.COM,,3,,"pa,ss",svc',
      ].join('\n'),
    );
    const out = t.path('b.keytab');
    const r = await runCli([
      'add',
      out,
      '--from',
      t.path('spec.csv'),
      '-e',
      'aes128',
      '--timestamp',
      '1717243200',
    ]);
    expect(r.stderr).toMatch(/^(keytab: warning: .*\n)*$/);
    expect(r.code).toBe(0);
    const kt = parseKeytab(readFileSync(out));
    expect(
      kt.entries.map((e) => `${e.principal.components.join('/')}:${e.kvno}:${e.enctype}`),
    ).toEqual([
      'HTTP/web.example.com:2:18',
      'HTTP/web.example.com:2:17',
      'HTTP/web.example.com:2:23',
      'host/x.example.com:3:17',
    ]);
    expect(toHex(kt.entries[0]!.key)).toBe(
      '4613f944c488ed28efdc70bf36527b7cebef82ba831fa5811576a17b224a7da0',
    );
  });
  it('JSON rows; errors name the row', async () => {
    writeFileSync(
      t.path('spec.json'),
      JSON.stringify([
        { principal: 'a@R', enctypes: ['aes128'], kvno: 1, random_key: true },
        { principal: 'b@R', enctypes: 'aes999', kvno: 1, randomKey: true },
      ]),
    );
    const r = await runCli(['add', t.path('j.keytab'), '--from', t.path('spec.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('batch spec row 2 (b@R): unknown encryption type "aes999"');
  });
  it('rejects single-entry options', async () => {
    writeFileSync(t.path('spec.json'), '[]');
    const r = await runCli(['add', t.path('j.keytab'), '--from', t.path('spec.json'), '-p', 'x@R']);
    expect(r.code).toBe(2);
  });
});

describe('keytab derive and salt', () => {
  it('derive prints the key on the last line', async () => {
    const pw = t.path('pw');
    writeFileSync(pw, 'password');
    const r = await runCli([
      'derive',
      '-p',
      'user@EXAMPLE.COM',
      '-e',
      'aes256-cts-hmac-sha1-96',
      '--password-file',
      pw,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(
      '511ccb9e22d7d454919b07228c4cee55c6f8137d6c221534ed446aa2d7a4e864',
    );
  });
  it('derive with an explicit salt needs no principal; RFC 3962 vector with --allow-weak', async () => {
    const r = await runCli(
      [
        'derive',
        '-e',
        'aes128',
        '--salt',
        'ATHENA.MIT.EDUraeburn',
        '--iterations',
        '1',
        '--allow-weak',
        '--password-env',
        'P',
        '--json',
      ],
      { env: { P: 'password' } },
    );
    expect(JSON.parse(r.stdout).key).toBe('42263c6e89f4fc28b8df68ee09799f15');
  });
  it('salt shows the rule', async () => {
    const r = await runCli([
      'salt',
      '-p',
      'HTTP/web.example.test@EXAMPLE.TEST',
      '--ad-upn',
      'HTTP/web.example.test@EXAMPLE.TEST',
    ]);
    expect(r.stdout).toContain('salt: "EXAMPLE.TESTHTTPweb.example.test"');
    expect(r.stdout).toContain('UPN');
    const j = JSON.parse(
      (await runCli(['salt', '-p', 'host/web@EXAMPLE.TEST', '--ad-computer', 'WEB$', '--json']))
        .stdout,
    );
    expect(j).toMatchObject({ salt: 'EXAMPLE.TESThostweb.example.test', rule: 'ad-computer' });
  });
});
