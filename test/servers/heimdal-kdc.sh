#!/usr/bin/env bash
# A private Heimdal KDC and kpasswdd (realm HEIMDAL.TEST) on loopback, beside MIT's and Samba's.
#
#   test/servers/heimdal-kdc.sh start DIR    create the realm in DIR, start kdc + kpasswdd
#   test/servers/heimdal-kdc.sh stop DIR     stop them (by the pids in DIR) and wait
#   test/servers/heimdal-kdc.sh status DIR   exit 0 if the KDC of DIR runs
#
# Heimdal is not installed (heimdal-kdc conflicts with MIT's packages): install-deps.sh
# extracts its debs into test/.work/heimdal (KTP_HEIMDAL_DIR), and this script runs the
# extracted kadmin, kdc and kpasswdd with LD_LIBRARY_PATH set to the extracted libraries.
# Everything (HDB database, krb5.conf with the [kdc], [kadmin] and [password_quality]
# sections, ACL, logs, pids) lives in DIR; nothing reads /etc/krb5.conf or /etc/heimdal-kdc.
# Ports: KDC 127.0.0.1:18988 udp+tcp, kpasswdd 127.0.0.1:18964 udp (Heimdal's kpasswdd
# serves UDP only). Start refuses a busy port.
#
# Password quality: min_length 8, and an external check (DIR/quality-check) that refuses
# every new password of a principal whose first component starts with "refuse-", so a test
# can trigger a policy refusal through kpasswd without changing the realm's policy.
# DIR/env.sh exports the KTP_HEIMDAL_* variables a client needs (see test/servers/README.md).
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=test/servers/lib.sh disable=SC2034
. "$HERE/lib.sh"
KTP_LOG_TAG=heimdal-kdc

REPO=$(cd -- "$HERE/../.." && pwd -P)
ROOT=${KTP_HEIMDAL_DIR:-$REPO/test/.work/heimdal}
REALM=HEIMDAL.TEST
HOST=127.0.0.1
KDC_PORT=${KTP_HEIMDAL_KDC_PORT:-18988}
KPASSWD_PORT=${KTP_HEIMDAL_KPASSWD_PORT:-18964}
USER_PRINC="user@$REALM"
USER_PASSWORD='User-Pass-1!'
ADMIN_PRINC="admin/admin@$REALM"
ADMIN_PASSWORD='Admin-Pass-2!'
SERVICE_PRINC="HTTP/web.heimdal.test@$REALM"
ENCTYPES="aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96"

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 64; }

# Paths of the extracted programs and libraries.
find_tools() {
  KADMIN=$ROOT/usr/bin/kadmin.heimdal
  KDC=$ROOT/usr/lib/heimdal-servers/kdc
  KPASSWDD=$ROOT/usr/lib/heimdal-servers/kpasswdd
  KINIT=$ROOT/usr/bin/kinit.heimdal
  LIBDIR=""
  local d
  for d in "$ROOT"/usr/lib/*/; do
    if [ -e "$d/libkdc.so.2" ]; then LIBDIR=${d%/}; break; fi
  done
  for f in "$KADMIN" "$KDC" "$KPASSWDD" "$KINIT"; do
    [ -x "$f" ] || ktp_die "$f not found: Heimdal's KDC is not extracted; run: sudo test/servers/install-deps.sh"
  done
  [ -n "$LIBDIR" ] || ktp_die "libkdc.so.2 not found under $ROOT/usr/lib; run: sudo test/servers/install-deps.sh"
}

heimdal() { LD_LIBRARY_PATH="$LIBDIR" KRB5_CONFIG="$DIR/krb5.conf" "$@"; }

write_configs() {
  local d=$1 e keys=""
  for e in $ENCTYPES; do keys="$keys $e:pw-salt"; done
  # One file serves the clients, kadmin -l, the KDC and kpasswdd (Heimdal reads [kdc] from
  # krb5.conf too).
  {
    ktp_krb5_conf "$REALM" heimdal.test "udp_preference_limit = 1465" "kdc = $HOST:$KDC_PORT
kpasswd_server = $HOST:$KPASSWD_PORT"
    cat <<EOF

[kdc]
    database = {
        realm = $REALM
        dbname = db:$d/db/heimdal
        acl_file = $d/kadmind.acl
        log_file = $d/db/log
    }
    require-preauth = true
    ports = $KDC_PORT
    addresses = $HOST
    enable-http = false
    check-ticket-addresses = false

[kadmin]
    default_keys = $keys

[password_quality]
    policies = builtin:external-check builtin:minimum-length
    min_length = 8
    external_program = $d/quality-check

[logging]
    kdc = FILE:$d/log/kdc.log
    kpasswdd = FILE:$d/log/kpasswdd.log
    default = FILE:$d/log/heimdal.log
EOF
  } >"$d/krb5.conf"
  echo "$ADMIN_PRINC all" >"$d/kadmind.acl"
  # Heimdal's external-check protocol: "principal: P", "new-password: X", "end" on stdin;
  # answer "APPROVED", or the reason for a refusal.
  cat >"$d/quality-check" <<'EOF'
#!/bin/sh
principal=""
while read -r key value; do
  case $key in
  principal:) principal=$value ;;
  end) break ;;
  esac
done
case $principal in
refuse-*) echo "the test realm's policy refuses every new password of $principal" ;;
*) echo APPROVED ;;
esac
EOF
  chmod 755 "$d/quality-check"
}

write_env() {
  local d=$1
  {
    echo "# Written by test/servers/heimdal-kdc.sh; source it. For a shell: export KRB5_CONFIG=\"\$KTP_HEIMDAL_KRB5_CONFIG\""
    ktp_export KTP_HEIMDAL_KDC_DIR "$d"
    ktp_export KTP_HEIMDAL_ROOT "$ROOT"
    ktp_export KTP_HEIMDAL_LIBDIR "$LIBDIR"
    ktp_export KTP_HEIMDAL_KRB5_CONFIG "$d/krb5.conf"
    ktp_export KTP_HEIMDAL_REALM "$REALM"
    ktp_export KTP_HEIMDAL_KDC "$HOST:$KDC_PORT"
    ktp_export KTP_HEIMDAL_KPASSWD "$HOST:$KPASSWD_PORT"
    ktp_export KTP_HEIMDAL_USER "$USER_PRINC"
    ktp_export KTP_HEIMDAL_USER_PASSWORD "$USER_PASSWORD"
    ktp_export KTP_HEIMDAL_ADMIN "$ADMIN_PRINC"
    ktp_export KTP_HEIMDAL_ADMIN_PASSWORD "$ADMIN_PASSWORD"
    ktp_export KTP_HEIMDAL_SERVICE "$SERVICE_PRINC"
    # shellcheck disable=SC2086,SC2116  # squeeze the list onto one line
    ktp_export KTP_HEIMDAL_ENCTYPES "$(echo $ENCTYPES)"
  } >"$d/env.sh.tmp"
  mv -f "$d/env.sh.tmp" "$d/env.sh"
}

kadmin_local() {
  heimdal "$KADMIN" -l -r "$REALM" "$@" >>"$DIR/log/setup.log" 2>&1 </dev/null ||
    { ktp_tail "$DIR/log/setup.log"; ktp_die "kadmin -l failed: $*"; }
}

start() {
  local t0 pid kpid i ok
  t0=$(ktp_now_ms)
  find_tools
  if [ -f "$DIR/kdc.pid" ] && ktp_alive "$(cat "$DIR/kdc.pid")"; then
    ktp_die "a Heimdal KDC from $DIR already runs (pid $(cat "$DIR/kdc.pid")); stop it first"
  fi
  ktp_require_free_ports "Heimdal KDC" "udp:$KDC_PORT tcp:$KDC_PORT udp:$KPASSWD_PORT"

  rm -rf -- "$DIR/db" "$DIR/log" "$DIR/env.sh" "$DIR"/*.pid
  mkdir -p "$DIR/db" "$DIR/log"
  chmod 700 "$DIR/db"
  write_configs "$DIR"

  : >"$DIR/log/setup.log"
  # init: krbtgt, kadmin/changepw (initial tickets only), kadmin/admin, ...
  kadmin_local init --realm-max-ticket-life=10h --realm-max-renewable-life=7d "$REALM"
  kadmin_local add --password="$USER_PASSWORD" --use-defaults --attributes=requires-pre-auth "$USER_PRINC"
  kadmin_local add --password="$ADMIN_PASSWORD" --use-defaults --attributes=requires-pre-auth "$ADMIN_PRINC"
  kadmin_local add --random-key --use-defaults --attributes=requires-pre-auth "$SERVICE_PRINC"

  # Foreground daemons in their own session (setsid), so $! is the daemon and a terminal ^C
  # reaches the runner's trap rather than killing them half-way.
  LD_LIBRARY_PATH="$LIBDIR" KRB5_CONFIG="$DIR/krb5.conf" setsid "$KDC" --config-file="$DIR/krb5.conf" \
    --addresses="$HOST" --ports="$KDC_PORT" </dev/null >>"$DIR/log/kdc.out" 2>&1 &
  pid=$!
  echo "$pid" >"$DIR/kdc.pid"
  LD_LIBRARY_PATH="$LIBDIR" KRB5_CONFIG="$DIR/krb5.conf" setsid "$KPASSWDD" --config-file="$DIR/krb5.conf" \
    --realm="$REALM" --addresses="$HOST" --port="$KPASSWD_PORT" </dev/null >>"$DIR/log/kpasswdd.out" 2>&1 &
  kpid=$!
  echo "$kpid" >"$DIR/kpasswdd.pid"

  # Ready = a real AS exchange with pre-authentication succeeds (Heimdal's kinit), and
  # kpasswdd listens on its UDP port.
  ok=0
  for ((i = 0; i < 100; i++)); do
    if ! ktp_alive "$pid" || ! ktp_alive "$kpid"; then break; fi
    if printf '%s\n' "$USER_PASSWORD" | KRB5CCNAME="FILE:$DIR/ready.ccache" heimdal "$KINIT" --password-file=STDIN "$USER_PRINC" >/dev/null 2>&1 &&
      ktp_port_busy udp "$KPASSWD_PORT"; then
      ok=1
      break
    fi
    sleep 0.1
  done
  rm -f "$DIR/ready.ccache"
  if [ "$ok" != 1 ]; then
    ktp_tail "$DIR/log/kdc.log"
    ktp_tail "$DIR/log/kdc.out"
    ktp_tail "$DIR/log/kpasswdd.out"
    stop_quiet
    ktp_die "the Heimdal KDC did not become ready (kdc pid $pid, kpasswdd pid $kpid)"
  fi
  write_env "$DIR"
  ktp_log "Heimdal KDC for $REALM ready on $HOST:$KDC_PORT, kpasswdd on $HOST:$KPASSWD_PORT/udp (pids $pid, $kpid) in $(($(ktp_now_ms) - t0)) ms; env: $DIR/env.sh"
}

stop_quiet() {
  ktp_stop_pidfile "$DIR/kpasswdd.pid"
  ktp_stop_pidfile "$DIR/kdc.pid"
}

stop() {
  stop_quiet
  rm -f "$DIR/env.sh"
  ktp_log "stopped ($DIR)"
}

status() { ktp_pidfile_alive "$DIR/kdc.pid"; }

ktp_main "$@"
