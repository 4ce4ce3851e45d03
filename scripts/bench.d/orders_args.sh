# Shared by scripts/bench.d/orders.sh and orders_pg.sh (sourced, with "$@" and $usage_ledger
# set): the defaults, the arguments, scripts/setup and the binary to time ($bin, $build_type).
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

