#!/usr/bin/env bash
# The web unit tests under c8, ending with its text summary (hack/test.sh reads the last `Lines :`).
# Two node:test runs, each printing its own `# pass` / `# fail`:
# - test/*.test.ts (pure lib pieces, the web server) on Node as the server runs in production;
# - test/store/*.test.ts with `--conditions=browser`: in Node, `solid-js` resolves to its server
#   build, where effects and memos never re-run; the store needs the reactive (browser) build.
# Compiled to .unit/dist, not test/dist, which e2e/run-all would run again without that condition.
set -uo pipefail
cd "$(dirname "$0")/.."
# test/dist is where these were compiled before: run-all would run stale copies found there.
rm -rf .unit test/dist
tsc -p test || exit 1
c8 --all --include '.unit/dist/src/**' --include '.unit/dist/server/**' --exclude '**/*.test.*' \
  --reporter=text-summary bash -c '
    node --test $(find .unit/dist/test -maxdepth 1 -name "*.test.js" | sort); plain=$?
    node --conditions=browser --test --test-concurrency=1 $(find .unit/dist/test/store -name "*.test.js" | sort); store=$?
    [ "$plain" -eq 0 ] && [ "$store" -eq 0 ]'
