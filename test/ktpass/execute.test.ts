/**
 * lib/ktpass/execute.ts with a fake directory and an in-memory /out: the error paths of the
 * staged password reset (stage the keys, reset refused -> /out restored byte for byte, reset
 * done at another kvno -> keys made again at AD's kvno), which a real DC cannot be made to
 * produce on demand.
 */
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../lib/bytes.js';
import { KtError } from '../../lib/errors.js';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { serializeKeytab } from '../../lib/keytab/encode.js';
import type { KeytabEntry } from '../../lib/keytab/types.js';
import { makeEntries } from '../../lib/keys.js';
import { runKtpassPlan } from '../../lib/ktpass/execute.js';
import type { KtpassDirectory, KtpassOutFile } from '../../lib/ktpass/execute.js';
import { normalizeKtpassArgv } from '../../lib/ktpass/argv.js';
import { planKtpass } from '../../lib/ktpass/plan.js';
import type { DirectoryStep, KtpassAccount, KtpassPlan } from '../../lib/ktpass/plan.js';
import { resolveEnctype } from '../../lib/crypto/enctypes.js';
import { parsePrincipal } from '../../lib/principal.js';
import { defaultSalt } from '../../lib/salt/rules.js';

const ACCOUNT: KtpassAccount = {
  dn: 'CN=svc-web,CN=Users,DC=example,DC=test',
  sAMAccountName: 'svc-web',
  userPrincipalName: undefined,
  servicePrincipalName: [],
  msDSKeyVersionNumber: 4,
  msDSSupportedEncryptionTypes: 0x18,
  userAccountControl: 0x200,
  pwdLastSet: undefined,
  objectClass: 'user',
  realm: 'EXAMPLE.TEST',
};
const PASSWORD = utf8('Serv1ce-Pa55');
const TIMESTAMP = 1_700_000_000;

function plan(line: string): KtpassPlan {
  return planKtpass(normalizeKtpassArgv(line.split(' ')), ACCOUNT, { allowWeak: false });
}
const RESET = plan(
  '/out w.keytab /princ HTTP/web.example.test@EXAMPLE.TEST /mapuser svc-web /pass x /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL',
);

/** A file in memory: every write and remove is recorded. */
function memoryFile(
  initial?: Uint8Array,
): KtpassOutFile & { bytes: Uint8Array | undefined; log: string[] } {
  const file = {
    bytes: initial,
    log: [] as string[],
    read: () => file.bytes,
    write: (bytes: Uint8Array) => {
      file.bytes = bytes.slice();
      file.log.push('write');
    },
    remove: () => {
      file.bytes = undefined;
      file.log.push('remove');
    },
  };
  return file;
}

/** A directory whose password reset answers `reset` (a kvno, or an error to throw). */
function fakeDirectory(
  reset: (out: Uint8Array | undefined) => number | undefined | Error,
  out?: { bytes: Uint8Array | undefined },
) {
  const steps: DirectoryStep['op'][] = [];
  const directory: KtpassDirectory = {
    target: 'dc1.example.test',
    findAccount: async () => ACCOUNT,
    async apply(step) {
      steps.push(step.op);
      if (step.op !== 'set-password') return undefined;
      const answer = reset(out?.bytes);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    close: async () => undefined,
  };
  return { directory, steps };
}

const keysAt = (kvno: number): Promise<KeytabEntry[]> =>
  makeEntries({
    principal: RESET.principal,
    kvno,
    timestamp: TIMESTAMP,
    enctypes: RESET.enctypes,
    source: { kind: 'password', password: PASSWORD, salt: RESET.salt },
  });

const lines = () => {
  const said: string[] = [];
  const noted: string[] = [];
  return { said, noted, say: (l: string) => said.push(l), note: (l: string) => noted.push(l) };
};

describe('ktpass executor: the staged password reset', () => {
  it('the plan maps the SPN, then resets the password at AD kvno + 1', () => {
    expect(RESET.directory.map((s) => s.op)).toEqual(['map', 'set-password']);
    expect(RESET.kvno).toBe(5);
  });

  it('stages the keys at the kvno AD will give them before the reset', async () => {
    const out = memoryFile();
    let staged: KeytabEntry[] | undefined;
    const { directory, steps } = fakeDirectory((bytes) => {
      staged = bytes && [...parseKeytab(bytes).entries];
      return 5;
    }, out);
    const io = lines();
    const result = await runKtpassPlan(
      { plan: RESET, password: PASSWORD, timestamp: TIMESTAMP, existing: [] },
      { directory, out, ...io },
    );
    expect(steps).toEqual(['map', 'set-password']);
    expect(staged?.map((e) => [e.kvno, toHex(e.key)])).toEqual(
      (await keysAt(5)).map((e) => [e.kvno, toHex(e.key)]),
    );
    // AD agreed: the staged file is the final one, written once.
    expect(out.log).toEqual(['write']);
    expect(result.written.map((e) => e.kvno)).toEqual([5]);
    expect(io.said).toEqual([
      'Successfully mapped HTTP/web.example.test to svc-web.',
      'Password successfully set!',
    ]);
    expect(io.noted).toEqual([]);
  });

  it('reset refused: /out is put back byte for byte (with its other entries), and the error goes on', async () => {
    const other = await makeEntries({
      principal: parsePrincipal('HTTP/other@EXAMPLE.TEST'),
      kvno: 2,
      timestamp: 1,
      enctypes: [resolveEnctype(18)],
      source: {
        kind: 'password',
        password: 'x',
        salt: defaultSalt(parsePrincipal('HTTP/other@EXAMPLE.TEST')),
      },
    });
    const before = serializeKeytab({ entries: other });
    const out = memoryFile(before.slice());
    const refused = new KtError(
      'AD_PASSWORD_POLICY',
      'the password does not meet the password policy',
    );
    let stagedDuringReset = false;
    const { directory } = fakeDirectory((bytes) => {
      stagedDuringReset = bytes !== undefined && parseKeytab(bytes).entries.length === 2;
      return refused;
    }, out);
    const io = lines();
    await expect(
      runKtpassPlan(
        { plan: RESET, password: PASSWORD, timestamp: TIMESTAMP, existing: other },
        { directory, out, ...io },
      ),
    ).rejects.toBe(refused);
    expect(stagedDuringReset).toBe(true);
    expect(out.log).toEqual(['write', 'write']);
    expect(toHex(out.bytes ?? new Uint8Array())).toBe(toHex(before));
    expect(io.said).not.toContain('Password successfully set!');
  });

  it('reset refused and /out did not exist before: it is removed again', async () => {
    const out = memoryFile();
    const { directory } = fakeDirectory(
      () => new KtError('AD_INSUFFICIENT_RIGHTS', 'no right to reset the password'),
      out,
    );
    await expect(
      runKtpassPlan(
        { plan: RESET, password: PASSWORD, timestamp: TIMESTAMP, existing: [] },
        { directory, out, ...lines() },
      ),
    ).rejects.toMatchObject({ code: 'AD_INSUFFICIENT_RIGHTS' });
    expect(out.log).toEqual(['write', 'remove']);
    expect(out.bytes).toBeUndefined();
  });

  it('reset done, AD reports another kvno: the keys are made again at that kvno and rewritten', async () => {
    const out = memoryFile();
    const { directory } = fakeDirectory(() => 9, out);
    const io = lines();
    const result = await runKtpassPlan(
      { plan: RESET, password: PASSWORD, timestamp: TIMESTAMP, existing: [] },
      { directory, out, ...io },
    );
    const final = parseKeytab(out.bytes ?? new Uint8Array()).entries;
    expect(final.map((e) => [e.kvno, toHex(e.key)])).toEqual(
      (await keysAt(9)).map((e) => [e.kvno, toHex(e.key)]),
    );
    expect(result.entries.map((e) => e.kvno)).toEqual([9]);
    expect(out.log).toEqual(['write', 'write']);
    expect(io.noted).toEqual(['AD reports kvno 9, not 5: the keytab is rewritten with kvno 9']);
  });

  it('without a reset (-setpass): the directory steps, then the keytab once, at the account kvno', async () => {
    const keep = plan(
      '/out w.keytab /princ HTTP/web.example.test@EXAMPLE.TEST /mapuser svc-web /pass x /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL -setpass',
    );
    const out = memoryFile();
    const { directory, steps } = fakeDirectory(() => new Error('no reset expected'), out);
    const result = await runKtpassPlan(
      { plan: keep, password: PASSWORD, timestamp: TIMESTAMP, existing: [] },
      { directory, out, ...lines() },
    );
    expect(steps).toEqual(['map']);
    expect(out.log).toEqual(['write']);
    expect(result.written.map((e) => e.kvno)).toEqual([4]);
  });

  it('offline (no directory): the keys are written once', async () => {
    const offline = planKtpass(
      normalizeKtpassArgv(
        '/out w.keytab /princ HTTP/a@R /pass x /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL'.split(
          ' ',
        ),
      ),
      undefined,
      { allowWeak: false },
    );
    const out = memoryFile();
    const result = await runKtpassPlan(
      { plan: offline, password: PASSWORD, timestamp: TIMESTAMP, existing: [] },
      { out, ...lines() },
    );
    expect(out.log).toEqual(['write']);
    expect(result.written.map((e) => e.kvno)).toEqual([1]);
  });
});
