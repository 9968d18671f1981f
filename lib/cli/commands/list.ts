import { KtError } from '../../errors.js';
import { entryOf, newReadState, recordCursor } from '../../keytab/decode.js';
import type { RecordView } from '../../keytab/decode.js';
import type { KeytabWarning } from '../../keytab/types.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { warn } from '../context.js';
import { keytabLocation, readKeytabBytes } from '../io.js';
import { KLIST_HEADER_TIMED, chunkedWriter, jsonEntry, klistWriter } from '../output.js';
import { jsonOption } from '../option-defs.js';

interface ListArgs {
  file: string | undefined;
  keys: boolean;
  json: boolean;
}

// prettier-ignore
export const listCommand = defineCommand<ListArgs>((ctx: CliContext) => ({
  command: 'list [file]',
  aliases: ['ls'],
  describe: 'Show the entries of a keytab, like klist -k -t -e',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'keytab (path, FILE:path or - for stdin); default $KRB5_KTNAME, then /etc/krb5.keytab' })
      .option('keys', { alias: 'K', type: 'boolean', default: false, describe: 'also show the keys in hex (like klist -K): secret!' })
      .option('json', jsonOption('print JSON: {version, entries[]}'))
      // klist's habit, `klist -k -t -e -K FILE`: -k (keytab mode), -t (timestamps) and -e (enctypes)
      // take no value and change nothing, as list always shows all three; FILE stays positional.
      .option('k', { type: 'boolean', describe: "klist's -k: accepted, no effect (list always reads a keytab; -k takes no value)" })
      .option('t', { type: 'boolean', describe: "klist's -t: accepted, no effect (timestamps are always shown)" })
      .option('e', { type: 'boolean', describe: "klist's -e: accepted, no effect (enctypes are always shown)" })
      .group(['k', 't', 'e'], 'klist habits:')
      .example('$0 list /etc/krb5.keytab', 'what klist -k -t -e shows')
      .example('$0 list http.keytab --json', 'machine-readable')
      .example('$0 list -k -t -e -K /etc/krb5.keytab', "klist's options work: -k, -t and -e change nothing, -K shows the keys")
      .example('KRB5_KTNAME=FILE:/etc/tomcat.keytab $0 list', 'the keytab named by KRB5_KTNAME'),
  handler: async (args) => {
    const loc = keytabLocation(ctx, args.file);
    const bytes = await readKeytabBytes(ctx, loc);
    const where = loc.path === '-' ? 'standard input' : loc.path;
    const warnings: KeytabWarning[] = [];
    const out = chunkedWriter((chunk) => ctx.stdout.write(chunk));

    /** Streams the records to `each`, waiting for the reader of stdout after every chunk. */
    const stream = async (each: (view: RecordView) => boolean): Promise<void> => {
      try {
        const cursor = recordCursor(bytes, { warning: (w) => void warnings.push(w) });
        while (cursor.next()) if (each(cursor.view)) await ctx.stdout.drain();
      } catch (err) {
        if (!(err instanceof KtError)) throw err;
        throw new KtError(err.code, `${where}: ${err.message}`, { details: { ...err.details, path: where }, cause: err, hint: err.hint, remedy: err.remedy });
      } finally {
        out.end();
      }
    };

    if (args.json) {
      // JSON is all or nothing: check the whole file before printing any of it.
      await stream(() => false);
      warnings.length = 0;
      let count = 0;
      out.add(`{\n  "version": ${((bytes[0] as number) << 8) | (bytes[1] as number)},\n  "entries": [`);
      const state = newReadState();
      await stream((v) => out.add(`${count++ ? ',' : ''}\n    ${JSON.stringify(jsonEntry(entryOf(v, state), args.keys), null, 2).replace(/\n/g, '\n    ')}`));
      out.add(count ? '\n  ]' : ']');
      if (warnings.length) out.add(`,\n  "warnings": ${JSON.stringify(warnings, null, 2).replace(/\n/g, '\n  ')}`);
      out.add('\n}\n');
      out.end();
      return;
    }

    // Like klist, the entries before a damaged record are shown, then the error.
    const lines = klistWriter((chunk) => ctx.stdout.write(chunk));
    lines.text(`Keytab name: ${loc.display}\n${KLIST_HEADER_TIMED}`);
    try {
      await stream((v) => lines.line(v, args.keys));
    } finally {
      lines.end();
    }
    for (const w of warnings) warn(ctx, `${loc.display}: ${w.message}`);
  },
}));
