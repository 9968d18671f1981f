/** Issue 11.9 and 11.10: no key material in errors, and the small input checks. */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeytab, serializeKeytab } from '../../lib/index.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { runCli, tempDir } from '../helpers/cli.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const P = 'HTTP/web.example.com@EXAMPLE.COM';

describe('--key-hex errors never show the key (11.9)', () => {
  const key = '00112233445566778899aabbccddeeff0011223344556677889900aabbccddeeff'.slice(0, 64);
  it('a typo is located, not echoed', async () => {
    const typo = `${key.slice(0, 40)}g${key.slice(41)}`;
    const r = await runCli([
      'add',
      t.path('k.keytab'),
      '-p',
      P,
      '-e',
      'aes256',
      '-k',
      '1',
      '--key-hex',
      typo,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--key-hex: character 41 of 64 is not a hex digit');
    for (let i = 0; i + 6 <= typo.length; i++) expect(r.stderr).not.toContain(typo.slice(i, i + 6));
  });
  it('an odd length says how many digits, not which', async () => {
    const r = await runCli([
      'add',
      t.path('k.keytab'),
      '-p',
      P,
      '-e',
      'aes256',
      '-k',
      '1',
      '--key-hex',
      key.slice(0, 63),
      '--debug',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--key-hex: odd number of hex digits (63)');
    expect(r.stderr).not.toContain(key.slice(0, 8));
    expect(r.stderr).not.toContain(key.slice(40, 48));
  });
});

describe('small input checks (11.10)', () => {
  it('remove -e with a number no 16-bit enctype field can hold is refused', async () => {
    const p = t.path('k.keytab');
    const e = {
      principal: { components: ['a'], realm: 'R', nameType: 1 },
      timestamp: 0,
      kvno: 1,
      key: new Uint8Array(16),
    };
    writeFileSync(
      p,
      serializeKeytab({
        entries: [
          { ...e, enctype: 17 },
          { ...e, enctype: -1 },
        ],
      }),
    );
    for (const bad of ['65536', '-32769', '99999999']) {
      const r = await runCli(['remove', p, '-e', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`-e ${bad}: an enctype number is 16 bits`);
    }
    // 65535 is the -1 that klist shows as `etype -1`.
    const r = await runCli(['remove', p, '-e', '65535']);
    expect(r.code).toBe(0);
    expect(parseKeytab(new Uint8Array(readFileSync(p))).entries.map((x) => x.enctype)).toEqual([
      17,
    ]);
  });
  it('add -k "" and -k 1,2 say what a kvno is', async () => {
    for (const k of ['', '1,2']) {
      const r = await runCli([
        'add',
        t.path('k.keytab'),
        '-p',
        P,
        '-e',
        'aes256',
        '-k',
        k,
        '--random-key',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--kvno "${k}": give one key version number`);
      expect(r.stderr).not.toContain('undefined');
    }
  });
  it('ktpass /crypto "" names no enctype (not "every enctype is weak")', async () => {
    const r = await runCli(
      [
        '/out',
        t.path('k.keytab'),
        '/princ',
        P,
        '/crypto',
        '',
        '/ptype',
        'KRB5_NT_PRINCIPAL',
        '/pass',
        'x',
      ],
      {
        program: 'ktpass',
        mainFn: (ctx, argv) => ktpassMain(ctx, argv),
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/crypto "" names no enctype');
    expect(r.stderr).not.toContain('weak');
  });
  describe('a password file ending in "\\r\\n"', () => {
    const derive = async (body: string, extra: string[] = []) => {
      const p = t.path('pw');
      writeFileSync(p, body);
      return runCli([
        'derive',
        '-e',
        'aes128',
        '--salt',
        'EXAMPLE.COMsvc',
        '--password-file',
        p,
        ...extra,
      ]);
    };
    const last = (s: string) => s.trim().split('\n').at(-1);
    it('both characters are dropped, with a warning that names MIT ktutil', async () => {
      const crlf = await derive('Pa55word\r\n');
      const lf = await derive('Pa55word\n');
      expect(last(crlf.stdout)).toBe(last(lf.stdout));
      expect(crlf.stderr).toContain(
        'ends in "\\r\\n" (a Windows line end): both characters are dropped; MIT ktutil would keep the "\\r"',
      );
      expect(lf.stderr).toBe('');
    });
    it('a trailing "\\r" without a newline is kept (the way to mean it)', async () => {
      const cr = await derive('Pa55word\r');
      const lf = await derive('Pa55word\n');
      expect(last(cr.stdout)).not.toBe(last(lf.stdout));
      // What MIT ktutil (1.20) makes from "Pa55word\r\n" on its standard input (addent -password).
      expect(last(cr.stdout)).toBe('55600aa04b344019d1b7149cf2c820b7');
      expect(cr.stderr).toBe('');
    });
    it('--password-stdin follows the same rule and warns too', async () => {
      const r = await runCli(
        ['derive', '-e', 'aes128', '--salt', 'EXAMPLE.COMsvc', '--password-stdin'],
        { stdin: 'Pa55word\r\n' },
      );
      expect(r.stderr).toContain('the password on standard input ends in "\\r\\n"');
      expect(last(r.stdout)).toBe(last((await derive('Pa55word')).stdout));
    });
  });
});
