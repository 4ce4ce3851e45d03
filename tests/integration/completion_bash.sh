#!/usr/bin/env bash
# completion_bash.sh: checks the shell completion scripts of mpsupport.
#
#   bash completion_bash.sh PATH/TO/completions/mpsupport.bash PATH/TO/mpsupport
#
# Sources the bash script in this non-interactive shell, finds the function registered for
# `mpsupport` (complete -p), simulates <TAB> by setting COMP_WORDS, COMP_CWORD, COMP_LINE
# and COMP_POINT, and checks COMPREPLY. Also checks that `mpsupport completion SHELL`
# prints the shipped files unchanged, and that the zsh and fish scripts parse (when those
# shells are installed). One line per assertion; exit status 1 when any assertion fails.
set -u

if (( $# != 2 )); then
    echo "usage: bash $0 COMPLETIONS/mpsupport.bash MPSUPPORT-BINARY" >&2
    exit 2
fi
# Absolute paths: the checks below change folder.
completions_dir=$(cd "$(dirname "$1")" && pwd) || exit 2
bash_script=$completions_dir/$(basename "$1")
binary=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") || exit 2

failures=0
checks=0
pass() { checks=$((checks + 1)); printf 'ok   %s\n' "$1"; }
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    printf 'FAIL %s\n' "$1"
    shift
    (($# == 0)) || printf '       %s\n' "$@"
}
skip() { printf 'skip %s\n' "$1"; }

# A private world: the completion function runs `mpsupport` (found on PATH) to list stored
# modules and configuration keys; it must never see the user's real data.
work=$(mktemp -d "${TMPDIR:-/tmp}/mpsupport-completion.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data MPSUPPORT_NO_INPUT=1
unset MPSUPPORT_CONFIG NO_COLOR
mkdir -p "$HOME" "$work/bin"
ln -s "$binary" "$work/bin/mpsupport"
export PATH=$work/bin:$PATH

# ---------------------------------------------------------------------------------------
# The bash script: load it and find its function.
if ! source "$bash_script"; then
    fail "bash: $bash_script sources without error"
    echo "$failures of $checks checks failed"
    exit 1
fi
spec=$(complete -p mpsupport 2>/dev/null)
func=$(sed -n 's/.*-F \([^ ]*\) .*/\1/p' <<<"$spec")
if [[ -n $func ]] && declare -F "$func" >/dev/null; then
    pass "bash: a completion function is registered for mpsupport ($func)"
else
    fail "bash: a completion function is registered for mpsupport" "complete -p mpsupport: '${spec}'"
    echo "$failures of $checks checks failed"
    exit 1
fi

# complete LINE: simulate <TAB> at the end of LINE; sets `got` to the sorted candidates,
# one space between them. Like readline, ':' and '=' (COMP_WORDBREAKS) are words of their
# own: sftp://host:22/x is "sftp" ":" "//host" ":" "22/x".
complete_line() {
    local line=$1
    COMP_LINE=$line
    COMP_POINT=${#line}
    read -r -a COMP_WORDS <<<"$(sed 's/\([:=][:=]*\)/ \1 /g' <<<"$line")"
    [[ $line == *' ' || ${#COMP_WORDS[@]} -eq 0 ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_TYPE=9
    COMP_KEY=9
    COMPREPLY=()
    local prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    "$func" mpsupport "${COMP_WORDS[COMP_CWORD]}" "$prev" >/dev/null 2>&1
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ')
    got=${got% }
}

# expect_exactly LINE WORDS...: the candidates are exactly WORDS (any order).
expect_exactly() {
    local line=$1
    shift
    local want
    want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
    want=${want% }
    complete_line "$line"
    if [[ $got == "$want" ]]; then
        pass "bash: '$line<TAB>' gives exactly: $want"
    else
        fail "bash: '$line<TAB>' gives exactly: $want" "got: '$got'"
    fi
}

# expect_includes LINE WORDS...: every one of WORDS is a candidate.
expect_includes() {
    local line=$1
    shift
    complete_line "$line"
    local word missing=()
    for word in "$@"; do
        [[ " $got " == *" $word "* ]] || missing+=("$word")
    done
    if ((${#missing[@]} == 0)); then
        pass "bash: '$line<TAB>' offers $*"
    else
        fail "bash: '$line<TAB>' offers $*" "missing: ${missing[*]}" "got: '$got'"
    fi
}

# expect_excludes LINE WORDS...: none of WORDS is a candidate.
expect_excludes() {
    local line=$1
    shift
    complete_line "$line"
    local word found=()
    for word in "$@"; do
        [[ " $got " == *" $word "* ]] && found+=("$word")
    done
    if ((${#found[@]} == 0)); then
        pass "bash: '$line<TAB>' does not offer $*"
    else
        fail "bash: '$line<TAB>' does not offer $*" "offered: ${found[*]}"
    fi
}

# The required behaviour.
expect_exactly "mpsupport " diagnose verify expiry remind orders ticket pristine config completion help ledger
expect_exactly "mpsupport pr" pristine
expect_exactly "mpsupport pristine " add list show fetch import-core keygen sign
expect_includes "mpsupport verify --" --module --diff --strict
expect_exactly "mpsupport completion " bash zsh fish

# More of the command tree.
expect_exactly "mpsupport config " path list get set init
expect_includes "mpsupport --" --config --json --no-color --quiet --verbose --log-file --no-input --version --help
expect_includes "mpsupport pristine add --" --module --version --replace
expect_includes "mpsupport config init --" --force
expect_excludes "mpsupport verify --" --replace --force
expect_exactly "mpsupport --config /nonexistent/x.toml " diagnose verify expiry remind orders ticket pristine config completion help ledger
expect_exactly "mpsupport -v --json conf" config

# --timeout (global) and the SSH flags of verify.
expect_includes "mpsupport --" --timeout
expect_includes "mpsupport verify --" --timeout --known-hosts --accept-new-host-key --identity --exec-hash
expect_exactly "mpsupport verify sftp://h/x --exec-hash " auto never only
expect_exactly "mpsupport verify --acc" --accept-new-host-key
expect_exactly "mpsupport verify --id" --identity
expect_includes "mpsupport diagnose --" --url --admin --sftp --module --only --bundle --list-checks --admin-email --insecure
expect_exactly "mpsupport diagnose --only sto" storefront storefront.reach storefront.tls storefront.prestashop storefront.version storefront.maintenance storefront.php-errors storefront.module-assets
expect_exactly "mpsupport diagnose --url https://x --exec-hash " auto never only
expect_excludes "mpsupport pristine add --" --known-hosts --accept-new-host-key --identity
expect_excludes "mpsupport config init --" --known-hosts --accept-new-host-key --identity
expect_exactly "mpsupport --timeout 30 " diagnose verify expiry remind orders ticket pristine config completion help ledger
expect_exactly "mpsupport --timeout=30 " diagnose verify expiry remind orders ticket pristine config completion help ledger
expect_exactly "mpsupport --jq .id " diagnose verify expiry remind orders ticket pristine config completion help ledger
expect_exactly "mpsupport help ver" verify
expect_exactly "mpsupport --timeout 5 -v pr" pristine
# Signed releases and core checksum lists.
expect_includes "mpsupport verify --" --core --no-fetch
expect_includes "mpsupport pristine keygen --" --key
expect_excludes "mpsupport pristine keygen --" --url --replace --module
expect_includes "mpsupport pristine sign --" --key
expect_includes "mpsupport pristine import-core --" --url
expect_excludes "mpsupport pristine fetch --" --key --url --replace
expect_excludes "mpsupport pristine add --" --key --url
expect_exactly "mpsupport pristine import-core --url "
expect_exactly "mpsupport pristine --timeout 10 " add list show fetch import-core keygen sign
# Orders, expiry and reminders.
expect_exactly "mpsupport orders " import sync show list
expect_exactly "mpsupport or" orders
expect_exactly "mpsupport re" remind
expect_includes "mpsupport expiry --" --at --warn-days
expect_includes "mpsupport remind --" --thresholds --at --dry-run --expired --limit --max-per-minute
expect_excludes "mpsupport remind --" --skip-bad --module
expect_includes "mpsupport orders import --" --skip-bad
expect_includes "mpsupport orders sync --" --full
expect_includes "mpsupport orders list --" --expiring-within --at
expect_exactly "mpsupport remind --at " ""
expect_exactly "mpsupport orders list --expiring-within 7 --at 2026-01-01 " ""
expect_exactly "mpsupport ticket " draft open list
expect_includes "mpsupport ticket open --" --order --module --summary --message --message-file --via --bundle --force --admin-access --sftp-access
expect_exactly "mpsupport ticket open --via " form email
expect_exactly "mpsupport ticket draft --module mymod --admin-access " on-request withheld
expect_exactly "mpsupport ticket open --summ" --summary
expect_excludes "mpsupport ticket list --" --order --force

# Files and folders.
mkdir -p "$work/files/shop/modules/alpha" "$work/files/shop/modules/beta" "$work/files/shop/classes" \
    "$work/files/somedir" "$HOME/.ssh"
: >"$work/files/release.zip"
: >"$work/files/notes.txt"
: >"$HOME/.ssh/id_ed25519"
: >"$HOME/.ssh/id_ed25519.pub"
: >"$HOME/.ssh/known_hosts"
cd "$work/files" || exit 2
expect_exactly "mpsupport verify " shop somedir
expect_exactly "mpsupport pristine add " release.zip shop somedir
expect_exactly "mpsupport --config " notes.txt release.zip shop somedir
: >"$work/files/orders.csv"
expect_exactly "mpsupport orders import " orders.csv shop somedir
rm -f "$work/files/orders.csv"
: >"$work/files/8.2.0.xml"
expect_exactly "mpsupport pristine import-core " 8.2.0.xml shop somedir
rm -f "$work/files/8.2.0.xml"
expect_exactly "mpsupport pristine sign " release.zip shop somedir
expect_exactly "mpsupport pristine sign release.zip --key $HOME/.ssh/id_" "$HOME/.ssh/id_ed25519"
expect_exactly "mpsupport verify shop --module " alpha beta
# No file names for --timeout: its value is a number of seconds.
expect_exactly "mpsupport --timeout "
expect_exactly "mpsupport verify shop --timeout "
expect_exactly "mpsupport verify shop --timeout 5 --module " alpha beta
expect_exactly "mpsupport --timeout 5 verify " shop somedir
# File names for --known-hosts and --identity (private keys: not the .pub halves).
expect_exactly "mpsupport verify shop --known-hosts " notes.txt release.zip shop somedir
expect_exactly "mpsupport verify shop --known-hosts=no" notes.txt
expect_exactly "mpsupport verify shop --identity " notes.txt release.zip shop somedir
expect_exactly "mpsupport verify shop --identity $HOME/.ssh/id_" "$HOME/.ssh/id_ed25519"
expect_exactly "mpsupport verify shop --identity $HOME/.ssh/kn" "$HOME/.ssh/known_hosts"
expect_exactly "mpsupport verify shop --identity ~/.ssh/id_" "~/.ssh/id_ed25519"
expect_exactly "mpsupport verify --identity notes.txt --identity release.zip " shop somedir
expect_exactly "mpsupport verify --known-hosts notes.txt --accept-new-host-key " shop somedir
expect_includes "mpsupport verify shop --identity notes.txt --" --module --known-hosts --identity
# An sftp:// address is one argument, although bash splits it at ':'.
expect_exactly "mpsupport verify sftp://shop@example.com:2222/srv/www/shop "
expect_includes "mpsupport verify sftp://shop@example.com:2222/srv/www/shop --" --module --identity --known-hosts
expect_exactly "mpsupport verify sftp://shop@example.com:2222/srv/shop --identity " notes.txt release.zip shop somedir

# Data taken from the binary: stored modules and versions, configuration keys.
mkdir -p "$work/release/demomod"
printf '%s\n' '<?php' 'class DemoMod extends Module {' '    public function __construct() {' \
    "        \$this->version = '2.1.0';" '    }' '}' >"$work/release/demomod/demomod.php"
if "$binary" --no-input pristine add "$work/release/demomod" >/dev/null 2>&1; then
    expect_exactly "mpsupport pristine show " demomod
    expect_exactly "mpsupport pristine show demomod " 2.1.0
    expect_exactly "mpsupport pristine list d" demomod
    # verify sftp://...: stored modules and versions, the module named by the address.
    expect_exactly "mpsupport verify sftp://shop@example.com:2222/srv/shop --module " demomod
    expect_exactly "mpsupport verify sftp://shop@example.com:2222/srv/shop/modules/demomod --version " 2.1.0
    expect_exactly "mpsupport verify sftp://shop@example.com/~/shop --timeout 9 --module demomod --version " 2.1.0
else
    fail "bash: setup: mpsupport pristine add stores a release"
fi
expect_exactly "mpsupport config get policy.major" policy.major_rewrite_ratio
cd / || exit 2

# ---------------------------------------------------------------------------------------
# The binary prints the shipped scripts unchanged.
same_as_file() {
    local shell=$1 file=$2
    if [[ ! -f $file ]]; then
        fail "$shell: $file exists"
        return
    fi
    if cmp -s <("$binary" completion "$shell") "$file"; then
        pass "$shell: 'mpsupport completion $shell' prints $(basename "$file") unchanged"
    else
        fail "$shell: 'mpsupport completion $shell' prints $(basename "$file") unchanged" \
            "$(diff <("$binary" completion "$shell") "$file" | head -n 5)" \
            "(rebuild after editing completions/: cmake -S . -B build && ninja -C build)"
    fi
}
same_as_file bash "$bash_script"
same_as_file zsh "$completions_dir/_mpsupport"
same_as_file fish "$completions_dir/mpsupport.fish"

# The scripts are embedded in the binary through CMake's configure_file(@ONLY) into a raw
# string literal R"MPSCOMPLETE(...)MPSCOMPLETE": they must hold neither '@' nor the delimiter.
for file in "$bash_script" "$completions_dir/_mpsupport" "$completions_dir/mpsupport.fish"; do
    if grep -q -e '@' -e ')MPSCOMPLETE"' "$file"; then
        fail "$(basename "$file"): no '@' and no ')MPSCOMPLETE\"' (they break the embedding)" \
            "$(grep -n -e '@' -e ')MPSCOMPLETE"' "$file" | head -n 3)"
    else
        pass "$(basename "$file"): no '@' and no ')MPSCOMPLETE\"' (they break the embedding)"
    fi
done

# The zsh and fish scripts parse.
if command -v zsh >/dev/null 2>&1; then
    if out=$(zsh -n "$completions_dir/_mpsupport" 2>&1); then
        pass "zsh: _mpsupport parses (zsh -n)"
    else
        fail "zsh: _mpsupport parses (zsh -n)" "$out"
    fi
else
    skip "zsh: not installed, _mpsupport not parsed"
fi
if command -v fish >/dev/null 2>&1; then
    if out=$(fish --no-execute "$completions_dir/mpsupport.fish" 2>&1); then
        pass "fish: mpsupport.fish parses (fish --no-execute)"
    else
        fail "fish: mpsupport.fish parses (fish --no-execute)" "$out"
    fi
else
    skip "fish: not installed, mpsupport.fish not parsed"
fi

# ---------------------------------------------------------------------------------------
# No drift from the CLI: every command, subcommand and long option the binary's --help lists
# is offered by each of the three scripts (a name missing from a script fails here).
help_words() {  # help_words ARGS...: the long options and subcommands of `mpsupport ARGS --help`
    "$binary" "$@" --help 2>/dev/null | awk '
        /^Subcommands:/ { sub_section = 1; next }
        /^[A-Za-z]/ { sub_section = 0 }
        sub_section && /^  [a-z]/ { print "SUB " $1 }
        { while (match($0, /--[a-z][a-z0-9-]*/)) { print "OPT " substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH) } }'
}
declare -A seen_words=()
walk_commands() {  # walk_commands PATH...: record the words of this command and its subcommands
    local word kind name
    while read -r kind name; do
        [[ $kind == OPT && ( $name == --help || $name == --help-all ) ]] && continue
        seen_words["$name"]="$*"
        [[ $kind == SUB ]] && walk_commands "$@" "$name"
    done < <(help_words "$@")
}
walk_commands
((${#seen_words[@]} > 40)) && pass "the binary's --help lists ${#seen_words[@]} commands and options" ||
    fail "the binary's --help lists too few commands and options (${#seen_words[@]})"
for script in mpsupport.bash _mpsupport mpsupport.fish; do
    missing=()
    text=$(<"$completions_dir/$script")
    for name in "${!seen_words[@]}"; do
        # fish writes long options without their dashes (-l name).
        bare=${name#--}
        if [[ $text != *"$name"* && ( $script != mpsupport.fish || $text != *"-l $bare"* ) ]]; then
            missing+=("$name (mpsupport ${seen_words[$name]})")
        fi
    done
    if ((${#missing[@]} == 0)); then
        pass "$script offers every command and option of --help"
    else
        fail "$script lacks what --help lists" "${missing[@]}"
    fi
done

echo "$failures of $checks checks failed"
((failures == 0))
