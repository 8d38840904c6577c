#!/bin/bash
# Starts PostgreSQL 15 as PID 1. On first start (empty $PGDATA) it runs initdb with the superuser
# POSTGRES_USER (default postgres) and its password (POSTGRES_PASSWORD, or a file named by
# POSTGRES_PASSWORD_FILE: a mounted secret), allows password (scram-sha-256) logins from any address,
# and creates the databases in POSTGRES_DB (comma-separated, owned by POSTGRES_USER). Later starts
# keep the data as it is. Port: PGPORT (default 5432). Extra arguments go to postgres (-c name=value).
set -euo pipefail

password() {
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then cat "$POSTGRES_PASSWORD_FILE"
  elif [ -n "${POSTGRES_PASSWORD:-}" ]; then printf '%s' "$POSTGRES_PASSWORD"
  else echo "postgres-entrypoint: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2; return 1
  fi
}

init() {
  local user=${POSTGRES_USER:-postgres} pwfile db
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp /tmp/pw.XXXXXX)
  password >"$pwfile"
  [ -s "$pwfile" ] || { echo "postgres-entrypoint: the password is empty" >&2; return 1; }
  # Local (socket in /tmp, inside the container only) trusts; every TCP login needs the password.
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ]; then
    # The setup server listens on a socket of its own, never on /tmp where the health check looks:
    # otherwise the check passes during setup and clients meet the restart that follows it.
    local setup_socket
    setup_socket=$(mktemp -d /tmp/pg-setup.XXXXXX)
    pg_ctl -D "$PGDATA" -w -t 60 -o "-c listen_addresses='' -c unix_socket_directories=$setup_socket" start >/dev/null
    for db in ${POSTGRES_DB//,/ }; do
      psql -v ON_ERROR_STOP=1 -h "$setup_socket" -U "$user" -d postgres -qc "CREATE DATABASE \"$db\" OWNER \"$user\"" >/dev/null
    done
    pg_ctl -D "$PGDATA" -w -t 60 -m fast stop >/dev/null
    rmdir "$setup_socket"
  fi
  echo "{\"msg\":\"PostgreSQL data directory initialised\",\"pgdata\":\"$PGDATA\",\"databases\":\"${POSTGRES_DB:-}\"}"
}

main() {
  [ -s "$PGDATA/PG_VERSION" ] || init
  exec postgres -D "$PGDATA" -c listen_addresses="${POSTGRES_LISTEN:-*}" -c unix_socket_directories=/tmp \
    -c logging_collector=off "$@"
}

main "$@"
