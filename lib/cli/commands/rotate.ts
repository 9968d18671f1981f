/**
 * keytab rotate: a new random password for an AD account and new keys for the principals its
 * keytab holds, without an outage (the steps and why they are safe: lib/rotate.ts).
 */
import { dirname, resolve } from 'node:path';
import { accountSalt, nextKvno, requireAccount, rereadAccount } from '../../ad/account.js';
import type { AccountRecord } from '../../ad/account.js';
import type { LdapDirectory } from '../../ad/directory.js';
import { randomPassword, setPassword } from '../../ad/password.js';
import { readSpnMappings } from '../../ad/spn.js';
import { utf8 } from '../../bytes.js';
import { KtError } from '../../errors.js';
import type { KeytabEntry } from '../../keytab/types.js';
import { formatPrincipal } from '../../principal.js';
import { previewRotation, rotatedEntries } from '../../rotate.js';
import { accountTargets } from '../rotate-targets.js';
import type { RotationTarget } from '../../rotate.js';
import { parseRows } from '../batch.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { isStdio } from '../context.js';
import { checkWritable, readBytes, writeFileAtomic } from '../io.js';
import { principalArg } from '../key-options.js';
import {
  KEEP_DEFAULT,
  KEEP_DESCRIBE,
  checkKeep,
  keepsLine,
  keptLine,
  rotatedKvnos,
} from '../keep-option.js';
import { warnRealmCase } from '../options.js';
import { describeEntry, entryCount, textTable } from '../output.js';
import { progress } from '../progress.js';
import { directoryOptions, withDirectory } from './ad/common.js';
import { runSelfRotation, selfOptions, type SelfArgs } from '../rotate-self-command.js';
import {
  beginRotation,
  writePruned,
  writeStaged,
  type RotationHooks,
  type RotationOptions,
} from '../rotation-keytab.js';
import type { DirectoryArgs } from './ad/common.js';
import { dryRunOption, jsonOption } from '../option-defs.js';

interface RotateArgs extends DirectoryArgs, SelfArgs {
  keytab: string | undefined;
  account: string | undefined;
  principal: string[] | undefined;
  keep: number;
  from: string | undefined;
  'dry-run': boolean;
  json: boolean;
}

export interface Rotation {
  keytab: string;
  account: string;
  ok: boolean;
  kvno?: { from: number; to: number };
  principals?: string[];
  /** The keytab's principals that are not the account's: left byte for byte as they were. */
  unchanged?: string[];
  removedKvnos?: number[];
  error?: string;
  hint?: string;
}

export interface Job {
  keytab: string;
  account: string;
  principals: readonly string[];
  keep: number;
}

// prettier-ignore
export const rotateCommand = defineCommand<RotateArgs>((ctx: CliContext) => ({
  command: 'rotate [keytab]',
  describe: 'New random password for an AD account and new keys in its keytab, keeping the previous kvno',
  builder: (y) =>
    selfOptions(directoryOptions(
      y
        .positional('keytab', { type: 'string', describe: 'the keytab to renew (holds the keys of the account\'s principals)' })
        .option('account', { alias: 'a', type: 'string', describe: 'the AD account (sAMAccountName, UPN or DN) whose password changes' })
        .option('principal', { alias: 'p', type: 'string', array: true, describe: 'renew only these principals (default: every principal in the keytab)' })
        .option('keep', { type: 'number', default: KEEP_DEFAULT, describe: KEEP_DESCRIBE })
        .option('from', { type: 'string', describe: 'rotate many accounts: a CSV/JSON file with keytab, account[, principals, keep] per row' })
        .option('dry-run', dryRunOption('print the plan, change nothing'))
        .option('json', jsonOption()),
    ))
      .example('$0 rotate /etc/tomcat.keytab --account svc-tomcat', 'new password, new keys, kvno-1 kept')
      .example('$0 rotate /etc/krb5.keytab --self --max-age 30', 'the host renews its own password through kpasswd (cron)')
      .example('$0 rotate /etc/tomcat.keytab --account svc-tomcat --dry-run', 'what would happen')
      .example('$0 rotate --from rotations.csv', 'many accounts; carries on after a failure'),
  handler: async (args) => {
    checkKeep(args.keep);
    if (args.self) return runSelfRotation(ctx, args);
    let jobs: Job[];
    if (args.from !== undefined) {
      if (args.keytab !== undefined || args.account !== undefined || args.principal !== undefined) {
        throw new KtError('USAGE', '--from names the keytab and account of every row; drop the keytab, --account and -p');
      }
      jobs = await jobsFrom(ctx, args.from, args.keep);
    } else {
      if (args.keytab === undefined) throw new KtError('USAGE', 'give the keytab to renew (or --from FILE)');
      if (args.account === undefined) throw new KtError('USAGE', 'give the AD account whose password changes with --account');
      warnRealmCase(ctx, args.principal);
      jobs = [{ keytab: args.keytab, account: args.account, principals: args.principal ?? [], keep: args.keep }];
    }

    const results: Rotation[] = [];
    await withDirectory(
      ctx,
      args,
      async (dir) => {
        const bar = jobs.length > 1 ? progress(ctx, 'rotating', jobs.length, 'accounts') : undefined;
        for (const job of jobs) {
          try {
            results.push(await rotateKeytab(ctx, dir, job, { dryRun: args['dry-run'], verbose: !args.json }));
          } catch (err) {
            // One account failing must not stop the others (the batch reports it at the end).
            if (jobs.length === 1 || !(err instanceof KtError)) throw err;
            results.push({ keytab: job.keytab, account: job.account, ok: false, error: err.message, ...(err.hint ? { hint: err.hint } : {}) });
          }
          bar?.tick();
        }
        bar?.done();
      },
      { passwordWrite: !args['dry-run'] },
    );

    if (args.json) ctx.stdout.write(`${JSON.stringify({ dryRun: args['dry-run'], rotations: results }, null, 2)}\n`);
    else if (jobs.length > 1) {
      ctx.stdout.write('\nsummary:\n');
      const rows = results.map((r) => ['', r.ok ? 'ok' : 'FAILED', r.account, r.keytab, r.ok ? `kvno ${r.kvno?.from} -> ${r.kvno?.to}` : `${r.error}${r.hint ? ` (${r.hint})` : ''}`]);
      ctx.stdout.write(textTable(['', 'status', 'account', 'keytab', 'result'], rows));
      const failed = results.filter((r) => !r.ok).length;
      ctx.stdout.write(`${results.length - failed} rotated, ${failed} failed\n`);
    }
    if (results.some((r) => !r.ok)) ctx.exitCode = 1;
  },
}));

// prettier-ignore
const JOB_FIELDS = {
  keytab: { key: 'keytab', kind: 'string' },
  account: { key: 'account', kind: 'string' },
  principals: { key: 'principals', kind: 'list' },
  keep: { key: 'keep', kind: 'number' },
} as const;

async function jobsFrom(ctx: CliContext, from: string, keep: number): Promise<Job[]> {
  const path = isStdio(from) ? '-' : resolve(ctx.cwd, from);
  const text = new TextDecoder().decode(await readBytes(ctx, { path, display: path }));
  const base = path === '-' ? ctx.cwd : dirname(path);
  const rows = parseRows(text, JOB_FIELDS, ['keytab', 'account']);
  if (rows.length === 0) throw new KtError('INPUT_INVALID', `${path}: no rows`);
  return rows.map((r) => {
    const principals =
      r.principals === undefined ? [] : String(r.principals).split(',').filter(Boolean);
    warnRealmCase(ctx, principals, `batch spec, row ${r.line}:`);
    return {
      keytab: resolve(base, String(r.keytab)),
      account: String(r.account),
      principals,
      keep: typeof r.keep === 'number' ? r.keep : keep,
    };
  });
}

function describePlan(
  account: AccountRecord,
  targets: readonly RotationTarget[],
  next: number,
  keep: number,
  removed: readonly KeytabEntry[],
  kept: readonly number[],
  keytab: string,
  salt: string,
  others: readonly string[],
): string[] {
  const kvnos = [...new Set(removed.map((e) => e.kvno))].sort((a, b) => a - b);
  return [
    `account ${account.sAMAccountName} (${account.dn}): a new random password; kvno ${account.msDSKeyVersionNumber} -> ${next}`,
    ...targets.map(
      (t) =>
        `  new keys: ${formatPrincipal(t.principal)} kvno ${next} ${t.enctypes.map((e) => e.name).join(', ')}`,
    ),
    `  salt: "${salt}" (the salt AD uses for ${account.sAMAccountName})`,
    `  keytab ${keytab}: ${keepsLine(kept, kvnos, keep)}`,
    ...(others.length
      ? [`  left as they are (not ${account.sAMAccountName}'s): ${others.join(', ')}`]
      : []),
  ];
}

// The crash tests name the steps of rotateKeytab from here.
export type { RotationHooks, RotationStep } from '../rotation-keytab.js';

/** One rotation (the command's work for one keytab and account). */
export async function rotateKeytab(
  ctx: CliContext,
  dir: LdapDirectory,
  job: Job,
  options: RotationOptions = {},
  hooks: RotationHooks = {},
): Promise<Rotation> {
  using opened = await beginRotation(ctx, job.keytab, options);
  const { dryRun, say, loc, keytab, original } = opened;
  const account = await requireAccount(dir, job.account);
  const { targets, others } = accountTargets(
    keytab.entries,
    job.principals.map((p) => principalArg(p)),
    account,
    await readSpnMappings(dir),
    loc.display,
  );
  const predicted = nextKvno(account);
  const salt = accountSalt(account, account.realm);
  const preview = previewRotation(keytab.entries, targets, predicted, job.keep);
  const plan = describePlan(
    account,
    targets,
    predicted,
    job.keep,
    preview.removed,
    rotatedKvnos(preview.kept, targets),
    loc.display,
    salt.text,
    others,
  );
  const base: Rotation = {
    keytab: loc.path,
    account: account.sAMAccountName,
    ok: true,
    principals: targets.map((t) => formatPrincipal(t.principal)),
    ...(others.length ? { unchanged: others } : {}),
  };
  if (dryRun) {
    say('dry run: nothing is changed');
    for (const line of plan) say(line);
    return {
      ...base,
      kvno: { from: account.msDSKeyVersionNumber ?? 0, to: predicted },
      removedKvnos: [...new Set(preview.removed.map((e) => e.kvno))],
    };
  }
  checkWritable(loc.path);

  const password = randomPassword(ctx.random, { length: 32, avoid: [account.sAMAccountName] });
  const timestamp = ctx.now();
  // 1. stage the new keys next to the old ones, at the kvno AD will give them
  let fresh = await rotatedEntries(targets, utf8(password), salt, predicted, timestamp);
  writeStaged(ctx, opened, fresh);
  await hooks.after?.('staged');
  // 2. the new password. If that fails, the staged keytab is right either way (old and new
  // keys); it goes back to what it was only when AD shows its kvno unchanged.
  let kvno: number;
  try {
    kvno = (await setPassword(dir, account, password)).kvno;
  } catch (err) {
    const now = await rereadAccount(dir, account).catch(() => undefined);
    if (now?.msDSKeyVersionNumber === account.msDSKeyVersionNumber)
      writeFileAtomic(loc.path, original);
    throw err;
  }
  say(`password of ${account.sAMAccountName} changed; msDS-KeyVersionNumber is now ${kvno}`);
  await hooks.after?.('password-set');
  // 3. AD decides the kvno: if it is not the one predicted, the keys are staged again
  if (kvno !== predicted) {
    say(`AD gave kvno ${kvno}, not ${predicted}: the new keys are written with kvno ${kvno}`);
    fresh = await rotatedEntries(targets, utf8(password), salt, kvno, timestamp);
    writeStaged(ctx, opened, fresh);
  }
  await hooks.after?.('confirmed');
  // 4. keep the new kvno and `keep` previous ones
  const { kept, removed } = writePruned(ctx, opened, fresh, targets, job.keep);
  await hooks.after?.('pruned');
  for (const e of fresh) say(`added: ${describeEntry(e)}`);
  const removedKvnos = [...new Set(removed.map((e) => e.kvno))].sort((a, b) => a - b);
  say(keptLine(rotatedKvnos(kept, targets), removedKvnos, job.keep));
  if (others.length)
    say(`left as they were (not ${account.sAMAccountName}'s): ${others.join(', ')}`);
  say(`${loc.display}: ${entryCount(kept.length)}`);
  return { ...base, kvno: { from: account.msDSKeyVersionNumber ?? 0, to: kvno }, removedKvnos };
}
