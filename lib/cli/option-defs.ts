/**
 * The yargs definitions several commands share, spelled once: `--json`, `-n/--dry-run`,
 * `--allow-weak` and the `<account>` positional of the `keytab ad` commands. Each command still
 * gives its own help line where its words differ; type, alias and default are the same everywhere.
 */

/** A boolean option that is off unless given. */
const offByDefault = (describe: string) => ({ type: 'boolean', default: false, describe }) as const;

/** `--json`: print the result as JSON instead of text. */
export const jsonOption = (describe = 'print the result as JSON') => offByDefault(describe);

/** `-n`, `--dry-run`: say what would be done, change nothing. */
export const dryRunOption = (describe: string) =>
  ({ alias: 'n', ...offByDefault(describe) }) as const;

/** `--allow-weak`: accept enctypes or settings that are refused by default as weak. */
export const allowWeakOption = offByDefault;

/** `<account>`: the AD account a command works on, by any of the names findAccount takes. */
export const accountPositional = (describe = 'sAMAccountName, UPN or DN') =>
  ({ type: 'string', demandOption: true, describe }) as const;
