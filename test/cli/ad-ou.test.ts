/** ad create --ou: the container is checked (in a dry run too), and a missing one is named with the ways to create it. */
import { describe, expect, it } from 'vitest';
import { KtError } from '../../lib/errors.js';
import { howToCreateOu, requireContainer } from '../../lib/cli/commands/ad/ou.js';
import type { DirEntry, SearchRequest } from '../../lib/ad/types.js';

const dirWith = (existing: readonly string[]) => ({
  url: 'ldaps://dc1.example.com',
  async search(r: SearchRequest): Promise<DirEntry[]> {
    if (existing.some((dn) => dn.toLowerCase() === r.base.toLowerCase()))
      return [{ dn: r.base, attributes: { objectclass: ['organizationalUnit'] } }];
    throw new KtError('AD_OBJECT_NOT_FOUND', `${r.base} does not exist in ldaps://dc1.example.com`);
  },
});

describe('ad create --ou', () => {
  it('an existing container passes', async () => {
    await expect(
      requireContainer(dirWith(['OU=Services,DC=example,DC=com']), 'OU=Services,DC=example,DC=com'),
    ).resolves.toBeUndefined();
  });
  it('a missing one: AD_OBJECT_NOT_FOUND naming it, with samba-tool, PowerShell and ldapmodify', async () => {
    const err = await requireContainer(dirWith([]), 'OU=Services,DC=example,DC=com').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KtError);
    const e = err as KtError;
    expect(e.code).toBe('AD_OBJECT_NOT_FOUND');
    expect(e.message).toBe(
      '--ou OU=Services,DC=example,DC=com: no such container in ldaps://dc1.example.com',
    );
    expect(e.hint).toContain("samba-tool ou add 'OU=Services,DC=example,DC=com'");
    expect(e.hint).toContain("New-ADOrganizationalUnit -Name 'Services' -Path 'DC=example,DC=com'");
    expect(e.hint).toContain('"objectClass: organizationalUnit"');
  });
  it('other failures pass through', async () => {
    const broken = {
      url: 'ldaps://x',
      search: async (): Promise<DirEntry[]> => {
        throw new KtError('AD_CONNECT', 'lost');
      },
    };
    await expect(requireContainer(broken, 'OU=A,DC=x')).rejects.toMatchObject({
      code: 'AD_CONNECT',
    });
  });
  it('an escaped comma in the OU name stays in the name', () => {
    expect(howToCreateOu('OU=Web\\, Mail,DC=example,DC=com')).toContain(
      "-Name 'Web\\, Mail' -Path 'DC=example,DC=com'",
    );
  });
});
