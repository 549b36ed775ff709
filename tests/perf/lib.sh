# shellcheck shell=bash
# Helpers for the benchmark scripts: a throwaway mosquitto on a free loopback port, tool lookup.

perf_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
perf_build=${MQTK_BUILD_DIR:-$perf_root/build}

# perf_tool NAME: path of a built mqtk tool, or of an installed one in $MQTK_TOOL_DIR (e.g. the
# package's usr/bin, scripts/package); the package build's tools are symbolic links.
perf_tool() {
  local path
  if [[ -n ${MQTK_TOOL_DIR:-} ]]; then
    [[ -x $MQTK_TOOL_DIR/$1 ]] || { echo "$1 is not in MQTK_TOOL_DIR=$MQTK_TOOL_DIR" >&2; exit 1; }
    echo "$MQTK_TOOL_DIR/$1"
    return
  fi
  path=$(find "$perf_build/apps" -xtype f -name "$1" -perm -u+x 2>/dev/null | head -1)
  [[ -n $path ]] || { echo "$1 is not built under $perf_build (run scripts/test or set MQTK_BUILD_DIR)" >&2; exit 1; }
  echo "$path"
}

# perf_need COMMAND PACKAGE: installs a Debian package when its command is missing.
perf_need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "installing $2" >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq "$2" >/dev/null; else sudo apt-get install -y -qq "$2" >/dev/null; fi
}

# perf_start_broker: starts mosquitto on a free port (plus $PERF_BROKER_CONFIG lines); sets PERF_PORT; stopped on exit.
perf_start_broker() {
  PERF_DIR=$(mktemp -d)
  PERF_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$PERF_DIR/mosquitto.conf" <<CONF
listener $PERF_PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
CONF
  [[ $(id -u) -eq 0 ]] && echo "user root" >>"$PERF_DIR/mosquitto.conf"
  # PERF_BROKER_CONFIG: extra mosquitto.conf lines, e.g. "set_tcp_nodelay true".
  [[ -n ${PERF_BROKER_CONFIG:-} ]] && echo "$PERF_BROKER_CONFIG" >>"$PERF_DIR/mosquitto.conf"
  mosquitto -c "$PERF_DIR/mosquitto.conf" >"$PERF_DIR/log" 2>&1 &
  PERF_BROKER=$!
  trap 'kill $PERF_BROKER 2>/dev/null; wait $PERF_BROKER 2>/dev/null; rm -rf "$PERF_DIR"' EXIT
  perf_wait_port "$PERF_PORT"
}

# perf_wait_port PORT: waits until 127.0.0.1:PORT accepts (5 s at most), else exits.
perf_wait_port() {
  for _ in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "mosquitto did not start" >&2
  exit 1
}

# perf_make_certs DIR: a test CA (DIR/ca.pem) and an EC P-256 server certificate for localhost and
# 127.0.0.1 signed by it (DIR/server.pem, DIR/server.key, readable by the broker's user).
perf_make_certs() {
  (cd "$1" &&
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key &&
    openssl req -x509 -new -key ca.key -subj /CN=perf-ca -days 2 -out ca.pem &&
    openssl ecparam -name prime256v1 -genkey -noout -out server.key &&
    openssl req -new -key server.key -subj /CN=localhost -out server.csr &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext \
      -out server.pem && chmod 644 server.key) >/dev/null 2>&1
}
