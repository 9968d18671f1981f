/** keytab ad flags ACCOUNT [+|-]FLAG...: userAccountControl bits. */
import type { Argv, CommandModule } from 'yargs';
import { requireAccount } from '../../../ad/account.js';
import { ACCOUNT_FLAGS, decodeUac, parseFlagChanges } from '../../../ad/flags.js';
import { setFlags } from '../../../ad/writes.js';
import type { CliContext } from '../../context.js';
import { subcommand, changesToJson, printChanges, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { accountPositional, dryRunOption, jsonOption } from '../../option-defs.js';

interface FlagsArgs extends DirectoryArgs {
  account: string;
  flag: string[] | undefined;
  'dry-run': boolean;
  json: boolean;
}

const show = (v: number): string => `0x${v.toString(16)} (${decodeUac(v).join(', ')})`;

export const flagsCommand = (ctx: CliContext): CommandModule<object, FlagsArgs> =>
  subcommand<FlagsArgs>({
    command: 'flags <account> <flag..>',
    describe:
      'Turn userAccountControl flags on (+) or off (-): delegation, dont-expire, no-preauth, disabled, des-only',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        // "-disabled" must reach us as a flag word, not as an unknown option.
        .parserConfiguration({ 'unknown-options-as-args': true })
        .positional('account', accountPositional())
        .positional('flag', {
          type: 'string',
          array: true,
          describe: `+NAME or -NAME (also ~NAME); NAME: ${ACCOUNT_FLAGS.map((f) => f.name).join(', ')}`,
        })
        .option('dry-run', dryRunOption('show the LDAP change, change nothing'))
        .option('json', jsonOption())
        .epilogue(
          ACCOUNT_FLAGS.map(
            (f) => `  ${f.name.padEnd(12)} ${f.words} (0x${f.bit.toString(16)})`,
          ).join('\n'),
        )
        .example('$0 ad flags svc-web +dont-expire -disabled', '')
        .example(
          '$0 ad flags WEB$ +delegation',
          'the "Trust this computer for delegation" box',
        ) as Argv<FlagsArgs>,
    handler: async (args) => {
      const changes = parseFlagChanges((args.flag ?? []).map(String));
      await withDirectory(ctx, args, async (dir) => {
        const account = await requireAccount(dir, args.account);
        const dryRun = args['dry-run'];
        const r = await setFlags(dir, account, changes, { dryRun });
        if (args.json) {
          writeJson(ctx, {
            dryRun,
            account: account.sAMAccountName,
            dn: account.dn,
            before: r.before,
            after: r.after,
            words: decodeUac(r.after),
            changes: changesToJson(r.changes),
          });
          return;
        }
        if (dryRun) printChanges(ctx, r.changes, true);
        ctx.stdout.write(
          `userAccountControl of ${account.sAMAccountName}: ${show(r.before)} ${dryRun ? 'would become' : r.applied ? '->' : 'stays'} ${show(r.after)}\n`,
        );
      });
    },
  });
