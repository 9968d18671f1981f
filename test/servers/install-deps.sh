#!/usr/bin/env bash
# Install what the real-server tests need on Debian 12 (bookworm). Idempotent.
#
#   sudo test/servers/install-deps.sh        (as root, or it uses sudo itself)
#
# 1. apt packages: MIT krb5 (client, KDC, kadmind, dev headers), Samba AD DC, winbind,
#    OpenLDAP clients, openssl, hyperfine, faketime, ... The Samba AD DC comes from
#    bookworm-backports (Samba >= 4.20: gMSA and KDS root keys; bookworm's 4.17 has none):
#    the script adds that suite to apt's sources (pinned at apt's default priority 100, so
#    nothing else is taken from it) and installs SAMBA_PACKAGES with -t bookworm-backports.
#    Their postinst scripts must not
#    start system daemons: a temporary /usr/sbin/policy-rc.d answers 101 ("action
#    forbidden") and is removed afterwards only if this script created it.
# 2. Heimdal's tools and servers without installing Heimdal (heimdal-clients conflicts with
#    krb5-user, heimdal-kdc with krb5-kdc): `apt-get download` heimdal-clients, heimdal-kdc
#    and the Heimdal libraries they need and `dpkg -x` them into test/.work/heimdal/
#    (git-ignored). test/servers/heimdal-ktutil and test/servers/heimdal-string2key run the
#    tools; test/servers/heimdal-kdc.sh runs the extracted kdc and kpasswdd.
#
# Env: KTP_HEIMDAL_DIR (default <repo>/test/.work/heimdal), KTP_SKIP_APT=1 (only step 2).
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd -- "$HERE/../.." && pwd -P)
HEIMDAL_DIR=${KTP_HEIMDAL_DIR:-$REPO/test/.work/heimdal}
log() { printf '[install-deps] %s\n' "$*" >&2; }
die() { printf '[install-deps] ERROR: %s\n' "$*" >&2; exit 1; }

PACKAGES=(
  # MIT Kerberos: kinit/klist/kvno/ktutil, the KDC and kadmind, headers for native addons
  krb5-user krb5-kdc krb5-admin-server libkrb5-dev
  attr
  # clients and tools used by the scripts and the tests
  ldap-utils openssl ca-certificates hyperfine faketime time gcc libc6-dev
  iproute2 procps util-linux coreutils sed mawk
  # the service-acceptance suite (test/services): Apache httpd + mod_auth_gssapi with curl
  # --negotiate as the client, and an OpenJDK JGSS acceptor (javac at test time)
  apache2 libapache2-mod-auth-gssapi curl openjdk-17-jdk-headless
)
# The Samba AD DC, from bookworm-backports (from 4.20 on, the `samba` binary and samba_spnupdate
# are in samba-ad-dc; samba-dsdb-modules and samba-ad-provision are
# only Recommends of samba). SAMBA_MIN is the oldest version the tests accept (gMSA support).
SAMBA_PACKAGES=(samba samba-ad-dc samba-dsdb-modules samba-ad-provision samba-vfs-modules winbind)
SAMBA_MIN=2:4.20
BACKPORTS_LIST=/etc/apt/sources.list.d/ktp-bookworm-backports.sources
# systemd-analyze, to verify the README's systemd units (test/interop/rotate-self-readme.test.ts).
# Installing the package starts nothing (systemd is not PID 1 here, and policy-rc.d says 101).
PACKAGES+=(systemd)
# Packages whose debs are extracted (not installed) for Heimdal's tools and servers, with
# the Heimdal libraries they depend on.
HEIMDAL_ROOT_PACKAGES=(heimdal-clients heimdal-kdc)

[ -r /etc/debian_version ] || die "this script supports Debian (12, bookworm) only"
command -v apt-get >/dev/null || die "apt-get not found"

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "not root and sudo is not installed: run this script as root"
  SUDO=(sudo)
fi
as_root() { "${SUDO[@]}" "$@"; }
export DEBIAN_FRONTEND=noninteractive

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | cut -c1-2)" = ii ]
}

APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
}

# True when bookworm-backports is already one of apt's sources (ours or the admin's).
has_backports() {
  grep -rqsE '(^|[[:space:]])bookworm-backports([[:space:]]|$)' /etc/apt/sources.list /etc/apt/sources.list.d/
}

add_backports() {
  has_backports && return 0
  log "adding bookworm-backports to apt's sources ($BACKPORTS_LIST)"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    as_root tee "$BACKPORTS_LIST" >/dev/null
  APT_UPDATED=0
}

samba_recent() {
  local v
  v=$(dpkg-query -W -f='${Version}' samba 2>/dev/null) || return 1
  is_installed samba && dpkg --compare-versions "$v" ge "$SAMBA_MIN"
}

POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
cleanup() {
  if [ "$CREATED_POLICY" = 1 ]; then
    as_root rm -f "$POLICY"
    log "removed the temporary $POLICY"
  fi
}
trap cleanup EXIT

install_packages() {
  local missing=() p samba_ok=1
  for p in "${PACKAGES[@]}"; do is_installed "$p" || missing+=("$p"); done
  for p in "${SAMBA_PACKAGES[@]}"; do is_installed "$p" || samba_ok=0; done
  samba_recent || samba_ok=0
  if [ ${#missing[@]} -eq 0 ] && [ "$samba_ok" = 1 ]; then
    log "apt packages: all ${#PACKAGES[@]} already installed"
    return 0
  fi
  [ "$samba_ok" = 1 ] || add_backports
  log "apt packages to install: ${missing[*]}${missing[*]:+ }$([ "$samba_ok" = 1 ] || echo "${SAMBA_PACKAGES[*]} (bookworm-backports)")"
  if [ -e "$POLICY" ]; then
    grep -q 'exit 101' "$POLICY" || log "warning: existing $POLICY may allow services to start"
  else
    printf '#!/bin/sh\n# temporary, from keytab test/servers/install-deps.sh\nexit 101\n' | as_root tee "$POLICY" >/dev/null
    as_root chmod 755 "$POLICY"
    CREATED_POLICY=1
  fi
  # krb5-config asks for a default realm (and probes DNS for it): answer in advance.
  # Nothing in the tests reads /etc/krb5.conf; they all use private configs.
  if ! is_installed krb5-config; then
    command -v debconf-set-selections >/dev/null &&
      as_root debconf-set-selections <<'EOF'
krb5-config krb5-config/default_realm string KTP.INVALID
krb5-config krb5-config/add_servers_realm string KTP.INVALID
krb5-config krb5-config/add_servers boolean false
krb5-config krb5-config/read_conf boolean true
krb5-config krb5-config/kerberos_servers string
krb5-config krb5-config/admin_server string
krb5-kdc krb5-kdc/debconf boolean false
krb5-admin-server krb5-admin-server/newrealm note
samba-common samba-common/dhcp boolean false
samba-common samba-common/workgroup string WORKGROUP
EOF
  fi
  # openjdk's postinst registers man pages with update-alternatives, which fails on images
  # that ship without /usr/share/man (docker's debian:*-slim).
  as_root mkdir -p /usr/share/man/man1
  apt_update_once
  if [ ${#missing[@]} -gt 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  fi
  if [ "$samba_ok" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      -t bookworm-backports "${SAMBA_PACKAGES[@]}"
  fi
  for p in "${PACKAGES[@]}" "${SAMBA_PACKAGES[@]}"; do is_installed "$p" || die "package $p did not install"; done
  samba_recent || die "samba $(dpkg-query -W -f='${Version}' samba) is older than $SAMBA_MIN (bookworm-backports)"
  # A Samba upgrade can leave the system's smbd/samba service enabled: the tests start
  # private instances on loopback, never the system one.
  for p in samba samba-ad-dc smbd nmbd winbind; do
    as_root systemctl disable --now "$p" >/dev/null 2>&1 || true
  done
  # policy-rc.d keeps apache2's postinst from starting the system service; should one run
  # anyway (a policy-rc.d that allowed it), stop it: the tests start private instances.
  case " ${missing[*]} " in
  *" apache2 "*)
    if [ -s /run/apache2/apache2.pid ] && kill -0 "$(cat /run/apache2/apache2.pid)" 2>/dev/null; then
      log "stopping the system apache2 the package installation started"
      as_root apache2ctl stop || true
    fi
    ;;
  esac
  log "apt packages installed"
}

# The closure of the root packages' dependencies restricted to Heimdal's own packages
# (everything else they need, libc, libedit, sqlite, ..., is ordinary and installed as a
# dependency if missing).
heimdal_closure() {
  local queue=("${HEIMDAL_ROOT_PACKAGES[@]}") seen=" " p dep
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    case $seen in *" $p "*) continue ;; esac
    seen="$seen$p "
    echo "$p"
    # "Depends: x" lines; "|Depends:" starts an alternative group whose first member we take.
    for dep in $(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "$p" 2>/dev/null | sed -n 's/^ *|\{0,1\}Depends: \([^ <>]*\)$/\1/p'); do
      case $dep in
      *heimdal*) queue+=("$dep") ;;
      *) echo "dep:$dep" ;;
      esac
    done
  done
}

candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p'; }

# The extracted servers start (their libraries resolve): heimdal-kdc.sh needs kdc and kpasswdd.
heimdal_servers_run() {
  local lib
  lib=$(dirname -- "$(find "$HEIMDAL_DIR/usr/lib" -name 'libkdc.so.2' -print -quit 2>/dev/null)")
  [ -e "$lib/libkdc.so.2" ] &&
    LD_LIBRARY_PATH=$lib "$HEIMDAL_DIR/usr/lib/heimdal-servers/kdc" --version >/dev/null 2>&1 &&
    LD_LIBRARY_PATH=$lib "$HEIMDAL_DIR/usr/lib/heimdal-servers/kpasswdd" --version >/dev/null 2>&1
}

extract_heimdal() {
  local version stamp="" pkgs=() others=() line tmp f missing=() root
  for root in "${HEIMDAL_ROOT_PACKAGES[@]}"; do
    version=$(candidate "$root")
    if [ -z "$version" ] || [ "$version" = "(none)" ]; then
      apt_update_once
      version=$(candidate "$root")
    fi
    if [ -z "$version" ] || [ "$version" = "(none)" ]; then die "no candidate for $root in the apt sources"; fi
    stamp="$stamp$root=$version "
  done
  stamp="${stamp}arch=$(dpkg --print-architecture)"
  if [ -f "$HEIMDAL_DIR/.ktp-extracted" ] && [ "$(cat "$HEIMDAL_DIR/.ktp-extracted")" = "$stamp" ] &&
    "$HERE/heimdal-ktutil" --version >/dev/null 2>&1 && heimdal_servers_run; then
    log "Heimdal $version already extracted in $HEIMDAL_DIR"
    return 0
  fi
  while read -r line; do
    case $line in
    dep:*) others+=("${line#dep:}") ;;
    *) pkgs+=("$line") ;;
    esac
  done < <(heimdal_closure)
  log "Heimdal packages to extract (${#pkgs[@]}): ${pkgs[*]}"
  # Non-Heimdal libraries the Heimdal binaries link against: install those missing.
  for line in $(printf '%s\n' "${others[@]}" | sort -u); do
    case $line in
    krb5-config | debconf | cdebconf | dpkg | install-info | *debconf*) continue ;;
    # heimdal-kdc's "inet-superserver" (kpasswdd/kadmind from inetd on an installed
    # system): heimdal-kdc.sh starts the daemons itself, and no inetd may be installed.
    openbsd-inetd | inetutils-inetd | rlinetd | xinetd) continue ;;
    esac
    is_installed "$line" || missing+=("$line")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing libraries Heimdal's tools need: ${missing[*]}"
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  # apt-get download runs its fetcher as _apt: let it write into the folder.
  if id _apt >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then chown _apt "$tmp"; fi
  (cd "$tmp" && apt-get download -q "${pkgs[@]}") >&2 ||
    { apt_update_once; (cd "$tmp" && apt-get download -q "${pkgs[@]}") >&2; } ||
    die "apt-get download of the Heimdal packages failed"
  rm -rf -- "$HEIMDAL_DIR"
  mkdir -p "$HEIMDAL_DIR"
  for f in "$tmp"/*.deb; do dpkg -x "$f" "$HEIMDAL_DIR"; done
  rm -rf -- "$tmp"
  echo "$stamp" >"$HEIMDAL_DIR/.ktp-extracted"
  # If run through sudo, give the folder back to the user who owns the checkout.
  if [ -n "${SUDO_UID:-}" ] && [ "$(id -u)" = 0 ]; then
    chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$REPO/test/.work" 2>/dev/null || true
  fi
  "$HERE/heimdal-ktutil" --version >/dev/null 2>&1 || die "the extracted ktutil does not run"
  heimdal_servers_run || die "the extracted kdc or kpasswdd does not run"
  log "Heimdal $version extracted into $HEIMDAL_DIR"
}

verify() {
  local tmp out
  tmp=$(mktemp -d)
  printf '[libdefaults]\n    default_realm = EXAMPLE.COM\n    dns_lookup_kdc = false\n    dns_lookup_realm = false\n' >"$tmp/krb5.conf"
  KRB5_CONFIG="$tmp/krb5.conf" "$HERE/heimdal-ktutil" -k "$tmp/x.keytab" add -p user@EXAMPLE.COM -V 1 \
    -e aes256-cts-hmac-sha1-96 -w password
  out=$(KRB5_CONFIG="$tmp/krb5.conf" "$HERE/heimdal-ktutil" -k "$tmp/x.keytab" list --keys)
  rm -rf -- "$tmp"
  # Key of "password" salted EXAMPLE.COMuser (RFC 3962 style derivation).
  case $out in
  *511ccb9e22d7d454919b07228c4cee55c6f8137d6c221534ed446aa2d7a4e864*) ;;
  *) printf '%s\n' "$out" >&2; die "heimdal-ktutil self-test: unexpected key" ;;
  esac
  for tool in kinit klist ktutil kvno kdb5_util krb5kdc kadmind kadmin.local samba samba-tool \
    samba_spnupdate ldapsearch openssl hyperfine faketime ss flock setsid apache2 curl java javac; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing"
  done
  [ -f /usr/lib/apache2/modules/mod_auth_gssapi.so ] || die "mod_auth_gssapi.so is still missing"
  heimdal_servers_run || die "the extracted Heimdal kdc or kpasswdd does not run"
  log "Samba $(dpkg-query -W -f='${Version}' samba) (>= $SAMBA_MIN)"
  log "self-test passed: MIT, Samba, LDAP, Apache, curl and JDK tools present; heimdal-ktutil, Heimdal's kdc and kpasswdd work"
}

if [ "${KTP_SKIP_APT:-0}" != 1 ]; then install_packages; fi
extract_heimdal
verify
