# shellcheck shell=bash
# The real node's configuration files, as functions that print them (no I/O beyond stdout, so what the
# node runs with can be read in one place). Sourced by hack/kube/cluster-up.sh.
#   NODE_IP, POD_CIDR, CLUSTER_DOMAIN and SANDBOX_IMAGE are the shared design's fixed values.
readonly NODE_IP=10.246.0.1 POD_CIDR=10.246.0.0/24 CLUSTER_DOMAIN=cluster.local
readonly SANDBOX_IMAGE=converge-local/pause:3.10 NODE_NAME=converge-node
# Host paths the kubelet, containerd's shims or CNI plugins create whatever their config says (the
# kubelet's /var/log/containers links, the shims' sockets in /run/containerd/s): cluster-up records
# which existed, cluster-down removes the others when empty and reports them when not. The shim
# socket dirs are shared with any other containerd (the images' dockerd): removed when empty, never
# reported.
readonly HOST_PATHS=(/var/log/containers /var/log/pods /var/lib/kubelet /etc/cni /var/lib/cni /run/netns)
readonly SHARED_HOST_PATHS=(/run/containerd/s /run/containerd)

containerd_config() { # dir
  local c=$1/containerd
  cat <<TOML
version = 2
root = "$c/root"
state = "$c/state"
temp = "$c/tmp"
oom_score = 0

[grpc]
  address = "$c/containerd.sock"

[ttrpc]
  address = "$c/containerd.sock.ttrpc"

[debug]
  level = "info"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$c/opt"

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$SANDBOX_IMAGE"
    # Each pod's network namespace is bind-mounted under DIR instead of /run/netns, so down finds them all.
    netns_mounts_under_state_dir = true
    disable_apparmor = true
    # No CAP_SYS_RESOURCE here: an oom_score_adj below containerd's own (the pause container's -998)
    # makes runc fail with "can't get final child's PID from pipe: EOF".
    restrict_oom_score_adj = true
    enable_selinux = false
    tolerate_missing_hugetlb_controller = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    max_container_log_line_size = 16384

    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "/usr/sbin/runc"
          Root = "$c/runc"
          SystemdCgroup = false

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$1/cni/net.d"
      max_conf_num = 1
TOML
}

cni_conflist() { # dir
  # No ipMasq and no portmap: nothing a pod sends is NATed off the bridge. hairpinMode lets a pod reach
  # itself through its own Service. The containerd CRI plugin adds the loopback network itself.
  cat <<JSON
{
  "cniVersion": "1.0.0",
  "name": "converge",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cvgkube0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$1/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "rangeStart": "10.246.0.10", "rangeEnd": "10.246.0.250", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    }
  ]
}
JSON
}

kubelet_config() { # dir healthz-port
  local d=$1
  cat <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine has cgroup v1 and no systemd as PID 1 (KEP-5573 makes v1 opt-in from 1.35).
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$d/containerd/containerd.sock
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $2
tlsCertFile: $d/certs/kubelet.crt
tlsPrivateKeyFile: $d/certs/kubelet.key
# kubectl logs/exec reach the kubelet from the apiserver, which presents a client certificate of this CA.
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $d/certs/kubelet-client-ca.crt }
authorization:
  mode: Webhook
clusterDomain: $CLUSTER_DOMAIN
clusterDNS: [$NODE_IP]
# Pods with dnsPolicy Default get CoreDNS too: no pod ever asks a resolver off the machine.
resolvConf: $d/resolv.conf
podLogsDir: $d/pod-logs
failSwapOn: false
# The kubelet leaves iptables to kube-proxy (its canary chains would stay behind after a crash).
makeIPTablesUtilChains: false
# Images are imported, never pulled: image GC must never delete one; the shared disk must never
# make the node evict the test's pods.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
  imagefs.inodesFree: "1%"
evictionPressureTransitionPeriod: 30s
serializeImagePulls: false
maxPods: 110
runtimeRequestTimeout: 5m
nodeStatusReportFrequency: 10s
nodeStatusUpdateFrequency: 5s
syncFrequency: 10s
shutdownGracePeriod: 0s
YAML
}

kube_proxy_config() { # dir metrics-port healthz-port
  cat <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $1/kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
detectLocalMode: ClusterCIDR
metricsBindAddress: 127.0.0.1:$2
healthzBindAddress: 127.0.0.1:$3
nodePortAddresses: ["$NODE_IP/32"]
iptables:
  # true would set net.ipv4.conf.all.route_localnet=1 machine-wide.
  localhostNodePorts: false
  syncPeriod: 10s
  minSyncPeriod: 1s
# Zero leaves the host's conntrack sysctls as they are.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
YAML
}

corefile() { # dir health-port ready-port
  # The kubernetes plugin answers the cluster's names; everything else is NXDOMAIN at once, with no
  # forward: nothing a pod looks up leaves the machine.
  cat <<COREFILE
$CLUSTER_DOMAIN:53 in-addr.arpa:53 {
  bind $NODE_IP
  errors
  health 127.0.0.1:$2
  ready 127.0.0.1:$3
  kubernetes $CLUSTER_DOMAIN in-addr.arpa {
    kubeconfig $1/kubeconfig converge-test
    pods insecure
    ttl 5
  }
  cache 5
}
.:53 {
  bind $NODE_IP
  errors
  template ANY ANY {
    rcode NXDOMAIN
  }
}
COREFILE
}
