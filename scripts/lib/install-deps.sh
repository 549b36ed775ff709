# shellcheck shell=bash
# Installs what mqtk needs to build and test on Debian 12, sourced by scripts/test and scripts/demo.
# Idempotent and silent when everything is there: apt-get runs only for missing packages (as root,
# or through sudo), and `npm ci` only when tests/support/aedes/node_modules is missing or older than
# package-lock.json. Defines mqtk_install_deps, mqtk_configure_and_build; sets nothing else.

MQTK_APT_PACKAGES=(
  build-essential g++ clang libclang-rt-14-dev cmake ninja-build pkg-config ccache
  libcli11-dev nlohmann-json3-dev doctest-dev libssl-dev libboost-dev
  openssl mosquitto mosquitto-clients python3 python3-yaml jq man-db groff-base
  zlib1g-dev libhdrhistogram-java default-jre-headless prometheus chromium dante-server tinyproxy
  dpkg-dev lintian # scripts/package: dpkg-shlibdeps for CPack, the package check
)
MQTK_NODE_MIN_MAJOR=18

mqtk_log() { printf '%s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo.
mqtk_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    mqtk_log "error: need root (or sudo) to run: $*"
    return 1
  fi
}

mqtk_missing_apt_packages() {
  local pkg
  for pkg in "${MQTK_APT_PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
      printf '%s\n' "$pkg"
    fi
  done
  # Node.js may come from Debian (nodejs + npm) or elsewhere (NodeSource's nodejs bundles npm):
  # ask for Debian's packages only when the commands are missing or too old.
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ! command -v npm >/dev/null 2>&1 || ((major < MQTK_NODE_MIN_MAJOR)); then
    printf '%s\n' nodejs npm
  fi
}

mqtk_install_apt_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    mqtk_log "note: not a Debian system; install by hand: ${MQTK_APT_PACKAGES[*]} nodejs npm"
    return 0
  fi
  local missing
  mapfile -t missing < <(mqtk_missing_apt_packages)
  ((${#missing[@]} == 0)) && return 0
  mqtk_log "installing Debian packages: ${missing[*]}"
  # Installing mosquitto may start a system broker on port 1883, and prometheus (for promtool) a
  # Prometheus server on port 9090; nothing of ours uses those ports.
  mqtk_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  mqtk_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  mapfile -t missing < <(mqtk_missing_apt_packages)
  if ((${#missing[@]} > 0)); then
    mqtk_log "error: still missing after apt-get install: ${missing[*]}"
    return 1
  fi
}

mqtk_lock_digest() {
  sha256sum "$1/package.json" "$1/package-lock.json" | sha256sum | cut -d' ' -f1
}

# npm ci for the aedes test broker when node_modules is missing or package(-lock).json changed.
mqtk_install_node_modules() {
  local dir="$1/tests/support/aedes" stamp want
  stamp="$dir/node_modules/.mqtk-lock-digest"
  want=$(mqtk_lock_digest "$dir")
  if [[ -d $dir/node_modules/aedes && -f $stamp && $(<"$stamp") == "$want" ]]; then
    return 0
  fi
  mqtk_log "installing npm packages in tests/support/aedes (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  printf '%s\n' "$want" >"$stamp"
}

# mqtk_install_deps REPO_ROOT
mqtk_install_deps() {
  mqtk_install_apt_packages
  mqtk_install_node_modules "$1"
}

# mqtk_configure_and_build REPO_ROOT BUILD_DIR [extra cmake -D options...]
mqtk_configure_and_build() {
  local root="$1" build="$2"
  shift 2
  local cache="$build/CMakeCache.txt"
  if [[ -f $cache ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
    mqtk_log "error: $build was configured with another generator than Ninja; remove it or set MQTK_BUILD_DIR"
    return 1
  fi
  # ccache: paths relative to the checkout, so clones and worktrees of the project share the cache.
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  cmake -S "$root" -B "$build" -G Ninja -DMQTK_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$build" --parallel "${MQTK_JOBS:-$(nproc)}"
}
