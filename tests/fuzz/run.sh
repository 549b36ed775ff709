#!/usr/bin/env bash
# Builds one libFuzzer target with clang (ASan+UBSan) in build-fuzz/ and runs it for N seconds on a
# copy of its seed corpus, then prints the executions and the coverage reached.
#
#   tests/fuzz/run.sh fuzz_decoder|fuzz_topic|fuzz_<name> [seconds=60] [extra libFuzzer flags...]
#
# Target fuzz_<name> is built from fuzz_<name>.cpp and seeded from corpus/<name>/ (empty if absent).
# Environment: BUILD_DIR (default <repo>/build-fuzz), JOBS (build parallelism, default 2),
# KEEP_CORPUS=1 keeps the grown corpus copy instead of deleting it. Crash inputs are written to
# $BUILD_DIR/artifacts/<target>/; replay one with `$BUILD_DIR/tests/fuzz/<target> <file>`.
set -euo pipefail

usage() {
  echo "usage: $0 fuzz_decoder|fuzz_topic|fuzz_<name> [seconds=60] [libFuzzer flags...]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
target=$1
seconds=${2:-60}
shift $(($# >= 2 ? 2 : 1))
[[ $target =~ ^fuzz_[a-z0-9_]+$ && $seconds =~ ^[0-9]+$ ]] || usage
corpus_name=${target#fuzz_}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -f $here/$target.cpp ]] || { echo "$0: no $here/$target.cpp" >&2; exit 2; }
repo=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$repo/build-fuzz}

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 1; }
done

if [[ ! -f $build/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DMQTK_FUZZ=ON -DMQTK_BUILD_TESTS=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "== building $target in $build"
if ! build_log=$(cmake --build "$build" --target "$target" -j "${JOBS:-2}" 2>&1); then
  echo "$build_log" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mqtk-$target.XXXXXX")
if [[ ${KEEP_CORPUS:-0} != 1 ]]; then
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/corpus"
if [[ -d $here/corpus/$corpus_name ]]; then
  cp -R "$here/corpus/$corpus_name/." "$work/corpus/"
fi
artifacts=$build/artifacts/$target
mkdir -p "$artifacts"
log=$work/fuzz.log

echo "== $target for ${seconds}s on a copy of corpus/$corpus_name ($(find "$work/corpus" -type f | wc -l) seeds)"
status=0
"$build/tests/fuzz/$target" "$work/corpus" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | sed 's/^/   /' || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed 's/^/   /' || true
if [[ $status -ne 0 ]]; then
  echo "== $target FAILED (status $status); the end of its log:" >&2
  tail -n 60 "$log" >&2
  ls -1 "$artifacts" >&2
fi
if [[ ${KEEP_CORPUS:-0} == 1 ]]; then
  echo "   grown corpus kept in $work/corpus"
fi
exit "$status"
