#!/usr/bin/env bash
# The web UI's CI step, runnable on a fresh machine (called by `make test-web`):
# Chromium from Debian if missing, npm ci, lint (eslint + tsc + locale parity), the OpenAPI type
# drift check, the standalone build and the Playwright e2e suite against the real backend.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1

if [[ ! -x /usr/bin/chromium ]]; then
  echo "== installing chromium from apt"
  sudo_cmd=""
  [[ "$(id -u)" != "0" ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

step() { echo "== $1 ($(date -u +%T))"; }
step "npm ci"
npm ci --no-audit --no-fund --loglevel=error
step "lint"
npm run --silent lint
step "api type drift"
npm run --silent check:api-drift
step "build (standalone)"
npm run --silent build
step "e2e (Playwright, real backend, /usr/bin/chromium)"
npm run --silent test:e2e
step "done"
