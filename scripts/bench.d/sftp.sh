#!/usr/bin/env bash
# scripts/bench sftp [--runs R] [--delay-ms D] [--keep]
#
# Times `mpsupport verify sftp://...` against the tools a user would otherwise use to look at
# a module on a server, over a loopback OpenSSH sshd behind a latency-injecting proxy
# (latency_proxy.py: every chunk released D ms after it arrived, each direction; default 25 ms,
# so 50 ms RTT at full bandwidth). Two deterministic module trees (tree.py, seed 42):
# ~180 files / 2.3 MB and 2,000 files / 30 MB. Alternating, R runs each (default 3), medians of
#   (a) sftp -r (OpenSSH, batch mode)          (b) lftp mirror --parallel=4 over sftp
#   (c) ssh ... tar cf - | tar xf -            (d) mpsupport verify sftp:// (SFTP only)
#   (e) mpsupport verify --exec-hash only (remote hashing), when this build has --exec-hash.
# The installed copies equal their releases: every mpsupport run must exit 0. sftp -r and lftp
# copies are counted. Everything listens on 127.0.0.1 only; sshd, the proxy and the temp dir
# (TMPDIR honoured) are removed at exit, also on failure. Must run as root (sshd, PermitRootLogin).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/scripts/bench.d"
build="$root/build-bench"
bin="$build/mpsupport"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

usage() {
  echo "usage: scripts/bench sftp [--runs R] [--delay-ms D] [--keep]" >&2
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
[ "$(id -u)" -eq 0 ] || { echo "bench: sftp mode runs its own sshd and logs in as root: run it as root" >&2; exit 2; }

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- 1. tools and the Release binary -------------------------------------------------------
"$root/scripts/setup"
[ -x /usr/sbin/sshd ] || die "/usr/sbin/sshd is missing (apt-get install openssh-server)"
for tool in ssh sftp ssh-keygen tar; do command -v "$tool" >/dev/null || die "$tool is missing"; done
if ! command -v lftp >/dev/null; then
  say "installing lftp"
  apt_install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lftp)
  "${apt_install[@]}" >/dev/null 2>&1 || { apt-get update -qq && "${apt_install[@]}" >/dev/null; } ||
    die "could not install lftp"
fi

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
# Both trees are module "benchmod" 1.0.0, so each gets its own XDG_DATA_HOME (pristine store).
trees=(small big)
declare -A tree_files=([small]=180 [big]=2000) tree_mb=([small]=2.3 [big]=30)
declare -A n_files=() n_bytes=() n_dirs=() remote=() store=()
for t in "${trees[@]}"; do
  gen=$("$python" "$here/tree.py" generate "$work/pristine-$t" benchmod "${tree_files[$t]}" "${tree_mb[$t]}")
  read -r f b _ <<<"$gen"
  n_files[$t]=$f n_bytes[$t]=$b n_dirs[$t]=$(find "$work/pristine-$t/benchmod" -type d | wc -l)
  remote[$t]="$work/server-$t/benchmod"
  store[$t]="$work/xdg-data-$t"
  mkdir -p "$work/server-$t" "${store[$t]}"
  XDG_DATA_HOME="${store[$t]}" "$bin" -q pristine add "$work/pristine-$t/benchmod" >/dev/null
  cp -a "$work/pristine-$t/benchmod" "${remote[$t]}"
  say "tree $t: $f files, $b bytes at ${remote[$t]}"
done

# --- 6. the tools -------------------------------------------------------------------------
lftp_connect="ssh -a -x -F /dev/null -i $key -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile=$kh"
lftp_connect+=" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR -p $pport"

fresh_out() { rm -rf "$work/out"; mkdir -p "$work/out"; }
count_out() { find "$work/out" -type f | wc -l; }
bytes_out() { find "$work/out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

run_sftp() {  # run_sftp TREE (into an empty $work/out: fresh_out, untimed, before each run)
  printf 'get -r %s %s/\n' "${remote[$1]}" "$work/out" |
    sftp -q -b - -P "$pport" "${sshopts[@]}" root@127.0.0.1 >"$work/last.log" 2>&1
}
run_lftp() {
  lftp -c "set sftp:connect-program \"$lftp_connect\"; set net:max-retries 1; set net:timeout 60;
           set cmd:fail-exit yes; set xfer:clobber on;
           open -u root, sftp://127.0.0.1; mirror --parallel=4 ${remote[$1]} $work/out/benchmod" \
    </dev/null >"$work/last.log" 2>&1
}
run_tar() {
  ssh "${sshopts[@]}" -p "$pport" root@127.0.0.1 tar cf - -C "${remote[$1]}" . </dev/null | tar xf - -C "$work/out"
}
run_mps() {  # run_mps TREE [extra verify args]
  local t=$1; shift
  XDG_DATA_HOME="${store[$t]}" "$bin" --timeout 300 verify "$@" --known-hosts "$kh" --identity "$key" \
    "sftp://root@127.0.0.1:$pport${remote[$t]}" </dev/null >"$work/last.log" 2>&1
}
run_mps_sftp() { if [ "$have_exec" = 1 ]; then run_mps "$1" --exec-hash never; else run_mps "$1"; fi; }
run_mps_exec() { run_mps "$1" --exec-hash only; }

tools=(sftp lftp tar mps_sftp)
[ "$have_exec" = 1 ] && tools+=(mps_exec)
declare -A label=([sftp]="(a) sftp -r" [lftp]="(b) lftp mirror --parallel=4" [tar]="(c) ssh tar cf - | tar xf -"
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
    XDG_DATA_HOME="${store[$t]}" "$bin" --json --timeout 300 verify "${extra[@]}" --known-hosts "$kh" --identity "$key" \
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
print("exit %s, support %s, hashing %s, %s files fetched, %s bytes over SFTP" % (
    sys.argv[2], doc.get("support"), tr.get("hashing"), tr.get("files_fetched"), tr.get("bytes")))
EOF
)
    if [ "$rc" -ne 0 ]; then
      say "sanity: mpsupport verify ($mode) on $t exited $rc (expected 0):"
      sed -n 1,20p "$work/sanity-$t-$mode.err" >&2
    fi
  done
done

say "timing $runs run(s) per tool and tree, alternating: ${tools[*]}"
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
        sftp|lftp|tar)
          counts[$t.$tool]+="$(count_out) "
          [ "$(bytes_out)" = "${n_bytes[$t]}" ] || short[$t.$tool]=1 ;;
      esac
      if [ "$rc" -ne 0 ]; then say "  $tool on $t exited $rc:"; sed -n 1,10p "$work/last.log" >&2; fi
      say "  run $((i + 1))/$runs $t $tool: $(awk -v us="$us" 'BEGIN { printf "%.2f", us / 1e6 }') s (exit $rc)"
    done
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
verdict() {  # verdict CMP TARGET A B... : MET when ratio(A/B) CMP TARGET for every tree
  local cmp=$1 target=$2 a=$3 b=$4 t ok=MET
  for t in "${trees[@]}"; do
    [ -n "${med[$t.$a]:-}" ] && [ -n "${med[$t.$b]:-}" ] || { ok="n/a"; break; }
    awk -v x="${med[$t.$a]}" -v y="${med[$t.$b]}" -v g="$target" -v c="$cmp" \
      'BEGIN { r = x / y; exit !((c == "ge" && r >= g) || (c == "le" && r <= g)) }' || ok=MISSED
  done
  echo "$ok"
}

{
  printf '== mpsupport bench sftp (%s build, %d CPU(s), %s) ==\n' "$build_type" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'link:      loopback sshd (OpenSSH %s) behind latency_proxy.py: %s ms per chunk each way (RTT +%s ms, full bandwidth)\n' \
    "$(ssh -V 2>&1 | sed 's/^OpenSSH_\([^ ,]*\).*/\1/')" "$delay_ms" "$(awk -v d="$delay_ms" 'BEGIN { print 2 * d }')"
  printf 'ssh true:  direct %s s, through the proxy %s s (median of 3; the difference is the handshake round trips)\n' \
    "$(secs "$rtt_direct_med")" "$(secs "$rtt_proxy_med")"
  for t in "${trees[@]}"; do
    printf 'tree %-5s %d files in %d folders, %.1f MiB (installed copy identical to the stored release)\n' \
      "$t:" "${n_files[$t]}" "${n_dirs[$t]}" "$(awk -v b="${n_bytes[$t]}" 'BEGIN { print b / 1048576 }')"
  done
  printf 'runs:      %d per tool and tree, alternating; medians in seconds; total timing %.0f s\n' \
    "$runs" "$(awk -v us=$((total_t1 - total_t0)) 'BEGIN { print us / 1e6 }')"
  [ "$have_exec" = 1 ] || echo "exec mode: not available in this build"
  echo
  printf '%-42s %10s %10s\n' "tool" "small" "big"
  for tool in sftp lftp tar mps_sftp mps_exec; do
    [[ " ${tools[*]} " == *" $tool "* ]] || continue
    printf '%-42s %10s %10s\n' "${label[$tool]}" "$(secs "${med[small.$tool]:-}")" "$(secs "${med[big.$tool]:-}")"
  done
  echo
  printf '%-42s %10s %10s   %-8s %s\n' "ratio" "small" "big" "target" ""
  printf '%-42s %10s %10s   %-8s %s\n' "sftp -r / mpsupport (SFTP only)" "$(ratio "${med[small.sftp]}" "${med[small.mps_sftp]}")" \
    "$(ratio "${med[big.sftp]}" "${med[big.mps_sftp]}")" ">= 20x" "$(verdict ge 20 sftp mps_sftp)"
  printf '%-42s %10s %10s   %-8s %s\n' "lftp --parallel=4 / mpsupport (SFTP only)" "$(ratio "${med[small.lftp]}" "${med[small.mps_sftp]}")" \
    "$(ratio "${med[big.lftp]}" "${med[big.mps_sftp]}")" ">= 3x" "$(verdict ge 3 lftp mps_sftp)"
  if [ "$have_exec" = 1 ]; then
    printf '%-42s %10s %10s   %-8s %s\n' "mpsupport (exec) / tar stream" "$(ratio "${med[small.mps_exec]}" "${med[small.tar]}")" \
      "$(ratio "${med[big.mps_exec]}" "${med[big.tar]}")" "<= 1.5x" "$(verdict le 1.5 mps_exec tar)"
  else
    printf '%-42s %10s %10s   %-8s %s\n' "mpsupport (exec) / tar stream" "-" "-" "<= 1.5x" "n/a (exec mode not available)"
  fi
  echo
  echo "checks:"
  for t in "${trees[@]}"; do
    for tool in sftp lftp tar; do
      # shellcheck disable=SC2086
      printf '  %-5s %-8s files copied per run: %s(expected %d), exit codes: %s%s\n' "$t" "$tool" "${counts[$t.$tool]}" \
        "${n_files[$t]}" "${rcs[$t.$tool]}" \
        "$(ok=OK; [ -z "${short[$t.$tool]:-}" ] || ok="INCOMPLETE (byte total differs)"; for c in ${counts[$t.$tool]}; do [ "$c" = "${n_files[$t]}" ] || ok=INCOMPLETE; done; echo "$ok")"
    done
    for tool in mps_sftp mps_exec; do
      [ -n "${rcs[$t.$tool]:-}" ] || continue
      ok=OK
      for c in ${rcs[$t.$tool]}; do [ "$c" = 0 ] || ok="UNEXPECTED (expected exit 0 = support covered)"; done
      printf '  %-5s %-8s exit codes: %s%s\n' "$t" "$tool" "${rcs[$t.$tool]}" "$ok"
    done
    for mode in sftp exec; do
      if [ -n "${transport[$t.$mode]:-}" ]; then
        printf '  %-5s %-8s sanity --json: %s\n' "$t" "mps_$mode" "${transport[$t.$mode]}"
      fi
    done
  done
} | tee "$work/summary.txt"
