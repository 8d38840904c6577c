#!/usr/bin/env bash
# `make dev`: installs, builds, prepares databases and runs every process on loopback until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dev=$root/.dev
mkdir -p "$dev/logs"

bash hack/deps.sh
bash hack/backends.sh
echo "dev: building"
bash hack/build.sh

# A development signing key, made once and kept out of git (.dev is ignored).
node services/user/dist/src/generate-key.js "$dev/jwt-key.pem"

export HOST=127.0.0.1 LOG_LEVEL=${LOG_LEVEL:-info}
# Developers get GraphiQL (and so introspection) on /graphql; production leaves both off.
export GRAPHIQL=${GRAPHIQL:-true}
export DATABASE_USER_URL=${DATABASE_USER_URL:-postgres://postgres@127.0.0.1:5432/converge_user}
export DATABASE_CHAT_URL=${DATABASE_CHAT_URL:-postgres://postgres@127.0.0.1:5432/converge_chat}
for url in "$DATABASE_USER_URL" "$DATABASE_CHAT_URL"; do
  node -e "require('@converge/runtime').ensureDatabase(process.argv[1]).catch(e=>{console.error(e.message);process.exit(1)})" "$url"
done
for svc in user chat; do
  url_var=DATABASE_${svc^^}_URL
  if [ -f "services/$svc/dist/src/migrate.js" ]; then
    DATABASE_URL=${!url_var} node "services/$svc/dist/src/migrate.js"
  fi
done

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "dev: stopping"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -z "${dev_redis_pid:-}" ] || { kill -TERM "$dev_redis_pid" 2>/dev/null || true; wait "$dev_redis_pid" 2>/dev/null || true; }
  exit 0
}
trap stop INT TERM EXIT

# Redis with a password, as in a cluster: make dev's own redis-server (the machine's :6379 stays
# as it is), its password made once under .dev and handed over as the chart hands over its Secret.
dev_redis_port=${DEV_REDIS_PORT:-6390}
[ -s "$dev/redis-password" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dev/redis-password")
mkdir -p "$dev/redis"
# The password goes in a config file (mode 600), not on the command line where ps would show it.
(umask 077; printf 'bind 127.0.0.1\nport %s\nsave ""\nappendonly no\ndir %s\nrequirepass %s\n' \
  "$dev_redis_port" "$dev/redis" "$(cat "$dev/redis-password")" >"$dev/redis/redis.conf")
redis-server "$dev/redis/redis.conf" >"$dev/logs/redis.log" 2>&1 &
dev_redis_pid=$!
export REDIS_URL=redis://127.0.0.1:$dev_redis_port REDIS_PASSWORD
REDIS_PASSWORD=$(cat "$dev/redis-password")


run() { # name port entry env...
  local name=$1 port=$2 entry=$3; shift 3
  if [ ! -f "$entry" ]; then echo "dev: $name not built yet ($entry), skipped"; return; fi
  env PORT="$port" "$@" node "$entry" >"$dev/logs/$name.log" 2>&1 &
  pids+=($!)
  started+=("$name http://127.0.0.1:$port")
}
started=()
# Each process serves /metrics on its own METRICS_PORT (one machine, so one port each).
# Registrations per IP: everything here comes from 127.0.0.1, and `make load` registers its users
# (100 by default, once: later runs log them in), far past the production default of 20 an hour.
run user 3000 services/user/dist/src/main.js METRICS_PORT=9464 DATABASE_URL="$DATABASE_USER_URL" JWT_KEY_FILE="$dev/jwt-key.pem" REGISTER_MAX_PER_IP="${REGISTER_MAX_PER_IP:-10000}"
run chat 3002 services/chat/dist/src/main.js METRICS_PORT=9465 DATABASE_URL="$DATABASE_CHAT_URL" OTEL_SERVICE_NAME=chat-a
run chat-b 3012 services/chat/dist/src/main.js METRICS_PORT=9466 DATABASE_URL="$DATABASE_CHAT_URL" OTEL_SERVICE_NAME=chat-b
run web 3001 web/dist-server/main.js METRICS_PORT=9467 USER_SERVICE_URL=http://127.0.0.1:3000 CHAT_SERVICE_URL=http://127.0.0.1:3002

for entry in "${started[@]}"; do
  name=${entry%% *}; url=${entry#* }
  for _ in $(seq 1 150); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  if curl -fs "$url/readyz" >/dev/null 2>&1; then status=ready; else status="NOT READY (see .dev/logs/$name.log)"; fi
  printf '  %-7s %-24s %s\n' "$name" "$url" "$status"
done
echo
if [ -f web/dist-server/main.js ]; then echo "Converge is running. Open the web client: http://127.0.0.1:3001"; else echo "Converge is running (the web client is not built yet)."; fi
echo "Logs: .dev/logs/*.log (JSON). Ctrl-C stops everything started here."
wait
