#!/usr/bin/env bash
# scripts/bench ftp [--runs R] [--slow-tools] [--delay-ms D] [--module-dir DIR] [--bin PATH]
#                   [--port-base P] [--no-handshake] [--no-digest] [--keep]
#
# Times `mpsupport verify ftp://...` (explicit FTPS) on a realistic shop root against the tools a
# user would otherwise use, over a loopback ProFTPD with mod_tls behind a latency proxy:
#   - ProFTPD (Debian proftpd-core + mod_tls from proftpd-mod-crypto) in the foreground with its
#     own config: AUTH TLS required on control and data connections, TLS session reuse on data
#     connections required (ProFTPD's default, as on real servers), a certificate from a
#     throw-away CA made here, one virtual user (AuthUserFile) chrooted to its login folder. It
#     listens on 127.0.0.2 only: the control port P (--port-base, default 24100; below the
#     ephemeral port range) and the passive ports P+1..P+64, and announces 127.0.0.1 in its PASV
#     answers (MasqueradeAddress). mod_digest is loaded (FEAT offers HASH SHA-256, as on
#     ProFTPD hosts that enable it and FileZilla Server): verify asks the server for digests and
#     reads only differing files. --no-digest: a server without HASH (every file travels).
#   - latency_proxy.py listens on 127.0.0.1 on the control port and every passive port and
#     forwards each to the same port on 127.0.0.2, releasing every chunk D ms after it arrived,
#     each direction (default 25 ms: 50 ms RTT at full bandwidth). It also charges the TCP
#     handshake (the first bytes of a connection reach the server 1.5 RTT after connect(); --no-handshake: free, as the sftp
#     bench does): FTP opens a new data connection per file and per listing, so a link without
#     that cost would flatter every FTP client.
#   - the shop root of shop_root.py around the module of --module-dir (e.g. ps_facetedsearch
#     4.0.1 unpacked; default: a generated 180-file module, tree.py seed 42), the installed
#     module identical to the release stored as pristine.
# Tools, alternating, medians of R runs (default 2; ~3 minutes in all):
#   (a) lftp mirror --parallel=4 of the module folder (ssl forced, certificate verified)
#   (b) lftp mirror --parallel=4 of what verify reads: the module, override/ and
#       themes/classic/modules/NAME (one session, three mirrors)
#   (c) wget -m of the same three folders (one connection, explicit FTPS)
#   (d) curl --ssl-reqd, one process, one URL per file of the three folders (the file list is
#       given to it: curl cannot list recursively, so it pays no listing round trips)
#   (e) mpsupport verify ftp://... --module NAME --connections 4 (when the binary has ftp://:
#       `verify --help` mentions --connections; otherwise its row says so and the rest runs)
# wget and curl fetch one file at a time (~100 s each at 50 ms RTT on ps_facetedsearch): they
# run only with --slow-tools, and then once, in the first run. Every copy is counted and its
# byte total checked; mpsupport runs with --json under /usr/bin/time -f %M: every run must say
# "covered" (exit 0), its verdict is compared with a local verify of the same shop root, and
# its peak RSS is printed. --bin benchmarks that
# binary instead of the Release build in build-bench/. ProFTPD, the proxy and the temp dir
# (TMPDIR honoured) are removed at exit, also on failure. Must run as root (ProFTPD chroots).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/scripts/bench.d"
build="$root/build-bench"
bin="$build/mpsupport"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

usage() {
  echo "usage: scripts/bench ftp [--runs R] [--slow-tools] [--delay-ms D] [--module-dir DIR] [--bin PATH] [--port-base P] [--no-handshake] [--no-digest] [--keep]" >&2
  exit 2
}
runs=2 slow=0 delay_ms=25 keep=0 module_dir="" bin_arg="" port_base=24100 handshake=1 digest=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --slow-tools) slow=1; shift ;;
    --delay-ms) delay_ms=${2:?}; shift 2 ;;
    --module-dir) module_dir=${2:?}; shift 2 ;;
    --bin) bin_arg=${2:?}; shift 2 ;;
    --port-base) port_base=${2:?}; shift 2 ;;
    --no-handshake) handshake=0; shift ;;
    --no-digest) digest=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "bench: unknown argument $1" >&2; usage ;;
  esac
done
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 50 ]] || { echo "bench: --runs must be a number in 1..50" >&2; exit 2; }
[[ $delay_ms =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench: --delay-ms must be a number" >&2; exit 2; }
[[ $port_base =~ ^[0-9]+$ && $port_base -ge 1024 && $port_base -le 65000 ]] ||
  { echo "bench: --port-base must be a number in 1024..65000" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: ftp mode runs its own ProFTPD (it chroots the FTP user): run it as root" >&2; exit 2; }
if [ -n "$module_dir" ]; then
  [ -d "$module_dir" ] || { echo "bench: --module-dir $module_dir is not a folder" >&2; exit 2; }
  module_dir=$(cd "$module_dir" && pwd)
fi
if [ -n "$bin_arg" ]; then
  [ -x "$bin_arg" ] || { echo "bench: --bin $bin_arg is not an executable" >&2; exit 2; }
  bin=$(cd "$(dirname "$bin_arg")" && pwd)/$(basename "$bin_arg")
fi

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- 1. tools and the Release binary -------------------------------------------------------
"$root/scripts/setup"
[ -x /usr/sbin/proftpd ] || die "/usr/sbin/proftpd is missing (apt-get install proftpd-core)"
[ -f /usr/lib/proftpd/mod_tls.so ] || die "ProFTPD's mod_tls is missing (apt-get install proftpd-mod-crypto)"
for tool in lftp wget curl openssl; do command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup installs it)"; done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"

if [ -n "$bin_arg" ]; then
  say "benchmarking $bin (--bin)"
else
  if [ ! -f "$build/build.ninja" ]; then
    say "configuring Release build in $build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMPSUPPORT_BUILD_TESTS=OFF >/dev/null
  fi
  before=$(stat -c %i.%Y.%s "$bin" 2>/dev/null || echo none)
  build_log=$(mktemp)
  if ninja -C "$build" mpsupport >"$build_log" 2>&1; then
    after=$(stat -c %i.%Y.%s "$bin" 2>/dev/null || echo none)
    if [ "$before" = "$after" ]; then say "Release binary up to date: $bin"; else say "built Release binary: $bin"; fi
  else
    cat "$build_log" >&2
    if [ ! -x "$bin" ]; then rm -f "$build_log"; die "build failed and there is no binary to benchmark"; fi
    say "WARNING: build failed (sources being edited?); benchmarking the existing, possibly stale $bin"
  fi
  rm -f "$build_log"
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$bin")/CMakeCache.txt" 2>/dev/null || true)
build_type=${build_type:-unknown}
if "$bin" verify --help 2>/dev/null | grep -q -- '--connections'; then have_ftp=1; else have_ftp=0; fi

# --- 2. temp dir, cleanup ----------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/mpsupport-bench-ftp.XXXXXX")
ftpd_pid="" proxy_pid="" proxy0_pid="" dog_pid="" run_pid=""
stop_pid() {  # stop_pid PID: TERM, wait up to 2 s, then KILL
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  # Stopping the proxies and ProFTPD breaks the connections of a tool still running, which exits.
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null
  stop_pid "$proxy_pid"
  stop_pid "$proxy0_pid"
  # Session processes of our ProFTPD (connections still open) are its children: end them, then it.
  [ -n "$ftpd_pid" ] && pkill -TERM -P "$ftpd_pid" 2>/dev/null
  stop_pid "$ftpd_pid"
  stop_pid "$dog_pid"
  if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

export HOME="$work/home" XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config"
export MPSUPPORT_NO_INPUT=1 NO_COLOR=1 LC_ALL=C
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$work/ftpd" "$work/tls"
chmod 700 "$HOME"
# The FTP user is nobody: it must be able to walk to and read the shop root.
chmod 755 "$work"

now() { echo "${EPOCHREALTIME/[,.]/}"; }  # microseconds
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
secs() { awk -v us="$1" 'BEGIN { if (us == "") print "-"; else printf "%.2f", us / 1e6 }'; }

ports_free() {  # ports_free LO HI: every port free on 127.0.0.1, .2 (server) and .3 (0 ms proxy)
  "$python" - "$1" "$2" <<'EOF'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    for host in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        s = socket.socket()
        try:
            s.bind((host, port))
        except OSError:
            sys.exit(1)
        finally:
            s.close()
EOF
}
wait_port() {  # wait_port HOST PORT PID: until HOST:PORT accepts (max 10 s) while PID lives
  local host=$1 port=$2 pid=$3 i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    "$python" -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.5).close()' "$host" "$port" \
      2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# --- 3. CA, server certificate, user, ProFTPD on 127.0.0.2 -----------------------------------
tls="$work/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mpsupport bench CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,DNS:localhost" "basicConstraints=CA:FALSE" \
  "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$tls/server.ext"
openssl x509 -req -days 2 -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
  -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
ca="$tls/ca.pem"

user=shopuser
password="Bench-$RANDOM-$RANDOM"
mkdir -p "$work/server"
printf '%s:%s:65534:65534::%s:/bin/sh\n' "$user" "$(openssl passwd -6 "$password")" "$work/server" >"$work/ftpd/passwd"
printf 'nogroup:x:65534:\n' >"$work/ftpd/group"
chmod 600 "$work/ftpd/passwd"

ctrl_port=""
for ((attempt = 0; attempt < 8; attempt++)); do
  base=$((port_base + attempt * 100))
  ports_free "$base" $((base + 64)) || continue
  cat >"$work/ftpd/proftpd.conf" <<EOF
ServerName "mpsupport bench"
ServerType standalone
DefaultServer on
SocketBindTight on
DefaultAddress 127.0.0.2
Port $base
PassivePorts $((base + 1)) $((base + 64))
MasqueradeAddress 127.0.0.1
UseIPv6 off
User root
Group root
PidFile $work/ftpd/proftpd.pid
ScoreboardFile $work/ftpd/proftpd.scoreboard
DelayTable none
WtmpLog off
TransferLog none
UseReverseDNS off
MaxInstances 100
ModulePath /usr/lib/proftpd
LoadModule mod_tls.c
$([ "$digest" = 1 ] && printf 'LoadModule mod_digest.c\nDigestEngine on')
AuthOrder mod_auth_file.c
AuthUserFile $work/ftpd/passwd
AuthGroupFile $work/ftpd/group
RequireValidShell off
DefaultRoot ~
# LIST shows dot files (.htaccess), as most shared hosts do; MLSD always does.
ListOptions "-a"
TLSEngine on
TLSLog $work/ftpd/tls.log
TLSProtocol TLSv1.2 TLSv1.3
TLSRequired on
TLSRSACertificateFile $tls/server.pem
TLSRSACertificateKeyFile $tls/server.key
TLSVerifyClient off
# No "TLSOptions NoSessionReuseRequired": data connections must reuse the control's session.
EOF
  /usr/sbin/proftpd -n -q -c "$work/ftpd/proftpd.conf" </dev/null >"$work/ftpd/proftpd.log" 2>&1 &
  ftpd_pid=$!
  if wait_port 127.0.0.2 "$base" "$ftpd_pid"; then ctrl_port=$base; break; fi
  stop_pid "$ftpd_pid"; ftpd_pid=""
done
[ -n "$ctrl_port" ] || { cat "$work/ftpd/proftpd.log" >&2 2>/dev/null; die "could not start ProFTPD on 127.0.0.2 (ports $port_base.. busy?)"; }
pasv_lo=$((ctrl_port + 1)) pasv_hi=$((ctrl_port + 64))

start_proxy() {  # start_proxy DELAY_MS PORT_FILE LISTEN_HOST PORTS... -> sets proxy_started
  local d=$1 pf=$2 lh=$3 i extra=()
  shift 3
  [ "$handshake" = 1 ] && extra=(--handshake)
  "$python" "$here/latency_proxy.py" --ports "$1" --listen-host "$lh" --target-host 127.0.0.2 --delay-ms "$d" "${extra[@]}" \
    --port-file "$pf" --parent-pid $$ --max-lifetime 14400 2>>"$work/proxy.log" &
  proxy_started=$!
  for ((i = 0; i < 150; i++)); do [ -s "$pf" ] && break; kill -0 "$proxy_started" 2>/dev/null || break; sleep 0.1; done
  [ -s "$pf" ] || { cat "$work/proxy.log" >&2; die "the latency proxy did not start"; }
}
start_proxy "$delay_ms" "$work/proxy.ready" 127.0.0.1 "$ctrl_port-$pasv_hi"
proxy_pid=$proxy_started
wait_port 127.0.0.1 "$ctrl_port" "$proxy_pid" || die "the latency proxy does not accept connections"

# Watchdog: if this script is killed hard (no trap), ProFTPD goes too. Bounded: 4 h at most.
(
  trap - EXIT INT TERM HUP
  for ((i = 0; i < 14400; i++)); do kill -0 $$ 2>/dev/null || break; sleep 1; done
  pkill -TERM -P "$ftpd_pid" 2>/dev/null
  kill "$ftpd_pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
dog_pid=$!
say "ProFTPD (mod_tls$([ "$digest" = 1 ] && echo ", mod_digest: HASH")) on 127.0.0.2:$ctrl_port, passive $pasv_lo-$pasv_hi announced as 127.0.0.1;" \
  "latency proxy (${delay_ms} ms each way$([ "$handshake" = 1 ] && echo ", TCP handshake charged")) on 127.0.0.1"

# --- 4. the shop root, the pristine release ---------------------------------------------------
if [ -n "$module_dir" ]; then
  pristine=$module_dir
else
  "$python" "$here/tree.py" generate "$work/pristine" benchmod 180 2.3 >/dev/null
  pristine="$work/pristine/benchmod"
fi
mod=$(basename "$pristine")
shop="$work/server/shop"
read -r shop_files shop_dirs <<<"$("$python" "$here/shop_root.py" build "$shop" "$pristine")"
chmod -R a+rX "$work/server"
"$bin" -q pristine add "$pristine" >/dev/null
fetch_rel=("modules/$mod" override "themes/classic/modules/$mod")  # what verify reads, under the shop
fetch_abs=()
for d in "${fetch_rel[@]}"; do fetch_abs+=("$shop/$d"); done
n_files=$(find "${fetch_abs[@]}" -type f | wc -l)
n_bytes=$(find "${fetch_abs[@]}" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
n_dirs=$(find "${fetch_abs[@]}" -type d | wc -l)
n_mod_files=$(find "$shop/modules/$mod" -type f | wc -l)
n_mod_bytes=$(find "$shop/modules/$mod" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
say "shop root: $shop_files files; verify reads $n_files files ($n_bytes bytes) in $n_dirs folders"

# The FTP view: chrooted to $work/server, so the shop is /shop.
url_host="127.0.0.1:$ctrl_port"
ftp_shop=/shop

# --- 5. the tools -------------------------------------------------------------------------
fresh_out() { rm -rf "$work/out"; mkdir -p "$work/out"; }
count_out() { find "$work/out" -type f ! -name .listing | wc -l; }
bytes_out() { find "$work/out" -type f ! -name .listing -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

lftp_set="set net:max-retries 1; set net:timeout 60; set cmd:fail-exit yes; set xfer:clobber on;
  set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate true; set ssl:ca-file \"$ca\";"
lftp_open="open -u $user,$password ftp://$url_host;"
lftp_mirror() {  # lftp_mirror REL...: one session, one mirror --parallel=4 per folder
  local i=0 dir mirrors=""
  for dir in "$@"; do i=$((i + 1)); mirrors+="mirror --parallel=4 $ftp_shop/$dir $work/out/$i; "; done
  lftp -c "$lftp_set $lftp_open $mirrors" </dev/null >"$work/last.log" 2>&1
}
run_lftp_mod() { lftp_mirror "modules/$mod"; }
run_lftp() { lftp_mirror "${fetch_rel[@]}"; }
run_wget() {
  local urls=() dir
  for dir in "${fetch_rel[@]}"; do urls+=("ftps://$url_host$ftp_shop/$dir/"); done
  wget -q -m -nH -P "$work/out" --ca-certificate="$ca" --ftp-user="$user" --ftp-password="$password" \
    --tries=1 --timeout=60 "${urls[@]}" </dev/null >"$work/last.log" 2>&1
}
# curl gets the file list (it cannot list recursively): one process, connection reused, one file at a time.
( cd "$shop" && find "${fetch_rel[@]}" -type f ) | "$python" -c '
import sys, urllib.parse
base, out = sys.argv[1], sys.argv[2]
for f in sys.stdin.read().splitlines():
    print("url = \"%s/%s\"\noutput = \"%s/%s\"" % (base, urllib.parse.quote(f), out, f))
' "ftp://$url_host$ftp_shop" "$work/out" >"$work/curl.cfg"
run_curl() {
  curl -sS --ssl-reqd --cacert "$ca" -u "$user:$password" --create-dirs --retry 0 --max-time 600 -K "$work/curl.cfg" \
    </dev/null >"$work/last.log" 2>&1
}
mps_args=(verify --module "$mod" --connections 4 "ftp://$user@$url_host$ftp_shop")
run_mps() {  # --json, under /usr/bin/time: every timed run is also a sanity run (files per run i)
  local mps_n=$((i + 1))
  MPSUPPORT_FTP_PASSWORD=$password MPSUPPORT_CA_BUNDLE=$ca /usr/bin/time -f %M -o "$work/rss-mps-$mps_n" \
    "$bin" --json --timeout 300 "${mps_args[@]}" </dev/null >"$work/mps-$mps_n.json" 2>"$work/last.log"
}

tools=(lftp_mod lftp)
[ "$slow" = 1 ] && tools+=(wget curl)
[ "$have_ftp" = 1 ] && tools+=(mps)
declare -A label=([lftp_mod]="(a) lftp mirror -P4 (module folder)" [lftp]="(b) lftp mirror -P4 (what verify reads)"
  [wget]="(c) wget -m (what verify reads)" [curl]="(d) curl, file list given, sequential"
  [mps]="(e) mpsupport verify ftp:// --connections 4")
declare -A expect_files=([lftp_mod]=$n_mod_files [lftp]=$n_files [wget]=$n_files [curl]=$n_files)
declare -A expect_bytes=([lftp_mod]=$n_mod_bytes [lftp]=$n_bytes [wget]=$n_bytes [curl]=$n_bytes)
declare -A times=() rcs=() counts=() short=()

# --- 6. link check: the proxy really adds the delay, passive ports work through it -----------
# An lftp listing of the module folder (login, AUTH TLS, EPSV: one data connection to the host
# it logged in to), direct to 127.0.0.2, through the proxy, and through a second proxy with 0 ms
# on 127.0.0.3 (same hops, no delay): the difference is the delay alone.
list_once() {  # list_once HOST: prints microseconds of one `cls` (login, AUTH TLS, PASV, MLSD)
  local t0 t1
  t0=$(now)
  lftp -c "$lftp_set set ftp:prefer-epsv true; open -u $user,$password ftp://$1:$ctrl_port; cls $ftp_shop/modules/$mod" </dev/null >"$work/cls.out" 2>"$work/cls.err" ||
    { cat "$work/cls.err" >&2; die "lftp listing via $1 failed"; }
  t1=$(now)
  echo $((t1 - t0))
}
start_proxy 0 "$work/proxy0.ready" 127.0.0.3 "$ctrl_port-$pasv_hi"
proxy0_pid=$proxy_started
declare -a rtt_direct=() rtt_proxy=()
for ((i = 0; i < 3; i++)); do
  rtt_direct+=("$(list_once 127.0.0.2)")
  rtt_proxy+=("$(list_once 127.0.0.1)")
done
[ "$(grep -c . "$work/cls.out")" -ge 1 ] || die "the listing through the proxy came back empty"
rtt_direct_med=$(median "${rtt_direct[@]}")
rtt_proxy_med=$(median "${rtt_proxy[@]}")
t0=$(now); list_once 127.0.0.3 >/dev/null; t1=$(now); rtt_zero=$((t1 - t0))
stop_pid "$proxy0_pid"; proxy0_pid=""
# PASV through the proxy: a listing with EPSV off must connect its data socket to 127.0.0.1.
lftp -c "$lftp_set set ftp:prefer-epsv false; debug -t 5; $lftp_open cls $ftp_shop/modules/$mod" </dev/null >"$work/pasv.out" 2>&1 || true
pasv_line=$(grep -m1 -o '227 Entering Passive Mode ([0-9,]*)' "$work/pasv.out" || echo "no 227 answer")
pasv_data=$(grep -m1 -o 'Connecting data socket to ([0-9.]*) port [0-9]*' "$work/pasv.out" || echo "no data connection")
tls_reused=$(grep -c 'client reused TLS session for data connection' "$work/ftpd/tls.log" || true)

# --- 7. sanity (untimed): mpsupport's verdict over FTP and locally, peak RSS ------------------
summary_of() {  # summary_of JSON RC
  "$python" - "$1" "$2" <<'EOF'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print("exit %s, no JSON (%s)" % (sys.argv[2], e)); sys.exit()
tr = doc.get("transport") or {}
extra = ""
for k in ("hashing", "files_fetched", "bytes", "connections", "requests"):
    if k in tr:
        extra += ", %s %s" % (k, tr[k])
print("exit %s, support %s, transport %s%s" % (sys.argv[2], doc.get("support"), tr.get("kind", tr.get("name", "-")) if tr else "-", extra))
EOF
}
support_of() { "$python" -c 'import json, sys
try: print(json.load(open(sys.argv[1])).get("support"))
except Exception: print("-")' "$1"; }
set +e
"$bin" --json verify --module "$mod" "$shop" </dev/null >"$work/local.json" 2>"$work/local.err"
local_rc=$?
set -e
local_support=$(support_of "$work/local.json")
[ "$have_ftp" = 1 ] || say "mpsupport ftp:// not available in this build ($bin): its row is skipped"

# --- 8. timed runs ----------------------------------------------------------------------------
say "timing $runs run(s) (wget, curl: the first only), alternating: ${tools[*]}"
total_t0=$(now)
for ((i = 0; i < runs; i++)); do
  n=${#tools[@]}
  for ((k = 0; k < n; k++)); do
    tool=${tools[(i + k) % n]}
    case $tool in wget|curl) [ "$i" = 0 ] || continue ;; esac
    fresh_out
    set +e
    # In the background and waited for, so a TERM to this script is handled at once (trap, cleanup).
    t0=$(now); "run_$tool" & run_pid=$!; wait "$run_pid"; rc=$?; t1=$(now); run_pid=""
    set -e
    us=$((t1 - t0))
    times[$tool]+="$us "
    rcs[$tool]+="$rc "
    if [ "$tool" != mps ]; then
      counts[$tool]+="$(count_out) "
      [ "$(bytes_out)" = "${expect_bytes[$tool]}" ] || short[$tool]=1
    fi
    if [ "$rc" -ne 0 ]; then say "  $tool exited $rc:"; sed -n 1,10p "$work/last.log" >&2; fi
    say "  run $((i + 1))/$runs $tool: $(secs "$us") s (exit $rc)"
  done
done
total_t1=$(now)

# mpsupport: the verdict of every run (all must be the local one), peak RSS over the runs.
mps_sanity="mpsupport ftp:// not available in this build" mps_rss="" ftp_support="-" mps_rc=""
if [ "$have_ftp" = 1 ]; then
  read -r -a mps_rcs <<<"${rcs[mps]}"
  mps_rc=0 mps_rss=0 mps_n=${#mps_rcs[@]}
  for ((j = 1; j <= mps_n; j++)); do
    rc=${mps_rcs[j - 1]}
    [ "$rc" = 0 ] || mps_rc=$rc
    s=$(support_of "$work/mps-$j.json")
    if [ "$j" = 1 ]; then ftp_support=$s; elif [ "$s" != "$ftp_support" ]; then ftp_support="differs between runs"; fi
    kb=$(tail -n1 "$work/rss-mps-$j")
    [[ $kb =~ ^[0-9]+$ ]] && [ "$kb" -gt "$mps_rss" ] && mps_rss=$kb
  done
  mps_sanity=$(summary_of "$work/mps-$mps_n.json" "${mps_rcs[mps_n - 1]}")
fi

# --- 9. summary -------------------------------------------------------------------------------
declare -A med=()
for key_ in "${!times[@]}"; do
  # shellcheck disable=SC2086
  med[$key_]=$(median ${times[$key_]})
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1fx", a / b }'; }
{
  printf '== mpsupport bench ftp (%s build, %d CPU(s), %s) ==\n' "$build_type" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'binary:    %s\n' "$bin"
  printf 'server:    ProFTPD %s + mod_tls%s on 127.0.0.2:%s, AUTH TLS required (control and data), data TLS session reuse required, passive %s-%s announced as 127.0.0.1\n' \
    "$(/usr/sbin/proftpd -v 2>&1 | sed 's/.*Version //')" "$([ "$digest" = 1 ] && echo " + mod_digest (HASH SHA-256)" || echo ", no HASH (--no-digest)")" "$ctrl_port" "$pasv_lo" "$pasv_hi"
  printf 'link:      latency_proxy.py 127.0.0.1 -> 127.0.0.2 (control and passive ports): %s ms per chunk each way (RTT +%s ms, full bandwidth)%s\n' \
    "$delay_ms" "$(awk -v d="$delay_ms" 'BEGIN { print 2 * d }')" "$([ "$handshake" = 1 ] && echo ", TCP handshake charged (3 x $delay_ms ms)")"
  printf 'lftp cls:  direct %s s, through the proxy %s s (median of 3), through a 0 ms proxy %s s: login, AUTH TLS, EPSV, MLSD\n' \
    "$(secs "$rtt_direct_med")" "$(secs "$rtt_proxy_med")" "$(secs "$rtt_zero")"
  printf 'passive:   %s -> %s; data connections that reused the TLS session: %s\n' "$pasv_line" "$pasv_data" "$tls_reused"
  printf 'tree:      shop root of %s files in %s folders; module %s: %d files, %.1f MiB; verify reads %d files in %d folders (module, override/, themes/classic/modules/%s)\n' \
    "$shop_files" "$shop_dirs" "$mod" "$n_mod_files" "$(awk -v b="$n_mod_bytes" 'BEGIN { print b / 1048576 }')" "$n_files" "$n_dirs" "$mod"
  printf 'runs:      %d per tool (wget, curl: %s), alternating; medians in seconds; total timing %.0f s\n' \
    "$runs" "$([ "$slow" = 1 ] && echo "1 run" || echo "skipped, --slow-tools: one file at a time, ~100 s each")" "$(awk -v us=$((total_t1 - total_t0)) 'BEGIN { print us / 1e6 }')"
  echo
  for tool in lftp_mod lftp wget curl mps; do
    if [ "$tool" = mps ] && [ "$have_ftp" = 0 ]; then
      printf '%-48s %s\n' "${label[$tool]}" "mpsupport ftp:// not available in this build"
      continue
    fi
    if [ -z "${med[$tool]:-}" ]; then printf '%-48s %9s\n' "${label[$tool]}" "skipped"; continue; fi
    printf '%-48s %9s\n' "${label[$tool]}" "$(secs "${med[$tool]:-}")"
  done
  echo
  if [ "$have_ftp" = 1 ]; then
    printf '%-48s %9s\n' "ratio lftp (module) / mpsupport" "$(ratio "${med[lftp_mod]:-}" "${med[mps]:-}")"
    printf '%-48s %9s\n' "ratio lftp (what verify reads) / mpsupport" "$(ratio "${med[lftp]:-}" "${med[mps]:-}")"
    printf '%-48s %9s\n' "ratio wget -m / mpsupport" "$(ratio "${med[wget]:-}" "${med[mps]:-}")"
    printf '%-48s %9s\n' "ratio curl / mpsupport" "$(ratio "${med[curl]:-}" "${med[mps]:-}")"
    echo
    echo "targets:"
    printf '  %-66s %s\n' "lftp mirror -P4 (what verify reads) / mpsupport >= 2x (goal 3x)" \
      "$(awk -v a="${med[lftp]:-}" -v b="${med[mps]:-}" 'BEGIN { if (a == "" || b == "") print "n/a"; else print (a / b >= 3 ? "MET (goal too)" : (a / b >= 2 ? "MET" : "MISSED")) }')"
    printf '  %-66s %s\n' "verdict over ftp:// ($ftp_support) = local verdict ($local_support), covered" \
      "$([ "$ftp_support" = "$local_support" ] && [ "$mps_rc" = 0 ] && echo MET || echo MISSED)"
    printf '  %-66s %s\n' "peak RSS of mpsupport <= 64 MiB ($(awk -v kb="${mps_rss:-0}" 'BEGIN { printf "%.1f", kb / 1024 }') MiB, /usr/bin/time, max over runs)" \
      "$(awk -v kb="${mps_rss:-0}" 'BEGIN { print (kb > 0 && kb <= 65536 ? "MET" : (kb > 0 ? "MISSED" : "n/a")) }')"
    echo
  fi
  echo "every run (seconds):"
  for tool in "${tools[@]}"; do
    # shellcheck disable=SC2086
    printf '  %-9s %s\n' "$tool" "$(printf '%s\n' ${times[$tool]:-} | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 / 1e6 }')"
  done
  echo
  echo "checks:"
  for tool in lftp_mod lftp wget curl; do
    [ -n "${rcs[$tool]:-}" ] || continue
    ok=OK
    # shellcheck disable=SC2086
    for c in ${counts[$tool]}; do [ "$c" = "${expect_files[$tool]}" ] || ok=INCOMPLETE; done
    for c in ${rcs[$tool]}; do [ "$c" = 0 ] || ok="FAILED (exit code)"; done
    [ -z "${short[$tool]:-}" ] || ok="INCOMPLETE (byte total differs)"
    printf '  %-9s files copied per run: %s(expected %d), exit codes: %s%s\n' "$tool" "${counts[$tool]}" \
      "${expect_files[$tool]}" "${rcs[$tool]}" "$ok"
  done
  printf '  %-9s local verify: exit %s, support %s\n' local "$local_rc" "$local_support"
  if [ "$have_ftp" = 1 ]; then
    ok=OK
    for c in ${rcs[mps]:-}; do [ "$c" = 0 ] || ok="UNEXPECTED (expected exit 0 = support covered)"; done
    printf '  %-9s exit codes: %s%s\n' mps "${rcs[mps]:-}" "$ok"
    printf '  %-9s --json (last run): %s; peak RSS %s KiB\n' mps "$mps_sanity" "$mps_rss"
  else
    printf '  %-9s %s\n' mps "$mps_sanity"
  fi
} | tee "$work/summary.txt"
