/** How `keytab ad audit` prints a report: the fix commands, the JSON shape, the table. */
import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/ad/account.js';
import { AUDIT_RULES } from '../../lib/ad/audit.js';
import { summarize } from '../../lib/ad/audit-search.js';
import { ACCOUNT_FLAGS, parseEnctypeBits, parseFlagChanges } from '../../lib/ad/flags.js';
import type { AuditReport, AuditedAccount } from '../../lib/ad/audit-search.js';
import { auditJson, auditText, fixCommand } from '../../lib/cli/commands/ad/audit.js';

const record = (sam: string, over: Partial<AccountRecord> = {}): AccountRecord => ({
  dn: `CN=${sam},CN=Users,DC=example,DC=test`,
  sAMAccountName: sam,
  servicePrincipalName: [`HTTP/${sam}.example.test`],
  msDSKeyVersionNumber: 2,
  msDSSupportedEncryptionTypes: 0x18,
  userAccountControl: 0x200,
  pwdLastSet: new Date('2026-12-01T00:00:00Z'),
  objectClass: 'user',
  realm: 'EXAMPLE.TEST',
  ...over,
});

describe('ad audit output', () => {
  it('spells each remedy as a command of this tool, quoting for the shell', () => {
    expect(fixCommand({ action: 'set-enctypes', account: 'svc-web', value: 0x18 })).toBe(
      'keytab ad enctypes svc-web aes256,aes128',
    );
    expect(fixCommand({ action: 'set-enctypes', account: 'WEB$', value: 0x10038 })).toBe(
      "keytab ad enctypes 'WEB$' aes256,aes128,0x10020",
    );
    expect(fixCommand({ action: 'clear-flag', account: 'svc-web', flag: 'no-preauth' })).toBe(
      'keytab ad flags svc-web -no-preauth',
    );
    expect(fixCommand({ action: 'rotate', account: 'svc-web' })).toBe(
      'keytab rotate KEYTAB --account svc-web',
    );
    expect(
      fixCommand({
        action: 'resolve-duplicate-spn',
        account: 'svc-web',
        spn: 'HTTP/web.example.test',
      }),
    ).toBe('keytab ad spn find HTTP/web.example.test');
  });

  it('the fix commands use words the tool accepts: flag names of ad flags, lists of ad enctypes', () => {
    for (const flag of ['des-only', 'no-preauth', 'delegation'] as const) {
      const fix = fixCommand({ action: 'clear-flag', account: 'svc', flag });
      expect(ACCOUNT_FLAGS.map((f) => f.name)).toContain(flag);
      expect(parseFlagChanges([fix.split(' ').at(-1) as string])[0]).toMatchObject({
        on: false,
        flag: { name: flag },
      });
    }
    for (const value of [0x18, 0x38, 0x10018]) {
      const list = fixCommand({ action: 'set-enctypes', account: 'svc', value })
        .split(' ')
        .at(-1) as string;
      expect(parseEnctypeBits(list).value).toBe(value);
    }
    expect(AUDIT_RULES.map((r) => r.code)).toEqual([
      'RC4_ONLY',
      'DES_ENABLED',
      'PREAUTH_DISABLED',
      'UNCONSTRAINED_DELEGATION',
      'DUPLICATE_SPN',
      'ENCTYPES_UNSET',
      'PASSWORD_OLD',
      'RC4_ENABLED',
    ]);
  });

  const accounts: AuditedAccount[] = [
    { account: record('svc-ok'), kind: 'user', findings: [] },
    {
      account: record('svc-rc4', { msDSSupportedEncryptionTypes: 0x4 }),
      kind: 'user',
      findings: [
        {
          code: 'RC4_ONLY',
          severity: 'error',
          message: 'RC4 only',
          remedy: { action: 'set-enctypes', account: 'svc-rc4', value: 0x18 },
        },
        {
          code: 'PASSWORD_OLD',
          severity: 'warning',
          message: 'old',
          remedy: { action: 'rotate', account: 'svc-rc4' },
        },
      ],
    },
  ];
  const report: AuditReport = {
    baseDn: 'DC=example,DC=test',
    accounts,
    summary: {
      ...summarize(accounts),
      maxPasswordAgeDays: 365,
      disabled: 0,
      unreadable: [],
      pages: 1,
    },
  };

  it('JSON: accounts with account, dn, kind, spns and findings {code, severity, message, fix}; a summary', () => {
    const json = auditJson(report) as { accounts: unknown[]; summary: Record<string, unknown> };
    expect(json.accounts[1]).toEqual({
      account: 'svc-rc4',
      dn: 'CN=svc-rc4,CN=Users,DC=example,DC=test',
      kind: 'user',
      spns: ['HTTP/svc-rc4.example.test'],
      findings: [
        {
          code: 'RC4_ONLY',
          severity: 'error',
          message: 'RC4 only',
          fix: 'keytab ad enctypes svc-rc4 aes256,aes128',
        },
        {
          code: 'PASSWORD_OLD',
          severity: 'warning',
          message: 'old',
          fix: 'keytab rotate KEYTAB --account svc-rc4',
        },
      ],
    });
    expect(json.summary).toMatchObject({
      accounts: 2,
      withFindings: 1,
      error: 1,
      warning: 1,
      info: 0,
      byCode: { RC4_ONLY: 1, PASSWORD_OLD: 1, DUPLICATE_SPN: 0 },
    });
  });

  it('text: a table, worst first, and the counts', () => {
    expect(auditText(report, 'ldaps://dc1')).toBe(
      'Audit of DC=example,DC=test (ldaps://dc1): 2 enabled accounts with SPNs; passwords older than 365 days count as old\n\n' +
        'ACCOUNT  KIND  SEVERITY  CODE          FIX                                       FINDING\n' +
        'svc-rc4  user  error     RC4_ONLY      keytab ad enctypes svc-rc4 aes256,aes128  RC4 only\n' +
        'svc-rc4  user  warning   PASSWORD_OLD  keytab rotate KEYTAB --account svc-rc4    old\n' +
        '\n1 error, 1 warning, 0 info on 1 of 2 accounts; 1 without findings\n',
    );
  });
});
