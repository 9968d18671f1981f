/**
 * Rotation under live SPNEGO traffic (issue 10): Apache httpd + mod_auth_gssapi serves a
 * keytab made by `keytab ad setpass --random -o` (root:www-data 0640), a client loop runs
 * curl --negotiate against it and takes a fresh service ticket every few requests, and
 * meanwhile `keytab rotate` runs 20 times in a row. No request may be refused: tickets of the
 * old kvno (kept by rotate) and of the new one are both accepted at every moment.
 *
 * Apache listens on KTP_APACHE_TRAFFIC_PORT (default 18083); the client loop is bounded in
 * requests and time and uses 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeytab } from '../../lib/keytab/decode.js';
import { runCli } from '../helpers/cli.js';
import type { RunResult } from '../helpers/cli.js';
import { adEnv } from '../helpers/samba.js';
import { interopEnabled, sambaDc } from '../interop/env.js';
import { startApache } from './apache.js';
import type { Apache } from './apache.js';
import { kinit, ticketKvno, writeServicesKrb5Conf } from './client.js';
import { portFromEnv } from './process.js';
import { shareWithServices } from './service-user.js';

const ad = sambaDc();
const ROTATIONS = 20;
/** A fresh service ticket every REFRESH requests, except while the test holds the ticket across a
 * rotation (so at least one request of each rotation runs with the previous kvno after it). */
const REFRESH = 6;
const MAX_REQUESTS = 2000;
const MAX_SECONDS = 90;

// The client loop: one line per event in LOG, "T <ms> <kvno>" for a fresh ticket and
// "R <n> <start ms> <end ms> <kvno> <http code>" for a request.
const LOOP = `
set -u
log=$1; stop=$2; tgt=$3; work=$4; host=$5; port=$6; spn=$7; refresh=$8; max=$9; secs=\${10}
now() { date +%s%3N; }
end=$(( $(now) + secs * 1000 )); n=0; kv=0
while [ ! -e "$stop" ] && [ "$n" -lt "$max" ] && [ "$(now)" -lt "$end" ]; do
  # While "$stop.hold" exists the loop keeps its ticket (the test holds it across a rotation).
  if [ $(( n % refresh )) -eq 0 ] && [ ! -e "$stop.hold" ]; then
    cp "$tgt" "$work"
    out=$(KRB5CCNAME="FILE:$work" kvno "$spn" 2>&1)
    kv=$(printf '%s' "$out" | sed -n 's/.*: kvno = \\([0-9]*\\).*/\\1/p')
    [ -n "$kv" ] || { echo "E kvno: $out" >>"$log"; kv=0; }
    echo "T $(now) $kv" >>"$log"
  fi
  n=$((n + 1))
  t0=$(now)
  code=$(KRB5CCNAME="FILE:$work" curl -sS --noproxy '*' --negotiate -u : --resolve "$host:$port:127.0.0.1" -m 20 -o /dev/null -w '%{http_code}' "http://$host:$port/traffic/ok.txt" 2>>"$log.curl")
  echo "R $n $t0 $(now) $kv \${code:-000}" >>"$log"
done
`;

describe.runIf(interopEnabled() && ad !== undefined)(
  'rotate under live SPNEGO traffic: Apache mod_auth_gssapi drops no request',
  () => {
    const id = randomBytes(3).toString('hex');
    let dir = '';
    let krb5Config = '';
    let apache: Apache | undefined;
    let loop: ReturnType<typeof spawn> | undefined;
    const user = { principal: '', password: `User-${id}-Pass!` };
    const realm = (): string => ad!.realm;
    const host = (): string => `web-traffic-${id}.${realm().toLowerCase()}`;
    const principal = (): string => `HTTP/${host()}@${realm()}`;
    const keytab = (args: string[]): Promise<RunResult> =>
      runCli(args, { env: adEnv(ad!), cwd: dir });
    const ok = (r: RunResult, what: string): RunResult => {
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
      return r;
    };
    const kvnosIn = (kt: string): number[] =>
      [...new Set(parseKeytab(readFileSync(kt)).entries.map((e) => e.kvno))].sort((a, b) => a - b);

    beforeAll(async () => {
      const base = process.env.KTP_WORK_DIR ?? tmpdir();
      dir = mkdtempSync(join(base, 'services-traffic-'));
      chmodSync(dir, 0o755);
      krb5Config = writeServicesKrb5Conf(ad!, join(dir, 'krb5.conf'));
      apache = await startApache(
        join(dir, 'apache'),
        portFromEnv('KTP_APACHE_TRAFFIC_PORT', 18083),
        [{ name: 'traffic', keytab: join(dir, 'traffic.keytab') }],
        krb5Config,
      );
      const name = `t-${id}`;
      writeFileSync(join(dir, 'user.pw'), `${user.password}\n`);
      ok(
        await keytab(['ad', 'create', name, '--password-file', join(dir, 'user.pw')]),
        'ad create (user)',
      );
      user.principal = `${name}@${realm()}`;
    }, 120_000);

    afterAll(async () => {
      if (loop && loop.exitCode === null && loop.pid !== undefined) loop.kill('SIGKILL');
      await apache?.stop();
      if (process.env.KTP_WORK_DIR === undefined && dir !== '')
        rmSync(dir, { recursive: true, force: true });
    });

    it(`${ROTATIONS} rotations in a row while curl --negotiate runs: every request gets 200`, async () => {
      const account = `trf-${id}`;
      ok(
        await keytab([
          'ad',
          'create',
          account,
          '--spn',
          `HTTP/${host()}`,
          '--upn',
          principal(),
          '--enctypes',
          'aes256,aes128',
        ]),
        'ad create',
      );
      const kt = join(dir, 'traffic.keytab');
      ok(
        await keytab(['ad', 'setpass', account, '--random', '-o', kt, '-p', principal()]),
        'ad setpass',
      );
      shareWithServices(kt);
      const [k0] = kvnosIn(kt);

      const tgt = join(dir, 'tgt.ccache');
      const r = kinit({ krb5Config, ccache: `FILE:${tgt}` }, user.principal, user.password);
      expect(r.status, `kinit: ${r.stderr}`).toBe(0);

      const log = join(dir, 'traffic.log');
      const stop = join(dir, 'traffic.stop');
      writeFileSync(log, '');
      loop = spawn(
        'bash',
        [
          '-c',
          LOOP,
          'traffic',
          log,
          stop,
          tgt,
          join(dir, 'work.ccache'),
          host(),
          String(apache!.port),
          principal(),
          String(REFRESH),
          String(MAX_REQUESTS),
          String(MAX_SECONDS),
        ],
        {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', KRB5_CONFIG: krb5Config, LANG: 'C' },
          stdio: 'ignore',
        },
      );
      const exited = new Promise<number | null>((res) => loop!.once('exit', (code) => res(code)));
      const events = (): string[][] =>
        readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' '));
      /** Waits until the loop took a fresh ticket after time T and used it once. */
      const freshTicketUsedAfter = async (t: number): Promise<void> => {
        for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
          const ev = events();
          const i = ev.findIndex((e) => e[0] === 'T' && Number(e[1]) > t);
          if (i >= 0 && ev.slice(i + 1).some((e) => e[0] === 'R')) return;
          if (loop!.exitCode !== null) break;
          await new Promise((res) => setTimeout(res, 25));
        }
        throw new Error(
          `the client loop took no fresh ticket after ${t}:\n${readFileSync(log, 'utf8').slice(-2000)}`,
        );
      };

      /** Waits until a request started after time T has ended (with the ticket the loop holds). */
      const requestStartedAfter = async (t: number): Promise<void> => {
        for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
          if (events().some((e) => e[0] === 'R' && Number(e[2]) > t)) return;
          if (loop!.exitCode !== null) break;
          await new Promise((res) => setTimeout(res, 25));
        }
        throw new Error(`the client loop sent no request after ${t}`);
      };

      const rotations: { end: number; kvno: number }[] = [];
      const hold = `${stop}.hold`;
      const t0 = Date.now();
      try {
        await freshTicketUsedAfter(0);
        for (let i = 1; i <= ROTATIONS; i++) {
          // The loop keeps the ticket it has (of the kvno being replaced) until one request has
          // run with it after the rotation: old tickets after a rotation, every time, not by luck.
          writeFileSync(hold, '');
          ok(await keytab(['rotate', kt, '--account', account]), `rotate ${i}`);
          rotations.push({ end: Date.now(), kvno: k0! + i });
          await requestStartedAfter(rotations.at(-1)!.end);
          rmSync(hold, { force: true });
          // The next rotation would retire the kvno the loop's ticket may still have: wait for a
          // ticket of this one (a ticket older than the kept kvno is refused by design).
          await freshTicketUsedAfter(rotations.at(-1)!.end);
        }
      } finally {
        rmSync(hold, { force: true });
        writeFileSync(stop, '');
      }
      expect(await exited).toBe(0);
      const seconds = (Date.now() - t0) / 1000;

      const ev = events();
      const requests = ev
        .filter((e) => e[0] === 'R')
        .map((e) => ({
          n: Number(e[1]),
          start: Number(e[2]),
          end: Number(e[3]),
          kvno: Number(e[4]),
          code: e[5],
        }));
      const refused = requests.filter((q) => q.code !== '200');
      const curlErr = existsSync(`${log}.curl`) ? readFileSync(`${log}.curl`, 'utf8') : '';
      expect(
        ev.filter((e) => e[0] === 'E'),
        'kvno failures in the loop',
      ).toEqual([]);
      expect(
        refused,
        `${refused.length} of ${requests.length} requests not 200 (rotations ended at ${rotations.map((x) => x.end).join(' ')})\n${curlErr.slice(-2000)}\n${readFileSync(apache!.errorLog, 'utf8').split('\n').slice(-40).join('\n')}`,
      ).toEqual([]);
      // Requests ran across the rotations with tickets of both kvnos: a ticket of the previous kvno
      // used after a rotation had ended, and tickets of every new kvno.
      const kvnoAt = (t: number): number => k0! + rotations.filter((x) => x.end <= t).length;
      const oldTicketAfterRotation = requests.filter((q) => q.kvno === kvnoAt(q.start) - 1);
      expect(
        oldTicketAfterRotation.length,
        'requests with a ticket of the previous kvno after a rotation (one at least per rotation)',
      ).toBeGreaterThanOrEqual(ROTATIONS);
      expect(new Set(requests.map((q) => q.kvno))).toEqual(
        new Set(Array.from({ length: ROTATIONS + 1 }, (_, i) => k0! + i)),
      );
      expect(requests.length).toBeGreaterThanOrEqual(ROTATIONS * REFRESH);

      expect(kvnosIn(kt)).toEqual([k0! + ROTATIONS - 1, k0! + ROTATIONS]);
      const check = { krb5Config, ccache: `FILE:${join(dir, 'final.ccache')}` };
      expect(kinit(check, user.principal, user.password).status).toBe(0);
      expect(ticketKvno(check, principal())).toBe(k0! + ROTATIONS);
      // eslint-disable-next-line no-console
      console.log(
        `rotation-traffic: ${requests.length} requests (${oldTicketAfterRotation.length} with the previous kvno after a rotation), ${refused.length} refused, ${ROTATIONS} rotations in ${seconds.toFixed(1)} s`,
      );
    }, 150_000);
  },
);
