/** ktpass's own output lines, so runbooks and eyes that know ktpass recognise them. */
import { toHex } from '../bytes.js';
import { enctypeById, enctypeName } from '../crypto/enctypes.js';
import { serializeEntry } from '../keytab/encode.js';
import type { KeytabEntry } from '../keytab/types.js';
import { formatPrincipal, nameTypeName } from '../principal.js';

/** The enctype name ktpass prints after `etype 0x..` (its /crypto spelling, except RC4). */
export function ktpassEtypeLabel(enctype: number): string {
  const info = enctypeById(enctype);
  return info?.ktpassLabel ?? info?.ktpassName ?? enctypeName(enctype);
}

/**
 * `keysize 76 HTTP/web@R ptype 1 (KRB5_NT_PRINCIPAL) vno 3 etype 0x12 (AES256-SHA1) keylength 32 (0x...)`
 * keysize is the entry's record length. ktpass prints the key; here it is masked unless asked.
 */
export function ktpassEntryLine(entry: KeytabEntry, showKey: boolean): string {
  const keysize = serializeEntry(entry).length - 4;
  const ptype = `${entry.principal.nameType} (${nameTypeName(entry.principal.nameType) ?? 'unknown'})`;
  const key = showKey ? `0x${toHex(entry.key)}` : 'key hidden: --show-keys prints it';
  return `keysize ${keysize} ${formatPrincipal(entry.principal)} ptype ${ptype} vno ${entry.kvno} etype 0x${(entry.enctype & 0xffff).toString(16)} (${ktpassEtypeLabel(entry.enctype)}) keylength ${entry.key.length} (${key})`;
}

export function ktpassKeytabReport(
  path: string,
  entries: readonly KeytabEntry[],
  showKeys: boolean,
): string[] {
  return [
    `Output keytab to ${path}:`,
    'Keytab version: 0x502',
    ...entries.map((e) => ktpassEntryLine(e, showKeys)),
  ];
}
