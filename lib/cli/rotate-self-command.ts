/**
 * The `--self` part of `keytab rotate`: its options and its handler (the flow itself is in
 * rotate-self.ts). Needs no directory settings, no admin credentials: only the keytab, and
 * the KDC and kpasswd server found as for `keytab verify`.
 */
import type { Argv } from 'yargs';
import { KtError } from '../errors.js';
import type { CliContext } from './context.js';
import { kdcOptions, loadCliKrb5Config } from './kdc-options.js';
import { cliKpasswdContext, kpasswdServerOption, type KpasswdArgs } from './kpasswd-options.js';
import { principalArg } from './key-options.js';
import { rotateSelf } from './rotate-self.js';

export interface SelfArgs extends KpasswdArgs {
  self: boolean;
  client: string | undefined;
  'max-age': number | undefined;
}

interface SelfCommandArgs extends SelfArgs {
  keytab: string | undefined;
  account: string | undefined;
  principal: string[] | undefined;
  from: string | undefined;
  keep: number;
  'dry-run': boolean;
  json: boolean;
}

export function selfOptions<T>(y: Argv<T>): Argv<T & SelfArgs> {
  const withSelf = y
    .option('self', {
      type: 'boolean',
      default: false,
      describe:
        "renew the keytab's own password through kpasswd, with its own key (no admin, no LDAP)",
    })
    .option('client', {
      type: 'string',
      describe:
        "with --self: the name that logs in (default: the keytab's principal; for an AD keytab of SPNs only: SAMACCOUNTNAME@REALM)",
    })
    .option('max-age', {
      type: 'number',
      describe:
        'with --self: do nothing while the newest kvno is younger than this many days (for cron and timers)',
    })
    .group(['self', 'client', 'max-age', 'kpasswd-server'], 'Self-rotation (--self):');
  return kdcOptions(kpasswdServerOption(withSelf)) as unknown as Argv<T & SelfArgs>;
}

export async function runSelfRotation(ctx: CliContext, args: SelfCommandArgs): Promise<void> {
  if (args.account !== undefined || args.from !== undefined)
    throw new KtError(
      'USAGE',
      "--self renews the keytab's own account: drop --account and --from (give --client for the name that logs in)",
    );
  if (args.keytab === undefined) throw new KtError('USAGE', 'give the keytab to renew');
  const maxAge = args['max-age'];
  if (maxAge !== undefined && (!Number.isFinite(maxAge) || maxAge < 0))
    throw new KtError('USAGE', `--max-age ${maxAge}: give days, 0 or more`);
  const loaded = loadCliKrb5Config(ctx);
  if (loaded.error) throw loaded.error;
  const kctx = cliKpasswdContext(ctx, args, loaded.config);
  const result = await rotateSelf(
    ctx,
    kctx,
    {
      keytab: args.keytab,
      client: args.client,
      principals: (args.principal ?? []).map((p) => principalArg(p)),
      keep: args.keep,
      maxAgeDays: maxAge,
    },
    { dryRun: args['dry-run'], verbose: !args.json },
  );
  if (args.json)
    ctx.stdout.write(
      `${JSON.stringify({ dryRun: args['dry-run'], rotations: [result] }, null, 2)}\n`,
    );
}
