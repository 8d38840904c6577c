#!/usr/bin/env bash
# A dockerd of the harness's own (Debian's docker.io 20.10), for building the images and for Compose:
#   hack/images/dockerd.sh start DIR   → DIR/docker.sock (DOCKER_HOST=unix://DIR/docker.sock), DIR/pids
#   hack/images/dockerd.sh stop DIR    stops it by PID, removes what it made; fails when something stays
# Its data root (~/.cache/converge/docker) persists between runs so the layer cache does; a flock on
# it (held by dockerd itself, through an inherited descriptor) keeps a second dockerd off it. Exec
# root, pidfiles, logs, its containerd (own socket, root and state, no CRI) live under DIR; it never
# uses /run/containerd's socket. Networking stays on the machine: bridge cvgdock0 (10.247.0.1/24,
# made here with iproute2), Compose networks from 10.248.0.0/16, and no iptables, masquerade or
# ip_forward changes (published ports go through docker-proxy on 127.0.0.1).
# What dockerd 20.10 writes outside DIR, whatever its flags: /etc/docker/key.json and /run/docker
# (plugin discovery); stop removes them when this start created them. containerd 1.6's shims put their
# sockets in /run/containerd/s/ (a compiled-in path); they remove them when they exit.
set -euo pipefail

readonly BRIDGE=cvgdock0
readonly BRIDGE_CIDR=10.247.0.1/24
readonly ADDRESS_POOL=10.248.0.0/16
readonly CGROUP_PARENT=converge-docker

log() { echo "dockerd: $*" >&2; }

start() {
  local dir=$1 cache data
  cache=${CONVERGE_CACHE:-$HOME/.cache/converge}
  data=$cache/docker
  mkdir -p "$dir"/{logs,exec,containerd} "$data"
  dir=$(cd "$dir" && pwd)
  if [ -S "$dir/docker.sock" ] && [ -f "$dir/pids" ]; then
    log "already running for $dir"; return 0
  fi
  # Unix socket paths are limited to 107 bytes; the deepest one is containerd's ttrpc socket.
  [ ${#dir} -le 70 ] || { log "DIR too long for its sockets (${#dir} > 70 chars): $dir"; return 1; }

  # The lock outlives this script: dockerd inherits fd 9 and holds it until it exits.
  exec 9>"$cache/docker.lock"
  if ! flock -n 9; then
    log "waiting for the data root lock ($cache/docker.lock: another dockerd of the harness is running; up to 900s)"
    flock -w 900 9 || { log "timed out after 900s waiting for $cache/docker.lock"; return 1; }
  fi

  # Record what existed before, so stop removes only what this run made.
  : >"$dir/made"
  [ -e /etc/docker/key.json ] || echo /etc/docker/key.json >>"$dir/made"
  [ -e /run/docker ] || echo /run/docker >>"$dir/made"
  [ -e /run/containerd ] || echo /run/containerd >>"$dir/made"
  : >"$dir/pids"
  trap 'log "start failed; stopping what started (logs in $dir/logs)"; stop "$dir" || true' ERR

  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  else
    log "bridge $BRIDGE exists already (left by a run that did not stop?); reusing it"
  fi

  cat >"$dir/containerd.toml" <<TOML
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
TOML
  containerd --config "$dir/containerd.toml" >"$dir/logs/containerd.log" 2>&1 9>&- &
  echo "containerd $!" >>"$dir/pids"
  wait_for containerd 60 ctr --address "$dir/containerd.sock" version

  echo '{}' >"$dir/daemon.json"
  dockerd --config-file "$dir/daemon.json" --data-root "$data" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" --containerd "$dir/containerd.sock" \
    --storage-driver overlay2 --bridge "$BRIDGE" --default-address-pool "base=$ADDRESS_POOL,size=24" \
    --iptables=false --ip-masq=false --ip-forward=false --ip6tables=false --userland-proxy=true \
    --cgroup-parent "/$CGROUP_PARENT" --exec-opt native.cgroupdriver=cgroupfs \
    --log-driver json-file --log-opt max-size=10m --no-new-privileges=false \
    >"$dir/logs/dockerd.log" 2>&1 &
  echo "dockerd $!" >>"$dir/pids"
  exec 9>&-
  wait_for dockerd 120 docker -H "unix://$dir/docker.sock" version
  trap - ERR
  log "ready: DOCKER_HOST=unix://$dir/docker.sock (data root $data)"
}

wait_for() { # name seconds command...
  local name=$1 secs=$2 deadline; shift 2
  deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "$name not ready after ${secs}s"; tail -20 "$dir/logs/$name.log" >&2; return 1
    fi
    sleep 0.5
  done
}

# Waits up to $2 seconds for PID $1 to exit; SIGKILL after that.
stop_pid() {
  local pid=$1 secs=$2 deadline
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      log "pid $pid still running after ${secs}s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 1
      return 0
    fi
    sleep 0.2
  done
}

stop() {
  local dir=$1 host leftovers=() name pid
  [ -d "$dir" ] || { log "no such dir $dir"; return 0; }
  dir=$(cd "$dir" && pwd)
  host=unix://$dir/docker.sock
  # Containers first, so their veths, docker-proxies and shims go with dockerd's own bookkeeping.
  if [ -S "$dir/docker.sock" ] && timeout 20 docker -H "$host" version >/dev/null 2>&1; then
    local ids
    ids=$(timeout 30 docker -H "$host" ps -aq || true)
    [ -z "$ids" ] || timeout 120 docker -H "$host" rm -f -v $ids >/dev/null || true
    timeout 60 docker -H "$host" network prune -f >/dev/null || true
  fi
  # dockerd, then its containerd: each by the PID recorded at start.
  for name in dockerd containerd; do
    pid=$(awk -v n="$name" '$1 == n {print $2}' "$dir/pids" 2>/dev/null || true)
    [ -z "$pid" ] || stop_pid "$pid" 60
  done
  : >"$dir/pids"

  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  # Compose networks dockerd did not get to remove, and veths of containers it did not clean.
  local l
  for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
    case $l in br-*) [ "$(ip -d link show "$l" | grep -c 'bridge ')" -gt 0 ] && ip addr show "$l" | grep -q ' 10\.248\.' && ip link del "$l" ;; esac
  done
  for d in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
  if [ -f "$dir/made" ]; then
    while read -r p; do
      case $p in
        /etc/docker/key.json) rm -f "$p" ;;
        /run/docker) rm -rf /run/docker ;;
        /run/containerd) rmdir /run/containerd/s /run/containerd 2>/dev/null || true ;;
      esac
    done <"$dir/made"
  fi
  # Mounts under DIR (overlay, netns, shm of containers) would mean dockerd did not clean up.
  umount_under "$dir"

  ip link show "$BRIDGE" >/dev/null 2>&1 && leftovers+=("interface $BRIDGE")
  for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
    case $l in br-*) ip addr show "$l" | grep -q ' 10\.248\.' && leftovers+=("interface $l") ;; veth*) ip -d link show "$l" | grep -q "master $BRIDGE\|master br-" && leftovers+=("interface $l") ;; esac
  done
  grep -q " $dir/" /proc/mounts && leftovers+=("mounts under $dir")
  grep -q " ${CONVERGE_CACHE:-$HOME/.cache/converge}/docker/" /proc/mounts && leftovers+=("mounts under the data root")
  pgrep -f "containerd --config $dir/containerd.toml" >/dev/null && leftovers+=("containerd process")
  pgrep -f "dockerd --config-file $dir/daemon.json" >/dev/null && leftovers+=("dockerd process")
  pgrep -f "containerd-shim-runc-v2 -namespace moby -address $dir/containerd.sock" >/dev/null && leftovers+=("containerd shims")
  for d in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do [ -d "$d" ] && leftovers+=("cgroup $d"); done
  if [ ${#leftovers[@]} -gt 0 ]; then
    log "LEFT BEHIND: ${leftovers[*]}"; return 1
  fi
  rm -f "$dir/docker.sock" "$dir/containerd.sock" "$dir/containerd.sock.ttrpc"
  log "stopped; nothing left behind"
}

# Last resort for mounts a killed dockerd left (deepest first).
umount_under() {
  local m
  for m in $(awk -v d="$1/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null || true; done
}

main() {
  case ${1:-} in
    start) start "${2:?usage: dockerd.sh start DIR}" ;;
    stop) stop "${2:?usage: dockerd.sh stop DIR}" ;;
    *) echo "usage: hack/images/dockerd.sh start DIR | stop DIR" >&2; exit 2 ;;
  esac
}

main "$@"
