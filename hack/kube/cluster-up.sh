#!/usr/bin/env bash
# Starts a real one-node Kubernetes for tests and for `make cluster`: the node network (bridge cvgkube0,
# 10.246.0.1), the control plane of hack/kube/up.sh bound to 10.246.0.1, containerd (Debian's, with its
# own root, state and socket under DIR, the CRI plugin and the CNI bridge), kubelet (node converge-node),
# kube-proxy (iptables) and CoreDNS (10.246.0.1:53), all host processes stopped by PID.
#   hack/kube/cluster-up.sh DIR    → DIR/kubeconfig, DIR/containerd/containerd.sock, DIR/logs/<name>.log,
#                                    DIR/pids (control plane), DIR/node-pids (the node's processes)
#   hack/kube/cluster-down.sh DIR  removes all of it (cluster-up.sh calls it itself when it fails).
# One node at a time on the machine (fixed bridge and addresses): a lock held by a process of DIR.
set -Eeuo pipefail

main() {
  local dir here bin cache
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  here=$(cd "$(dirname "$0")" && pwd)
  cache=${CONVERGE_CACHE:-$HOME/.cache/converge}
  bin=$cache/bin
  bash "$here/../host-packages.sh"
  export KUBE_LOGS=$dir/logs
  # shellcheck source=lib.sh
  source "$here/lib.sh"
  # shellcheck source=node/configs.sh
  source "$here/node/configs.sh"
  mkdir -p "$dir"/{logs,certs,cni/net.d,cni/ipam,containerd,kubelet,pod-logs}
  local t0=$SECONDS
  step() { echo "cluster-up: $* (+$((SECONDS - t0))s)"; }

  take_lock "$dir"
  trap 'echo "cluster-up: failed; removing what started (logs in $dir/logs)" >&2; bash "$here/cluster-down.sh" "$dir" >&2 || true' ERR

  # install.sh waits for any other install run to finish: only call it when a binary is missing.
  local tool missing=()
  for tool in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl kubelet kube-proxy coredns; do
    [ -x "$bin/$tool" ] || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || bash "$here/../tools/install.sh" "${missing[@]}"
  local pause_tar
  pause_tar=$(bash "$here/node/pause-image.sh")
  refuse_foreign_state
  local p
  for p in "${HOST_PATHS[@]}" "${SHARED_HOST_PATHS[@]}"; do [ -e "$p" ] && echo "$p"; done >"$dir/host-paths.preexisting"
  bash "$here/node/network.sh" up "$dir"

  local ports
  read -r -a ports < <(free_ports 5)
  local kubelet_healthz=${ports[0]} proxy_metrics=${ports[1]} proxy_healthz=${ports[2]} dns_health=${ports[3]} dns_ready=${ports[4]}
  node_certs "$dir"
  echo "nameserver $NODE_IP" >"$dir/resolv.conf"
  cni_conflist "$dir" >"$dir/cni/net.d/10-converge.conflist"
  containerd_config "$dir" >"$dir/containerd/config.toml"

  # containerd starts while the control plane comes up; both are waited for below.
  start_logged "$dir/node-pids" containerd containerd --config "$dir/containerd/config.toml"
  step "network ready; starting the control plane on $NODE_IP"
  CONVERGE_KUBE_ADDRESS=$NODE_IP CONVERGE_KUBE_APISERVER_ARGS="--kubelet-client-certificate $dir/certs/apiserver-kubelet-client.crt \
--kubelet-client-key $dir/certs/apiserver-kubelet-client.key --kubelet-preferred-address-types InternalIP" \
    bash "$here/up.sh" "$dir"
  local ctr=(ctr --address "$dir/containerd/containerd.sock" -n k8s.io)
  wait_for containerd 60 "${ctr[@]}" version
  "${ctr[@]}" images import "$pause_tar" >/dev/null
  step "control plane and containerd ready; sandbox image imported"

  kubelet_config "$dir" "$kubelet_healthz" >"$dir/kubelet/config.yaml"
  start_logged "$dir/node-pids" kubelet "$bin/kubelet" --config "$dir/kubelet/config.yaml" \
    --kubeconfig "$dir/kubeconfig" --root-dir "$dir/kubelet" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --v 1
  kube_proxy_config "$dir" "$proxy_metrics" "$proxy_healthz" >"$dir/kube-proxy.yaml"
  start_logged "$dir/node-pids" kube-proxy "$bin/kube-proxy" --config "$dir/kube-proxy.yaml"
  corefile "$dir" "$dns_health" "$dns_ready" >"$dir/Corefile"
  start_logged "$dir/node-pids" coredns "$bin/coredns" -conf "$dir/Corefile"

  local kubectl=("$bin/kubectl" --kubeconfig "$dir/kubeconfig" --request-timeout 10s)
  wait_for kubelet 120 curl -fsS "http://127.0.0.1:$kubelet_healthz/healthz"
  wait_for kubelet 120 node_ready "${kubectl[@]}"
  step "node $NODE_NAME Ready"
  wait_for kube-proxy 60 curl -fsS "http://127.0.0.1:$proxy_healthz/healthz"
  wait_for coredns 60 curl -fsS "http://127.0.0.1:$dns_ready/ready"
  # Pods are refused until the namespace's ServiceAccount exists; kubernetes.default needs its endpoint.
  wait_for kube-controller-manager 60 "${kubectl[@]}" -n default get serviceaccount default
  wait_for kube-apiserver 60 has_endpoint "${kubectl[@]}"
  trap - ERR
  step "ready (kubeconfig $dir/kubeconfig, containerd $dir/containerd/containerd.sock)"
}

take_lock() { # dir
  local lock=/tmp/converge-node.lock
  exec 9>>"$lock"
  if ! flock -n 9; then
    echo "cluster-up: another real node is running ($(cat "$lock.owner" 2>/dev/null)); hack/kube/cluster-down.sh it first" >&2
    exit 1
  fi
  echo "$1" >"$lock.owner"
  : >"$1/node-pids"
  # This process keeps the lock while the cluster lives; nothing else inherits the descriptor.
  sleep infinity >/dev/null 2>&1 </dev/null &
  echo "lock $!" >>"$1/node-pids"
  exec 9>&-
}

refuse_foreign_state() {
  # Left by a crashed run or by something else: down would remove it, so never start next to it.
  local c
  for c in /sys/fs/cgroup/*/kubepods; do
    [ -e "$c" ] && { echo "cluster-up: $c exists (a kubelet ran here and was not cleaned up)" >&2; return 1; }
  done
  local table
  for table in filter nat mangle; do
    if iptables -w 10 -t "$table" -S | grep -q '^-N KUBE-'; then
      echo "cluster-up: iptables $table has KUBE-* chains (another kube-proxy or kubelet?)" >&2
      return 1
    fi
  done
  return 0
}

node_certs() { # dir: the kubelet's serving cert, and the CA + client cert the apiserver shows the kubelet
  local c=$1/certs
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=converge-kubelet-client-ca" \
    -keyout "$c/kubelet-client-ca.key" -out "$c/kubelet-client-ca.crt" 2>/dev/null
  # system:masters: the kubelet's webhook authorizer (SubjectAccessReview) lets it use nodes/proxy, exec, logs.
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
    -keyout "$c/apiserver-kubelet-client.key" -out "$c/apiserver-kubelet-client.csr" 2>/dev/null
  openssl x509 -req -in "$c/apiserver-kubelet-client.csr" -CA "$c/kubelet-client-ca.crt" -CAkey "$c/kubelet-client-ca.key" \
    -CAcreateserial -days 30 -extfile <(echo "extendedKeyUsage=clientAuth") -out "$c/apiserver-kubelet-client.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$NODE_NAME" \
    -addext "subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME" -keyout "$c/kubelet.key" -out "$c/kubelet.crt" 2>/dev/null
  chmod 600 "$c"/*.key
}

node_ready() { # kubectl...
  [ "$("$@" get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

has_endpoint() { # kubectl...
  [ -n "$("$@" -n default get endpointslice -l kubernetes.io/service-name=kubernetes -o jsonpath='{.items[*].endpoints[*].addresses[*]}')" ]
}

main "$@"
