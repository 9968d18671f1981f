/** keytab ad create ACCOUNT: a user (or computer) account for a service. */
import type { Argv, CommandModule } from 'yargs';
import { parseEnctypeBits } from '../../../ad/flags.js';
import { passwordText, randomPassword } from '../../../ad/password.js';
import { createAccount } from '../../../ad/writes.js';
import { KtError } from '../../../errors.js';
import type { CliContext } from '../../context.js';
import { warn } from '../../context.js';
import { splitList } from '../../options.js';
import { readPassword, secretOptions, secretSourceCount } from '../../secrets.js';
import type { SecretArgs } from '../../secrets.js';
import { subcommand, changesToJson, printChanges, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { requireContainer } from './ou.js';
import { accountJson, accountText } from './show.js';
import { accountPositional, allowWeakOption, dryRunOption, jsonOption } from '../../option-defs.js';

interface CreateArgs extends DirectoryArgs, SecretArgs {
  account: string;
  ou: string | undefined;
  computer: boolean;
  upn: string | undefined;
  spn: string[] | undefined;
  enctypes: string | undefined;
  random: boolean;
  'show-password': boolean;
  'allow-weak': boolean;
  'dry-run': boolean;
  json: boolean;
}

// prettier-ignore
export const createCommand = (ctx: CliContext): CommandModule<object, CreateArgs> =>
  subcommand<CreateArgs>({
    command: 'create <account>',
    describe: 'Create a service account (user, or --computer), with UPN, SPNs, enctypes and password',
    builder: (y) =>
      secretOptions(
        (y as Argv<DirectoryArgs>)
          .positional('account', accountPositional('the sAMAccountName (at most 20 characters; 15 for a computer)'))
          .option('ou', { type: 'string', describe: 'container DN (default CN=Users, or CN=Computers, under the base DN)' })
          .option('computer', { type: 'boolean', default: false, describe: 'a computer account (NAME$) instead of a user' })
          .option('upn', { type: 'string', describe: 'userPrincipalName, e.g. HTTP/web.example.com@EXAMPLE.COM (decides the salt)' })
          .option('spn', { type: 'string', array: true, describe: 'servicePrincipalName to add (repeat or separate with commas)' })
          .option('enctypes', { type: 'string', describe: 'msDS-SupportedEncryptionTypes: e.g. aes256,aes128 (see "ad enctypes")' })
          .option('random', { alias: 'random-password', type: 'boolean', default: false, describe: 'set a random 32-character password (not shown unless --show-password)' })
          .option('show-password', { type: 'boolean', default: false, describe: 'print the random password' })
          .option('allow-weak', allowWeakOption('allow single-DES enctypes'))
          .option('dry-run', dryRunOption('check and show the LDAP changes, change nothing'))
          .option('json', jsonOption()),
        // No prompt here: without a password option the account is created disabled.
        'Password (default: none, the account stays disabled until "keytab ad setpass"):',
      )
        .example('$0 ad create svc-web --upn HTTP/web.example.com@EXAMPLE.COM --spn HTTP/web.example.com --enctypes aes256,aes128 --random', '')
        .example('$0 ad create web --computer --spn host/web.example.com', 'a computer account, disabled until a password is set') as Argv<CreateArgs>,
    handler: async (args) => {
      if (args.random && secretSourceCount(args) > 0) throw new KtError('USAGE', 'give --random or a password option, not both');
      if (args['show-password'] && !args.random) throw new KtError('USAGE', '--show-password shows a --random password; a password you gave is not printed');
      const spns = splitList(args.spn);
      let enctypes: number | undefined;
      if (args.enctypes !== undefined) {
        const parsed = parseEnctypeBits(args.enctypes, { allowWeak: args['allow-weak'] });
        for (const w of parsed.warnings) warn(ctx, w);
        enctypes = parsed.value;
      }
      if (enctypes === undefined && !args.computer) {
        warn(ctx, 'no --enctypes: without msDS-SupportedEncryptionTypes the DC default decides (aes256 tickets on DCs with the April 2026 update, RC4 on older ones); add --enctypes aes256,aes128 so that every DC issues AES');
      }
      const name = args.account.replace(/\$$/, '');
      let password: string | undefined;
      if (args.random) password = randomPassword(ctx.random, { avoid: [name] });
      else if (secretSourceCount(args) > 0) password = passwordText(await readPassword(ctx, args, `Password for ${args.account}: `, { confirm: true }));
      await withDirectory(
        ctx,
        args,
        async (dir) => {
          // Checked in a dry run too: the add would fail under a container that is not there.
          if (args.ou !== undefined) await requireContainer(dir, args.ou);
          const r = await createAccount(
            dir,
            { name: args.account, kind: args.computer ? 'computer' : 'user', ou: args.ou, upn: args.upn, spns, enctypes, password },
            { dryRun: args['dry-run'] },
          );
          const shown = args['show-password'] && password !== undefined ? password : undefined;
          if (args.json) {
            writeJson(ctx, { dryRun: args['dry-run'], dn: r.dn, sAMAccountName: r.sAMAccountName, changes: changesToJson(r.changes), account: r.account ? accountJson(r.account) : null, ...(shown !== undefined ? { password: shown } : {}) });
            return;
          }
          if (args['dry-run']) {
            printChanges(ctx, r.changes, true);
            return;
          }
          ctx.stdout.write(`created ${r.sAMAccountName}: ${r.dn}${password === undefined ? ' (disabled: no password yet; set one with "keytab ad setpass")' : ''}\n`);
          if (r.account) ctx.stdout.write(accountText(r.account));
          if (shown !== undefined) ctx.stdout.write(`password: ${shown}\n`);
        },
        { passwordWrite: password !== undefined },
      );
    },
  });
