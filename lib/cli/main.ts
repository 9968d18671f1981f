/**
 * The `keytab` command line: a fresh yargs parser per run, one module per command, and one
 * place that turns errors into a line on stderr and an exit status.
 */
import yargs from 'yargs';
import type { Argv, CommandModule } from 'yargs';
import type { CommandFactory } from './command.js';
import { EXIT_FAILURE, EXIT_USAGE, KtError } from '../errors.js';
import type { CliContext } from './context.js';
import { STDIO } from './context.js';
import { commands } from './commands/index.js';

export function buildParser(ctx: CliContext, list: readonly CommandFactory[] = commands, wantsHelp = true): Argv {
  let parser = yargs()
    .scriptName(ctx.program)
    .usage(`Usage: ${ctx.program} <command> [options]\n\nKerberos keytabs on Linux: make, inspect, merge, prune and check them; map and rotate AD service accounts.`)
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces on errors' })
    .strict()
    .demandCommand(1, 'Give a command; see the list above.')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(false)
    // yargs renders the help text after every command just in case; unwrapped it costs little.
    .wrap(wantsHelp ? Math.min(100, (globalThis as { process?: { stdout?: { columns?: number } } }).process?.stdout?.columns ?? 100) : null)
    .fail(false)
    .epilogue('Run "keytab <command> --help" for the options of a command. Exit status: 0 ok, 1 failure, 2 bad command line. "keytab --version" shows the version and the crypto in use.');
  for (const make of list) parser = parser.command(withHandlerMark(make(ctx)));
  return parser;
}

/** An error raised by a command's own work, as opposed to yargs rejecting the command line. */
class HandlerFailure extends Error {
  constructor(readonly inner: unknown) {
    super('command failed');
  }
}

function withHandlerMark(module: CommandModule): CommandModule {
  const handler = module.handler;
  return {
    ...module,
    handler: async (args) => {
      try {
        await handler(args);
      } catch (err) {
        throw new HandlerFailure(err);
      }
    },
  };
}

/** Runs one command line; returns the exit status. Never throws. */
export async function main(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  if (argv.length === 1 && argv[0] === '--version') {
    ctx.stdout.write(`${ctx.versionText?.() ?? ctx.program}\n`);
    return 0;
  }
  try {
    let output = '';
    // yargs drops a lone "-"; carry it through as a marker that isStdio() recognises.
    const args = argv.map((a) => (a === '-' ? STDIO : a));
    const wantsHelp = argv.length === 0 || argv.some((a) => a === '--help' || a === '-h' || a === 'help');
    await buildParser(ctx, commands, wantsHelp).parseAsync(args, {}, (_err, _args, text) => {
      output = text;
    });
    if (output) ctx.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return ctx.exitCode;
  } catch (err) {
    return report(ctx, err, debug, argv);
  }
}

function report(ctx: CliContext, caught: unknown, debug: boolean, argv: readonly string[]): number {
  const p = ctx.program;
  const fromHandler = caught instanceof HandlerFailure;
  const err = fromHandler ? caught.inner : caught;
  if (err instanceof KtError) {
    ctx.stderr.write(`${p}: error: ${err.message}\n`);
    if (err.hint) ctx.stderr.write(`${p}: hint: ${err.hint}\n`);
    if (debug) ctx.stderr.write(`${describeDebug(err)}\n`);
    return err.exitCode;
  }
  if (!fromHandler && err instanceof Error) {
    // yargs rejected the command line (unknown option, missing argument, bad choice).
    const cmd = argv.find((a) => !a.startsWith('-'));
    const message = err.message.startsWith('Did you mean') ? `unknown command "${cmd}". ${err.message}` : err.message;
    ctx.stderr.write(`${p}: ${message}\n${p}: run "${p} ${cmd && !message.startsWith('unknown command') ? `${cmd} ` : ''}--help" for usage\n`);
    return EXIT_USAGE;
  }
  ctx.stderr.write(`${p}: internal error: ${err instanceof Error ? err.message : String(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug) ctx.stderr.write(`${describeDebug(err)}\n`);
  return EXIT_FAILURE;
}

function describeDebug(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  while (e instanceof Error) {
    parts.push(e.stack ?? e.message);
    if (e instanceof KtError && Object.keys(e.details).length) parts.push(`details: ${JSON.stringify(e.details)}`);
    e = e.cause;
  }
  return parts.join('\ncaused by: ');
}
