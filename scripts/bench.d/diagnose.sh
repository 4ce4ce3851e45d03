#!/usr/bin/env bash
# scripts/bench diagnose [--runs R] [--delay-ms D] [--keep]
#
# Times `mpsupport diagnose` on a generated shop against what a support agent would otherwise do
# by hand. The shop: a module (tree.py, seed 42, ~180 files / 2.3 MB) installed under
# SHOP/modules/benchmod/ equal to its stored pristine release (`pristine add` of a zip, private
# XDG_DATA_HOME), SHOP/classes/, SHOP/config/, SHOP/src/Core/Version.php (8.2.0) and a ~1 MiB
# SHOP/var/logs/<today>_exception.log. The storefront and back office are the fixture shop
# (tests/fixtures/shop/router.php on php -S), the files a loopback OpenSSH sshd; each sits behind
# its own latency_proxy.py (D ms per chunk each way, default 25 ms: 50 ms RTT, full bandwidth).
# Alternating, R runs each (default 3), medians of
#   (a) mpsupport diagnose --url --admin --sftp --module          (the three parts at once; default
#       --exec-hash auto, so module files are hashed by a command on the server when it can)
#   (b) the same with --only storefront, --only admin, --only files,logs, one after the other
#       (sum: the run without concurrency; each part's median is the concurrency yardstick)
#   (c) by hand: curl the storefront, the admin URL and URL/api/, then sftp -b (OpenSSH) get -r
#       of the module and get of the log, then diff -r against the extracted release
#   (d) as (c) with ssh ... tar cf - modules/NAME var/logs | tar xf - instead of sftp
# Every mpsupport run must exit 0 (support covered) and every diff must find no difference, else
# the bench fails. Everything listens on 127.0.0.1 only; php, sshd, the proxies and the temp dir
# (TMPDIR honoured) are removed at exit, also on failure. Must run as root (sshd, PermitRootLogin).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/scripts/bench.d"
build="$root/build-bench"
bin="$build/mpsupport"
router="$root/tests/fixtures/shop/router.php"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
module=benchmod
shop_version=8.2.0
admin_dir=admin123abc

usage() {
  echo "usage: scripts/bench diagnose [--runs R] [--delay-ms D] [--keep]" >&2
  exit 2
}
runs=3 delay_ms=25 keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --delay-ms) delay_ms=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "bench: unknown argument $1" >&2; usage ;;
  esac
done
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 50 ]] || { echo "bench: --runs must be a number in 1..50" >&2; exit 2; }
[[ $delay_ms =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench: --delay-ms must be a number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: diagnose mode runs its own sshd and logs in as root: run it as root" >&2; exit 2; }

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- 1. tools and the Release binary -------------------------------------------------------
"$root/scripts/setup"
[ -x /usr/sbin/sshd ] || die "/usr/sbin/sshd is missing (apt-get install openssh-server)"
for tool in ssh sftp ssh-keygen tar curl diff php; do command -v "$tool" >/dev/null || die "$tool is missing"; done
[ -f "$router" ] || die "the fixture shop $router is missing"

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
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
"$bin" diagnose --help >/dev/null 2>&1 || die "$bin has no diagnose command (stale build?)"

# --- 2. temp dir, cleanup ----------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/mpsupport-bench-diagnose.XXXXXX")
sshd_pid="" php_pid="" web_proxy_pid="" ssh_proxy_pid="" dog_pid="" run_pid=""
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
  # Stopping the proxies and servers breaks the connections of a tool still running, which then exits.
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null
  stop_pid "$web_proxy_pid"
  stop_pid "$ssh_proxy_pid"
  stop_pid "$php_pid"
  # Session processes of our sshd (connections still open) are its children: end them, then it.
  [ -n "$sshd_pid" ] && pkill -TERM -P "$sshd_pid" 2>/dev/null
  stop_pid "$sshd_pid"
  stop_pid "$dog_pid"
  if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

export HOME="$work/home" XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config"
export MPSUPPORT_NO_INPUT=1 NO_COLOR=1 LC_ALL=C
unset SSH_AUTH_SOCK SSH_AGENT_PID
# Loopback only: no HTTP proxy from the environment for curl or mpsupport (libcurl reads them too).
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$work/ssh"
chmod 700 "$HOME" "$work/ssh"

now() { echo "${EPOCHREALTIME/[,.]/}"; }  # microseconds
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {  # wait_port PORT PID: until 127.0.0.1:PORT accepts (max 10 s) while PID lives
  local port=$1 pid=$2 i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    "$python" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()' "$port" \
      2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
start_proxy() {  # start_proxy NAME TARGET_PORT: sets proxy_pid and proxy_port
  local name=$1 target=$2 i
  "$python" "$here/latency_proxy.py" --target-port "$target" --delay-ms "$delay_ms" \
    --port-file "$work/$name.port" --parent-pid $$ --max-lifetime 14400 2>"$work/$name.log" &
  proxy_pid=$!
  for ((i = 0; i < 100; i++)); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
  [ -s "$work/$name.port" ] || { cat "$work/$name.log" >&2; die "the latency proxy $name did not start"; }
  proxy_port=$(cat "$work/$name.port")
  wait_port "$proxy_port" "$proxy_pid" || die "the latency proxy $name does not accept connections"
}

# --- 3. the shop tree, the release zip, the pristine store -------------------------------------
shop="$work/shop"
day=$(date -u +%Y%m%d)
log_rel="var/logs/${day}_exception.log"
gen=$("$python" "$here/tree.py" generate "$work/pristine" "$module" 180 2.3)
read -r n_files n_bytes _ <<<"$gen"
n_dirs=$(find "$work/pristine/$module" -type d | wc -l)
"$python" - "$work/pristine" "$module" "$work/$module.zip" <<'EOF'
import os, sys, zipfile
parent, name, out = sys.argv[1:4]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, dirs, files in os.walk(os.path.join(parent, name)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            z.write(p, os.path.relpath(p, parent))
EOF
"$bin" -q pristine add "$work/$module.zip" >/dev/null || die "mpsupport pristine add $module.zip failed"
# The release as the agent has it locally: the same zip, extracted (untimed, once).
mkdir -p "$work/release"
"$python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$work/$module.zip" "$work/release"

mkdir -p "$shop/modules" "$shop/classes" "$shop/config" "$shop/src/Core" "$shop/var/logs" "$shop/override"
cp -a "$work/pristine/$module" "$shop/modules/$module"
printf '<?php\nclass CartCore extends ObjectModel\n{\n}\n' >"$shop/classes/Cart.php"
printf '<?php\ndefine('"'"'_PS_MODE_DEV_'"'"', false);\n' >"$shop/config/defines.inc.php"
printf '<?php\n\nnamespace PrestaShop\\PrestaShop\\Core;\n\nfinal class Version\n{\n    public const VERSION = '"'"'%s'"'"';\n}\n' \
  "$shop_version" >"$shop/src/Core/Version.php"
printf '<?php\nrequire dirname(__FILE__) . '"'"'/config/config.inc.php'"'"';\nDispatcher::getInstance()->dispatch();\n' >"$shop/index.php"
# ~1 MiB of PrestaShopException::logError() lines (as in classes/exception/PrestaShopException.php);
# one in 20 mentions the module.
"$python" - "$shop/$log_rel" "$module" "$shop_version" <<'EOF'
import random, sys, time
out, module, version = sys.argv[1:4]
rng = random.Random(42)
msgs = [
    "Unknown column 'p.id_category' in 'where clause' at line 791 in file classes/db/Db.php",
    "Property Product->name is empty at line 1032 in file classes/ObjectModel.php",
    "Can't load Order #%d at line 153 in file classes/order/Order.php",
    "Invalid security token at line 204 in file classes/controller/AdminController.php",
    "Parameter \"id_product\" is not valid at line 88 in file src/Adapter/Product/ProductDataProvider.php",
]
mod_msgs = [
    "Call to a member function getId() on null at line %d in file modules/" + module + "/" + module + ".php",
    "Undefined index: id_cart at line %d in file modules/" + module + "/controllers/front/ajax.php",
]
day = time.strftime("%Y/%m/%d", time.gmtime())
size, lines = 0, []
while size < 1024 * 1024:
    n = len(lines)
    t = "%s - %02d:%02d:%02d" % (day, n // 3600 % 24, n // 60 % 60, n % 60)
    msg = (rng.choice(mod_msgs) % rng.randint(10, 900)) if n % 20 == 7 else rng.choice(msgs)
    if "%d" in msg:
        msg = msg % rng.randint(1, 99999)
    line = "*ERROR* \tv%s\t%s: (%d) %s\r\n" % (version, t, rng.randint(1, 2), msg)
    lines.append(line)
    size += len(line)
open(out, "w", newline="").write("".join(lines))
EOF
log_bytes=$(stat -c %s "$shop/$log_rel")
chmod -R a+rX "$shop"

# --- 4. servers: sshd and php -S on 127.0.0.1, each behind its own latency proxy ---------------
ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$work/ssh/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C bench-client -f "$work/ssh/client_ed25519"
key="$work/ssh/client_ed25519"
cp "$key.pub" "$work/ssh/authorized_keys"
mkdir -p /run/sshd
chmod 755 /run/sshd

sshd_port=""
for ((attempt = 1; attempt <= 5; attempt++)); do
  port=$(free_port)
  cat >"$work/ssh/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/ssh/host_ed25519
PidFile $work/ssh/sshd.pid
UsePAM no
PermitRootLogin yes
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $work/ssh/authorized_keys
Subsystem sftp internal-sftp
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 50:30:100
MaxSessions 20
LogLevel ERROR
# Sessions start with SHLVL=1, so a non-interactive bash (ssh host cmd) does not source root's
# ~/.bashrc: on a dev box that can cost a second per command (pyenv init) and would swamp tar.
SetEnv SHLVL=1
EOF
  /usr/sbin/sshd -D -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log" &
  sshd_pid=$!
  if wait_port "$port" "$sshd_pid"; then sshd_port=$port; break; fi
  stop_pid "$sshd_pid"; sshd_pid=""
done
[ -n "$sshd_port" ] || { cat "$work/ssh/sshd.log" >&2 2>/dev/null; die "could not start sshd"; }

php_port=""
for ((attempt = 1; attempt <= 5; attempt++)); do
  port=$(free_port)
  MPS_SHOP_VERSION=$shop_version MPS_MODULES=$module MPS_ADMIN_DIR=$admin_dir \
    php -S "127.0.0.1:$port" "$router" </dev/null >"$work/php.log" 2>&1 &
  php_pid=$!
  if wait_port "$port" "$php_pid"; then php_port=$port; break; fi
  stop_pid "$php_pid"; php_pid=""
done
[ -n "$php_port" ] || { cat "$work/php.log" >&2 2>/dev/null; die "could not start php -S"; }

start_proxy ssh-proxy "$sshd_port"; ssh_proxy_pid=$proxy_pid; sport=$proxy_port
start_proxy web-proxy "$php_port"; web_proxy_pid=$proxy_pid; wport=$proxy_port

# Watchdog: if this script is killed hard (no trap), sshd and php go too (the proxies watch $$
# themselves). Bounded: 4 h at most.
(
  trap - EXIT INT TERM HUP
  for ((i = 0; i < 14400; i++)); do kill -0 $$ 2>/dev/null || break; sleep 1; done
  kill "$sshd_pid" "$php_pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
dog_pid=$!

hostkey=$(cut -d' ' -f1,2 "$work/ssh/host_ed25519.pub")
kh="$work/ssh/known_hosts"
printf '[127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$sshd_port" "$hostkey" "$sport" "$hostkey" >"$kh"
sshopts=(-F /dev/null -i "$key" -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile="$kh"
  -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR
  -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4)
url="http://127.0.0.1:$wport/"
admin="http://127.0.0.1:$wport/$admin_dir/"
sftp_url="sftp://root@127.0.0.1:$sport$shop"
say "sshd 127.0.0.1:$sshd_port via proxy :$sport, php -S 127.0.0.1:$php_port via proxy :$wport (${delay_ms} ms each way)"

# --- 5. link check: ssh true and one curl of the storefront, direct and proxied (median of 3) ---
ssh_true() { ssh "${sshopts[@]}" -p "$1" root@127.0.0.1 true </dev/null; }
curl_home() { curl -q -sS -f -o /dev/null "http://127.0.0.1:$1/"; }
ssh_true "$sshd_port" || { cat "$work/ssh/sshd.log" >&2; die "ssh to the bench sshd failed"; }
ssh_true "$sport" || die "ssh through the latency proxy failed"
curl_home "$php_port" || { cat "$work/php.log" >&2; die "the fixture storefront does not answer"; }
curl_home "$wport" || die "the fixture storefront does not answer through the latency proxy"
declare -a rtt_ssh_d=() rtt_ssh_p=() rtt_web_d=() rtt_web_p=()
for ((i = 0; i < 3; i++)); do
  t0=$(now); ssh_true "$sshd_port"; t1=$(now); rtt_ssh_d+=($((t1 - t0)))
  t0=$(now); ssh_true "$sport"; t1=$(now); rtt_ssh_p+=($((t1 - t0)))
  t0=$(now); curl_home "$php_port"; t1=$(now); rtt_web_d+=($((t1 - t0)))
  t0=$(now); curl_home "$wport"; t1=$(now); rtt_web_p+=($((t1 - t0)))
done

# --- 6. the tools -------------------------------------------------------------------------
diag() {  # diag [extra diagnose args]: the full command line of (a); (b) adds --only
  "$bin" --timeout 300 diagnose --url "$url" --admin "$admin" --sftp "$sftp_url" --module "$module" \
    --known-hosts "$kh" --identity "$key" "$@" </dev/null
}
run_a() { diag >"$work/last.log" 2>&1; }
run_b_storefront() { diag --only storefront >"$work/last.log" 2>&1; }
run_b_admin() { diag --only admin >"$work/last.log" 2>&1; }
run_b_files() { diag --only files,logs >"$work/last.log" 2>&1; }
curls() {
  curl -q -sS -L -o /dev/null "$url" && curl -q -sS -L -o /dev/null "$admin" && curl -q -sS -L -o /dev/null "${url}api/"
}
run_c() {  # into an empty $work/out (fresh_out, untimed, before each run)
  curls >"$work/last.log" 2>&1 || return $?
  printf 'get -r %s %s/\nget %s %s/\n' "$shop/modules/$module" "$work/out" "$shop/$log_rel" "$work/out" |
    sftp -q -b - -P "$sport" "${sshopts[@]}" root@127.0.0.1 >>"$work/last.log" 2>&1 || return $?
  diff -r "$work/release/$module" "$work/out/$module" >>"$work/last.log" 2>&1
}
run_d() {
  curls >"$work/last.log" 2>&1 || return $?
  ssh "${sshopts[@]}" -p "$sport" root@127.0.0.1 tar cf - -C "$shop" "modules/$module" var/logs </dev/null 2>>"$work/last.log" |
    tar xf - -C "$work/out" 2>>"$work/last.log" || return $?
  diff -r "$work/release/$module" "$work/out/modules/$module" >>"$work/last.log" 2>&1
}
fresh_out() { rm -rf "$work/out"; mkdir -p "$work/out"; }
log_copied() {  # the log file arrived whole (c: flat in out/, d: under out/var/logs/)
  local f
  for f in "$work/out/${day}_exception.log" "$work/out/$log_rel"; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" = "$log_bytes" ] && return 0
  done
  return 1
}

# Sanity pass (untimed): the whole run and each part exit 0; JSON of the whole run for the report.
set +e
diag --log-file "$work/sanity.log" >"$work/sanity.txt" 2>&1
sanity_rc=$?
"$bin" --json --timeout 300 diagnose --url "$url" --admin "$admin" --sftp "$sftp_url" --module "$module" \
  --known-hosts "$kh" --identity "$key" </dev/null >"$work/sanity.json" 2>"$work/sanity-json.err"
sanity_json_rc=$?
set -e
if [ "$sanity_rc" -ne 0 ] || [ "$sanity_json_rc" -ne 0 ]; then
  cat "$work/sanity.txt" >&2
  die "mpsupport diagnose exited $sanity_rc (text) / $sanity_json_rc (--json); expected 0 (support covered)"
fi
summary_json=$("$python" - "$work/sanity.json" <<'EOF'
import collections, json, sys
doc = json.load(open(sys.argv[1]))
st = collections.Counter(c.get("status") for c in doc.get("checks", []))
notpass = ["%s=%s" % (c["id"], c["status"]) for c in doc.get("checks", []) if c.get("status") not in ("pass",)]
print("support %s, version %s, %d checks (%s); not pass: %s; verdict: %s" % (
    doc.get("support"), doc.get("prestashop_version"), sum(st.values()),
    ", ".join("%s %d" % kv for kv in sorted(st.items())), ", ".join(notpass) or "none", doc.get("verdict")))
print("mpsupport's own seconds: %s" % doc.get("seconds"))
EOF
)

# How the module files were hashed (--exec-hash auto: a command on the server when it can, else SFTP).
hashing=$(sed -n 's/^.* info [^ ]*: \([0-9]* files hashed by .*\)$/\1/p' "$work/sanity.log" | head -n1)
declare -A times=() rcs=()
tools=(a b c d)
say "timing $runs run(s) each, alternating: ${tools[*]} (b = storefront + admin + files,logs one after the other)"
total_t0=$(now)
timed() {  # timed NAME FUNCTION: one measurement into times[NAME]; fails the bench on a non-zero exit
  local name=$1 fn=$2 t0 t1 rc  # not "key": the tools read the global $key (the client key)
  set +e
  # In the background and waited for, so a TERM to this script is handled at once (trap, cleanup).
  t0=$(now); "$fn" & run_pid=$!; wait "$run_pid"; rc=$?; t1=$(now); run_pid=""
  set -e
  times[$name]+="$((t1 - t0)) "
  rcs[$name]+="$rc "
  last_us=$((t1 - t0))
  if [ "$rc" -ne 0 ]; then
    sed -n 1,40p "$work/last.log" >&2
    die "$name ($fn) exited $rc (expected 0)"
  fi
}
for ((i = 0; i < runs; i++)); do
  n=${#tools[@]}
  for ((k = 0; k < n; k++)); do
    tool=${tools[(i + k) % n]}
    case $tool in
      a) timed a run_a; us=$last_us ;;
      b)
        us=0
        for part in storefront admin files; do timed "b_$part" "run_b_$part"; us=$((us + last_us)); done
        times[b]+="$us " ;;
      c|d)
        fresh_out  # removing the previous copy is not part of the timing
        timed "$tool" "run_$tool"; us=$last_us
        log_copied || die "$tool did not copy the whole log file"
        [ "$(find "$work/out" -path "*/$module/*" -type f | wc -l)" = "$n_files" ] || die "$tool did not copy all $n_files module files" ;;
    esac
    say "  run $((i + 1))/$runs $tool: $(awk -v us="$us" 'BEGIN { printf "%.2f", us / 1e6 }') s"
  done
done
total_t1=$(now)

# --- 7. summary --------------------------------------------------------------------------
declare -A med=()
for key_ in "${!times[@]}"; do
  # shellcheck disable=SC2086
  med[$key_]=$(median ${times[$key_]})
done
secs() { awk -v us="$1" 'BEGIN { if (us == "") print "-"; else printf "%.2f", us / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1fx", a / b }'; }
slowest=b_storefront
for p in b_admin b_files; do [ "${med[$p]}" -gt "${med[$slowest]}" ] && slowest=$p; done
declare -A part_name=([b_storefront]="storefront" [b_admin]="admin" [b_files]="files,logs")
claim=$(awk -v a="${med[a]}" -v s="${med[$slowest]}" 'BEGIN { print (a <= 1.2 * s ? "MET" : "MISSED") }')
faster=$(awk -v a="${med[a]}" -v c="${med[c]}" -v d="${med[d]}" 'BEGIN { print (a < c && a < d ? "MET" : "MISSED") }')

{
  printf '== mpsupport bench diagnose (%s build, %d CPU(s), load %s at the end, %s) ==\n' "$build_type" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'link:      php -S %s (fixture shop, PrestaShop %s) and loopback sshd (OpenSSH %s), each behind latency_proxy.py:\n' \
    "$(php -r 'echo PHP_VERSION;')" "$shop_version" "$(ssh -V 2>&1 | sed 's/^OpenSSH_\([^ ,]*\).*/\1/')"
  printf '           %s ms per chunk each way (RTT +%s ms, full bandwidth)\n' "$delay_ms" "$(awk -v d="$delay_ms" 'BEGIN { print 2 * d }')"
  printf 'ssh true:  direct %s s, proxied %s s; curl of the storefront: direct %s s, proxied %s s (medians of 3)\n' \
    "$(secs "$(median "${rtt_ssh_d[@]}")")" "$(secs "$(median "${rtt_ssh_p[@]}")")" \
    "$(secs "$(median "${rtt_web_d[@]}")")" "$(secs "$(median "${rtt_web_p[@]}")")"
  printf 'shop:      module %s: %d files in %d folders, %.1f MiB (= its stored release); log %s: %.1f MiB\n           (mpsupport reads the last 256 KiB of it, --log-tail default; the hand runs copy all of it)\n' \
    "$module" "$n_files" "$n_dirs" "$(awk -v b="$n_bytes" 'BEGIN { print b / 1048576 }')" "$log_rel" \
    "$(awk -v b="$log_bytes" 'BEGIN { print b / 1048576 }')"
  printf 'runs:      %d each, alternating; medians in seconds; total timing %.0f s\n' \
    "$runs" "$(awk -v us=$((total_t1 - total_t0)) 'BEGIN { print us / 1e6 }')"
  echo
  printf '%-64s %8s\n' "tool" "seconds"
  printf '%-64s %8s\n' "(a) mpsupport diagnose (storefront, admin, files, logs at once)" "$(secs "${med[a]}")"
  printf '%-64s %8s\n' "(b) the three parts one after the other (sum)" "$(secs "${med[b]}")"
  printf '%-64s %8s\n' "      --only storefront" "$(secs "${med[b_storefront]}")"
  printf '%-64s %8s\n' "      --only admin" "$(secs "${med[b_admin]}")"
  printf '%-64s %8s\n' "      --only files,logs" "$(secs "${med[b_files]}")"
  printf '%-64s %8s\n' "(c) by hand: 3 x curl, sftp -b get -r + get log, diff -r" "$(secs "${med[c]}")"
  printf '%-64s %8s\n' "(d) by hand: 3 x curl, ssh tar cf - | tar xf -, diff -r" "$(secs "${med[d]}")"
  echo
  printf '%-64s %8s\n' "ratio" ""
  printf '%-64s %8s\n' "(c) by hand with sftp / (a) mpsupport diagnose" "$(ratio "${med[c]}" "${med[a]}")"
  printf '%-64s %8s\n' "(d) by hand with ssh tar / (a) mpsupport diagnose" "$(ratio "${med[d]}" "${med[a]}")"
  printf '%-64s %8s\n' "(b) parts one after the other / (a) all at once" "$(ratio "${med[b]}" "${med[a]}")"
  printf '%-64s %8s\n' "(a) / its slowest part (${part_name[$slowest]}, $(secs "${med[$slowest]}") s)" \
    "$(awk -v a="${med[a]}" -v s="${med[$slowest]}" 'BEGIN { printf "%.2fx", a / s }')"
  echo
  printf '%-64s %s\n' "claim: a run takes about as long as its slowest part (<= 1.2x)" "$claim"
  printf '%-64s %s\n' "claim: faster than by hand ((a) < (c) and (a) < (d))" "$faster"
  echo
  echo "checks:"
  for key_ in a b_storefront b_admin b_files c d; do
    printf '  %-13s exit codes: %s\n' "$key_" "${rcs[$key_]}"
  done
  printf '  c, d          every run copied %d module files and the whole log; diff -r found no difference\n' "$n_files"
  printf '  sanity --json %s\n' "$(sed -n 1p <<<"$summary_json")"
  printf '  sanity --json %s\n' "$(sed -n 2p <<<"$summary_json")"
  printf '  sanity log    %s\n' "${hashing:-(no hashing line in the log)}"
} | tee "$work/summary.txt"
