#!/usr/bin/env bash
# Makes sure PostgreSQL (:5432), Redis (:6379) and NATS with JetStream (:4222) answer on loopback.
# Uses the machine's running servers; when one is absent, starts its own from system binaries
# (installing the Debian package first if the binary is missing), with data under .dev/backends.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${BACKENDS_DIR:-$PWD/.dev/backends}
pg_port=${PG_PORT:-5432} redis_port=${REDIS_PORT:-6379} nats_port=${NATS_PORT:-4222}
mkdir -p "$root"

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_up() { for _ in $(seq 1 100); do up "$1" && return 0; sleep 0.1; done; echo "backends: $2 did not come up on :$1" >&2; return 1; }
apt_install() {
  command -v apt-get >/dev/null || { echo "backends: $1 missing and no apt-get" >&2; exit 1; }
  [ -f /var/lib/apt/lists/.converge-updated ] || { apt-get update -qq && touch /var/lib/apt/lists/.converge-updated; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! up "$pg_port"; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$pgbin" ] || { apt_install postgresql; pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); }
  data=$root/pg
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown postgres "$data" 2>/dev/null || true
    runuser -u postgres -- "$pgbin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  chown -R postgres "$data" 2>/dev/null || true
  echo "backends: starting own PostgreSQL ($data)"
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$data" -l "$data/log" -o "-p $pg_port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  wait_up "$pg_port" PostgreSQL
fi

if ! up "$redis_port"; then
  command -v redis-server >/dev/null || apt_install redis-server
  echo "backends: starting own Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$root" --pidfile "$root/redis.pid" --logfile "$root/redis.log"
  wait_up "$redis_port" Redis
fi

if ! up "$nats_port"; then
  command -v nats-server >/dev/null || apt_install nats-server
  echo "backends: starting own NATS"
  mkdir -p "$root/nats"
  nohup nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$root/nats" >"$root/nats.log" 2>&1 &
  echo $! > "$root/nats.pid"
  wait_up "$nats_port" NATS
fi
