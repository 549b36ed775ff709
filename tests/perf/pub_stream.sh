#!/usr/bin/env bash
# Stream of N lines (default 200,000) with -l at QoS 0, 1 and 2 into a local mosquitto while a
# mosquitto_sub counts them: messages received, wall time, rate, and peak RSS of the publisher, for
# mqtk-pub and mosquitto_pub in the same run, with the broker's CPU time for each run (from /proc:
# when it is close to the wall time, the broker is the bottleneck whatever the publisher does).
#   [MQTK_QOS="0 1 2"] [MQTK_COUNTER=mosquitto_sub|mqtk-sub] tests/perf/pub_stream.sh [lines=200000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lines=${1:-200000}
pub=$(perf_tool mqtk-pub)
# The counting subscriber: mosquitto_sub, or mqtk-sub with MQTK_COUNTER=mqtk-sub (it needs far less
# CPU per message; the QoS 0 ratio stays about 1.2 either way, the broker being the bottleneck).
if [[ ${MQTK_COUNTER:-mosquitto_sub} == mqtk-sub ]]; then counter=$(perf_tool mqtk-sub); else counter=mosquitto_sub; fi
perf_start_broker
ticks=$(getconf CLK_TCK)
broker_cpu() { awk '{print $14 + $15}' "/proc/$PERF_BROKER/stat"; } # user + system ticks
input=$PERF_DIR/lines
seq 1 "$lines" >"$input"
run() { # run NAME QOS COMMAND...
  local name=$1 qos=$2
  shift 2
  local topic="stream/$name/$qos" count=$PERF_DIR/count
  (timeout 120 "$counter" -h 127.0.0.1 -p "$PERF_PORT" -t "$topic" -q "$qos" -C "$lines" | wc -l >"$count") &
  local sub=$!
  sleep 0.5
  local start end rss cpu0 cpu1
  cpu0=$(broker_cpu)
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$PERF_DIR/rss" "$@" -h 127.0.0.1 -p "$PERF_PORT" -t "$topic" -q "$qos" -l <"$input"
  wait $sub || true
  end=$(date +%s.%N)
  cpu1=$(broker_cpu)
  rss=$(cat "$PERF_DIR/rss")
  python3 -c "
got=int(open('$count').read()); t=$end-$start
print(f'$name QoS $qos: {got}/$lines received, {t:.2f} s until the subscriber had them, {got/t:,.0f} msg/s, peak RSS {$rss/1024:.1f} MiB, broker CPU {($cpu1-$cpu0)/$ticks:.2f} s')"
}
for qos in ${MQTK_QOS:-0 1 2}; do
  run mqtk-pub "$qos" "$pub"
  run mosquitto_pub "$qos" mosquitto_pub
done
