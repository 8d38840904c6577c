#!/usr/bin/env bash
# Builds the Go tools the tests use, once, into ~/.cache/converge/bin (pinned versions; a second run
# only checks that the binaries exist). Usage: install.sh [tool...]  (default: all)
#   helm, kwok                                   go install of a pinned module version
#   etcd kube-apiserver kube-controller-manager  built from the wrapper module in hack/tools/kube
#   kube-scheduler kubectl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${CONVERGE_CACHE:-$HOME/.cache/converge}
bin=$cache/bin
export GOMODCACHE=$cache/gomod GOCACHE=$cache/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=local
mkdir -p "$bin"
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin

HELM_VERSION=v3.21.4
KWOK_VERSION=v0.7.0
KUBE_VERSION=v1.35.4
ETCD_VERSION=v3.6.5

# install_link NAME VERSION: the stable name points at the versioned binary.
link() { ln -sf "$1-$2" "$bin/$1"; }
have() { [ -x "$bin/$1-$2" ]; }

build_go_install() { # name version module
  have "$1" "$2" && { link "$1" "$2"; return; }
  echo "tools: building $1 $2"
  GOBIN=$cache/gobin-$1-$2 go install "$3@$2"
  mv "$cache/gobin-$1-$2/$1" "$bin/$1-$2" && rm -rf "$cache/gobin-$1-$2"
  link "$1" "$2"
}

build_kube() { # name package
  have "$1" "$KUBE_VERSION" && { link "$1" "$KUBE_VERSION"; return; }
  echo "tools: building $1 $KUBE_VERSION (slow the first time; cached afterwards)"
  local pkg=k8s.io/component-base/version
  (cd "$here/kube" && go build -o "$bin/$1-$KUBE_VERSION" \
    -ldflags "-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=35" "$2")
  link "$1" "$KUBE_VERSION"
}

build_etcd() {
  have etcd "$ETCD_VERSION" && { link etcd "$ETCD_VERSION"; return; }
  echo "tools: building etcd $ETCD_VERSION"
  (cd "$here/kube" && go build -o "$bin/etcd-$ETCD_VERSION" -ldflags "-s -w" go.etcd.io/etcd/server/v3)
  link etcd "$ETCD_VERSION"
}

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(helm kwok etcd kube-apiserver kube-controller-manager kube-scheduler kubectl)
for t in "${tools[@]}"; do
  case $t in
    helm) build_go_install helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm ;;
    kwok) build_go_install kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok ;;
    etcd) build_etcd ;;
    kube-apiserver | kube-controller-manager | kube-scheduler | kubectl) build_kube "$t" "k8s.io/kubernetes/cmd/$t" ;;
    *) echo "tools: unknown tool $t" >&2; exit 2 ;;
  esac
done
