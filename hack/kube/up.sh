#!/usr/bin/env bash
# Starts a throwaway Kubernetes control plane on 127.0.0.1 for tests: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (fake nodes whose pods become Running/Ready
# without running anything). Every port is a free one; state, certificates, logs live under DIR.
#   hack/kube/up.sh DIR    → DIR/kubeconfig, DIR/pids ("name pid" lines), DIR/logs/<name>.log
#   hack/kube/down.sh DIR  stops them by PID (up.sh calls it itself when it fails).
# For the real node (hack/kube/cluster-up.sh) the apiserver binds and advertises another address the
# harness made, with the lease endpoint reconciler so pods reach it as kubernetes.default:
#   CONVERGE_KUBE_ADDRESS=10.246.0.1  CONVERGE_KUBE_APISERVER_ARGS="--kubelet-client-certificate ..."
# Binaries come from hack/tools/install.sh (~/.cache/converge/bin). Every wait is bounded.
set -euo pipefail

main() {
  local dir here bin
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  here=$(cd "$(dirname "$0")" && pwd)
  bin=${CONVERGE_CACHE:-$HOME/.cache/converge}/bin
  mkdir -p "$dir"/{etcd,certs,logs}
  : >"$dir/pids"
  export KUBE_LOGS=$dir/logs
  # shellcheck source=lib.sh
  source "$here/lib.sh"
  trap 'echo "kube-up: failed; stopping what started (logs in $dir/logs)" >&2; bash "$here/down.sh" "$dir"' ERR

  local ports
  read -r -a ports < <(free_ports 6)
  local etcd_client=${ports[0]} etcd_peer=${ports[1]} api=${ports[2]} kcm=${ports[3]} sched=${ports[4]} kwok=${ports[5]}

  # Credentials: a static admin token (group system:masters) and a service-account signing key.
  # The loopback default keeps the kwok tests as they were: no endpoint for the kubernetes Service.
  local address=${CONVERGE_KUBE_ADDRESS:-127.0.0.1} reconciler=none extra=()
  [ "$address" = 127.0.0.1 ] || reconciler=lease
  read -r -a extra <<<"${CONVERGE_KUBE_APISERVER_ARGS:-}"

  local token
  token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  echo "$token,converge-admin,converge-admin,system:masters" >"$dir/tokens.csv"
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  chmod 600 "$dir/sa.key" "$dir/tokens.csv"

  start() { start_logged "$dir/pids" "$@"; }
  start etcd "$bin/etcd" --name converge-test --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "converge-test=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync --log-level warn
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$etcd_client/health"

  # No --tls-cert-file: the apiserver writes a self-signed CA and serving cert (the advertise address,
  # localhost, the kubernetes Service's IP and names) into --cert-dir, and the kubeconfig trusts that CA.
  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_client" --bind-address "$address" --advertise-address "$address" \
    --secure-port "$api" --cert-dir "$dir/certs" --token-auth-file "$dir/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/sa.pub" --service-account-signing-key-file "$dir/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=false --endpoint-reconciler-type "$reconciler" \
    --enable-priority-and-fairness=false --profiling=false "${extra[@]}"
  wait_for kube-apiserver 90 curl -fsS --cacert "$dir/certs/apiserver.crt" -H "Authorization: Bearer $token" "https://$address:$api/readyz"

  cat >"$dir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: converge-test
    cluster: { server: "https://$address:$api", certificate-authority: "$dir/certs/apiserver.crt" }
users:
  - name: converge-admin
    user: { token: "$token" }
contexts:
  - name: converge-test
    context: { cluster: converge-test, user: converge-admin }
current-context: converge-test
KUBECONFIG
  chmod 600 "$dir/kubeconfig"

  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$dir/kubeconfig" \
    --authentication-kubeconfig "$dir/kubeconfig" --authorization-kubeconfig "$dir/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm" --leader-elect=false \
    --service-account-private-key-file "$dir/sa.key" --root-ca-file "$dir/certs/apiserver.crt" \
    --use-service-account-credentials=false --horizontal-pod-autoscaler-sync-period 5s \
    --controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller'
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$dir/kubeconfig" \
    --authentication-kubeconfig "$dir/kubeconfig" --authorization-kubeconfig "$dir/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$sched" --leader-elect=false
  : >"$dir/kwok.yaml"
  start kwok "$bin/kwok" --kubeconfig "$dir/kubeconfig" --config "$dir/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --server-address "127.0.0.1:$kwok" --cidr 10.244.0.1/24 --node-ip 10.244.0.1

  wait_for kube-controller-manager 60 curl -fsSk "https://127.0.0.1:$kcm/healthz"
  wait_for kube-scheduler 60 curl -fsSk "https://127.0.0.1:$sched/healthz"
  wait_for kwok 60 curl -fsS "http://127.0.0.1:$kwok/healthz"
  trap - ERR
  echo "kube-up: ready (kubeconfig $dir/kubeconfig)"
}

main "$@"
