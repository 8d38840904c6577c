#!/usr/bin/env bash
# Builds every workspace that has sources, in the order of the root package.json (dependencies first).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t workspaces < <(node -p "require('./package.json').workspaces.join('\n')")
for ws in "${workspaces[@]}"; do
  [ -d "$ws/src" ] || continue
  node -e "process.exit(require('./$ws/package.json').scripts?.build ? 0 : 1)" || continue
  npm run build --silent -w "$ws"
done
