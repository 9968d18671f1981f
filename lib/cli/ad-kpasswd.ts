/**
 * `keytab ad setpass ACCOUNT --kpasswd`: the admin sets the password through kpasswd
 * set-password (RFC 3244, version 0xff80) instead of an LDAP unicodePwd write. The admin logs
 * in with the bind credentials (a UPN bind name and its password, or the Kerberos bind's
 * password or admin keytab); the directory is still read for the account and its new kvno.
 */
import type { AccountRecord } from '../ad/account.js';
import { rereadAccount } from '../ad/account.js';
import type { DirectoryConfig } from '../ad/config.js';
import type { Directory } from '../ad/types.js';
import type { SetPasswordResult } from '../ad/password.js';
import { utf8 } from '../bytes.js';
import { KtError } from '../errors.js';
import { adminChangepwTicket, setPasswordAs } from '../krb5/kpasswd.js';
import { parsePrincipal, type Principal } from '../principal.js';
import type { InitialSecret } from '../krb5/client.js';
import { adminKeytabKeys } from '../node/directory-kerberos.js';
import type { CliContext } from './context.js';
import { loadCliKrb5Config } from './kdc-options.js';
import { cliKpasswdContext } from './kpasswd-options.js';

/**
 * The admin's password or keys: kadmin/changepw tickets come from an AS exchange only (DCs
 * refuse them by TGS), so the TGT of a ticket cache cannot be used here.
 */
function adminSecret(config: DirectoryConfig): { admin: Principal; secret: InitialSecret } {
  const k = config.kerberos;
  if (k?.source === 'password') return { admin: parsePrincipal(k.principal), secret: { password: k.password } };
  if (k?.source === 'keytab') return { admin: parsePrincipal(k.principal), secret: { keys: adminKeytabKeys(k.keytab, k.principal) } };
  if (k?.source === 'ccache') {
    throw new KtError('AD_CONFIG', "--kpasswd needs the admin's password or keys: kadmin/changepw tickets come only from a password (an AS exchange), not from the ticket cache", {
      hint: 'give --bind-dn admin@EXAMPLE.COM (its password from --bind-password-file or the prompt) or --admin-keytab; or drop --kpasswd: the password is then written over the sealed LDAP connection',
    });
  }
  const bindDn = config.bindDn ?? '';
  if (config.bindPassword === undefined || !/^[^=,]+@[^=,]+$/.test(bindDn)) {
    throw new KtError('USAGE', '--kpasswd logs the admin in with Kerberos: give the bind name as a UPN (admin@example.com), not a DN');
  }
  const [user, domain] = bindDn.split('@') as [string, string];
  return { admin: parsePrincipal(`${user}@${domain.toUpperCase()}`), secret: { password: config.bindPassword } };
}

export async function setPasswordByKpasswd(ctx: CliContext, dir: Directory, config: DirectoryConfig, account: AccountRecord, password: string): Promise<SetPasswordResult> {
  const { admin, secret } = adminSecret(config);
  const loaded = loadCliKrb5Config(ctx);
  const kctx = cliKpasswdContext(ctx, { kdc: undefined, realm: undefined, tcp: false, timeout: undefined, 'dns-server': undefined, dns: true, 'kpasswd-server': undefined }, loaded.config);
  const ticket = await adminChangepwTicket(kctx, admin, secret);
  await setPasswordAs(kctx, ticket, parsePrincipal(`${account.sAMAccountName}@${account.realm}`), utf8(password));
  const now = await rereadAccount(dir, account);
  return { changes: [], applied: true, account: now, kvno: now.msDSKeyVersionNumber ?? 0, enabled: false };
}
