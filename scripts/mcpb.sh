#!/usr/bin/env bash
# Validates manifest.json with the MCP Bundle CLI and, with `pack`, builds the Claude Desktop
# bundle for this machine's platform: target/relationship-ladder.mcpb.
#
# The CLI (npm @anthropic-ai/mcpb) is installed into target/mcpb-cli on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_DIR="target/mcpb-cli"
if [ ! -x "$CLI_DIR/node_modules/.bin/mcpb" ]; then
  mkdir -p "$CLI_DIR"
  (
    cd "$CLI_DIR"
    [ -f package.json ] || npm init -y >/dev/null
    npm install --no-audit --no-fund --loglevel=error @anthropic-ai/mcpb >/dev/null
  )
fi
MCPB="$PWD/$CLI_DIR/node_modules/.bin/mcpb"

"$MCPB" validate manifest.json

if [ "${1:-}" = pack ]; then
  cargo build --release --locked --quiet
  STAGE="target/mcpb-stage"
  rm -rf "$STAGE"
  mkdir -p "$STAGE/server"
  cp manifest.json LICENSE NOTICE README.md "$STAGE/"
  cp target/release/relationship-ladder "$STAGE/server/"
  "$MCPB" pack "$STAGE" target/relationship-ladder.mcpb
  echo "bundle: target/relationship-ladder.mcpb"
fi
