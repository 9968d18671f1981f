/**
 * `keytab ad setpass ACCOUNT --kpasswd`: the admin sets the password through kpasswd
 * set-password (RFC 3244, version 0xff80) instead of an LDAP unicodePwd write. The admin logs
 * in with the bind credentials (a UPN bind name and its password); the directory is still read
 * for the account and its new kvno.
 */
import type { AccountRecord } from '../ad/account.js';
import { rereadAccount } from '../ad/account.js';
import type { DirectoryConfig } from '../ad/config.js';
import type { Directory } from '../ad/types.js';
import type { SetPasswordResult } from '../ad/password.js';
import { utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { adminChangepwTicket, setPasswordAs } from '../krb5/kpasswd.js';
import { parsePrincipal } from '../principal.js';
import type { CliContext } from './context.js';
import { loadCliKrb5Config } from './kdc-options.js';
import { cliKpasswdContext } from './kpasswd-options.js';

export async function setPasswordByKpasswd(ctx: CliContext, dir: Directory, config: DirectoryConfig, account: AccountRecord, password: string): Promise<SetPasswordResult> {
  const bindDn = config.bindDn ?? '';
  if (config.bindPassword === undefined || !/^[^=,]+@[^=,]+$/.test(bindDn)) {
    throw new KtError('USAGE', '--kpasswd logs the admin in with Kerberos: give the bind name as a UPN (admin@example.com), not a DN');
  }
  const [user, domain] = bindDn.split('@') as [string, string];
  const admin = parsePrincipal(`${user}@${domain.toUpperCase()}`);
  const loaded = loadCliKrb5Config(ctx);
  const kctx = cliKpasswdContext(ctx, { kdc: undefined, realm: undefined, tcp: false, timeout: undefined, 'dns-server': undefined, dns: true, 'kpasswd-server': undefined }, loaded.config);
  const ticket = await adminChangepwTicket(kctx, admin, { password: config.bindPassword ?? '' });
  await setPasswordAs(kctx, ticket, parsePrincipal(`${account.sAMAccountName}@${account.realm}`), utf8(password));
  const now = await rereadAccount(dir, account);
  return { changes: [], applied: true, account: now, kvno: now.msDSKeyVersionNumber ?? 0, enabled: false };
}
