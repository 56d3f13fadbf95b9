#!/usr/bin/env bash
# Installs the Debian packages the demo and tests run for real, when their command is missing:
#   prometheus (metrics store), chromium (end-to-end tests), docker-compose (validates docker-compose.yml);
#   redis-server (a real opaque-TCP peer in the proxy's integration tests);
#   nginx, wrk, nghttp2-client (h2load), haproxy: the peers and load generators of `npm run bench`;
#   iproute2 (ip netns), iptables: the proxy's transparent-interception test (a netns with nat REDIRECT rules).
# Usage: scripts/ensure-system.sh prometheus chromium docker-compose
set -euo pipefail

declare -A command_of=([prometheus]=prometheus [chromium]=chromium [docker-compose]=docker-compose
  [redis-server]=redis-server [nginx]=nginx [wrk]=wrk [nghttp2-client]=h2load [haproxy]=haproxy
  [iproute2]=ip [iptables]=iptables)
declare -A flags_of=([prometheus]=--no-install-recommends [docker-compose]=--no-install-recommends [chromium]=
  [nginx]=--no-install-recommends [wrk]=--no-install-recommends [nghttp2-client]=--no-install-recommends
  [haproxy]=--no-install-recommends [redis-server]=--no-install-recommends
  [iproute2]=--no-install-recommends [iptables]=--no-install-recommends)

missing=()
for pkg in "$@"; do
  cmd=${command_of[$pkg]:?unknown package $pkg}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"
else
  echo "error: ${missing[*]} missing and not root (no sudo): run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get update -q -o DPkg::Lock::Timeout=300 >/dev/null; then
  echo "error: apt-get update failed; install ${missing[*]} by hand (apt-get install -y ${missing[*]})" >&2
  exit 1
fi
for pkg in "${missing[@]}"; do
  # chromium keeps its Recommends: they bring the fonts screenshots need.
  if ! $sudo apt-get install -y -q -o DPkg::Lock::Timeout=300 ${flags_of[$pkg]} "$pkg" >/dev/null; then
    echo "error: apt-get install $pkg failed; the ${pkg} command is needed (see README: Requirements)" >&2
    exit 1
  fi
done
