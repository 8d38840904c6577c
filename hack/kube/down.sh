#!/usr/bin/env bash
# Stops what hack/kube/up.sh DIR started, by the PIDs it recorded: TERM, then KILL after 10 s.
# etcd goes last, once the others are gone: on TERM the apiserver removes its own lease (and, with the
# lease reconciler, its endpoint) from etcd, and retries until it is killed when etcd is already down.
#   hack/kube/down.sh DIR
set -uo pipefail

# SIGKILL is not instant either: a process counts as gone once it is a zombie left to its reaper.
running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }

wait_gone() { # tenths-of-a-second pid...
  local tries=$1 pid alive
  shift
  for _ in $(seq 1 "$tries"); do
    alive=0
    for pid in "$@"; do running "$pid" && alive=1; done
    [ $alive -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}

stop() { # pid...
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null
  wait_gone 100 "$@" && return 0
  kill -KILL "$@" 2>/dev/null
  wait_gone 100 "$@"
}

main() {
  local dir=${1:?usage: down.sh DIR} name pid
  [ -f "$dir/pids" ] || return 0
  local first=() last=()
  while read -r name pid; do
    if [ "$name" = etcd ]; then last+=("$pid"); else first+=("$pid"); fi
  done < <(tac "$dir/pids") # reverse start order: kwok first
  stop "${first[@]}"
  stop "${last[@]}"
  : >"$dir/pids"
  return 0
}

main "$@"
