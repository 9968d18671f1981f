import { enctypeName } from '../../crypto/enctypes.js';
import { KtError } from '../../errors.js';
import { mergeKeytabFiles } from '../../keytab/merge-files.js';
import type { KeytabFile } from '../../keytab/merge-files.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { isStdio } from '../context.js';
import { keytabLocation, readKeytabBytes, writeKeytabBytes } from '../io.js';
import { withKeytabLock } from '../lock.js';
import { entryCount, plural } from '../output.js';
import { dryRunOption, jsonOption } from '../option-defs.js';

interface MergeArgs {
  inputs: string[];
  output: string;
  'prefer-last': boolean;
  'dry-run': boolean;
  json: boolean;
}

// prettier-ignore
export const mergeCommand = defineCommand<MergeArgs>((ctx: CliContext) => ({
  command: 'merge <inputs..>',
  describe: 'Merge keytabs into one: each entry once, conflicting keys refused',
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'keytabs to merge, in order (- = stdin)' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'keytab to write (may be one of the inputs; - = stdout)' })
      .option('prefer-last', { type: 'boolean', default: false, describe: "on a conflict (same principal, kvno, enctype, different key) keep the later file's key" })
      .option('dry-run', dryRunOption('say what would be written, write nothing'))
      .option('json', jsonOption('print the result as JSON (on stderr with -o -)'))
      .example('$0 merge -o all.keytab http.keytab host.keytab', 'union of two keytabs')
      .example('$0 merge -o /etc/krb5.keytab /etc/krb5.keytab new.keytab', 'add new keys to an existing keytab'),
  handler: async (args) => {
    const out = keytabLocation(ctx, args.output);
    // Said before any input is read: raw keytab bytes would garble the terminal.
    if (out.path === '-' && ctx.stdout.isTTY && !args['dry-run']) {
      throw new KtError('INPUT_INVALID', 'refusing to write a binary keytab to a terminal (-o -)', { hint: 'redirect standard output to a file (> out.keytab), or give -o FILE' });
    }
    if (args.inputs.filter(isStdio).length > 1) throw new KtError('USAGE', 'standard input (-) can be given only once');
    const locs = args.inputs.map((name) => keytabLocation(ctx, name));
    // Inputs other than the output are read before the lock is taken (standard input may be slow).
    const early = new Map<number, Uint8Array>();
    for (const [i, loc] of locs.entries()) if (loc.path !== out.path || out.path === '-') early.set(i, await readKeytabBytes(ctx, loc));
    const merge = async (): Promise<void> => {
      const files: KeytabFile[] = [];
      for (const [i, loc] of locs.entries()) {
        const bytes = early.get(i) ?? (await readKeytabBytes(ctx, loc));
        files.push({ name: loc.path === '-' ? 'standard input' : loc.path, read: () => bytes });
      }
      const result = mergeKeytabFiles(files, { preferLast: args['prefer-last'] });
      const report = out.path === '-' ? ctx.stderr : ctx.stdout;
      if (!args['dry-run']) writeKeytabBytes(ctx, out, result.chunks());
      // Reported once the output is written.
      if (args.json) {
        const replaced = result.replaced.map((r) => ({ principal: r.principal, kvno: r.kvno, enctype: r.enctype, enctypeName: enctypeName(r.enctype), from: r.from, by: r.by }));
        const json = { dryRun: args['dry-run'], output: out.path === '-' ? '-' : out.display, inputs: files.map((f) => f.name), entries: result.entries, duplicates: result.duplicates, replaced };
        report.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      for (const r of result.replaced) report.write(`replaced ${r.principal} kvno ${r.kvno} ${enctypeName(r.enctype)} from ${r.from} by the key in ${r.by}\n`);
      const summary = `${entryCount(result.entries)} from ${plural(files.length, 'keytab')}${result.duplicates ? ` (${plural(result.duplicates, 'duplicate')} written once)` : ''}`;
      report.write(args['dry-run'] ? `dry run: would write ${summary} to ${out.display}\n` : `wrote ${summary} to ${out.display}\n`);
    };
    // The output may be one of the inputs: it is read under its lock.
    if (args['dry-run']) await merge();
    else await withKeytabLock(ctx, out.path, { create: true }, merge);
  },
}));
