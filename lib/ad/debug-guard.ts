/**
 * ldapts logs every request it sends through util.debuglog('ldapts') when NODE_DEBUG names it:
 * bind passwords are redacted there, but a modify of unicodePwd is logged whole (the new
 * password as UTF-16LE bytes). No password is sent while that logging is on: the commands
 * refuse before connecting, and LdapDirectory.apply refuses a change that carries one.
 */
import { debuglog } from 'node:util';
import { KtError } from '../errors.js';

/**
 * Whether a NODE_DEBUG value turns on the debug section `name`, by Node's rules: names
 * separated by commas, `*` matching anything, case ignored.
 */
export function nodeDebugEnables(nodeDebug: string | undefined, name: string): boolean {
  if (!nodeDebug) return false;
  const pattern = nodeDebug
    .replace(/[|\\{}()[\]^$+?.]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll(',', '$|^');
  return new RegExp(`^${pattern}$`, 'i').test(name);
}

const ldaptsLog = debuglog('ldapts');

/**
 * Whether ldapts would log the requests: in this process (Node reads NODE_DEBUG once, at
 * start), or by the environment the command was given (`env`, the CLI's).
 */
export function ldaptsDebugOn(env: Readonly<Record<string, string | undefined>> = {}): boolean {
  return ldaptsLog.enabled || nodeDebugEnables(env['NODE_DEBUG'], 'ldapts');
}

/** Throws, before anything is sent, when ldapts would log a password. */
export function refuseLoggedPassword(env: Readonly<Record<string, string | undefined>> = {}): void {
  if (!ldaptsDebugOn(env)) return;
  throw new KtError(
    'AD_PASSWORD_LOGGED',
    'refusing to send a password while NODE_DEBUG turns on ldapts logging: it would write the new password (UTF-16LE unicodePwd) to standard error (nothing was sent)',
    {
      details: { nodeDebug: env['NODE_DEBUG'] ?? process.env['NODE_DEBUG'] ?? '' },
      hint: 'unset NODE_DEBUG, or leave ldapts out of it (e.g. NODE_DEBUG=net,tls)',
    },
  );
}
