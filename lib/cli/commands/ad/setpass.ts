/**
 * keytab ad setpass ACCOUNT: reset the password, read the new kvno, and with -o write the keys
 * AD now has (salt by the account's rule, kvno from msDS-KeyVersionNumber).
 *
 * The keys are made before the password changes (at the kvno AD is expected to report), so a
 * failure in key derivation or in reading the keytab stops us before AD is touched; after the
 * change the kvno AD reports is used.
 */
import type { Argv, CommandModule } from 'yargs';
import { accountSalt, nextKvno, requireAccount } from '../../../ad/account.js';
import type { AccountRecord } from '../../../ad/account.js';
import { enctypeBit, keyEnctypesOfBits, UAC } from '../../../ad/flags.js';
import { ticketFit, ticketMismatchMessage } from '../../../ad/ticket-enctypes.js';
import { passwordText, randomPassword, setPassword } from '../../../ad/password.js';
import type { EnctypeInfo } from '../../../crypto/enctypes.js';
import { expandEnctypeList } from '../../../crypto/policy.js';
import { KtError } from '../../../errors.js';
import { mergeEntries } from '../../../keytab/ops.js';
import type { KeytabEntry } from '../../../keytab/types.js';
import { makeEntries } from '../../../keys.js';
import { formatPrincipal, parsePrincipal } from '../../../principal.js';
import type { Principal } from '../../../principal.js';
import type { CliContext } from '../../context.js';
import { warn } from '../../context.js';
import {
  checkRegularTarget,
  checkWritable,
  keytabLocation,
  readKeytabForUpdate,
  writeKeytab,
} from '../../io.js';
import type { KeytabLocation } from '../../io.js';
import { lockKeytab } from '../../lock.js';
import { setPasswordByKpasswd } from '../../ad-kpasswd.js';
import { enctypesArg } from '../../key-options.js';
import { splitList, warnRealmCase } from '../../options.js';
import { describeEntry, entryCount, jsonEntry } from '../../output.js';
import { promptPassword, readPassword, secretOptions, secretSourceCount } from '../../secrets.js';
import type { SecretArgs } from '../../secrets.js';
import { subcommand, changesToJson, printChanges, withDirectory, writeJson } from './common.js';
import type { DirectoryArgs } from './common.js';
import { accountPositional, allowWeakOption, dryRunOption, jsonOption } from '../../option-defs.js';

interface SetpassArgs extends DirectoryArgs, SecretArgs {
  account: string;
  random: boolean;
  'show-password': boolean;
  output: string | undefined;
  principal: string[] | undefined;
  enctype: string[] | undefined;
  'allow-weak': boolean;
  'dry-run': boolean;
  json: boolean;
  kpasswd: boolean;
}

/** Default principals for -o: the account itself and each of its SPNs, in the account's realm. */
export function defaultPrincipals(account: AccountRecord): Principal[] {
  const names = [account.sAMAccountName, ...account.servicePrincipalName];
  const seen = new Set<string>();
  const out: Principal[] = [];
  for (const n of names) {
    const p = parsePrincipal(`${n}@${account.realm}`);
    const key = formatPrincipal(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/** -e, else what msDS-SupportedEncryptionTypes allows, else aes256, aes128 and rc4. */
function chooseEnctypes(ctx: CliContext, args: SetpassArgs, account: AccountRecord): EnctypeInfo[] {
  const given = splitList(args.enctype);
  const enctypes = given.length
    ? enctypesArg(ctx, given, { iterations: undefined, 'allow-weak': args['allow-weak'] })
    : keyEnctypesOfBits(account.msDSSupportedEncryptionTypes);
  const chosen = enctypes.length ? enctypes : expandEnctypeList('ad');
  const fit = ticketFit(account.msDSSupportedEncryptionTypes, chosen);
  if (!fit.ok) {
    const name = account.sAMAccountName;
    throw new KtError(
      'AD_ENCTYPE_MISMATCH',
      `${ticketMismatchMessage(fit, name, chosen, 'the keytab')}. Nothing was changed.`,
      {
        hint: fit.tickets.explicit
          ? `leave out -e (the keys then follow the account), or add ${fit.missing.map((e) => e.name).join(',')} to -e; to change what AD issues: keytab ad enctypes ${name} ...`
          : `say what the account supports first: keytab ad enctypes ${name} aes256,aes128 (then AES tickets from every DC), or add ${fit.missing.map((e) => e.name).join(',')} to -e`,
        details: { account: name, missing: fit.missing.map((e) => e.name) },
      },
    );
  }
  const useless = chosen.filter((e) => enctypeBit(e.id) === undefined);
  if (useless.length)
    warn(
      ctx,
      `AD makes no keys for ${useless.map((e) => e.name).join(', ')}: those keytab entries will never match a ticket`,
    );
  return chosen;
}

/** The password options make sense together (checked before anything is read or connected). */
function checkPasswordOptions(ctx: CliContext, args: SetpassArgs): void {
  const sources = secretSourceCount(args);
  if (args.random && sources > 0)
    throw new KtError('USAGE', 'give --random or a password option, not both');
  if (sources > 1)
    throw new KtError(
      'USAGE',
      'give the password one way only: --password-file, --password-stdin, --password-env or --password',
    );
  if (args['show-password'] && !args.random)
    throw new KtError(
      'USAGE',
      '--show-password shows a --random password; a password you gave is not printed',
    );
  if (!args.random && sources === 0 && !ctx.stdin.isTTY)
    throw new KtError(
      'USAGE',
      'give the new password: --password-file FILE, --password-stdin, --password-env VAR, or --random',
    );
}

async function newPassword(
  ctx: CliContext,
  args: SetpassArgs,
  account: AccountRecord,
): Promise<{ text: string; random: boolean }> {
  const sources = secretSourceCount(args);
  if (args.random)
    return {
      text: randomPassword(ctx.random, { avoid: [account.sAMAccountName.replace(/\$$/, '')] }),
      random: true,
    };
  if (sources === 0)
    return {
      text: await promptPassword(ctx, `New password for ${account.sAMAccountName}: `, true),
      random: false,
    };
  return {
    text: passwordText(
      await readPassword(ctx, args, `New password for ${account.sAMAccountName}: `),
    ),
    random: false,
  };
}

// prettier-ignore
export const setpassCommand = (ctx: CliContext): CommandModule<object, SetpassArgs> =>
  subcommand<SetpassArgs>({
    command: 'setpass <account>',
    describe: "Reset an account's password, read its new kvno, and write its keys to a keytab (-o)",
    builder: (y) =>
      secretOptions(
        (y as Argv<DirectoryArgs>)
          .positional('account', accountPositional())
          .option('random', { type: 'boolean', default: false, describe: 'a random 32-character password meeting AD complexity (never shown unless --show-password)' })
          .option('show-password', { type: 'boolean', default: false, describe: 'print the random password' })
          .option('output', { alias: 'o', type: 'string', describe: 'keytab to add the new keys to (created if needed; other entries kept)' })
          .option('principal', { alias: 'p', type: 'string', array: true, describe: 'principals to write keys for (default: the account name and each SPN, @REALM)' })
          .option('enctype', { alias: 'e', type: 'string', array: true, describe: "enctypes (default: what the account's msDS-SupportedEncryptionTypes allows, else aes256, aes128, rc4)" })
          .option('allow-weak', allowWeakOption('allow single DES'))
          .option('dry-run', dryRunOption('show the LDAP change and the keys to write, change nothing'))
          .option('kpasswd', { type: 'boolean', default: false, describe: 'set the password through kpasswd (RFC 3244 set-password, as the admin: bind UPN and password, or with --auth kerberos the ticket cache or --admin-keytab) instead of an LDAP unicodePwd write' })
          .option('json', jsonOption()),
      )
        .example('$0 ad setpass svc-web --random -o /etc/http.keytab -p HTTP/web.example.com@EXAMPLE.COM', '')
        .example('$0 ad setpass svc-web --password-file pw.txt', 'no keytab') as Argv<SetpassArgs>,
    handler: async (args) => {
      const dryRun = args['dry-run'];
      checkPasswordOptions(ctx, args);
      warnRealmCase(ctx, splitList(args.principal));
      // The -o keytab is locked from its read to its write, across the password change.
      using _lock = args.output !== undefined && !dryRun ? await lockKeytab(ctx, keytabLocation(ctx, args.output).path, { create: true }) : undefined;
      let loc: KeytabLocation | undefined;
      let existing: readonly KeytabEntry[] = [];
      if (args.output !== undefined) {
        loc = keytabLocation(ctx, args.output);
        if (loc.path === '-') throw new KtError('USAGE', 'setpass -o needs a keytab file, not -');
        // Fail on an unreadable or unwritable keytab before the password changes.
        checkRegularTarget(loc.path);
        existing = (await readKeytabForUpdate(ctx, loc)).entries;
        if (!dryRun) checkWritable(loc.path);
      } else if (args.principal !== undefined || args.enctype !== undefined) {
        throw new KtError('USAGE', '-p and -e say what to write to a keytab: add -o KEYTAB');
      }
      await withDirectory(
        ctx,
        args,
        async (dir, config) => {
          const account = await requireAccount(dir, args.account);
          const password = await newPassword(ctx, args, account);
          const predicted = nextKvno(account);
          let entries: KeytabEntry[] = [];
          const salt = accountSalt(account, account.realm);
          if (loc) {
            const principals = args.principal?.length ? splitList(args.principal).map((p) => parsePrincipal(p, { defaultRealm: account.realm })) : defaultPrincipals(account);
            for (const p of principals) if (p.realm !== account.realm) warn(ctx, `${formatPrincipal(p)}: the realm differs from the account's (${account.realm}); the keys use the account's salt`);
            const enctypes = chooseEnctypes(ctx, args, account);
            const timestamp = ctx.now();
            for (const principal of principals) {
              entries.push(...(await makeEntries({ principal, kvno: predicted, timestamp, enctypes, source: { kind: 'password', password: password.text, salt } })));
            }
          }
          const r = args.kpasswd && !dryRun ? await setPasswordByKpasswd(ctx, dir, config, account, password.text) : await setPassword(dir, account, password.text, { dryRun });
          if (r.applied && r.kvno !== predicted) {
            warn(ctx, `AD reports kvno ${r.kvno}, not ${predicted} as expected: the keys get kvno ${r.kvno}`);
            entries = entries.map((e) => ({ ...e, kvno: r.kvno }));
          }
          let total = existing.length;
          if (loc && entries.length) {
            const merged = mergeEntries([{ name: loc.path, entries: existing }, { name: 'the new keys', entries }], { preferLast: true });
            total = merged.entries.length;
            if (!dryRun) writeKeytab(ctx, loc, { entries: merged.entries });
          }
          const shown = args['show-password'] && password.random ? password.text : undefined;
          if (args.json) {
            writeJson(ctx, {
              dryRun,
              account: account.sAMAccountName,
              dn: account.dn,
              kvno: r.kvno,
              enabled: r.enabled,
              salt: salt.text,
              changes: changesToJson(r.changes),
              keytab: loc ? { name: loc.display, added: entries.map((e) => jsonEntry(e, false)), total } : null,
              ...(shown !== undefined ? { password: shown } : {}),
            });
            return;
          }
          if (dryRun) {
            printChanges(ctx, r.changes, true);
            ctx.stdout.write(`AD would then report kvno ${predicted} (msDS-KeyVersionNumber is ${account.msDSKeyVersionNumber ?? '?'} now)\n`);
          } else {
            ctx.stdout.write(`password of ${account.sAMAccountName} set${r.enabled ? ' and the account enabled' : ''}; msDS-KeyVersionNumber is now ${r.kvno}\n`);
            if ((r.account.userAccountControl & UAC.ACCOUNTDISABLE) !== 0) warn(ctx, `${account.sAMAccountName} is disabled: enable it with "keytab ad flags ${account.sAMAccountName} -disabled"`);
          }
          if (loc) {
            ctx.stdout.write(`salt: "${salt.text}" (${salt.explanation})\n`);
            for (const e of entries) ctx.stdout.write(`${dryRun ? 'would add' : 'added'}: ${describeEntry(e)}\n`);
            ctx.stdout.write(`${dryRun ? 'dry run: ' : ''}${entries.length} ${dryRun ? 'would be added' : 'added'}, ${entryCount(total)} in ${loc.display}\n`);
          }
          if (shown !== undefined) ctx.stdout.write(`password: ${shown}\n`);
        },
        { passwordWrite: true },
      );
    },
  });
