/** keytab ad mapuser ACCOUNT -p PRINCIPAL: what ktpass /mapuser does to the account. */
import type { Argv, CommandModule } from 'yargs';
import { accountSalt, requireAccount, rereadAccount } from '../../../ad/account.js';
import { mapUser } from '../../../ad/writes.js';
import { adUpnSalt } from '../../../salt/rules.js';
import { parsePrincipal } from '../../../principal.js';
import type { CliContext } from '../../context.js';
import { warnRealmCase } from '../../options.js';
import { subcommand, changesToJson, printChanges, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { accountPositional, dryRunOption, jsonOption } from '../../option-defs.js';

interface MapUserArgs extends DirectoryArgs {
  account: string;
  principal: string;
  mapop: 'add' | 'set';
  upn: boolean;
  'dry-run': boolean;
  json: boolean;
}

// prettier-ignore
export const mapuserCommand = (ctx: CliContext): CommandModule<object, MapUserArgs> =>
  subcommand<MapUserArgs>({
    command: 'mapuser <account>',
    describe: 'Map a principal to an account as ktpass /mapuser does: SPN, then UPN',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .positional('account', accountPositional())
        .option('principal', { alias: 'p', type: 'string', demandOption: true, describe: 'the principal, e.g. HTTP/web.example.com@EXAMPLE.COM (realm: the account\'s when left out)' })
        .option('mapop', { choices: ['add', 'set'] as const, default: 'add' as const, describe: 'add the SPN (default), or set it as the only SPN' })
        .option('upn', { type: 'boolean', default: true, describe: 'set the UPN to the principal (--no-upn: leave it, like ktpass -setupn)' })
        .option('dry-run', dryRunOption('check and show the LDAP change, change nothing'))
        .option('json', jsonOption())
        .example('$0 ad mapuser svc-web -p HTTP/web.example.com@EXAMPLE.COM', '') as Argv<MapUserArgs>,
    handler: async (args) => {
      warnRealmCase(ctx, args.principal);
      await withDirectory(ctx, args, async (dir) => {
        const account = await requireAccount(dir, args.account);
        const principal = parsePrincipal(args.principal, { defaultRealm: account.realm });
        const dryRun = args['dry-run'];
        const r = await mapUser(dir, account, principal, { mapop: args.mapop, setUpn: args.upn, dryRun });
        const after = r.applied ? await rereadAccount(dir, account) : account;
        // The salt of the next password set: the new UPN decides it (user accounts).
        const nextSalt = r.upn !== undefined && account.objectClass === 'user' ? adUpnSalt(account.realm, r.upn) : accountSalt(after, account.realm);
        if (args.json) {
          writeJson(ctx, { dryRun, account: account.sAMAccountName, dn: account.dn, spn: r.spn, upn: r.upn ?? null, changes: changesToJson(r.changes), saltAfterNextPasswordSet: nextSalt.text });
          return;
        }
        if (dryRun) printChanges(ctx, r.changes, true);
        else ctx.stdout.write(`Successfully mapped ${r.spn} to ${account.sAMAccountName}.${r.changes.length === 0 ? ' (it was already mapped)' : ''}\n`);
        ctx.stdout.write(`keys made after the next password set use the salt "${nextSalt.text}": run "keytab ad setpass ${account.sAMAccountName} ... -o KEYTAB"\n`);
      });
    },
  });
