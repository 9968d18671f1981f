#!/usr/bin/env bash
# A private MIT krb5 KDC (realm MIT.TEST) on loopback for the interop tests.
#
#   test/servers/mit-kdc.sh start DIR    create the realm in DIR, start krb5kdc + kadmind
#   test/servers/mit-kdc.sh stop DIR     stop them (by the pids in DIR) and wait
#   test/servers/mit-kdc.sh status DIR   exit 0 if the KDC of DIR runs
#
# Everything (database, stash, kdc.conf, krb5.conf, logs, pids) lives in DIR; nothing
# reads /etc/krb5.conf or /etc/krb5kdc. Ports: KDC 127.0.0.1:18888 udp+tcp, kadmind
# 127.0.0.1:18749 tcp, kpasswd 127.0.0.1:18464 udp+tcp. Start refuses a busy port.
# DIR/env.sh exports the KTP_MIT_* variables a client needs (see test/servers/README.md).
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=test/servers/lib.sh disable=SC2034
. "$HERE/lib.sh"
KTP_LOG_TAG=mit-kdc

REALM=MIT.TEST
HOST=127.0.0.1
KDC_PORT=${KTP_MIT_KDC_PORT:-18888}
KADMIN_PORT=${KTP_MIT_KADMIN_PORT:-18749}
KPASSWD_PORT=${KTP_MIT_KPASSWD_PORT:-18464}
MASTER_PASSWORD='Mit-Master-0!'
USER_PRINC="user@$REALM"
USER_PASSWORD='User-Pass-1!'
ADMIN_PRINC="admin/admin@$REALM"
ADMIN_PASSWORD='Admin-Pass-2!'
SERVICE_PRINC="HTTP/web.mit.test@$REALM"
SERVICE_PASSWORD='Svc-Pass-3!'
ENCTYPES="aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192 \
aes128-cts-hmac-sha256-128 camellia256-cts-cmac camellia128-cts-cmac des3-cbc-sha1 arcfour-hmac"

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 64; }

write_configs() {
  local d=$1 e supported=""
  for e in $ENCTYPES; do supported="$supported $e:normal"; done
  cat >"$d/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = $HOST:$KDC_PORT
    kdc_tcp_listen = $HOST:$KDC_PORT

[realms]
    $REALM = {
        database_name = $d/db/principal
        key_stash_file = $d/db/stash
        acl_file = $d/kadm5.acl
        kadmind_listen = $HOST:$KADMIN_PORT
        kpasswd_listen = $HOST:$KPASSWD_PORT
        master_key_type = aes256-cts-hmac-sha1-96
        supported_enctypes =$supported
        max_life = 10h 0m 0s
        max_renewable_life = 7d 0h 0m 0s
    }

[logging]
    kdc = FILE:$d/log/krb5kdc.log
    admin_server = FILE:$d/log/kadmind.log
    default = FILE:$d/log/krb5lib.log
EOF
  ktp_krb5_conf "$REALM" mit.test "allow_weak_crypto = true
udp_preference_limit = 1465" "kdc = $HOST:$KDC_PORT
admin_server = $HOST:$KADMIN_PORT
kpasswd_server = $HOST:$KPASSWD_PORT" >"$d/krb5.conf"
  echo "*/admin@$REALM *" >"$d/kadm5.acl"
}

write_env() {
  local d=$1
  {
    echo "# Written by test/servers/mit-kdc.sh; source it. For a shell: export KRB5_CONFIG=\"\$KTP_MIT_KRB5_CONFIG\""
    ktp_export KTP_MIT_DIR "$d"
    ktp_export KTP_MIT_KRB5_CONFIG "$d/krb5.conf"
    ktp_export KTP_MIT_KDC_PROFILE "$d/kdc.conf"
    ktp_export KTP_MIT_REALM "$REALM"
    ktp_export KTP_MIT_KDC "$HOST:$KDC_PORT"
    ktp_export KTP_MIT_KADMIN "$HOST:$KADMIN_PORT"
    ktp_export KTP_MIT_KPASSWD "$HOST:$KPASSWD_PORT"
    ktp_export KTP_MIT_USER "$USER_PRINC"
    ktp_export KTP_MIT_USER_PASSWORD "$USER_PASSWORD"
    ktp_export KTP_MIT_SERVICE "$SERVICE_PRINC"
    ktp_export KTP_MIT_SERVICE_PASSWORD "$SERVICE_PASSWORD"
    ktp_export KTP_MIT_ADMIN "$ADMIN_PRINC"
    ktp_export KTP_MIT_ADMIN_PASSWORD "$ADMIN_PASSWORD"
    ktp_export KTP_MIT_ADMIN_KEYTAB "$d/admin.keytab"
    # shellcheck disable=SC2086,SC2116  # squeeze the list onto one line
    ktp_export KTP_MIT_ENCTYPES "$(echo $ENCTYPES)"
  } >"$d/env.sh.tmp"
  mv -f "$d/env.sh.tmp" "$d/env.sh"
}

kadmin_local() { kadmin.local -r "$REALM" -q "$1" >>"$DIR/log/setup.log" 2>&1 || { ktp_tail "$DIR/log/setup.log"; ktp_die "kadmin.local failed: $1"; }; }

start() {
  local t0 pid kpid i ok
  t0=$(ktp_now_ms)
  for tool in krb5kdc kadmind kdb5_util kadmin.local kinit kdestroy; do
    command -v "$tool" >/dev/null 2>&1 || ktp_die "$tool not found; run: sudo test/servers/install-deps.sh"
  done
  if [ -f "$DIR/krb5kdc.pid" ] && ktp_alive "$(cat "$DIR/krb5kdc.pid")"; then
    ktp_die "a KDC from $DIR already runs (pid $(cat "$DIR/krb5kdc.pid")); stop it first"
  fi
  ktp_require_free_ports "MIT KDC" "udp:$KDC_PORT tcp:$KDC_PORT tcp:$KADMIN_PORT udp:$KPASSWD_PORT tcp:$KPASSWD_PORT"

  rm -rf -- "$DIR/db" "$DIR/log" "$DIR/admin.keytab" "$DIR/env.sh" "$DIR"/*.pid "$DIR/ccache"
  mkdir -p "$DIR/db" "$DIR/log"
  chmod 700 "$DIR/db"
  write_configs "$DIR"
  export KRB5_CONFIG="$DIR/krb5.conf" KRB5_KDC_PROFILE="$DIR/kdc.conf"

  kdb5_util create -s -r "$REALM" -P "$MASTER_PASSWORD" >"$DIR/log/setup.log" 2>&1 ||
    { ktp_tail "$DIR/log/setup.log"; ktp_die "kdb5_util create failed"; }
  kadmin_local "addprinc -pw $USER_PASSWORD +requires_preauth $USER_PRINC"
  kadmin_local "addprinc -pw $SERVICE_PASSWORD +requires_preauth $SERVICE_PRINC"
  kadmin_local "addprinc -pw $ADMIN_PASSWORD +requires_preauth $ADMIN_PRINC"
  kadmin_local "ktadd -k $DIR/admin.keytab -norandkey $ADMIN_PRINC"

  # -n: stay in the foreground so $! is the daemon itself. setsid: own session, so a
  # terminal ^C reaches the runner's trap (which stops us) rather than killing us half-way.
  setsid krb5kdc -n -r "$REALM" </dev/null >>"$DIR/log/krb5kdc.out" 2>&1 &
  pid=$!
  echo "$pid" >"$DIR/krb5kdc.pid"
  setsid kadmind -nofork -r "$REALM" </dev/null >>"$DIR/log/kadmind.out" 2>&1 &
  kpid=$!
  echo "$kpid" >"$DIR/kadmind.pid"

  # Ready = a real AS exchange with pre-authentication succeeds, and kadmind listens.
  ok=0
  for ((i = 0; i < 100; i++)); do
    if ! ktp_alive "$pid"; then break; fi
    if printf '%s\n' "$USER_PASSWORD" | KRB5CCNAME="FILE:$DIR/ready.ccache" kinit "$USER_PRINC" >/dev/null 2>&1 &&
      ktp_tcp_open "$HOST" "$KADMIN_PORT"; then
      ok=1
      break
    fi
    sleep 0.1
  done
  KRB5CCNAME="FILE:$DIR/ready.ccache" kdestroy >/dev/null 2>&1 || true
  rm -f "$DIR/ready.ccache"
  if [ "$ok" != 1 ]; then
    ktp_tail "$DIR/log/krb5kdc.log"
    ktp_tail "$DIR/log/krb5kdc.out"
    ktp_tail "$DIR/log/kadmind.log"
    stop_quiet
    ktp_die "the KDC did not become ready (pid $pid)"
  fi
  write_env "$DIR"
  ktp_log "MIT KDC for $REALM ready on $HOST:$KDC_PORT (kdc pid $pid, kadmind pid $kpid) in $(($(ktp_now_ms) - t0)) ms; env: $DIR/env.sh"
}

stop_quiet() {
  ktp_stop_pidfile "$DIR/kadmind.pid"
  ktp_stop_pidfile "$DIR/krb5kdc.pid"
}

stop() {
  stop_quiet
  rm -f "$DIR/env.sh"
  ktp_log "stopped ($DIR)"
}

status() { ktp_pidfile_alive "$DIR/krb5kdc.pid"; }

ktp_main "$@"
