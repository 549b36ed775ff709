#!/usr/bin/env bash
# One request/response: median wall time of `mqtk-rr -t svc/echo -m hello` against `mosquitto_rr`
# with the same arguments (each with its own response topic), both answered by one
# `mqtk-rr --serve -- cat` on a throwaway local mosquitto, in the same run.
#   tests/perf/rr_oneshot.sh [runs=200]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${1:-200}
perf_need hyperfine hyperfine
rr=$(perf_tool mqtk-rr)
perf_start_broker
"$rr" -h 127.0.0.1 -p "$PERF_PORT" --serve -t 'svc/#' --jobs 2 -- cat 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; kill $PERF_BROKER 2>/dev/null; wait 2>/dev/null; rm -rf "$PERF_DIR"' EXIT
for _ in $(seq 50); do # until the server answers
  "$rr" -h 127.0.0.1 -p "$PERF_PORT" -t svc/echo -m up -W 0.2 >/dev/null 2>&1 && break
done
out=$PERF_DIR/hyperfine.json
hyperfine -N -w 20 -r "$runs" --export-json "$out" \
  "$rr -h 127.0.0.1 -p $PERF_PORT -t svc/echo -m hello -e perf/mqtk -W 5" \
  "mosquitto_rr -h 127.0.0.1 -p $PERF_PORT -t svc/echo -m hello -e perf/mosquitto -W 5" >/dev/null
python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, theirs = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"mqtk-rr median {ours:.2f} ms, mosquitto_rr median {theirs:.2f} ms, ratio {ours / theirs:.2f}")
PY
