/**
 * The Unix account the test services run as. As root, Apache serves as www-data (it refuses
 * to serve as root) and the JGSS acceptor runs as www-data too, like Tomcat under its own
 * user; keytabs are then shared with the group (`chgrp www-data; chmod 0640`), the way the
 * README's walkthrough does it. Not root: everything runs as the current user.
 */
import { chmodSync, chownSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export interface ServiceAccount {
  name: string;
  uid: number;
  gid: number;
}

const NAME = 'www-data';
let cached: ServiceAccount | undefined | null = null;

/** www-data's ids when this process is root, else undefined (run as the current user). */
export function serviceAccount(): ServiceAccount | undefined {
  if (cached !== null) return cached;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    cached = undefined;
    return cached;
  }
  // id(1) reads the local account databases (NSS files); no network.
  const uid = Number(spawnSync('id', ['-u', NAME], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', NAME], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0)
    throw new Error(`the ${NAME} account is missing (Debian's base-passwd has it)`);
  cached = { name: NAME, uid, gid };
  return cached;
}

/** Make a keytab readable by the services: root:www-data 0640 as root, else left as is (0600). */
export function shareWithServices(keytab: string): void {
  const account = serviceAccount();
  if (account === undefined) return;
  chownSync(keytab, 0, account.gid);
  chmodSync(keytab, 0o640);
}
