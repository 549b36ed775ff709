#!/usr/bin/env bash
# Tens of thousands of idle connections. P mqtk-bench processes in conn mode, each holding N
# connections to a mosquitto broker of its own (max_connections -1, its open-file soft limit raised
# to the hard limit), each with its own -I prefix and --ifaddr source addresses (127.0.K.1-127.0.K.8
# for process K), all started at once. Reports per process and for the machine: connected, the
# connection rate, CONNACK latency p50/p99/max, and the memory per idle connection: RSS once every
# connection is up (the first progress line) minus the RSS of a one-connection run, for mqtk-bench
# and for the broker, and the kernel's slab memory (both ends of every socket) per connection; then
# what 100,000 connections per process would take.
# A benchmark, not a test: the figures go in docs/performance.md with the command.
#   tests/perf/bench_connections.sh [N=19000] [P=1] [RATE=2000]
# Environment: MQTK_BUILD_DIR; TLS=1 (mqtts, EC P-256 certificate made here; default plain TCP);
# HOLD seconds the connections are held (default 10); BENCH_ARGS extra mqtk-bench flags (e.g.
# --tls-keep-buffers).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=${1:-19000}
p=${2:-1}
rate=${3:-2000}
hold=${HOLD:-10}
bench=$(perf_tool mqtk-bench)
ulimit -n "$(ulimit -Hn)"
dir=$(mktemp -d)
brokers=()
cleanup() {
  for b in "${brokers[@]}"; do kill "$b" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
slab_kib() { awk '/^Slab:/ {print $2}' /proc/meminfo; }

scheme=mqtt
tls_args=()
if [[ ${TLS:-0} == 1 ]]; then
  scheme=mqtts
  perf_make_certs "$dir"
  tls_args=(--cafile "$dir/ca.pem")
fi

# start_broker K: mosquitto K on a free port; sets port[K], broker pid in brokers[K].
declare -a port
start_broker() {
  local k=$1
  port[k]=$(free_port)
  {
    echo "listener ${port[k]} 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence false"
    echo "max_connections -1"
    echo "log_type error"
    [[ $scheme == mqtts ]] && printf 'cafile %s\ncertfile %s\nkeyfile %s\n' "$dir/ca.pem" "$dir/server.pem" "$dir/server.key"
    [[ $(id -u) -eq 0 ]] && echo "user root"
  } >"$dir/broker$k.conf"
  (ulimit -n "$(ulimit -Hn)" && exec mosquitto -c "$dir/broker$k.conf") >"$dir/broker$k.log" 2>&1 &
  brokers[k]=$!
  perf_wait_port "${port[k]}"
}

# run_fleet COUNT: P processes of COUNT connections each, at once; fills rss[K], broker_rss[K] and
# the summaries in $dir/out$K.
declare -a rss broker_rss pid
run_fleet() {
  local count=$1 k
  rm -f "$dir"/out* "$dir"/err*
  for ((k = 1; k <= p; k++)); do
    "$bench" -L "$scheme://localhost:${port[k]}" "${tls_args[@]}" --ifaddr "127.0.$k.1-127.0.$k.8" -I "s${k}c" \
      ${BENCH_ARGS:-} conn -C "$count" --connect-rate "$rate" -D "$hold" --interval 1 --json \
      >"$dir/out$k" 2>"$dir/err$k" &
    pid[k]=$!
  done
  for ((k = 1; k <= p; k++)); do
    until grep -q '"type":"progress"' "$dir/out$k" 2>/dev/null; do
      kill -0 "${pid[k]}" 2>/dev/null || break
      sleep 0.2
    done
    rss[k]=$(rss_of "${pid[k]}" 2>/dev/null || echo 0)
    broker_rss[k]=$(rss_of "${brokers[k]}")
  done
  slab_up=$(slab_kib)
  for ((k = 1; k <= p; k++)); do wait "${pid[k]}" || true; done
}

for ((k = 1; k <= p; k++)); do start_broker "$k"; done
for ((k = 1; k <= p; k++)); do idle_broker[k]=$(rss_of "${brokers[k]}"); done
run_fleet 1
for ((k = 1; k <= p; k++)); do base[k]=${rss[k]}; done
sleep 1
for ((k = 1; k <= p; k++)); do idle_broker[k]=$(rss_of "${brokers[k]}"); done
slab_before=$(slab_kib)
run_fleet "$n"

echo "== $p x mqtk-bench conn -C $n --connect-rate $rate ($scheme, --ifaddr 8 addresses each, held $hold s)"
for ((k = 1; k <= p; k++)); do
  python3 - "$dir/out$k" "$n" "${base[k]}" "${rss[k]}" "${idle_broker[k]}" "${broker_rss[k]}" "$k" <<'PY'
import json, sys
path, n, base, rss, b0, b1, k = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:])
s = json.loads(open(path).read().strip().splitlines()[-1])
c = s["connections"]
lat = c["connack_ms"]
print(f"process {k}: {c['connected']:,} of {c['attempted']:,} connected in {c['seconds']:.2f} s "
      f"({c['per_s']:,.0f}/s), failed {c['failed']}; CONNACK p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms, "
      f"max {lat['max']:.2f} ms")
print(f"  mqtk-bench RSS {rss / 1024:.1f} MiB (1 connection: {base / 1024:.1f} MiB): "
      f"{(rss - base) / max(c['connected'] - 1, 1):.2f} KiB per connection; "
      f"broker {(b1 - b0) / max(c['connected'], 1):.2f} KiB per connection")
PY
  [[ -s $dir/err$k ]] && sed "s/^/  stderr: /" "$dir/err$k" | head -5
done
python3 - "$n" "$p" "${base[1]}" "${rss[1]}" "$slab_before" "$slab_up" <<'PY'
import sys
n, p, base, rss, slab0, slab1 = map(int, sys.argv[1:])
per = (rss - base) / max(n - 1, 1)
print(f"machine: {n * p:,} connections attempted by {p} process(es); kernel slab "
      f"{(slab1 - slab0) / (n * p):.2f} KiB per connection (client and broker socket)")
slab = (slab1 - slab0) / (n * p)
print(f"100,000 per process at {per:.2f} KiB: {per * 100000 / 1024:,.0f} MiB of mqtk-bench RSS (and "
      f"{slab * 100000 / 1024:,.0f} MiB of kernel slab for both socket ends), 100,064 open "
      f"files (RLIMIT_NOFILE), and local ports: {100000 / 28232:.1f} x net.ipv4.ip_local_port_range's 28,232 per "
      f"source address and broker address (so --ifaddr with 4 or more addresses)")
PY
