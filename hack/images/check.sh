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
  if [ -n "${DB:-}" ]; then
    psql -h 127.0.0.1 -U postgres -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    psql -h 127.0.0.1 -U postgres -qAtc "DROP DATABASE IF EXISTS \"${DB}_chat\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  [ -z "${TMPD:-}" ] || rm -rf "$TMPD"
}

# Starts the image read-only as uid ($1) with a tmpfs /tmp; the rest are docker run args + command.
# The container's name is left in C (not printed: a subshell would lose it for the cleanup).
run_ro() {
  local uid=$1; shift
  C=cvg-check-$NAME-$$-${#CONTAINERS[@]}
  CONTAINERS+=("$C")
  docker run -d --name "$C" --read-only --user "$uid" --tmpfs /tmp:rw,size=64m \
    --cap-drop ALL --security-opt no-new-privileges --network host "$@" >/dev/null
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

check_postgres() {
  local uid port c pw=check-$RANDOM$RANDOM
  uid=$(image_uid)
  port=$(free_port)
  run_ro "$uid" --tmpfs "/var/lib/postgresql/data:rw,uid=$uid,gid=$uid,mode=0700" \
    -e PGPORT="$port" -e POSTGRES_LISTEN=127.0.0.1 -e POSTGRES_PASSWORD="$pw" -e POSTGRES_DB=converge_user,converge_chat "$REF"
  c=$C
  until_ok 90 "$c" docker exec "$c" healthcheck
  local out
  out=$(PGPASSWORD=$pw psql -h 127.0.0.1 -p "$port" -U postgres -d converge_chat -qAtc 'SELECT current_user, current_database()')
  [ "$out" = "postgres|converge_chat" ] || fail "password login over TCP gave: $out"
  PGPASSWORD=wrong psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAtc 'SELECT 1' >/dev/null 2>&1 \
    && fail "a wrong password was accepted"
  out=$(docker exec "$c" id -u)
  [ "$out" = "$uid" ] || fail "runs as $out"
  check_postgres_agent "$uid"
}

# The same image as the operator's instance pods run it: tini, then the agent, which bootstraps a primary
# when asked and answers /status with the token only.
check_postgres_agent() {
  local uid=$1 port aport c s token=tok-$RANDOM$RANDOM out
  port=$(free_port); aport=$(free_port)
  for k in superuser replication app; do
    mkdir -p "$TMPD/secrets/$k"; printf '%s' "u$k" >"$TMPD/secrets/$k/username"; printf 'pw-%s' "$RANDOM" >"$TMPD/secrets/$k/password"
  done
  mkdir -p "$TMPD/secrets/agent"; printf '%s' "$token" >"$TMPD/secrets/agent/token"
  printf '{"parameters":{},"synchronous":"","databases":["converge_chat"]}' >"$TMPD/postgresql.json"
  chmod -R a+rX "$TMPD/secrets" "$TMPD/postgresql.json"
  run_ro "$uid" --tmpfs "/var/lib/postgresql/data:rw,uid=$uid,gid=$uid,mode=0700" \
    -v "$TMPD/secrets:/etc/converge/secrets:ro" -v "$TMPD/postgresql.json:/etc/converge/config/postgresql.json:ro" \
    -e INSTANCE_NAME=pg-1 -e CLUSTER_NAME=pg -e PGPORT="$port" -e AGENT_PORT="$aport" -e AGENT_HOST=127.0.0.1 \
    --entrypoint tini "$REF" -- node /app/operator/dist/src/agent/main.js
  c=$C
  until_ok 60 "$c" curl -fsS "http://127.0.0.1:$aport/healthz"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$aport/status")" = 401 ] || fail "the agent's /status answered without the token"
  out=$(curl -fsS -X POST -H "authorization: Bearer $token" "http://127.0.0.1:$aport/bootstrap") || { docker logs --tail 30 "$c" >&2; fail "bootstrap"; }
  jq -e '.role == "primary" and .state == "running"' <<<"$out" >/dev/null || fail "after bootstrap the agent reports: $out"
  until_ok 30 "$c" curl -fsS "http://127.0.0.1:$aport/readyz"
  out=$(PGPASSWORD=$(cat "$TMPD/secrets/app/password") psql -h 127.0.0.1 -p "$port" -U uapp -d converge_chat -qAtc 'SELECT current_user')
  [ "$out" = uapp ] || fail "the app user's login gave: $out"
  docker logs "$c" 2>&1 | grep -q "$(cat "$TMPD/secrets/app/password")" && fail "a password is in the agent's log"
  return 0
}

check_operator() {
  local uid mport c metrics logs
  uid=$(image_uid)
  mport=$(free_port)
  # No API server to reach: it must still start, serve its probes and /metrics, and log JSON while it
  # retries the Lease.
  run_ro "$uid" -e METRICS_PORT="$mport" -e METRICS_HOST=127.0.0.1 -e WATCH_NAMESPACE=check "$REF"
  c=$C
  until_ok 60 "$c" curl -fsS "http://127.0.0.1:$mport/healthz"
  metrics=$(curl -fsS "http://127.0.0.1:$mport/metrics") || fail "/metrics"
  grep -q '^converge_operator_leader' <<<"$metrics" || fail "/metrics lacks converge_operator_leader"
  logs=$(docker logs "$c" 2>&1)
  jq -e 'has("msg")' <<<"${logs%%$'\n'*}" >/dev/null || fail "the first log line is not JSON with a msg: ${logs%%$'\n'*}"
}

check_redis() {
  local uid port c pw=check-$RANDOM$RANDOM out
  uid=$(image_uid)
  port=$(free_port)
  printf '%s' "$pw" >"$TMPD/redis-password"
  chmod 644 "$TMPD/redis-password"
  run_ro "$uid" --tmpfs "/data:rw,uid=$uid,gid=$uid" -v "$TMPD/redis-password:/run/secrets/redis-password:ro" \
    -e REDIS_PORT="$port" -e REDIS_PASSWORD_FILE=/run/secrets/redis-password "$REF"
  c=$C
  until_ok 60 "$c" docker exec "$c" healthcheck
  out=$(REDISCLI_AUTH=$pw redis-cli -h 127.0.0.1 -p "$port" ping)
  [ "$out" = PONG ] || fail "PING with the password answered $out"
  out=$(redis-cli -h 127.0.0.1 -p "$port" ping 2>&1 || true)
  [[ $out == *NOAUTH* ]] || fail "PING without the password answered $out"
  # Sentinel from the same image watches that server.
  local sport s
  sport=$(free_port)
  run_ro "$uid" --tmpfs "/data:rw,uid=$uid,gid=$uid" -e SENTINEL_PORT="$sport" -e REDIS_PASSWORD="$pw" \
    -e SENTINEL_MASTER_HOST=127.0.0.1 -e SENTINEL_MASTER_PORT="$port" -e SENTINEL_QUORUM=1 "$REF" sentinel
  s=$C
  sentinel_master() { [ "$(REDISCLI_AUTH=$pw redis-cli -h 127.0.0.1 -p "$sport" sentinel get-master-addr-by-name mymaster | tr '\n' ' ')" = "127.0.0.1 $port " ]; }
  until_ok 60 "$s" sentinel_master
}

check_nats() {
  local uid port mport c
  uid=$(image_uid)
  port=$(free_port)
  mport=$(free_port)
  run_ro "$uid" --tmpfs "/data:rw,uid=$uid,gid=$uid" -e NATS_USER=converge -e NATS_PASSWORD=check \
    -e NATS_MONITOR_PORT="$mport" "$REF" --config /etc/nats/nats.conf -p "$port" -m "$mport"
  c=$C
  until_ok 60 "$c" curl -fsS "http://127.0.0.1:$mport/healthz"
  docker exec "$c" healthcheck || fail "the image's healthcheck failed"
  # The chart's probes ask these (its liveness and readiness).
  curl -fsS "http://127.0.0.1:$mport/healthz?js-enabled-only=true" >/dev/null || fail "/healthz?js-enabled-only=true"
  curl -fsS "http://127.0.0.1:$mport/healthz?js-server-only=true" >/dev/null || fail "/healthz?js-server-only=true"
  [ "$(curl -fsS "http://127.0.0.1:$mport/jsz" | jq -r '.config.store_dir')" = /data/jetstream ] || fail "JetStream is not storing in /data"
}

# The redis and nats images of this build, for the services' checks (loaded when dockerd lacks them).
need_image() {
  local ref tar
  ref=$(jq -r --arg n "$1" '.[$n].ref // empty' "$INDEX")
  tar=$(jq -r --arg n "$1" '.[$n].tar // empty' "$INDEX")
  [ -n "$ref" ] || fail "image $1 is not built (build.sh builds it before $NAME)"
  docker image inspect "$ref" >/dev/null 2>&1 || docker load -i "$tar" >/dev/null
  echo "$ref"
}

# A throwaway database on the shared PostgreSQL, our own Redis and NATS from their images, and a
# signing key: what user and chat need to become ready. Sets SERVICE_ENV (docker run -e args).
start_backends() {
  local rport nport mport rpw=check-$RANDOM$RANDOM npw=check-$RANDOM$RANDOM redis nats
  DB=cvg_imagecheck_${NAME}_$$
  psql -h 127.0.0.1 -U postgres -qAtc "CREATE DATABASE \"$DB\"" >/dev/null || fail "cannot create database $DB on 127.0.0.1:5432"
  redis=$(need_image redis)
  nats=$(need_image nats)
  rport=$(free_port); nport=$(free_port); mport=$(free_port)
  run_ro 10233 --tmpfs /data:rw,uid=10233,gid=10233 -e REDIS_PORT="$rport" -e REDIS_PASSWORD="$rpw" "$redis"
  local rc=$C
  run_ro 10222 --tmpfs /data:rw,uid=10222,gid=10222 -e NATS_USER=converge -e NATS_PASSWORD="$npw" -e NATS_MONITOR_PORT="$mport" \
    "$nats" --config /etc/nats/nats.conf -p "$nport" -m "$mport"
  local nc=$C
  until_ok 60 "$rc" docker exec "$rc" healthcheck
  until_ok 60 "$nc" docker exec "$nc" healthcheck
  openssl genpkey -algorithm ed25519 -out "$TMPD/jwt.pem" 2>/dev/null
  chmod 644 "$TMPD/jwt.pem"
  SERVICE_ENV=(-e HOST=127.0.0.1 -e "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB"
    -e "REDIS_URL=redis://127.0.0.1:$rport" -e "REDIS_PASSWORD=$rpw"
    -e "NATS_URL=nats://127.0.0.1:$nport" -e NATS_USER=converge -e "NATS_PASSWORD=$npw"
    -e SHUTDOWN_TIMEOUT_MS=5000)
}

# Runs the migrations as the chart's init container does (node dist/src/migrate.js, same image).
migrate() {
  local uid=$1 ref=$2 out; shift 2
  out=$(timeout 180 docker run --rm --read-only --user "$uid" --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
    --network host "${SERVICE_ENV[@]}" "$@" --entrypoint node "$ref" dist/src/migrate.js 2>&1) || { echo "$out" >&2; fail "migrations failed"; }
  echo "$out" | grep -q '"msg":"Migrations applied"' || { echo "$out" >&2; fail "migrate.js did not report 'Migrations applied'"; }
}

# Starts a service image ready on /readyz, /metrics on its own port, JSON log lines. Sets PORT_OF.
serve() {
  local uid=$1 ref=$2 port mport c; shift 2
  port=$(free_port); mport=$(free_port)
  run_ro "$uid" -e PORT="$port" -e METRICS_PORT="$mport" "$@" "$ref"
  c=$C
  until_ok 120 "$c" curl -fsS "http://127.0.0.1:$port/readyz"
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "/healthz"
  # Captured first: grep -q or head closing the pipe early would fail the writer under pipefail.
  local metrics logs
  metrics=$(curl -fsS "http://127.0.0.1:$mport/metrics") || fail "/metrics on METRICS_PORT"
  grep -q '^# HELP ' <<<"$metrics" || fail "/metrics on METRICS_PORT is not Prometheus text"
  logs=$(docker logs "$c" 2>&1)
  jq -e 'has("msg")' <<<"${logs%%$'\n'*}" >/dev/null || fail "the first log line is not JSON with a msg: ${logs%%$'\n'*}"
  PORT_OF=$port
}

check_user() {
  local uid
  uid=$(image_uid)
  start_backends
  migrate "$uid" "$REF" -e JWT_KEY_FILE=/run/secrets/jwt.pem -v "$TMPD/jwt.pem:/run/secrets/jwt.pem:ro"
  serve "$uid" "$REF" "${SERVICE_ENV[@]}" -e JWT_KEY_FILE=/run/secrets/jwt.pem -v "$TMPD/jwt.pem:/run/secrets/jwt.pem:ro"
  local jwks
  jwks=$(curl -fsS "http://127.0.0.1:$PORT_OF/.well-known/jwks.json") || fail "JWKS"
  jq -e '.keys | length == 1' <<<"$jwks" >/dev/null || fail "JWKS: $jwks"
}

check_chat() {
  local uid user
  uid=$(image_uid)
  start_backends
  # Chat verifies tokens with the user service's JWKS: that service from its image, on the same database.
  user=$(need_image user)
  migrate 10001 "$user" -e JWT_KEY_FILE=/run/secrets/jwt.pem -v "$TMPD/jwt.pem:/run/secrets/jwt.pem:ro"
  serve 10001 "$user" "${SERVICE_ENV[@]}" -e JWT_KEY_FILE=/run/secrets/jwt.pem -v "$TMPD/jwt.pem:/run/secrets/jwt.pem:ro"
  local jwks=http://127.0.0.1:$PORT_OF/.well-known/jwks.json
  SERVICE_ENV+=(-e "DATABASE_URL=postgres://postgres@127.0.0.1:5432/${DB}_chat" -e "JWKS_URL=$jwks")
  migrate "$uid" "$REF"
  serve "$uid" "$REF" "${SERVICE_ENV[@]}"
}

check_web() {
  local uid
  uid=$(image_uid)
  serve "$uid" "$REF"
  local page
  page=$(curl -fsS "http://127.0.0.1:$PORT_OF/") || fail "GET /"
  grep -qi '<!doctype html' <<<"$page" || fail "GET / does not serve the app"
}

main() {
  NAME=$1 REF=$2
  INDEX=${CONVERGE_CACHE:-$HOME/.cache/converge}/images/index.json
  NODE_VERSION=$(sed -n 's/^readonly NODE_VERSION=\([^ ]*\).*/\1/p' "$(dirname "$0")/build.sh")
  NPM_VERSION=$(sed -n 's/^readonly NPM_VERSION=\([^ ]*\).*/\1/p' "$(dirname "$0")/build.sh")
  TMPD=$(mktemp -d)
  chmod 755 "$TMPD"
  trap cleanup EXIT
  "check_$NAME"
  log "ok"
}

main "$@"
