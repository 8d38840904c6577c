#!/bin/bash
# Redis 7 as PID 1, password-protected. The password comes from REDIS_PASSWORD or from the file named
# by REDIS_PASSWORD_FILE (a mounted secret); it goes into a mode-600 config file under /tmp, never on
# a command line (ps would show it). Replicas and Sentinels authenticate with the same password.
#   server [args...]   redis-server on REDIS_PORT (6379), data in /data (append-only file); extra args
#                      go to redis-server (e.g. --replicaof HOST PORT). With SENTINEL_HEADLESS (the
#                      Sentinels' headless Service), REDIS_MASTER_NAME and REDIS_ANNOUNCE_HOST (this pod's
#                      announced name) it first asks the Sentinels who the master is: see rejoin_args.
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

log() { printf '{"level":"%s","msg":"%s","pod":"%s"}\n' "$1" "$2" "${REDIS_ANNOUNCE_HOST:-}" >&2; }

# Every Sentinel pod's address (the headless Service publishes them ready or not).
sentinel_ips() { getent ahostsv4 "$SENTINEL_HEADLESS" | awk '{print $1}' | sort -u; }

# One SENTINEL command to the Sentinel at $1, answered within 2 s or not at all.
ask_sentinel() { timeout 2 redis-cli --no-auth-warning -h "$1" -p "${SENTINEL_PORT:-26379}" SENTINEL "${@:2}" 2>/dev/null; }

# `host port` of the master a majority of the answering Sentinels name; nothing when fewer than half
# answer or they do not agree (bootstrap, or a split the operator reports).
sentinel_master() {
  local ip answered=0 views=() top count
  for ip in $(sentinel_ips); do
    local v
    v=$(ask_sentinel "$ip" get-master-addr-by-name "$REDIS_MASTER_NAME" | paste -sd' ') || continue
    answered=$((answered + 1))
    [ -n "$v" ] && views+=("$v")
  done
  [ ${#views[@]} -gt 0 ] || return 0
  read -r count top < <(printf '%s\n' "${views[@]}" | sort | uniq -c | sort -rn | head -1)
  if [ "$count" -gt $((answered / 2)) ]; then printf '%s' "$top"; fi
}

# A replica the Sentinels see as up, which could take over from this pod.
replica_up() {
  local ip
  for ip in $(sentinel_ips); do
    ask_sentinel "$ip" replicas "$REDIS_MASTER_NAME" |
      awk 'prev=="flags" && $0 !~ /s_down|o_down|disconnected/ {up=1} {prev=$0} END {exit !up}' && return 0
  done
  return 1
}

# The arguments this server starts with, from what the Sentinels say:
# - they name another master: start as its replica at once (not as a second master Sentinel must
#   demote later);
# - they name this pod and this volume has run a server before, so the master crashed or was
#   restarted: stay down until they fail over to a replica, up to MASTER_RESTART_WAIT_S. A master
#   back within Sentinel's down-after window would keep the role with its append-only file, which
#   trails what the replicas already hold by up to a second (appendfsync everysec), and they would
#   resynchronise from it and drop those writes. With no replica up to take over, start at once;
# - no Sentinel answers or monitors (the first start) or they disagree: start as configured.
rejoin_args() {
  [ -n "${SENTINEL_HEADLESS:-}" ] && [ -n "${REDIS_MASTER_NAME:-}" ] && [ -n "${REDIS_ANNOUNCE_HOST:-}" ] || return 0
  local wait_s=${MASTER_RESTART_WAIT_S:-20}
  local deadline=$((SECONDS + wait_s)) master waited=0
  while :; do
    master=$(sentinel_master)
    [ -n "$master" ] || return 0
    if [ "${master%% *}" != "$REDIS_ANNOUNCE_HOST" ]; then
      log info "the Sentinels name ${master%% *} master: starting as its replica"
      printf '%s\n' --replicaof "${master%% *}" "${master##* }"
      return 0
    fi
    [ -f /data/.converge-server-ran ] || return 0
    [ "$SECONDS" -lt "$deadline" ] || { log warn "the Sentinels still name this pod master after $wait_s s: starting as master"; return 0; }
    replica_up || { log info "restarted master, no replica up to take over: starting as master"; return 0; }
    [ "$waited" -eq 1 ] || log info "restarted master: waiting for the Sentinels to promote a replica"
    waited=1
    sleep 0.5
  done
}

main() {
  local mode=${1:-server} pw conf
  [ $# -eq 0 ] || shift
  pw=$(password)
  [ -n "$pw" ] || { echo "redis-entrypoint: the password is empty" >&2; return 1; }
  local pw_raw=$pw
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
      local extra=()
      # In a subshell: the password reaches redis-cli's environment, not redis-server's.
      mapfile -t extra < <(export REDISCLI_AUTH="$pw_raw"; rejoin_args)
      touch /data/.converge-server-ran
      exec redis-server "$conf" "$@" "${extra[@]}" ;;
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
