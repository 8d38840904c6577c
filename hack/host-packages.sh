#!/usr/bin/env bash
# Makes sure the Debian packages the real images and the real node need are installed (idempotent: a
# dpkg check, and nothing else, when they are there). Called by hack/images/build.sh,
# hack/kube/cluster-up.sh, observability's tests and `make test`, so a fresh machine needs no hand-installed package.
#   usage: hack/host-packages.sh
set -euo pipefail

main() {
  local packages=(
    runc containerd docker.io containernetworking-plugins # containers: the node's and the image builder's
    iptables conntrack ipset iproute2                      # kube-proxy and the harness's own interfaces
    debootstrap                                           # the base root filesystem of every image
    docker-compose                                        # compose.yaml's test (Debian's 1.29)
    jq curl openssl                                       # the scripts' own checks
    prometheus                                            # promtool (rule checks and tests) and a real Prometheus (observability/)
  )
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { echo "host-packages: missing ${missing[*]} and no apt-get" >&2; return 1; }
  echo "host-packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The same marker as hack/backends.sh and web/scripts/ensure-chromium.sh: one `apt-get update` serves all.
  [ -f /var/lib/apt/lists/.converge-updated ] || { apt-get update -qq && touch /var/lib/apt/lists/.converge-updated; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

main "$@"
