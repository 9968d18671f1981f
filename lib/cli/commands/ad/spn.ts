/** keytab ad spn add|remove|list|find|duplicates: servicePrincipalName, like setspn -S/-D/-L/-Q/-X. */
import type { Argv, CommandModule } from 'yargs';
import { requireAccount } from '../../../ad/account.js';
import { addSpns, findDuplicateSpns, findSpnOwners, removeSpns } from '../../../ad/spn.js';
import type { SpnOwner } from '../../../ad/spn.js';
import { KtError } from '../../../errors.js';
import type { CliContext } from '../../context.js';
import { subcommand, changesToJson, printChanges, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { accountPositional, dryRunOption, jsonOption } from '../../option-defs.js';

interface SpnEditArgs extends DirectoryArgs {
  account: string;
  spn: string[] | undefined;
  'dry-run': boolean;
  json: boolean;
}

interface SpnFindArgs extends DirectoryArgs {
  spn: string;
  json: boolean;
}

interface SpnDupArgs extends DirectoryArgs {
  aliases: boolean;
  json: boolean;
}

const ownerLine = (o: SpnOwner): string =>
  `${o.spn} is registered on ${o.sAMAccountName} (${o.dn})${o.via ? `: a clash, since ${o.via}` : ''}`;

/** An owner in --json output (find and duplicates): `via` is null for a direct match. */
const ownerJson = (o: SpnOwner) => ({
  dn: o.dn,
  sAMAccountName: o.sAMAccountName,
  spn: o.spn,
  via: o.via ?? null,
});

function edit(ctx: CliContext, verb: 'add' | 'remove'): CommandModule<object, SpnEditArgs> {
  return subcommand<SpnEditArgs>({
    command: `${verb} <account> <spn..>`,
    describe:
      verb === 'add'
        ? 'Add SPNs to an account, after checking no other account has them (setspn -S)'
        : 'Remove SPNs from an account (setspn -D)',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .positional('account', accountPositional())
        .positional('spn', {
          type: 'string',
          array: true,
          describe: 'service/host[:port], e.g. HTTP/web.example.com (no @REALM)',
        })
        .option('dry-run', dryRunOption('check and show the LDAP change, change nothing'))
        .option('json', jsonOption())
        .example(
          verb === 'add'
            ? [
                [
                  '$0 ad spn add svc-web HTTP/web.example.com HTTP/web',
                  'after checking that no other account holds them',
                ],
                [
                  '$0 ad spn add svc-web HTTP/web.example.com --dry-run',
                  'show the LDAP change, change nothing',
                ],
              ]
            : [
                ['$0 ad spn remove svc-web HTTP/old.example.com', ''],
                [
                  '$0 ad spn remove svc-web HTTP/old.example.com --dry-run',
                  'show the LDAP change, change nothing',
                ],
              ],
        ) as Argv<SpnEditArgs>,
    handler: async (args) => {
      const spns = args.spn ?? [];
      if (spns.length === 0) throw new KtError('USAGE', `give the SPNs to ${verb}`);
      await withDirectory(ctx, args, async (dir) => {
        const account = await requireAccount(dir, args.account);
        const dryRun = args['dry-run'];
        const r =
          verb === 'add'
            ? await addSpns(dir, account, spns, { dryRun })
            : await removeSpns(dir, account, spns, { dryRun });
        if (args.json) {
          writeJson(ctx, {
            dryRun,
            account: account.sAMAccountName,
            dn: account.dn,
            added: r.added,
            removed: r.removed,
            unchanged: r.unchanged,
            changes: changesToJson(r.changes),
          });
          return;
        }
        for (const s of r.added)
          ctx.stdout.write(`${dryRun ? 'would add' : 'added'} ${s} to ${account.sAMAccountName}\n`);
        for (const s of r.removed)
          ctx.stdout.write(
            `${dryRun ? 'would remove' : 'removed'} ${s} from ${account.sAMAccountName}\n`,
          );
        for (const s of r.unchanged)
          ctx.stdout.write(
            verb === 'add'
              ? `${s} is already on ${account.sAMAccountName}\n`
              : `${s} is not on ${account.sAMAccountName}: nothing to remove\n`,
          );
        if (dryRun) printChanges(ctx, r.changes, dryRun);
      });
    },
  });
}

function list(ctx: CliContext): CommandModule<object, SpnEditArgs> {
  return subcommand<SpnEditArgs>({
    command: 'list <account>',
    describe: "List an account's SPNs (setspn -L)",
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .positional('account', accountPositional())
        .option('json', jsonOption('print them as JSON'))
        .example('$0 ad spn list svc-web', 'like setspn -L svc-web')
        .example(
          '$0 ad spn list web$ --json',
          "a computer account's SPNs, as JSON",
        ) as Argv<SpnEditArgs>,
    handler: async (args) => {
      await withDirectory(ctx, args, async (dir) => {
        const account = await requireAccount(dir, args.account);
        if (args.json) {
          writeJson(ctx, {
            account: account.sAMAccountName,
            dn: account.dn,
            servicePrincipalName: account.servicePrincipalName,
          });
          return;
        }
        ctx.stdout.write(`Registered ServicePrincipalNames for ${account.dn}:\n`);
        for (const s of account.servicePrincipalName) ctx.stdout.write(`        ${s}\n`);
      });
    },
  });
}

function find(ctx: CliContext): CommandModule<object, SpnFindArgs> {
  return subcommand<SpnFindArgs>({
    command: 'find <spn>',
    describe:
      'Which account holds an SPN, case-insensitively and through host/ aliases (setspn -Q); exit 1 if none',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .positional('spn', { type: 'string', demandOption: true, describe: 'service/host[:port]' })
        .option('json', jsonOption('print the owners as JSON'))
        .example(
          '$0 ad spn find HTTP/web.example.com',
          'like setspn -Q; exit 1 when no account holds it',
        )
        .example(
          '$0 ad spn find http/WEB.example.com',
          'case does not matter',
        ) as Argv<SpnFindArgs>,
    handler: async (args) => {
      await withDirectory(ctx, args, async (dir) => {
        const owners = await findSpnOwners(dir, args.spn);
        if (args.json)
          writeJson(ctx, {
            spn: args.spn,
            owners: owners.map(ownerJson),
          });
        else if (owners.length === 0)
          ctx.stdout.write(`no account holds ${args.spn} (searched ${dir.baseDn})\n`);
        else for (const o of owners) ctx.stdout.write(`${ownerLine(o)}\n`);
        if (owners.length === 0) ctx.exitCode = 1;
      });
    },
  });
}

function duplicates(ctx: CliContext): CommandModule<object, SpnDupArgs> {
  return subcommand<SpnDupArgs>({
    command: 'duplicates',
    describe: 'SPNs held by more than one account (setspn -X); exit 1 if any',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .option('aliases', {
          type: 'boolean',
          default: false,
          describe:
            'also report host/NAME on one account against HTTP/NAME, cifs/NAME ... (sPNMappings) on another',
        })
        .option('json', jsonOption('print them as JSON'))
        .example('$0 ad spn duplicates', 'like setspn -X; exit 1 when there are any')
        .example(
          '$0 ad spn duplicates --aliases',
          'also host/NAME on one account against HTTP/NAME on another',
        ) as Argv<SpnDupArgs>,
    handler: async (args) => {
      await withDirectory(ctx, args, async (dir) => {
        const dups = await findDuplicateSpns(dir, { aliases: args.aliases });
        if (args.json) {
          writeJson(ctx, {
            baseDn: dir.baseDn,
            duplicates: dups.map((d) => ({
              spn: d.spn,
              kind: d.kind,
              owners: d.owners.map(ownerJson),
            })),
          });
        } else {
          ctx.stdout.write(`Checking domain ${dir.baseDn}\n`);
          for (const d of dups) {
            ctx.stdout.write(
              `${d.spn}${d.kind === 'alias' ? ' (through the host/ alias)' : ''}:\n`,
            );
            for (const o of d.owners)
              ctx.stdout.write(`        ${o.spn} on ${o.sAMAccountName} (${o.dn})\n`);
          }
          ctx.stdout.write(
            `found ${dups.length} group${dups.length === 1 ? '' : 's'} of duplicate SPNs.\n`,
          );
        }
        if (dups.length > 0) ctx.exitCode = 1;
      });
    },
  });
}

// prettier-ignore
export const spnCommand = (ctx: CliContext): CommandModule<object, DirectoryArgs> => ({
  command: 'spn <command>',
  describe: 'Service principal names: add, remove, list, find, duplicates',
  builder: (y) =>
    (y as Argv<DirectoryArgs>)
      .command(edit(ctx, 'add'))
      .command(edit(ctx, 'remove'))
      .command(list(ctx))
      .command(find(ctx))
      .command(duplicates(ctx))
      .demandCommand(1, 'give a spn subcommand: add, remove, list, find or duplicates')
      .example('$0 ad spn add svc-web HTTP/web.example.com HTTP/web', '')
      .example('$0 ad spn find http/WEB.example.com', 'case does not matter'),
  handler: () => undefined,
});
