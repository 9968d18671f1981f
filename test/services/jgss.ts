/**
 * The OpenJDK JGSS acceptor of the service-acceptance suite: test/services/SpnegoAcceptor.java,
 * compiled with javac into DIR at test time, run with a private krb5.conf and a JAAS file that
 * has one entry per site:
 *
 *   NAME {
 *     com.sun.security.auth.module.Krb5LoginModule required
 *       useKeyTab=true keyTab="FILE" principal="HTTP/host@REALM"
 *       storeKey=true isInitiator=false doNotPrompt=true;
 *   };
 *
 * (the acceptor login of Tomcat's SpnegoAuthenticator and of JBoss/WildFly security domains).
 * GET /NAME logs in at the first request and keeps the Subject for the life of the JVM;
 * GET /NAME?login=request logs in again for that request, as Tomcat does. As root, the JVM
 * runs as www-data (setpriv), reading its keytab through the group like Tomcat would.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool } from '../interop/env.js';
import { serviceAccount } from './service-user.js';
import { requireFreePort, startService } from './process.js';
import type { Service } from './process.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'SpnegoAcceptor.java');

export interface JgssSite {
  /** URL path and JAAS entry name. */
  name: string;
  keytab: string;
  /** The acceptor principal, e.g. HTTP/web.example.test@EXAMPLE.TEST. */
  principal: string;
}

export interface Jgss extends Service {
  dir: string;
  /** The compiled acceptor, for another instance (startJgss options.classes). */
  classes: string;
}

function jaasConf(sites: readonly JgssSite[]): string {
  const q = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
  return (
    sites
      .map((s) =>
        [
          `${s.name} {`,
          '  com.sun.security.auth.module.Krb5LoginModule required',
          `    useKeyTab=true keyTab=${q(s.keytab)} principal=${q(s.principal)}`,
          '    storeKey=true isInitiator=false doNotPrompt=true;',
          '};',
        ].join('\n'),
      )
      .join('\n') + '\n'
  );
}

/** javac SpnegoAcceptor.java into DIR/classes (a few seconds: once per test file). */
export function compileAcceptor(dir: string): string {
  const classes = join(dir, 'classes');
  mkdirSync(classes, { recursive: true });
  const r = runTool('javac', ['-Xlint:all', '-d', classes, SOURCE], { timeoutMs: 120_000 });
  if (r.status !== 0)
    throw new Error(
      `javac ${SOURCE} failed (status ${r.status}): ${r.stderr}${r.error?.message ?? ''}`,
    );
  return classes;
}

/**
 * Compile (unless `classes` names an earlier compile) and start the acceptor on
 * 127.0.0.1:port. krb5Config is the JVM's java.security.krb5.conf (Java 17 refuses RC4 keys
 * and tickets unless it has allow_weak_crypto = true).
 */
export async function startJgss(
  dir: string,
  port: number,
  sites: readonly JgssSite[],
  krb5Config: string,
  options: { classes?: string; portEnv?: string } = {},
): Promise<Jgss> {
  const portEnv = options.portEnv ?? 'KTP_JGSS_PORT';
  // Before javac's few seconds; startService checks again right before the start.
  requireFreePort('JGSS acceptor', port, portEnv);
  mkdirSync(dir, { recursive: true });
  const classes = options.classes ?? compileAcceptor(dir);
  if (!existsSync(join(classes, 'SpnegoAcceptor.class')))
    throw new Error(`no SpnegoAcceptor.class in ${classes}`);
  const jaas = join(dir, 'jaas.conf');
  writeFileSync(jaas, jaasConf(sites));
  const java = [
    'java',
    // Small and quick to start; no hsperfdata files in /tmp.
    '-XX:-UsePerfData',
    '-XX:TieredStopAtLevel=1',
    '-Xmx64m',
    `-Djava.security.krb5.conf=${krb5Config}`,
    `-Djava.security.auth.login.config=${jaas}`,
    // Krb5 and SPNEGO traces go to the log (which keys, which kvno, why a token was refused).
    '-Dsun.security.krb5.debug=true',
    '-Dsun.security.spnego.debug=true',
    '-cp',
    classes,
    'SpnegoAcceptor',
    String(port),
  ];
  const account = serviceAccount();
  const [cmd, ...args] =
    account === undefined
      ? java
      : ['setpriv', `--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', ...java];
  const service = await startService({
    name: 'JGSS acceptor',
    port,
    portEnv,
    cmd: cmd!,
    args,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: dir },
    cwd: dir,
    log: join(dir, 'java.log'),
    timeoutMs: 60_000,
  });
  return { ...service, dir, classes };
}
