#!/usr/bin/env bash
# Guard and tag computation for .github/workflows/docker-publish.yml (kept here so it is testable).
#
# Publishing happens only on purpose:
#   - push of a tag:        strict semver vMAJOR.MINOR.PATCH, and the tagged commit must be in
#                           main's history  -> tags sha-<short>, <tag>, latest
#   - workflow_dispatch:    confirm_publish=true and run from main
#                           -> tags sha-<short>, optional <custom_tag>, optional latest
# Anything else fails with a GitHub `::error::` line and exit code 1.
#
# Inputs (environment): EVENT_NAME, REF (github.ref), SHA, CONFIRM_PUBLISH, CUSTOM_TAG, PUSH_LATEST,
# IMAGE_PREFIX (default ghcr.io/mpieniak01), MAIN_REF (default origin/main), GITHUB_OUTPUT (optional).
# Outputs (to $GITHUB_OUTPUT, else stdout): tags, tags_backend, tags_frontend (newline-separated).
set -euo pipefail

fail() { echo "::error::publish refused: $*" >&2; exit 1; }

EVENT_NAME="${EVENT_NAME:?EVENT_NAME is required}"
REF="${REF:?REF is required}"
SHA="${SHA:?SHA is required}"
CONFIRM_PUBLISH="${CONFIRM_PUBLISH:-false}"
CUSTOM_TAG="${CUSTOM_TAG:-}"
PUSH_LATEST="${PUSH_LATEST:-false}"
IMAGE_PREFIX="${IMAGE_PREFIX:-ghcr.io/mpieniak01}"
MAIN_REF="${MAIN_REF:-origin/main}"

[[ "$SHA" =~ ^[0-9a-f]{7,40}$ ]] || fail "SHA '$SHA' is not a commit id"
tags=("sha-${SHA:0:7}")

case "$EVENT_NAME" in
  push)
    [[ "$REF" == refs/tags/* ]] || fail "a push publishes only tags (got $REF)"
    tag="${REF#refs/tags/}"
    [[ "$tag" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
      || fail "tag '$tag' is not a strict semver tag vMAJOR.MINOR.PATCH"
    git rev-parse --verify --quiet "$MAIN_REF^{commit}" >/dev/null \
      || fail "cannot find $MAIN_REF to check the tag's ancestry (fetch main with full history)"
    git merge-base --is-ancestor "$SHA" "$MAIN_REF" \
      || fail "tag '$tag' points at ${SHA:0:7}, which is not in the history of main"
    tags+=("$tag" "latest")
    ;;
  workflow_dispatch)
    [[ "$CONFIRM_PUBLISH" == "true" ]] || fail "manual publish needs confirm_publish=true"
    [[ "$REF" == "refs/heads/main" ]] || fail "manual publish is allowed only from main (got $REF)"
    if [[ -n "$CUSTOM_TAG" ]]; then
      [[ "$CUSTOM_TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] \
        || fail "custom_tag '$CUSTOM_TAG' is not a valid image tag"
      [[ "$CUSTOM_TAG" != "latest" ]] || fail "use push_latest=true instead of custom_tag=latest"
      tags+=("$CUSTOM_TAG")
    fi
    [[ "$PUSH_LATEST" == "true" ]] && tags+=("latest")
    ;;
  *)
    fail "event '$EVENT_NAME' never publishes"
    ;;
esac

emit() {
  local name="$1"; shift
  local delim
  delim="EOF_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s<<%s\n' "$name" "$delim"
  printf '%s\n' "$@"
  printf '%s\n' "$delim"
}
backend=(); frontend=()
for t in "${tags[@]}"; do
  backend+=("$IMAGE_PREFIX/venom-backend:$t")
  frontend+=("$IMAGE_PREFIX/venom-frontend:$t")
done
{
  emit tags "${tags[@]}"
  emit tags_backend "${backend[@]}"
  emit tags_frontend "${frontend[@]}"
} >> "${GITHUB_OUTPUT:-/dev/stdout}"
echo "publish allowed: ${tags[*]}" >&2
