#!/usr/bin/env bash
# Installs npm dependencies from the lockfile, once per lockfile content (fast when already present).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.converge-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "deps: npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
