/**
 * ktpass without /mapuser makes the same keys as MIT ktutil for the same principal, password
 * and kvno (AES and RC4; ktpass's DES is left out here as by default).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { parseKeytab } from '../../lib/index.js';
import { ktpassMain } from '../../lib/cli/ktpass.js';
import { runCli } from '../helpers/cli.js';
import { interopEnabled, runTool, tempDir } from './env.js';

const dir = tempDir('ktp-ktpass-');
afterAll(() => dir.cleanup());

describe.runIf(interopEnabled())('ktpass /crypto All (offline) equals MIT ktutil', () => {
  it('HTTP/ principal, non-ASCII password, kvno 4', async () => {
    const principal = 'HTTP/web.example.com@EXAMPLE.COM';
    const password = 'pässwörd-€-4';
    const ours = join(dir.path, 'ktpass.keytab');
    const r = await runCli(
      [
        '/out',
        ours,
        '/princ',
        principal,
        '/crypto',
        'All',
        '/ptype',
        'KRB5_NT_PRINCIPAL',
        '/kvno',
        '4',
        '--password-env',
        'PW',
      ],
      {
        env: { PW: password },
        program: 'ktpass',
        mainFn: (ctx, argv) => ktpassMain(ctx, argv),
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const mitFile = join(dir.path, 'mit.keytab');
    const script = ['arcfour-hmac', 'aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'].flatMap(
      (e) => [`addent -password -p ${principal} -k 4 -e ${e}`, password],
    );
    const kt = runTool('ktutil', [], {
      input: [...script, `wkt ${mitFile}`, 'quit', ''].join('\n'),
    });
    expect(kt.status, kt.stderr).toBe(0);
    const keys = (path: string) =>
      parseKeytab(new Uint8Array(readFileSync(path))).entries.map((e) => [
        e.kvno,
        e.enctype,
        toHex(e.key),
      ]);
    expect(keys(ours)).toEqual(keys(mitFile));
    // And MIT reads the ktpass-style file as we do.
    const list = runTool('klist', ['-k', '-t', '-e', '-K', ours], { env: { TZ: 'UTC' } });
    expect(list.stdout).toBe((await runCli(['list', '-K', ours])).stdout);
  });
});
