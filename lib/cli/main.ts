/**
 * The `keytab` command line: a fresh yargs parser per run, one module per command; errors
 * become a line on stderr and an exit status in lib/cli/report.ts (yargs' own usage errors here).
 */
import yargs from 'yargs';
import type { Argv, CommandModule } from 'yargs';
import { recastHandlerErrors } from './command.js';
import type { CommandFactory } from './command.js';
import { EXIT_USAGE, KtError } from '../errors.js';
import type { CliContext } from './context.js';
import { STDIO } from './context.js';
import { commands } from './commands/index.js';
import { collectExamples, helpWidth, renderExamples } from './help.js';
import type { ExampleBook } from './help.js';
import { parseState, usageReport } from './usage-errors.js';
import { reportError } from './report.js';

/**
 * The parser for one run. `wantsHelp`: lay the help out for the terminal (yargs renders it
 * after every command just in case; unwrapped it costs little); a number: for that width.
 */
export function buildParser(
  ctx: CliContext,
  list: readonly CommandFactory[] = commands,
  wantsHelp: boolean | number = true,
): Argv {
  const width =
    typeof wantsHelp === 'number' ? wantsHelp : wantsHelp ? helpWidth(ctx.stdout.columns) : null;
  let parser = yargs()
    .scriptName(ctx.program)
    .usage(
      `Usage: ${ctx.program} <command> [options]\n\nKerberos keytabs on Linux: make, inspect, merge, prune and check them; map and rotate AD service accounts.`,
    )
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces on errors' })
    .strict()
    .demandCommand(1, 'give a command (the list: "keytab --help")')
    .recommendCommands()
    .completion('completion', 'Print a bash/zsh completion script (keytab completion >> ~/.bashrc)')
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(width)
    .fail(false)
    .epilogue(
      'Run "keytab <command> --help" for the options of a command. Exit status: 0 ok, 1 failure, 2 bad command line. "keytab --version" (or -V) shows the version and the crypto in use.',
    );
  for (const make of list) parser = parser.command(withHandlerMark(make(ctx)));
  return parser;
}

/** An error raised by a command's own work, as opposed to yargs rejecting the command line. */
class HandlerFailure extends Error {
  constructor(readonly inner: unknown) {
    super('command failed');
  }
}

const withHandlerMark = (module: CommandModule): CommandModule =>
  recastHandlerErrors(module, (err) => new HandlerFailure(err));

/** The help of a command path (e.g. ['ad', 'spn', 'add']) as --help prints it at `width` columns. */
export async function helpText(
  ctx: CliContext,
  path: readonly string[],
  width: number,
  list: readonly CommandFactory[] = commands,
): Promise<string> {
  const parser = buildParser(ctx, list, width);
  const book = collectExamples(parser);
  let output = '';
  await parser.parseAsync([...path, '--help'], {}, (_err, _args, text) => {
    output = text;
  });
  return renderExamples(output, book, ctx.program, width);
}

/** `keytab` alone (or with only --debug): there is no command to run, so show the list of them. */
const NO_COMMAND = (argv: readonly string[]): boolean => argv.every((a) => a === '--debug');

/** Runs one command line; returns the exit status. Never throws. */
export async function main(ctx: CliContext, argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    ctx.stdout.write(`${ctx.versionText?.() ?? ctx.program}\n`);
    return 0;
  }
  let parser: Argv | undefined;
  try {
    if (NO_COMMAND(argv)) {
      ctx.stdout.write(`${await helpText(ctx, [], helpWidth(ctx.stdout.columns))}\n`);
      return EXIT_USAGE;
    }
    let output = '';
    // yargs drops a lone "-"; carry it through as a marker that isStdio() recognises.
    const args = argv.map((a) => (a === '-' ? STDIO : a));
    const wantsHelp = argv.some((a) => a === '--help' || a === '-h' || a === 'help');
    parser = buildParser(ctx, commands, wantsHelp);
    const book: ExampleBook | undefined = wantsHelp ? collectExamples(parser) : undefined;
    await parser.parseAsync(args, {}, (_err, _args, text) => {
      output = text;
    });
    if (output && book)
      output = renderExamples(output, book, ctx.program, helpWidth(ctx.stdout.columns));
    if (output) ctx.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return ctx.exitCode;
  } catch (err) {
    return report(ctx, err, debug, argv, parser);
  }
}

function report(
  ctx: CliContext,
  caught: unknown,
  debug: boolean,
  argv: readonly string[],
  parser: Argv | undefined,
): number {
  const fromHandler = caught instanceof HandlerFailure;
  const err = fromHandler ? caught.inner : caught;
  if (!fromHandler && err instanceof Error && !(err instanceof KtError)) {
    // yargs rejected the command line (unknown command or option, missing argument, bad choice).
    const p = ctx.program;
    const state = parser ? parseState(parser) : { commands: [], options: [] };
    const { message, helpPath } = usageReport(err.message, argv, state);
    ctx.stderr.write(
      `${p}: ${message}\n${p}: run "${[p, ...helpPath, '--help'].join(' ')}" for usage\n`,
    );
    return EXIT_USAGE;
  }
  return reportError(ctx, err, debug);
}
