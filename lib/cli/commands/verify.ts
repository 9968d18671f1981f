import { checkSearchBase } from '../../doctor/search-base.js';
import { KtError } from '../../errors.js';
import { matchesFilter } from '../../keytab/ops.js';
import { parsePrincipal, type Principal } from '../../principal.js';
import { jsonReport, renderText } from '../../verify/render.js';
import type { VerifyCheck } from '../../verify/types.js';
import { verifyKeytab } from '../../verify/verify.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  authCheck,
  verifyDirectory,
  verifyDirectoryOptions,
  withAuthCheck,
  type VerifyDirectoryArgs,
} from '../verify-directory.js';
import { keytabLocation, readKeytab } from '../io.js';
import { cliKdcTransport, kdcOptions, loadCliKrb5Config, type KdcArgs } from '../kdc-options.js';
import { principalPatterns, warnRealmCase } from '../options.js';
import { paintStatus } from '../output.js';
import { readSecretFile } from '../secrets.js';
import { jsonOption } from '../option-defs.js';

interface VerifyArgs extends KdcArgs, VerifyDirectoryArgs {
  keytab: string | undefined;
  principal: string[] | undefined;
  service: string | undefined;
  'password-file': string | undefined;
  json: boolean;
}

export const verifyCommand = defineCommand<VerifyArgs>((ctx: CliContext) => ({
  command: 'verify [keytab]',
  describe:
    "Ask the KDC whether the keytab's keys work, and if not why (salt, password, kvno, enctype, clock, account)",
  builder: (y) =>
    verifyDirectoryOptions(
      kdcOptions(
        y
          .positional('keytab', {
            type: 'string',
            describe: 'the keytab; default $KRB5_KTNAME, then /etc/krb5.keytab',
          })
          .option('principal', {
            alias: 'p',
            type: 'string',
            array: true,
            describe: 'check only this principal (repeatable; without @REALM in any realm)',
          })
          .option('service', {
            type: 'string',
            describe: 'ask for a ticket to this service (SPN) instead of each keytab principal',
          })
          .option('password-file', {
            type: 'string',
            describe:
              "the account's password (a file; - = stdin): tells a wrong salt from a wrong password",
          })
          .option('json', jsonOption('print {checks: [...], ok} as JSON')),
      ),
    )
      .example('$0 verify /etc/krb5.keytab', 'every key of the keytab, KDCs from krb5.conf')
      .example(
        '$0 verify http.keytab -p HTTP/web.example.com@EXAMPLE.COM --kdc dc1.example.com',
        'one principal, one KDC',
      )
      .example(
        '$0 verify http.keytab --password-file pw.txt',
        'for a refused key, tell a wrong salt from a wrong password',
      ),
  handler: async (args) => {
    warnRealmCase(ctx, args.principal);
    warnRealmCase(ctx, args.service, '--service');
    const loc = keytabLocation(ctx, args.keytab);
    const kt = await readKeytab(ctx, loc);
    const loaded = loadCliKrb5Config(ctx);
    const config = loaded.config;
    const extra: VerifyCheck[] = [];
    if (loaded.error) {
      extra.push({
        check: 'config',
        status: 'WARN',
        what: 'krb5.conf',
        reason: `${loaded.error.message}; it was ignored`,
        fix: 'fix the file (keytab doctor shows more; keytab krb5conf prints a correct one)',
      });
    }
    const realm = args.realm;
    const patterns = principalPatterns(args.principal);
    const entries = kt.entries.filter(
      (e) =>
        matchesFilter(e, { principals: patterns }) &&
        (realm === undefined || e.principal.realm === realm),
    );
    if (entries.length === 0) {
      throw new KtError(
        'INPUT_INVALID',
        `${loc.display}: no entry${args.principal?.length ? ` for ${args.principal.join(', ')}` : ''}${realm ? ` in realm ${realm}` : ''}`,
        {
          hint: 'keytab list shows the principals it has',
        },
      );
    }
    let service: Principal | undefined;
    if (args.service !== undefined) {
      const realms = [...new Set(entries.map((e) => e.principal.realm))];
      const defaultRealm =
        realm ?? (realms.length === 1 ? realms[0] : config?.libdefaults.defaultRealm);
      service = parsePrincipal(args.service, defaultRealm === undefined ? {} : { defaultRealm });
    }
    const password =
      args['password-file'] !== undefined
        ? await readSecretFile(ctx, args['password-file'])
        : undefined;
    const dir = await verifyDirectory(ctx, args);
    try {
      // A search base outside the domain would make every account look missing: say so first.
      if (dir.directory && dir.baseDn !== undefined) {
        for (const r of new Set(entries.map((e) => e.principal.realm))) {
          const base = await checkSearchBase({
            realm: r,
            configuredBaseDn: dir.baseDn,
            directory: dir.directory,
          });
          if (base.severity === 'error')
            extra.push({
              check: 'directory',
              status: 'FAIL',
              what: 'LDAP search base',
              reason: base.why,
              fix: base.fix,
            });
        }
      }
      const report = await verifyKeytab(
        {
          transport: cliKdcTransport(args, config),
          now: () => new Date(ctx.now() * 1000),
          random: ctx.random,
          directory: dir.directory,
        },
        {
          entries,
          service,
          password,
          allowedSkewSeconds: config?.libdefaults.clockskew,
          directoryNote: dir.note,
          keytabName: loc.path === '-' ? 'KEYTAB' : (args.keytab ?? loc.path),
          passwordFileName: args['password-file'],
        },
      );
      const checks = withAuthCheck([...extra, ...report.checks], authCheck(dir.auth));
      const full = { checks, ok: report.ok && !extra.some((c) => c.status === 'FAIL') };
      ctx.stdout.write(
        args.json
          ? `${JSON.stringify(jsonReport(full), null, 2)}\n`
          : paintStatus(ctx, renderText(full)),
      );
      ctx.exitCode = full.ok ? 0 : 1;
    } finally {
      if (password) password.fill(0);
      await dir.close();
    }
  },
}));
