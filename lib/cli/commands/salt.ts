import { toHex } from '../../bytes.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { principalArg, saltOf, saltOptions } from '../key-options.js';
import type { SaltArgs } from '../key-options.js';
import { warnRealmCase } from '../options.js';
import { jsonOption } from '../option-defs.js';

interface SaltCommandArgs extends SaltArgs {
  principal: string | undefined;
  json: boolean;
}

export const saltCommand = defineCommand<SaltCommandArgs>((ctx: CliContext) => ({
  command: 'salt',
  describe: "Show the salt a KDC uses for a principal's keys, and the rule (like ktpass +dumpsalt)",
  builder: (y) =>
    saltOptions(
      y
        .option('principal', { alias: 'p', type: 'string', describe: 'the principal, with @REALM' })
        .option('json', jsonOption('print {salt, saltHex, rule, explanation} as JSON')),
    )
      .example('$0 salt -p HTTP/web.example.com@EXAMPLE.COM', 'MIT/Heimdal default salt')
      .example(
        '$0 salt -p HTTP/web.example.test@EXAMPLE.TEST --ad-user svc-web',
        'salt of an AD user without UPN',
      )
      .example(
        '$0 salt -p host/web.example.test@EXAMPLE.TEST --ad-computer WEB$',
        'salt of an AD computer account',
      ),
  handler: (args) => {
    warnRealmCase(ctx, args.principal);
    const principal = args.principal === undefined ? undefined : principalArg(args.principal);
    const salt = saltOf(principal, args);
    if (args.json) {
      ctx.stdout.write(
        JSON.stringify(
          {
            salt: salt.text,
            saltHex: toHex(salt.bytes),
            rule: salt.rule,
            explanation: salt.explanation,
          },
          null,
          2,
        ) + '\n',
      );
      return;
    }
    ctx.stdout.write(
      `salt: "${salt.text}"\nhex:  ${toHex(salt.bytes)}\nrule: ${salt.explanation}\n`,
    );
  },
}));
