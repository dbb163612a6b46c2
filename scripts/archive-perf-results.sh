#!/usr/bin/env bash
# Save perf-artifacts/ (Playwright reports, pytest and Locust results) into a dated archive:
#   perf-archive/perf-results-<UTC stamp>.tar.gz   (PERF_ARCHIVE_DIR overrides the folder)
# Prints the archive path; exits 1 with a clear message when there is nothing to archive.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${PERF_ARTIFACTS_DIR:-perf-artifacts}"
dest="${PERF_ARCHIVE_DIR:-perf-archive}"
if [ ! -d "$src" ] || [ -z "$(find "$src" -type f -print -quit)" ]; then
  echo "archive-perf-results: nothing to archive ($src/ is missing or empty)" >&2
  exit 1
fi
mkdir -p "$dest"
archive="$dest/perf-results-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
tar -czf "$archive" "$src"
echo "$archive ($(find "$src" -type f | wc -l) files)"
