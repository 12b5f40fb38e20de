#!/usr/bin/env bash
# Rebuilds every bundle and fails when the committed dist/ differs from the rebuild:
# users run dist/, so it must always match the sources.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pnpm run build
# ':(glob)' so that ** reaches the files inside dist/ (a plain 'actions/*/dist' matches nothing there).
changes=$(git status --porcelain --untracked-files=all -- ':(glob)actions/*/dist/**' ':(glob)packages/*/dist/**')
if [[ -n "$changes" ]]; then
  echo "dist/ is out of date with the sources. Run 'pnpm build' and commit the result:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- ':(glob)actions/*/dist/**' ':(glob)packages/*/dist/**' >&2 || true
  exit 1
fi
echo "check-dist: every dist/ matches a fresh build"
