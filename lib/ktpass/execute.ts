/**
 * Carries out a ktpass plan: the directory changes in the plan's order, the keys, and the
 * keytab, staged around the password reset so that AD and the keytab never disagree:
 *
 *   1. the keys are made at the kvno AD is expected to give them (the plan's kvno) and written
 *      to /out before the reset, so a failure after the reset still leaves a matching keytab;
 *   2. the reset;
 *   3. refused: /out is put back byte for byte as it was before step 1 (or removed if it did
 *      not exist), and the error goes on;
 *   4. done: if AD reports another kvno, the keys are made again at that kvno and rewritten.
 *
 * Pure: the directory, the keytab file and the output lines are injected (lib/cli/ktpass.ts
 * gives the real ones; the tests give fakes).
 */
import { mergeEntries } from '../keytab/ops.js';
import { serializeKeytab } from '../keytab/encode.js';
import type { KeytabEntry } from '../keytab/types.js';
import { makeEntries } from '../keys.js';
import type { DirectoryStep, KtpassAccount, KtpassPlan } from './plan.js';

/** What ktpass needs from the directory; lib/cli/ktpass-directory.ts implements it over lib/ad. */
export interface KtpassDirectory {
  /** For "Targeting domain controller: ...". */
  readonly target: string;
  findAccount(name: string): Promise<KtpassAccount>;
  /** Carries out one step on the account found; a password reset returns AD's new kvno. */
  apply(step: DirectoryStep, plan: KtpassPlan, password: Uint8Array): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The /out keytab, as the executor sees it. */
export interface KtpassOutFile {
  /** The file's bytes now, or undefined when there is no file. */
  read(): Uint8Array | undefined;
  /** Replaces the file with these bytes (atomically). */
  write(bytes: Uint8Array): void;
  /** Removes the file (nothing if there is none). */
  remove(): void;
}

export interface KtpassRun {
  readonly plan: KtpassPlan;
  readonly password: Uint8Array;
  /** The entries' timestamp (seconds). */
  readonly timestamp: number;
  /** The entries of /in, kept in /out before the new keys. */
  readonly existing: readonly KeytabEntry[];
}

export interface KtpassRunDeps {
  /** With /mapuser: the directory, the plan's account already read from it. */
  readonly directory?: KtpassDirectory | undefined;
  /** With /out. */
  readonly out?: KtpassOutFile | undefined;
  /** ktpass's progress lines (standard output). */
  readonly say: (line: string) => void;
  /** Notes on what was done differently from the plan or from ktpass (standard error). */
  readonly note: (line: string) => void;
}

export interface KtpassRunResult {
  /** The new keys. */
  readonly entries: readonly KeytabEntry[];
  /** Everything written to /out (the new keys alone without /out). */
  readonly written: readonly KeytabEntry[];
}

/** Puts a file back as it was (or removes it if it did not exist). */
function snapshot(file: KtpassOutFile): () => void {
  const before = file.read();
  return () => (before === undefined ? file.remove() : file.write(before));
}

export async function runKtpassPlan(run: KtpassRun, deps: KtpassRunDeps): Promise<KtpassRunResult> {
  const { plan, password, timestamp, existing } = run;
  const { directory, out, say, note } = deps;
  const makeKeys = (kvno: number): Promise<KeytabEntry[]> =>
    makeEntries({
      principal: plan.principal,
      kvno,
      timestamp,
      enctypes: plan.enctypes,
      source: { kind: 'password', password, salt: plan.salt, iterations: plan.iterations },
    });
  const writeOut = (entries: readonly KeytabEntry[]): readonly KeytabEntry[] => {
    if (!out) return entries;
    const merged = mergeEntries(
      [
        { name: plan.in ?? 'in', entries: existing },
        { name: 'new', entries },
      ],
      { preferLast: true },
    ).entries;
    out.write(serializeKeytab({ entries: merged }));
    return merged;
  };

  let entries = await makeKeys(plan.kvno);
  const account = plan.account;
  if (!directory || !account) return { entries, written: writeOut(entries) };

  let written: readonly KeytabEntry[] | undefined;
  const restore = out ? snapshot(out) : undefined;
  for (const step of plan.directory) {
    if (step.op !== 'set-password') {
      await directory.apply(step, plan, password);
      if (step.op === 'map') say(`Successfully mapped ${step.spn} to ${account.sAMAccountName}.`);
      if (step.op === 'set-enctypes')
        note(
          `msDS-SupportedEncryptionTypes of ${account.sAMAccountName} set to 0x${step.bits.toString(16)}: ${step.why}`,
        );
      continue;
    }
    // Stage the keys at the kvno AD will give them; undo it if the reset fails.
    written = writeOut(entries);
    let kvno: number | undefined;
    try {
      kvno = await directory.apply(step, plan, password);
    } catch (err) {
      restore?.();
      throw err;
    }
    say('Password successfully set!');
    if (kvno !== undefined && kvno !== plan.kvno) {
      note(`AD reports kvno ${kvno}, not ${plan.kvno}: the keytab is rewritten with kvno ${kvno}`);
      entries = await makeKeys(kvno);
      written = writeOut(entries);
    }
  }
  return { entries, written: written ?? writeOut(entries) };
}
