#!/usr/bin/env bash
# Regenerates build/hot-functions.txt, the order in which build.rs has the linker lay out the
# release binary's functions: those that representative stdio sessions run first, the busiest
# at the front, so a session's code sits in as few pages as possible (see build.rs and
# docs/performance.md). Run it after changing dependencies, the compiler or the package
# version, which rename the symbols; then rebuild. Needs valgrind (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends valgrind \
    || { apt-get update && apt-get install -y --no-install-recommends valgrind; }
fi

cargo build --release --locked
bin="$PWD/target/release/relationship-ladder"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grind() {
  local kind="$1"
  RELATIONSHIP_LADDER_DB="$work/store.db" python3 scripts/hot_functions.py "$kind" \
    valgrind --tool=callgrind --demangle=no --log-file="$work/$kind.log.%p" \
      --callgrind-out-file="$work/$kind.%p" "$bin" serve
}
grind engine
grind store
python3 scripts/hot_functions.py order "$bin" build/hot-functions.txt \
  "$work"/engine.[0-9]* -- "$work"/store.[0-9]*
echo "written: build/hot-functions.txt; rebuild (cargo build --release) to lay the binary out"
