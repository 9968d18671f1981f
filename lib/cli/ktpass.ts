/**
 * The `ktpass` command: Windows ktpass command lines, run on Linux. The argv is normalised by
 * lib/ktpass/argv.ts, planned by lib/ktpass/plan.ts (printed by --dry-run), then carried out
 * here: directory changes first (SPN, UPN, enctypes), then the keys, the password reset staged
 * so that AD and the keytab never disagree, then the keytab.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { utf8 } from '../bytes.js';
import { EXIT_FAILURE, EXIT_USAGE, KtError } from '../errors.js';
import { mergeEntries } from '../keytab/ops.js';
import type { KeytabEntry } from '../keytab/types.js';
import { makeEntries } from '../keys.js';
import { normalizeKtpassArgv, shellExpandedStar } from '../ktpass/argv.js';
import type { KtpassRequest } from '../ktpass/argv.js';
import { KTPASS_EXTENSIONS, KTPASS_OPTIONS } from '../ktpass/options.js';
import { describePlan, planKtpass } from '../ktpass/plan.js';
import type { DirectoryStep, KtpassAccount, KtpassPlan } from '../ktpass/plan.js';
import { ktpassKeytabReport } from '../ktpass/output.js';
import { formatPrincipal, formatPrincipalName } from '../principal.js';
import type { CliContext } from './context.js';
import { warn } from './context.js';
import { warnRealmCase } from './options.js';
import { checkWritable, keytabLocation, readKeytabForUpdate, writeFileAtomic, writeKeytab } from './io.js';
import { lockKeytab } from './lock.js';
import { readSecretFile } from './secrets.js';

/** What ktpass needs from the directory; lib/cli/ktpass-directory.ts implements it over lib/ad. */
export interface KtpassDirectory {
  /** For "Targeting domain controller: ...". */
  readonly target: string;
  findAccount(name: string): Promise<KtpassAccount>;
  /** Carries out one step on the account found; a password reset returns AD's new kvno. */
  apply(step: DirectoryStep, plan: KtpassPlan, password: Uint8Array): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface KtpassDeps {
  /** Opens the directory for /mapuser (configuration from /target, --ldap-url, env). */
  openDirectory?: (ctx: CliContext, request: KtpassRequest) => Promise<KtpassDirectory>;
  /** A random password meeting AD complexity (for +rndpass). */
  randomPassword?: (random: (n: number) => Uint8Array, min: number, max: number) => string;
}

const say = (ctx: CliContext, line: string): void => ctx.stdout.write(`${line}\n`);

export function ktpassHelp(): string {
  const syntax = KTPASS_OPTIONS.filter((o) => o.name !== 'help')
    .map((o) => {
      const prefix = o.kind === 'toggle' ? '{-|+}' : '/';
      return `  ${`${prefix}${o.name}${o.value ? ` <${o.value}>` : ''}`.padEnd(44)} ${o.help}`;
    })
    .join('\n');
  const ext = KTPASS_EXTENSIONS.map((e) => `  ${`--${e.name}${e.value ? ` <${e.value}>` : ''}`.padEnd(44)} ${e.help}`).join('\n');
  return `Usage: ktpass [/option value] [+flag|-flag] ...   (Windows ktpass syntax; names are case-insensitive)

Makes a keytab for a principal and, with /mapuser, maps it to an Active Directory account
(servicePrincipalName, userPrincipalName, password) as Windows ktpass does, without its traps.

${syntax}
  /? /h /help                                  this help

Extensions of this toolkit:
${ext}

Examples:
  ktpass /out tomcat.keytab /princ HTTP/web.example.com@EXAMPLE.COM /mapuser tomcat /pass '*' /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL
  ktpass /out web.keytab /princ HTTP/web.example.com@EXAMPLE.COM --password-file pw.txt /crypto All /ptype KRB5_NT_PRINCIPAL
  ktpass /in web.keytab /out web.keytab /princ HTTP/alias.example.com@EXAMPLE.COM /mapuser tomcat /pass '*' -setpass -setupn /kvno 3 /crypto AES256-SHA1 /ptype KRB5_NT_PRINCIPAL

Exit status: 0 success, 1 failure, 2 bad command line.
`;
}

async function readPassword(ctx: CliContext, req: KtpassRequest, plan: KtpassPlan, deps: KtpassDeps): Promise<Uint8Array> {
  const pass = plan.password;
  if (pass === undefined) throw new KtError('USAGE', 'no password: give /pass, --password-file or +rndpass');
  if (pass.kind === 'file') return readSecretFile(ctx, pass.path);
  if (pass.kind === 'env') {
    const value = ctx.env[pass.name];
    if (value === undefined) throw new KtError('INPUT_INVALID', `environment variable ${pass.name} is not set`);
    return utf8(value);
  }
  if (pass.kind === 'text') return utf8(pass.text);
  if (pass.kind === 'prompt') {
    if (!ctx.stdin.isTTY) throw new KtError('USAGE', "/pass '*' needs a terminal to ask on", { hint: 'use --password-file FILE or --password-env VAR' });
    const first = await ctx.promptSecret(`Type the password for ${formatPrincipal(plan.principal)}: `);
    if (plan.directory.some((s) => s.op === 'set-password')) {
      const again = await ctx.promptSecret('Type the password again to confirm: ');
      if (again !== first) throw new KtError('INPUT_INVALID', 'the two passwords typed differ; nothing was changed');
    }
    return utf8(first);
  }
  if (!deps.randomPassword) throw new KtError('INTERNAL', 'no random password generator');
  return utf8(deps.randomPassword(ctx.random, req.minpass ?? 32, req.maxpass ?? Math.max(64, req.minpass ?? 32)));
}

/** True when `name` is an entry of the current folder (what an unquoted * turns into). */
function isFolderEntry(ctx: CliContext, name: string): boolean {
  try {
    return readdirSync(ctx.cwd).includes(name);
  } catch {
    return false;
  }
}

/** Restores a file as it was before a staged write (or removes it if it did not exist). */
function snapshot(path: string): () => void {
  const before = existsSync(path) ? readFileSync(path) : undefined;
  return () => {
    if (before === undefined) rmSync(path, { force: true });
    else writeFileAtomic(path, new Uint8Array(before));
  };
}

export async function ktpassMain(ctx: CliContext, argv: readonly string[], deps: KtpassDeps = {}): Promise<number> {
  const debug = argv.includes('--debug');
  let directory: KtpassDirectory | undefined;
  try {
    const req = normalizeKtpassArgv(argv);
    if (req.help || argv.length === 0) {
      ctx.stdout.write(ktpassHelp());
      return argv.length === 0 ? EXIT_USAGE : 0;
    }
    const allowWeak = req.extensions['allow-weak'] === true;
    const showKeys = req.extensions['show-keys'] === true;
    const dryRun = req.extensions['dry-run'] === true;
    warnRealmCase(ctx, req.princ, '/princ');
    if (req.pass?.kind === 'text' && isFolderEntry(ctx, req.pass.text)) throw shellExpandedStar("/pass's value is the name of a file in this folder");
    if (req.pass?.kind === 'text') {
      warn(ctx, "a password on the command line is visible to other users (ps) and kept in shell history; prefer /pass '*' or --password-file");
    }

    let account: KtpassAccount | undefined;
    if (req.mapuser !== undefined) {
      if (!deps.openDirectory) throw new KtError('NOT_IMPLEMENTED', '/mapuser needs the directory support, which is not available in this build');
      directory = await deps.openDirectory(ctx, req);
      say(ctx, `Targeting domain controller: ${directory.target}`);
      account = await directory.findAccount(req.mapuser);
      if (account.objectClass === 'computer' && req.setpass && req.answer === undefined && !dryRun) {
        if (!ctx.stdin.isTTY) {
          throw new KtError('USAGE', `${account.sAMAccountName} is a computer account: resetting its password breaks its own domain membership`, { hint: 'answer with /answer + (reset it) or /answer - (keep it; give its password with /pass)' });
        }
        const answer = await ctx.promptSecret(`Reset the password of computer account ${account.sAMAccountName}? It breaks the computer's own domain membership. [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw new KtError('INPUT_INVALID', 'not resetting the computer account\'s password: nothing changed', { hint: 'give /answer - and the account\'s current password to make keys without a reset' });
      }
    }

    const plan = planKtpass(req, account, { allowWeak, allowRc4: req.extensions['allow-rc4'] === true });
    for (const w of plan.warnings) ctx.stderr.write(`${w}\n`);
    for (const n of plan.notes) ctx.stderr.write(`ktpass: note: ${n}\n`);
    if (dryRun) {
      say(ctx, 'Dry run: nothing is changed.');
      for (const line of describePlan(plan)) say(ctx, line);
      return 0;
    }

    const out = plan.out === undefined ? undefined : keytabLocation(ctx, plan.out);
    // Held from reading /in (when it is /out) to the last write or restore of /out.
    using _outLock = out && out.path !== '-' ? await lockKeytab(ctx, out.path, { create: true }) : undefined;
    const existing = plan.in === undefined ? [] : (await readKeytabForUpdate(ctx, keytabLocation(ctx, plan.in))).entries;
    // Before any change in the directory: the password, and a place to write the keytab.
    const password = await readPassword(ctx, req, plan, deps);
    if (out) checkWritable(out.path);

    const makeKeys = (kvno: number): Promise<KeytabEntry[]> =>
      makeEntries({
        principal: plan.principal,
        kvno,
        timestamp: ctx.now(),
        enctypes: plan.enctypes,
        source: { kind: 'password', password, salt: plan.salt, iterations: plan.iterations },
      });
    const writeOut = (entries: readonly KeytabEntry[]): readonly KeytabEntry[] => {
      if (!out) return entries;
      const merged = mergeEntries([{ name: plan.in ?? 'in', entries: existing }, { name: 'new', entries }], { preferLast: true }).entries;
      writeKeytab(ctx, out, { entries: merged });
      return merged;
    };
    if (req.dumpsalt) {
      for (const e of plan.enctypes.filter((x) => x.family !== 'rc4')) {
        say(ctx, `Building salt with principalname ${formatPrincipalName(plan.principal)} and domain ${plan.principal.realm} (encryption type ${e.id})...`);
      }
      say(ctx, `Hashing password with salt "${plan.salt.text}".`);
    }

    let entries = await makeKeys(plan.kvno);
    let written: readonly KeytabEntry[] = entries;
    if (directory && account) {
      const restore = out ? snapshot(out.path) : undefined;
      for (const step of plan.directory) {
        if (step.op === 'set-password') {
          // Stage the keys at the kvno AD will give them, so a failure after the reset still
          // leaves a keytab that matches the account; undo it if the reset fails.
          written = writeOut(entries);
          let kvno: number | undefined;
          try {
            kvno = await directory.apply(step, plan, password);
          } catch (err) {
            restore?.();
            throw err;
          }
          say(ctx, 'Password successfully set!');
          if (kvno !== undefined && kvno !== plan.kvno) {
            ctx.stderr.write(`ktpass: note: AD reports kvno ${kvno}, not ${plan.kvno}: the keytab is rewritten with kvno ${kvno}\n`);
            entries = await makeKeys(kvno);
            written = writeOut(entries);
          }
          continue;
        }
        await directory.apply(step, plan, password);
        if (step.op === 'map') say(ctx, `Successfully mapped ${step.spn} to ${account.sAMAccountName}.`);
        if (step.op === 'set-enctypes') ctx.stderr.write(`ktpass: note: msDS-SupportedEncryptionTypes of ${account.sAMAccountName} set to 0x${step.bits.toString(16)}: ${step.why}\n`);
      }
      if (!plan.directory.some((s) => s.op === 'set-password')) written = writeOut(entries);
    } else {
      written = writeOut(entries);
    }
    for (let i = 0; i < entries.length; i++) say(ctx, 'Key created.');
    if (out) for (const line of ktpassKeytabReport(plan.out as string, written, showKeys)) say(ctx, line);
    return 0;
  } catch (err) {
    if (err instanceof KtError) {
      ctx.stderr.write(`ktpass: ${err.code === 'USAGE' ? '' : 'error: '}${err.message}\n`);
      if (err.hint) ctx.stderr.write(`ktpass: hint: ${ktpassHint(err.hint)}\n`);
      if (debug) ctx.stderr.write(`${err.stack ?? ''}\n`);
      return err.code === 'USAGE' ? EXIT_USAGE : err.exitCode;
    }
    ctx.stderr.write(`ktpass: internal error: ${err instanceof Error ? err.message : String(err)}${debug ? `\n${(err as Error).stack ?? ''}` : ' (run with --debug for details)'}\n`);
    return EXIT_FAILURE;
  } finally {
    await directory?.close().catch(() => undefined);
  }
}

/** Shared hints name keytab's options; ktpass users know ktpass's spelling of the same thing. */
export function ktpassHint(hint: string): string {
  return hint.replace(/--random\b(?: \(32 characters\))?/g, '+rndpass');
}
