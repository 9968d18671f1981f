/**
 * A private Apache httpd with mod_auth_gssapi for the service-acceptance suite: its own minimal
 * httpd.conf (nothing from /etc/apache2 is read), 127.0.0.1:PORT only, pid file, logs, runtime
 * dir, mutexes and replay cache all in DIR, run in the foreground (`apache2 -f CONF
 * -DFOREGROUND`) under test/services/tied.sh.
 *
 * Every site NAME is <Location /NAME> with `AuthType GSSAPI`, `GssapiCredStore keytab:FILE`
 * and `Require valid-user`; GET /NAME/ok.txt answers "apache ok" with the authenticated client
 * in the X-Remote-User header. mod_auth_gssapi acquires the acceptor credentials from the
 * keytab on every request, so a keytab may be written (or rotated) while Apache runs.
 *
 * As root, Apache binds as root and serves as www-data (User/Group), so a keytab must be
 * readable by the www-data group: `chgrp www-data FILE; chmod 0640 FILE`, as the README's
 * walkthrough does for Tomcat.
 */
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireFreePort, startService } from './process.js';
import type { Service } from './process.js';
import { serviceAccount } from './service-user.js';

const MODULES = '/usr/lib/apache2/modules';
export const APACHE_BIN = '/usr/sbin/apache2';

export interface ApacheSite {
  /** URL path prefix and Location: /NAME. */
  name: string;
  /** The keytab mod_auth_gssapi reads (GssapiCredStore keytab:FILE); need not exist yet. */
  keytab: string;
}

export interface Apache extends Service {
  dir: string;
  errorLog: string;
}

function httpdConf(
  dir: string,
  port: number,
  sites: readonly ApacheSite[],
  user: string | undefined,
): string {
  const q = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
  const lines = [
    `ServerRoot ${q(dir)}`,
    // A literal address: Apache never looks up the machine's own name.
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    `PidFile ${q(join(dir, 'httpd.pid'))}`,
    `DefaultRuntimeDir ${q(join(dir, 'run'))}`,
    `Mutex file:${join(dir, 'run')} default`,
    `ErrorLog ${q(join(dir, 'error.log'))}`,
    'LogLevel warn auth_gssapi:debug',
    'LogFormat "%h %u \\"%r\\" %>s" brief',
    `CustomLog ${q(join(dir, 'access.log'))} brief`,
    'HostnameLookups Off',
    ...(user !== undefined ? [`User ${user}`, `Group ${user}`] : []),
    `LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so`,
    `LoadModule authn_core_module ${MODULES}/mod_authn_core.so`,
    `LoadModule authz_core_module ${MODULES}/mod_authz_core.so`,
    `LoadModule authz_user_module ${MODULES}/mod_authz_user.so`,
    `LoadModule headers_module ${MODULES}/mod_headers.so`,
    `LoadModule auth_gssapi_module ${MODULES}/mod_auth_gssapi.so`,
    // One child with a few threads: enough for a test, light on a shared 2-core machine.
    'StartServers 1',
    'ServerLimit 1',
    'ThreadsPerChild 4',
    'MaxRequestWorkers 4',
    'MinSpareThreads 1',
    'MaxSpareThreads 4',
    `DocumentRoot ${q(join(dir, 'htdocs'))}`,
  ];
  for (const s of sites) {
    lines.push(
      `<Location "/${s.name}">`,
      '  AuthType GSSAPI',
      `  AuthName "keytab service test ${s.name}"`,
      `  GssapiCredStore keytab:${s.keytab}`,
      '  GssapiBasicAuth Off',
      '  Require valid-user',
      '  Header always set X-Remote-User "expr=%{REMOTE_USER}"',
      '</Location>',
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Start Apache on 127.0.0.1:port with the given sites. krb5Config is the KRB5_CONFIG of the
 * server (only [libdefaults]/[domain_realm] matter to an acceptor).
 */
export async function startApache(
  dir: string,
  port: number,
  sites: readonly ApacheSite[],
  krb5Config: string,
): Promise<Apache> {
  requireFreePort('Apache httpd', port, 'KTP_APACHE_PORT');
  mkdirSync(join(dir, 'run'), { recursive: true });
  // The replay cache and the krb5 trace are written by the worker (www-data when root).
  const varDir = join(dir, 'var');
  mkdirSync(varDir, { recursive: true });
  const account = serviceAccount();
  if (account !== undefined) chownSync(varDir, account.uid, account.gid);
  for (const s of sites) {
    mkdirSync(join(dir, 'htdocs', s.name), { recursive: true });
    writeFileSync(join(dir, 'htdocs', s.name, 'ok.txt'), 'apache ok\n');
  }
  const conf = join(dir, 'httpd.conf');
  writeFileSync(conf, httpdConf(dir, port, sites, account?.name));
  if (!existsSync(APACHE_BIN))
    throw new Error(`${APACHE_BIN} is missing: run test/servers/install-deps.sh`);
  const errorLog = join(dir, 'error.log');
  const service = await startService({
    name: 'Apache httpd',
    port,
    portEnv: 'KTP_APACHE_PORT',
    cmd: APACHE_BIN,
    args: ['-f', conf, '-DFOREGROUND'],
    env: {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C',
      KRB5_CONFIG: krb5Config,
      KRB5RCACHEDIR: varDir,
      KRB5_TRACE: join(varDir, 'krb5-trace.log'),
    },
    cwd: dir,
    log: join(dir, 'stdout.log'),
    logs: [errorLog],
  });
  return { ...service, dir, errorLog };
}
