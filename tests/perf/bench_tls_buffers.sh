#!/usr/bin/env bash
# The hot-path cost of freeing OpenSSL's record buffers while a TLS connection is idle (mqtk-bench's
# default) against keeping them (--tls-keep-buffers): mqtk-bench's CPU time per message (sent plus
# received) over mqtts to a local mosquitto, each mode RUNS times in turn, best run of each counts.
#   A. busy: 10 publishers x RATE msg/s, one subscriber (reads come in batches)
#   B. a fleet at a trickle: 500 publishers x 4 msg/s, one subscriber (every publish wakes an idle
#      connection: the worst case for freeing, a buffer allocated and freed per message)
# and the RSS growth per idle TLS connection of each mode (conn -C 1000).
#   tests/perf/bench_tls_buffers.sh [RATE=2000] [SECONDS=10]
# Environment: MQTK_BUILD_DIR, RUNS (default 2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
rate=${1:-2000}
seconds=${2:-10}
runs=${RUNS:-2}
((seconds >= 3)) || { echo "SECONDS must be at least 3 (CPU is counted between progress lines)" >&2; exit 2; }
bench=$(perf_tool mqtk-bench)
ulimit -n "$(ulimit -Hn)"
certs=$(mktemp -d)
perf_make_certs "$certs"
PERF_BROKER_CONFIG="$(printf 'cafile %s\ncertfile %s\nkeyfile %s\nmax_connections -1' \
  "$certs/ca.pem" "$certs/server.pem" "$certs/server.key")"
perf_start_broker
trap 'kill $PERF_BROKER 2>/dev/null; wait $PERF_BROKER 2>/dev/null; rm -rf "$PERF_DIR" "$certs"' EXIT
args=(-L "mqtts://localhost:$PERF_PORT" --cafile "$certs/ca.pem")

# cpu_per_message NAME FLAGS...: one pubsub run; prints "ns_per_message lost". Only the CPU time
# between the first and the last progress line counts (the TLS handshakes before are not the hot
# path), divided by the messages sent and received in those intervals.
cpu_per_message() {
  local name=$1
  shift
  python3 - "$PERF_DIR/$name" "$bench" "${args[@]}" "$@" --json --interval 1 <<'PY'
import json, os, subprocess, sys
out, argv = sys.argv[1], sys.argv[2:]
ticks = os.sysconf("SC_CLK_TCK")
with open(out + ".err", "w") as err:
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True)
    def cpu():
        fields = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks
    first = last = None
    messages = 0
    summary = None
    for line in p.stdout:
        obj = json.loads(line)
        if obj["type"] == "progress":
            now = cpu()
            if first is None:
                first = now
            else:
                messages += obj["sent"] + obj["received"]
                last = now
        else:
            summary = obj
    p.wait()
print(f"{(last - first) / messages * 1e9:.0f} {summary['received']['lost']}")
PY
}

# scenario LABEL FLAGS...: both modes, RUNS times in turn; prints the best of each and the ratio.
scenario() {
  local label=$1 best_free=0 best_keep=0 r out
  shift
  for ((r = 1; r <= runs; r++)); do
    for mode in free keep; do
      local extra=()
      [[ $mode == keep ]] && extra=(--tls-keep-buffers)
      out=$(cpu_per_message "$mode$r" "${extra[@]}" "$@")
      read -r ns lost <<<"$out"
      echo "  run $r $mode: $ns ns CPU per message, lost $lost"
      if [[ $mode == free ]]; then
        ((best_free == 0 || ns < best_free)) && best_free=$ns
      else
        ((best_keep == 0 || ns < best_keep)) && best_keep=$ns
      fi
    done
  done
  python3 -c "import sys; f, k = map(int, sys.argv[2:]); print(f'{sys.argv[1]}: freed while idle {f} ns, kept {k} ns per message: {(f - k) / k * 100:+.0f}%')" \
    "$label" "$best_free" "$best_keep"
}

echo "== A. pubsub -C 10 --rate $rate -D $seconds (one subscriber)"
scenario "A busy" pubsub -C 10 --rate "$rate" -D "$seconds" --connect-rate 1000
echo "== B. pubsub -C 500 --rate 4 -D $seconds (one subscriber)"
scenario "B trickle" pubsub -C 500 --rate 4 -D "$seconds" --connect-rate 1000

echo "== idle memory: conn -C 1000"
for mode in free keep; do
  extra=()
  [[ $mode == keep ]] && extra=(--tls-keep-buffers)
  per=()
  for count in 1 1000; do
    rm -f "$PERF_DIR/idle.out"
    "$bench" "${args[@]}" "${extra[@]}" conn -C "$count" --connect-rate 1000 -D 3 --interval 1 >"$PERF_DIR/idle.out" 2>&1 &
    b=$!
    until grep -q connected "$PERF_DIR/idle.out" 2>/dev/null; do sleep 0.2; done
    per+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$b/status")")
    wait $b
  done
  python3 -c "import sys; a, b = map(int, sys.argv[2:]); print(f'{sys.argv[1]}: {(b - a) / 999:.1f} KiB per idle TLS connection')" \
    "$mode" "${per[0]}" "${per[1]}"
done
