#!/usr/bin/env bash
# Builds the node's sandbox image converge-local/pause:3.10 without a registry or dockerd: Kubernetes'
# own pause.c (from the pinned k8s.io/kubernetes module) compiled statically with gcc, packed as an
# image archive that `ctr images import` and `docker load` both read (OCI layout plus docker's
# manifest.json, as `docker save` writes since 25). Idempotent: a second run only checks the cache.
#   hack/kube/node/pause-image.sh   → ~/.cache/converge/images/pause.tar (path printed on stdout)
set -euo pipefail

main() {
  local cache=${CONVERGE_CACHE:-$HOME/.cache/converge}
  local out=$cache/images/pause.tar ref=converge-local/pause:3.10 kube_version=v1.35.4
  local src=$cache/gomod/k8s.io/kubernetes@$kube_version/build/pause/linux/pause.c
  if [ -s "$out" ]; then echo "$out"; return; fi
  if [ ! -f "$src" ]; then
    # The module cache holds it once hack/tools/install.sh has built any Kubernetes binary.
    bash "$(cd "$(dirname "$0")/../.." && pwd)/tools/install.sh" kubelet >&2
  fi
  echo "pause-image: building $ref from $src" >&2
  local work
  work=$(mktemp -d)
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/rootfs" "$work/image/blobs/sha256" "$(dirname "$out")"
  gcc -Os -Wall -Werror -static -DVERSION="v3.10-converge" -o "$work/rootfs/pause" "$src"
  strip "$work/rootfs/pause"
  # Fixed owner and mtime so the layer digest depends on the binary alone.
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/layer.tar" pause

  local layer_sha layer_size config_sha config_size manifest_sha manifest_size
  layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  layer_size=$(stat -c %s "$work/layer.tar")
  mv "$work/layer.tar" "$work/image/blobs/sha256/$layer_sha"
  # Same user and entry point as upstream's pause Dockerfile.
  printf '%s' '{"architecture":"amd64","os":"linux","config":{"User":"65535:65535","Entrypoint":["/pause"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer_sha"'"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"hack/kube/node/pause-image.sh"}]}' >"$work/config.json"
  config_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  config_size=$(stat -c %s "$work/config.json")
  mv "$work/config.json" "$work/image/blobs/sha256/$config_sha"
  printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$config_sha"'","size":'"$config_size"'},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'"$layer_sha"'","size":'"$layer_size"'}]}' >"$work/manifest"
  manifest_sha=$(sha256sum "$work/manifest" | cut -d' ' -f1)
  manifest_size=$(stat -c %s "$work/manifest")
  mv "$work/manifest" "$work/image/blobs/sha256/$manifest_sha"
  printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"$manifest_sha"'","size":'"$manifest_size"',"annotations":{"io.containerd.image.name":"docker.io/'"$ref"'","org.opencontainers.image.ref.name":"3.10"}}]}' >"$work/image/index.json"
  printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$work/image/oci-layout"
  printf '%s' '[{"Config":"blobs/sha256/'"$config_sha"'","RepoTags":["'"$ref"'"],"Layers":["blobs/sha256/'"$layer_sha"'"]}]' >"$work/image/manifest.json"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$out.tmp" oci-layout index.json manifest.json blobs
  mv "$out.tmp" "$out"
  echo "pause-image: wrote $out (id sha256:$config_sha)" >&2
  echo "$out"
}

main "$@"
