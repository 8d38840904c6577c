# shellcheck shell=bash
# Helpers shared by hack/kube/up.sh and hack/kube/cluster-up.sh (sourced). Logs go to $KUBE_LOGS/<name>.log.

# free_ports N: N distinct free TCP ports on 127.0.0.1, all held open until every one is chosen.
free_ports() {
  node -e '
    const net = require("net"); const n = +process.argv[1]; const s = []; const out = [];
    const next = () => { if (out.length === n) { console.log(out.join(" ")); s.forEach((x) => x.close()); return; }
      const x = net.createServer().listen(0, "127.0.0.1", () => { out.push(x.address().port); s.push(x); next(); }); };
    next();' "$1"
}

# start_logged PIDS-FILE NAME ARGS...: runs ARGS in the background, output to $KUBE_LOGS/NAME.log,
# and records "NAME PID" so the matching down script stops it by PID.
start_logged() {
  local pids=$1 name=$2
  shift 2
  "$@" >"$KUBE_LOGS/$name.log" 2>&1 &
  echo "$name $!" >>"$pids"
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND until it succeeds; on timeout prints WHAT's log tail.
wait_for() {
  local what=$1 secs=$2
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || {
      echo "kube: $what not ready after ${secs}s" >&2
      [ -f "$KUBE_LOGS/$what.log" ] && tail -20 "$KUBE_LOGS/$what.log" >&2
      return 1
    }
    sleep 0.5
  done
}
