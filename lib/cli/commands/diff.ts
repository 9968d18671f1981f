import { diffEntries } from '../../keytab/ops.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { keytabLocation, readKeytab } from '../io.js';
import { describeEntry, jsonEntry } from '../output.js';
import { jsonOption } from '../option-defs.js';

interface DiffArgs {
  a: string;
  b: string;
  json: boolean;
}

// prettier-ignore
export const diffCommand = defineCommand<DiffArgs>((ctx: CliContext) => ({
  command: 'diff <a> <b>',
  describe: 'Compare two keytabs entry by entry (exit 0 when equal, 1 when not)',
  builder: (y) =>
    y
      .positional('a', { type: 'string', demandOption: true, describe: 'first keytab' })
      .positional('b', { type: 'string', demandOption: true, describe: 'second keytab' })
      .option('json', jsonOption('print {onlyA, onlyB, changed} as JSON'))
      .example('$0 diff old.keytab new.keytab', 'what a rotation changed'),
  handler: async (args) => {
    const la = keytabLocation(ctx, args.a);
    const lb = keytabLocation(ctx, args.b);
    const d = diffEntries((await readKeytab(ctx, la)).entries, (await readKeytab(ctx, lb)).entries);
    const equal = d.onlyA.length === 0 && d.onlyB.length === 0 && d.changed.length === 0;
    if (args.json) {
      ctx.stdout.write(
        JSON.stringify(
          {
            equal,
            onlyA: d.onlyA.map((e) => jsonEntry(e, false)),
            onlyB: d.onlyB.map((e) => jsonEntry(e, false)),
            changed: d.changed.map((c) => jsonEntry(c.a, false)),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const lines: string[] = [];
      for (const e of d.onlyA) lines.push(`only in ${args.a}: ${describeEntry(e)}\n`);
      for (const e of d.onlyB) lines.push(`only in ${args.b}: ${describeEntry(e)}\n`);
      for (const c of d.changed) lines.push(`different key: ${describeEntry(c.a)}\n`);
      lines.push(equal ? 'keytabs hold the same entries\n' : `${d.onlyA.length} only in ${args.a}, ${d.onlyB.length} only in ${args.b}, ${d.changed.length} with different keys\n`);
      ctx.stdout.write(lines.join(''));
    }
    ctx.exitCode = equal ? 0 : 1;
  },
}));
