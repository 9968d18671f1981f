/**
 * keytab ad audit against the real Samba AD DC (test/servers/samba-dc.sh): one account made for
 * each finding, in an OU of its own (other suites share the DC), each finding asserted on its
 * account and nowhere else; a clean AES-only account has none. Also the DC itself (never
 * reported for its delegation), a small page size that forces several LDAP pages, and the
 * exit status.
 *
 * Two things AD does not let a client do are done around it:
 * - pwdLastSet cannot be backdated (only 0 or -1 can be written), so PASSWORD_OLD is shown with
 *   --days 0 on accounts whose password was set a moment ago;
 * - Samba refuses a duplicate SPN over LDAP whatever the controls ("samldb: spn[...] would
 *   cause a conflict"), so the duplicate is written straight into the DC's domain partition
 *   file with Samba's Python ldb bindings and no modules (the test DC is a throwaway copy).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv } from '../helpers/samba.js';
import { interopEnabled, runTool, sambaDc, tempDir } from '../interop/env.js';

const ad = sambaDc();

interface AuditJson {
  baseDn: string;
  accounts: {
    account: string;
    dn: string;
    kind: string;
    spns: string[];
    findings: { code: string; severity: string; message: string; fix: string }[];
  }[];
  summary: {
    accounts: number;
    withFindings: number;
    error: number;
    warning: number;
    info: number;
    byCode: Record<string, number>;
    pages: number;
    disabled: number;
  };
}

/** Adds an SPN to an entry without the directory's uniqueness check (see the file comment). */
const RAW_ADD_SPN = `
import os, sys
import ldb
private, dn, spn = sys.argv[1:4]
d = os.path.join(private, 'sam.ldb.d')
part = [f for f in os.listdir(d) if f.upper().startswith('DC=') and f.endswith('.ldb')][0]
db = ldb.Ldb(os.path.join(d, part), options=['modules:'])
m = ldb.Message()
m.dn = ldb.Dn(db, dn)
m['spn'] = ldb.MessageElement([spn], ldb.FLAG_MOD_ADD, 'servicePrincipalName')
db.modify(m)
`;

describe.runIf(interopEnabled() && ad !== undefined)(
  'keytab ad audit against the Samba AD DC',
  () => {
    const id = randomBytes(3).toString('hex');
    const domain = (): string => ad!.realm.toLowerCase();
    const ou = (): string => `OU=audit-${id},${ad!.baseDn}`;
    const cleanOu = (): string => `OU=clean,${ou()}`;
    const name = (what: string): string => `au-${what}-${id}`;
    let tmp: ReturnType<typeof tempDir>;

    const keytab = (args: string[]): Promise<RunResult> =>
      runCli(args, { env: adEnv(ad!), cwd: tmp.path });
    const ok = async (args: string[]): Promise<RunResult> => {
      const r = await keytab(args);
      expect(r.code, `keytab ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    const ldap = (tool: 'ldapmodify' | 'ldapsearch', args: string[], input?: string): string => {
      const r = runTool(
        tool,
        ['-x', '-H', ad!.url, '-D', ad!.bindDn, '-y', ad!.bindPasswordFile, ...args],
        {
          env: { LDAPTLS_CACERT: ad!.caFile, LDAPRC: '/dev/null' },
          ...(input !== undefined ? { input } : {}),
        },
      );
      expect(r.status, `${tool}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const create = (what: string, extra: string[], where = ou()): Promise<RunResult> =>
      ok([
        'ad',
        'create',
        name(what),
        '--ou',
        where,
        '--spn',
        `HTTP/${name(what)}.${domain()}`,
        '--random-password',
        ...extra,
      ]);
    const audit = async (extra: string[]): Promise<{ r: RunResult; json: AuditJson }> => {
      const r = await keytab(['ad', 'audit', '--json', ...extra]);
      expect(r.stderr).toBe('');
      return { r, json: JSON.parse(r.stdout) as AuditJson };
    };
    const findingsOf = (json: AuditJson, account: string): string[] => {
      const a = json.accounts.find((x) => x.account === account);
      expect(a, `${account} in the audit`).toBeDefined();
      return a!.findings.map((f) => f.code);
    };

    beforeAll(async () => {
      tmp = tempDir('ktp-audit-');
      ldap(
        'ldapmodify',
        [],
        `dn: ${ou()}\nchangetype: add\nobjectClass: organizationalUnit\n\ndn: ${cleanOu()}\nchangetype: add\nobjectClass: organizationalUnit\n`,
      );
      await create('clean', ['--enctypes', 'aes256,aes128'], cleanOu());
      await create('rc4', ['--enctypes', 'rc4']);
      await create('unset', []);
      await create('des', ['--enctypes', 'aes256,aes128']);
      await ok(['ad', 'enctypes', name('des'), 'aes256,aes128,des-cbc-md5', '--allow-weak']);
      await ok(['ad', 'flags', name('des'), '+des-only']);
      await create('nopre', ['--enctypes', 'aes256,aes128']);
      await ok(['ad', 'flags', name('nopre'), '+no-preauth']);
      await create('deleg', ['--enctypes', 'aes256,aes128']);
      await ok(['ad', 'flags', name('deleg'), '+delegation']);
      await create('dupa', ['--enctypes', 'aes256,aes128']);
      await create('dupb', ['--enctypes', 'aes256,aes128']);
      // A disabled account: not audited, whatever its settings.
      await create('off', ['--enctypes', 'rc4']);
      await ok(['ad', 'flags', name('off'), '+disabled']);
      // The duplicate: dupa's SPN on dupb too, past the directory's check.
      const script = `${tmp.path}/raw-add-spn.py`;
      writeFileSync(script, RAW_ADD_SPN);
      const raw = runTool('/usr/bin/python3', [
        script,
        `${ad!.dir}/private`,
        `CN=${name('dupb')},${ou()}`,
        `HTTP/${name('dupa')}.${domain()}`,
      ]);
      expect(raw.status, raw.stderr).toBe(0);
    });
    afterAll(async () => {
      // Leave no duplicate behind for later runs against the same DC (an ordinary LDAP delete).
      await keytab(['ad', 'spn', 'remove', name('dupb'), `HTTP/${name('dupa')}.${domain()}`]);
      tmp.cleanup();
    });

    it('each finding on the account made for it, and nowhere else in the OU', async () => {
      const { r, json } = await audit(['--base-dn', ou()]);
      expect(r.code).toBe(1);
      expect(json.baseDn).toBe(ou());
      const mine = Object.fromEntries(
        json.accounts.map((a) => [a.account, a.findings.map((f) => f.code)]),
      );
      expect(mine).toEqual({
        [name('clean')]: [],
        [name('rc4')]: ['RC4_ONLY'],
        [name('unset')]: ['ENCTYPES_UNSET'],
        [name('des')]: ['DES_ENABLED', 'DES_ENABLED'],
        [name('nopre')]: ['PREAUTH_DISABLED'],
        [name('deleg')]: ['UNCONSTRAINED_DELEGATION'],
        [name('dupa')]: ['DUPLICATE_SPN'],
        [name('dupb')]: ['DUPLICATE_SPN'],
      });
      expect(json.summary).toMatchObject({
        accounts: 8,
        withFindings: 7,
        error: 7,
        warning: 1,
        info: 0,
        disabled: 1,
      });
      const fixes = Object.fromEntries(
        json.accounts.map((a) => [a.account, a.findings.map((f) => f.fix)]),
      );
      expect(fixes[name('rc4')]).toEqual([`keytab ad enctypes ${name('rc4')} aes256,aes128`]);
      expect(fixes[name('unset')]).toEqual([`keytab ad enctypes ${name('unset')} aes256,aes128`]);
      expect(fixes[name('des')]).toEqual([
        `keytab ad enctypes ${name('des')} aes256,aes128`,
        `keytab ad flags ${name('des')} -des-only`,
      ]);
      expect(fixes[name('nopre')]).toEqual([`keytab ad flags ${name('nopre')} -no-preauth`]);
      expect(fixes[name('deleg')]).toEqual([`keytab ad flags ${name('deleg')} -delegation`]);
      expect(fixes[name('dupa')]).toEqual([`keytab ad spn find HTTP/${name('dupa')}.${domain()}`]);
      const dup = json.accounts.find((a) => a.account === name('dupb'))!;
      expect(dup.spns).toEqual(
        expect.arrayContaining([
          `HTTP/${name('dupa')}.${domain()}`,
          `HTTP/${name('dupb')}.${domain()}`,
        ]),
      );
      expect(dup.findings[0]!.message).toBe(
        `HTTP/${name('dupa')}.${domain()} is also registered on ${name('dupa')}: the KDC cannot tell which key to use; keep it on one account`,
      );
      expect(json.accounts.find((a) => a.account === name('rc4'))).toMatchObject({
        kind: 'user',
        dn: `CN=${name('rc4')},${ou()}`,
      });
    });

    it('a clean AES-only account: no findings and exit 0; with --days 0 its fresh password counts as old', async () => {
      const clean = await audit(['--base-dn', cleanOu()]);
      expect(clean.r.code).toBe(0);
      expect(clean.json.accounts.map((a) => [a.account, a.kind, a.findings])).toEqual([
        [name('clean'), 'user', []],
      ]);
      const text = await keytab(['ad', 'audit', '--base-dn', cleanOu()]);
      expect([text.code, text.stderr]).toEqual([0, '']);
      expect(text.stdout).toBe(
        `Audit of ${cleanOu()} (${adEnv(ad!)['KEYTAB_LDAP_URL']}): 1 enabled account with SPNs; passwords older than 365 days count as old\n\nno findings\n\n0 errors, 0 warnings, 0 info on 0 of 1 account; 1 without findings\n`,
      );
      // AD does not let pwdLastSet be backdated: a limit of 0 days makes any set password old.
      const old = await audit(['--base-dn', cleanOu(), '--days', '0']);
      expect(old.r.code).toBe(0);
      const [f] = old.json.accounts[0]!.findings;
      expect(f).toMatchObject({
        code: 'PASSWORD_OLD',
        severity: 'warning',
        fix: `keytab rotate KEYTAB --account ${name('clean')}`,
      });
      expect(f!.message).toMatch(/^password last set \d{4}-\d\d-\d\d, 0 days ago \(limit 0\)$/);
    });

    it('the whole domain in pages of 2: the DC is audited but not reported for delegation; same result as one page', async () => {
      const small = await audit(['--page-size', '2']);
      const big = await audit([]);
      expect(small.json.summary.pages).toBeGreaterThan(3);
      expect(big.json.summary.pages).toBe(1);
      const names = (j: AuditJson): string[] => j.accounts.map((a) => a.account);
      // Other suites may create accounts between the two searches: ours and the DC's are in both.
      for (const n of [name('clean'), name('dupa'), 'DC1$', 'dns-dc1']) {
        expect(names(small.json)).toContain(n);
        expect(names(big.json)).toContain(n);
      }
      const dc = small.json.accounts.find((a) => a.account === 'DC1$')!;
      expect(dc.kind).toBe('dc');
      expect(dc.findings.map((f) => f.code)).not.toContain('UNCONSTRAINED_DELEGATION');
      expect(dc.findings.map((f) => f.code)).not.toContain('PASSWORD_OLD');
      // Samba gives its DC 0x1c: RC4 next to AES, reported as info.
      expect(dc.findings.map((f) => [f.code, f.severity])).toEqual([['RC4_ENABLED', 'info']]);
      expect(findingsOf(small.json, 'dns-dc1')).toEqual(['ENCTYPES_UNSET']);
      // krbtgt holds kadmin/changepw but is disabled.
      expect(names(small.json)).not.toContain('krbtgt');
      expect(small.r.code).toBe(1);
    });

    it('a group managed service account is audited as gmsa', async () => {
      const gmsa = `gmsa${id}`;
      ldap(
        'ldapmodify',
        [],
        `dn: CN=${gmsa},${ou()}\nchangetype: add\nobjectClass: msDS-GroupManagedServiceAccount\nsAMAccountName: ${gmsa}$\ndNSHostName: ${gmsa}.${domain()}\nservicePrincipalName: HTTP/${gmsa}.${domain()}\nmsDS-ManagedPasswordInterval: 30\n`,
      );
      await ok(['ad', 'flags', `${gmsa}$`, '-disabled']);
      const { json } = await audit(['--base-dn', `CN=${gmsa},${ou()}`, '--days', '0']);
      expect(json.accounts.map((a) => [a.account, a.kind, a.findings.map((f) => f.code)])).toEqual([
        [`${gmsa}$`, 'gmsa', ['ENCTYPES_UNSET']],
      ]);
      expect(json.accounts[0]!.findings[0]!.fix).toBe(
        `keytab ad enctypes '${gmsa}$' aes256,aes128`,
      );
    });

    it('the text table (written to the file named by KTP_AUDIT_SAMPLE, for the README)', async () => {
      const r = await keytab(['ad', 'audit', '--base-dn', ou()]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^ACCOUNT +KIND +SEVERITY +CODE +FIX +FINDING$/m);
      expect(r.stdout).toMatch(
        new RegExp(
          `^${name('nopre')} +user +error +PREAUTH_DISABLED +keytab ad flags ${name('nopre')} -no-preauth +Kerberos pre-authentication is not required \\(DONT_REQ_PREAUTH\\): .*offline$`,
          'm',
        ),
      );
      expect(r.stdout).toContain('1 disabled account with SPNs not audited');
      const sample = process.env.KTP_AUDIT_SAMPLE;
      if (sample) writeFileSync(sample, r.stdout);
    });

    it('the fixes work: after running them the findings are gone', async () => {
      for (const what of ['rc4', 'unset', 'des', 'nopre', 'deleg']) {
        const { json } = await audit(['--base-dn', `CN=${name(what)},${ou()}`]);
        for (const f of json.accounts[0]!.findings) {
          const argv = f.fix.split(' ').slice(1);
          const r = await keytab(argv);
          expect(r.code, `${f.fix}: ${r.stderr}`).toBe(0);
        }
        const after = await audit(['--base-dn', `CN=${name(what)},${ou()}`]);
        expect([what, findingsOf(after.json, name(what))]).toEqual([what, []]);
        expect(after.r.code).toBe(0);
      }
    });
  },
);
