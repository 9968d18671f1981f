/** keytab ad show ACCOUNT: what AD holds for a service account, decoded. */
import type { Argv, CommandModule } from 'yargs';
import { accountSalt, requireAccount } from '../../../ad/account.js';
import type { AccountRecord } from '../../../ad/account.js';
import { decodeEnctypeBits, decodeUac, uacFlagNames } from '../../../ad/flags.js';
import type { CliContext } from '../../context.js';
import { subcommand, fields, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { accountPositional, jsonOption } from '../../option-defs.js';

interface ShowArgs extends DirectoryArgs {
  account: string;
  json: boolean;
  'debug-auth': boolean;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The account as plain data (what `ad show --json` prints). */
export function accountJson(account: AccountRecord): Record<string, unknown> {
  const salt = accountSalt(account, account.realm);
  const enc = account.msDSSupportedEncryptionTypes;
  return {
    dn: account.dn,
    objectClass: account.objectClass,
    sAMAccountName: account.sAMAccountName,
    userPrincipalName: account.userPrincipalName ?? null,
    servicePrincipalName: account.servicePrincipalName,
    msDSKeyVersionNumber: account.msDSKeyVersionNumber ?? null,
    msDSSupportedEncryptionTypes:
      enc === undefined ? null : { value: enc, names: decodeEnctypeBits(enc) },
    userAccountControl: {
      value: account.userAccountControl,
      flags: uacFlagNames(account.userAccountControl),
      words: decodeUac(account.userAccountControl),
    },
    pwdLastSet: account.pwdLastSet?.toISOString() ?? null,
    dNSHostName: account.dnsHostName ?? null,
    realm: account.realm,
    salt: { text: salt.text, rule: salt.rule, explanation: salt.explanation, caveat: salt.caveat },
  };
}

/** The account as aligned lines (what `ad show` prints). */
export function accountText(account: AccountRecord): string {
  const salt = accountSalt(account, account.realm);
  const enc = account.msDSSupportedEncryptionTypes;
  const rows: [string, string | string[]][] = [
    ['DN', account.dn],
    ['Type', account.objectClass],
    ['sAMAccountName', account.sAMAccountName],
    ['userPrincipalName', account.userPrincipalName ?? '(none)'],
    ['servicePrincipalName', [...account.servicePrincipalName]],
    [
      'msDS-KeyVersionNumber',
      account.msDSKeyVersionNumber === undefined
        ? '(not readable)'
        : String(account.msDSKeyVersionNumber),
    ],
    [
      'Encryption types',
      enc === undefined
        ? '(msDS-SupportedEncryptionTypes not set: the DC default, aes256 tickets on DCs with the April 2026 update, RC4 on older ones)'
        : `${hex(enc)} ${decodeEnctypeBits(enc).join(', ') || '(none)'}`,
    ],
    [
      'userAccountControl',
      `${hex(account.userAccountControl)} ${decodeUac(account.userAccountControl).join(', ')}`,
    ],
    [
      'pwdLastSet',
      account.pwdLastSet
        ? account.pwdLastSet.toISOString().replace('.000Z', 'Z')
        : 'never (0: no password yet, or must change at next logon)',
    ],
  ];
  if (account.dnsHostName) rows.push(['dNSHostName', account.dnsHostName]);
  rows.push(['Salt', [`"${salt.text}"`, salt.explanation, `caveat: ${salt.caveat}`]]);
  return fields(rows);
}

// prettier-ignore
export const showCommand = (ctx: CliContext): CommandModule<object, ShowArgs> =>
  subcommand<ShowArgs>({
    command: 'show <account>',
    describe: 'Show an account: SPNs, UPN, kvno, enctypes, flags, and the salt of its keys',
    builder: (y) =>
      (y as Argv<DirectoryArgs>)
        .positional('account', accountPositional('sAMAccountName (svc-web, WEB$), UPN or DN'))
        .option('json', jsonOption('print the account as JSON'))
        .option('debug-auth', { type: 'boolean', default: false, describe: 'say on stderr how the bind went: Kerberos or simple, the credential source, the ldap/ SPN, the security layer; on failure the cause and the fix' })
        .example('$0 ad show svc-web', '')
        .example('$0 ad show HTTP/web.example.com@EXAMPLE.COM --json', 'by UPN')
        .example('$0 ad show svc-web --debug-auth --ldap-url ldap://dc1.example.com', 'after kinit: how the Kerberos bind went') as Argv<ShowArgs>,
    handler: async (args) => {
      await withDirectory(
        ctx,
        args,
        async (dir) => {
          const account = await requireAccount(dir, args.account);
          if (args.json) writeJson(ctx, accountJson(account));
          else ctx.stdout.write(accountText(account));
        },
        { debugAuth: args['debug-auth'] },
      );
    },
  });
