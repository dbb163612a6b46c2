#!/usr/bin/env bash
# Regenerate lib/api/schema.d.ts from the backend's OpenAPI document.
#   bash scripts/gen-api-types.sh          # rewrite the file
#   bash scripts/gen-api-types.sh --check  # fail if the committed file differs (CI drift check)
# The schema comes straight from create_app().openapi(), so no server has to run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
py="${VENOM_PYTHON:-$root/.venv/bin/python}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && VENOM_DATA_DIR="$tmp/data" PYTHONPATH="$root" "$py" -c \
  "import json; from venom_core.main import create_app; print(json.dumps(create_app().openapi(), indent=1, sort_keys=True))") \
  > "$tmp/openapi.json"
"$here/node_modules/.bin/openapi-typescript" "$tmp/openapi.json" -o "$tmp/schema.d.ts" --alphabetize >/dev/null
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -u "$here/lib/api/schema.d.ts" "$tmp/schema.d.ts" > "$tmp/drift.diff"; then
    head -n 60 "$tmp/drift.diff" >&2
    echo "API types drifted from the backend's OpenAPI. Run: npm --prefix web-next run codegen:api-types" >&2
    exit 1
  fi
  echo "API types match the backend's OpenAPI."
else
  cp "$tmp/schema.d.ts" "$here/lib/api/schema.d.ts"
  echo "wrote lib/api/schema.d.ts"
fi
