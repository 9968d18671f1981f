/**
 * keytab rotate FILE --self: a service host renews its own password with nothing but its
 * keytab (kpasswd change-password, RFC 3244), as `adcli update` and `msktutil --auto-update` do.
 *
 *   1. stage: old entries + new keys at kvno+1 (salt from the KDC's ETYPE-INFO2 for the client,
 *      enctypes as in the keytab)      -> crash: the KDC unchanged, the old keys still work;
 *   2. change the password (kpasswd)   -> refusal: the keytab goes back byte for byte;
 *                                         crash: the staged keys match the new password;
 *   3. confirm the kvno from a service ticket for one of the keytab's principals, re-staging if
 *      the KDC chose another;
 *   4. prune: keep the new kvno and the `keep` previous ones (keep-option.ts: one meaning for
 *      rotate and rotate --self).
 *
 * A keytab whose newest kvno the KDC does not know (left by a crash after step 1) is usable:
 * the client authenticates with the newest kvno the KDC accepts, and the new keys replace the
 * stale ones. The keytab lock is held from the read to the last write.
 */
import { utf8 } from '../bytes.js';
import { randomPassword } from '../ad/password.js';
import { enctypeName } from '../crypto/enctypes.js';
import { KtError, isKtError } from '../errors.js';
import type { KeytabEntry } from '../keytab/types.js';
import { makeEntries } from '../keys.js';
import {
  getInitialTicket,
  getServiceTicket,
  decryptTicket,
  probeAsReq,
  type KdcEtypeInfo,
  type KrbKey,
} from '../krb5/client.js';
import { KRB_ERR } from '../krb5/constants.js';
import {
  changePasswordWith,
  changepwTicket,
  initialTicketError,
  passwordWorks,
  type KpasswdContext,
  type KpasswdSuccess,
} from '../krb5/kpasswd.js';
import { formatPrincipal, parsePrincipal, samePrincipal, type Principal } from '../principal.js';
import { previewRotation, rotationTargets, type RotationTarget } from '../rotate.js';
import type { Salt } from '../salt/rules.js';
import type { CliContext } from './context.js';
import { checkWritable, writeFileAtomic } from './io.js';
import { keepsLine, keptLine, rotatedKvnos } from './keep-option.js';
import { entryCount } from './output.js';
import {
  beginRotation,
  writePruned,
  writeStaged,
  type RotationHooks,
  type RotationOptions,
} from './rotation-keytab.js';

export interface SelfJob {
  readonly keytab: string;
  /** --client; default: the keytab's principal. */
  readonly client?: string | undefined;
  /** -p: renew only these principals. */
  readonly principals: readonly Principal[];
  /** PREVIOUS kvnos kept next to the new one (as `rotate --keep`: the keytab keeps the newest keep+1). */
  readonly keep: number;
  readonly maxAgeDays?: number | undefined;
}

export interface SelfRotation {
  keytab: string;
  client: string;
  ok: boolean;
  /** 'max-age': nothing to do yet. */
  skipped?: 'max-age';
  ageDays?: number;
  kvno?: { from: number; to: number };
  principals?: string[];
  removedKvnos?: number[];
  /** The kvnos the keytab holds for the renewed principals afterwards. */
  keptKvnos?: number[];
  /** How the change was proven: the server's reply, or an AS exchange with the new password. */
  proof?: KpasswdSuccess['proof'];
  server?: string;
  notes?: string[];
}

const DAY = 86_400;
const LOGIN_FAILED = new Set<number>([KRB_ERR.PREAUTH_FAILED]);

function byKvnoDesc(entries: readonly KeytabEntry[]): KeytabEntry[][] {
  const kvnos = [...new Set(entries.map((e) => e.kvno))].sort((a, b) => b - a);
  return kvnos.map((k) => entries.filter((e) => e.kvno === k));
}

function shareKey(a: readonly KeytabEntry[], b: readonly KeytabEntry[]): boolean {
  return a.some((x) =>
    b.some(
      (y) =>
        x.enctype === y.enctype &&
        x.key.length === y.key.length &&
        x.key.every((v, i) => v === y.key[i]),
    ),
  );
}

/** The client, the entries whose keys it logs in with, and the principals sharing its key. */
function choose(
  entries: readonly KeytabEntry[],
  job: SelfJob,
  display: string,
): { client: Principal; source: KeytabEntry[][]; targets: RotationTarget[] } {
  const realms = [...new Set(entries.map((e) => e.principal.realm))];
  if (entries.length === 0)
    throw new KtError('INPUT_INVALID', `${display} is empty: nothing to rotate`);
  const named =
    job.client !== undefined
      ? parsePrincipal(job.client, realms.length === 1 ? { defaultRealm: realms[0] as string } : {})
      : undefined;
  const inRealm = entries.filter(
    (e) =>
      (named ? e.principal.realm === named.realm : true) &&
      (job.principals.length === 0 || job.principals.some((p) => samePrincipal(p, e.principal))),
  );
  if (inRealm.length === 0)
    throw new KtError(
      'INPUT_INVALID',
      `${display} holds no key${named ? ` in realm ${named.realm}` : ''}${job.principals.length ? ' for the -p principals' : ''}`,
    );
  const names = [...new Set(inRealm.map((e) => formatPrincipal(e.principal)))];
  const client = named ?? (inRealm[0] as KeytabEntry).principal;
  const own = inRealm.filter((e) => samePrincipal(e.principal, client));
  const keyHolder = own.length
    ? own
    : inRealm.filter((e) => formatPrincipal(e.principal) === names[0]);
  const source = byKvnoDesc(keyHolder);
  const current = source[0] as KeytabEntry[];
  const sharing = inRealm.filter((e) => {
    const newest = byKvnoDesc(
      inRealm.filter((x) => samePrincipal(x.principal, e.principal)),
    )[0] as KeytabEntry[];
    return shareKey(newest, current);
  });
  return { client, source, targets: rotationTargets(sharing) };
}

function kdcSalt(
  info: readonly KdcEtypeInfo[],
  enctype: number,
  client: Principal,
): { salt: Salt; iterations: number | undefined } {
  const exact = info.find((e) => e.enctype === enctype);
  const any = exact ?? info.find((e) => e.saltSource !== 'default');
  const bytes = any?.salt ?? utf8(client.realm + client.components.join(''));
  const text = new TextDecoder().decode(bytes);
  return {
    salt: {
      rule: 'explicit',
      bytes,
      text,
      explanation: any ? `announced by the KDC (${any.saltSource})` : 'RFC 4120 default',
    },
    iterations: exact?.iterations,
  };
}

async function freshEntries(
  targets: readonly RotationTarget[],
  password: string,
  info: readonly KdcEtypeInfo[],
  client: Principal,
  kvno: number,
  timestamp: number,
): Promise<KeytabEntry[]> {
  const out: KeytabEntry[] = [];
  for (const t of targets) {
    for (const e of t.enctypes) {
      const { salt, iterations } = kdcSalt(info, e.id, client);
      out.push(
        ...(await makeEntries({
          principal: t.principal,
          kvno,
          timestamp,
          enctypes: [e],
          source: { kind: 'password', password: utf8(password), salt, iterations },
        })),
      );
    }
  }
  return out;
}

function unknownClient(client: Principal, names: readonly string[]): KtError {
  return new KtError(
    'KRB_KDC_ERROR',
    `the KDC does not know ${formatPrincipal(client)} as a client (KDC_ERR_C_PRINCIPAL_UNKNOWN): a keytab that holds only service names (AD SPNs) cannot log in under them`,
    {
      details: { client: formatPrincipal(client), principals: [...names] },
      hint: `name the account that logs in: --client SAMACCOUNTNAME@${client.realm} (for a computer account NAME$@${client.realm}), or its UPN`,
    },
  );
}

const keysOf = (entries: readonly KeytabEntry[]): KrbKey[] =>
  entries.map((e) => ({ enctype: e.enctype, key: e.key, kvno: e.kvno }));

/** One self-rotation; `say` prints progress lines (not in --json). */
export async function rotateSelf(
  ctx: CliContext,
  kctx: KpasswdContext,
  job: SelfJob,
  options: RotationOptions = {},
  hooks: RotationHooks = {},
): Promise<SelfRotation> {
  using opened = await beginRotation(ctx, job.keytab, options);
  const { dryRun, say, loc, keytab, original } = opened;
  const { client, source, targets } = choose(keytab.entries, job, loc.display);
  const clientName = formatPrincipal(client);
  const names = targets.map((t) => formatPrincipal(t.principal));
  const base: SelfRotation = { keytab: loc.path, client: clientName, ok: true, principals: names };
  const notes: string[] = [];

  const newest = source[0] as KeytabEntry[];
  if (job.maxAgeDays !== undefined) {
    const age = (ctx.now() - Math.max(...newest.map((e) => e.timestamp))) / DAY;
    if (age < job.maxAgeDays) {
      say(
        `${loc.display}: kvno ${newest[0]?.kvno} is ${age.toFixed(1)} days old, younger than --max-age ${job.maxAgeDays}: nothing to do`,
      );
      return { ...base, skipped: 'max-age', ageDays: Math.round(age * 10) / 10 };
    }
  }

  if (dryRun) {
    const probe = await probeAsReq(kctx, client, {
      enctypes: [...new Set(newest.map((e) => e.enctype))],
    });
    if (probe.kind === 'error') {
      if (probe.error.errorCode === KRB_ERR.C_PRINCIPAL_UNKNOWN) throw unknownClient(client, names);
      throw initialTicketError(probe.failure, client, `the KDC refused ${clientName}`);
    }
    const from = (newest[0] as KeytabEntry).kvno;
    const preview = previewRotation(keytab.entries, targets, from + 1, job.keep);
    const removed = rotatedKvnos(preview.removed, targets);
    const keptKvnos = rotatedKvnos(preview.kept, targets);
    say('dry run: nothing is changed');
    say(
      `client ${clientName}: a new random password through kpasswd (change-password with the keytab's key); kvno ${from} -> ${from + 1}`,
    );
    for (const t of targets)
      say(
        `  new keys: ${formatPrincipal(t.principal)} kvno ${from + 1} ${t.enctypes.map((e) => e.name).join(', ')}`,
      );
    say(
      `  salt: "${kdcSalt(probe.etypeInfo, newest[0]?.enctype ?? 0, client).salt.text}" (from the KDC)`,
    );
    say(`  keytab ${loc.display}: ${keepsLine(keptKvnos, removed, job.keep)}`);
    return { ...base, kvno: { from, to: from + 1 }, removedKvnos: removed, keptKvnos };
  }
  checkWritable(loc.path);

  // The newest kvno the KDC accepts (a newer one may be left by an interrupted rotation).
  let ticket;
  let current: KeytabEntry[] | undefined;
  for (const group of source) {
    const outcome = await changepwTicket(kctx, client, { keys: keysOf(group) });
    if (outcome.ok) {
      ticket = outcome;
      current = group;
      break;
    }
    const f = outcome.failure;
    if (f.errorCode === KRB_ERR.C_PRINCIPAL_UNKNOWN) throw unknownClient(client, names);
    const stale =
      (f.errorCode !== undefined && LOGIN_FAILED.has(f.errorCode)) || f.kind === 'reply-integrity';
    if (!stale || group === source[source.length - 1])
      throw initialTicketError(f, client, `cannot log in as ${clientName} with ${loc.display}`);
    notes.push(
      `kvno ${group[0]?.kvno} in the keytab is not the KDC's (left by an interrupted rotation?): it is replaced`,
    );
  }
  if (!ticket || !current) throw new KtError('INTERNAL', 'no kvno to rotate from');
  const from = (current[0] as KeytabEntry).kvno;
  const predicted = from + 1;
  const password = randomPassword(ctx.random, {
    length: 32,
    avoid: [client.components[0] ?? '', ...client.components.flatMap((c) => c.split(/[./$]/))],
  });
  const timestamp = Math.floor(ctx.now());

  // 1. stage
  let fresh = await freshEntries(targets, password, ticket.etypeInfo, client, predicted, timestamp);
  writeStaged(ctx, opened, fresh);
  await hooks.after?.('staged');

  // 2. change the password; a refusal puts the keytab back as it was
  let change: KpasswdSuccess;
  try {
    change = await changePasswordWith(kctx, ticket.credentials, utf8(password));
  } catch (err) {
    const decisive =
      isKtError(err) &&
      [
        'KPASSWD_POLICY',
        'KPASSWD_REFUSED',
        'KRB_CLOCK_SKEW',
        'KRB_KEY_STALE',
        'KDC_NOT_FOUND',
      ].includes(err.code);
    const unchanged =
      decisive ||
      (await passwordWorks(kctx, client, utf8(password)).then(
        (ok) => !ok,
        () => false,
      ));
    if (unchanged) writeFileAtomic(loc.path, original);
    else if (isKtError(err))
      throw new KtError(
        err.code,
        `${err.message}; whether the password changed is unknown: ${loc.display} holds the old and the new keys (kvno ${from} and ${predicted}), so it works either way`,
        { details: err.details, hint: 'run the rotation again once the KDC answers' },
      );
    throw err;
  }
  if (change.ambiguity)
    notes.push(
      `the kpasswd answer was ambiguous (${change.ambiguity}); an AS exchange with the new password proved the change`,
    );
  say(
    `password of ${clientName} changed through kpasswd${change.server ? ` (${change.server})` : ''}`,
  );
  await hooks.after?.('password-set');

  // 3. the kvno the KDC gave, from a service ticket for one of the keytab's principals
  let kvno = predicted;
  const confirmed = await confirmKvno(kctx, client, utf8(password), targets, fresh);
  if (confirmed.kvno !== undefined) kvno = confirmed.kvno;
  else
    notes.push(
      `the new kvno could not be read from a service ticket (${confirmed.why}); kvno ${predicted} assumed`,
    );
  if (kvno !== predicted) {
    say(`the KDC gave kvno ${kvno}, not ${predicted}: the new keys are written with kvno ${kvno}`);
    fresh = fresh.map(({ wire: _wire, ...e }) => ({ ...e, kvno }));
    writeStaged(ctx, opened, fresh);
  }
  await hooks.after?.('confirmed');

  // 4. prune
  const { kept, removed } = writePruned(ctx, opened, fresh, targets, job.keep);
  await hooks.after?.('pruned');
  for (const e of fresh)
    say(`added: ${formatPrincipal(e.principal)} kvno ${e.kvno} ${enctypeName(e.enctype)}`);
  const removedKvnos = rotatedKvnos(removed, targets);
  const keptKvnos = rotatedKvnos(kept, targets);
  say(keptLine(keptKvnos, removedKvnos, job.keep));
  for (const n of notes) say(`note: ${n}`);
  say(`${loc.display}: ${entryCount(kept.length)}`);
  return {
    ...base,
    kvno: { from, to: kvno },
    removedKvnos,
    keptKvnos,
    proof: change.proof,
    ...(change.server ? { server: change.server } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

async function confirmKvno(
  kctx: KpasswdContext,
  client: Principal,
  password: Uint8Array,
  targets: readonly RotationTarget[],
  fresh: readonly KeytabEntry[],
): Promise<{ kvno?: number; why?: string }> {
  const tgt = await getInitialTicket(
    kctx,
    client,
    { password },
    { enctypes: [...new Set(fresh.map((e) => e.enctype))] },
  );
  if (!tgt.ok) return { why: `the KDC refused the new password: ${tgt.failure.message}` };
  let why = 'no principal to ask for';
  for (const t of targets) {
    const st = await getServiceTicket(kctx, tgt.credentials, t.principal);
    if (!st.ok) {
      why = `${formatPrincipal(t.principal)}: ${st.failure.message}`;
      continue;
    }
    const key = fresh.find(
      (e) => samePrincipal(e.principal, t.principal) && e.enctype === st.ticketEnctype,
    );
    if (!key) {
      why = `the ticket for ${formatPrincipal(t.principal)} is ${enctypeName(st.ticketEnctype)}, a key the keytab does not hold`;
      continue;
    }
    try {
      decryptTicket(st.credentials.ticket, { enctype: key.enctype, key: key.key });
    } catch (e) {
      if (!isKtError(e)) throw e;
      throw new KtError(
        'KRB_KEY_STALE',
        `the password changed, but the new ${enctypeName(key.enctype)} key does not decrypt a ticket for ${formatPrincipal(t.principal)} (a wrong salt?): the keytab keeps the old and the new keys`,
        {
          hint: 're-key the account with an admin (keytab ad setpass, kadmin ktadd)',
        },
      );
    }
    if (st.ticketKvno !== undefined) return { kvno: st.ticketKvno };
    why = 'the ticket carries no kvno';
  }
  return { why };
}
