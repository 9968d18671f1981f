/**
 * The `ktpass` command: Windows ktpass command lines, run on Linux. The argv is read by
 * lib/ktpass/argv.ts, planned by lib/ktpass/plan.ts (printed by --dry-run), then carried out by
 * lib/ktpass/execute.ts (directory changes, keys, the password reset staged so that AD and the
 * keytab never disagree). This file is the edge: the account, the password, the files, the lock
 * and the words on the terminal.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { utf8 } from '../bytes.js';
import { EXIT_USAGE, KtError } from '../errors.js';
import { normalizeKtpassArgv, shellExpandedStar } from '../ktpass/argv.js';
import type { KtpassRequest } from '../ktpass/argv.js';
import { KTPASS_EXTENSIONS, KTPASS_OPTIONS } from '../ktpass/options.js';
import { describePlan, planKtpass } from '../ktpass/plan.js';
import type { KtpassAccount, KtpassPlan } from '../ktpass/plan.js';
import { runKtpassPlan } from '../ktpass/execute.js';
import type { KtpassDirectory, KtpassOutFile } from '../ktpass/execute.js';
import { ktpassKeytabReport } from '../ktpass/output.js';
import { formatPrincipal, formatPrincipalName } from '../principal.js';
import { KEYTAB_SPELLING, word } from '../remedy.js';
import type { RemedySpelling } from '../remedy.js';
import type { CliContext } from './context.js';
import { warn } from './context.js';
import { warnRealmCase } from './options.js';
import { checkWritable, keytabLocation, readKeytabForUpdate, writeKeytabBytes } from './io.js';
import type { KeytabLocation } from './io.js';
import { lockKeytab } from './lock.js';
import { reportError } from './report.js';
import type { ErrorDialect } from './report.js';
import { readSecretFile } from './secrets.js';

export type { KtpassDirectory } from '../ktpass/execute.js';

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
  const ext = KTPASS_EXTENSIONS.map(
    (e) => `  ${`--${e.name}${e.value ? ` <${e.value}>` : ''}`.padEnd(44)} ${e.help}`,
  ).join('\n');
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

async function readPassword(
  ctx: CliContext,
  req: KtpassRequest,
  plan: KtpassPlan,
  deps: KtpassDeps,
): Promise<Uint8Array> {
  const pass = plan.password;
  if (pass === undefined)
    throw new KtError('USAGE', 'no password: give /pass, --password-file or +rndpass');
  if (pass.kind === 'file') return readSecretFile(ctx, pass.path);
  if (pass.kind === 'env') {
    const value = ctx.env[pass.name];
    if (value === undefined)
      throw new KtError('INPUT_INVALID', `environment variable ${pass.name} is not set`);
    return utf8(value);
  }
  if (pass.kind === 'text') return utf8(pass.text);
  if (pass.kind === 'prompt') {
    if (!ctx.stdin.isTTY)
      throw new KtError('USAGE', "/pass '*' needs a terminal to ask on", {
        hint: 'use --password-file FILE or --password-env VAR',
      });
    const first = await ctx.promptSecret(
      `Type the password for ${formatPrincipal(plan.principal)}: `,
    );
    if (plan.directory.some((s) => s.op === 'set-password')) {
      const again = await ctx.promptSecret('Type the password again to confirm: ');
      if (again !== first)
        throw new KtError('INPUT_INVALID', 'the two passwords typed differ; nothing was changed');
    }
    return utf8(first);
  }
  if (!deps.randomPassword) throw new KtError('INTERNAL', 'no random password generator');
  return utf8(
    deps.randomPassword(
      ctx.random,
      req.minpass ?? 32,
      req.maxpass ?? Math.max(64, req.minpass ?? 32),
    ),
  );
}

/** True when `name` is an entry of the current folder (what an unquoted * turns into). */
function isFolderEntry(ctx: CliContext, name: string): boolean {
  try {
    return readdirSync(ctx.cwd).includes(name);
  } catch {
    return false;
  }
}

/** /out for the executor: a file written atomically, or standard output for `-` (nothing to restore). */
function outFile(ctx: CliContext, out: KeytabLocation): KtpassOutFile {
  if (out.path === '-')
    return {
      read: () => undefined,
      write: (bytes) => writeKeytabBytes(ctx, out, [bytes]),
      remove: () => undefined,
    };
  return {
    read: () => (existsSync(out.path) ? new Uint8Array(readFileSync(out.path)) : undefined),
    write: (bytes) => writeKeytabBytes(ctx, out, [bytes]),
    remove: () => rmSync(out.path, { force: true }),
  };
}

export async function ktpassMain(
  ctx: CliContext,
  argv: readonly string[],
  deps: KtpassDeps = {},
): Promise<number> {
  const debug = argv.includes('--debug');
  let directory: KtpassDirectory | undefined;
  try {
    const req = normalizeKtpassArgv(argv);
    if (req.help || argv.length === 0) {
      ctx.stdout.write(ktpassHelp());
      return argv.length === 0 ? EXIT_USAGE : 0;
    }
    const {
      'allow-weak': allowWeak = false,
      'allow-rc4': allowRc4 = false,
      'show-keys': showKeys = false,
      'dry-run': dryRun = false,
    } = req.extensions;
    warnRealmCase(ctx, req.princ, '/princ');
    if (req.pass?.kind === 'text' && isFolderEntry(ctx, req.pass.text))
      throw shellExpandedStar("/pass's value is the name of a file in this folder");
    if (req.pass?.kind === 'text') {
      warn(
        ctx,
        "a password on the command line is visible to other users (ps) and kept in shell history; prefer /pass '*' or --password-file",
      );
    }

    let account: KtpassAccount | undefined;
    if (req.mapuser !== undefined) {
      if (!deps.openDirectory)
        throw new KtError(
          'NOT_IMPLEMENTED',
          '/mapuser needs the directory support, which is not available in this build',
        );
      directory = await deps.openDirectory(ctx, req);
      say(ctx, `Targeting domain controller: ${directory.target}`);
      account = await directory.findAccount(req.mapuser);
      if (
        account.objectClass === 'computer' &&
        req.setpass &&
        req.answer === undefined &&
        !dryRun
      ) {
        if (!ctx.stdin.isTTY) {
          throw new KtError(
            'USAGE',
            `${account.sAMAccountName} is a computer account: resetting its password breaks its own domain membership`,
            {
              hint: 'answer with /answer + (reset it) or /answer - (keep it; give its password with /pass)',
            },
          );
        }
        const answer = await ctx.promptSecret(
          `Reset the password of computer account ${account.sAMAccountName}? It breaks the computer's own domain membership. [y/N] `,
        );
        if (!/^y(es)?$/i.test(answer.trim()))
          throw new KtError(
            'INPUT_INVALID',
            "not resetting the computer account's password: nothing changed",
            {
              hint: "give /answer - and the account's current password to make keys without a reset",
            },
          );
      }
    }

    const plan = planKtpass(req, account, { allowWeak, allowRc4 });
    for (const w of plan.warnings) ctx.stderr.write(`${w}\n`);
    for (const n of plan.notes) ctx.stderr.write(`ktpass: note: ${n}\n`);
    if (dryRun) {
      say(ctx, 'Dry run: nothing is changed.');
      for (const line of describePlan(plan)) say(ctx, line);
      return 0;
    }

    const out = plan.out === undefined ? undefined : keytabLocation(ctx, plan.out);
    // Held from reading /in (when it is /out) to the last write or restore of /out.
    using _outLock =
      out && out.path !== '-' ? await lockKeytab(ctx, out.path, { create: true }) : undefined;
    const existing =
      plan.in === undefined
        ? []
        : (await readKeytabForUpdate(ctx, keytabLocation(ctx, plan.in))).entries;
    // Before any change in the directory: the password, and a place to write the keytab.
    const password = await readPassword(ctx, req, plan, deps);
    if (out) checkWritable(out.path);
    if (req.dumpsalt) {
      for (const e of plan.enctypes.filter((x) => x.family !== 'rc4')) {
        say(
          ctx,
          `Building salt with principalname ${formatPrincipalName(plan.principal)} and domain ${plan.principal.realm} (encryption type ${e.id})...`,
        );
      }
      say(ctx, `Hashing password with salt "${plan.salt.text}".`);
    }

    const { entries, written } = await runKtpassPlan(
      { plan, password, timestamp: ctx.now(), existing },
      {
        directory,
        out: out && outFile(ctx, out),
        say: (line) => say(ctx, line),
        note: (line) => ctx.stderr.write(`ktpass: note: ${line}\n`),
      },
    );
    for (let i = 0; i < entries.length; i++) say(ctx, 'Key created.');
    if (out)
      for (const line of ktpassKeytabReport(plan.out as string, written, showKeys)) say(ctx, line);
    return 0;
  } catch (err) {
    return reportError(ctx, err, debug, KTPASS_DIALECT);
  } finally {
    await directory?.close().catch(() => undefined);
  }
}

/**
 * ktpass's spelling of the options remedies name: keytab's, but +rndpass for a random password
 * (its length is /minpass, so keytab's "(32 characters)" is left out).
 */
export const KTPASS_SPELLING: RemedySpelling = { ...KEYTAB_SPELLING, random: word('+rndpass') };

/** ktpass's wording of errors: usage errors bare, as Windows ktpass prints them; remedies in its spelling. */
export const KTPASS_DIALECT: ErrorDialect = { usagePrefix: '', spelling: KTPASS_SPELLING };
