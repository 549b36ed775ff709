#!/usr/bin/env bash
# mqtk-sub throughput against mosquitto_sub (the anchor), measured in the same run.
#
# Starts a throwaway mosquitto on a free loopback port, then for each subscriber below: starts it
# under /usr/bin/time with -C COUNT and stdout on /dev/null, waits until the broker logged its
# SUBSCRIBE, publishes COUNT QoS 0 messages of SIZE bytes from a prepared file with one fast
# publisher (mqtk-pub -l when built, else mosquitto_pub -l), and waits until the subscriber has all
# of them. Reports CPU time (user + sys) per message and peak RSS, and the ratios:
#   mqtk-sub / mosquitto_sub                (target <= 0.7)
#   mqtk-sub --json / mosquitto_sub -F %j   (target <= 1.5)
#   peak RSS of mqtk-sub                    (target < 16 MiB)
#
# Usage: tests/perf/sub_throughput.sh [COUNT] [SIZE]     (defaults 1000000 and 32)
# Environment: MQTK_BUILD_DIR (default <repo>/build), RUNS (default 3: the best run of each counts).
set -euo pipefail

COUNT=${1:-1000000}
SIZE=${2:-32}
RUNS=${RUNS:-3}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${MQTK_BUILD_DIR:-$REPO/build}
SUB=$(find "$BUILD" -type f -name mqtk-sub -perm -u+x | head -1)
PUB=$(find "$BUILD" -type f -name mqtk-pub -perm -u+x | head -1)
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[[ -x "$SUB" ]] || { echo "mqtk-sub is not built under $BUILD" >&2; exit 1; }
for tool in mosquitto_sub mosquitto_pub /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/mqtk-sub-perf.XXXXXX)
BROKER_PID=
cleanup() {
  [[ -n "$BROKER_PID" ]] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# max_queued_messages 0: no limit, so mosquitto never drops QoS 0 messages for a subscriber that
# falls behind (with the default 1000 it drops QoS 0 messages once 1000 packets wait to be sent).
# "user root" when run as root: mosquitto would switch to user mosquitto, who cannot write the log.
cat > "$WORK/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
$([[ $EUID -eq 0 ]] && echo "user root")
log_dest file $WORK/mosquitto.log
log_type subscribe
log_type error
EOF
"$MOSQUITTO" -c "$WORK/mosquitto.conf" &
BROKER_PID=$!
for _ in $(seq 100); do
  (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.05
done

# COUNT lines of SIZE characters (each line is one payload).
python3 - "$COUNT" "$SIZE" > "$WORK/payloads" <<'EOF'
import sys
count, size = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
for i in range(count):
    out.write(("%d-" % i).ljust(size, "x")[:size] + "\n")
EOF

publish() {
  if [[ -n "$PUB" ]]; then
    "$PUB" -h 127.0.0.1 -p "$PORT" -t bench/sub -l < "$WORK/payloads"
  else
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -t bench/sub -l < "$WORK/payloads"
  fi
}

# run NAME COMMAND...: one measured subscriber; prints "cpu_seconds peak_kib received".
run() {
  local id="perf-$RANDOM-$RANDOM" times="$WORK/time" received="$WORK/received"
  /usr/bin/time -o "$times" -f '%U %S %M' "$@" -h 127.0.0.1 -p "$PORT" -i "$id" -t bench/sub -C "$COUNT" -W 600 \
    > >(wc -l > "$received") &
  local pid=$!
  for _ in $(seq 200); do
    grep -q " $id 0 bench/sub" "$WORK/mosquitto.log" 2>/dev/null && break
    sleep 0.05
  done
  publish
  wait "$pid" || true
  sleep 0.2 # let wc finish
  read -r user sys peak < "$times"
  echo "$(python3 -c "print($user + $sys)") $peak $(cat "$received") $user $sys"
}

declare -A BEST_CPU PEAK_RSS
NAMES=("mqtk-sub" "mosquitto_sub" "mqtk-sub --json" "mosquitto_sub -F %j")
for ((r = 1; r <= RUNS; r++)); do
  for name in "${NAMES[@]}"; do
    case "$name" in
      "mqtk-sub") result=$(run "$SUB") ;;
      "mosquitto_sub") result=$(run mosquitto_sub) ;;
      "mqtk-sub --json") result=$(run "$SUB" --json) ;;
      "mosquitto_sub -F %j") result=$(run mosquitto_sub -F %j) ;;
    esac
    read -r cpu peak lines user sys <<< "$result"
    if [[ "$lines" != "$COUNT" ]]; then
      echo "run $r, $name: received $lines of $COUNT lines" >&2
      exit 1
    fi
    printf 'run %d  %-22s cpu %7.3f s (user %s, sys %s)  peak RSS %6d KiB\n' "$r" "$name" "$cpu" "$user" "$sys" "$peak" >&2
    if [[ -z "${BEST_CPU[$name]:-}" ]] || python3 -c "import sys; sys.exit(0 if $cpu < ${BEST_CPU[$name]} else 1)"; then
      BEST_CPU[$name]=$cpu
    fi
    if [[ -z "${PEAK_RSS[$name]:-}" ]] || (( peak > PEAK_RSS[$name] )); then
      PEAK_RSS[$name]=$peak
    fi
  done
done

echo "$COUNT QoS 0 messages of $SIZE bytes, best of $RUNS run(s); publisher: ${PUB:-mosquitto_pub} -l"
printf '%-22s %14s %14s\n' "subscriber" "CPU/message" "peak RSS"
for name in "${NAMES[@]}"; do
  printf '%-22s %11.0f ns %10d KiB\n' "$name" "$(python3 -c "print(${BEST_CPU[$name]} * 1e9 / $COUNT)")" \
    "${PEAK_RSS[$name]}"
done
python3 - "${BEST_CPU[mqtk-sub]}" "${BEST_CPU[mosquitto_sub]}" "${BEST_CPU[mqtk-sub --json]}" \
  "${BEST_CPU[mosquitto_sub -F %j]}" "${PEAK_RSS[mqtk-sub]}" "${PEAK_RSS[mqtk-sub --json]}" <<'EOF'
import sys
plain, anchor, json, anchor_json = map(float, sys.argv[1:5])
rss = max(int(sys.argv[5]), int(sys.argv[6]))
def verdict(ok): return "ok" if ok else "MISSED"
print(f"ratio mqtk-sub / mosquitto_sub:              {plain / anchor:.2f} (target <= 0.70) {verdict(plain / anchor <= 0.7)}")
print(f"ratio mqtk-sub --json / mosquitto_sub -F %j: {json / anchor_json:.2f} (target <= 1.50) {verdict(json / anchor_json <= 1.5)}")
print(f"peak RSS of mqtk-sub:                        {rss / 1024:.1f} MiB (target < 16) {verdict(rss < 16 * 1024)}")
EOF
