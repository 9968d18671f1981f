/**
 * servicePrincipalName: list, add, remove, find the owner, find duplicates.
 *
 * Rules that matter ([MS-ADTS] 3.1.1.5.1.3 "Uniqueness Constraints", measured on Samba too):
 * - "the new attribute value MUST be unique within the entire forest"; the directory matches
 *   SPNs case-insensitively;
 * - "x=a,b,c ... a, b, and c are all aliases of x": `host/NAME` stands for every service in
 *   the sPNMappings ([MS-ADA3] 2.276) of CN=Directory Service,CN=Windows NT,CN=Services,
 *   <configuration NC> (http, cifs, ...), so `host/web` on one account clashes with
 *   `HTTP/web` on another.
 * We search the domain (the base DN); a forest with several domains needs a search of the
 * global catalog (port 3269) to see them all.
 * `add` looks for an owner before writing (like setspn -S) and names it when refusing.
 */
import { KtError } from '../errors.js';
import type { AccountRecord } from './account.js';
import { applyChanges } from './changes.js';
import { filter, orFilter, sameDn } from './escape.js';
import type { Directory, DirectoryChange, WriteOptions, WriteResult } from './types.js';

/**
 * Checks an SPN's form, `service/host[:port][/name]` without a realm, and returns it trimmed.
 * AD itself accepts almost anything; these checks catch the common mistakes.
 */
export function validateSpn(text: string): string {
  const spn = text.trim();
  const fail = (why: string, hint?: string): KtError =>
    new KtError('AD_SPN_INVALID', `"${text}" is not a service principal name: ${why}`, {
      hint: hint ?? 'write it as service/host.example.com, e.g. HTTP/web.example.com',
      details: { spn: text },
    });
  if (spn === '') throw fail('it is empty');
  if (/[\s\u0000-\u001f]/.test(spn)) throw fail('it contains white space or control characters');
  if (/(^|[^\\])@/.test(spn))
    throw fail('an SPN has no realm', `drop the "@REALM": ${spn.replace(/@[^@]*$/, '')}`);
  const parts = spn.split('/');
  if (parts.length < 2) throw fail('it has no "/" between service and host');
  if (parts.length > 3) throw fail('it has more than three parts (service/host[:port]/name)');
  if (parts.some((p) => p === '')) throw fail('a part is empty');
  const hostPort = parts[1] as string;
  const m = /^(.+?)(?::(\d+))?$/.exec(hostPort);
  if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)))
    throw fail(`"${hostPort}" is not host or host:port`);
  return spn;
}

/** The service class of an SPN (`HTTP` of `HTTP/web.example.com`). */
export function spnService(spn: string): string {
  return spn.slice(0, Math.max(0, spn.indexOf('/')));
}

/** Everything after the service class (`web.example.com` of `HTTP/web.example.com`). */
export function spnRest(spn: string): string {
  return spn.slice(spn.indexOf('/') + 1);
}

/**
 * Parses sPNMappings values (`host=alerter,http,cifs,...`) into alias -> target, lower case
 * ([MS-ADA3] 2.276; "the format of an entry is x=a,b,c", [MS-ADTS] 3.1.1.5.1.3).
 */
export function parseSpnMappings(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) continue;
    const target = v.slice(0, eq).trim().toLowerCase();
    for (const alias of v.slice(eq + 1).split(',')) {
      const a = alias.trim().toLowerCase();
      if (a !== '' && a !== target) out.set(a, target);
    }
  }
  return out;
}

/** The directory's sPNMappings (empty when it cannot be read). */
export async function readSpnMappings(dir: Directory): Promise<Map<string, string>> {
  if (dir.configurationDn === undefined) return new Map();
  try {
    const [entry] = await dir.search({
      base: `CN=Directory Service,CN=Windows NT,CN=Services,${dir.configurationDn}`,
      scope: 'base',
      attributes: ['sPNMappings'],
    });
    return parseSpnMappings(entry?.attributes['spnmappings'] ?? []);
  } catch (err) {
    if (
      err instanceof KtError &&
      (err.code === 'AD_OBJECT_NOT_FOUND' || err.code === 'AD_INSUFFICIENT_RIGHTS')
    )
      return new Map();
    throw err;
  }
}

/**
 * The SPNs whose owner would clash with `spn`: itself, and through sPNMappings `host/REST`
 * for an alias service (HTTP/REST), or every `alias/REST` for `host/REST`.
 */
export function clashingSpns(
  spn: string,
  mappings: ReadonlyMap<string, string>,
): { spn: string; via: string | undefined }[] {
  const service = spnService(spn).toLowerCase();
  const rest = spnRest(spn);
  const out: { spn: string; via: string | undefined }[] = [{ spn, via: undefined }];
  const target = mappings.get(service);
  if (target !== undefined)
    out.push({ spn: `${target}/${rest}`, via: `${target}/ covers ${spnService(spn)}/` });
  for (const [alias, t] of mappings)
    if (t === service)
      out.push({ spn: `${alias}/${rest}`, via: `${spnService(spn)}/ covers ${alias}/` });
  return out;
}

/** "host/ covers HTTP/", with the alias spelled as the user or the owner spelled it. */
function aliasReason(wanted: string, held: string, mappings: ReadonlyMap<string, string>): string {
  const a = spnService(wanted);
  const b = spnService(held);
  const target = mappings.get(a.toLowerCase()) ?? mappings.get(b.toLowerCase()) ?? 'host';
  const alias = a.toLowerCase() === target ? b : a;
  return `${target}/ covers ${alias}/`;
}

export interface SpnOwner {
  readonly dn: string;
  readonly sAMAccountName: string;
  /** The SPN as the owner has it (case as stored). */
  readonly spn: string;
  /** Set when the owner clashes through an sPNMappings alias rather than the SPN itself. */
  readonly via?: string | undefined;
}

/**
 * Who holds an SPN (case-insensitively, as the directory matches it), and with aliases=true
 * (the default) who holds a clashing host/ alias. Searches the domain (base DN).
 */
export async function findSpnOwners(
  dir: Directory,
  spn: string,
  options: { aliases?: boolean; mappings?: ReadonlyMap<string, string> } = {},
): Promise<SpnOwner[]> {
  const wanted = validateSpn(spn);
  const mappings =
    options.aliases === false
      ? new Map<string, string>()
      : (options.mappings ?? (await readSpnMappings(dir)));
  const candidates = clashingSpns(wanted, mappings);
  const entries = await dir.search({
    base: dir.baseDn,
    filter: orFilter(candidates.map((c) => filter`(servicePrincipalName=${c.spn})`)),
    attributes: ['sAMAccountName', 'servicePrincipalName'],
  });
  const out: SpnOwner[] = [];
  for (const e of entries) {
    const held = e.attributes['serviceprincipalname'] ?? [];
    for (const c of candidates) {
      const match = held.find((h) => h.toLowerCase() === c.spn.toLowerCase());
      if (match === undefined) continue;
      out.push({
        dn: e.dn,
        sAMAccountName: e.attributes['samaccountname']?.[0] ?? e.dn,
        spn: match,
        via: c.via === undefined ? undefined : aliasReason(wanted, match, mappings),
      });
    }
  }
  // The SPN itself first, then aliases; one line per (owner, spn).
  return out.sort((a, b) => Number(a.via !== undefined) - Number(b.via !== undefined));
}

function ownerText(o: SpnOwner): string {
  return `${o.sAMAccountName} (${o.dn})${o.via ? ` as ${o.spn}, since ${o.via}` : ''}`;
}

/**
 * Refuses (AD_SPN_DUPLICATE, naming the owner) when another account than `account` holds one
 * of the SPNs or a clashing alias: what setspn -S checks before it writes.
 */
export async function checkSpnsFree(
  dir: Directory,
  account: Pick<AccountRecord, 'dn'> | undefined,
  spns: readonly string[],
): Promise<void> {
  if (spns.length === 0) return;
  const mappings = await readSpnMappings(dir);
  for (const spn of spns) {
    const others = (await findSpnOwners(dir, spn, { mappings })).filter(
      (o) => account === undefined || !sameDn(o.dn, account.dn),
    );
    const [owner] = others;
    if (owner) {
      throw new KtError(
        'AD_SPN_DUPLICATE',
        `SPN ${spn} is already registered on ${ownerText(owner)}`,
        {
          hint: `an SPN may belong to one account only: remove it there first (keytab ad spn remove ${owner.sAMAccountName} ${owner.spn}), or use another name`,
          details: {
            spn,
            owner: owner.dn,
            ownerSpn: owner.spn,
            ...(owner.via ? { via: owner.via } : {}),
          },
        },
      );
    }
  }
}

export interface SpnPlan extends WriteResult {
  /** SPNs to add (or being removed), in the account's spelling for removals. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** SPNs that needed nothing: already there (add) or not there (remove). */
  readonly unchanged: readonly string[];
}

/** Which SPNs an add would write (the others are already on the account, in any case). Pure. */
export function planSpnAdd(
  account: Pick<AccountRecord, 'dn' | 'servicePrincipalName'>,
  spns: readonly string[],
): { changes: DirectoryChange[]; added: string[]; unchanged: string[] } {
  const have = new Set(account.servicePrincipalName.map((s) => s.toLowerCase()));
  const added: string[] = [];
  const unchanged: string[] = [];
  for (const raw of spns) {
    const spn = validateSpn(raw);
    if (have.has(spn.toLowerCase())) unchanged.push(spn);
    else {
      have.add(spn.toLowerCase());
      added.push(spn);
    }
  }
  const changes: DirectoryChange[] = added.length
    ? [
        {
          kind: 'modify',
          dn: account.dn,
          modifications: [{ operation: 'add', attribute: 'servicePrincipalName', values: added }],
        },
      ]
    : [];
  return { changes, added, unchanged };
}

/** Which SPNs a remove would delete (matched case-insensitively, sent as stored). Pure. */
export function planSpnRemove(
  account: Pick<AccountRecord, 'dn' | 'servicePrincipalName'>,
  spns: readonly string[],
): { changes: DirectoryChange[]; removed: string[]; unchanged: string[] } {
  const removed: string[] = [];
  const unchanged: string[] = [];
  for (const raw of spns) {
    const spn = raw.trim();
    const held = account.servicePrincipalName.find((h) => h.toLowerCase() === spn.toLowerCase());
    if (held === undefined) unchanged.push(spn);
    else if (!removed.includes(held)) removed.push(held);
  }
  const changes: DirectoryChange[] = removed.length
    ? [
        {
          kind: 'modify',
          dn: account.dn,
          modifications: [
            { operation: 'delete', attribute: 'servicePrincipalName', values: removed },
          ],
        },
      ]
    : [];
  return { changes, removed, unchanged };
}

/** Adds SPNs to an account after checking that no other account holds them (setspn -S). */
export async function addSpns(
  dir: Directory,
  account: AccountRecord,
  spns: readonly string[],
  options: WriteOptions = {},
): Promise<SpnPlan> {
  const plan = planSpnAdd(account, spns);
  await checkSpnsFree(dir, account, plan.added);
  return {
    changes: plan.changes,
    added: plan.added,
    removed: [],
    unchanged: plan.unchanged,
    applied: await applyChanges(dir, plan.changes, options),
  };
}

/** Removes SPNs from an account (those it does not hold are reported as unchanged). */
export async function removeSpns(
  dir: Directory,
  account: AccountRecord,
  spns: readonly string[],
  options: WriteOptions = {},
): Promise<SpnPlan> {
  const plan = planSpnRemove(account, spns);
  return {
    changes: plan.changes,
    added: [],
    removed: plan.removed,
    unchanged: plan.unchanged,
    applied: await applyChanges(dir, plan.changes, options),
  };
}

export interface SpnHolder {
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly servicePrincipalName: readonly string[];
}

export interface SpnDuplicate {
  /** The SPN (as the first holder spells it). */
  readonly spn: string;
  /** `exact`: the same SPN on several accounts; `alias`: host/X on one, an alias of it on another. */
  readonly kind: 'exact' | 'alias';
  readonly owners: readonly SpnOwner[];
}

/**
 * Groups holders into duplicates, as setspn -X reports them. With mappings, also host/X on one
 * account against an alias (HTTP/X, cifs/X, ...) on another: AD refuses to create those, but a
 * domain can hold them (Samba's own provisioning gives dns-DC the DNS/ alias of the DC's
 * host/), so they are reported separately. Pure.
 */
export function groupDuplicateSpns(
  holders: readonly SpnHolder[],
  mappings: ReadonlyMap<string, string> = new Map(),
): SpnDuplicate[] {
  const bySpn = new Map<string, SpnOwner[]>();
  for (const h of holders) {
    for (const spn of h.servicePrincipalName) {
      const key = spn.toLowerCase();
      const list = bySpn.get(key) ?? [];
      if (!list.some((o) => sameDn(o.dn, h.dn)))
        list.push({ dn: h.dn, sAMAccountName: h.sAMAccountName, spn });
      bySpn.set(key, list);
    }
  }
  const out: SpnDuplicate[] = [];
  for (const owners of bySpn.values()) {
    if (owners.length > 1) out.push({ spn: (owners[0] as SpnOwner).spn, kind: 'exact', owners });
  }
  // host/REST on one account, ALIAS/REST on another.
  for (const [key, hostOwners] of bySpn) {
    const service = spnService(key);
    if (![...mappings.values()].includes(service)) continue;
    const rest = key.slice(service.length + 1);
    for (const [alias, target] of mappings) {
      if (target !== service) continue;
      const aliasOwners = bySpn.get(`${alias}/${rest}`) ?? [];
      const others = aliasOwners.filter((a) => !hostOwners.some((h) => sameDn(h.dn, a.dn)));
      if (others.length)
        out.push({
          spn: (hostOwners[0] as SpnOwner).spn,
          kind: 'alias',
          owners: [
            ...hostOwners,
            ...others.map((o) => ({ ...o, via: `${service}/ covers ${alias}/` })),
          ],
        });
    }
  }
  return out.sort((a, b) => a.spn.toLowerCase().localeCompare(b.spn.toLowerCase()));
}

/** Every SPN held by more than one account in the domain (setspn -X); with aliases, host/ alias clashes too. */
export async function findDuplicateSpns(
  dir: Directory,
  options: { aliases?: boolean } = {},
): Promise<SpnDuplicate[]> {
  const entries = await dir.search({
    base: dir.baseDn,
    filter: '(servicePrincipalName=*)',
    attributes: ['sAMAccountName', 'servicePrincipalName'],
    paged: true,
  });
  const holders = entries.map((e) => ({
    dn: e.dn,
    sAMAccountName: e.attributes['samaccountname']?.[0] ?? e.dn,
    servicePrincipalName: e.attributes['serviceprincipalname'] ?? [],
  }));
  return groupDuplicateSpns(holders, options.aliases ? await readSpnMappings(dir) : new Map());
}
