#!/usr/bin/env bash
# Release step: points every `uses:` of this repository's actions and reusable workflows
# (pr-snapshots/pr-snapshots/...@<ref>) in .github/workflows and examples at the release commit's
# full SHA, with the tag in a comment:
#     uses: pr-snapshots/pr-snapshots/actions/restore-snapshot@<40-hex sha> # v1.4.0
# A tag can be moved later; a SHA cannot. So a caller that pins a reusable workflow to a commit
# runs exactly the actions of that commit, not whatever a tag points to by then.
#
#   scripts/pin-refs.sh v1.4.0            # the release commit: this checkout's HEAD
#   scripts/pin-refs.sh v1.4.0 <sha>      # or another commit, given in full
#
# The release then commits the rewritten files on top of <sha> and tags that commit (the actions'
# code is the same in both: only workflow files differ). test/workflows/pin-refs.test.ts checks
# that a tree pinned this way references no moving ref at all.
set -euo pipefail
tag="${1:?usage: scripts/pin-refs.sh <tag> [<commit sha>]}"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sha="${2:-$(git -C "$root" rev-parse HEAD)}"
if [[ ! "$tag" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "pin-refs: \"$tag\" is not a valid tag name (letters, digits, . _ -)" >&2
  exit 2
fi
if [[ ! "$sha" =~ ^[0-9a-f]{40}$ ]]; then
  echo "pin-refs: \"$sha\" is not a full commit SHA (40 lower-case hex digits)" >&2
  exit 2
fi
count=0
while IFS= read -r -d '' file; do
  if grep -qE '^[[:space:]-]*uses:[[:space:]]*["'\'']?pr-snapshots/pr-snapshots/[^@[:space:]]+@' "$file"; then
    # The ref, an optional closing quote, and any trailing comment are replaced.
    sed -E -i "s#^([[:space:]-]*uses:[[:space:]]*)[\"']?(pr-snapshots/pr-snapshots/[^@[:space:]\"']+)@[^[:space:]\"'\#]+[\"']?([[:space:]]*\#.*)?\$#\\1\\2@${sha} \# ${tag}#" "$file"
    count=$((count + 1))
  fi
done < <(find "$root/.github/workflows" "$root/examples" -name '*.yml' -print0)
echo "pin-refs: pointed the pr-snapshots references in $count file(s) at ${sha} (${tag})"
