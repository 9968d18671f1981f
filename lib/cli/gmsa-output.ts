/**
 * What `keytab gmsa` prints: the account, its kvno and schedule, the salt and whether the KDC
 * agrees, and what happened to the keytab; or the same as JSON (--json). Never a key or the
 * password: entries are shown as principal, kvno and enctype.
 */
import type { AccountRecord } from '../ad/account.js';
import type { ManagedPasswordSchedule } from '../ad/gmsa-blob.js';
import type { GmsaPlan } from '../ad/gmsa-plan.js';
import type { EnctypeInfo } from '../crypto/enctypes.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import type { CliContext } from './context.js';
import type { SaltCheck } from './gmsa-kdc.js';
import type { KeytabLocation } from './io.js';
import { describeEntry, jsonEntry } from './output.js';

export interface GmsaReportInput {
  readonly account: AccountRecord;
  readonly loc: KeytabLocation;
  readonly plan: GmsaPlan;
  readonly salt: SaltCheck & { readonly rule: string };
  readonly schedule: ManagedPasswordSchedule;
  readonly dryRun: boolean;
  readonly refresh: boolean;
  readonly principals: readonly Principal[];
  readonly enctypes: readonly EnctypeInfo[];
  /** The kvno of the current password's keys. */
  readonly kvno: number;
  readonly hasPrevious: boolean;
}

export interface GmsaReport {
  readonly dryRun: boolean;
  readonly refresh: boolean;
  readonly account: string;
  readonly dn: string;
  readonly kvno: number;
  /** AD still has the previous password (written at kvno-1 with --previous or --refresh). */
  readonly previousPassword: boolean;
  readonly upcoming: boolean;
  readonly nextChange: string;
  readonly unchangedUntil: string;
  readonly salt: {
    readonly text: string;
    readonly rule: string;
    readonly kdc: SaltCheck['result'];
    readonly note?: string;
  };
  readonly principals: readonly string[];
  readonly enctypes: readonly string[];
  readonly keytab: {
    readonly name: string;
    readonly changed: boolean;
    readonly written: boolean;
    readonly kvnos: readonly number[];
    readonly added: readonly ReturnType<typeof jsonEntry>[];
    readonly removed: readonly ReturnType<typeof jsonEntry>[];
    readonly kept: number;
    readonly total: number;
  };
}

/** ISO 8601 to the second (the intervals count from when the blob was read). */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const json = (entries: readonly KeytabEntry[]): ReturnType<typeof jsonEntry>[] =>
  entries.map((e) => jsonEntry(e, false));

export function gmsaReport(input: GmsaReportInput): GmsaReport {
  const { account, plan, salt, schedule } = input;
  return {
    dryRun: input.dryRun,
    refresh: input.refresh,
    account: account.sAMAccountName,
    dn: account.dn,
    kvno: input.kvno,
    previousPassword: input.hasPrevious,
    upcoming: schedule.upcoming,
    nextChange: isoSeconds(schedule.changesAt),
    unchangedUntil: isoSeconds(schedule.unchangedUntil),
    salt: {
      text: salt.saltText,
      rule: salt.rule,
      kdc: salt.result,
      ...(salt.note !== undefined ? { note: salt.note } : {}),
    },
    principals: input.principals.map((p) => formatPrincipal(p)),
    enctypes: input.enctypes.map((e) => e.name),
    keytab: {
      name: input.loc.display,
      changed: plan.changed,
      written: plan.changed && !input.dryRun,
      kvnos: plan.kvnos,
      added: json(plan.added),
      removed: json(plan.removed),
      kept: plan.others.length,
      total: plan.entries.length,
    },
  };
}

function textLines(
  r: GmsaReport,
  plan: { added: readonly KeytabEntry[]; removed: readonly KeytabEntry[] },
): string[] {
  const lines = [
    `${r.account} (${r.dn}): msDS-KeyVersionNumber ${r.upcoming ? r.kvno - 1 : r.kvno}${r.previousPassword ? ', previous password available' : ''}`,
    `salt: "${r.salt.text}" (${r.salt.rule}; ${r.salt.kdc === 'agrees' ? 'the KDC agrees' : r.salt.kdc === 'differs' ? "the KDC's" : 'not cross-checked'})`,
  ];
  const k = r.keytab;
  if (!k.changed) {
    lines.push(`${k.name}: up to date (kvno ${k.kvnos.join(', ')}); nothing written`);
  } else {
    const verb = r.dryRun ? 'would add' : 'added';
    for (const e of plan.added) lines.push(`${verb}: ${describeEntry(e)}`);
    for (const e of plan.removed)
      lines.push(`${r.dryRun ? 'would remove' : 'removed'}: ${describeEntry(e)}`);
    if (plan.added.length === 0 && plan.removed.length === 0)
      lines.push('the keys are the same as before');
    lines.push(
      `${r.dryRun ? 'dry run: nothing written; ' : ''}${k.name}: ${k.total} entries (kvno ${k.kvnos.join(', ')} of ${r.account}${k.kept ? `, ${k.kept} entries of other principals kept` : ''})`,
    );
  }
  lines.push(
    `AD changes the password next at ${r.nextChange}${r.refresh ? '; run --refresh again after that (a daily timer is enough)' : ''}`,
  );
  return lines;
}

export function printGmsaReport(ctx: CliContext, input: GmsaReportInput, asJson: boolean): void {
  const report = gmsaReport(input);
  if (asJson) {
    ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const line of textLines(report, input.plan)) ctx.stdout.write(`${line}\n`);
}
