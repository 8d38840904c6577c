#!/usr/bin/env bash
# Stages what the runtime image holds of the repository (the Dockerfile's build stage runs it after the
# build and `npm ci --omit=dev`; node_modules at the root is copied by the Dockerfile as its own layer):
# the root package.json, and for the process's workspace and every workspace it depends on at run time
# (found from the package.json files, so a new packages/* needs no change here) its package.json, its
# build output (dist, and dist-* such as web's dist-server) and its own node_modules (npm nests a
# dependency there when the root holds another version). Compiled tests, test trees and fakes never ship.
#   usage: docker/runtime-files.sh <workspace dir> <output dir>
set -euo pipefail
ws=${1:?usage: runtime-files.sh <workspace dir, e.g. services/chat> <output dir>}
out=${2:?usage: runtime-files.sh <workspace dir> <output dir>}
cd "$(dirname "$0")/.."
[ -f "$ws/package.json" ] || { echo "runtime-files: $ws is not a workspace" >&2; exit 1; }

# The workspace and the workspaces in its production dependency closure (devDependencies such as
# @converge/testing are left out), as directories.
mapfile -t dirs < <(node -e '
  const root = require("./package.json");
  const dirOf = new Map(root.workspaces.map((d) => [require(`./${d}/package.json`).name, d]));
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const dep of Object.keys(require(`./${dir}/package.json`).dependencies ?? {})) {
      if (dirOf.has(dep)) visit(dirOf.get(dep));
    }
  };
  visit(process.argv[1].replace(/\/+$/, ""));
  console.log([...seen].join("\n"));
' "$ws")

mkdir -p "$out"
cp package.json "$out/"
for dir in "${dirs[@]}"; do
  mkdir -p "$out/$dir"
  cp "$dir/package.json" "$out/$dir/"
  for part in "$dir"/dist "$dir"/dist-* "$dir"/node_modules; do
    # dist-test/ is a package's build with its tests (tsconfig.test.json): never shipped.
    [ "${part##*/}" = dist-test ] && continue
    if [ -d "$part" ]; then cp -R "$part" "$out/$dir/"; fi
  done
done

# Outside node_modules: no compiled tests (dist/test, *.test.*), no test doubles (*.fakes.*), no tsc state.
find "$out" -name node_modules -prune -o -type d -path '*/dist/test' -prune -exec rm -rf {} +
find "$out" -name node_modules -prune -o -type f \( -name '*.test.*' -o -name '*.fakes.*' -o -name '*.tsbuildinfo' \) -exec rm -f {} +
