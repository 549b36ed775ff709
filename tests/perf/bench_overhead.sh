#!/usr/bin/env bash
# mqtk-bench's own cost, so that what it measures is the broker and not itself:
#   1. receiving: mqtk-bench sub and the anchor mosquitto_sub subscribed side by side to the same
#      COUNT QoS 0 bench messages (from one mqtk-bench publisher): CPU time per message of each and
#      the ratio (mqtk-bench parses every header, records the latency and tracks sequences);
#   2. load at a fixed rate: mqtk-bench pubsub with 10 publishers at RATE messages/s each and one
#      subscriber; CPU of mqtk-bench against the broker's CPU for the same traffic (/proc);
#   3. connections: mqtk-bench conn with CONNS connections; connection rate, peak RSS per connection.
#   tests/perf/bench_overhead.sh [COUNT=1000000] [RATE=5000] [CONNS=5000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
count=${1:-1000000}
rate=${2:-5000}
conns=${3:-5000}
bench=$(perf_tool mqtk-bench)
ulimit -n "$(ulimit -Hn)" # the broker and mqtk-bench need a descriptor per connection
perf_start_broker
ticks=$(getconf CLK_TCK)
broker_cpu() { awk '{print $14 + $15}' "/proc/$PERF_BROKER/stat"; }
args=(-h 127.0.0.1 -p "$PERF_PORT")
wait_subscribed() { for _ in $(seq 100); do grep -q "$1" "$PERF_DIR/log" && return 0; sleep 0.05; done; }

echo "== 1. receiving $count messages: mqtk-bench sub against mosquitto_sub"
/usr/bin/time -f '%U %S %M' -o "$PERF_DIR/bench.time" "$bench" "${args[@]}" sub -t 'perf/#' -n "$count" -D 600 \
  --quiet -I perfbench >"$PERF_DIR/bench.out" &
b=$!
/usr/bin/time -f '%U %S %M' -o "$PERF_DIR/mosq.time" mosquitto_sub "${args[@]}" -t 'perf/#' -C "$count" \
  -i perfmosq >/dev/null &
m=$!
sleep 0.5
"$bench" "${args[@]}" pub -t perf/%i -n "$count" --quiet >/dev/null
wait $b $m
python3 - "$PERF_DIR" "$count" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
def cpu(name):
    u, s, rss = open(f"{d}/{name}.time").read().split()
    return float(u) + float(s), int(rss)
b, brss = cpu("bench"); m, mrss = cpu("mosq")
print(f"mqtk-bench sub: {b / n * 1e9:,.0f} ns CPU/message, peak RSS {brss / 1024:.1f} MiB")
print(f"mosquitto_sub:  {m / n * 1e9:,.0f} ns CPU/message, peak RSS {mrss / 1024:.1f} MiB")
print(f"ratio mqtk-bench / mosquitto_sub: {b / m:.2f}")
PY
grep -E '^received' "$PERF_DIR/bench.out"

echo "== 2. 10 publishers at $rate msg/s each, one subscriber, 10 s"
c0=$(broker_cpu)
/usr/bin/time -f '%U %S %M' -o "$PERF_DIR/load.time" "$bench" "${args[@]}" pubsub -C 10 --rate "$rate" -D 10 \
  --quiet >"$PERF_DIR/load.out"
c1=$(broker_cpu)
grep -E '^(published|received|latency)' "$PERF_DIR/load.out"
python3 - "$PERF_DIR" "$c0" "$c1" "$ticks" <<'PY'
import sys
d, c0, c1, ticks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
u, s, rss = open(f"{d}/load.time").read().split()
bench = float(u) + float(s); broker = (c1 - c0) / ticks
print(f"CPU: mqtk-bench {bench:.2f} s, broker {broker:.2f} s, ratio {bench / broker:.2f}; peak RSS {int(rss) / 1024:.1f} MiB")
PY

echo "== 3. $conns connections"
/usr/bin/time -f '%U %S %M' -o "$PERF_DIR/conn.time" "$bench" "${args[@]}" conn -C "$conns" --connect-rate 100000 \
  -D 1 --quiet >"$PERF_DIR/conn.out"
grep -E '^(connections|connack)' "$PERF_DIR/conn.out"
python3 - "$PERF_DIR" "$conns" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
u, s, rss = open(f"{d}/conn.time").read().split()
print(f"peak RSS {int(rss) / 1024:.1f} MiB, {int(rss) / n:.1f} KiB per connection; CPU {float(u) + float(s):.2f} s")
PY
