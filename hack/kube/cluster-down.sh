#!/usr/bin/env bash
# Removes everything hack/kube/cluster-up.sh DIR made, in the order that leaves nothing behind: the
# workloads (so the kubelet tears their sandboxes down through CNI), CoreDNS, kube-proxy (and its
# iptables rules: kube-proxy --cleanup), the kubelet, every container and sandbox still in containerd
# (ctr), containerd, the control plane (down.sh), the mounts under DIR, the kubepods cgroups, the
# kubelet's /var/log/containers links into DIR, the network, the saved sysctls, the lock.
# Then it looks for leftovers (processes, interfaces, routes, iptables chains, mounts, cgroups,
# sysctls), prints each one and exits 1 if there is any.
#   hack/kube/cluster-down.sh DIR
set -uo pipefail

main() {
  local dir here bin
  dir=$(cd "${1:?usage: cluster-down.sh DIR}" 2>/dev/null && pwd) || { echo "cluster-down: no $1"; return 0; }
  here=$(cd "$(dirname "$0")" && pwd)
  bin=${CONVERGE_CACHE:-$HOME/.cache/converge}/bin
  export KUBE_LOGS=$dir/logs
  mkdir -p "$KUBE_LOGS"
  # shellcheck source=node/configs.sh
  source "$here/node/configs.sh"
  local t0=$SECONDS
  step() { echo "cluster-down: $* (+$((SECONDS - t0))s)"; }
  local ctr=(ctr --address "$dir/containerd/containerd.sock" -n k8s.io --timeout 10s)

  delete_workloads "$dir" "$bin"
  step "workloads deleted"
  stop_named "$dir/node-pids" coredns 10
  stop_named "$dir/node-pids" kube-proxy 10
  [ -x "$bin/kube-proxy" ] && "$bin/kube-proxy" --cleanup >>"$KUBE_LOGS/kube-proxy-cleanup.log" 2>&1
  # What --cleanup leaves (KUBE-FIREWALL, KUBE-KUBELET-CANARY): cluster-up refused to start next to any.
  remove_kube_chains
  stop_named "$dir/node-pids" kubelet 20
  step "CoreDNS, kube-proxy, kubelet stopped"
  if is_alive "$dir/node-pids" containerd; then
    remove_containers "${ctr[@]}"
    step "containers removed"
  fi
  stop_named "$dir/node-pids" containerd 20
  step "containerd stopped"
  # A shim outlives containerd by design; any left belongs to a container that would not die.
  local pid
  for pid in $(pids_mentioning "$dir/containerd/"); do kill -KILL "$pid" 2>/dev/null; done
  bash "$here/down.sh" "$dir"
  step "processes stopped"

  unmount_under "$dir"
  remove_cgroups
  local link
  for link in /var/log/containers/*.log; do
    [ -L "$link" ] && [[ $(readlink "$link") == "$dir"/* ]] && rm -f "$link"
  done
  remove_host_paths "$dir"
  bash "$here/node/network.sh" down "$dir"
  stop_named "$dir/node-pids" lock 5
  [ "$(cat /tmp/converge-node.lock.owner 2>/dev/null)" = "$dir" ] && rm -f /tmp/converge-node.lock.owner

  local left
  left=$(leftovers "$dir")
  if [ -n "$left" ]; then
    echo "cluster-down: LEFT BEHIND:" >&2
    echo "$left" | sed 's/^/  /' >&2
    return 1
  fi
  step "clean (nothing left behind)"
}

delete_workloads() { # dir bin
  local k=("$2/kubectl" --kubeconfig "$1/kubeconfig" --request-timeout 10s)
  [ -f "$1/kubeconfig" ] && [ -x "$2/kubectl" ] && "${k[@]}" get --raw /readyz >/dev/null 2>&1 || return 0
  is_alive "$1/node-pids" kubelet || return 0
  "${k[@]}" delete deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs --all --all-namespaces --wait=false >/dev/null 2>&1
  "${k[@]}" delete pods --all --all-namespaces --grace-period=2 --wait=false >/dev/null 2>&1
  # The kubelet stops each sandbox through CNI (veth, IP released) once its pod is gone.
  local ctr=(ctr --address "$1/containerd/containerd.sock" -n k8s.io --timeout 10s) deadline=$((SECONDS + 60))
  while [ -n "$("${ctr[@]}" tasks ls -q 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || { echo "cluster-down: containers still running after 60s; killing them" >&2; return 0; }
    sleep 1
  done
}

remove_containers() { # ctr...
  local id ids deadline
  mapfile -t ids < <("$@" tasks ls -q 2>/dev/null)
  for id in "${ids[@]}"; do "$@" tasks kill -s SIGKILL "$id" >/dev/null 2>&1; done
  deadline=$((SECONDS + 30))
  for id in "${ids[@]}"; do
    until "$@" tasks delete "$id" >/dev/null 2>&1 || ! "$@" tasks ls -q 2>/dev/null | grep -qx "$id"; do
      [ $SECONDS -lt $deadline ] || { echo "cluster-down: task $id would not stop" >&2; break; }
      sleep 0.5
    done
  done
  mapfile -t ids < <("$@" containers ls -q 2>/dev/null)
  for id in "${ids[@]}"; do "$@" containers delete "$id" >/dev/null 2>&1; done
}

is_alive() { # pids-file name
  local pid
  pid=$(awk -v n="$2" '$1 == n { print $2 }' "$1" 2>/dev/null | tail -1)
  [ -n "$pid" ] && running "$pid"
}

running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }

stop_named() { # pids-file name seconds: TERM, then KILL when it outlives the grace
  local pid
  pid=$(awk -v n="$2" '$1 == n { print $2 }' "$1" 2>/dev/null | tail -1)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + $3))
  while running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if running "$pid"; then
    echo "cluster-down: $2 ($pid) ignored TERM for $3s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
    deadline=$((SECONDS + 10))
    while running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  fi
  return 0
}

pids_mentioning() { # text: running processes whose command line contains it (shims name their containerd's socket)
  local p cmd
  for p in /proc/[0-9]*; do
    cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
    # This script (and its subshells) name DIR too.
    [[ $cmd == *"$1"* && $cmd != *cluster-down.sh* ]] && running "${p#/proc/}" && echo "${p#/proc/}"
  done
}

mounts_under() { # dir: mount points below it, deepest first
  awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

unmount_under() { # dir
  local m
  for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
}

remove_kube_chains() {
  local table chain chains
  for table in filter nat mangle; do
    mapfile -t chains < <(iptables -w 10 -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }')
    [ ${#chains[@]} -gt 0 ] || continue
    # Jumps from the built-in chains first, then every rule, then the chains themselves.
    for chain in "${chains[@]}"; do
      iptables -w 10 -t "$table" -S 2>/dev/null | awk -v c="$chain" '$1 == "-A" && $0 ~ ("-j " c "( |$)")' |
        while read -r _ rule; do
          # shellcheck disable=SC2086 # a rule is words
          iptables -w 10 -t "$table" -D $rule 2>/dev/null
        done
    done
    for chain in "${chains[@]}"; do iptables -w 10 -t "$table" -F "$chain" 2>/dev/null; done
    for chain in "${chains[@]}"; do iptables -w 10 -t "$table" -X "$chain" 2>/dev/null; done
  done
  return 0
}

remove_host_paths() { # dir: the ones cluster-up did not find, when empty (deepest listed first)
  local p
  [ -f "$1/host-paths.preexisting" ] || return 0
  # The kubelet's device-plugin socket and checkpoint are always under /var/lib/kubelet; libcni caches
  # each attachment's result in /var/lib/cni/results (named after the network, "converge").
  if ! grep -qxF /var/lib/kubelet "$1/host-paths.preexisting"; then
    rm -f /var/lib/kubelet/device-plugins/kubelet.sock /var/lib/kubelet/device-plugins/kubelet_internal_checkpoint
    rmdir /var/lib/kubelet/device-plugins 2>/dev/null
  fi
  rm -f /var/lib/cni/results/converge-*
  rmdir /var/lib/cni/results 2>/dev/null
  for p in "${HOST_PATHS[@]}" "${SHARED_HOST_PATHS[@]}"; do
    grep -qxF "$p" "$1/host-paths.preexisting" || rmdir "$p" 2>/dev/null
  done
  return 0
}

remove_cgroups() {
  # Deepest first: a cgroup directory can only be removed once its children are.
  local root
  for root in /sys/fs/cgroup/*/kubepods; do
    [ -d "$root" ] || continue
    find "$root" -depth -type d -exec rmdir {} + 2>/dev/null
  done
}

leftovers() { # dir: one line per thing that should be gone
  local dir=$1 f pid name v
  for f in "$dir/pids" "$dir/node-pids"; do
    [ -f "$f" ] || continue
    while read -r name pid; do running "$pid" && echo "process $name ($pid)"; done <"$f"
  done
  for pid in $(pids_mentioning "$dir/"); do echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-120)"; done
  ip link show cvgkube0 >/dev/null 2>&1 && echo "interface cvgkube0"
  ip -o link show type veth 2>/dev/null | grep -q 'master cvgkube0' && echo "veths on cvgkube0"
  ip route show 10.96.0.0/16 | grep -q . && echo "route 10.96.0.0/16"
  local table chain
  for table in filter nat mangle; do
    for chain in $(iptables -w 10 -t "$table" -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^KUBE-/ || $2 ~ /^CVG-KUBE/) { print $2 }'); do
      echo "iptables chain $table/$chain"
    done
  done
  for f in $(mounts_under "$dir"); do echo "mount $f"; done
  for f in /sys/fs/cgroup/*/kubepods; do [ -e "$f" ] && echo "cgroup $f"; done
  if [ -f "$dir/sysctl.saved" ]; then
    while read -r f v; do
      [ "$(cat "/proc/sys/$f" 2>/dev/null)" = "$v" ] || echo "sysctl $f=$(cat "/proc/sys/$f") (was $v)"
    done <"$dir/sysctl.saved"
  fi
  for f in /var/log/containers/*.log; do [ -L "$f" ] && [[ $(readlink "$f") == "$dir"/* ]] && echo "log link $f"; done
  if [ -f "$dir/host-paths.preexisting" ]; then
    for f in "${HOST_PATHS[@]}"; do
      [ -e "$f" ] && ! grep -qxF "$f" "$dir/host-paths.preexisting" && echo "path $f: $(ls -A "$f" | head -3 | tr '\n' ' ')"
    done
  fi
  return 0
}

main "$@"
