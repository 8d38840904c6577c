#!/bin/bash
# Compose's probe without curl in the image: GET /healthz on the monitoring port answers 200.
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/${NATS_MONITOR_PORT:-8222}"
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r _ code _ <&3
[ "$code" = 200 ]
