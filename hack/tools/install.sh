#!/usr/bin/env bash
# Builds the Go tools the tests use, once, into ~/.cache/converge/bin (pinned versions; a second run
# only checks that the binaries exist). Usage: install.sh [tool...]  (default: all)
#   helm, kwok, kube-score                       go install of a pinned module version
#   etcd kube-apiserver kube-controller-manager  built from the wrapper module in hack/tools/kube
#   kube-scheduler kubectl kubelet kube-proxy
#   coredns                                      go install of a pinned module version (the node's DNS)
#   skaffold                                     built from the wrapper module in hack/tools/skaffold
#                                                (skaffold's go.mod has replace/exclude lines)
#   centrifugo                                   go install of a pinned module version; not in the default
#                                                list (only the bench's fan-out phase uses it)
#   prometheus-operator-crds                     not a binary: the prometheus-operator's CRDs (YAML) from
#                                                its pinned module (Go module proxy), into crds/prometheus-operator
# Concurrent runs (two test suites on a cold machine) wait for each other on a lock instead of
# building the same binary twice.
set -euo pipefail

main() {
  local here cache bin
  here=$(cd "$(dirname "$0")" && pwd)
  cache=${CONVERGE_CACHE:-$HOME/.cache/converge}
  bin=$cache/bin
  export GOMODCACHE=$cache/gomod GOCACHE=$cache/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=local
  mkdir -p "$bin"
  command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin

  local HELM_VERSION=v3.21.4
  local KWOK_VERSION=v0.7.0
  local KUBE_SCORE_VERSION=v1.20.0
  local KUBE_VERSION=v1.35.4
  local ETCD_VERSION=v3.6.5
  local COREDNS_VERSION=v1.12.4
  local SKAFFOLD_VERSION=v2.16.1 # must match hack/tools/skaffold/go.mod
  local PROMETHEUS_OPERATOR_VERSION=v0.85.0
  local CENTRIFUGO_VERSION=v6.9.1
  # Suffix of the cached helm binary: bump it when the build flags change so caches rebuild.
  local HELM_BUILD=$HELM_VERSION-k8s1.36

  # The stable name points at the versioned binary.
  link() { ln -sf "$1-$2" "$bin/$1"; }
  have() { [ -x "$bin/$1-$2" ]; }

  build_go_install() { # name cache-key module@version [ldflags]
    have "$1" "$2" && { link "$1" "$2"; return; }
    echo "tools: building $1 $2"
    GOBIN=$cache/gobin-$1-$2 go install -ldflags "-s -w ${4:-}" "$3"
    mv "$cache/gobin-$1-$2/$1" "$bin/$1-$2" && rm -rf "$cache/gobin-$1-$2"
    link "$1" "$2"
  }

  build_helm() {
    # Without these flags helm assumes Kubernetes v1.20 for `helm template` and lint; upstream's
    # Makefile sets them from its client-go (v0.36 → 1.36) and the version string.
    local h=helm.sh/helm/v3
    build_go_install helm "$HELM_BUILD" "$h/cmd/helm@$HELM_VERSION" \
      "-X $h/internal/version.version=$HELM_VERSION -X $h/pkg/lint/rules.k8sVersionMajor=1 \
       -X $h/pkg/lint/rules.k8sVersionMinor=36 -X $h/pkg/chartutil.k8sVersionMajor=1 \
       -X $h/pkg/chartutil.k8sVersionMinor=36"
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

  build_skaffold() {
    have skaffold "$SKAFFOLD_VERSION" && { link skaffold "$SKAFFOLD_VERSION"; return; }
    echo "tools: building skaffold $SKAFFOLD_VERSION"
    local pkg=github.com/GoogleContainerTools/skaffold/v2/pkg/skaffold/version
    (cd "$here/skaffold" && go build -o "$bin/skaffold-$SKAFFOLD_VERSION" \
      -ldflags "-s -w -X $pkg.version=$SKAFFOLD_VERSION" github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold)
    link skaffold "$SKAFFOLD_VERSION"
  }

  # The chart's PrometheusRule is checked against the real CRD: the module's zip carries
  # example/prometheus-operator-crd/, nothing is built. crds/prometheus-operator names the pinned copy.
  fetch_prometheus_operator_crds() {
    local v=$PROMETHEUS_OPERATOR_VERSION dest=$cache/crds/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION
    if [ ! -f "$dest/monitoring.coreos.com_prometheusrules.yaml" ]; then
      echo "tools: fetching the prometheus-operator $v CRDs"
      local dir
      dir=$(cd "$cache" && go mod download -json "github.com/prometheus-operator/prometheus-operator@$v" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
      [ -d "$dir/example/prometheus-operator-crd" ] || { echo "tools: no CRDs in the prometheus-operator $v module" >&2; return 1; }
      rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
      cp "$dir"/example/prometheus-operator-crd/*.yaml "$dest.tmp"/ && chmod -R u+w "$dest.tmp" && mv "$dest.tmp" "$dest"
    fi
    ln -sfn "prometheus-operator-$v" "$cache/crds/prometheus-operator"
  }

  local tools=("$@")
  [ ${#tools[@]} -gt 0 ] || tools=(helm kwok etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy coredns skaffold kube-score)
  exec 9>"$cache/install.lock"
  flock -w 3600 9 || { echo "tools: timed out waiting for another install.sh" >&2; exit 1; }
  local t
  for t in "${tools[@]}"; do
    case $t in
      helm) build_helm ;;
      kwok) build_go_install kwok "$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" ;;
      # kube-score (MIT) reads its version from main's ldflags, as its goreleaser config sets them.
      kube-score) build_go_install kube-score "$KUBE_SCORE_VERSION" "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" \
        "-X main.version=${KUBE_SCORE_VERSION#v}" ;;
      etcd) build_etcd ;;
      coredns) build_go_install coredns "$COREDNS_VERSION" "github.com/coredns/coredns@$COREDNS_VERSION" \
        "-X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" ;;
      kube-apiserver | kube-controller-manager | kube-scheduler | kubectl | kubelet | kube-proxy) build_kube "$t" "k8s.io/kubernetes/cmd/$t" ;;
      skaffold) build_skaffold ;;
      # Centrifugo (Apache-2.0): the bench's second fan-out ceiling. Its version string comes from ldflags,
      # as its goreleaser config sets it.
      centrifugo) build_go_install centrifugo "$CENTRIFUGO_VERSION" "github.com/centrifugal/centrifugo/v6@$CENTRIFUGO_VERSION" \
        "-X github.com/centrifugal/centrifugo/v6/internal/build.Version=${CENTRIFUGO_VERSION#v}" ;;
      prometheus-operator-crds) fetch_prometheus_operator_crds ;;
      *) echo "tools: unknown tool $t" >&2; exit 2 ;;
    esac
  done
}

# Everything is inside main so bash has read the whole file before running it (an edit during a
# long build cannot change what the running script does next).
main "$@"
