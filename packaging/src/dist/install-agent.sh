#!/bin/sh
# install-agent.sh: installs the apim-fleet agent on a host without dpkg. The distribution (this
# tarball's, or this folder's) goes into --prefix, the agent's state into --state (inside the prefix
# by default); the one file written outside them is the systemd unit, in --unit-dir.
#
#   install-agent.sh [--prefix DIR] [--state DIR] [--user NAME] [--unit-dir DIR] [TARBALL]
#
# --prefix DIR    where bin/ and lib/ go (default /opt/apim-fleet); an upgrade replaces them, nothing else
# --state DIR     the agent's state directory (default PREFIX/state), 0700, given to --user; kept on upgrade
# --user NAME     the existing account the service runs as (default apim-fleet-agent; this script creates
#                 no account: useradd --system --user-group --no-create-home --shell /usr/sbin/nologin apim-fleet-agent)
# --unit-dir DIR  where apim-fleet-agent.service is written (default $FLEET_UNIT_DIR, else /etc/systemd/system)
# TARBALL         apim-fleet-VERSION.tar.gz (default: the distribution this script is part of)
set -eu

usage() { sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "install-agent.sh: $*" >&2; exit 1; }

prefix=/opt/apim-fleet
state=
user=apim-fleet-agent
unit_dir=${FLEET_UNIT_DIR:-/etc/systemd/system}
tarball=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
    --state) [ $# -ge 2 ] || usage; state=$2; shift 2 ;;
    --user) [ $# -ge 2 ] || usage; user=$2; shift 2 ;;
    --unit-dir) [ $# -ge 2 ] || usage; unit_dir=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "install-agent.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$tarball" ] || usage; tarball=$1; shift ;;
  esac
done
case "$prefix" in /*) ;; *) fail "--prefix must be an absolute path: $prefix" ;; esac
: "${state:=$prefix/state}"
case "$state" in /*) ;; *) fail "--state must be an absolute path: $state" ;; esac
id "$user" >/dev/null 2>&1 || fail "no account '$user': create it first (useradd --system --user-group --no-create-home --shell /usr/sbin/nologin $user) or name another with --user"
group=$(id -gn "$user")

# The new bin/ and lib/ are unpacked beside the old ones first, then swapped in: a failed unpack changes nothing.
mkdir -p "$prefix"
staging=$(mktemp -d "$prefix/.install.XXXXXX")
trap 'rm -rf "$staging"' EXIT
if [ -n "$tarball" ]; then
  [ -f "$tarball" ] || fail "no such tarball: $tarball"
  tar -xzf "$tarball" -C "$staging" --strip-components=1 || fail "cannot unpack $tarball"
else
  source=$(cd "$(dirname "$(readlink -f "$0")")" && pwd -P)
  [ "$source" != "$(cd "$prefix" && pwd -P)" ] || fail "this script already runs from $prefix: give the tarball to upgrade"
  cp -R "$source/bin" "$source/lib" "$staging/"
  [ ! -d "$source/examples" ] || cp -R "$source/examples" "$staging/"
fi
[ -x "$staging/bin/fleet-agent" ] && [ -d "$staging/lib" ] || fail "${tarball:-the source} holds no apim-fleet distribution (bin/fleet-agent, lib/)"
for part in bin lib examples; do
  [ -e "$staging/$part" ] || continue
  rm -rf "$prefix/$part.old"
  [ ! -e "$prefix/$part" ] || mv "$prefix/$part" "$prefix/$part.old"
  mv "$staging/$part" "$prefix/$part"
  rm -rf "$prefix/$part.old"
done
cp "$staging/install-agent.sh" "$prefix/install-agent.sh" 2>/dev/null || true

# State: the service user's, 0700 (join run as root writes its files as that user).
if [ ! -d "$state" ]; then
  mkdir -p "$state"
  chown "$user:$group" "$state"
fi
chmod 0700 "$state"

mkdir -p "$prefix/etc"
if [ ! -f "$prefix/etc/agent.env" ]; then
  cat > "$prefix/etc/agent.env" <<'ENV'
# Environment of the apim-fleet-agent service (systemd EnvironmentFile syntax: NAME=value).
# Extra options of `fleet-agent run`, e.g. --home /opt/wso2am-2.2.0 or --metrics-port 9464.
FLEET_AGENT_OPTS=
#FLEET_JAVA_OPTS=
#JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
ENV
fi

mkdir -p "$unit_dir"
unit="$unit_dir/apim-fleet-agent.service"
cat > "$unit.tmp" <<UNIT
# Written by $prefix/install-agent.sh. Join first:
#   $prefix/bin/fleet-agent join --state $state --controller https://CONTROLLER:7443 --node NAME --token ID.SECRET --ca-hash sha256:HEX
[Unit]
Description=apim-fleet agent (host side of the WSO2 API-M fleet manager)
After=network-online.target
Wants=network-online.target
ConditionPathExists=$state/identity/agent.crt

[Service]
Type=simple
User=$user
Group=$group
EnvironmentFile=-$prefix/etc/agent.env
ExecStart=$prefix/bin/fleet-agent run --state $state \$FLEET_AGENT_OPTS
KillMode=process
Restart=on-failure
RestartSec=5s
SuccessExitStatus=143
UMask=0077
StandardOutput=journal
StandardError=journal

[Install]
WantedBy=multi-user.target
UNIT
chmod 0644 "$unit.tmp"
mv "$unit.tmp" "$unit"
if [ -d /run/systemd/system ] && [ "$unit_dir" = /etc/systemd/system ]; then
  systemctl daemon-reload || true
fi

echo "installed $("$prefix/bin/fleet-agent" --version 2>/dev/null || echo fleet-agent) in $prefix; state $state (user $user); unit $unit"
echo "next: $prefix/bin/fleet-agent join --state $state --controller https://CONTROLLER:7443 --node NAME --token ID.SECRET --ca-hash sha256:HEX"
echo "then: systemctl enable --now apim-fleet-agent"
