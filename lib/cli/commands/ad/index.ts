/** keytab ad ...: Active Directory service accounts over LDAP (lib/ad). */
import type { Argv } from 'yargs';
import { defineCommand } from '../../command.js';
import type { CliContext } from '../../context.js';
import { auditCommand } from './audit.js';
import { directoryOptions } from './common.js';
import type { DirectoryArgs } from './common.js';
import { createCommand } from './create.js';
import { enctypesCommand } from './enctypes.js';
import { flagsCommand } from './flags.js';
import { mapuserCommand } from './mapuser.js';
import { setpassCommand } from './setpass.js';
import { showCommand } from './show.js';
import { spnCommand } from './spn.js';

// prettier-ignore
export const adCommand = defineCommand<DirectoryArgs>((ctx: CliContext) => ({
  command: 'ad <command>',
  describe: 'Active Directory service accounts over LDAP (Kerberos or TLS): show, create, spn, mapuser, setpass, enctypes, flags, audit',
  builder: (y) =>
    directoryOptions(y as Argv<object>)
      .command(showCommand(ctx))
      .command(createCommand(ctx))
      .command(spnCommand(ctx))
      .command(mapuserCommand(ctx))
      .command(setpassCommand(ctx))
      .command(enctypesCommand(ctx))
      .command(flagsCommand(ctx))
      .command(auditCommand(ctx))
      .demandCommand(1, 'give an ad subcommand: show, create, spn, mapuser, setpass, enctypes, flags or audit')
      .example('$0 ad show svc-web', 'the account: UPN, SPNs, enctypes, kvno, flags')
      .example('$0 ad audit', 'every service account against the rules (RC4 only, duplicate SPNs, ...)')
      .epilogue(
        'The directory comes from --ldap-url etc. or KEYTAB_LDAP_URL, KEYTAB_BIND_DN, KEYTAB_BIND_PASSWORD_FILE (or KEYTAB_BIND_PASSWORD), KEYTAB_BASE_DN, KEYTAB_CA_FILE. ' +
          'After kinit, an ldap:// URL binds with Kerberos, sealed; ldaps:// (or --starttls) with --bind-dn binds simply, the certificate always verified (--ca-file). ' +
          'Passwords are never sent unencrypted. Every change supports --dry-run.',
      ) as Argv<DirectoryArgs>,
  handler: () => undefined,
}));
