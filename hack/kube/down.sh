#!/usr/bin/env bash
# Stops what hack/kube/up.sh DIR started, by the PIDs it recorded: TERM, then KILL after 10 s.
set -uo pipefail
dir=${1:?usage: down.sh DIR}
[ -f "$dir/pids" ] || exit 0
mapfile -t entries < <(tac "$dir/pids") # reverse start order: kwok first, etcd last
for e in "${entries[@]}"; do kill -TERM "${e#* }" 2>/dev/null; done
for _ in $(seq 1 100); do
  alive=0
  for e in "${entries[@]}"; do kill -0 "${e#* }" 2>/dev/null && alive=1; done
  [ $alive -eq 0 ] && break
  sleep 0.1
done
for e in "${entries[@]}"; do kill -KILL "${e#* }" 2>/dev/null; done
# SIGKILL is not instant either: wait until each is gone (or a zombie left to its reaper).
running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
for _ in $(seq 1 100); do
  alive=0
  for e in "${entries[@]}"; do running "${e#* }" && alive=1; done
  [ $alive -eq 0 ] && break
  sleep 0.1
done
: >"$dir/pids"
exit 0
