import { readFileSync, statSync } from 'node:fs';
import { KtError } from '../../errors.js';
import { runDoctor } from '../../doctor/doctor.js';
import type { KeytabView } from '../../doctor/keytab-checks.js';
import { jsonDoctorReport, renderDoctorText } from '../../doctor/render.js';
import { createKdcTransport } from '../../krb5/transport.js';
import { nodeSocketIo } from '../../node/krb5-transport.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { DEFAULT_KEYTAB, keytabLocation, readKeytab } from '../io.js';
import {
  DEFAULT_KDC_TIMEOUT,
  kdcOptions,
  loadCliKrb5Config,
  resolversOf,
  type KdcArgs,
} from '../kdc-options.js';
import { splitList } from '../options.js';
import { paintStatus } from '../output.js';
import {
  verifyDirectory,
  verifyDirectoryOptions,
  type VerifyDirectoryArgs,
} from '../verify-directory.js';
import { jsonOption } from '../option-defs.js';

interface DoctorArgs extends KdcArgs, VerifyDirectoryArgs {
  keytab: string | undefined;
  json: boolean;
}

/** uid/gid -> name from /etc/passwd or /etc/group (name:x:id:...); undefined when not listed. */
function idName(file: string, id: number): string | undefined {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [name, , num] = line.split(':');
      if (name && num !== undefined && Number(num) === id) return name;
    }
  } catch {
    // no such file: numbers only
  }
  return undefined;
}

async function keytabView(ctx: CliContext, name: string | undefined): Promise<KeytabView> {
  const explicit = name !== undefined || ctx.env['KRB5_KTNAME'] !== undefined;
  const loc = keytabLocation(ctx, name ?? ctx.env['KRB5_KTNAME'] ?? `FILE:${DEFAULT_KEYTAB}`);
  const base = { display: loc.display, path: loc.path, explicit };
  if (loc.path === '-')
    throw new KtError('USAGE', 'doctor checks a keytab file: give a path, not -');
  let stat;
  try {
    const st = statSync(loc.path);
    stat = {
      mode: st.mode,
      uid: st.uid,
      gid: st.gid,
      owner: idName('/etc/passwd', st.uid),
      group: idName('/etc/group', st.gid),
    };
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      ...base,
      error: { message: missing ? 'no such file' : (e as Error).message, missing },
    };
  }
  try {
    const kt = await readKeytab(ctx, loc);
    return { ...base, stat, entries: kt.entries };
  } catch (e) {
    if (!(e instanceof KtError)) throw e;
    return { ...base, stat, error: { message: e.message, missing: false } };
  }
}

export const doctorCommand = defineCommand<DoctorArgs>((ctx: CliContext) => ({
  command: 'doctor',
  describe:
    'Check everything around Kerberos here: krb5.conf, DNS SRV, KDCs and clocks, the keytab file, the directory',
  builder: (y) =>
    verifyDirectoryOptions(
      kdcOptions(
        y
          .option('keytab', {
            alias: 'k',
            type: 'string',
            describe:
              'the keytab to check (default $KRB5_KTNAME, then /etc/krb5.keytab if it exists)',
          })
          .option('json', jsonOption('print {findings: [...], ok} as JSON')),
      ),
    )
      .example('$0 doctor', 'krb5.conf, DNS, KDCs and /etc/krb5.keytab')
      .example(
        '$0 doctor --realm EXAMPLE.COM --keytab /etc/httpd/http.keytab',
        'another realm and keytab',
      )
      .example('$0 doctor --dns-server 10.0.0.1', 'ask this DNS server for the SRV records'),
  handler: async (args) => {
    const loaded = loadCliKrb5Config(ctx);
    const keytab = await keytabView(ctx, args.keytab);
    // A keytab of one realm is that realm's, whatever default_realm says.
    const keytabRealms = [...new Set((keytab.entries ?? []).map((e) => e.principal.realm))];
    const realm = args.realm ?? (keytabRealms.length === 1 ? keytabRealms[0] : undefined);
    const resolvers = resolversOf(args);
    const timeoutMs = Math.round((args.timeout ?? DEFAULT_KDC_TIMEOUT) * 1000);
    const io = nodeSocketIo();
    const dir = await verifyDirectory(ctx, args);
    try {
      const report = await runDoctor(
        {
          now: () => new Date(ctx.now() * 1000),
          random: ctx.random,
          transportFor: (target) =>
            createKdcTransport({
              io,
              locate: async () => [target],
              passes: 1,
              timeoutMs,
              tcpOnly: args.tcp,
            }),
          srvResolver: resolvers.srvResolver,
          hostResolver: resolvers.hostResolver,
          directory: dir.directory,
        },
        {
          realm,
          kdcs: splitList(args.kdc),
          krb5conf: {
            paths: loaded.paths,
            config: loaded.config,
            missing: loaded.missing,
            error: loaded.error?.message,
          },
          keytab,
          dnsSkipped: args.dns ? undefined : 'DNS is not used (--no-dns): SRV records not checked',
          directoryNote: dir.note,
          directoryAuth: dir.auth,
          configuredBaseDn: dir.baseDn,
        },
      );
      ctx.stdout.write(
        args.json
          ? `${JSON.stringify(jsonDoctorReport(report), null, 2)}\n`
          : paintStatus(ctx, renderDoctorText(report)),
      );
      ctx.exitCode = report.ok ? 0 : 1;
    } finally {
      await dir.close();
    }
  },
}));
