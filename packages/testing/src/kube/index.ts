// @converge/testing/kube: a local control plane (real kube-apiserver, etcd, kwok nodes), a real
// one-node Kubernetes (containerd, kubelet, kube-proxy, CoreDNS) and the pinned tools behind them,
// for the chart tests, the e2e tests and the operator tests.
export * from './control-plane';
export * from './kube-client';
export * from './real-cluster';
export * from './tools';
