#!/usr/bin/env bash
# Builds one bundle with ncc into ./dist (run from the package's folder):
#   bash ../../scripts/build-bundle.sh src/main.ts
# Licences are collected from ncc's module stats (scripts/licenses.mjs): ncc's own --license
# output misses every package that is only in the main chunk once the bundle has lazy chunks.
# Lazy chunks are renumbered from their content (scripts/stable-chunk-ids.mjs): webpack's ids
# for them vary between builds of the same sources.
set -euo pipefail
entry="${1:?usage: build-bundle.sh <entry.ts>}"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stats=$(mktemp "${TMPDIR:-/tmp}/ncc-stats.XXXXXX.json")
trap 'rm -f "$stats"' EXIT
rm -rf dist
"$root/node_modules/.bin/ncc" build "$entry" --out dist --transpile-only --quiet --stats-out "$stats"
node "$root/scripts/licenses.mjs" "$stats" dist/licenses.txt
node "$root/scripts/stable-chunk-ids.mjs" dist
