/**
 * keytab gmsa ACCOUNT -o FILE: the keytab of a group managed service account, from the
 * password AD manages for it (msDS-ManagedPassword, read over a confidential connection by an
 * account msDS-GroupMSAMembership allows). --refresh (cron, systemd timers) rewrites the keytab
 * only when AD's password changed, keeping the previous kvno. The password itself is never
 * written or printed anywhere; only the keys derived from it go to the keytab.
 */
import type { Argv } from 'yargs';
import type { AccountRecord } from '../../ad/account.js';
import { isEncryptedTransport } from '../../ad/config.js';
import { ldaptsDebugOn } from '../../ad/debug-guard.js';
import type { DirectoryConfig } from '../../ad/config.js';
import { openDirectory } from '../../ad/directory.js';
import { keyEnctypesOfBits } from '../../ad/flags.js';
import { passwordSchedule, wipeManagedPassword } from '../../ad/gmsa-blob.js';
import { managedPasswordEntries } from '../../ad/gmsa-keys.js';
import { planGmsaKeytab } from '../../ad/gmsa-plan.js';
import { readGmsaPassword } from '../../ad/gmsa-read.js';
import type { Directory } from '../../ad/types.js';
import type { EnctypeInfo } from '../../crypto/enctypes.js';
import { expandEnctypeList } from '../../crypto/policy.js';
import { KtError } from '../../errors.js';
import type { KeytabEntry } from '../../keytab/types.js';
import { formatPrincipal, parsePrincipal } from '../../principal.js';
import type { Principal } from '../../principal.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { warn } from '../context.js';
import { gmsaSalt } from '../gmsa-kdc.js';
import { isoSeconds, printGmsaReport } from '../gmsa-output.js';
import { checkWritable, keytabLocation, readKeytabForUpdate, writeKeytab } from '../io.js';
import { enctypesArg } from '../key-options.js';
import { lockKeytab } from '../lock.js';
import { splitList } from '../options.js';
import { directoryConfig, directoryOptions } from './ad/common.js';
import type { DirectoryArgs } from './ad/common.js';
import { accountPositional, allowWeakOption, dryRunOption, jsonOption } from '../option-defs.js';

export interface GmsaArgs extends DirectoryArgs {
  account: string;
  output: string;
  spn: string[] | undefined;
  enctype: string[] | undefined;
  previous: boolean;
  refresh: boolean;
  kdc: string | undefined;
  'kdc-check': boolean;
  'allow-weak': boolean;
  'dry-run': boolean;
  json: boolean;
}

/** NAME$@REALM and the SPNs: the account's, or the ones given (which must be the account's). */
export function gmsaPrincipals(account: AccountRecord, given: readonly string[]): Principal[] {
  const own = account.servicePrincipalName;
  for (const spn of given) {
    if (!own.some((s) => s.toLowerCase() === spn.replace(/@.*$/, '').toLowerCase())) {
      throw new KtError(
        'AD_NOT_ACCOUNT_PRINCIPAL',
        `${spn} is not an SPN of ${account.sAMAccountName}; its SPNs are: ${own.length ? own.join(', ') : '(none)'}`,
        {
          hint: `add it first (keytab ad spn add ${account.sAMAccountName} ${spn}), or leave out --spn for all of them`,
        },
      );
    }
  }
  const names = [
    account.sAMAccountName,
    ...(given.length ? given.map((s) => s.replace(/@.*$/, '')) : own),
  ];
  const out = new Map<string, Principal>();
  for (const name of names) {
    const p = parsePrincipal(`${name}@${account.realm}`);
    const key = formatPrincipal(p).toLowerCase();
    if (!out.has(key)) out.set(key, p);
  }
  return [...out.values()];
}

/** -e, else what msDS-SupportedEncryptionTypes allows, else aes256, aes128 and rc4 (the keys AD makes). */
function gmsaEnctypes(ctx: CliContext, args: GmsaArgs, account: AccountRecord): EnctypeInfo[] {
  const given = splitList(args.enctype);
  if (given.length)
    return enctypesArg(ctx, given, { iterations: undefined, 'allow-weak': args['allow-weak'] });
  const own = keyEnctypesOfBits(account.msDSSupportedEncryptionTypes);
  return own.length ? own : expandEnctypeList('ad');
}

/** Refused before anything is read: an unencrypted configuration, or ldapts logging the answer. */
function checkSafeToRead(
  ctx: CliContext,
  config: Parameters<typeof isEncryptedTransport>[0],
): void {
  if (!isEncryptedTransport(config)) {
    throw new KtError(
      'GMSA_NOT_CONFIDENTIAL',
      `${config.url} is not encrypted: domain controllers send msDS-ManagedPassword only over LDAPS, StartTLS or a sealed Kerberos bind (nothing was asked)`,
      {
        hint: 'use ldaps://DC, add --starttls, or --auth kerberos with ldap://DC',
      },
    );
  }
  if (ldaptsDebugOn(ctx.env)) {
    throw new KtError(
      'AD_PASSWORD_LOGGED',
      'refusing to read a managed password while NODE_DEBUG turns on ldapts logging: it would write the password to standard error (nothing was asked)',
      {
        hint: 'unset NODE_DEBUG, or leave ldapts out of it',
      },
    );
  }
}

// prettier-ignore
export const gmsaCommand = defineCommand<GmsaArgs>((ctx: CliContext) => ({
  command: 'gmsa <account>',
  describe: "Write or refresh a group managed service account's keytab from its AD-managed password (msDS-ManagedPassword)",
  builder: (y) =>
    directoryOptions(
      y
        .positional('account', accountPositional('the gMSA: sAMAccountName (web$ or web), UPN or DN'))
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the keytab to write (other principals in it are kept)' })
        .option('spn', { type: 'string', array: true, describe: "write keys for these SPNs of the account only (default: all of them), besides NAME$" })
        .option('enctype', { alias: 'e', type: 'string', array: true, describe: "enctypes (default: the account's msDS-SupportedEncryptionTypes, else aes256, aes128, rc4)" })
        .option('previous', { type: 'boolean', default: false, describe: 'also write the previous password at kvno-1, when AD still has one' })
        .option('refresh', { type: 'boolean', default: false, describe: "rewrite only when AD's password changed; keeps the previous kvno (for cron / systemd timers)" })
        .option('kdc', { type: 'string', describe: 'KDC (HOST[:PORT]) to cross-check the salt with (default: krb5.conf, else the DC on port 88)' })
        .option('kdc-check', { type: 'boolean', default: true, describe: "cross-check the salt with the KDC's ETYPE-INFO2 (--no-kdc-check: the computer rule alone)" })
        .option('allow-weak', allowWeakOption('allow single DES'))
        .option('dry-run', dryRunOption('read and derive, print what would be written, write nothing'))
        .option('json', jsonOption()),
    )
      .example('$0 gmsa web$ -o /etc/web.keytab --ldap-url ldaps://dc1.example.com', 'NAME$ and every SPN of web$, at its kvno')
      .example('$0 gmsa web$ -o /etc/web.keytab --refresh', 'cron / systemd: rewrite only after AD changed the password')
      .example('$0 gmsa web$ -o /etc/web.keytab --auth kerberos --admin-keytab /etc/krb5.keytab --admin-principal HOST$@EXAMPLE.COM --refresh', 'as the host itself, sealed Kerberos on ldap://') as Argv<GmsaArgs>,
  handler: (args) => runGmsa(ctx, args, openDirectory),
}));

/** A directory session as `keytab gmsa` needs it (openDirectory's, or a test's). */
export type GmsaDirectory = Directory & { readonly auth?: { readonly client: string } };

/** The command's work, with the directory opener injected (tests pass a fake directory). */
export async function runGmsa(
  ctx: CliContext,
  args: GmsaArgs,
  open: (config: DirectoryConfig) => Promise<GmsaDirectory>,
): Promise<void> {
  const dryRun = args['dry-run'];
  const loc = keytabLocation(ctx, args.output);
  if (loc.path === '-')
    throw new KtError('USAGE', 'gmsa writes a keytab file: give -o PATH, not -');
  const config = await directoryConfig(ctx, args);
  checkSafeToRead(ctx, config);
  // Held from the read of the keytab to its write.
  using _lock = dryRun ? undefined : await lockKeytab(ctx, loc.path, { create: true });
  const existing = (await readKeytabForUpdate(ctx, loc)).entries;
  if (!dryRun) checkWritable(loc.path);
  const dir = await open(config);
  try {
    const { account, password } = await readGmsaPassword(
      dir,
      args.account,
      dir.auth?.client || undefined,
    );
    try {
      const kvno = account.msDSKeyVersionNumber;
      if (kvno === undefined)
        throw new KtError(
          'AD_REFUSED',
          `msDS-KeyVersionNumber of ${account.sAMAccountName} is not readable`,
          { hint: 'the bind account needs read access to the account' },
        );
      const schedule = passwordSchedule(password, new Date(ctx.now() * 1000));
      const principals = gmsaPrincipals(account, splitList(args.spn));
      const enctypes = gmsaEnctypes(ctx, args, account);
      const salt = await gmsaSalt(ctx, account, enctypes, {
        ldapUrl: dir.url,
        kdc: args.kdc,
        timeoutMs: config.timeoutMs,
        check: args['kdc-check'],
      });
      // Within minutes of a change AD already hands out the coming password: it gets kvno+1.
      const currentKvno = schedule.upcoming ? kvno + 1 : kvno;
      const timestamp = ctx.now();
      const make = (pw: Uint8Array, k: number): Promise<KeytabEntry[]> =>
        managedPasswordEntries({
          principals,
          kvno: k,
          timestamp,
          enctypes,
          password: pw,
          salt: salt.salt,
        });
      const fresh = {
        current: await make(password.current, currentKvno),
        previous:
          password.previous && currentKvno > 1
            ? await make(password.previous, currentKvno - 1)
            : [],
      };
      const plan = planGmsaKeytab({
        existing,
        principals,
        ...fresh,
        refresh: args.refresh,
        withPrevious: args.previous || schedule.upcoming,
      });
      if (plan.changed && !dryRun) writeKeytab(ctx, loc, { entries: plan.entries });
      if (schedule.upcoming)
        warn(
          ctx,
          `AD changes the password of ${account.sAMAccountName} at ${isoSeconds(schedule.changesAt)} and already hands out the new one: it is written at kvno ${currentKvno}, the one in use at kvno ${kvno}`,
        );
      printGmsaReport(
        ctx,
        {
          account,
          loc,
          plan,
          salt,
          schedule,
          dryRun,
          refresh: args.refresh,
          principals,
          enctypes,
          kvno: currentKvno,
          hasPrevious: fresh.previous.length > 0,
        },
        args.json,
      );
    } finally {
      wipeManagedPassword(password);
    }
  } finally {
    await dir.close();
  }
}
