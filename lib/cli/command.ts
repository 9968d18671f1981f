import type { CommandModule } from 'yargs';
import type { CliContext } from './context.js';

/** A subcommand: built per run with the context it may use. */
export type CommandFactory = (ctx: CliContext) => CommandModule;

/**
 * Types a command module by its own arguments and erases them for the parser's list (yargs
 * can't express a heterogeneous list of modules; this is the one place that says so).
 */
export function defineCommand<A>(
  make: (ctx: CliContext) => CommandModule<object, A>,
): CommandFactory {
  return make as unknown as CommandFactory;
}
