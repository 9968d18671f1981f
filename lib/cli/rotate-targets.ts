/**
 * keytab rotate: which of a keytab's principals a rotation of one AD account renews, checked
 * before anything changes. Only the account's own principals get new keys (its SPNs and their
 * host/ aliases, its UPN, NAME@REALM: lib/ad/account-principals.ts); entries of every other
 * principal stay byte for byte as they are. Refused, with the names on both sides:
 * - a keytab with none of the account's principals (a new password would break the service
 *   that really uses the account and give this keytab keys no ticket is encrypted with);
 * - a -p principal that is not the account's;
 * - keys that cannot decrypt the tickets AD issues for the account (lib/ad/ticket-enctypes.ts).
 */
import type { AccountRecord } from '../ad/account.js';
import { accountNameKind, describeAccountNames } from '../ad/account-principals.js';
import { enctypeBit } from '../ad/flags.js';
import { ticketFit, ticketMismatchMessage } from '../ad/ticket-enctypes.js';
import { KtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal } from '../principal.js';
import type { Principal } from '../principal.js';
import { rotationTargets } from '../rotate.js';
import type { RotationTarget } from '../rotate.js';

export interface AccountTargets {
  readonly targets: RotationTarget[];
  /** The keytab's other principals, left unchanged. */
  readonly others: string[];
}

function uniqueNames(entries: readonly KeytabEntry[]): string[] {
  return [...new Set(entries.map((e) => formatPrincipal(e.principal)))];
}

export function accountTargets(
  entries: readonly KeytabEntry[],
  only: readonly Principal[],
  account: AccountRecord,
  mappings: ReadonlyMap<string, string>,
  keytab: string,
): AccountTargets {
  const name = account.sAMAccountName;
  const owns = (p: Pick<Principal, 'components' | 'realm'>): boolean =>
    accountNameKind(p, account, mappings) !== undefined;
  const foreign = only.filter((p) => !owns(p));
  if (foreign.length) {
    throw new KtError(
      'AD_NOT_ACCOUNT_PRINCIPAL',
      `${foreign.map(formatPrincipal).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not ${name}'s (${describeAccountNames(account)}): nothing was changed`,
      {
        hint: `name only principals of ${name} with -p, or the account that owns them with --account (keytab ad spn find SPN tells which)`,
        details: { account: name, principals: foreign.map(formatPrincipal) },
      },
    );
  }
  const mine = entries.filter((e) => owns(e.principal));
  if (mine.length === 0) {
    const held = uniqueNames(entries);
    throw new KtError(
      'AD_NOT_ACCOUNT_PRINCIPAL',
      held.length
        ? `${keytab} holds no principal of ${name}: it has ${held.join(', ')}; ${name} has ${describeAccountNames(account)}. Nothing was changed`
        : `${keytab} is empty: nothing to rotate`,
      {
        hint: held.length
          ? `give the account that owns these keys with --account (keytab ad spn find SPN tells which), or add ${name}'s keys first (keytab ad setpass ${name} -o KEYTAB)`
          : `write the account's keys first: keytab ad setpass ${name} --random -o KEYTAB`,
        details: { account: name, principals: held },
      },
    );
  }
  const targets = rotationTargets(mine, only);
  for (const t of targets) {
    const fit = ticketFit(account.msDSSupportedEncryptionTypes, t.enctypes);
    if (!fit.ok) {
      throw new KtError(
        'AD_ENCTYPE_MISMATCH',
        `${ticketMismatchMessage(fit, name, t.enctypes, `${formatPrincipal(t.principal)} in ${keytab}`)}. Nothing was changed`,
        {
          hint: fit.tickets.explicit
            ? `write keys of the enctypes AD issues (they follow the account): keytab ad setpass ${name} --random -o KEYTAB`
            : `say what ${name} supports, so that every DC issues the same tickets: keytab ad enctypes ${name} ${t.enctypes
                .filter((e) => enctypeBit(e.id) !== undefined)
                .map((e) => e.name)
                .join(',')}`,
          details: {
            account: name,
            principal: formatPrincipal(t.principal),
            missing: fit.missing.map((e) => e.name),
          },
        },
      );
    }
  }
  const others = uniqueNames(entries.filter((e) => !owns(e.principal)));
  return { targets, others };
}
