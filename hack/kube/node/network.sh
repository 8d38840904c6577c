#!/usr/bin/env bash
# The real node's network, made and removed by the harness itself (nothing here routes off the machine):
#   bridge cvgkube0 10.246.0.1/24 (node IP, pod subnet, CoreDNS address), route 10.96.0.0/16 dev cvgkube0
#   so Service traffic never follows the default route, and a FORWARD chain CVG-KUBE-FORWARD that lets
#   pods reach each other (pod → ClusterIP → pod is routed through the host, so ip_forward must be on)
#   and drops every other forwarded packet to or from the bridge or the default-route interface.
#   network.sh up DIR     saves the sysctls the node's parts change (DIR/sysctl.saved), then builds all of it
#   network.sh down DIR   removes it and restores the saved sysctls
set -euo pipefail

readonly BRIDGE=cvgkube0 NODE_CIDR=10.246.0.1/24 SERVICE_CIDR=10.96.0.0/16 CHAIN=CVG-KUBE-FORWARD
# Every sysctl something on the node writes: the bridge CNI plugin (ip_forward), kubelet's kernel
# tunables (setupKernelTunables), kube-proxy (route_localnet, conntrack; configured not to, saved anyway).
readonly SYSCTLS=(
  net/ipv4/ip_forward net/ipv4/conf/all/route_localnet
  vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops
  kernel/keys/root_maxkeys kernel/keys/root_maxbytes
  net/netfilter/nf_conntrack_max net/netfilter/nf_conntrack_tcp_timeout_established
  net/netfilter/nf_conntrack_tcp_timeout_close_wait
)

uplink() { ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}'; }

forward_rules() { # the chain's rules, one per line (pure: the uplink is an argument)
  echo "-i $BRIDGE -o $BRIDGE -j ACCEPT"
  echo "-i $BRIDGE -j DROP"
  echo "-o $BRIDGE -j DROP"
  if [ -n "$1" ]; then
    # ip_forward is machine-wide: nothing else may start routing to or from the outside either.
    echo "-o $1 -j DROP"
    echo "-i $1 -j DROP"
  fi
}

up() {
  local dir=$1 f
  if [ ! -f "$dir/sysctl.saved" ]; then
    for f in "${SYSCTLS[@]}"; do [ -r "/proc/sys/$f" ] && echo "$f $(cat "/proc/sys/$f")"; done >"$dir/sysctl.saved.tmp"
    mv "$dir/sysctl.saved.tmp" "$dir/sysctl.saved"
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    echo "network: $BRIDGE already exists (another cluster? run hack/kube/cluster-down.sh on its DIR)" >&2
    return 1
  fi
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_CIDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  ip route add "$SERVICE_CIDR" dev "$BRIDGE"
  iptables -w 10 -N "$CHAIN"
  local rule
  while read -r rule; do
    # shellcheck disable=SC2086 # a rule is words
    iptables -w 10 -A "$CHAIN" $rule
  done < <(forward_rules "$(uplink)")
  iptables -w 10 -I FORWARD 1 -j "$CHAIN"
  # Replies from a pod to a pod on the same bridge are bridged, not routed: conntrack only sees them
  # (and undoes a Service's DNAT) when bridged traffic passes iptables.
  if [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" != 1 ]; then
    echo "network: br_netfilter is off (net.bridge.bridge-nf-call-iptables); pod → Service → pod on this node needs it" >&2
    return 1
  fi
  echo 1 >/proc/sys/net/ipv4/ip_forward
  echo "network: $BRIDGE $NODE_CIDR, route $SERVICE_CIDR, chain $CHAIN, ip_forward on"
}

down() {
  local dir=$1 f v
  while iptables -w 10 -D FORWARD -j "$CHAIN" 2>/dev/null; do :; done
  if iptables -w 10 -S "$CHAIN" >/dev/null 2>&1; then
    iptables -w 10 -F "$CHAIN"
    iptables -w 10 -X "$CHAIN"
  fi
  ip route del "$SERVICE_CIDR" dev "$BRIDGE" 2>/dev/null || true
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
  if [ -f "$dir/sysctl.saved" ]; then
    while read -r f v; do
      [ "$(cat "/proc/sys/$f" 2>/dev/null)" = "$v" ] || echo "$v" >"/proc/sys/$f" 2>/dev/null ||
        echo "network: could not restore $f=$v" >&2
    done <"$dir/sysctl.saved"
  fi
}

main() {
  local cmd=${1:?usage: network.sh up|down DIR} dir=${2:?usage: network.sh up|down DIR}
  case $cmd in
    up) up "$dir" ;;
    down) down "$dir" ;;
    *) echo "usage: network.sh up|down DIR" >&2; return 2 ;;
  esac
}

main "$@"
