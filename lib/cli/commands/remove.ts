import { KtError } from '../../errors.js';
import { matchesFilter, olderKvnoEntries } from '../../keytab/ops.js';
import type { KeytabEntry } from '../../keytab/types.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { keytabLocation, readKeytab, writeKeytab } from '../io.js';
import { withKeytabLock } from '../lock.js';
import { enctypeFilter, kvnoList, principalPatterns, warnRealmCase } from '../options.js';
import { describeEntry, jsonEntry } from '../output.js';
import { dryRunOption, jsonOption } from '../option-defs.js';

interface RemoveArgs {
  file: string | undefined;
  principal: string[] | undefined;
  kvno: (string | number)[] | undefined;
  enctype: (string | number)[] | undefined;
  'keep-kvnos': number | undefined;
  'dry-run': boolean;
  json: boolean;
}

// prettier-ignore
export const removeCommand = defineCommand<RemoveArgs>((ctx: CliContext) => ({
  command: 'remove [file]',
  aliases: ['rm'],
  describe: 'Remove entries by principal, kvno or enctype, or keep only the newest kvnos',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'keytab to edit in place; default $KRB5_KTNAME, then /etc/krb5.keytab' })
      .option('principal', { alias: 'p', type: 'string', array: true, describe: 'only this principal (repeatable); without @REALM, in any realm' })
      .option('kvno', { type: 'string', array: true, describe: 'only these key versions (repeatable or comma-separated)' })
      .option('enctype', { alias: 'e', type: 'string', array: true, describe: 'only these enctypes: names or numbers (repeatable or comma-separated)' })
      .option('keep-kvnos', { type: 'number', describe: 'remove all but the newest N kvnos of each principal' })
      .option('dry-run', dryRunOption('show what would be removed, change nothing'))
      .option('json', jsonOption('print the removed entries as JSON'))
      .example('$0 remove app.keytab -p HTTP/web.example.com@EXAMPLE.COM --kvno 2', 'drop one key version')
      .example('$0 remove app.keytab -e rc4-hmac -e des-cbc-md5', 'drop weak enctypes')
      .example('$0 remove app.keytab --keep-kvnos 2 --dry-run', 'preview pruning to the two newest kvnos'),
  handler: async (args) => {
    const filter = {
      principals: principalPatterns(args.principal),
      kvnos: kvnoList(args.kvno),
      enctypes: enctypeFilter(args.enctype),
    };
    warnRealmCase(ctx, args.principal);
    const keep = args.keepKvnos;
    if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) {
      throw new KtError('USAGE', `--keep-kvnos ${keep}: give a whole number of at least 1`);
    }
    if (!filter.principals.length && !filter.kvnos.length && !filter.enctypes.length && keep === undefined) {
      throw new KtError('USAGE', 'say what to remove: -p PRINCIPAL, --kvno N, -e ENCTYPE or --keep-kvnos N', {
        hint: 'to empty a keytab, delete the file',
      });
    }
    const loc = keytabLocation(ctx, args.file);
    const prune = async (): Promise<{ removed: KeytabEntry[]; kept: KeytabEntry[] }> => {
      const kt = await readKeytab(ctx, loc);
      const older = keep === undefined ? undefined : olderKvnoEntries(kt.entries, keep);
      const doomed = (e: KeytabEntry): boolean => matchesFilter(e, filter) && (older === undefined || older.has(e));
      const removed = kt.entries.filter(doomed);
      const kept = kt.entries.filter((e) => !doomed(e));
      if (!args.dryRun && removed.length > 0) writeKeytab(ctx, loc, { entries: kept });
      return { removed, kept };
    };
    // Read, filter and write under the keytab lock; report once the file is written.
    const { removed, kept } = args.dryRun ? await prune() : await withKeytabLock(ctx, loc.path, { create: false }, prune);

    if (args.json) {
      ctx.stdout.write(JSON.stringify({ dryRun: args.dryRun, keytab: loc.display, removed: removed.map((e) => jsonEntry(e, false)), remaining: kept.length }, null, 2) + '\n');
    } else {
      const verb = args.dryRun ? 'would remove' : 'removed';
      for (const e of removed) ctx.stdout.write(`${verb}: ${describeEntry(e)}\n`);
      if (removed.length === 0) ctx.stdout.write(`no entry matched; ${loc.display} unchanged\n`);
      else ctx.stdout.write(`${args.dryRun ? 'dry run: ' : ''}${removed.length} ${verb}, ${kept.length} left in ${loc.display}\n`);
    }
  },
}));
