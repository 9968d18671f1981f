/**
 * `ad create --ou X`: the container must exist before an account can be added under it, and
 * a dry run checks it too. When it is missing, the error says how to create it with the
 * tools people have: samba-tool, PowerShell, or ldapmodify.
 */
import type { Directory } from '../../../ad/types.js';
import { KtError } from '../../../errors.js';

/** `OU=Services,DC=example,DC=com` -> name `Services`, parent `DC=example,DC=com` (first RDN only). */
function splitDn(dn: string): { name: string; parent: string } {
  const m = /^\s*[^=,]+=((?:\\.|[^,\\])*)\s*,\s*(.*)$/.exec(dn);
  return m ? { name: (m[1] ?? '').trim(), parent: (m[2] ?? '').trim() } : { name: dn, parent: '' };
}

/** The ways to create an OU, for the hint. */
export function howToCreateOu(dn: string): string {
  const { name, parent } = splitDn(dn);
  return (
    `create it first: samba-tool ou add '${dn}' (Samba), ` +
    `New-ADOrganizationalUnit -Name '${name}' -Path '${parent}' (Windows PowerShell), ` +
    `or ldapmodify with "dn: ${dn}", "changetype: add", "objectClass: organizationalUnit"; ` +
    'or leave out --ou (CN=Users, CN=Computers)'
  );
}

/** Throws AD_OBJECT_NOT_FOUND, with the ways to create it, when `dn` names no entry. */
export async function requireContainer(
  dir: Pick<Directory, 'search' | 'url'>,
  dn: string,
): Promise<void> {
  try {
    const found = await dir.search({ base: dn, scope: 'base', attributes: ['objectClass'] });
    if (found.length > 0) return;
  } catch (err) {
    if (!(err instanceof KtError) || err.code !== 'AD_OBJECT_NOT_FOUND') throw err;
  }
  throw new KtError('AD_OBJECT_NOT_FOUND', `--ou ${dn}: no such container in ${dir.url}`, {
    hint: howToCreateOu(dn),
    details: { dn },
  });
}
