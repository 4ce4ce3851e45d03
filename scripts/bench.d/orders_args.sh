# Shared by scripts/bench.d/orders.sh and orders_pg.sh (sourced, with "$@" and $usage_ledger
# set): the defaults, the arguments, scripts/setup, the binary to time ($bin, $build_type) and the
# clocks (now, median, timed, process_us).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$root/build-bench"
bin="$build/mpsupport"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
orders=1000000 runs=3 keep=0 bin_flag=
day=2026-11-27

usage() { echo "usage: scripts/bench orders $usage_ledger[--orders N] [--runs R] [--bin PATH] [--keep]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --orders) orders=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --bin) bin_flag=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "bench: unknown argument $1" >&2; usage ;;
  esac
done
[[ $orders =~ ^[0-9]+$ && $orders -ge 100 ]] || { echo "bench: --orders must be a number >= 100" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 ]] || { echo "bench: --runs must be a number >= 1" >&2; exit 2; }
say() { printf 'bench: %s\n' "$*" >&2; }

"$root/scripts/setup"
if [ -n "$bin_flag" ]; then
  bin=$(cd "$(dirname "$bin_flag")" && pwd)/$(basename "$bin_flag")
  [ -x "$bin" ] || { echo "bench: --bin $bin_flag is not an executable" >&2; exit 2; }
  build_type="--bin $bin_flag"
else
  if [ ! -f "$build/build.ninja" ]; then
    say "configuring Release build in $build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMPSUPPORT_BUILD_TESTS=OFF >/dev/null
  fi
  ninja -C "$build" mpsupport >/dev/null || { say "build failed"; exit 1; }
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
fi

now() { echo "${EPOCHREALTIME/[,.]/}"; }  # microseconds
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# timed VAR CMD...: run CMD (output discarded), store its wall time in microseconds in VAR.
timed() {
  local var=$1 t0 t1
  shift
  t0=$(now)
  "$@" >/dev/null 2>&1 || true
  t1=$(now)
  printf -v "$var" '%s' $((t1 - t0))
}
# process_us CMD...: a short command's time in microseconds over 20 runs. perf stat times the
# process from fork to exit, without the shell's own fork overhead (several ms on a busy VM);
# without perf, the shell's clock around each run. $process_method says which.
if command -v perf >/dev/null 2>&1 && perf stat -r 1 /bin/true >/dev/null 2>&1; then
  process_method="perf stat -r 20, mean"
  process_us() {
    # (expiry exits with 3 for an expired order: not a failure here)
    { perf stat -r 20 "$@" 2>&1 >/dev/null || true; } | awk '/seconds time elapsed/ { printf "%d", $1 * 1e6 }'
  }
else
  process_method="shell clock, median of 20"
  process_us() {
    local times=() t i
    for ((i = 0; i < 20; i++)); do timed t "$@"; times+=("$t"); done
    median "${times[@]}"
  }
fi
