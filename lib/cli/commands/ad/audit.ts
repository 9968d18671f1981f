/** keytab ad audit: the Kerberos settings of every enabled account with an SPN, as findings with a fix. */
import type { Argv, CommandModule } from 'yargs';
import { AES_BITS, AUDIT_RULES, SEVERITIES } from '../../../ad/audit.js';
import type { Remedy } from '../../../ad/audit.js';
import {
  DEFAULT_AUDIT_PAGE_SIZE,
  DEFAULT_PASSWORD_AGE_DAYS,
  auditDirectory,
  auditSettings,
} from '../../../ad/audit-search.js';
import type { AuditReport } from '../../../ad/audit-search.js';
import type { CliContext } from '../../context.js';
import { warn } from '../../context.js';
import { textTable } from '../../output.js';
import { subcommand, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { jsonOption } from '../../option-defs.js';

interface AuditArgs extends DirectoryArgs {
  json: boolean;
  days: number;
  'page-size': number;
}

/** A word as the shell reads it: quoted when it has anything but plain characters (WEB$). */
function shellWord(text: string): string {
  return /^[A-Za-z0-9._@%+=:,/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The `ad enctypes` list for a msDS-SupportedEncryptionTypes value: aes256,aes128 and any other bits as a mask. */
function enctypesList(value: number): string {
  const rest = (value & ~AES_BITS) >>> 0;
  return `aes256,aes128${rest ? `,0x${rest.toString(16)}` : ''}`;
}

/** Each remedy as the command of this tool that carries it out. */
const FIX_COMMANDS: {
  readonly [A in Remedy['action']]: (r: Extract<Remedy, { action: A }>) => string;
} = {
  'set-enctypes': (r) => `keytab ad enctypes ${shellWord(r.account)} ${enctypesList(r.value)}`,
  'clear-flag': (r) => `keytab ad flags ${shellWord(r.account)} -${r.flag}`,
  rotate: (r) => `keytab rotate KEYTAB --account ${shellWord(r.account)}`,
  'resolve-duplicate-spn': (r) => `keytab ad spn find ${shellWord(r.spn)}`,
};

export function fixCommand(remedy: Remedy): string {
  return (FIX_COMMANDS[remedy.action] as (r: Remedy) => string)(remedy);
}

/** The report as plain data (what `ad audit --json` prints). */
export function auditJson(report: AuditReport): Record<string, unknown> {
  return {
    baseDn: report.baseDn,
    accounts: report.accounts.map((a) => ({
      account: a.account.sAMAccountName,
      dn: a.account.dn,
      kind: a.kind,
      spns: a.account.servicePrincipalName,
      findings: a.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        message: f.message,
        fix: fixCommand(f.remedy),
      })),
    })),
    summary: report.summary,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The report as a table of findings, worst first (the long FINDING text last), and a summary line. */
export function auditText(report: AuditReport, url: string): string {
  const s = report.summary;
  let out = `Audit of ${report.baseDn} (${url}): ${plural(s.accounts, 'enabled account')} with SPNs; passwords older than ${plural(s.maxPasswordAgeDays, 'day')} count as old\n\n`;
  const rows = report.accounts
    .flatMap((a) => a.findings.map((f) => ({ a, f })))
    .sort((x, y) => SEVERITIES.indexOf(x.f.severity) - SEVERITIES.indexOf(y.f.severity))
    .map(({ a, f }) => [
      a.account.sAMAccountName,
      a.kind,
      f.severity,
      f.code,
      fixCommand(f.remedy),
      f.message,
    ]);
  out += rows.length
    ? textTable(['ACCOUNT', 'KIND', 'SEVERITY', 'CODE', 'FIX', 'FINDING'], rows)
    : 'no findings\n';
  const clean = s.accounts - s.withFindings;
  out += `\n${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info on ${s.withFindings} of ${plural(s.accounts, 'account')}; ${clean} without findings`;
  if (s.disabled) out += `; ${plural(s.disabled, 'disabled account')} with SPNs not audited`;
  return `${out}\n`;
}

const LEGEND = AUDIT_RULES.map(
  (r) => `  ${r.code.padEnd(25)} ${r.severity.padEnd(8)} ${r.summary}`,
).join('\n');

// prettier-ignore
export const auditCommand = (ctx: CliContext): CommandModule<object, AuditArgs> =>
  subcommand<AuditArgs>({
    command: 'audit',
    describe: 'Check every enabled account with an SPN: RC4/DES, unset enctypes, old passwords, no pre-auth, unconstrained delegation, duplicate SPNs; exit 1 on any error',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .option('json', jsonOption('print the accounts, findings and summary as JSON'))
        .option('days', { type: 'number', default: DEFAULT_PASSWORD_AGE_DAYS, describe: 'report passwords last set more than this many days ago (PASSWORD_OLD)' })
        .option('page-size', { type: 'number', default: DEFAULT_AUDIT_PAGE_SIZE, describe: 'entries per LDAP page (paged search; AD sends at most 1000)' })
        .epilogue(
          `Findings (code, severity, meaning):\n${LEGEND}\n\n` +
            'Domain controllers are not reported for UNCONSTRAINED_DELEGATION (they always have it); DCs, gMSAs and MSAs not for PASSWORD_OLD (they change their own passwords). ' +
            'Whether an account without msDS-SupportedEncryptionTypes gets AES or RC4 tickets depends on the DC: see its DefaultDomainSupportedEncTypes registry value and KDCSVC events 201-209. ' +
            'Each finding names the keytab command that fixes it; KEYTAB stands for the keytab of the account.',
        )
        .example('$0 ad audit', 'a table of findings; exit 1 if any is an error')
        .example('$0 ad audit --json --days 180', 'JSON; passwords older than 180 days are reported') as Argv<AuditArgs>,
    handler: async (args) => {
      const settings = auditSettings({ maxPasswordAgeDays: args.days, pageSize: args['page-size'] });
      await withDirectory(ctx, args, async (dir) => {
        const report = await auditDirectory(dir, settings);
        if (report.summary.unreadable.length) warn(ctx, `${report.summary.unreadable.length} ${report.summary.unreadable.length === 1 ? 'entry' : 'entries'} with SPNs could not be read as accounts (no sAMAccountName visible to the bind account): ${report.summary.unreadable.join('; ')}`);
        if (args.json) writeJson(ctx, auditJson(report));
        else ctx.stdout.write(auditText(report, dir.url));
        if (report.summary.error > 0) ctx.exitCode = 1;
      });
    },
  });
