#!/usr/bin/env bash
# mqtk-bench's own cost, so that what it measures is the broker and not itself:
#   1. receiving: mqtk-bench sub, the anchor mosquitto_sub and mqtk-sub subscribed side by side to
#      the same COUNT QoS 0 bench messages (from one unpaced mqtk-bench publisher): CPU per message
#      of each, mosquitto's own CPU per message delivered, and the ratios;
#  1b. exactness of the read hold: mqtk-bench sub and mqtk-bench sub --no-read-hold (every read at
#      once) on one stream of COUNT/4: CPU per message of both, ratios of their latency figures;
#   2. load at a fixed rate: mqtk-bench pubsub with 10 publishers at RATE messages/s each and one
#      subscriber; CPU of mqtk-bench against the broker's CPU for the same traffic (/proc);
#   3. connections: mqtk-bench conn with CONNS connections; connection rate, peak RSS per connection.
#   tests/perf/bench_overhead.sh [COUNT=1000000] [RATE=5000] [CONNS=5000]
# Environment: MQTK_BUILD_DIR; RUNS (default 1): parts 1 and 2 this many times, then the range of
# each figure over the runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
count=${1:-1000000}
rate=${2:-5000}
conns=${3:-5000}
runs=${RUNS:-1}
bench=$(perf_tool mqtk-bench)
mqtk_sub=$(perf_tool mqtk-sub)
# The reference subscriber reads at once: --no-read-hold, or a build from before the read hold.
no_hold=(--no-read-hold)
"$bench" --help | grep -q -- --no-read-hold || no_hold=()
ulimit -n "$(ulimit -Hn)" # the broker and mqtk-bench need a descriptor per connection
perf_start_broker
ticks=$(getconf CLK_TCK)
broker_cpu() { awk '{print $14 + $15}' "/proc/$PERF_BROKER/stat"; }
args=(-h 127.0.0.1 -p "$PERF_PORT")
# wait_connected ID: until mosquitto logged the client's CONNECT (its SUBSCRIBE follows at once).
wait_connected() { for _ in $(seq 200); do grep -q " as $1 " "$PERF_DIR/log" && return 0; sleep 0.05; done; }
figures="$PERF_DIR/figures" # one "run name value" line per figure, for the ranges at the end

# timed NAME COMMAND...: runs COMMAND in the background under /usr/bin/time into $PERF_DIR/NAME.time.
timed() { local name=$1; shift; /usr/bin/time -f '%U %S %M' -o "$PERF_DIR/$name.time" "$@" >"$PERF_DIR/$name.out" & }

# stream PART N NAME...: subscribers NAME (bench, nohold, mosq, mqtksub) on perf/#, then N messages from
# one unpaced mqtk-bench publisher; returns when every subscriber has them all. Sets c0 and c1, the
# broker's CPU ticks before and after the publishing.
stream() {
  local part=$1 n=$2 pids=() ids=() name id
  shift 2
  for name in "$@"; do
    id="perf$part$name$run"
    case $name in
      bench) timed bench "$bench" "${args[@]}" sub -t 'perf/#' -n "$n" -D 600 --quiet -I "$id"; id+=0 ;;
      nohold) timed nohold "$bench" "${args[@]}" sub -t 'perf/#' -n "$n" -D 600 --quiet -I "$id" "${no_hold[@]}"; id+=0 ;;
      mosq) timed mosq mosquitto_sub "${args[@]}" -t 'perf/#' -C "$n" -i "$id" ;;
      mqtksub) timed mqtksub "$mqtk_sub" "${args[@]}" -t 'perf/#' -C "$n" -i "$id" -W 600 ;;
    esac
    pids+=($!)
    ids+=("$id")
  done
  for id in "${ids[@]}"; do wait_connected "$id"; done
  sleep 0.3
  c0=$(broker_cpu)
  "$bench" "${args[@]}" pub -t perf/%i -n "$n" --quiet -I "perf${part}pub$run" >/dev/null
  wait "${pids[@]}"
  c1=$(broker_cpu)
}

for ((run = 1; run <= runs; run++)); do
echo "== 1. receiving $count messages (run $run of $runs): mqtk-bench sub, mosquitto_sub and mqtk-sub on one stream"
stream 1 "$count" bench mosq mqtksub
python3 - "$PERF_DIR" "$count" "$c0" "$c1" "$ticks" "$run" >>"$figures" <<'PY'
import sys
d, n, c0, c1, ticks, run = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
def cpu(name):
    u, s, rss = open(f"{d}/{name}.time").read().split()
    return float(u) + float(s), int(rss)
(b, brss), (m, mrss), (q, _) = cpu("bench"), cpu("mosq"), cpu("mqtksub")
broker = (c1 - c0) / ticks / 3 # per subscriber's share of the deliveries
def out(key, value, text):
    print(run, key, value)
    print(text, file=sys.stderr)
out("sub_ns", b / n * 1e9, f"mqtk-bench sub: {b / n * 1e9:7,.0f} ns CPU/message, peak RSS {brss / 1024:.1f} MiB")
out("mosq_sub_ns", m / n * 1e9, f"mosquitto_sub:  {m / n * 1e9:7,.0f} ns CPU/message, peak RSS {mrss / 1024:.1f} MiB")
out("mqtk_sub_ns", q / n * 1e9, f"mqtk-sub:       {q / n * 1e9:7,.0f} ns CPU/message")
out("broker_ns", broker / n * 1e9, f"mosquitto:      {broker / n * 1e9:7,.0f} ns CPU per message delivered "
    f"({3 * broker:.2f} s for {n:,} in, {3 * n:,} out)")
out("sub_vs_mosq_sub", b / m, f"ratio mqtk-bench sub / mosquitto_sub: {b / m:.2f}")
out("sub_vs_mqtk_sub", b / q, f"ratio mqtk-bench sub / mqtk-sub:      {b / q:.2f}")
out("sub_vs_broker", b / broker, f"ratio mqtk-bench sub / mosquitto per delivered message: {b / broker:.2f}")
PY
grep -E '^received' "$PERF_DIR/bench.out"

quarter=$((count / 4))
echo "== 1b. latency with and without the read hold: two mqtk-bench subs on one stream of $quarter (run $run of $runs)"
stream 1b "$quarter" bench nohold
python3 - "$PERF_DIR" "$quarter" "$run" >>"$figures" <<'PY'
import re, sys
d, n, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def cpu(name):
    u, s, _ = open(f"{d}/{name}.time").read().split()
    return float(u) + float(s)
def latency(name):
    line = next(l for l in open(f"{d}/{name}.out") if l.startswith("latency"))
    return {k: float(v) for k, v in re.findall(r"(p50|p99|max) ([\d.]+)", line)}
def out(key, value, text):
    print(run, key, value)
    print(text, file=sys.stderr)
out("hold_ns", cpu("bench") / n * 1e9, f"mqtk-bench sub:                {cpu('bench') / n * 1e9:7,.0f} ns CPU/message")
out("nohold_ns", cpu("nohold") / n * 1e9, f"mqtk-bench sub --no-read-hold: {cpu('nohold') / n * 1e9:7,.0f} ns CPU/message")
lh, ln = latency("bench"), latency("nohold")
for k in ("p50", "p99", "max"):
    out(f"latency_{k}_ratio", lh[k] / ln[k],
        f"latency {k}: {lh[k]:.3f} ms with the read hold, {ln[k]:.3f} ms without (ratio {lh[k] / ln[k]:.3f})")
PY

echo "== 2. 10 publishers at $rate msg/s each, one subscriber, 10 s (run $run of $runs)"
c0=$(broker_cpu)
/usr/bin/time -f '%U %S %M' -o "$PERF_DIR/load.time" "$bench" "${args[@]}" pubsub -C 10 --rate "$rate" -D 10 \
  --quiet >"$PERF_DIR/load.out"
c1=$(broker_cpu)
grep -E '^(published|received|latency)' "$PERF_DIR/load.out" >&2
python3 - "$PERF_DIR" "$c0" "$c1" "$ticks" "$run" >>"$figures" <<'PY'
import sys
d, c0, c1, ticks, run = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
u, s, rss = open(f"{d}/load.time").read().split()
bench = float(u) + float(s); broker = (c1 - c0) / ticks
print(run, "load_ratio", bench / broker)
print(f"CPU: mqtk-bench {bench:.2f} s, broker {broker:.2f} s, ratio {bench / broker:.2f}; peak RSS {int(rss) / 1024:.1f} MiB",
      file=sys.stderr)
PY
done

echo "== ranges over $runs run(s)"
python3 - "$figures" <<'PY'
import sys
values = {}
for line in open(sys.argv[1]):
    run, key, value = line.split()
    values.setdefault(key, []).append(float(value))
for key, v in values.items():
    print(f"{key:22} {min(v):10.3f} to {max(v):10.3f}")
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
