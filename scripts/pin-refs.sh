#!/usr/bin/env bash
# Release step: points every reference to this repository's actions and reusable workflows
# (pr-snapshots/pr-snapshots/...@<ref>) in .github/workflows and examples at one ref, so that a
# workflow pinned to a release tag (or that tag's commit SHA) runs the actions of that release.
#   scripts/pin-refs.sh v1.4.0
set -euo pipefail
ref="${1:?usage: scripts/pin-refs.sh <tag-or-sha>}"
if [[ ! "$ref" =~ ^[A-Za-z0-9._/-]+$ ]]; then
  echo "pin-refs: \"$ref\" is not a valid git ref" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
count=0
while IFS= read -r -d '' file; do
  if grep -qE 'pr-snapshots/pr-snapshots/[^@[:space:]]+@' "$file"; then
    sed -E -i "s#(pr-snapshots/pr-snapshots/[^@[:space:]]+)@[^[:space:]\"']+#\\1@${ref}#g" "$file"
    count=$((count + 1))
  fi
done < <(find "$root/.github/workflows" "$root/examples" -name '*.yml' -print0)
echo "pin-refs: pointed the pr-snapshots references in $count file(s) at @$ref"
