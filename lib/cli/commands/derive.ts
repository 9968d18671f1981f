import { toHex } from '../../bytes.js';
import { stringToKey } from '../../crypto/string-to-key.js';
import { KtError } from '../../errors.js';
import { formatPrincipal } from '../../principal.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { enctypesArg, policyOptions, principalArg, saltOf, saltOptions } from '../key-options.js';
import type { PolicyArgs, SaltArgs } from '../key-options.js';
import { warnRealmCase } from '../options.js';
import { readPassword, secretOptions } from '../secrets.js';
import type { SecretArgs } from '../secrets.js';
import { jsonOption } from '../option-defs.js';

interface DeriveArgs extends SaltArgs, PolicyArgs, SecretArgs {
  principal: string | undefined;
  enctype: string;
  json: boolean;
}

export const deriveCommand = defineCommand<DeriveArgs>((ctx: CliContext) => ({
  command: 'derive',
  aliases: ['string2key', 's2k'],
  describe: 'Derive one key from a password (string-to-key) and print it in hex',
  builder: (y) =>
    secretOptions(
      policyOptions(
        saltOptions(
          y
            .option('principal', {
              alias: 'p',
              type: 'string',
              describe: 'the principal, with @REALM (optional with --salt/--salt-hex)',
            })
            .option('enctype', {
              alias: 'e',
              type: 'string',
              demandOption: true,
              describe: 'one enctype: name, alias or number',
            })
            .option('json', jsonOption('print JSON')),
        ),
      ),
    )
      .example(
        '$0 derive -p HTTP/web.example.com@EXAMPLE.COM -e aes256-cts-hmac-sha1-96 --password-file pw.txt',
        'the key kinit would use',
      )
      .example(
        '$0 derive -e aes128 --salt EXAMPLE.COMuser --password-stdin < pw.txt',
        'with an explicit salt',
      ),
  handler: async (args) => {
    warnRealmCase(ctx, args.principal);
    const principal = args.principal === undefined ? undefined : principalArg(args.principal);
    const salt = saltOf(principal, args);
    const infos = enctypesArg(ctx, [args.enctype], args);
    if (infos.length !== 1)
      throw new KtError(
        'USAGE',
        `derive makes one key: -e ${args.enctype} names ${infos.length} enctypes`,
      );
    const info = infos[0]!;
    const password = await readPassword(
      ctx,
      args,
      `Password${principal ? ` for ${formatPrincipal(principal)}` : ''}: `,
    );
    const key = await stringToKey(
      info.id,
      password,
      salt.bytes,
      args.iterations === undefined ? {} : { iterations: args.iterations },
    );
    const iterations =
      info.defaultIterations === undefined ? null : (args.iterations ?? info.defaultIterations);
    if (args.json) {
      ctx.stdout.write(
        JSON.stringify(
          {
            principal: principal ? formatPrincipal(principal) : null,
            enctype: info.id,
            enctypeName: info.name,
            salt: salt.text,
            saltHex: toHex(salt.bytes),
            saltRule: salt.rule,
            iterations,
            key: toHex(key),
          },
          null,
          2,
        ) + '\n',
      );
      return;
    }
    const lines = [
      principal ? `principal:  ${formatPrincipal(principal)}` : undefined,
      `enctype:    ${info.name} (${info.id})`,
      info.family === 'rc4'
        ? 'salt:       (not used by RC4)'
        : `salt:       "${salt.text}" (${salt.explanation})`,
      iterations === null ? undefined : `iterations: ${iterations}`,
      toHex(key),
    ];
    ctx.stdout.write(lines.filter((l) => l !== undefined).join('\n') + '\n');
  },
}));
