#!/usr/bin/env bash
# One-shot publish: median wall time of `mqtk-pub -t a/b -m hello` against `mosquitto_pub` with the
# same arguments, QoS 0 and QoS 1, in the same run against a throwaway local mosquitto.
#   tests/perf/pub_oneshot.sh [runs=300] [rounds=10]
# hyperfine times the runs in `rounds` alternating blocks (mqtk-pub first, then mosquitto_pub first)
# and the medians are taken over all of a tool's runs: a load change during one block then weighs
# on both tools instead of on whichever ran in it (one block each swung the ratio by +-0.2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${1:-300}
rounds=${2:-10}
((runs >= rounds && rounds >= 1)) || { echo "pub_oneshot.sh: runs must be at least rounds (>= 1)" >&2; exit 2; }
perf_need hyperfine hyperfine
pub=$(perf_tool mqtk-pub)
perf_start_broker
for qos in 0 1; do
  ours="$pub -h 127.0.0.1 -p $PERF_PORT -t a/b -m hello -q $qos"
  theirs="mosquitto_pub -h 127.0.0.1 -p $PERF_PORT -t a/b -m hello -q $qos"
  for ((round = 0; round < rounds; round++)); do
    if ((round % 2 == 0)); then first=$ours second=$theirs; else first=$theirs second=$ours; fi
    hyperfine -N -w $((round == 0 ? 30 : 5)) -r $((runs / rounds)) --export-json "$PERF_DIR/round$round.json" \
      "$first" "$second" >/dev/null
  done
  python3 - "$PERF_DIR" "$rounds" "$qos" <<'PY'
import json, statistics, sys
times = {"mqtk-pub": [], "mosquitto_pub": []}
for i in range(int(sys.argv[2])):
    for r in json.load(open(f"{sys.argv[1]}/round{i}.json"))["results"]:
        times["mqtk-pub" if "mqtk-pub" in r["command"] else "mosquitto_pub"] += r["times"]
ours, theirs = (statistics.median(times[k]) * 1000 for k in ("mqtk-pub", "mosquitto_pub"))
print(f"QoS {sys.argv[3]}: mqtk-pub median {ours:.2f} ms, mosquitto_pub median {theirs:.2f} ms, ratio {ours / theirs:.2f}")
PY
done
