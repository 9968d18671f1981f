import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenCases, externalCases } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

interface KlistManifest {
  klist: { stdout: string; exit_code: number };
}

describe('keytab list prints what MIT klist -k -t -e -K prints', () => {
  for (const c of goldenCases()) {
    const m = c.manifest as unknown as KlistManifest;
    // MIT 1.20 names etypes 5 and 7 only by number; our table knows their Heimdal names.
    const hasHeimdalOnlyNames = c.expected.some((e) => e.enctype === 5 || e.enctype === 7);
    it(c.name, async () => {
      const r = await runCli(['list', '-K', c.path]);
      expect(r.code).toBe(0);
      let want = m.klist.stdout.replaceAll('<file>', c.path);
      if (hasHeimdalOnlyNames)
        want = want
          .replace('DEPRECATED:etype 5', 'DEPRECATED:des3-cbc-md5')
          .replace('DEPRECATED:etype 7', 'DEPRECATED:old-des3-cbc-sha1');
      expect(r.stdout).toBe(want);
    });
  }
});

describe('keytab list --json', () => {
  it('has the documented shape, keys only with --keys', async () => {
    const path = goldenCases().find((c) => c.name.endsWith('mit-http-spn.keytab'))!.path;
    const plain = JSON.parse((await runCli(['list', '--json', path])).stdout);
    expect(plain.version).toBe(1282);
    expect(plain.entries[0]).toEqual({
      principal: 'HTTP/web.example.com@EXAMPLE.COM',
      components: ['HTTP', 'web.example.com'],
      realm: 'EXAMPLE.COM',
      nameType: 1,
      timestamp: 1717243200,
      kvno: 2,
      enctype: 18,
      enctypeName: 'aes256-cts-hmac-sha1-96',
    });
    const keyed = JSON.parse((await runCli(['list', '--json', '--keys', path])).stdout);
    expect(keyed.entries[0].key).toBe(
      '4613f944c488ed28efdc70bf36527b7cebef82ba831fa5811576a17b224a7da0',
    );
  });
  it('keeps unknown enctypes by number', async () => {
    const path = externalCases().find((c) => c.name.endsWith('kerb-util-krbtgt.keytab'))!.path;
    const r = JSON.parse((await runCli(['list', '--json', path])).stdout);
    expect(r.entries.map((e: { enctype: number }) => e.enctype)).toContain(8);
  });
});

describe('keytab names', () => {
  const path = goldenCases()[0]!.path;
  it('FILE: and WRFILE: prefixes', async () => {
    expect((await runCli(['list', `FILE:${path}`])).code).toBe(0);
    expect((await runCli(['list', `WRFILE:${path}`])).code).toBe(0);
  });
  it('KRB5_KTNAME is the default', async () => {
    const r = await runCli(['list'], { env: { KRB5_KTNAME: `FILE:${path}` } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Keytab name: FILE:${path}`);
  });
  it('- reads standard input', async () => {
    const r = await runCli(['list', '-'], { stdin: readFileSync(path) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Keytab name: -');
  });
  it('other keytab types are refused in words', async () => {
    const r = await runCli(['list', 'MEMORY:x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^keytab: error: keytab type MEMORY: is not supported/);
  });
});

describe('bad input: one line, exit 1, no stack', () => {
  it('missing file', async () => {
    const r = await runCli(['list', '/nonexistent/x.keytab']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('keytab: error: /nonexistent/x.keytab: no such file\n');
  });
  it('not a keytab', async () => {
    const r = await runCli(['list', '-'], { stdin: 'hello world\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'keytab: error: standard input: not a keytab: format version 0x6865 at byte 0 (expected 0x0502 or 0x0501)\n',
    );
  });
  it('malformed keytab names the offset', async () => {
    const bad = externalCases().find((c) => c.parseError !== null)!;
    const r = await runCli(['list', bad.path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/declares 2147483647 bytes but only 22 remain/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
  it('--debug adds the stack', async () => {
    const r = await runCli(['list', '/nonexistent/x.keytab', '--debug']);
    expect(r.stderr).toMatch(/at /);
  });
  it('usage errors exit 2', async () => {
    expect((await runCli(['list', '--bogus'])).code).toBe(2);
    const r = await runCli(['lst']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "lst". Did you mean list?');
    expect((await runCli([])).code).toBe(2);
  });
  it('--help exits 0', async () => {
    const r = await runCli(['list', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('klist -k -t -e');
  });
});
