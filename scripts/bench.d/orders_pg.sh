#!/usr/bin/env bash
# scripts/bench orders --ledger postgresql [--orders N] [--runs R] [--bin PATH] [--keep]
#
# The PostgreSQL ledger ([ledger] url): starts a private PostgreSQL 15 (initdb in a temp dir,
# as the postgres user when run as root; a Unix socket in that dir, no TCP), generates N order
# lines (default 1,000,000; orders_gen.py, seed 42) and times, with MPSUPPORT_LEDGER_URL
# pointing at a fresh database over the local socket:
#   (a) mpsupport orders import ORDERS.csv        into an empty ledger, with peak RSS
#   (p) psql \copy of ORDERS.csv                  into a plain table: the yardstick for (a)
#       targets: (a) peak RSS < 64 MB and (a) <= 2 x (p)
#   (q) (p), then CREATE INDEX of the four keys the ledger looks lines up by (reference+module+
#       months, purchase date, customer+module, the extension lines' dates): info, what psql
#       alone needs for a table the commands can read
#   (b) mpsupport orders import ORDERS.csv        again (nothing changes; info only)
#   (c) mpsupport remind --dry-run --at DAY       median of R runs      target <= 2 s
#   (d) mpsupport expiry REF --at DAY             20 runs (perf stat)   target <= 30 ms
#   (e) mpsupport --version, psql -c "SELECT 1"   20 runs each: the floor of (d) (process start;
#       a new backend's fork, authentication and first query). psql is PostgreSQL's own binary,
#       not Debian's /usr/bin/psql (a Perl wrapper that adds 50-65 ms to every call).
set -euo pipefail

usage_ledger="--ledger postgresql "
# shellcheck source=orders_args.sh
. "$(dirname "${BASH_SOURCE[0]}")/orders_args.sh"
pgbin=/usr/lib/postgresql/15/bin

work=$(mktemp -d "${TMPDIR:-/tmp}/mpsupport-bench-orders-pg.XXXXXX")
chmod 755 "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_pid=
cleanup() {
  if [ -n "$pg_pid" ]; then as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
  if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config" MPSUPPORT_NO_INPUT=1 NO_COLOR=1
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"

say "starting a private PostgreSQL 15 in $work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-k $work/pg -c listen_addresses='' -c shared_buffers=128MB" start >/dev/null
pg_pid=1
psql_cmd=("$pgbin/psql" -X -q -h "$work/pg" -U postgres)
"${psql_cmd[@]}" -d postgres -c "CREATE DATABASE ledger" -c "CREATE DATABASE plain"
export MPSUPPORT_LEDGER_URL="postgresql://postgres@/ledger?host=$work/pg"

say "generating $orders order lines (seed 42) in $work"
read -r gen_lines gen_ext first_ref <<<"$("$python" "$root/scripts/bench.d/orders_gen.py" "$orders" "$work/orders.csv" "$day")"
cat "$work/orders.csv" >/dev/null

say "timing orders import into PostgreSQL (empty ledger)"
t0=$(now)
/usr/bin/time -f %M -o "$work/rss" "$bin" -q orders import "$work/orders.csv" >/dev/null
import_us=$(($(now) - t0))
rss_kib=$(cat "$work/rss")
timed reimport_us "$bin" -q orders import "$work/orders.csv"
rows=$("${psql_cmd[@]}" -d ledger -At -c "SELECT count(*) FROM order_lines")

say "timing psql \\copy of the same CSV into a plain table"
"${psql_cmd[@]}" -d plain -c "CREATE TABLE orders (order_reference TEXT, purchased_at TEXT, customer_email TEXT, customer_name TEXT, module TEXT, extended_months TEXT)"
t0=$(now)
"${psql_cmd[@]}" -d plain -c "\\copy orders FROM '$work/orders.csv' WITH (FORMAT csv, HEADER true)" >/dev/null
copy_us=$(($(now) - t0))
t0=$(now)
"${psql_cmd[@]}" -d plain -c "CREATE INDEX ON orders (order_reference, module, extended_months)" \
  -c "CREATE INDEX ON orders (purchased_at) WHERE extended_months IS NULL" \
  -c "CREATE INDEX ON orders (customer_email, module)" \
  -c "CREATE INDEX ON orders (purchased_at) WHERE extended_months IS NOT NULL" >/dev/null
indexed_us=$((copy_us + $(now) - t0))

say "timing remind --dry-run ($runs runs) and expiry (20 runs)"
due=$("$bin" --json remind --dry-run --at "$day" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["summary"]["would_send"])')
remind_times=()
for ((i = 0; i < runs; i++)); do timed t "$bin" remind --dry-run --at "$day"; remind_times+=("$t"); done
"$bin" expiry "$first_ref" --at "$day" >/dev/null 2>&1 || true  # warm up
remind_med=$(median "${remind_times[@]}")
expiry_med=$(process_us "$bin" expiry "$first_ref" --at "$day")
# The floor of (d): starting the binary, and a new server backend answering one query.
version_med=$(process_us "$bin" --version)
select_med=$(process_us "${psql_cmd[@]}" -d ledger -At -c "SELECT 1")

awk -v bt="$build_type" -v n="$gen_lines" -v rows="$rows" -v imp="$import_us" -v reimp="$reimport_us" \
    -v rss_kib="$rss_kib" -v copy="$copy_us" -v indexed="$indexed_us" -v rem="$remind_med" -v runs="$runs" -v due="$due" \
    -v expiry="$expiry_med" -v ver="$version_med" -v sel="$select_med" -v method="$process_method" -v nproc="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
BEGIN {
  printf "== mpsupport bench orders --ledger postgresql (%s build, %d CPU(s), load average %s) ==\n", bt, nproc, load
  printf "%-44s %8.3f s   (%d lines stored, peak RSS %.0f MiB)\n", "(a) orders import, empty PostgreSQL ledger:", imp / 1e6, rows, rss_kib / 1024
  printf "%-44s %8.3f s\n", "(p) psql \\copy into a plain table:", copy / 1e6
  printf "%-44s %8.2f x\n", "    (a) / (p):", imp / copy
  printf "%-44s %8.3f s   (info: (a) / (q) = %.2f x)\n", "(q) (p) + CREATE INDEX of the 4 lookup keys:", indexed / 1e6, imp / indexed
  printf "%-44s %8.3f s   (info: nothing changes)\n", "(b) orders import, same file again:", reimp / 1e6
  printf "%-44s %8.3f s   (median of %d; %d reminders due)\n", "(c) remind --dry-run:", rem / 1e6, runs, due
  printf "%-44s %8.1f ms  (%s, local socket)\n", "(d) expiry REF (whole process):", expiry / 1e3, method
  printf "%-44s %8.1f ms / %.1f ms  (floor of (d))\n", "(e) mpsupport --version / psql -c \"SELECT 1\":", ver / 1e3, sel / 1e3
  printf "%-44s %s\n", "target import peak RSS < 64 MB:", (rss_kib * 1024 < 64e6 ? "MET" : "MISSED")
  printf "%-44s %s\n", "target import <= 2 x psql \\copy:", (imp <= 2 * copy ? "MET" : "MISSED")
  printf "%-44s %s\n", "target remind --dry-run <= 2 s:", (rem <= 2e6 ? "MET" : "MISSED")
  printf "%-44s %s\n", "target expiry <= 30 ms:", (expiry <= 30e3 ? "MET" : "MISSED")
}'
