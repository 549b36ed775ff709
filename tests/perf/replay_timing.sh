#!/usr/bin/env bash
# mqtk-pub --replay timing error. A 200-message capture spread evenly over 2 s (received_at stamps)
# is replayed RUNS times through a local mosquitto and recorded by a real mqtk-sub --json; each
# message's error is |(its received_at - the first one's) - its offset in the capture|, so the
# constant broker latency cancels. Prints median, p99 and max per run and over all runs.
# No MQTT tool replays a capture, so there is no anchor to take a ratio against: the reference is
# the capture's own offsets (issue 12: within 10 ms).
# A benchmark, not a test: the figures go in docs/performance.md with the command.
#   tests/perf/replay_timing.sh [RUNS=5] [MESSAGES=200] [SECONDS=2]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${1:-5}
messages=${2:-200}
span=${3:-2}
pub=$(perf_tool mqtk-pub)
sub=$(perf_tool mqtk-sub)
perf_start_broker
capture=$PERF_DIR/capture.jsonl
python3 - "$messages" "$span" >"$capture" <<'PY'
import datetime, json, sys
n, span = int(sys.argv[1]), float(sys.argv[2])
base = datetime.datetime(2026, 11, 25, 14, tzinfo=datetime.timezone.utc)
for i in range(n):
    at = base + datetime.timedelta(seconds=i * span / (n - 1))
    print(json.dumps({"topic": "perf/replay", "payload": str(i), "received_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}))
PY
for run in $(seq "$runs"); do
  "$sub" -p "$PERF_PORT" -t perf/replay -q 2 --json -C "$messages" >"$PERF_DIR/got.$run" &
  recorder=$!
  sleep 0.3 # the subscription is in place
  "$pub" -p "$PERF_PORT" --jsonl --replay <"$capture"
  wait "$recorder"
done
python3 - "$capture" "$PERF_DIR" "$runs" <<'PY'
import datetime, json, statistics, sys
capture, folder, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
parse = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
want = [parse(json.loads(l)["received_at"]) for l in open(capture)]
offsets = [(w - want[0]).total_seconds() for w in want]
def summary(errors):
    e = sorted(errors)
    return f"median {statistics.median(e):.3f} ms  p99 {e[min(len(e) - 1, int(0.99 * len(e)))]:.3f} ms  max {e[-1]:.3f} ms"
everything = []
for run in range(1, runs + 1):
    got = [parse(json.loads(l)["received_at"]) for l in open(f"{folder}/got.{run}")]
    errors = [abs((g - got[0]).total_seconds() - o) * 1000 for g, o in zip(got, offsets)]
    everything += errors
    print(f"run {run}: {len(got)} messages  {summary(errors)}")
print(f"all {runs} runs: {len(everything)} messages  {summary(everything)}")
PY
