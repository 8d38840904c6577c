#!/usr/bin/env bash
# `make test`: installs what the tests need, builds, runs every workspace's tests in turn and
# closes with one line "N passed, N failed" summed over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
export CONVERGE_ROOT=$PWD
results=$PWD/.test-results
rm -rf "$results"; mkdir -p "$results"
t0=$(date +%s)

step() { echo; echo "== $*"; }
fail_setup() { echo "setup failed: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# node:test's TAP reporter for every suite: the totals below are read from its `# pass N` / `# fail N`
# lines (since Node 23 the default reporter is `spec` even when the output is not a terminal).
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--test-reporter=tap"

step "dependencies"
# make puts the repo's pinned Node first on PATH (hack/node.sh); a run on another Node is refused.
echo "node $(node --version), npm $(npm --version)"
case "$(node --version)" in v24.*) ;; *) fail_setup "Node 24 expected on PATH, got $(node --version): run make test" ;; esac
bash hack/deps.sh || fail_setup "npm ci"
bash hack/backends.sh || fail_setup "PostgreSQL/Redis/NATS"
[ -x web/scripts/ensure-chromium.sh ] && { bash web/scripts/ensure-chromium.sh || fail_setup "chromium"; }
# The Go-built tools (hack/tools/install.sh) join here with the first test that uses them (issue 6).

step "build"
bash hack/build.sh || fail_setup "build"

# Workspaces in dependency order; each `npm test` prints node:test's TAP and c8's coverage summary.
mapfile -t workspaces < <(node -p "require('./package.json').workspaces.join('\\n')")
passed=0; failed=0; broken=()
summary=()
for ws in "${workspaces[@]}"; do
  [ -f "$ws/package.json" ] && [ -d "$ws/src" ] || continue
  node -e "process.exit(require('./$ws/package.json').scripts?.test ? 0 : 1)" || continue
  name=${ws//\//-}
  step "test $ws"
  s0=$(date +%s)
  npm test --silent -w "$ws" 2>&1 | tee "$results/$name.log"
  rc=${PIPESTATUS[0]}
  p=$(grep -E '^# pass [0-9]+' "$results/$name.log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail [0-9]+' "$results/$name.log" | awk '{s+=$3} END {print s+0}')
  cov=$(grep -E '^Lines +:' "$results/$name.log" | tail -1 | sed -E 's/^Lines +: +//; s/ .*//')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; broken+=("$ws (exit $rc)"); fi
  passed=$((passed + p)); failed=$((failed + f))
  summary+=("$(printf '%-20s %5s passed %4s failed   lines %-7s %4ss' "$ws" "$p" "$f" "${cov:-n/a}" "$(( $(date +%s) - s0 ))")")
done

step "summary ($(( $(date +%s) - t0 ))s)"
printf '%s\n' "${summary[@]}"
[ ${#broken[@]} -eq 0 ] || printf 'exited non-zero without a failing test: %s\n' "${broken[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
