/**
 * Directory changes as data: printing them (passwords redacted), the guard that keeps a
 * password off an unencrypted connection, and sending a list of them in order.
 */
import { KtError } from '../errors.js';
import { option, remedy } from '../remedy.js';
import type { AttrValue, Directory, DirectoryChange, Modification, NewAttribute } from './types.js';

/**
 * Attributes that carry a password: unicodePwd ([MS-ADTS] 3.1.1.3.1.5.1), the attribute AD
 * sets keys from, and userPassword / clearTextPassword, which some servers also accept.
 */
const SECRET_ATTRIBUTES = new Set(['unicodepwd', 'userpassword', 'cleartextpassword']);

export function isSecretAttribute(name: string): boolean {
  return SECRET_ATTRIBUTES.has(name.toLowerCase());
}

function parts(change: DirectoryChange): readonly (Modification | NewAttribute)[] {
  return change.kind === 'add' ? change.attributes : change.modifications;
}

/** True when the change carries a password. */
export function carriesSecret(change: DirectoryChange): boolean {
  return parts(change).some((p) => p.secret === true || isSecretAttribute(p.attribute));
}

/**
 * [MS-ADTS] 3.1.1.3.1.5.1: a unicodePwd write is only accepted "over an encrypted connection"
 * (LDAPS, StartTLS, or SASL sealing). We do not leave that to the server: a change carrying a
 * password is refused here, before a byte is sent, unless the session is encrypted.
 */
export function assertSafeToSend(change: DirectoryChange, encrypted: boolean, url: string): void {
  if (encrypted || !carriesSecret(change)) return;
  throw new KtError(
    'AD_INSECURE_PASSWORD_WRITE',
    `refusing to send a password to ${url} over an unencrypted connection (nothing was sent)`,
    {
      details: { url, dn: change.dn },
      remedy: remedy`use ldaps://HOST (port 636) or add ${option('startTls')} to an ldap:// URL`,
    },
  );
}

function showValue(value: AttrValue, secret: boolean): string {
  if (secret) return '(password, not shown)';
  if (typeof value === 'string') return value;
  return `(${value.length} bytes)`;
}

/** Lines in the style of an LDIF change record, passwords redacted. */
export function describeChange(change: DirectoryChange): string[] {
  const lines = [`${change.kind} ${change.dn}`];
  for (const p of parts(change)) {
    const secret = p.secret === true || isSecretAttribute(p.attribute);
    const op = 'operation' in p ? p.operation : 'add';
    if (p.values.length === 0)
      lines.push(
        `  ${op} ${p.attribute}${op === 'delete' || op === 'replace' ? ' (all values)' : ''}`,
      );
    for (const v of p.values) lines.push(`  ${op} ${p.attribute}: ${showValue(v, secret)}`);
  }
  return lines;
}

export function describeChanges(changes: readonly DirectoryChange[]): string[] {
  return changes.flatMap((c) => describeChange(c));
}

export interface JsonChange {
  readonly kind: 'add' | 'modify';
  readonly dn: string;
  readonly changes: readonly {
    readonly operation: string;
    readonly attribute: string;
    readonly values: readonly string[];
  }[];
}

/** The changes as plain data for `--json`, passwords redacted. */
export function changesToJson(changes: readonly DirectoryChange[]): JsonChange[] {
  return changes.map((c) => ({
    kind: c.kind,
    dn: c.dn,
    changes: parts(c).map((p) => {
      const secret = p.secret === true || isSecretAttribute(p.attribute);
      return {
        operation: 'operation' in p ? p.operation : 'add',
        attribute: p.attribute,
        values: p.values.map((v) => showValue(v, secret)),
      };
    }),
  }));
}

/** Sends the changes in order (none with dryRun); true when something was sent. */
export async function applyChanges(
  dir: Directory,
  changes: readonly DirectoryChange[],
  options: { dryRun?: boolean } = {},
): Promise<boolean> {
  if (options.dryRun || changes.length === 0) return false;
  for (const change of changes) await dir.apply(change);
  return true;
}
