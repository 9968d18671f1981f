/** Command modules: how one is typed for the parser's list, and how its handler's errors are recast. */
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

/** The same module, but whatever its handler throws is thrown as `recast(err)`. */
export function recastHandlerErrors<T, A>(
  module: CommandModule<T, A>,
  recast: (err: unknown) => unknown,
): CommandModule<T, A> {
  const handler = module.handler;
  return {
    ...module,
    handler: async (args) => {
      try {
        await handler(args);
      } catch (err) {
        throw recast(err);
      }
    },
  };
}
