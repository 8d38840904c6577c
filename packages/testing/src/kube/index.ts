// @converge/testing/kube: a local control plane (real kube-apiserver, etcd, kwok nodes) and the
// pinned tools behind it, for the chart tests and the operator tests.
export * from './control-plane';
export * from './tools';
