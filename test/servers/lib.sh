# Shared helpers for the test-server scripts. Source it; it defines functions only.
# shellcheck shell=bash

ktp_log() { printf '[%s] %s\n' "${KTP_LOG_TAG:-servers}" "$*" >&2; }
ktp_die() { printf '[%s] ERROR: %s\n' "${KTP_LOG_TAG:-servers}" "$*" >&2; exit 1; }

# Absolute path of a directory, creating it.
ktp_absdir() { mkdir -p -- "$1" && (cd -- "$1" && pwd -P); }

# ktp_port_busy PROTO PORT: true (0) if anything listens on PORT (any address) for
# PROTO (tcp|udp). Uses ss when present, else a bind probe with python3.
ktp_port_busy() {
  local proto=$1 port=$2 flag
  if command -v ss >/dev/null 2>&1; then
    if [ "$proto" = tcp ]; then flag=-Hltn; else flag=-Hlun; fi
    # Column 4 is the local address:port ("127.0.0.1:88", "[::1]:88", "*:88").
    ss "$flag" 2>/dev/null | awk -v p="$port" '{ n = split($4, a, ":"); if (a[n] == p) found = 1 } END { exit !found }'
    return $?
  fi
  python3 - "$proto" "$port" <<'PY'
import socket, sys
proto, port = sys.argv[1], int(sys.argv[2])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    try:
        s = socket.socket(fam, kind)
    except OSError:
        continue
    try:
        if kind == socket.SOCK_STREAM:
            # REUSEADDR so TIME_WAIT leftovers do not count as busy; a listener still does.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
    except PermissionError:
        pass  # not root: cannot probe a privileged port this way; assume free
    except OSError:
        sys.exit(0)  # busy
    finally:
        s.close()
sys.exit(1)  # free
PY
}

# ktp_require_free_ports NAME "tcp:88 udp:88 ...": exit with a message naming every busy port.
ktp_require_free_ports() {
  local name=$1 spec busy=""
  for spec in $2; do
    if ktp_port_busy "${spec%%:*}" "${spec#*:}"; then busy="$busy $spec"; fi
  done
  if [ -n "$busy" ]; then
    ktp_log "refusing to start $name: port(s) already in use:$busy"
    if command -v ss >/dev/null 2>&1; then
      for spec in $busy; do
        ss -Hlnp"$( [ "${spec%%:*}" = tcp ] && echo t || echo u )" "sport = :${spec#*:}" >&2 2>/dev/null || true
      done
    fi
    exit 2
  fi
}

# ktp_tcp_open HOST PORT: true if a TCP connection succeeds (bash /dev/tcp, 1 s cap).
ktp_tcp_open() {
  # shellcheck disable=SC2016  # $1/$2 expand in the inner bash
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# ktp_alive PID: true if PID exists and is not a zombie.
ktp_alive() {
  local st
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
  st=$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$st" != Z ] && [ "$st" != X ]
}

# ktp_descendants PID: all descendant pids of PID (depth first), one per line.
ktp_descendants() {
  local parent=$1 child
  for child in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    echo "$child"
    ktp_descendants "$child"
  done
}

# ktp_wait_gone SECONDS PID...: wait until all PIDs are gone; false on timeout.
ktp_wait_gone() {
  local limit=$1 i p left
  shift
  for ((i = 0; i < limit * 10; i++)); do
    left=0
    for p in "$@"; do ktp_alive "$p" && left=1; done
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# ktp_now_ms: milliseconds since the epoch.
ktp_now_ms() { date +%s%3N; }

# ktp_tail FILE [N]: print the last lines of a log for a failure report.
ktp_tail() {
  local f=$1 n=${2:-40}
  if [ -f "$f" ]; then
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2
    printf -- '-----\n' >&2
  fi
}

# ktp_shq VALUE: single-quote VALUE for a shell file.
ktp_shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# ktp_krb5_conf REALM DOMAIN LIBDEFAULTS REALM_ENTRIES: a client krb5.conf on stdout, no DNS,
# no reverse lookups, [realms] REALM = { REALM_ENTRIES } and DOMAIN (with its subdomains) in
# REALM. LIBDEFAULTS and REALM_ENTRIES are "key = value" lines (newline-separated, LIBDEFAULTS
# may be empty); they are indented here.
ktp_krb5_conf() {
  local realm=$1 domain=$2 line
  printf '[libdefaults]\n    default_realm = %s\n' "$realm"
  printf '    %s\n' 'dns_lookup_kdc = false' 'dns_lookup_realm = false' 'dns_canonicalize_hostname = false' 'rdns = false'
  while IFS= read -r line; do [ -z "$line" ] || printf '    %s\n' "$line"; done <<<"$3"
  printf '    kdc_timesync = 0\n\n[realms]\n    %s = {\n' "$realm"
  while IFS= read -r line; do [ -z "$line" ] || printf '        %s\n' "$line"; done <<<"$4"
  printf '    }\n\n[domain_realm]\n    .%s = %s\n    %s = %s\n' "$domain" "$realm" "$domain" "$realm"
}

# ktp_export NAME VALUE: an env.sh line exporting NAME as VALUE, single-quoted.
ktp_export() { echo "export $1=$(ktp_shq "$2")"; }

# ktp_pidfile_alive FILE: true if FILE names a live process (a server script's status).
ktp_pidfile_alive() { [ -f "$1" ] && ktp_alive "$(cat "$1")"; }

# ktp_stop_pidfile FILE: SIGTERM the process FILE names, SIGKILL after 5 s, remove FILE.
ktp_stop_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if ktp_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! ktp_wait_gone 5 "$pid"; then
      ktp_log "pid $pid ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      ktp_wait_gone 2 "$pid" || ktp_log "pid $pid still alive"
    fi
  fi
  rm -f "$f"
}

# The command line of a server script: `start|stop|status DIR`, calling the script's own
# start, stop and status functions with DIR set (absolute). stop and status of a missing DIR
# mean "not running".
# shellcheck disable=SC2034  # DIR is read by the calling script's functions
ktp_main() {
  [ $# -eq 2 ] || usage
  case $1 in
  start) DIR=$(ktp_absdir "$2"); start ;;
  stop) [ -d "$2" ] || exit 0; DIR=$(cd -- "$2" && pwd -P); stop ;;
  status) [ -d "$2" ] || exit 1; DIR=$(cd -- "$2" && pwd -P); status ;;
  *) usage ;;
  esac
}
