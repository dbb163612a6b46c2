#!/usr/bin/env bash
# Install the web-next npm packages, only when node_modules is missing or older than package.json /
# package-lock.json. Says clearly when the UI is absent instead of failing: the backend still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f web-next/package.json ]; then
  echo "UI missing: web-next/package.json not found; skipping the npm install (the backend runs alone)."
  exit 0
fi
stamp=web-next/node_modules/.package-lock.json
if [ -f "$stamp" ] && [ "$stamp" -nt web-next/package.json ] \
   && { [ ! -f web-next/package-lock.json ] || [ "$stamp" -nt web-next/package-lock.json ]; }; then
  exit 0
fi
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ -f web-next/package-lock.json ]; then
  echo "Installing the web-next packages (npm ci, exactly the lock file)..."
  npm --prefix web-next ci --no-audit --no-fund --loglevel=error
else
  echo "Installing the web-next packages (npm install)..."
  npm --prefix web-next install --no-audit --no-fund --loglevel=error
fi
