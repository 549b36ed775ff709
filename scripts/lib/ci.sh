# shellcheck shell=bash
# The CI stages of `scripts/test --ci` (sourced by scripts/test after install-deps.sh):
#   1. gcc:    g++ build with warnings as errors, the whole ctest suite
#   2. clang:  clang build with warnings as errors, ASan+UBSan+LSan and the fuzz targets; its unit,
#              conformance and fault tests
#   3. fuzz:   each libFuzzer target for MQTK_FUZZ_SECONDS (60) from its seed corpus, clang build
#   (after gcc) package: scripts/package, the Debian package with lintian and its install test
# Each stage prints one summary line; the run ends with "N passed, N failed" over every test of every
# stage (a ctest test or a fuzz target is one test; a build that fails counts as one failure).
# Returns non-zero when anything failed.

ci_passed=0
ci_failed=0

ci_log() { printf '%s\n' "$*"; }

# ci_count_ctest LOG: adds the passed/failed counts of the ctest summary in LOG; echoes "P F".
ci_count_ctest() {
  local line total failed
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n 1)
  if [[ -z $line ]]; then
    echo "0 1" # no summary: ctest itself failed (no tests, crash): one failure
    return
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  echo "$((total - failed)) $failed"
}

# ci_stage_ctest NAME BUILD_DIR [ctest args...]: runs ctest and prints the stage summary.
ci_stage_ctest() {
  local name=$1 build=$2 log start counts
  shift 2
  log=$build/ci-$name.log
  start=$SECONDS
  ctest --test-dir "$build" --output-on-failure --parallel 2 --no-tests=error "$@" >"$log" 2>&1 || true
  counts=$(ci_count_ctest "$log")
  read -r p f <<<"$counts"
  ci_passed=$((ci_passed + p))
  ci_failed=$((ci_failed + f))
  if ((f > 0)); then
    tail -n 300 "$log" # --output-on-failure put each failed test's output just before the summary
  fi
  ci_log "stage $name: $p passed, $f failed ($((SECONDS - start)) s)"
}

# ci_build NAME BUILD_DIR [cmake -D options...]: configures and builds; a failure counts once.
ci_build() {
  local name=$1 build=$2 start
  shift 2
  start=$SECONDS
  if ! mqtk_configure_and_build "$root" "$build" "$@" >"$build.build.log" 2>&1; then
    tail -n 80 "$build.build.log"
    ci_failed=$((ci_failed + 1))
    ci_log "stage $name build: FAILED ($((SECONDS - start)) s)"
    return 1
  fi
  ci_log "stage $name build: ok ($((SECONDS - start)) s)"
}

# ci_stage_fuzz BUILD_DIR: every fuzz target for MQTK_FUZZ_SECONDS from its corpus.
ci_stage_fuzz() {
  local build=$1 start=$SECONDS p=0 f=0 source target
  for source in "$root"/tests/fuzz/fuzz_*.cpp; do
    target=$(basename "$source" .cpp)
    if BUILD_DIR=$build "$root/tests/fuzz/run.sh" "$target" "${MQTK_FUZZ_SECONDS:-60}" >"$build/ci-$target.log" 2>&1; then
      p=$((p + 1))
      grep -E 'number_of_executed_units' "$build/ci-$target.log" | sed "s/^ */   $target: /" || true
    else
      f=$((f + 1))
      tail -n 60 "$build/ci-$target.log"
    fi
  done
  ci_passed=$((ci_passed + p))
  ci_failed=$((ci_failed + f))
  ci_log "stage fuzz: $p passed, $f failed ($((SECONDS - start)) s)"
}

# ci_stage_package PACKAGE_BUILD_DIR: scripts/package (the .deb, lintian, the install test); each of
# its checks is one test, a build that fails one failure.
ci_stage_package() {
  local build=$1 log=$1/ci-package.log start=$SECONDS line p=0 f=1
  mkdir -p "$build"
  MQTK_PACKAGE_BUILD_DIR=$build "$root/scripts/package" >"$log" 2>&1 || true
  line=$(grep -E '^package: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  [[ -n $line ]] && read -r p f <<<"$(sed -E 's/^package: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")"
  ((f > 0)) && tail -n 80 "$log"
  ci_passed=$((ci_passed + p))
  ci_failed=$((ci_failed + f))
  ci_log "stage package: $p passed, $f failed ($((SECONDS - start)) s)"
}

# mqtk_ci GCC_BUILD_DIR: every stage, then the closing line. Returns 1 if anything failed.
mqtk_ci() {
  local gcc_build=$1 clang_build=${1%/}-clang start=$SECONDS
  if ci_build gcc "$gcc_build" -DMQTK_WERROR=ON -DMQTK_SANITIZE=OFF -DMQTK_FUZZ=OFF; then
    ci_stage_ctest gcc "$gcc_build"
  fi
  ci_stage_package "${gcc_build%/}-package"
  if CC=clang CXX=clang++ ci_build clang "$clang_build" -DMQTK_WERROR=ON -DMQTK_FUZZ=ON -DMQTK_SANITIZE=ON \
    -DMQTK_STATIC_RUNTIME=OFF; then
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
      UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
      ci_stage_ctest clang-sanitize "$clang_build" -R '^(unit|conformance|faults\.)'
    ci_stage_fuzz "$clang_build"
  fi
  ci_log "ci: $((SECONDS - start)) s in all"
  ci_log "$ci_passed passed, $ci_failed failed"
  ((ci_failed == 0))
}
