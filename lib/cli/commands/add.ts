import { dirname, resolve } from 'node:path';
import { fromHex } from '../../bytes.js';
import { enctypeName } from '../../crypto/enctypes.js';
import type { EnctypeInfo } from '../../crypto/enctypes.js';
import { checkEnctypePolicy, expandEnctypeList } from '../../crypto/policy.js';
import { KtError } from '../../errors.js';
import { entryId, mergeEntries } from '../../keytab/ops.js';
import type { KeytabEntry } from '../../keytab/types.js';
import { makeEntries } from '../../keys.js';
import type { EntryRequest, KeySource } from '../../keys.js';
import { parseNameType } from '../../principal.js';
import { resolveSalt } from '../../salt/rules.js';
import { parseBatchSpec } from '../batch.js';
import type { BatchRow } from '../batch.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { isStdio, warn } from '../context.js';
import {
  checkRegularTarget,
  keytabLocation,
  readBytes,
  readKeytabForUpdate,
  writeKeytab,
} from '../io.js';
import type { KeytabLocation } from '../io.js';
import { withKeytabLock } from '../lock.js';
import { enctypesArg, policyOptions, principalArg, saltOf, saltOptions } from '../key-options.js';
import type { PolicyArgs, SaltArgs } from '../key-options.js';
import { oneKvno, warnRealmCase } from '../options.js';
import { describeEntry, entryCount, jsonEntry } from '../output.js';
import { progress } from '../progress.js';
import { readPassword, readSecretFile, secretOptions, secretSourceCount } from '../secrets.js';
import type { SecretArgs } from '../secrets.js';
import { dryRunOption, jsonOption } from '../option-defs.js';

interface AddArgs extends SaltArgs, PolicyArgs, SecretArgs {
  file: string | undefined;
  principal: string | undefined;
  enctype: string[] | undefined;
  kvno: string | undefined;
  'name-type': string | undefined;
  timestamp: number | undefined;
  random: boolean;
  'key-hex': string | undefined;
  from: string | undefined;
  replace: boolean;
  'dry-run': boolean;
  json: boolean;
}

const SINGLE_ONLY = [
  'principal',
  'random',
  'key-hex',
  'password-file',
  'password-stdin',
  'password-env',
  'password',
  'salt',
  'salt-hex',
  'ad-user',
  'ad-upn',
  'ad-computer',
] as const;

export const addCommand = defineCommand<AddArgs>((ctx: CliContext) => ({
  command: 'add [file]',
  describe: 'Add keys for a principal to a keytab: from a password, random, or a hex key',
  builder: (y) =>
    secretOptions(
      policyOptions(
        saltOptions(
          y
            .positional('file', {
              type: 'string',
              describe: 'keytab to create or extend; default $KRB5_KTNAME, then /etc/krb5.keytab',
            })
            .option('principal', {
              alias: 'p',
              type: 'string',
              describe: 'the principal, with @REALM',
            })
            .option('enctype', {
              alias: 'e',
              type: 'string',
              array: true,
              describe:
                'enctypes: names, numbers, "all" (every strong enctype) or "ad" (aes256, aes128, rc4)',
            })
            .option('kvno', {
              alias: 'k',
              type: 'string',
              describe: "key version number (must match the KDC's)",
            })
            .option('name-type', {
              type: 'string',
              describe:
                'principal name type: number or KRB5_NT_* (default as MIT: 1, or 2 for krbtgt/)',
            })
            .option('timestamp', {
              type: 'number',
              describe: 'entry timestamp, seconds since 1970 (default: now)',
            })
            .option('random', {
              alias: 'random-key',
              type: 'boolean',
              default: false,
              describe: 'fresh random keys instead of a password (like kadmin -randkey)',
            })
            .option('key-hex', { type: 'string', describe: 'the key itself in hex (one enctype)' })
            .option('from', {
              type: 'string',
              describe: 'batch: a JSON or CSV file with one principal per row (see README)',
            })
            .option('replace', {
              type: 'boolean',
              default: false,
              describe: 'replace an existing entry with the same principal, kvno and enctype',
            })
            .option('dry-run', dryRunOption('show what would be added, write nothing'))
            .option('json', jsonOption('print the added entries as JSON (no keys)')),
        ),
      ),
    )
      .example(
        '$0 add http.keytab -p HTTP/web.example.com@EXAMPLE.COM -e aes256-cts-hmac-sha1-96,aes128-cts-hmac-sha1-96 -k 2',
        'asks for the password',
      )
      .example(
        '$0 add http.keytab -p HTTP/web.example.test@EXAMPLE.TEST -e ad -k 3 --ad-user svc-web --password-file pw',
        'an AD service account',
      )
      .example(
        '$0 add all.keytab --from principals.csv',
        'many principals, keys derived on all cores',
      ),
  handler: async (args) => {
    const loc = keytabLocation(ctx, args.file);
    if (loc.path === '-') throw new KtError('USAGE', 'add edits a keytab file: give a path, not -');
    const timestamp = args.timestamp ?? ctx.now();
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) {
      throw new KtError(
        'USAGE',
        `--timestamp ${args.timestamp}: give seconds since 1970 (0..4294967295)`,
      );
    }
    const requests =
      args.from !== undefined
        ? await batchRequests(ctx, args, timestamp)
        : [await singleRequest(ctx, args, timestamp)];

    // Read the keytab first: a damaged file stops us before any key work.
    checkRegularTarget(loc.path);
    await readKeytabForUpdate(ctx, loc);
    const fresh = await deriveAll(ctx, requests);
    const dryRun = args['dry-run'];
    // The merge reads the keytab again under the lock, and writes before anything is printed.
    const result = dryRun
      ? await addTo(ctx, loc, fresh, args)
      : await withKeytabLock(ctx, loc.path, { create: true }, () => addTo(ctx, loc, fresh, args));
    report(ctx, loc, args, result);
  },
}));

interface AddResult {
  added: KeytabEntry[];
  replaced: Set<string>;
  unchanged: number;
  total: number;
}

/** Merges the new entries into the keytab as it is now and writes it (unless --dry-run). */
async function addTo(
  ctx: CliContext,
  loc: KeytabLocation,
  fresh: KeytabEntry[],
  args: AddArgs,
): Promise<AddResult> {
  const existing = await readKeytabForUpdate(ctx, loc);
  let merged;
  try {
    merged = mergeEntries(
      [
        { name: loc.path, entries: existing.entries },
        { name: 'the new keys', entries: fresh },
      ],
      { preferLast: args.replace },
    );
  } catch (err) {
    if (err instanceof KtError && err.code === 'MERGE_CONFLICT') {
      throw new KtError(
        'MERGE_CONFLICT',
        `${loc.path} already has a different key for ${String(err.details.principal)} kvno ${String(err.details.kvno)} ${enctypeName(Number(err.details.enctype))}`,
        {
          details: err.details,
          hint: 'a new password needs a new kvno (-k); to overwrite the old key give --replace',
        },
      );
    }
    throw err;
  }
  const added = fresh.filter((e) => merged.entries.includes(e));
  if (!args['dry-run'] && added.length > 0) writeKeytab(ctx, loc, { entries: merged.entries });
  return {
    added,
    replaced: new Set(merged.replaced.map((r) => entryId(r.entry))),
    unchanged: fresh.length - added.length,
    total: merged.entries.length,
  };
}

/** What was added: printed only once the keytab is written. */
function report(ctx: CliContext, loc: KeytabLocation, args: AddArgs, r: AddResult): void {
  const dryRun = args['dry-run'];
  if (args.json) {
    ctx.stdout.write(
      JSON.stringify(
        {
          dryRun,
          keytab: loc.display,
          added: r.added.map((e) => jsonEntry(e, false)),
          unchanged: r.unchanged,
          total: r.total,
        },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  const verb = dryRun ? 'would add' : 'added';
  const lines = r.added.map(
    (e) =>
      `${r.replaced.has(entryId(e)) ? (dryRun ? 'would replace' : 'replaced') : verb}: ${describeEntry(e)}\n`,
  );
  if (lines.length <= 50 || !ctx.stdout.isTTY) ctx.stdout.write(lines.join(''));
  if (r.unchanged)
    ctx.stdout.write(
      `${r.unchanged} entr${r.unchanged === 1 ? 'y was' : 'ies were'} already there with the same key\n`,
    );
  ctx.stdout.write(
    `${dryRun ? 'dry run: ' : ''}${r.added.length} ${verb}, ${entryCount(r.total)} in ${loc.display}\n`,
  );
}

async function singleRequest(
  ctx: CliContext,
  args: AddArgs,
  timestamp: number,
): Promise<EntryRequest> {
  if (args.principal === undefined)
    throw new KtError('USAGE', 'give the principal with -p (or many with --from FILE)');
  if (args.kvno === undefined)
    throw new KtError(
      'USAGE',
      'give the key version with -k/--kvno: it must match the kvno the KDC has for the principal',
    );
  const kvno = oneKvno(args.kvno, '--kvno');
  warnRealmCase(ctx, args.principal);
  const principal = principalArg(
    args.principal,
    args['name-type'] === undefined ? undefined : parseNameType(args['name-type']),
  );
  const enctypes = enctypesArg(ctx, args.enctype, args);
  const secrets =
    secretSourceCount(args) + (args.random ? 1 : 0) + (args['key-hex'] !== undefined ? 1 : 0);
  if (secrets > 1)
    throw new KtError('USAGE', 'give one key source: a password option, --random or --key-hex');
  let source: KeySource;
  if (args.random) source = { kind: 'random', random: ctx.random };
  else if (args['key-hex'] !== undefined)
    source = { kind: 'key', key: fromHex(args['key-hex'], '--key-hex') };
  else {
    const salt = saltOf(principal, args);
    const password = await readPassword(ctx, args, `Password for ${args.principal}: `, {
      confirm: true,
    });
    source = { kind: 'password', password, salt, iterations: args.iterations };
  }
  return { principal, kvno, timestamp, enctypes, source };
}

async function batchRequests(
  ctx: CliContext,
  args: AddArgs,
  timestamp: number,
): Promise<EntryRequest[]> {
  const clash = SINGLE_ONLY.filter((o) => {
    const v = (args as unknown as Record<string, unknown>)[o];
    return v !== undefined && v !== false;
  });
  if (clash.length)
    throw new KtError(
      'USAGE',
      `--from gives every row its principal, salt and password; drop ${clash.map((c) => `--${c}`).join(', ')}`,
    );
  const specLoc = args.from as string;
  const specPath = isStdio(specLoc) ? '-' : resolve(ctx.cwd, specLoc);
  const text = new TextDecoder().decode(
    await readBytes(ctx, { path: specPath, display: specPath }),
  );
  const rows = parseBatchSpec(text);
  if (rows.length === 0) throw new KtError('INPUT_INVALID', `${specPath}: no rows`);
  for (const row of rows) warnRealmCase(ctx, row.principal, `batch spec, row ${row.line}:`);
  const baseDir = specPath === '-' ? ctx.cwd : dirname(specPath);
  const warnings = new Set<string>();
  const requests: EntryRequest[] = [];
  for (const row of rows) {
    requests.push(await rowRequest(ctx, args, row, timestamp, baseDir, warnings));
  }
  for (const w of warnings) warn(ctx, w);
  return requests;
}

async function rowRequest(
  ctx: CliContext,
  args: AddArgs,
  row: BatchRow,
  timestamp: number,
  baseDir: string,
  warnings: Set<string>,
): Promise<EntryRequest> {
  const where = `row ${row.line} (${row.principal})`;
  try {
    const nameType = row.nameType ?? args['name-type'];
    const principal = principalArg(
      row.principal,
      nameType === undefined ? undefined : parseNameType(nameType),
    );
    const enctypeSpec = row.enctypes ?? args.enctype?.join(',');
    if (enctypeSpec === undefined)
      throw new KtError('USAGE', 'no enctypes (add an "enctypes" column or give -e)');
    const enctypes: EnctypeInfo[] = expandEnctypeList(enctypeSpec);
    const iterations = row.iterations ?? args.iterations;
    for (const e of enctypes)
      for (const w of checkEnctypePolicy(e, { allowWeak: args['allow-weak'], iterations }))
        warnings.add(w);
    const kvno = row.kvno ?? (args.kvno === undefined ? undefined : oneKvno(args.kvno, '-k'));
    if (kvno === undefined) throw new KtError('USAGE', 'no kvno (add a "kvno" column or give -k)');
    const sources = [
      row.password !== undefined,
      row.passwordFile !== undefined,
      row.randomKey === true,
    ].filter(Boolean).length;
    if (sources !== 1)
      throw new KtError('USAGE', 'give exactly one of password, password_file or random_key');
    let source: KeySource;
    if (row.randomKey) source = { kind: 'random', random: ctx.random };
    else {
      const password =
        row.password ?? (await readSecretFile(ctx, resolve(baseDir, row.passwordFile as string)));
      const salt = resolveSalt(principal, {
        salt: row.salt,
        saltHex: row.saltHex,
        adUser: row.adUser,
        adUpn: row.adUpn,
        adComputer: row.adComputer,
      });
      source = { kind: 'password', password, salt, iterations };
    }
    return { principal, kvno, timestamp, enctypes, source };
  } catch (err) {
    if (err instanceof KtError)
      throw new KtError(err.code, `batch spec ${where}: ${err.message}`, {
        details: err.details,
        cause: err,
        hint: err.hint,
        remedy: err.remedy,
      });
    throw err;
  }
}

/** Derives every request's keys, several at a time (the native PBKDF2 runs on the thread pool). */
async function deriveAll(
  ctx: CliContext,
  requests: readonly EntryRequest[],
): Promise<KeytabEntry[]> {
  const results = new Array<KeytabEntry[]>(requests.length);
  const bar =
    requests.length > 1 ? progress(ctx, 'deriving keys', requests.length, 'principals') : undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const i = next++;
      results[i] = await makeEntries(requests[i] as EntryRequest);
      bar?.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(16, requests.length) }, worker));
  } finally {
    bar?.done();
  }
  return results.flat();
}
