/** The rules of `keytab ad audit` over hand-made accounts, and the paged collection over a fake directory. */
import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/ad/account.js';
import {
  AUDIT_RULES,
  aesOnlyValue,
  auditAccount,
  auditKind,
  sharedSpnsOf,
} from '../../lib/ad/audit.js';
import type { AuditContext, AuditKind, FindingCode } from '../../lib/ad/audit.js';
import { auditDirectory, searchPages } from '../../lib/ad/audit-search.js';
import type { DirEntry, Directory, SearchRequest } from '../../lib/ad/types.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const DAY = 86_400_000;

function account(over: Partial<AccountRecord> = {}): AccountRecord {
  const sam = over.sAMAccountName ?? 'svc-web';
  return {
    dn: `CN=${sam},CN=Users,DC=example,DC=test`,
    sAMAccountName: sam,
    servicePrincipalName: ['HTTP/web.example.test'],
    msDSKeyVersionNumber: 2,
    msDSSupportedEncryptionTypes: 0x18,
    userAccountControl: 0x200,
    pwdLastSet: new Date(NOW.getTime() - 10 * DAY),
    objectClass: 'user',
    realm: 'EXAMPLE.TEST',
    ...over,
  };
}

const ctx = (over: Partial<AuditContext> = {}): AuditContext => ({
  now: NOW,
  maxPasswordAgeDays: 365,
  sharedSpns: new Map(),
  ...over,
});
const codes = (
  a: AccountRecord,
  kind: AuditKind = auditKind(a),
  c: AuditContext = ctx(),
): FindingCode[] => auditAccount({ account: a, kind }, c).map((f) => f.code);

describe('audit rules', () => {
  it('an AES-only account with a fresh password has no findings', () => {
    expect(codes(account())).toEqual([]);
    expect(codes(account({ msDSSupportedEncryptionTypes: 0x38 }))).toEqual([]);
  });

  it('RC4_ONLY: explicit RC4 without AES; the fix keeps the other bits and drops RC4 and DES', () => {
    const [f] = auditAccount(
      { account: account({ msDSSupportedEncryptionTypes: 0x4 }), kind: 'user' },
      ctx(),
    );
    expect(f).toMatchObject({
      code: 'RC4_ONLY',
      severity: 'error',
      remedy: { action: 'set-enctypes', account: 'svc-web', value: 0x18 },
    });
    expect(f?.message).toContain('0x4 (arcfour-hmac)');
    expect(f?.message).toContain('KDCSVC events 201-209');
    expect(codes(account({ msDSSupportedEncryptionTypes: 0x24 }))).toEqual(['RC4_ONLY']);
    expect(aesOnlyValue(0x10024)).toBe(0x10038);
    expect(aesOnlyValue(undefined)).toBe(0x18);
  });

  it('RC4_ENABLED (info): RC4 next to AES', () => {
    const [f] = auditAccount(
      { account: account({ msDSSupportedEncryptionTypes: 0x1c }), kind: 'user' },
      ctx(),
    );
    expect(f).toMatchObject({ code: 'RC4_ENABLED', severity: 'info', remedy: { value: 0x18 } });
  });

  it('DES_ENABLED: DES bits (enctypes fix) and USE_DES_KEY_ONLY (flags fix) are two findings', () => {
    const both = auditAccount(
      {
        account: account({ msDSSupportedEncryptionTypes: 0x1b, userAccountControl: 0x200200 }),
        kind: 'user',
      },
      ctx(),
    );
    expect(both.map((f) => [f.code, f.severity, f.remedy.action])).toEqual([
      ['DES_ENABLED', 'error', 'set-enctypes'],
      ['DES_ENABLED', 'error', 'clear-flag'],
    ]);
    expect(both[1]?.remedy).toEqual({ action: 'clear-flag', account: 'svc-web', flag: 'des-only' });
    // DES and RC4 without AES: RC4_ONLY too, with the same target value.
    expect(codes(account({ msDSSupportedEncryptionTypes: 0x7 }))).toEqual([
      'RC4_ONLY',
      'DES_ENABLED',
    ]);
  });

  it('ENCTYPES_UNSET (warning): attribute absent, or set without an enctype bit', () => {
    const [f] = auditAccount(
      { account: account({ msDSSupportedEncryptionTypes: undefined }), kind: 'user' },
      ctx(),
    );
    expect(f).toMatchObject({
      code: 'ENCTYPES_UNSET',
      severity: 'warning',
      remedy: { action: 'set-enctypes', value: 0x18 },
    });
    expect(f?.message).toMatch(
      /not set: tickets follow the DC default, AES only on DCs with the April 2026 update \(KB5073381\), RC4 on older DCs/,
    );
    const sk = auditAccount(
      { account: account({ msDSSupportedEncryptionTypes: 0x20 }), kind: 'user' },
      ctx(),
    );
    expect(sk.map((x) => x.code)).toEqual(['ENCTYPES_UNSET']);
    expect(sk[0]?.message).toContain('0x20 (AES session keys) names no enctype');
    expect(sk[0]?.remedy).toMatchObject({ value: 0x38 });
  });

  it('PASSWORD_OLD (warning): older than the limit, or never set; not for DCs and managed accounts', () => {
    const old = account({ pwdLastSet: new Date(NOW.getTime() - 400 * DAY) });
    const [f] = auditAccount({ account: old, kind: 'user' }, ctx());
    expect(f).toMatchObject({
      code: 'PASSWORD_OLD',
      severity: 'warning',
      remedy: { action: 'rotate', account: 'svc-web' },
    });
    expect(f?.message).toBe('password last set 2025-10-30, 400 days ago (limit 365)');
    expect(codes(old, 'user', ctx({ maxPasswordAgeDays: 400 }))).toEqual([]);
    expect(codes(account(), 'user', ctx({ maxPasswordAgeDays: 0 }))).toEqual(['PASSWORD_OLD']);
    expect(
      auditAccount({ account: account({ pwdLastSet: undefined }), kind: 'user' }, ctx())[0]
        ?.message,
    ).toMatch(/^pwdLastSet is 0/);
    expect(codes(old, 'computer')).toEqual(['PASSWORD_OLD']);
    for (const kind of ['dc', 'gmsa', 'msa'] as const) expect(codes(old, kind)).toEqual([]);
  });

  it('PREAUTH_DISABLED (error): DONT_REQ_PREAUTH', () => {
    const [f] = auditAccount(
      { account: account({ userAccountControl: 0x400200 }), kind: 'user' },
      ctx(),
    );
    expect(f).toMatchObject({
      code: 'PREAUTH_DISABLED',
      severity: 'error',
      remedy: { action: 'clear-flag', flag: 'no-preauth' },
    });
  });

  it('UNCONSTRAINED_DELEGATION (error) on users and computers; never on a DC', () => {
    expect(
      auditAccount({ account: account({ userAccountControl: 0x80200 }), kind: 'user' }, ctx())[0],
    ).toMatchObject({
      code: 'UNCONSTRAINED_DELEGATION',
      severity: 'error',
      remedy: { flag: 'delegation' },
    });
    const dc = account({
      sAMAccountName: 'DC1$',
      objectClass: 'computer',
      userAccountControl: 0x82000,
      msDSSupportedEncryptionTypes: 0x18,
    });
    expect(auditKind(dc)).toBe('dc');
    expect(codes(dc)).toEqual([]);
    // A read-only DC: PARTIAL_SECRETS_ACCOUNT with a workstation account.
    expect(auditKind(account({ objectClass: 'computer', userAccountControl: 0x4001000 }))).toBe(
      'dc',
    );
  });

  it('DUPLICATE_SPN (error): one finding per shared SPN, naming the other holders', () => {
    const a = account({
      sAMAccountName: 'svc-a',
      servicePrincipalName: ['HTTP/web.example.test', 'HTTP/only-a'],
    });
    const b = account({ sAMAccountName: 'svc-b', servicePrincipalName: ['http/WEB.example.test'] });
    const old = account({
      sAMAccountName: 'svc-old',
      servicePrincipalName: ['HTTP/web.example.test'],
      userAccountControl: 0x202,
    });
    const shared = sharedSpnsOf(
      [a, b, old].map((x) => ({ ...x, enabled: x.userAccountControl === 0x200 })),
    );
    const [f] = auditAccount({ account: a, kind: 'user' }, ctx({ sharedSpns: shared }));
    expect(f).toMatchObject({
      code: 'DUPLICATE_SPN',
      severity: 'error',
      remedy: { action: 'resolve-duplicate-spn', account: 'svc-a', spn: 'HTTP/web.example.test' },
    });
    expect(f?.message).toBe(
      'HTTP/web.example.test is also registered on svc-b, svc-old (disabled): the KDC cannot tell which key to use; keep it on one account',
    );
    expect(
      auditAccount({ account: b, kind: 'user' }, ctx({ sharedSpns: shared }))[0]?.message,
    ).toMatch(/^http\/WEB.example.test is also registered on svc-a, svc-old \(disabled\)/);
  });

  it('kinds from objectClass and userAccountControl', () => {
    expect(auditKind(account(), ['top', 'user'])).toBe('user');
    expect(
      auditKind(account({ objectClass: 'computer', userAccountControl: 0x1000 }), ['computer']),
    ).toBe('computer');
    expect(
      auditKind(account({ objectClass: 'computer', userAccountControl: 0x1000 }), [
        'user',
        'computer',
        'msDS-GroupManagedServiceAccount',
      ]),
    ).toBe('gmsa');
    expect(
      auditKind(account({ objectClass: 'computer', userAccountControl: 0x1000 }), [
        'user',
        'computer',
        'msDS-ManagedServiceAccount',
      ]),
    ).toBe('msa');
  });

  it('findings come worst first; every rule has a fact', () => {
    const f = auditAccount(
      {
        account: account({
          msDSSupportedEncryptionTypes: 0x1c,
          userAccountControl: 0x400200,
          pwdLastSet: undefined,
        }),
        kind: 'user',
      },
      ctx(),
    );
    expect(f.map((x) => x.severity)).toEqual(['error', 'warning', 'info']);
    for (const r of AUDIT_RULES) expect(r.fact.length).toBeGreaterThan(20);
  });
});

/** A directory whose searchPages hands out `pageSize` entries at a time, as a DC does. */
function pagingDirectory(
  entries: readonly DirEntry[],
): Directory & { requests: SearchRequest[]; pagesServed: number } {
  const dir = {
    url: 'ldaps://dc.example.test',
    baseDn: 'DC=example,DC=test',
    configurationDn: undefined,
    serverName: undefined,
    encrypted: true,
    requests: [] as SearchRequest[],
    pagesServed: 0,
    search: async (): Promise<DirEntry[]> => {
      throw new Error('the audit must page');
    },
    async *searchPages(request: SearchRequest): AsyncGenerator<DirEntry[]> {
      dir.requests.push(request);
      const size = request.pageSize ?? 500;
      for (let i = 0; i < entries.length; i += size) {
        dir.pagesServed++;
        yield entries.slice(i, i + size);
      }
    },
    apply: async (): Promise<void> => undefined,
    close: async (): Promise<void> => undefined,
  };
  return dir;
}

const FILETIME_EPOCH = 116444736000000000n;
// prettier-ignore
const fileTime = (d: Date): string => String(BigInt(d.getTime()) * 10000n + FILETIME_EPOCH);

function entry(name: string, attrs: Record<string, string[]> = {}): DirEntry {
  return {
    dn: `CN=${name},OU=Svc,DC=example,DC=test`,
    attributes: {
      samaccountname: [name],
      serviceprincipalname: [`HTTP/${name}.example.test`],
      useraccountcontrol: ['512'],
      'msds-supportedencryptiontypes': ['24'],
      pwdlastset: [fileTime(new Date(NOW.getTime() - DAY))],
      objectclass: ['top', 'person', 'organizationalPerson', 'user'],
      ...attrs,
    },
  };
}

describe('auditDirectory over pages', () => {
  it('reads 1,234 accounts in pages of 100; a duplicate across pages is found on both sides; disabled ones are not audited', async () => {
    const entries = Array.from({ length: 1234 }, (_, i) =>
      entry(`svc${String(i).padStart(4, '0')}`),
    );
    entries[3] = entry('svc0003', { serviceprincipalname: ['HTTP/shared.example.test'] });
    entries[1200] = entry('svc1200', { serviceprincipalname: ['HTTP/SHARED.example.test'] });
    entries[600] = entry('svc0600', {
      useraccountcontrol: ['514'],
      'msds-supportedencryptiontypes': ['4'],
    });
    entries[700] = entry('svc0700', { samaccountname: [] });
    const dir = pagingDirectory(entries);
    const report = await auditDirectory(dir, { pageSize: 100, now: NOW });
    expect(dir.pagesServed).toBe(13);
    expect(dir.requests[0]).toMatchObject({
      base: 'DC=example,DC=test',
      paged: true,
      pageSize: 100,
    });
    expect(report.summary).toMatchObject({
      accounts: 1232,
      withFindings: 2,
      error: 2,
      warning: 0,
      info: 0,
      disabled: 1,
      pages: 13,
      unreadable: ['CN=svc0700,OU=Svc,DC=example,DC=test'],
    });
    expect(report.summary.byCode.DUPLICATE_SPN).toBe(2);
    const flagged = report.accounts
      .filter((a) => a.findings.length > 0)
      .map((a) => a.account.sAMAccountName);
    expect(flagged).toEqual(['svc0003', 'svc1200']);
    expect(report.accounts.some((a) => a.account.sAMAccountName === 'svc0600')).toBe(false);
  });

  it('a directory without searchPages gets one paged search()', async () => {
    const requests: SearchRequest[] = [];
    const { searchPages: _paging, ...plain } = pagingDirectory([]);
    const dir: Directory = { ...plain, search: async (r) => (requests.push(r), [entry('svc-x')]) };
    const pages: DirEntry[][] = [];
    for await (const p of searchPages(dir, { base: 'DC=example,DC=test', attributes: [] }))
      pages.push(p);
    expect([pages.length, requests[0]?.paged]).toEqual([1, true]);
  });

  it('refuses a negative age limit or a page size under 1', async () => {
    await expect(auditDirectory(pagingDirectory([]), { maxPasswordAgeDays: -1 })).rejects.toThrow(
      /at least 0/,
    );
    await expect(auditDirectory(pagingDirectory([]), { pageSize: 0 })).rejects.toThrow(
      /at least 1/,
    );
  });
});
