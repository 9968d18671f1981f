import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { warn } from '../context.js';
import { keytabLocation, readKeytab } from '../io.js';
import { KLIST_HEADER_TIMED, jsonEntry, klistLine } from '../output.js';

interface ListArgs {
  file: string | undefined;
  keys: boolean;
  json: boolean;
}

export const listCommand = defineCommand<ListArgs>((ctx: CliContext) => ({
  command: 'list [file]',
  aliases: ['ls'],
  describe: 'Show the entries of a keytab, like klist -k -t -e',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'keytab (path, FILE:path or - for stdin); default $KRB5_KTNAME, then /etc/krb5.keytab' })
      .option('keys', { alias: 'K', type: 'boolean', default: false, describe: 'also show the keys in hex (like klist -K): secret!' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON: {version, entries[]}' })
      .example('$0 list /etc/krb5.keytab', 'what klist -k -t -e shows')
      .example('$0 list http.keytab --json', 'machine-readable')
      .example('KRB5_KTNAME=FILE:/etc/tomcat.keytab $0 list', 'the keytab named by KRB5_KTNAME'),
  handler: async (args) => {
    const loc = keytabLocation(ctx, args.file);
    const kt = await readKeytab(ctx, loc);
    if (args.json) {
      const out: Record<string, unknown> = { version: kt.version, entries: kt.entries.map((e) => jsonEntry(e, args.keys)) };
      if (kt.warnings) out['warnings'] = kt.warnings;
      ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return;
    }
    for (const w of kt.warnings ?? []) warn(ctx, `${loc.display}: ${w.message}`);
    const lines: string[] = [`Keytab name: ${loc.display}\n`, KLIST_HEADER_TIMED];
    for (const e of kt.entries) lines.push(klistLine(e, args.keys));
    ctx.stdout.write(lines.join(''));
  },
}));
