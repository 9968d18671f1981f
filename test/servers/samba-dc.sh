#!/usr/bin/env bash
# A Samba 4 Active Directory DC (realm EXAMPLE.TEST, domain EXAMPLE) on loopback only.
#
#   test/servers/samba-dc.sh start DIR    start a fresh DC whose state lives in DIR
#   test/servers/samba-dc.sh stop DIR     SIGTERM the root process, wait, kill leftovers
#   test/servers/samba-dc.sh status DIR   exit 0 if the DC of DIR runs
#
# Must run as root (Samba binds 88/389/636/...). The provisioned state is cached: the
# first start provisions into the template directory ($KTP_SAMBA_TEMPLATE, default
# DIR/template) and every start copies that template into DIR, so each start is a fresh,
# identical domain. Start refuses a busy port. DIR/env.sh exports the variables the tests
# need (see test/servers/README.md). Env knobs:
#   KTP_SAMBA_TEMPLATE=PATH             where the provisioned template is cached
#   KTP_SAMBA_RELAX_PASSWORD_POLICY=1   complexity off, history 0, min/max age 0 after start
#   KTP_SAMBA_START_TIMEOUT=SECONDS     how long to wait for the DC (default 60)
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=test/servers/lib.sh disable=SC2034
. "$HERE/lib.sh"
KTP_LOG_TAG=samba-dc

REALM=EXAMPLE.TEST
DOMAIN=EXAMPLE
DNS_DOMAIN=example.test
BASE_DN=DC=example,DC=test
HOST_NAME=dc1
HOST_IP=127.0.0.1
ADMIN_PASSWORD='Passw0rd!Adm1n'
BIND_DN="Administrator@$DNS_DOMAIN"
# Bump when the provisioning recipe changes: an older cached template is then rebuilt.
# (5: the gMSA accounts of provision_gmsa.)
RECIPE=5
TCP_PORTS="88 389 636 464 3268 3269 135 139 445"
UDP_PORTS="88 389 464"

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 64; }

# --- TLS: a throwaway CA and a server certificate valid for 127.0.0.1 -------------------
# Dates are fixed (2020..2049) so that tests faking the clock (faketime) still verify.
make_tls() {
  local t=$1 conf
  mkdir -p "$t/ca-db"
  : >"$t/ca-db/index.txt"
  echo 1000 >"$t/ca-db/serial"
  conf="$t/ca-db/openssl.cnf"
  cat >"$conf" <<EOF
[ ca ]
default_ca = ktp_ca
[ ktp_ca ]
dir = $t/ca-db
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
default_md = sha256
policy = ktp_policy
unique_subject = no
copy_extensions = none
[ ktp_policy ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = ktp_dn
prompt = no
[ ktp_dn ]
CN = placeholder
[ ext_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ext_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:$HOST_IP, DNS:$HOST_NAME.$DNS_DOMAIN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  (
    umask 077
    openssl genrsa -out "$t/ca.key" 2048
    openssl req -new -config "$conf" -key "$t/ca.key" -subj "/O=keytab tests/CN=keytab throwaway test CA" -out "$t/ca.csr"
    openssl ca -batch -config "$conf" -selfsign -keyfile "$t/ca.key" -in "$t/ca.csr" -extensions ext_ca \
      -startdate 20200101000000Z -enddate 20491231235959Z -notext -out "$t/ca.pem"
    openssl genrsa -out "$t/key.pem" 2048
    openssl req -new -config "$conf" -key "$t/key.pem" -subj "/O=keytab tests/CN=$HOST_NAME.$DNS_DOMAIN" -out "$t/server.csr"
    openssl ca -batch -config "$conf" -cert "$t/ca.pem" -keyfile "$t/ca.key" -in "$t/server.csr" -extensions ext_server \
      -startdate 20200101000000Z -enddate 20491231235959Z -notext -out "$t/cert.pem"
  ) >"$t/openssl.log" 2>&1 || { ktp_tail "$t/openssl.log"; ktp_die "making the test certificates failed"; }
  chmod 600 "$t/key.pem" "$t/ca.key"
  chmod 644 "$t/ca.pem" "$t/cert.pem"
  openssl verify -CAfile "$t/ca.pem" "$t/cert.pem" >/dev/null || ktp_die "the test certificate does not verify"
}

write_krb5_conf() {
  ktp_krb5_conf "$REALM" "$DNS_DOMAIN" "" "kdc = $HOST_IP:88
admin_server = $HOST_IP:464
kpasswd_server = $HOST_IP:464" >"$1"
}

template_stamp() {
  printf 'recipe=%s samba=%s realm=%s path=%s\n' "$RECIPE" "$(samba -V 2>/dev/null)" "$REALM" "$1"
}

# Provision the template once (under a lock, so parallel starts do not race).
ensure_template() {
  local t=$1 t0
  mkdir -p "$(dirname -- "$t")"
  exec 9>"$t.lock"
  flock 9
  # Reuse a template made by this recipe and Samba version, less than 30 days old.
  if [ -f "$t/.ktp-template" ] && [ "$(cat "$t/.ktp-template")" = "$(template_stamp "$t")" ] &&
    [ -z "$(find "$t/.ktp-template" -mtime +30)" ]; then
    exec 9>&-
    return 0
  fi
  t0=$(ktp_now_ms)
  ktp_log "provisioning the template in $t (once; later starts copy it)"
  rm -rf -- "$t"
  mkdir -p "$t/etc" "$t/tls" "$t/run" "$t/log"
  make_tls "$t/tls"
  # Empty config: samba-tool and samba never read /etc/samba/smb.conf.
  : >"$t/etc/smb.conf"
  write_krb5_conf "$t/krb5.conf"
  if ! KRB5_CONFIG="$t/krb5.conf" samba-tool domain provision -s "$t/etc/smb.conf" --targetdir="$t" \
    --realm="$REALM" --domain="$DOMAIN" --server-role=dc --dns-backend=NONE \
    --host-name="$HOST_NAME" --host-ip="$HOST_IP" --adminpass="$ADMIN_PASSWORD" \
    --option="interfaces = lo" --option="bind interfaces only = yes" \
    --option="disable netbios = yes" \
    --option="server services = -dns -nbt -wrepl -dnsupdate -ntp_signd" \
    --option="pid directory = $t/run" --option="ncalrpc dir = $t/run/ncalrpc" \
    --option="winbindd socket directory = $t/run/winbindd" --option="log file = $t/log/log.%m" \
    --option="tls keyfile = $t/tls/key.pem" --option="tls certfile = $t/tls/cert.pem" \
    --option="tls cafile = $t/tls/ca.pem" >"$t/provision.log" 2>&1; then
    ktp_tail "$t/provision.log"
    ktp_die "samba-tool domain provision failed (log: $t/provision.log)"
  fi
  # Register the DC's own SPNs (ldap/..., GC/...) now; works on the offline database and
  # is repeated (a no-op) after every start.
  KRB5_CONFIG="$t/krb5.conf" samba_spnupdate -s "$t/etc/smb.conf" >>"$t/provision.log" 2>&1 ||
    { ktp_tail "$t/provision.log"; ktp_die "samba_spnupdate on the template failed"; }
  # The cached template can be weeks old: never let the admin password expire (42 days).
  samba-tool user setexpiry Administrator --noexpiry -s "$t/etc/smb.conf" -H "$t/private/sam.ldb" \
    >>"$t/provision.log" 2>&1 || { ktp_tail "$t/provision.log"; ktp_die "samba-tool user setexpiry failed"; }
  provision_gmsa "$t" || { ktp_tail "$t/provision.log"; ktp_die "provisioning the gMSA accounts failed"; }
  template_stamp "$t" >"$t/.ktp-template"
  ktp_log "template ready in $(($(ktp_now_ms) - t0)) ms"
  exec 9>&-
}

# Group managed service accounts (Samba 4.20+), on the offline template database:
#   gmsaweb$       a gMSA (dNSHostName gmsaweb.example.test) with SPNs HTTP/gmsaweb.example.test
#                  and HTTP/gmsaweb, enabled (samba-tool creates it disabled); who may read its
#                  password: Administrator (the creator, by samba-tool) and the group gmsa-readers;
#                  its password changes every 90 days, so never within a template's 30-day life
#   gmsa-reader    a user in gmsa-readers;  gmsa-outsider  a user NOT allowed to read it
# Provisioning already made a KDS root key usable at once (samba-tool domain kds root-key list);
# without one no gMSA password exists. The users' passwords go to gmsa-*.pass (0600).
GMSA_READER_PASSWORD='Gmsa-Reader-1!'
GMSA_OUTSIDER_PASSWORD='Gmsa-Outsider-1!'
provision_gmsa() {
  local t=$1
  local db=(-s "$t/etc/smb.conf" -H "$t/private/sam.ldb")
  {
    case $(samba-tool domain kds root-key list "${db[@]}") in
      *'usable from'*) ;;
      *) samba-tool domain kds root-key create "${db[@]}" || return 1 ;;
    esac
    samba-tool service-account create "${db[@]}" --name=gmsaweb --dns-host-name="gmsaweb.$DNS_DOMAIN" \
      --managed-password-interval=90 || return 1
    samba-tool user enable 'gmsaweb$' "${db[@]}" || return 1
    samba-tool spn add "HTTP/gmsaweb.$DNS_DOMAIN" 'gmsaweb$' "${db[@]}" || return 1
    samba-tool spn add HTTP/gmsaweb 'gmsaweb$' "${db[@]}" || return 1
    samba-tool user create gmsa-reader "$GMSA_READER_PASSWORD" "${db[@]}" || return 1
    samba-tool user create gmsa-outsider "$GMSA_OUTSIDER_PASSWORD" "${db[@]}" || return 1
    samba-tool user setexpiry gmsa-reader --noexpiry "${db[@]}" || return 1
    samba-tool user setexpiry gmsa-outsider --noexpiry "${db[@]}" || return 1
    samba-tool group add gmsa-readers "${db[@]}" || return 1
    samba-tool group addmembers gmsa-readers gmsa-reader "${db[@]}" || return 1
    samba-tool service-account group-msa-membership add "${db[@]}" --name='gmsaweb$' --principal="CN=gmsa-readers,CN=Users,$BASE_DN" || return 1
  } >>"$t/provision.log" 2>&1
  (umask 077 && printf '%s' "$GMSA_READER_PASSWORD" >"$t/gmsa-reader.pass" && printf '%s' "$GMSA_OUTSIDER_PASSWORD" >"$t/gmsa-outsider.pass")
}

# Copy the template into DIR and point its smb.conf at DIR.
instantiate() {
  local t=$1 d=$2 e
  for e in "$t"/* "$t"/.[!.]*; do
    [ -e "$e" ] || continue
    case ${e##*/} in .ktp-template | template | provision.log) continue ;; esac
    rm -rf -- "${d:?}/${e##*/}"
  done
  rm -rf -- "$d/run" "$d/log"
  for e in "$t"/* "$t"/.[!.]*; do
    [ -e "$e" ] || continue
    case ${e##*/} in .ktp-template | template | provision.log) continue ;; esac
    cp -a -- "$e" "$d/"
  done
  mkdir -p "$d/run" "$d/log"
  if [ "$t" != "$d" ]; then
    sed -i "s#$t/#$d/#g" "$d/etc/smb.conf"
    grep -q -- "$t/" "$d/etc/smb.conf" && ktp_die "template path left in $d/etc/smb.conf"
  fi
  write_krb5_conf "$d/krb5.conf"
  (umask 077 && printf '%s' "$ADMIN_PASSWORD" >"$d/admin.pass")
  chmod 600 "$d/admin.pass"
}

ldaps_ok() {
  LDAPTLS_CACERT="$DIR/tls/ca.pem" LDAPTLS_REQCERT=demand \
    timeout 10 ldapsearch -LLL -x -o nettimeout=5 -H "ldaps://$HOST_IP:636" -D "$BIND_DN" -y "$DIR/admin.pass" \
    -b "" -s base defaultNamingContext >"$DIR/log/ready-ldapsearch.out" 2>&1 &&
    grep -qi "defaultNamingContext: $BASE_DN" "$DIR/log/ready-ldapsearch.out"
}

# The administrator's ticket caches (MIT kinit: a FILE: cache and a DIR: collection) and an
# admin keytab exported by the DC itself, for the Kerberos-bound test runs.
admin_credentials() {
  local d=$1 k=$1/krb5
  mkdir -p "$k/collection"
  chmod 700 "$k"
  KRB5_CONFIG="$d/krb5.conf" KRB5CCNAME="FILE:$k/admin.ccache" kinit "Administrator@$REALM" <"$d/admin.pass" >>"$d/log/setup.log" 2>&1 || return 1
  KRB5_CONFIG="$d/krb5.conf" KRB5CCNAME="DIR:$k/collection" kinit "Administrator@$REALM" <"$d/admin.pass" >>"$d/log/setup.log" 2>&1 || return 1
  samba-tool domain exportkeytab "$k/admin.keytab" --principal="Administrator@$REALM" -s "$d/etc/smb.conf" >>"$d/log/setup.log" 2>&1 || return 1
}

write_env() {
  local d=$1
  {
    echo "# Written by test/servers/samba-dc.sh; source it."
    ktp_export KTP_AD_DIR "$d"
    ktp_export KTP_AD_URL "ldaps://$HOST_IP:636"
    ktp_export KTP_AD_REALM "$REALM"
    ktp_export KTP_AD_DOMAIN "$DOMAIN"
    ktp_export KTP_AD_KDC "$HOST_IP:88"
    ktp_export KTP_AD_KRB5_CONFIG "$d/krb5.conf"
    ktp_export KTP_AD_SMB_CONF "$d/etc/smb.conf"
    ktp_export KEYTAB_LDAP_URL "ldaps://$HOST_IP:636"
    ktp_export KEYTAB_BIND_DN "$BIND_DN"
    ktp_export KEYTAB_BIND_PASSWORD_FILE "$d/admin.pass"
    ktp_export KEYTAB_BASE_DN "$BASE_DN"
    ktp_export KEYTAB_CA_FILE "$d/tls/ca.pem"
    # The administrator's Kerberos credentials, for the runs that bind with Kerberos
    # (KTP_AD_AUTH=ccache|dir|password|keytab; see test/helpers/samba.ts).
    ktp_export KTP_AD_LDAP_URL "ldap://$HOST_IP:389"
    ktp_export KTP_AD_ADMIN_PRINCIPAL "Administrator@$REALM"
    ktp_export KTP_AD_CCACHE "FILE:$d/krb5/admin.ccache"
    ktp_export KTP_AD_DIR_CCACHE "DIR:$d/krb5/collection"
    ktp_export KTP_AD_ADMIN_KEYTAB "$d/krb5/admin.keytab"
    # The gMSA of provision_gmsa, a user allowed to read its password and one who is not.
    ktp_export KTP_AD_GMSA 'gmsaweb$'
    ktp_export KTP_AD_GMSA_READER "gmsa-reader@$DNS_DOMAIN"
    ktp_export KTP_AD_GMSA_READER_PASSWORD_FILE "$d/gmsa-reader.pass"
    ktp_export KTP_AD_GMSA_OUTSIDER "gmsa-outsider@$DNS_DOMAIN"
    ktp_export KTP_AD_GMSA_OUTSIDER_PASSWORD_FILE "$d/gmsa-outsider.pass"
  } >"$d/env.sh.tmp"
  mv -f "$d/env.sh.tmp" "$d/env.sh"
}

start() {
  local t0 t1 pid i ok=0 limit tmpl
  t0=$(ktp_now_ms)
  [ "$(id -u)" = 0 ] || ktp_die "must run as root (Samba binds privileged ports)"
  for tool in samba samba-tool samba_spnupdate ldapsearch openssl flock setsid; do
    command -v "$tool" >/dev/null 2>&1 || ktp_die "$tool not found; run: sudo test/servers/install-deps.sh"
  done
  if status; then ktp_die "a DC from $DIR already runs (pid $(cat "$DIR/samba.pid")); stop it first"; fi
  local specs="" p
  for p in $TCP_PORTS; do specs="$specs tcp:$p"; done
  for p in $UDP_PORTS; do specs="$specs udp:$p"; done
  ktp_require_free_ports "Samba DC" "$specs"

  tmpl=${KTP_SAMBA_TEMPLATE:-$DIR/template}
  tmpl=$(ktp_absdir "$tmpl")
  ensure_template "$tmpl"
  rm -f "$DIR/env.sh"
  instantiate "$tmpl" "$DIR"
  t1=$(ktp_now_ms)

  # setsid: the DC gets its own session (sid = root pid), so a terminal ^C does not hit it
  # half-way and `stop` can find every process of this instance, and only of this one.
  # A simple command after `&` is exec'ed by bash, so $! is the samba root process.
  KRB5_CONFIG="$DIR/krb5.conf" setsid samba -s "$DIR/etc/smb.conf" -F --no-process-group -M single \
    </dev/null >>"$DIR/log/samba.out" 2>&1 &
  pid=$!
  echo "$pid" >"$DIR/samba.pid"

  limit=$((${KTP_SAMBA_START_TIMEOUT:-60} * 10))
  for ((i = 0; i < limit; i++)); do
    ktp_alive "$pid" || break
    if ktp_tcp_open "$HOST_IP" 88 && ktp_tcp_open "$HOST_IP" 389 && ktp_tcp_open "$HOST_IP" 636 &&
      ktp_tcp_open "$HOST_IP" 464 && ldaps_ok; then
      ok=1
      break
    fi
    sleep 0.1
  done
  if [ "$ok" != 1 ]; then
    ktp_tail "$DIR/log/samba.out"
    ktp_tail "$DIR/log/log.samba"
    ktp_tail "$DIR/log/ready-ldapsearch.out" 10
    stop_instance
    ktp_die "the Samba DC did not become ready (pid $pid)"
  fi
  KRB5_CONFIG="$DIR/krb5.conf" samba_spnupdate -s "$DIR/etc/smb.conf" >>"$DIR/log/spnupdate.log" 2>&1 ||
    { ktp_tail "$DIR/log/spnupdate.log"; stop_instance; ktp_die "samba_spnupdate failed"; }
  if [ "${KTP_SAMBA_RELAX_PASSWORD_POLICY:-0}" = 1 ]; then
    samba-tool domain passwordsettings set -s "$DIR/etc/smb.conf" -H "$DIR/private/sam.ldb" \
      --complexity=off --history-length=0 --min-pwd-age=0 --max-pwd-age=0 >>"$DIR/log/setup.log" 2>&1 ||
      { ktp_tail "$DIR/log/setup.log"; stop_instance; ktp_die "relaxing the password policy failed"; }
    ktp_log "password policy relaxed (KTP_SAMBA_RELAX_PASSWORD_POLICY=1)"
  fi
  admin_credentials "$DIR" || { stop_instance; ktp_die "making the administrator's Kerberos credentials failed"; }
  write_env "$DIR"
  ktp_log "Samba DC for $REALM ready (root pid $pid): copy $((t1 - t0)) ms, total $(($(ktp_now_ms) - t0)) ms; env: $DIR/env.sh"
}

# Pids of this instance: the root process, everything naming this instance's smb.conf
# on its command line (smbd, winbindd: they start their own sessions), and, transitively,
# their children and the members of their sessions (e.g. "winbindd: domain child").
instance_pids() {
  local root=${1:-}
  ps -e -o pid=,ppid=,sid=,stat=,comm=,args= | awk -v root="$root" -v conf="$DIR/etc/smb.conf" -v self="$$" '
    $4 ~ /^Z/ { next }
    { pid[NR] = $1; ppid[NR] = $2; sid[NR] = $3
      if (($1 == root || index($0, conf)) && $5 != "awk" && $5 != "ps") inst[$1] = 1 }
    END {
      do {
        changed = 0
        for (i = 1; i <= NR; i++) {
          if (!(i in pid)) continue
          p = pid[i]
          if (p in inst || p == self) continue
          if ((ppid[i] in inst) || ((sid[i] in inst) && sid[i] != 1)) { inst[p] = 1; changed = 1 }
        }
      } while (changed)
      for (p in inst) print p
    }' | sort -n
}

stop_instance() {
  local root="" pids p
  [ -f "$DIR/samba.pid" ] && root=$(cat "$DIR/samba.pid")
  pids=$(instance_pids "$root")
  if [ -n "$root" ] && ktp_alive "$root"; then
    kill -TERM "$root" 2>/dev/null || true
    ktp_wait_gone 10 "$root" || ktp_log "root process $root ignored SIGTERM for 10 s"
  fi
  # Children normally exit with the root; give them a moment, then kill what is left.
  # shellcheck disable=SC2086
  if [ -n "$pids" ]; then ktp_wait_gone 3 $pids || true; fi
  pids=$(instance_pids "$root" | tr '\n' ' ')
  if [ -n "${pids// /}" ]; then
    ktp_log "killing leftover processes of this instance: $pids"
    for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
    # shellcheck disable=SC2086
    ktp_wait_gone 3 $pids || ktp_log "still alive: $pids"
  fi
  rm -f "$DIR/samba.pid"
}

stop() {
  local t0
  t0=$(ktp_now_ms)
  stop_instance
  rm -f "$DIR/env.sh"
  ktp_log "stopped ($DIR) in $(($(ktp_now_ms) - t0)) ms"
}

status() { ktp_pidfile_alive "$DIR/samba.pid"; }

ktp_main "$@"
