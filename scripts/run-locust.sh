#!/usr/bin/env bash
# Locust against a running Venom on LOOPBACK only (tests/perf/locustfile.py).
#
#   scripts/run-locust.sh               the Locust panel on http://127.0.0.1:8089; start the scenario there
#   scripts/run-locust.sh --headless    50 users, spawn 10/s, 60 s; CSV + HTML in perf-artifacts/locust/<stamp>/
#
# Environment: LOCUST_HOST (http://127.0.0.1:8000), LOCUST_USERS (50), LOCUST_SPAWN_RATE (10),
# LOCUST_RUN_TIME (60s), LOCUST_WEB_PORT (8089), LOCUST_OUT (results folder), LOCUST_FORCED_INTENT,
# LOCUST_TIMEOUT, VENOM_API_TOKEN.
# The server runs at default settings: the local owner is not rate limited, so 50 users on loopback
# measure the server, not the limiter.
# Locust runs as its own process: it must never share one with lancedb.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${LOCUST_HOST:-http://127.0.0.1:8000}"
hostpart="${HOST#*://}"; hostpart="${hostpart%%/*}"
case "$hostpart" in
  127.*|localhost|localhost:*|\[::1\]|\[::1\]:*) ;;
  *) echo "run-locust: refusing $HOST: load tests target only loopback (127.0.0.0/8, localhost, [::1])" >&2
     exit 2 ;;
esac
LOCUST="${LOCUST:-.venv/bin/locust}"
[ -x "$LOCUST" ] || LOCUST=locust
if ! curl -fsS -o /dev/null --max-time 3 "$HOST/healthz"; then
  echo "run-locust: no Venom answers $HOST/healthz; start it first (make start-prod)" >&2
  exit 2
fi
args=(-f tests/perf/locustfile.py --host "$HOST")
if [ "${1:-}" = "--headless" ] || [ "${LOCUST_HEADLESS:-0}" = "1" ]; then
  out="${LOCUST_OUT:-perf-artifacts/locust/$(date -u +%Y%m%dT%H%M%SZ)}"
  mkdir -p "$out"
  echo "Locust headless: ${LOCUST_USERS:-50} users for ${LOCUST_RUN_TIME:-60s} against $HOST -> $out/"
  exec "$LOCUST" "${args[@]}" --headless --users "${LOCUST_USERS:-50}" --spawn-rate "${LOCUST_SPAWN_RATE:-10}" \
    --run-time "${LOCUST_RUN_TIME:-60s}" --stop-timeout 30 --csv "$out/locust" --html "$out/report.html" \
    --only-summary --exit-code-on-error 1
fi
echo "Locust panel: http://127.0.0.1:${LOCUST_WEB_PORT:-8089} (target $HOST)"
exec "$LOCUST" "${args[@]}" --web-host 127.0.0.1 --web-port "${LOCUST_WEB_PORT:-8089}"
