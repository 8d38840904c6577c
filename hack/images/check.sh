#!/usr/bin/env bash
# Proves an image built by build.sh really works the way the chart and Compose run it: started with a
# read-only root filesystem as its numeric non-root user (tmpfs /tmp, a tmpfs for data), it must
# serve: postgres accepts a password login, redis answers PING, nats answers /healthz, user and chat
# run their migrations against a throwaway database on the shared PostgreSQL (127.0.0.1:5432, dropped
# afterwards) and then answer /readyz, web answers /readyz. The image's configured user must be
# numeric and not 0. Containers use --network host on free loopback ports.
#   hack/images/check.sh NAME REF     (DOCKER_HOST set; called by build.sh after each build)
set -euo pipefail

log() { echo "images: $NAME: check: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# The USER of the image, numeric and non-root (the chart's runAsNonRoot needs a number to check).
image_uid() {
  local user
  user=$(docker image inspect -f '{{.Config.User}}' "$REF")
  [[ $user =~ ^([0-9]+)(:[0-9]+)?$ ]] || fail "image user is '${user:-<unset>}', not numeric uid[:gid]"
  [ "${BASH_REMATCH[1]}" != 0 ] || fail "image user is root (0)"
  echo "${BASH_REMATCH[1]}"
}

CONTAINERS=()
cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do docker rm -f -v "$c" >/dev/null 2>&1 || true; done
  [ -z "${DB:-}" ] || psql -h 127.0.0.1 -U postgres -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  [ -z "${TMPD:-}" ] || rm -rf "$TMPD"
}

# Starts the image read-only as uid ($1) with a tmpfs /tmp; the rest are docker run args + command.
run_ro() {
  local uid=$1 name; shift
  name=cvg-check-$NAME-$$-${#CONTAINERS[@]}
  CONTAINERS+=("$name")
  docker run -d --name "$name" --read-only --user "$uid" --tmpfs /tmp:rw,size=64m \
    --cap-drop ALL --security-opt no-new-privileges --network host "$@" >/dev/null
  echo "$name"
}

# Polls `command...` for up to $1 seconds while container $2 runs.
until_ok() {
  local secs=$1 c=$2 deadline; shift 2
  deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ] || [ "$(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" != true ]; then
      docker logs --tail 30 "$c" >&2 2>&1 || true
      fail "$* did not succeed within ${secs}s"
    fi
    sleep 0.5
  done
}

check_debian() {
  local out
  out=$(docker run --rm --read-only --user 65534:65534 --network none "$REF" sh -c 'id -u; . /etc/os-release; echo "$VERSION_CODENAME"')
  [ "$out" = $'65534\nbookworm' ] || fail "expected uid 65534 on bookworm, got: $out"
}

check_node() {
  local out
  out=$(docker run --rm --read-only --user 65534:65534 --tmpfs /tmp --network none "$REF" \
    node -e 'console.log(process.version, process.getuid())')
  [ "$out" = "v$NODE_VERSION 65534" ] || fail "expected v$NODE_VERSION as uid 65534, got: $out"
  out=$(docker run --rm --read-only --user 65534:65534 --network none -e HOME=/tmp --tmpfs /tmp "$REF" npm --version)
  [ "$out" = "$NPM_VERSION" ] || fail "expected npm $NPM_VERSION, got $out"
}

main() {
  NAME=$1 REF=$2
  NODE_VERSION=$(sed -n 's/^readonly NODE_VERSION=\([^ ]*\).*/\1/p' "$(dirname "$0")/build.sh")
  NPM_VERSION=$(sed -n 's/^readonly NPM_VERSION=\([^ ]*\).*/\1/p' "$(dirname "$0")/build.sh")
  TMPD=$(mktemp -d)
  chmod 755 "$TMPD"
  trap cleanup EXIT
  "check_$NAME"
  log "ok"
}

main "$@"
