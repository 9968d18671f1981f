/**
 * lib/node/ccache.ts: which cache (KRB5CCNAME, krb5.conf default_ccache_name, MIT's
 * default), FILE: and DIR: caches on disk, and the types Node cannot read.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import { parseKrb5Conf } from '../../lib/krb5/config.js';
import {
  CCACHE_FIX,
  MAX_CCACHE_BYTES,
  describeCcache,
  expandCcachePath,
  parseCcacheName,
  readCcache,
  resolveCcacheName,
} from '../../lib/node/ccache.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { runTool, tempDir } from '../interop/env.js';

const SRC = join(FIXTURES, 'ccache');
const conf = (text: string) => parseKrb5Conf(text);
const withDefault = (value: string) =>
  conf(`[libdefaults]\n    default_realm = MIT.TEST\n    default_ccache_name = ${value}\n`);

async function failure(run: () => Promise<unknown> | unknown): Promise<KtError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof KtError) return e;
    throw e;
  }
  throw new Error('expected a KtError');
}

describe('the cache name', () => {
  it('KRB5CCNAME wins and is used as it is (MIT does not expand it)', () => {
    const name = resolveCcacheName({
      env: { KRB5CCNAME: 'FILE:/x/%{uid}' },
      config: withDefault('FILE:/y'),
      uid: 5,
    });
    expect(name).toEqual({ name: 'FILE:/x/%{uid}', source: 'KRB5CCNAME' });
  });

  it('krb5.conf default_ccache_name, with MIT path tokens expanded', () => {
    const env = { TMPDIR: '/scratch' };
    expect(
      resolveCcacheName({ env, config: withDefault('FILE:/tmp/krb5cc_%{uid}'), uid: 1234 }),
    ).toEqual({ name: 'FILE:/tmp/krb5cc_1234', source: 'default_ccache_name' });
    expect(
      resolveCcacheName({
        env: { KRB5CCNAME: '' },
        config: withDefault('DIR:%{TEMP}/cc_%{USERID}'),
        uid: 7,
      }).name,
    ).toBe('DIR:/tmp/cc_7');
    expect(
      expandCcachePath('%{TEMP}/%{euid}-%{uid}%{null}-%{username}', {
        env,
        uid: 1,
        euid: 0,
        username: 'alice',
      }),
    ).toBe('/scratch/0-1-alice');
    expect(expandCcachePath('KEYRING:persistent:%{uid}', { env, uid: 1000 })).toBe(
      'KEYRING:persistent:1000',
    );
    expect(expandCcachePath('/a/${HOME}', { env: { HOME: '/h' } })).toBe('/a/${HOME}');
  });

  it("MIT's default FILE:/tmp/krb5cc_%{uid} without either", () => {
    expect(resolveCcacheName({ env: {}, uid: 42 })).toEqual({
      name: 'FILE:/tmp/krb5cc_42',
      source: 'default',
    });
    expect(
      resolveCcacheName({ env: {}, config: conf('[libdefaults]\n default_realm = X\n'), uid: 42 })
        .source,
    ).toBe('default');
  });

  it('unknown tokens and a missing } are CCACHE_NAME_INVALID', async () => {
    expect((await failure(() => expandCcachePath('/tmp/%{HOME}', { env: {} }))).code).toBe(
      'CCACHE_NAME_INVALID',
    );
    expect((await failure(() => expandCcachePath('/tmp/%{uid', { env: {}, uid: 1 }))).code).toBe(
      'CCACHE_NAME_INVALID',
    );
    expect((await failure(() => expandCcachePath('/%{username}', { env: {} }))).code).toBe(
      'CCACHE_NAME_INVALID',
    );
  });

  it('types: FILE:, a bare path, DIR:, DIR::', () => {
    expect(parseCcacheName('FILE:/tmp/krb5cc_0')).toEqual({ type: 'FILE', path: '/tmp/krb5cc_0' });
    expect(parseCcacheName('/tmp/krb5cc_0')).toEqual({ type: 'FILE', path: '/tmp/krb5cc_0' });
    expect(parseCcacheName('DIR:/run/user/0/krb5cc')).toEqual({
      type: 'DIR',
      dir: '/run/user/0/krb5cc',
    });
    expect(parseCcacheName('DIR::/run/user/0/krb5cc/tktAbc')).toEqual({
      type: 'DIR',
      dir: '/run/user/0/krb5cc',
      file: 'tktAbc',
    });
    expect(() => parseCcacheName('FILE:')).toThrow(KtError);
  });

  it('KEYRING:, KCM:, API:, MEMORY:, MSLSA: and unknown types: one line with the fix', async () => {
    for (const name of [
      'KEYRING:persistent:1000',
      'KCM:1000',
      'API:x',
      'MEMORY:x',
      'MSLSA:',
      'FOO:bar',
    ]) {
      const e = await failure(() => parseCcacheName(name));
      expect(e.code).toBe('CCACHE_UNSUPPORTED');
      expect(e.message).not.toContain('\n');
      expect(e.message).toContain(CCACHE_FIX);
      expect(e.message).toContain(name);
    }
    expect((await failure(() => parseCcacheName('KEYRING:persistent:0'))).message).toMatch(
      /kernel keyring, which Node cannot read/,
    );
    expect((await failure(() => parseCcacheName('KCM:0', 'EXAMPLE.TEST'))).message).toContain(
      'kinit admin@EXAMPLE.TEST',
    );
    expect(
      (
        await failure(() =>
          readCcache({ env: {}, config: withDefault('KEYRING:persistent:%{uid}'), uid: 0 }),
        )
      ).code,
    ).toBe('CCACHE_UNSUPPORTED');
  });
});

describe('reading caches from disk', () => {
  let tmp: { path: string; cleanup: () => void };
  beforeAll(() => {
    tmp = tempDir('ktp-ccache-');
    copyFileSync(join(SRC, 'mit-v4.ccache'), join(tmp.path, 'krb5cc_1234'));
    mkdirSync(join(tmp.path, 'noprimary'));
    copyFileSync(join(SRC, 'mit-dir', 'tkt'), join(tmp.path, 'noprimary', 'tkt'));
    mkdirSync(join(tmp.path, 'badprimary'));
    writeFileSync(join(tmp.path, 'badprimary', 'primary'), '../krb5cc_1234\n');
    writeFileSync(join(tmp.path, 'big'), new Uint8Array(MAX_CCACHE_BYTES + 1));
    writeFileSync(join(tmp.path, 'junk'), Uint8Array.of(5, 4, 0, 0, 0));
    runTool('mkfifo', [join(tmp.path, 'fifo')]);
  });
  afterAll(() => tmp.cleanup());

  it('FILE: and a bare path', async () => {
    const path = join(tmp.path, 'krb5cc_1234');
    const a = await readCcache({ env: { KRB5CCNAME: `FILE:${path}` } });
    expect(a).toMatchObject({ name: `FILE:${path}`, source: 'KRB5CCNAME', path });
    expect(a.cache.defaultPrincipal.components).toEqual(['user']);
    const b = await readCcache({ env: { KRB5CCNAME: path } });
    expect(b.name).toBe(`FILE:${path}`);
  });

  it('default_ccache_name with an injected uid', async () => {
    const loaded = await readCcache({
      env: {},
      config: withDefault(`FILE:${tmp.path}/krb5cc_%{uid}`),
      uid: 1234,
    });
    expect(loaded.source).toBe('default_ccache_name');
    expect(loaded.path).toBe(join(tmp.path, 'krb5cc_1234'));
    expect(describeCcache(loaded, new Date('2026-12-04T20:00:00Z'))).toBe(
      `using the ticket cache FILE:${tmp.path}/krb5cc_1234 (user@MIT.TEST, TGT valid until 2026-12-05T04:31:04.000Z)`,
    );
    expect(describeCcache(loaded, new Date('2026-12-06T00:00:00Z'))).toContain(
      'TGT expired at 2026-12-05T04:31:04.000Z',
    );
  });

  it('DIR: reads the cache named by primary; DIR:: one file; no primary means tkt', async () => {
    const dir = join(SRC, 'mit-dir');
    const primary = await readCcache({ env: { KRB5CCNAME: `DIR:${dir}` } });
    expect(primary.name).toBe(`DIR::${dir}/tkthawcPm`);
    expect(primary.requested).toBe(`DIR:${dir}`);
    expect(primary.cache.defaultPrincipal.components).toEqual(['admin', 'admin']);
    const one = await readCcache({ name: `DIR::${dir}/tkt` });
    expect(one).toMatchObject({ source: 'given', path: join(dir, 'tkt') });
    expect(one.cache.defaultPrincipal.components).toEqual(['user']);
    const fallback = await readCcache({ name: `DIR:${tmp.path}/noprimary` });
    expect(fallback.path).toBe(join(tmp.path, 'noprimary', 'tkt'));
    expect((await failure(() => readCcache({ name: `DIR:${tmp.path}/badprimary` }))).code).toBe(
      'CCACHE_MALFORMED',
    );
  });

  it('a missing cache names the path and the kinit to run', async () => {
    const path = join(tmp.path, 'nothing');
    const e = await failure(() =>
      readCcache({ name: `FILE:${path}`, config: withDefault('FILE:/x') }),
    );
    expect(e.code).toBe('CCACHE_NOT_FOUND');
    expect(e.message).toContain(path);
    expect(e.message).toContain('run kinit admin@MIT.TEST first');
    expect((await failure(() => readCcache({ name: `DIR:${tmp.path}/nodir` }))).message).toContain(
      `DIR::${tmp.path}/nodir/tkt`,
    );
  });

  it('too large, not a file, not a cache', async () => {
    const big = await failure(() => readCcache({ name: join(tmp.path, 'big') }));
    expect(big.code).toBe('CCACHE_TOO_LARGE');
    expect(big.message).toContain('1 MiB');
    expect((await failure(() => readCcache({ name: tmp.path }))).code).toBe('CCACHE_NAME_INVALID');
    // A FIFO neither hangs the open nor is read.
    if (existsSync(join(tmp.path, 'fifo')))
      expect((await failure(() => readCcache({ name: join(tmp.path, 'fifo') }))).code).toBe(
        'CCACHE_NAME_INVALID',
      );
    const junk = await failure(() => readCcache({ name: join(tmp.path, 'junk') }));
    expect(junk.code).toBe('CCACHE_TRUNCATED');
    expect(junk.message).toContain(`FILE:${join(tmp.path, 'junk')}`);
  });
});
