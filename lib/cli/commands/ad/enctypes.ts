/** keytab ad enctypes ACCOUNT LIST: msDS-SupportedEncryptionTypes. */
import type { Argv, CommandModule } from 'yargs';
import { requireAccount } from '../../../ad/account.js';
import { decodeEnctypeBits, parseEnctypeBits } from '../../../ad/flags.js';
import { setSupportedEnctypes } from '../../../ad/writes.js';
import type { CliContext } from '../../context.js';
import { warn } from '../../context.js';
import { subcommand, changesToJson, printChanges, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { accountPositional, allowWeakOption, dryRunOption, jsonOption } from '../../option-defs.js';

interface EnctypesArgs extends DirectoryArgs {
  account: string;
  list: string[];
  'allow-weak': boolean;
  'dry-run': boolean;
  json: boolean;
}

const show = (v: number | undefined): string =>
  v === undefined
    ? '(not set)'
    : `0x${v.toString(16)} (${decodeEnctypeBits(v).join(', ') || 'none'})`;

export const enctypesCommand = (ctx: CliContext): CommandModule<object, EnctypesArgs> =>
  subcommand<EnctypesArgs>({
    command: 'enctypes <account> <list..>',
    describe:
      'Set msDS-SupportedEncryptionTypes: which enctypes AD issues tickets for the account with',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .positional('account', accountPositional())
        .positional('list', {
          type: 'string',
          array: true,
          describe:
            'enctypes (aes256, aes128, rc4, ... or "ad"), feature words (aes-sk, fast, claims, compound-identity), a mask (0x18), or "default" to remove the setting',
        })
        .option('allow-weak', allowWeakOption('allow single-DES bits'))
        .option('dry-run', dryRunOption('show the LDAP change, change nothing'))
        .option('json', jsonOption())
        .example(
          '$0 ad enctypes svc-web aes256,aes128',
          'AES tickets only (0x18)',
        ) as Argv<EnctypesArgs>,
    handler: async (args) => {
      const parsed = parseEnctypeBits(args.list.join(','), { allowWeak: args['allow-weak'] });
      for (const w of parsed.warnings) warn(ctx, w);
      await withDirectory(ctx, args, async (dir) => {
        const account = await requireAccount(dir, args.account);
        const dryRun = args['dry-run'];
        const r = await setSupportedEnctypes(dir, account, parsed.value, { dryRun });
        const before = account.msDSSupportedEncryptionTypes;
        if (args.json) {
          writeJson(ctx, {
            dryRun,
            account: account.sAMAccountName,
            dn: account.dn,
            before: before ?? null,
            after: parsed.value ?? null,
            names: parsed.value === undefined ? [] : decodeEnctypeBits(parsed.value),
            changes: changesToJson(r.changes),
          });
          return;
        }
        if (dryRun) printChanges(ctx, r.changes, true);
        ctx.stdout.write(
          `msDS-SupportedEncryptionTypes of ${account.sAMAccountName}: ${show(before)} ${dryRun ? 'would become' : r.applied ? '->' : 'stays'} ${show(parsed.value)}\n`,
        );
        if (r.applied)
          ctx.stdout.write(
            'tickets issued from now on use these enctypes; the keys themselves change only at the next password set\n',
          );
      });
    },
  });
