#!/usr/bin/env bash
# The project's full test command (npm run test:all): build, start a private MIT KDC and a
# Samba AD DC on loopback, run every vitest suite (unit + interop) against them, and
# always stop the servers. Extra arguments go to vitest:
#   npm run test:all -- test/interop
#   bash test/servers/run-all.sh -t 'kinit'
# Exit status: vitest's; 2 if a server did not start; 3 if tools are missing; 4 if the
# typecheck, the format check or the build failed; 5 if the tests left service processes
# (Apache, Java) running. Env knobs:
#   KTP_SERVERS="mit samba heimdal"   which servers to start (default all three; "" = none)
#   KTP_SKIP_BUILD=1          do not run `npm run build`
#   KTP_KEEP_WORK=1           keep test/.work/run-<pid> even when everything passed
#   KTP_SAMBA_TEMPLATE=PATH   cached provisioned Samba state (default test/.work/samba-template)
set -uo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd -- "$HERE/../.." && pwd -P)
# shellcheck source=test/servers/lib.sh disable=SC2034
. "$HERE/lib.sh"
KTP_LOG_TAG=test:all
cd "$REPO" || exit 1

SERVERS=${KTP_SERVERS-mit samba heimdal}
want() { case " $SERVERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
T0=$(ktp_now_ms)
phase() { ktp_log "== $* (+$(($(ktp_now_ms) - T0)) ms)"; }

# --- 1. tools ----------------------------------------------------------------------------
phase "checking tools"
missing=()
need=(node npm npx)
want mit && need+=(kinit kdestroy klist krb5kdc kadmind kdb5_util kadmin.local setsid)
want samba && need+=(samba samba-tool samba_spnupdate ldapsearch openssl flock setsid)
# The service-acceptance suite (test/services): Apache + mod_auth_gssapi, curl, a JDK.
want samba && need+=(apache2 curl java javac)
for t in "${need[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if want samba && [ ! -f /usr/lib/apache2/modules/mod_auth_gssapi.so ]; then missing+=("mod_auth_gssapi (libapache2-mod-auth-gssapi)"); fi
"$HERE/heimdal-ktutil" --version >/dev/null 2>&1 || missing+=("heimdal-ktutil (test/.work/heimdal)")
# Heimdal's KDC and kpasswdd, extracted beside its tools (heimdal-kdc.sh checks the rest).
want heimdal && { [ -x "${KTP_HEIMDAL_DIR:-$REPO/test/.work/heimdal}/usr/lib/heimdal-servers/kpasswdd" ] || missing+=("Heimdal's kdc/kpasswdd (test/.work/heimdal)"); }
if [ ${#missing[@]} -gt 0 ]; then
  ktp_log "missing: ${missing[*]}"
  ktp_log "install them with: sudo test/servers/install-deps.sh"
  exit 3
fi
if want samba && [ "$(id -u)" != 0 ]; then
  ktp_log "the Samba DC needs root (ports 88/389/636...): run as root, e.g. sudo -E npm run test:all,"
  ktp_log "or KTP_SERVERS=mit to run without it (the AD suites then skip themselves)"
  exit 3
fi

# --- 2. build (and the checks npm test makes before it) -------------------------------------
if [ "${KTP_SKIP_BUILD:-0}" != 1 ]; then
  phase "npm run typecheck && npm run format:check && npm run build"
  npm run typecheck || { ktp_log "the typecheck failed"; exit 4; }
  npm run format:check || { ktp_log "files are not formatted: run npm run format"; exit 4; }
  npm run build || { ktp_log "the build failed"; exit 4; }
fi

# --- 3. servers --------------------------------------------------------------------------
WORK="$REPO/test/.work/run-$$"
rm -rf -- "$WORK"
mkdir -p "$WORK"
export KTP_SAMBA_TEMPLATE=${KTP_SAMBA_TEMPLATE:-$REPO/test/.work/samba-template}
STATUS=""

# Pids of processes whose command line names a folder of the service-acceptance suite
# (test/services: Apache, the JGSS acceptors and their tied.sh wrappers, all configured from
# $WORK/services-*). The suite stops them itself; any found after vitest is a leak.
service_leftovers() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    grep -qaF -- "$WORK/services-" "$p/cmdline" 2>/dev/null && echo "${p#/proc/}"
  done
  return 0
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$? leaked
  trap - EXIT INT TERM
  STATUS=${STATUS:-$rc}
  leaked=$(service_leftovers | xargs)
  if [ -n "$leaked" ]; then
    # tied.sh stops a service within 5 s of its test process ending: wait that long first.
    # shellcheck disable=SC2086
    ktp_wait_gone 6 $leaked || true
    leaked=$(service_leftovers | xargs)
  fi
  if [ -n "$leaked" ]; then
    ktp_log "FAILED: service processes left running by the tests (killed now):"
    # shellcheck disable=SC2086
    ps -o pid=,user=,args= -p "${leaked// /,}" 2>/dev/null | cut -c1-200 >&2 || true
    # Each service runs in its own process group (tied.sh): kill the group, then the pid.
    local p g mine
    mine=$(ps -o pgid= -p $$ | tr -d ' ')
    for p in $leaked; do
      g=$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')
      if [ -n "$g" ] && [ "$g" != "$mine" ] && [ "$g" != 1 ]; then kill -KILL -- "-$g" 2>/dev/null || true; fi
      kill -KILL "$p" 2>/dev/null || true
    done
    if [ "$STATUS" = 0 ]; then STATUS=5; fi
  fi
  phase "stopping servers"
  if want samba; then "$HERE/samba-dc.sh" stop "$WORK/samba" || true; fi
  if want mit; then "$HERE/mit-kdc.sh" stop "$WORK/mit" || true; fi
  if want heimdal; then "$HERE/heimdal-kdc.sh" stop "$WORK/heimdal" || true; fi
  if [ "$STATUS" = 0 ] && [ "${KTP_KEEP_WORK:-0}" != 1 ]; then
    rm -rf -- "$WORK"
  else
    ktp_log "server state and logs kept in $WORK"
  fi
  phase "done, exit $STATUS"
  exit "$STATUS"
}
trap cleanup EXIT
trap 'STATUS=130; exit 130' INT
trap 'STATUS=143; exit 143' TERM

if want mit; then
  phase "starting the MIT KDC (MIT.TEST, 127.0.0.1:18888)"
  if ! "$HERE/mit-kdc.sh" start "$WORK/mit"; then
    ktp_log "FAILED: the MIT KDC did not start; logs in $WORK/mit/log"
    ktp_tail "$WORK/mit/log/krb5kdc.log" 20
    STATUS=2
    exit 2
  fi
  # shellcheck disable=SC1091
  . "$WORK/mit/env.sh"
  export KTP_MIT_KDC_ENV="$WORK/mit/env.sh"
fi
if want heimdal; then
  phase "starting the Heimdal KDC and kpasswdd (HEIMDAL.TEST, 127.0.0.1:18988, 18964)"
  if ! "$HERE/heimdal-kdc.sh" start "$WORK/heimdal"; then
    ktp_log "FAILED: the Heimdal KDC did not start; logs in $WORK/heimdal/log"
    ktp_tail "$WORK/heimdal/log/kdc.log" 20
    STATUS=2
    exit 2
  fi
  export KTP_HEIMDAL_KDC_ENV="$WORK/heimdal/env.sh"
fi
if want samba; then
  phase "starting the Samba AD DC (EXAMPLE.TEST, 127.0.0.1:88/389/636)"
  if ! "$HERE/samba-dc.sh" start "$WORK/samba"; then
    ktp_log "FAILED: the Samba DC did not start; logs in $WORK/samba/log"
    ktp_tail "$WORK/samba/log/log.samba" 20
    STATUS=2
    exit 2
  fi
  # shellcheck disable=SC1091
  . "$WORK/samba/env.sh"
  export KTP_SAMBA_DC_ENV="$WORK/samba/env.sh"
fi

export KTP_INTEROP=1
export KTP_WORK_DIR="$WORK"
export KTP_HEIMDAL_KTUTIL="$HERE/heimdal-ktutil"
export KTP_HEIMDAL_STRING2KEY="$HERE/heimdal-string2key"
# Keep tests away from the caller's own credentials cache.
export KRB5CCNAME="FILE:$WORK/default.ccache"

# --- 4. tests ----------------------------------------------------------------------------
phase "npx vitest run $*"
npx --no-install vitest run "$@"
STATUS=$?

# --- 5. the AD suites again, bound with Kerberos (issue 12) -----------------------------------
# On ldap://127.0.0.1:389, sealed SASL GSSAPI, no CA file (test/helpers/samba.ts adEnv). First
# every suite that talks to the DC, with kinit's FILE: ticket cache and nothing else (what an
# admin has after `kinit`); then three suites with the other credential sources. The tests of
# the simple bind itself (TLS, clear text, a wrong bind password) skip themselves there.
# Left out: sasl-gssapi and directory-auth (Kerberos already), servers and krb5 (no LDAP).
AD_SUITES=(test/ad/samba.test.ts test/ad/audit-samba.test.ts test/verify/interop-samba.test.ts
  test/interop/ad-guards.test.ts test/interop/rotate-crash.test.ts test/interop/rotate-ktpass-ad.test.ts
  test/interop/rotate-self-ad.test.ts test/interop/gmsa.test.ts test/cli/habits-samba.test.ts
  test/services/acceptance.test.ts test/services/rotation-traffic.test.ts)
if [ "$STATUS" = 0 ] && want samba && [ $# -eq 0 ]; then
  phase "Kerberos-bound AD suites: KTP_AD_AUTH=ccache (FILE: cache) ${AD_SUITES[*]}"
  KTP_AD_AUTH=ccache npx --no-install vitest run "${AD_SUITES[@]}" || STATUS=1
fi
if [ "$STATUS" = 0 ] && want samba && [ $# -eq 0 ]; then
  for pass in "dir test/interop/rotate-ktpass-ad.test.ts" "password test/interop/ad-guards.test.ts" \
    "keytab test/interop/rotate-crash.test.ts"; do
    set -- $pass
    phase "Kerberos-bound AD suite: KTP_AD_AUTH=$1 $2"
    KTP_AD_AUTH=$1 npx --no-install vitest run "$2" || { STATUS=1; break; }
  done
fi
exit "$STATUS"
