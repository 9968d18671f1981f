/** Options shared by the commands that make keys: principal, enctypes, salt, iterations, policy. */
import type { Argv } from 'yargs';
import { expandEnctypeList, checkEnctypePolicy } from '../crypto/policy.js';
import type { EnctypeInfo } from '../crypto/enctypes.js';
import { KtError } from '../errors.js';
import { parsePrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import { resolveSalt } from '../salt/rules.js';
import type { Salt } from '../salt/rules.js';
import type { CliContext } from './context.js';
import { warn } from './context.js';
import { splitList } from './options.js';
import { allowWeakOption } from './option-defs.js';

export interface SaltArgs {
  salt: string | undefined;
  'salt-hex': string | undefined;
  'ad-user': string | undefined;
  'ad-upn': string | undefined;
  'ad-computer': string | undefined;
}

export function saltOptions<T>(y: Argv<T>): Argv<T & SaltArgs> {
  return y
    .option('salt', { type: 'string', describe: 'explicit salt text (MIT ktutil -s)' })
    .option('salt-hex', { type: 'string', describe: 'explicit salt as hex bytes' })
    .option('ad-user', {
      type: 'string',
      describe: 'AD user without UPN: salt = REALM + this sAMAccountName',
    })
    .option('ad-upn', {
      type: 'string',
      describe: 'AD user with UPN: salt = REALM + UPN name part without "/"',
    })
    .option('ad-computer', {
      type: 'string',
      describe: 'AD computer account (NAME or NAME$): salt = REALM + host + name.realm',
    })
    .conflicts({
      salt: ['salt-hex', 'ad-user', 'ad-upn', 'ad-computer'],
      'salt-hex': ['ad-user', 'ad-upn', 'ad-computer'],
      'ad-user': ['ad-upn', 'ad-computer'],
      'ad-upn': ['ad-computer'],
    })
    .group(
      ['salt', 'salt-hex', 'ad-user', 'ad-upn', 'ad-computer'],
      'Salt (default: RFC 4120, realm + name components):',
    ) as Argv<T & SaltArgs>;
}

export function saltOf(principal: Principal | undefined, args: SaltArgs): Salt {
  return resolveSalt(principal, {
    salt: args.salt,
    saltHex: args['salt-hex'],
    adUser: args['ad-user'],
    adUpn: args['ad-upn'],
    adComputer: args['ad-computer'],
  });
}

export interface PolicyArgs {
  iterations: number | undefined;
  'allow-weak': boolean;
}

export function policyOptions<T>(y: Argv<T>): Argv<T & PolicyArgs> {
  return y
    .option('iterations', {
      type: 'number',
      describe:
        'PBKDF2 iteration count for AES/Camellia (default 4096 for AES-SHA1, 32768 for AES-SHA2 and Camellia)',
    })
    .option(
      'allow-weak',
      allowWeakOption('allow single DES, export RC4 and iteration counts below the default'),
    ) as Argv<T & PolicyArgs>;
}

/** Parses a principal option; a missing realm is an error that says how to write one. */
export function principalArg(text: string, nameType?: number): Principal {
  return parsePrincipal(text, nameType === undefined ? {} : { nameType });
}

/** Expands `-e` values (names, numbers, `all`, `ad`), checks the policy and prints its warnings. */
export function enctypesArg(
  ctx: CliContext,
  values: readonly (string | number)[] | undefined,
  policy: PolicyArgs,
): EnctypeInfo[] {
  const list = splitList(values);
  if (list.length === 0)
    throw new KtError(
      'USAGE',
      'give the enctypes with -e, e.g. -e aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96 or -e ad',
    );
  const infos = expandEnctypeList(list.join(','));
  const warnings = new Set<string>();
  for (const info of infos)
    for (const w of checkEnctypePolicy(info, {
      allowWeak: policy['allow-weak'],
      iterations: policy.iterations,
    }))
      warnings.add(w);
  for (const w of warnings) warn(ctx, w);
  return infos;
}
