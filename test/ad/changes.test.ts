import { describe, expect, it } from 'vitest';
import {
  assertSafeToSend,
  carriesSecret,
  changesToJson,
  describeChange,
} from '../../lib/ad/changes.js';
import { encodeUnicodePwd } from '../../lib/ad/password.js';
import type { DirectoryChange } from '../../lib/ad/types.js';

const PW: DirectoryChange = {
  kind: 'modify',
  dn: 'CN=a,DC=x',
  modifications: [
    {
      operation: 'replace',
      attribute: 'unicodePwd',
      values: [encodeUnicodePwd('Secret-123')],
      secret: true,
    },
  ],
};
const SPN: DirectoryChange = {
  kind: 'modify',
  dn: 'CN=a,DC=x',
  modifications: [{ operation: 'add', attribute: 'servicePrincipalName', values: ['HTTP/a'] }],
};

describe('changes as data', () => {
  it('passwords are never shown, in text or JSON', () => {
    expect(describeChange(PW).join('\n')).not.toContain('Secret');
    expect(describeChange(PW)).toEqual([
      'modify CN=a,DC=x',
      '  replace unicodePwd: (password, not shown)',
    ]);
    expect(JSON.stringify(changesToJson([PW]))).not.toMatch(/Secret|"S\\u0000/);
  });
  it('a password attribute counts as secret even when not flagged', () => {
    const unflagged: DirectoryChange = {
      kind: 'add',
      dn: 'CN=a,DC=x',
      attributes: [{ attribute: 'userPassword', values: ['x'] }],
    };
    expect(carriesSecret(unflagged)).toBe(true);
    expect(describeChange(unflagged)[1]).toBe('  add userPassword: (password, not shown)');
    expect(carriesSecret(SPN)).toBe(false);
  });
  it('a password is refused on an unencrypted session, other changes are not', () => {
    expect(() => assertSafeToSend(PW, false, 'ldap://dc:389')).toThrow(
      /refusing to send a password to ldap:\/\/dc:389 over an unencrypted connection/,
    );
    expect(() => assertSafeToSend(PW, true, 'ldaps://dc')).not.toThrow();
    expect(() => assertSafeToSend(SPN, false, 'ldap://dc')).not.toThrow();
  });
});
