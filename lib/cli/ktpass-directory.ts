/** ktpass's directory work and random passwords, carried out by lib/ad. */
import { requireAccount, rereadAccount } from '../ad/account.js';
import type { AccountRecord } from '../ad/account.js';
import { DIRECTORY_ENV } from '../ad/config.js';
import { openDirectory } from '../ad/directory.js';
import { parseFlagChanges } from '../ad/flags.js';
import { refuseLoggedPassword } from '../ad/debug-guard.js';
import { randomPassword } from '../ad/password.js';
import { setPassword } from '../ad/password.js';
import { mapUser, setFlags, setSupportedEnctypes } from '../ad/writes.js';
import { KtError } from '../errors.js';
import type { KtpassExtensions, KtpassRequest } from '../ktpass/argv.js';
import { directoryConfig } from './directory-options.js';
import type { CliContext } from './context.js';
import type { KtpassDeps, KtpassDirectory } from './ktpass.js';

/**
 * /target DC (a host or a URL) and our --ldap-url etc. into the directory settings. A bare
 * /target host is ldap://HOST (Kerberos with the admin's ticket, as Windows ktpass binds with
 * the logged-on user's) unless a bind account is configured: then ldaps://HOST, a simple bind.
 */
function directoryArgs(ctx: CliContext, req: KtpassRequest): Parameters<typeof directoryConfig>[1] {
  const ext = (name: keyof KtpassExtensions): string | undefined => {
    const v = req.extensions[name];
    return typeof v === 'string' ? v : undefined;
  };
  const bindAccount = ext('bind-dn') ?? (ctx.env[DIRECTORY_ENV.bindDn] || undefined);
  const scheme = bindAccount === undefined ? 'ldap' : 'ldaps';
  const target =
    req.target === undefined
      ? undefined
      : req.target.includes('://')
        ? req.target
        : `${scheme}://${req.target}`;
  return {
    'ldap-url': ext('ldap-url') ?? target,
    'bind-dn': ext('bind-dn'),
    'bind-password-file': ext('bind-password-file'),
    'bind-password': undefined,
    'base-dn': ext('base-dn'),
    'ca-file': ext('ca-file'),
    starttls: req.extensions['starttls'] === true,
    'insecure-tls': false,
    timeout: undefined,
    auth: ext('auth'),
    'admin-keytab': ext('admin-keytab'),
    'admin-principal': ext('admin-principal'),
    'ldap-host': ext('ldap-host'),
  };
}

async function open(ctx: CliContext, req: KtpassRequest): Promise<KtpassDirectory> {
  // A password reset would be logged by ldapts (NODE_DEBUG=ldapts): refused before any change.
  if (req.setpass && req.answer !== false) refuseLoggedPassword(ctx.env);
  const config = await directoryConfig(ctx, directoryArgs(ctx, req));
  const dir = await openDirectory(config);
  let account: AccountRecord | undefined;
  const current = (): AccountRecord => {
    if (!account) throw new KtError('INTERNAL', 'ktpass: no account read yet');
    return account;
  };
  return {
    target: dir.serverName ?? new URL(dir.url).hostname,
    async findAccount(name) {
      account = await requireAccount(dir, name);
      return account;
    },
    async apply(step, plan, password) {
      let kvno: number | undefined;
      if (step.op === 'map') {
        await mapUser(dir, current(), plan.principal, {
          mapop: step.mapop,
          setUpn: step.upn !== undefined,
        });
      } else if (step.op === 'set-enctypes') {
        await setSupportedEnctypes(dir, current(), step.bits);
      } else if (step.op === 'desonly') {
        await setFlags(dir, current(), parseFlagChanges([`${step.on ? '+' : '-'}des-only`]));
      } else {
        kvno = (await setPassword(dir, current(), password)).kvno;
      }
      // Each step starts from the account as it is now (a later write must not undo an earlier one).
      account = await rereadAccount(dir, current());
      return kvno;
    },
    close: () => dir.close(),
  };
}

export const ktpassDeps: KtpassDeps = {
  openDirectory: open,
  randomPassword: (random, min, max) =>
    randomPassword(random, { length: Math.max(min, Math.min(max, 32)) }),
};
