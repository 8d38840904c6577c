#!/bin/bash
# Redis 7 as PID 1, password-protected. The password comes from REDIS_PASSWORD or from the file named
# by REDIS_PASSWORD_FILE (a mounted secret); it goes into a mode-600 config file under /tmp, never on
# a command line (ps would show it). Replicas and Sentinels authenticate with the same password.
#   server [args...]   redis-server on REDIS_PORT (6379), data in /data (append-only file); extra args
#                      go to redis-server (e.g. --replicaof HOST PORT)
#   sentinel           redis-sentinel on SENTINEL_PORT (26379) watching REDIS_MASTER_NAME (mymaster) at
#                      SENTINEL_MASTER_HOST:SENTINEL_MASTER_PORT (6379) with SENTINEL_QUORUM (2); its
#                      config (which Sentinel rewrites) lives in /data. Without SENTINEL_MASTER_HOST it
#                      monitors nothing until told to (the operator seeds it with SENTINEL MONITOR: a
#                      guessed master in a restarted Sentinel's config is worse than none).
#                      SENTINEL_ANNOUNCE_IP: the address (a DNS name) it announces to the others.
set -euo pipefail

password() {
  if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then cat "$REDIS_PASSWORD_FILE"
  elif [ -n "${REDIS_PASSWORD:-}" ]; then printf '%s' "$REDIS_PASSWORD"
  else echo "redis-entrypoint: set REDIS_PASSWORD or REDIS_PASSWORD_FILE" >&2; return 1
  fi
}

main() {
  local mode=${1:-server} pw conf
  [ $# -eq 0 ] || shift
  pw=$(password)
  [ -n "$pw" ] || { echo "redis-entrypoint: the password is empty" >&2; return 1; }
  # Quoted for redis.conf: backslashes and double quotes escaped.
  pw=${pw//\\/\\\\}; pw=${pw//\"/\\\"}
  umask 077
  case $mode in
    server)
      conf=/tmp/redis.conf
      cat >"$conf" <<CONF
bind * -::*
protected-mode no
port ${REDIS_PORT:-6379}
dir /data
appendonly yes
requirepass "$pw"
masterauth "$pw"
CONF
      exec redis-server "$conf" "$@" ;;
    sentinel)
      conf=/data/sentinel.conf
      [ -f "$conf" ] || cat >"$conf" <<CONF
bind * -::*
protected-mode no
port ${SENTINEL_PORT:-26379}
dir /tmp
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
requirepass "$pw"
CONF
      if [ -n "${SENTINEL_ANNOUNCE_IP:-}" ] && ! grep -q '^sentinel announce-ip' "$conf"; then
        echo "sentinel announce-ip ${SENTINEL_ANNOUNCE_IP}" >>"$conf"
      fi
      if [ -n "${SENTINEL_MASTER_HOST:-}" ] && ! grep -q '^sentinel monitor' "$conf"; then
        cat >>"$conf" <<CONF
sentinel monitor ${REDIS_MASTER_NAME:-mymaster} ${SENTINEL_MASTER_HOST} ${SENTINEL_MASTER_PORT:-6379} ${SENTINEL_QUORUM:-2}
sentinel auth-pass ${REDIS_MASTER_NAME:-mymaster} "$pw"
sentinel down-after-milliseconds ${REDIS_MASTER_NAME:-mymaster} ${SENTINEL_DOWN_AFTER_MS:-5000}
CONF
      fi
      exec redis-sentinel "$conf" "$@" ;;
    *) exec "$mode" "$@" ;;
  esac
}

main "$@"
