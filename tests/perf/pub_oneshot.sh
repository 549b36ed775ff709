#!/usr/bin/env bash
# One-shot publish: median wall time of `mqtk-pub -t a/b -m hello` against `mosquitto_pub` with the
# same arguments, QoS 0 and QoS 1, in the same run against a throwaway local mosquitto.
#   tests/perf/pub_oneshot.sh [runs=300]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${1:-300}
perf_need hyperfine hyperfine
pub=$(perf_tool mqtk-pub)
perf_start_broker
out=$PERF_DIR/hyperfine.json
for qos in 0 1; do
  hyperfine -N -w 30 -r "$runs" --export-json "$out" \
    "$pub -h 127.0.0.1 -p $PERF_PORT -t a/b -m hello -q $qos" \
    "mosquitto_pub -h 127.0.0.1 -p $PERF_PORT -t a/b -m hello -q $qos" >/dev/null
  python3 - "$out" "$qos" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, theirs = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"QoS {sys.argv[2]}: mqtk-pub median {ours:.2f} ms, mosquitto_pub median {theirs:.2f} ms, ratio {ours / theirs:.2f}")
PY
done
