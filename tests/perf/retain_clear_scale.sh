#!/usr/bin/env bash
# Scale benchmark for mqtk-retain-clear (not a timed test): seeds N retained messages (default
# 10,000) into a throwaway local mosquitto, then times mqtk-retain-clear listing, backing up, clearing
# and verifying them, against the anchor `mosquitto_sub --remove-retained` on the same set.
# Usage: tests/perf/retain_clear_scale.sh [COUNT]    (MQTK_BUILD_DIR selects the build, default build/)
set -euo pipefail

count=${1:-10000}
# shellcheck source=tests/perf/lib.sh
source "$(dirname "$0")/lib.sh"
perf_need mosquitto mosquitto
perf_need mosquitto_sub mosquitto-clients
pub=$(perf_tool mqtk-pub)
clear=$(perf_tool mqtk-retain-clear)

# Our own broker rather than perf_start_broker: mosquitto's default queue limits stay in force, as
# users run it (they decide how much of a large MQTT 3.1.1 burst arrives).
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_type error\n' "$port" > "$work/mosquitto.conf"
[[ $(id -u) -eq 0 ]] && echo "user root" >> "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done

seed() {
  python3 - "$count" > "$work/seed.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"topic": f"scale/{i // 100}/{i}", "payload": f"value {i}", "qos": 1, "retain": True,
                      "properties": {"content_type": "text/plain", "user_properties": [["n", str(i)]]}}))
PY
  "$pub" -p "$port" --jsonl < "$work/seed.jsonl"
}
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(mosquitto -h | head -1)"

seed
start=$(now)
"$clear" -p "$port" -t 'scale/#' --backup "$work/backup.jsonl" --json > "$work/report.json"
end=$(now)
python3 - "$work/report.json" "$count" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
assert r["counts"] == {"found": n, "cleared": n, "failed": 0, "still_present": 0}, r["counts"]
PY
[[ $(wc -l < "$work/backup.jsonl") == "$count" ]]
ours=$(elapsed "$start" "$end")
echo "mqtk-retain-clear (MQTT 5): $count listed, backed up, cleared, verified in $ours s"

"$pub" -p "$port" --jsonl < "$work/backup.jsonl"  # restore from the backup for the anchor run
start=$(now)
mosquitto_sub -p "$port" -t 'scale/#' --remove-retained --retained-only -W 1 > /dev/null 2>&1 || true
end=$(now)
anchor=$(elapsed "$start" "$end")
left=$("$clear" -p "$port" -t 'scale/#' --dry-run --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["found"]))')
echo "anchor mosquitto_sub --remove-retained --retained-only -W 1: $anchor s (includes its 1 s -W wait; $left left, no backup, no verification)"
echo "ratio mqtk/anchor: $(python3 -c "print(f'{$ours / $anchor:.2f}')")"

"$clear" -p "$port" -t 'scale/#' --json > /dev/null
seed
start=$(now)
"$clear" -p "$port" -t 'scale/#' -V 311 --settle 0.5 --json > "$work/report311.json" 2> /dev/null
end=$(now)
passes=$(python3 -c "import json; print(json.load(open('$work/report311.json'))['passes'])")
echo "mqtk-retain-clear (MQTT 3.1.1, --settle 0.5): $(elapsed "$start" "$end") s in $passes passes (mosquitto drops all but 1,020 QoS 1 messages of each burst)"
