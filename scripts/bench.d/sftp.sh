#!/usr/bin/env bash
# scripts/bench sftp [--runs R] [--delay-ms D] [--trees small,big,shop] [--module-dir DIR]
#                    [--bin PATH] [--keep]
#
# Times `mpsupport verify sftp://...` against the tools a user would otherwise use to look at
# a module on a server, over a loopback OpenSSH sshd behind a latency-injecting proxy
# (latency_proxy.py: every chunk released D ms after it arrived, each direction; default 25 ms,
# so 50 ms RTT at full bandwidth). Trees (--trees, default all three):
#   small, big  deterministic module folders (tree.py, seed 42): ~180 files / 2.3 MB and
#               2,000 files / 30 MB, verified as sftp://.../benchmod
#   shop        a realistic shop root (shop_root.py: PrestaShop's override/ skeleton with its
#               index.php files and two class overrides of other modules, themes/classic with a
#               template override of the module, var/logs, classes/, config/, Version.php)
#               around the module of --module-dir (e.g. ps_facetedsearch 4.0.1 unpacked; its
#               folder name is the module name; default: the small tree), verified as
#               sftp://.../shop --module NAME
# Alternating, R runs each (default 3), medians of
#   (a) sftp -r (OpenSSH, batch mode)          (b) lftp mirror --parallel=4 over sftp
#   (c) ssh ... tar cf - | tar xf -            (r) rsync -c -n (dry run, checksums, against a
#                                                  local copy of the release; rsync on the server)
#   (d) mpsupport verify sftp:// (SFTP only)   (e) mpsupport verify --exec-hash only (remote hashing)
# On the shop tree, sftp -r and lftp fetch what verify reads (the module, override/ and the
# theme's modules/NAME/); tar and rsync take the module folder (the exec yardstick).
# The installed copies equal their releases: every mpsupport run must exit 0. sftp -r, lftp and
# tar copies are counted. --bin benchmarks that binary (e.g. an older build) instead of the
# Release build in build-bench/. Everything listens on 127.0.0.1 only; sshd, the proxy and the
# temp dir (TMPDIR honoured) are removed at exit, also on failure. Must run as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/scripts/bench.d"
build="$root/build-bench"
bin="$build/mpsupport"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

usage() {
  echo "usage: scripts/bench sftp [--runs R] [--delay-ms D] [--trees small,big,shop] [--module-dir DIR] [--bin PATH] [--keep]" >&2
  exit 2
}
runs=3 delay_ms=25 keep=0 tree_list=small,big,shop module_dir="" bin_arg=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --delay-ms) delay_ms=${2:?}; shift 2 ;;
    --trees) tree_list=${2:?}; shift 2 ;;
    --module-dir) module_dir=${2:?}; shift 2 ;;
    --bin) bin_arg=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "bench: unknown argument $1" >&2; usage ;;
  esac
done
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 50 ]] || { echo "bench: --runs must be a number in 1..50" >&2; exit 2; }
[[ $delay_ms =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench: --delay-ms must be a number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: sftp mode runs its own sshd and logs in as root: run it as root" >&2; exit 2; }
IFS=, read -r -a trees <<<"$tree_list"
for t in "${trees[@]}"; do
  case $t in small|big|shop) ;; *) echo "bench: --trees takes small, big and shop" >&2; exit 2 ;; esac
done
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
[ -x /usr/sbin/sshd ] || die "/usr/sbin/sshd is missing (apt-get install openssh-server)"
for tool in ssh sftp ssh-keygen tar lftp rsync; do command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup installs it)"; done

if [ -n "$bin_arg" ]; then
  say "benchmarking $bin (--bin)"
elif [ ! -f "$build/build.ninja" ]; then
  say "configuring Release build in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMPSUPPORT_BUILD_TESTS=OFF >/dev/null
fi
if [ -z "$bin_arg" ]; then
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
if "$bin" verify --help 2>/dev/null | grep -q -- '--exec-hash'; then have_exec=1; else have_exec=0; fi

# --- 2. temp dir, cleanup ----------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/mpsupport-bench-sftp.XXXXXX")
sshd_pid="" proxy_pid="" dog_pid="" run_pid=""
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
  # Stopping the proxy and sshd breaks the connections of a tool still running, which then exits.
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null
  stop_pid "$proxy_pid"
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
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$work/ssh"
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

# --- 3. sshd on 127.0.0.1, keys, known_hosts -------------------------------------------------
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
# Sessions start with SHLVL=1, so a non-interactive bash (ssh host cmd, exec hashing) does not source
# root's ~/.bashrc: on a dev box that can cost a second per command (pyenv init) and would swamp tar/exec.
SetEnv SHLVL=1
EOF
  /usr/sbin/sshd -D -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log" &
  sshd_pid=$!
  if wait_port "$port" "$sshd_pid"; then sshd_port=$port; break; fi
  stop_pid "$sshd_pid"; sshd_pid=""
done
[ -n "$sshd_port" ] || { cat "$work/ssh/sshd.log" >&2 2>/dev/null; die "could not start sshd"; }

"$python" "$here/latency_proxy.py" --target-port "$sshd_port" --delay-ms "$delay_ms" \
  --port-file "$work/proxy.port" --parent-pid $$ --max-lifetime 14400 2>"$work/proxy.log" &
proxy_pid=$!
for ((i = 0; i < 100; i++)); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
[ -s "$work/proxy.port" ] || { cat "$work/proxy.log" >&2; die "the latency proxy did not start"; }
pport=$(cat "$work/proxy.port")
wait_port "$pport" "$proxy_pid" || die "the latency proxy does not accept connections"

# Watchdog: if this script is killed hard (no trap), sshd goes too. Bounded: 4 h at most.
(
  trap - EXIT INT TERM HUP
  for ((i = 0; i < 14400; i++)); do kill -0 $$ 2>/dev/null || break; sleep 1; done
  kill "$sshd_pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
dog_pid=$!

hostkey=$(cut -d' ' -f1,2 "$work/ssh/host_ed25519.pub")
kh="$work/ssh/known_hosts"
printf '[127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$sshd_port" "$hostkey" "$pport" "$hostkey" >"$kh"
sshopts=(-F /dev/null -i "$key" -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile="$kh"
  -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR
  -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4)
say "sshd on 127.0.0.1:$sshd_port, latency proxy (${delay_ms} ms each way) on 127.0.0.1:$pport"

# --- 4. RTT: one `ssh true` direct and through the proxy (median of 3) ------------------------
ssh_true() { ssh "${sshopts[@]}" -p "$1" root@127.0.0.1 true </dev/null; }
ssh_true "$sshd_port" || { cat "$work/ssh/sshd.log" >&2; die "ssh to the bench sshd failed"; }
ssh_true "$pport" || die "ssh through the latency proxy failed"
declare -a rtt_direct=() rtt_proxy=()
for ((i = 0; i < 3; i++)); do
  t0=$(now); ssh_true "$sshd_port"; t1=$(now); rtt_direct+=($((t1 - t0)))
  t0=$(now); ssh_true "$pport"; t1=$(now); rtt_proxy+=($((t1 - t0)))
done
rtt_direct_med=$(median "${rtt_direct[@]}")
rtt_proxy_med=$(median "${rtt_proxy[@]}")

# --- 5. trees: pristine releases, installed copies (identical), one private store each ------
# Each tree gets its own XDG_DATA_HOME (pristine store): small and big are both benchmod 1.0.0.
# remote[t]: what mpsupport is pointed at; moddir[t]: the module folder on the server;
# fetch[t]: the folders sftp -r and lftp copy (what verify reads); pristine[t]: the release.
declare -A tree_files=([small]=180 [big]=2000) tree_mb=([small]=2.3 [big]=30)
declare -A n_files=() n_bytes=() n_dirs=() remote=() store=() moddir=() fetch=() pristine=() modname=()
declare -A n_mod_files=() n_mod_bytes=() shop_desc=()
for t in "${trees[@]}"; do
  store[$t]="$work/xdg-data-$t"
  mkdir -p "$work/server-$t" "${store[$t]}"
  if [ "$t" = shop ]; then
    if [ -n "$module_dir" ]; then
      pristine[$t]=$module_dir
    else
      "$python" "$here/tree.py" generate "$work/pristine-$t" benchmod 180 2.3 >/dev/null
      pristine[$t]="$work/pristine-$t/benchmod"
    fi
    modname[$t]=$(basename "${pristine[$t]}")
    remote[$t]="$work/server-$t/shop"
    shop_desc[$t]=$("$python" "$here/shop_root.py" build "${remote[$t]}" "${pristine[$t]}")
    moddir[$t]="${remote[$t]}/modules/${modname[$t]}"
    fetch[$t]="${moddir[$t]} ${remote[$t]}/override ${remote[$t]}/themes/classic/modules/${modname[$t]}"
  else
    "$python" "$here/tree.py" generate "$work/pristine-$t" benchmod "${tree_files[$t]}" "${tree_mb[$t]}" >/dev/null
    pristine[$t]="$work/pristine-$t/benchmod"
    modname[$t]=benchmod
    remote[$t]="$work/server-$t/benchmod"
    cp -a "${pristine[$t]}" "${remote[$t]}"
    moddir[$t]=${remote[$t]}
    fetch[$t]=${remote[$t]}
  fi
  XDG_DATA_HOME="${store[$t]}" "$bin" -q pristine add "${pristine[$t]}" >/dev/null
  # shellcheck disable=SC2086
  n_files[$t]=$(find ${fetch[$t]} -type f | wc -l)
  # shellcheck disable=SC2086
  n_bytes[$t]=$(find ${fetch[$t]} -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  # shellcheck disable=SC2086
  n_dirs[$t]=$(find ${fetch[$t]} -type d | wc -l)
  n_mod_files[$t]=$(find "${moddir[$t]}" -type f | wc -l)
  n_mod_bytes[$t]=$(find "${moddir[$t]}" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  say "tree $t: ${n_files[$t]} files, ${n_bytes[$t]} bytes to fetch at ${remote[$t]}"
done

# --- 6. the tools -------------------------------------------------------------------------
lftp_connect="ssh -a -x -F /dev/null -i $key -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile=$kh"
lftp_connect+=" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR -p $pport"

fresh_out() { rm -rf "$work/out"; mkdir -p "$work/out"; }
count_out() { find "$work/out" -type f | wc -l; }
bytes_out() { find "$work/out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

run_sftp() {  # run_sftp TREE (into an empty $work/out: fresh_out, untimed, before each run)
  local i=0 dir
  # shellcheck disable=SC2086
  for dir in ${fetch[$1]}; do i=$((i + 1)); printf 'mkdir %s/%d\nget -r %s %s/%d/\n' "$work/out" "$i" "$dir" "$work/out" "$i"; done |
    sftp -q -b - -P "$pport" "${sshopts[@]}" root@127.0.0.1 >"$work/last.log" 2>&1
}
run_lftp() {
  local i=0 dir mirrors=""
  # shellcheck disable=SC2086
  for dir in ${fetch[$1]}; do i=$((i + 1)); mirrors+="mirror --parallel=4 $dir $work/out/$i; "; done
  lftp -c "set sftp:connect-program \"$lftp_connect\"; set net:max-retries 1; set net:timeout 60;
           set cmd:fail-exit yes; set xfer:clobber on;
           open -u root, sftp://127.0.0.1; $mirrors" \
    </dev/null >"$work/last.log" 2>&1
}
run_tar() {  # the module folder only: the yardstick of the exec path
  ssh "${sshopts[@]}" -p "$pport" root@127.0.0.1 tar cf - -C "${moddir[$1]}" . </dev/null | tar xf - -C "$work/out"
}
run_rsync() {  # a dry run with checksums against the release: what changed, nothing copied
  rsync -a -c -n -i --delete -e "ssh ${sshopts[*]} -p $pport" "root@127.0.0.1:${moddir[$1]}/" "${pristine[$1]}/" \
    </dev/null >"$work/rsync.out" 2>"$work/last.log"
}
run_mps() {  # run_mps TREE [extra verify args]
  local t=$1; shift
  local module=()
  [ "$t" = shop ] && module=(--module "${modname[$t]}")
  XDG_DATA_HOME="${store[$t]}" "$bin" --timeout 300 verify "${module[@]}" "$@" --known-hosts "$kh" --identity "$key" \
    "sftp://root@127.0.0.1:$pport${remote[$t]}" </dev/null >"$work/last.log" 2>&1
}
run_mps_sftp() { if [ "$have_exec" = 1 ]; then run_mps "$1" --exec-hash never; else run_mps "$1"; fi; }
run_mps_exec() { run_mps "$1" --exec-hash only; }

tools=(sftp lftp tar rsync mps_sftp)
[ "$have_exec" = 1 ] && tools+=(mps_exec)
declare -A label=([sftp]="(a) sftp -r" [lftp]="(b) lftp mirror --parallel=4" [tar]="(c) ssh tar cf - | tar xf -"
  [rsync]="(r) rsync -c -n (module folder)"
  [mps_sftp]="(d) mpsupport verify (SFTP only)" [mps_exec]="(e) mpsupport verify --exec-hash only")
declare -A times=() rcs=() counts=() short=()

# Sanity pass (untimed): every tool works and mpsupport says "covered"; JSON kept for the report.
declare -A transport=()
for t in "${trees[@]}"; do
  for mode in sftp exec; do
    [ "$mode" = exec ] && [ "$have_exec" = 0 ] && continue
    extra=()
    [ "$have_exec" = 1 ] && extra=(--exec-hash "$([ "$mode" = exec ] && echo only || echo never)")
    set +e
    [ "$t" = shop ] && extra+=(--module "${modname[$t]}")
    XDG_DATA_HOME="${store[$t]}" /usr/bin/time -f %M -o "$work/rss-$t-$mode" "$bin" --json --timeout 300 verify "${extra[@]}" --known-hosts "$kh" --identity "$key" \
      "sftp://root@127.0.0.1:$pport${remote[$t]}" </dev/null >"$work/sanity-$t-$mode.json" 2>"$work/sanity-$t-$mode.err"
    rc=$?
    set -e
    transport[$t.$mode]=$("$python" - "$work/sanity-$t-$mode.json" "$rc" <<'EOF'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print("exit %s, no JSON (%s)" % (sys.argv[2], e)); sys.exit()
def find(d, key):
    if isinstance(d, dict):
        if key in d: return d[key]
        for v in d.values():
            r = find(v, key)
            if r is not None: return r
    return None
tr = find(doc, "transport") or {}
extra = ""
for check in doc.get("checks", []):
    if check.get("id") in ("files.overrides", "files.theme-overrides"):
        extra += ", %s: %d file(s)" % (check["id"], len((check.get("data") or {}).get("files", [])))
print("exit %s, support %s, hashing %s, %s files fetched, %s bytes over SFTP%s" % (
    sys.argv[2], doc.get("support"), tr.get("hashing"), tr.get("files_fetched"), tr.get("bytes"), extra))
EOF
)
    if [ "$rc" -ne 0 ]; then
      say "sanity: mpsupport verify ($mode) on $t exited $rc (expected 0):"
      sed -n 1,20p "$work/sanity-$t-$mode.err" >&2
    fi
  done
done

say "timing $runs run(s) per tool and tree, alternating: ${tools[*]}"
peak_kb=0
total_t0=$(now)
for ((i = 0; i < runs; i++)); do
  for t in "${trees[@]}"; do
    n=${#tools[@]}
    for ((k = 0; k < n; k++)); do
      tool=${tools[(i + k) % n]}
      fresh_out  # removing the previous copy is slow on some file systems: not part of the timing
      set +e
      # In the background and waited for, so a TERM to this script is handled at once (trap, cleanup).
      t0=$(now); "run_$tool" "$t" & run_pid=$!; wait "$run_pid"; rc=$?; t1=$(now); run_pid=""
      set -e
      us=$((t1 - t0))
      times[$t.$tool]+="$us "
      rcs[$t.$tool]+="$rc "
      case $tool in
        sftp|lftp)
          counts[$t.$tool]+="$(count_out) "
          [ "$(bytes_out)" = "${n_bytes[$t]}" ] || short[$t.$tool]=1 ;;
        tar)
          counts[$t.$tool]+="$(count_out) "
          [ "$(bytes_out)" = "${n_mod_bytes[$t]}" ] || short[$t.$tool]=1 ;;
        rsync)
          # A dry run against an identical release lists nothing to transfer.
          counts[$t.$tool]+="$(grep -c '^[<>ch*]' "$work/rsync.out" || true) " ;;
      esac
      if [ "$rc" -ne 0 ]; then say "  $tool on $t exited $rc:"; sed -n 1,10p "$work/last.log" >&2; fi
      say "  run $((i + 1))/$runs $t $tool: $(awk -v us="$us" 'BEGIN { printf "%.2f", us / 1e6 }') s (exit $rc)"
    done
  done
done
total_t1=$(now)
for f in "$work"/rss-*; do
  [ -f "$f" ] || continue
  kb=$(tail -n1 "$f")
  [[ $kb =~ ^[0-9]+$ ]] && [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
done

# --- 7. summary --------------------------------------------------------------------------
declare -A med=()
for key_ in "${!times[@]}"; do
  # shellcheck disable=SC2086
  med[$key_]=$(median ${times[$key_]})
done
secs() { awk -v us="$1" 'BEGIN { if (us == "") print "-"; else printf "%.2f", us / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1fx", a / b }'; }
verdict() {  # verdict CMP TARGET A B TREES... : MET when ratio(A/B) CMP TARGET for every tree given
  local cmp=$1 target=$2 a=$3 b=$4 t ok=MET
  shift 4
  for t in "$@"; do
    [ -n "${med[$t.$a]:-}" ] && [ -n "${med[$t.$b]:-}" ] || { ok="n/a"; break; }
    awk -v x="${med[$t.$a]}" -v y="${med[$t.$b]}" -v g="$target" -v c="$cmp" \
      'BEGIN { r = x / y; exit !((c == "ge" && r >= g) || (c == "le" && r <= g)) }' || ok=MISSED
  done
  echo "$ok"
}
row() {  # row LABEL VALUE-PER-TREE...
  local label=$1; shift
  printf '%-44s' "$label"
  for v in "$@"; do printf ' %9s' "$v"; done
  printf '\n'
}
have_tree() { [[ " ${trees[*]} " == *" $1 "* ]]; }

declare -A runs_of=()
for key_ in "${!times[@]}"; do
  # shellcheck disable=SC2086
  runs_of[$key_]=$(printf '%s\n' ${times[$key_]} | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 / 1e6 }')
done

{
  printf '== mpsupport bench sftp (%s build, %d CPU(s), %s) ==\n' "$build_type" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'binary:    %s\n' "$bin"
  printf 'link:      loopback sshd (OpenSSH %s) behind latency_proxy.py: %s ms per chunk each way (RTT +%s ms, full bandwidth)\n' \
    "$(ssh -V 2>&1 | sed 's/^OpenSSH_\([^ ,]*\).*/\1/')" "$delay_ms" "$(awk -v d="$delay_ms" 'BEGIN { print 2 * d }')"
  printf 'ssh true:  direct %s s, through the proxy %s s (median of 3; the difference is the handshake round trips)\n' \
    "$(secs "$rtt_direct_med")" "$(secs "$rtt_proxy_med")"
  for t in "${trees[@]}"; do
    if [ "$t" = shop ]; then
      read -r sf sd <<<"${shop_desc[$t]}"
      printf 'tree %-6s shop root of %s files in %s folders; module %s: %d files, %.1f MiB; verify reads %d files in %d folders (module, override/, themes/classic/modules/%s)\n' \
        "$t:" "$sf" "$sd" "${modname[$t]}" "${n_mod_files[$t]}" "$(awk -v b="${n_mod_bytes[$t]}" 'BEGIN { print b / 1048576 }')" \
        "${n_files[$t]}" "${n_dirs[$t]}" "${modname[$t]}"
    else
      printf 'tree %-6s %d files in %d folders, %.1f MiB (installed copy identical to the stored release)\n' \
        "$t:" "${n_files[$t]}" "${n_dirs[$t]}" "$(awk -v b="${n_bytes[$t]}" 'BEGIN { print b / 1048576 }')"
    fi
  done
  printf 'runs:      %d per tool and tree, alternating; medians in seconds; total timing %.0f s\n' \
    "$runs" "$(awk -v us=$((total_t1 - total_t0)) 'BEGIN { print us / 1e6 }')"
  [ "$have_exec" = 1 ] || echo "exec mode: not available in this build"
  echo
  row "tool" "${trees[@]}"
  for tool in sftp lftp tar rsync mps_sftp mps_exec; do
    [[ " ${tools[*]} " == *" $tool "* ]] || continue
    vals=()
    for t in "${trees[@]}"; do vals+=("$(secs "${med[$t.$tool]:-}")"); done
    row "${label[$tool]}" "${vals[@]}"
  done
  echo
  row "ratio" "${trees[@]}"
  for pair in "sftp mps_sftp sftp -r / mpsupport (SFTP only)" "lftp mps_sftp lftp --parallel=4 / mpsupport (SFTP only)" \
              "rsync mps_sftp rsync -c -n / mpsupport (SFTP only)" "mps_exec tar mpsupport (exec) / ssh tar" \
              "rsync mps_exec rsync -c -n / mpsupport (exec)"; do
    read -r a b text <<<"$pair"
    vals=()
    for t in "${trees[@]}"; do vals+=("$(ratio "${med[$t.$a]:-}" "${med[$t.$b]:-}")"); done
    row "$text" "${vals[@]}"
  done
  echo
  echo "targets:"
  module_trees=()
  for t in small big; do have_tree "$t" && module_trees+=("$t"); done
  if [ ${#module_trees[@]} -gt 0 ]; then
    printf '  %-66s %s\n' "module folders: sftp -r / mpsupport (SFTP only) >= 20x" "$(verdict ge 20 sftp mps_sftp "${module_trees[@]}")"
    printf '  %-66s %s\n' "module folders: lftp / mpsupport (SFTP only) >= 3x" "$(verdict ge 3 lftp mps_sftp "${module_trees[@]}")"
    printf '  %-66s %s\n' "module folders: mpsupport (exec) / tar stream <= 1.5x" "$(verdict le 1.5 mps_exec tar "${module_trees[@]}")"
  fi
  if have_tree shop; then
    shop_s=${med[shop.mps_sftp]:-}
    printf '  %-66s %s\n' "shop root: mpsupport (SFTP only) <= 1.5 s ($(secs "$shop_s") s)" \
      "$(awk -v us="$shop_s" 'BEGIN { if (us == "") print "n/a"; else print (us <= 1.5e6 ? "MET" : "MISSED") }')"
    printf '  %-66s %s\n' "shop root: sftp -r / mpsupport (SFTP only) >= 30x (goal 40x)" "$(verdict ge 30 sftp mps_sftp shop)"
    printf '  %-66s %s\n' "shop root: mpsupport (exec) / ssh tar of the module folder <= 1.3x" "$(verdict le 1.3 mps_exec tar shop)"
  fi
  printf '  %-66s %s\n' "peak RSS of mpsupport <= 64 MiB ($(awk -v kb="$peak_kb" 'BEGIN { printf "%.1f", kb / 1024 }') MiB, /usr/bin/time, sanity runs)" \
    "$(awk -v kb="$peak_kb" 'BEGIN { print (kb > 0 && kb <= 65536 ? "MET" : (kb > 0 ? "MISSED" : "n/a")) }')"
  echo
  echo "every run (seconds):"
  for t in "${trees[@]}"; do
    for tool in "${tools[@]}"; do printf '  %-6s %-9s %s\n' "$t" "$tool" "${runs_of[$t.$tool]:-}"; done
  done
  echo
  echo "checks:"
  for t in "${trees[@]}"; do
    for tool in sftp lftp tar rsync; do
      expected=${n_files[$t]}
      [ "$tool" = tar ] && expected=${n_mod_files[$t]}
      [ "$tool" = rsync ] && expected=0
      ok=OK
      # shellcheck disable=SC2086
      for c in ${counts[$t.$tool]:-}; do [ "$c" = "$expected" ] || ok=INCOMPLETE; done
      [ -z "${short[$t.$tool]:-}" ] || ok="INCOMPLETE (byte total differs)"
      printf '  %-6s %-8s %s per run: %s(expected %d), exit codes: %s%s\n' "$t" "$tool" \
        "$([ "$tool" = rsync ] && echo "differences" || echo "files copied")" "${counts[$t.$tool]:-}" "$expected" \
        "${rcs[$t.$tool]:-}" "$ok"
    done
    for tool in mps_sftp mps_exec; do
      [ -n "${rcs[$t.$tool]:-}" ] || continue
      ok=OK
      for c in ${rcs[$t.$tool]}; do [ "$c" = 0 ] || ok="UNEXPECTED (expected exit 0 = support covered)"; done
      printf '  %-6s %-8s exit codes: %s%s\n' "$t" "$tool" "${rcs[$t.$tool]}" "$ok"
    done
    for mode in sftp exec; do
      if [ -n "${transport[$t.$mode]:-}" ]; then
        printf '  %-6s %-8s sanity --json: %s, peak RSS %s KiB\n' "$t" "mps_$mode" "${transport[$t.$mode]}" \
          "$(tail -n1 "$work/rss-$t-$mode" 2>/dev/null)"
      fi
    done
  done
} | tee "$work/summary.txt"
