#!/bin/bash
# Compose's and a pod's probe: the server answers PING with the password (REDISCLI_AUTH keeps it off
# the command line).
set -euo pipefail
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then REDISCLI_AUTH=$(cat "$REDIS_PASSWORD_FILE"); else REDISCLI_AUTH=${REDIS_PASSWORD:-}; fi
export REDISCLI_AUTH
[ "$(redis-cli -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping)" = PONG ]
