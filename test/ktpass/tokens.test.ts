/** The ktpass word reader (lib/ktpass/argv.ts) and the option rows it hands the words to. */
import { describe, expect, it } from 'vitest';
import { normalizeKtpassArgv, tokenizeKtpassArgv } from '../../lib/ktpass/argv.js';
import { KTPASS_EXTENSIONS, KTPASS_OPTIONS } from '../../lib/ktpass/options.js';

describe('ktpass tokenizer', () => {
  it('tells help, our --options, ktpass options and words apart, each word on its own', () => {
    expect(
      tokenizeKtpassArgv([
        '/?',
        '--ldap-url=ldaps://dc',
        '+DumpSalt',
        '/H',
        '-',
        '-5',
        'x.keytab',
      ]).map((t) => [t.kind, 'name' in t ? t.name : t.text]),
    ).toEqual([
      ['help', '/?'],
      ['extension', 'ldap-url'],
      ['option', 'dumpsalt'],
      ['help', '/H'],
      ['word', '-'],
      ['word', '-5'],
      ['word', 'x.keytab'],
    ]);
    expect(tokenizeKtpassArgv(['+h'])).toEqual([
      { kind: 'option', text: '+h', prefix: '+', name: 'help' },
    ]);
  });

  it('every row can be applied: each ktpass option and extension sets the request', () => {
    for (const o of KTPASS_OPTIONS) {
      const word =
        o.kind === 'value'
          ? [
              o.name === 'answer'
                ? '+'
                : o.name === 'mapop'
                  ? 'set'
                  : ['kvno', 'itercount'].includes(o.name)
                    ? '7'
                    : 'v',
            ]
          : [];
      expect(() => normalizeKtpassArgv([`/${o.name}`, ...word]), o.name).not.toThrow();
    }
    for (const e of KTPASS_EXTENSIONS) {
      const req = normalizeKtpassArgv([`--${e.name}`, ...(e.value === undefined ? [] : ['v'])]);
      expect(req.extensions[e.name], e.name).toBe(e.value === undefined ? true : 'v');
    }
  });

  it('the ways to give a password come from the table', () => {
    expect(() => normalizeKtpassArgv(['--password-env', 'PW', '/pass', 'x'])).toThrow(
      'give the password one way: /pass, +rndpass, --password-file, --password-env or --random',
    );
  });
});
