#!/usr/bin/env bash
# scripts/bench orders [--ledger sqlite|postgresql] [--orders N] [--runs R] [--bin PATH] [--keep]
#
# Generates N order lines (default 1,000,000; scripts/bench.d/orders_gen.py, random.Random(42))
# over the two years before a fixed day, then times, on a Release build in build-bench/ (or the
# binary --bin names) with a private XDG_DATA_HOME in a temp dir (TMPDIR honoured) removed at
# exit:
#   (a) mpsupport orders import ORDERS.csv            into an empty ledger, with peak RSS
#   (s) the sqlite3 shell's .import of ORDERS.csv     into a table with the ledger's four
#                                                     indexes (same keys, on the CSV's columns),
#                                                     with peak RSS: the yardstick for (a)
#       targets: (a) peak RSS < 64 MB and (a) <= 1.5 x (s), measured in the same run
#   (b) mpsupport orders import ORDERS.csv            again (nothing changes; info only)
#   (c) mpsupport remind --dry-run --at DAY           median of R runs       target <= 1 s
#   (d) mpsupport expiry REF --at DAY                 20 runs                target <= 20 ms
#   (e) /bin/true and mpsupport --version             20 runs each           (process start-up, info)
# (d) and (e) use `perf stat -r 20` (mean wall time from fork to exit) when perf works, else
# the shell's clock around each run (which adds the shell's own fork, several ms on a VM).
set -euo pipefail

# --ledger postgresql: the same on a private PostgreSQL (scripts/bench.d/orders_pg.sh).
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --ledger ]; then
    case ${2:-} in
      postgresql) pg=1; shift 2; continue ;;
      sqlite) shift 2; continue ;;
      *) echo "bench: --ledger must be sqlite or postgresql" >&2; exit 2 ;;
    esac
  fi
  args+=("$1"); shift
done
set -- "${args[@]+"${args[@]}"}"
[ "${pg:-0}" = 1 ] && exec "$(dirname "${BASH_SOURCE[0]}")/orders_pg.sh" "$@"

usage_ledger=""
# shellcheck source=orders_args.sh
. "$(dirname "${BASH_SOURCE[0]}")/orders_args.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mpsupport-bench-orders.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
export XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config" MPSUPPORT_NO_INPUT=1 NO_COLOR=1
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"

say "generating $orders order lines (seed 42) in $work"
t0=$(now)
read -r gen_lines gen_ext first_ref <<<"$("$python" "$root/scripts/bench.d/orders_gen.py" "$orders" "$work/orders.csv" "$day")"
gen_us=$(($(now) - t0))
csv_bytes=$(stat -c %s "$work/orders.csv")
cat "$work/orders.csv" >/dev/null  # warm the page cache

say "timing orders import (empty ledger)"
rss=n/a
if [ -x /usr/bin/time ]; then
  t0=$(now)
  /usr/bin/time -f %M -o "$work/rss" "$bin" -q orders import "$work/orders.csv" >/dev/null
  import_us=$(($(now) - t0))
  rss=$(awk '{ printf "%.0f MiB", $1 / 1024 }' "$work/rss")
else
  timed import_us "$bin" -q orders import "$work/orders.csv"
fi
timed reimport_us "$bin" -q orders import "$work/orders.csv"

say "timing the sqlite3 shell's .import (same CSV, the ledger's four indexes)"
command -v sqlite3 >/dev/null || { say "sqlite3 missing (scripts/setup installs it)"; exit 1; }
cat >"$work/shell.sql" <<SQL
CREATE TABLE orders (order_reference TEXT, purchased_at TEXT, customer_email TEXT,
                     customer_name TEXT, module TEXT, extended_months TEXT);
CREATE UNIQUE INDEX orders_key ON orders (order_reference, module, extended_months);
CREATE INDEX orders_purchases ON orders (purchased_at) WHERE extended_months = '';
CREATE INDEX orders_customer ON orders (customer_email, module);
CREATE INDEX orders_extended ON orders (purchased_at) WHERE extended_months <> '';
.mode csv
.import --skip 1 $work/orders.csv orders
SQL
t0=$(now)
/usr/bin/time -f %M -o "$work/shell.rss" sqlite3 "$work/shell.sqlite" <"$work/shell.sql" >/dev/null
shell_us=$(($(now) - t0))
shell_rss=$(awk '{ printf "%.0f MiB", $1 / 1024 }' "$work/shell.rss")
shell_rows=$(sqlite3 "$work/shell.sqlite" "SELECT count(*) FROM orders")
ledger_bytes=$(stat -c %s "$XDG_DATA_HOME/mpsupport/ledger.sqlite")

say "timing remind --dry-run ($runs runs)"
due=$("$bin" --json remind --dry-run --at "$day" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["summary"]["would_send"])')
remind_times=()
for ((i = 0; i < runs; i++)); do timed t "$bin" remind --dry-run --at "$day"; remind_times+=("$t"); done

say "timing expiry (20 runs), /bin/true and --version (20 runs each)"
"$bin" expiry "$first_ref" --at "$day" >/dev/null 2>&1 || true  # warm up
method=$process_method
expiry_med=$(process_us "$bin" expiry "$first_ref" --at "$day")
true_med=$(process_us /bin/true)
version_med=$(process_us "$bin" --version)

remind_med=$(median "${remind_times[@]}")
awk -v bt="$build_type" -v n="$gen_lines" -v ext="$gen_ext" -v csv="$csv_bytes" -v gen="$gen_us" \
    -v imp="$import_us" -v reimp="$reimport_us" -v rss="$rss" -v db="$ledger_bytes" -v due="$due" \
    -v shell="$shell_us" -v shell_rss="$shell_rss" -v shell_rows="$shell_rows" -v rss_kib="$(cat "$work/rss" 2>/dev/null || echo 0)" \
    -v rem="$remind_med" -v runs="$runs" -v expiry="$expiry_med" -v tru="$true_med" -v ver="$version_med" -v method="$method" \
    -v nproc="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
BEGIN {
  printf "== mpsupport bench orders (%s build, %d CPU(s), load average %s at the end) ==\n", bt, nproc, load
  printf "orders:        %d lines (%d buy extended support), CSV %.1f MiB, generated in %.1f s\n", n, ext, csv / 1048576, gen / 1e6
  printf "%-44s %8.3f s   (ledger %.0f MiB, peak RSS %s)\n", "(a) orders import, empty ledger:", imp / 1e6, db / 1048576, rss
  printf "%-44s %8.3f s   (%d rows, peak RSS %s)\n", "(s) sqlite3 shell .import, 4 indexes:", shell / 1e6, shell_rows, shell_rss
  printf "%-44s %8.2f x\n", "    (a) / (s):", imp / shell
  printf "%-44s %8.3f s   (info: nothing changes)\n", "(b) orders import, same file again:", reimp / 1e6
  printf "%-44s %8.3f s   (median of %d; %d reminders due)\n", "(c) remind --dry-run:", rem / 1e6, runs, due
  printf "%-44s %8.1f ms  (%s)\n", "(d) expiry REF (whole process):", expiry / 1e3, method
  printf "%-44s %8.1f ms / %.1f ms\n", "(e) /bin/true / mpsupport --version:", tru / 1e3, ver / 1e3
  printf "%-44s %s\n", "target import peak RSS < 64 MB:", (rss_kib > 0 && rss_kib * 1024 < 64e6 ? "MET" : "MISSED")
  printf "%-44s %s\n", "target import <= 1.5 x sqlite3 shell:", (imp <= 1.5 * shell ? "MET" : "MISSED")
  printf "%-44s %s\n", "target remind --dry-run <= 1 s:", (rem <= 1e6 ? "MET" : "MISSED")
  printf "%-44s %s\n", "target expiry <= 20 ms:", (expiry <= 20e3 ? "MET" : "MISSED")
}'
