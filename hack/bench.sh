#!/usr/bin/env bash
# `make bench` (after `make build`): the chat service against its ceilings, side by side in one run, and
# Centrifugo v6 (2 nodes on the bench's redis-server) as a second fan-out ceiling, printed as a peer.
# Prints a table (figures, ceilings, ratios, target met yes/no) and writes .test-results/bench.json.
# Knobs (environment): BENCH_MEASURE_MS (5000) BENCH_WARMUP_MS (1000) BENCH_CLIENT_PROCS (2)
# BENCH_IDLE_SOCKETS (2000) BENCH_FANOUT (10,100,1000) BENCH_ONLY (bare,raw,chat,centrifugo) BENCH_PROFILE (1)
# BENCH_PHASES (memory,sends,latency,fanout) BENCH_ROOMS (100) BENCH_SENDERS_PER_ROOM (2)
# BENCH_FANOUT_SENDERS (10) BENCH_BODY_CHARS (120) BENCH_CHAT_DB_POOL (10)
# BENCH_CHAT_ENV ("KEY=VAL,...", extra chat env). About 3.5 minutes with the defaults on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-results

# Thousands of sockets on each side of loopback: one descriptor each, plus the servers' own.
want=65536
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want" 2>/dev/null || true

bash hack/backends.sh
for bin in redis-server nats-server; do
  command -v "$bin" >/dev/null || { echo "bench: $bin is needed (the bench starts its own)" >&2; exit 1; }
done
[ -f bench/dist/src/main.js ] || npm run build --silent -w bench
[ -f services/chat/dist/src/main.js ] || echo "bench: services/chat is not built; only the ceilings will be measured" >&2
# Centrifugo is built from source once (go install, about 6 minutes cold; cached in ~/.cache/converge/bin,
# CONVERGE_CACHE respected) when the fan-out phase wants it. Without it the bench skips it with a note.
if [[ ",${BENCH_ONLY:-centrifugo}," == *,centrifugo,* && ",${BENCH_PHASES:-fanout}," == *,fanout,* ]]; then
  bash hack/tools/install.sh centrifugo || echo "bench: centrifugo could not be built; the fan-out phase runs without it" >&2
fi

echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, fd limit $(ulimit -n)"
exec node bench/dist/src/main.js
