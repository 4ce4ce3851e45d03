# bash completion for mpsupport                            -*- shell-script -*-
#
# Installed as share/bash-completion/completions/mpsupport (loaded on demand by the
# bash-completion package). Without it, load it by hand, e.g. in ~/.bashrc:
#     source <(mpsupport completion bash)
# Plain bash only: compgen and COMPREPLY, no helper from the bash-completion package.

# _mpsupport_stored_modules PROGRAM: module names of the stored pristine releases.
_mpsupport_stored_modules()
{
    command -v "$1" >/dev/null 2>&1 || return 0
    "$1" --no-input --json pristine list 2>/dev/null </dev/null |
        sed -n 's/^ *"module": "\([^"]*\)",*$/\1/p' | sort -u
}

# _mpsupport_stored_versions PROGRAM MODULE: stored versions of MODULE.
_mpsupport_stored_versions()
{
    command -v "$1" >/dev/null 2>&1 || return 0
    [[ -n $2 ]] || return 0
    "$1" --no-input --json pristine list "$2" 2>/dev/null </dev/null |
        sed -n 's/^ *"version": "\([^"]*\)",*$/\1/p'
}

# _mpsupport_config_keys PROGRAM: every configuration key.
_mpsupport_config_keys()
{
    command -v "$1" >/dev/null 2>&1 || return 0
    "$1" --no-input config list 2>/dev/null </dev/null | sed -n 's/^\([A-Za-z0-9_.-]*\) = .*/\1/p'
}

# _mpsupport_stores PROGRAM: the [stores.NAME] profiles of the configuration.
_mpsupport_stores()
{
    command -v "$1" >/dev/null 2>&1 || return 0
    "$1" --no-input config list 2>/dev/null </dev/null | sed -n 's/^stores\.\([A-Za-z0-9_-]*\)\..*/\1/p' | sort -u
}

# _mpsupport_reply: COMPREPLY = the non-empty lines read on stdin.
_mpsupport_reply()
{
    local line
    COMPREPLY=()
    while IFS= read -r line; do
        [[ -n $line ]] && COMPREPLY+=("$line")
    done
    return 0
}

# _mpsupport_filenames: let readline quote names and mark folders with '/'.
_mpsupport_filenames()
{
    compopt -o filenames 2>/dev/null
    return 0
}

_mpsupport()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]}
    COMPREPLY=()

    local globals="--config --json --no-color --quiet -q --verbose -v --log-file --no-input --timeout --insecure --jq --help -h"

    # Walk the words before the cursor: the command, its subcommand, the positional
    # arguments typed so far, and the values given to --module and DIR.
    local i word cmd= sub= npos=0 module= dir= pos1=
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word=${COMP_WORDS[i]}
        # bash splits sftp://host:port/path at each ':' (COMP_WORDBREAKS): glue the pieces
        # back onto the positional argument they belong to.
        if [[ $word == ":" && npos -gt 0 && $cmd == verify ]]; then
            word=:
            (( i + 1 < COMP_CWORD )) && { (( ++i )); word+=${COMP_WORDS[i]}; }
            (( npos == 1 )) && { pos1+=$word; dir+=$word; }
            continue
        fi
        case $word in
            --config|--log-file|--timeout|--jq|--at|--warn-days|--thresholds|--limit|--max-per-minute|--expiring-within)
                if [[ ${COMP_WORDS[i+1]-} == "=" ]]; then (( i += 2 )); else (( ++i )); fi
                continue
                ;;
            --key|--url)
                # pristine keygen/sign --key FILE, pristine import-core --url URL.
                if [[ $cmd == pristine ]]; then
                    if [[ ${COMP_WORDS[i+1]-} == "=" ]]; then (( i += 2 )); else (( ++i )); fi
                    continue
                fi
                ;;&
            --url|--admin|--files|--sftp|--only|--bundle|--order|--admin-email|--log-tail)
                if [[ $cmd == diagnose ]]; then
                    if [[ ${COMP_WORDS[i+1]-} == "=" ]]; then (( i += 2 )); else (( ++i )); fi
                    continue
                fi
                ;;&
            --known-hosts|--identity|--exec-hash|--ssh-client|--ssh-config|--connections)
                if [[ $cmd == verify || $cmd == diagnose ]]; then
                    if [[ ${COMP_WORDS[i+1]-} == "=" ]]; then (( i += 2 )); else (( ++i )); fi
                fi
                continue
                ;;
            --order|--summary|--message|--message-file|--url|--admin|--email|--admin-access|--files-access|--sftp-access|--via|--bundle|--contact-subject)
                if [[ $cmd == ticket ]]; then
                    if [[ ${COMP_WORDS[i+1]-} == "=" ]]; then (( i += 2 )); else (( ++i )); fi
                fi
                continue
                ;;
            --module|--version)
                if [[ $cmd == ticket ]]; then
                    if [[ ${COMP_WORDS[i+1]-} == "=" ]]; then (( i += 2 )); else (( ++i )); fi
                elif [[ $cmd == verify || $cmd == diagnose || ( $cmd == pristine && $sub == add ) ]]; then
                    local value=${COMP_WORDS[i+1]-}
                    [[ $value == "=" ]] && { (( ++i )); value=${COMP_WORDS[i+1]-}; }
                    [[ $word == --module && i+1 -lt COMP_CWORD ]] && module=$value
                    (( ++i ))
                fi
                continue
                ;;
            -*)
                continue
                ;;
        esac
        if [[ -z $cmd ]]; then
            cmd=$word
        elif [[ -z $sub && ( $cmd == pristine || $cmd == config || $cmd == completion || $cmd == orders || $cmd == ticket || $cmd == ledger || $cmd == help ) ]]; then
            sub=$word
        else
            (( ++npos ))
            (( npos == 1 )) && pos1=$word
            [[ $cmd == verify && npos -eq 1 ]] && dir=$word
        fi
    done

    # --option=VALUE typed as one word: bash splits it at '='.
    if [[ $prev == "=" && COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == "=" ]]; then
        cur=
    fi

    # The value of an option of ticket.
    if [[ $cmd == ticket ]]; then
        case $prev in
            --via) _mpsupport_reply < <(compgen -W "form email" -- "$cur"); return 0 ;;
            --admin-access|--files-access|--sftp-access) _mpsupport_reply < <(compgen -W "on-request withheld" -- "$cur"); return 0 ;;
            --message-file) _mpsupport_filenames; _mpsupport_reply < <(compgen -f -- "$cur"); return 0 ;;
            --bundle)
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -d -- "$cur"; compgen -f -X '!*.[zZ][iI][pP]' -- "$cur")
                return 0
                ;;
            --order|--module|--summary|--message|--url|--admin|--email|--contact-subject) return 0 ;;
        esac
    fi

    # The value of an option.
    case $prev in
        --at|--warn-days|--thresholds|--limit|--max-per-minute|--expiring-within)
            # A date or a number: nothing to offer.
            return 0
            ;;
        --config|--log-file)
            _mpsupport_filenames
            _mpsupport_reply < <(compgen -f -- "$cur")
            return 0
            ;;
        --timeout|--jq)
            # A number of seconds (1 to 3600), or a jq expression: nothing to offer.
            COMPREPLY=()
            return 0
            ;;
        --url)
            # pristine import-core --url URL: nothing to offer.
            [[ $cmd == pristine ]] && return 0
            ;;&
        --files)
            # A folder on this machine (sftp:// addresses are typed).
            [[ $cmd == diagnose ]] && { _mpsupport_reply < <(compgen -d -- "$cur"); return 0; }
            ;;
        --url|--admin|--sftp|--order|--admin-email|--log-tail)
            # URLs, references, addresses, sizes: nothing to offer.
            [[ $cmd == diagnose ]] && return 0
            ;;
        --only)
            if [[ $cmd == diagnose ]]; then
                local ids="storefront admin files logs core"
                command -v "$prog" >/dev/null 2>&1 &&
                    ids+=" $("$prog" --no-input diagnose --list-checks 2>/dev/null </dev/null | cut -d' ' -f1)"
                _mpsupport_reply < <(compgen -W "$ids" -- "${cur##*,}")
                return 0
            fi
            ;;
        --bundle)
            if [[ $cmd == diagnose ]]; then
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -d -- "$cur"; compgen -f -X '!*.[zZ][iI][pP]' -- "$cur")
                return 0
            fi
            ;;
        --known-hosts)
            if [[ $cmd == verify || $cmd == diagnose ]]; then
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -f -- "$cur")
                return 0
            fi
            ;;
        --connections)
            # A count: nothing to offer.
            [[ $cmd == verify || $cmd == diagnose ]] && return 0
            ;;
        --exec-hash)
            if [[ $cmd == verify || $cmd == diagnose ]]; then
                _mpsupport_reply < <(compgen -W "auto never only" -- "$cur")
                return 0
            fi
            ;;
        --ssh-client)
            if [[ $cmd == verify || $cmd == diagnose ]]; then
                _mpsupport_reply < <(compgen -W "libssh2 openssh" -- "$cur")
                return 0
            fi
            ;;
        --ssh-config)
            if [[ $cmd == verify || $cmd == diagnose ]]; then
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -f -- "$cur")
                return 0
            fi
            ;;
        --identity)
            # Private key files (such as ~/.ssh/id_ed25519), not the .pub halves.
            if [[ $cmd == verify || $cmd == diagnose ]]; then
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -f -X '*.pub' -- "$cur")
                return 0
            fi
            ;;
        --key)
            # The private key file of pristine keygen and sign (not the .pub half).
            if [[ $cmd == pristine ]]; then
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -f -X '*.pub' -- "$cur")
                return 0
            fi
            ;;
        --module)
            if [[ $cmd == verify ]]; then
                if [[ -n $dir && -d $dir/modules ]]; then
                    # A shop root: the installed modules.
                    local names= entry
                    for entry in "$dir"/modules/*/; do
                        [[ -d $entry ]] || continue
                        entry=${entry%/}
                        names+="${entry##*/} "
                    done
                    _mpsupport_reply < <(compgen -W "$names" -- "$cur")
                else
                    _mpsupport_reply < <(compgen -W "$(_mpsupport_stored_modules "$prog")" -- "$cur")
                fi
                return 0
            elif [[ $cmd == diagnose || ( $cmd == pristine && $sub == add ) ]]; then
                _mpsupport_reply < <(compgen -W "$(_mpsupport_stored_modules "$prog")" -- "$cur")
                return 0
            fi
            ;;
        --version)
            if [[ $cmd == verify ]]; then
                local name=$module
                [[ -z $name && -n $dir && ! -d $dir/modules ]] && { name=${dir%/}; name=${name##*/}; }
                _mpsupport_reply < <(compgen -W "$(_mpsupport_stored_versions "$prog" "$name")" -- "$cur")
                return 0
            elif [[ $cmd == pristine && $sub == add ]]; then
                return 0
            fi
            ;;
    esac

    # Flags.
    if [[ $cur == -* ]]; then
        local flags=$globals
        case $cmd in
            "") flags+=" --version" ;;
            verify) flags+=" --module --all --version --diff --strict --known-hosts --accept-new-host-key --identity --ssh-client --ssh-config --exec-hash --connections --allow-plain-ftp --core --no-fetch" ;;
            diagnose) flags+=" --url --admin --files --sftp --module --all-modules --only --bundle --order --admin-email --log-tail --exec-hash --list-checks --no-fetch --known-hosts --accept-new-host-key --identity --ssh-client --ssh-config --connections --allow-plain-ftp" ;;
            expiry) flags+=" --at --warn-days" ;;
            remind) flags+=" --thresholds --at --dry-run --expired --limit --max-per-minute" ;;
            orders)
                case $sub in
                    import) flags+=" --skip-bad" ;;
                    sync) flags+=" --full" ;;
                    show) flags+=" --at" ;;
                    list) flags+=" --expiring-within --at" ;;
                esac
                ;;
            pristine)
                case $sub in
                    add) flags+=" --module --version --replace" ;;
                    keygen|sign) flags+=" --key" ;;
                    import-core) flags+=" --url" ;;
                esac
                ;;
            ticket)
                [[ $sub == draft || $sub == open ]] &&
                    flags+=" --order --module --summary --message --message-file --url --admin --email --admin-access --files-access --sftp-access --via --bundle --diagnose --contact-subject --force"
                ;;
            config) [[ $sub == init ]] && flags+=" --force" ;;
            ledger) [[ $sub == migrate ]] && flags+=" --to --from" ;;
        esac
        _mpsupport_reply < <(compgen -W "$flags" -- "$cur")
        return 0
    fi

    # Commands, subcommands and their operands.
    case $cmd in
        "")
            _mpsupport_reply < <(compgen -W "diagnose verify expiry remind orders ticket ledger pristine config completion help" -- "$cur")
            ;;
        help)
            # help COMMAND [SUB]
            [[ -z $sub ]] && _mpsupport_reply < <(compgen -W "diagnose verify expiry remind orders ticket ledger pristine config completion" -- "$cur")
            ;;
        orders)
            case $sub in
                "")
                    _mpsupport_reply < <(compgen -W "import sync show list" -- "$cur")
                    ;;
                import)
                    if (( npos == 0 )); then
                        _mpsupport_filenames
                        _mpsupport_reply < <(compgen -d -- "$cur"; compgen -f -X '!*.[cC][sS][vV]' -- "$cur")
                    fi
                    ;;
            esac
            ;;
        ledger)
            [[ -z $sub ]] && _mpsupport_reply < <(compgen -W "migrate" -- "$cur")
            ;;
        ticket)
            case $sub in
                "") _mpsupport_reply < <(compgen -W "draft open list" -- "$cur") ;;
                draft|open)
                    (( npos == 0 )) && _mpsupport_reply < <(compgen -W "$(_mpsupport_stores "$prog")" -- "$cur")
                    ;;
            esac
            ;;
        verify)
            if (( npos == 0 )); then
                _mpsupport_filenames
                _mpsupport_reply < <(compgen -d -- "$cur"; compgen -W "$(_mpsupport_stores "$prog")" -- "$cur")
            fi
            ;;
        diagnose)
            (( npos == 0 )) && _mpsupport_reply < <(compgen -W "$(_mpsupport_stores "$prog")" -- "$cur")
            ;;
        pristine)
            case $sub in
                "")
                    _mpsupport_reply < <(compgen -W "add list show fetch import-core keygen sign" -- "$cur")
                    ;;
                add)
                    if (( npos == 0 )); then
                        _mpsupport_filenames
                        _mpsupport_reply < <(compgen -d -- "$cur"; compgen -f -X '!*.[zZ][iI][pP]' -- "$cur")
                    fi
                    ;;
                list|fetch)
                    (( npos == 0 )) &&
                        _mpsupport_reply < <(compgen -W "$(_mpsupport_stored_modules "$prog")" -- "$cur")
                    ;;
                sign)
                    if (( npos == 0 )); then
                        _mpsupport_filenames
                        _mpsupport_reply < <(compgen -d -- "$cur"; compgen -f -X '!*.[zZ][iI][pP]' -- "$cur")
                    fi
                    ;;
                import-core)
                    if (( npos == 0 )); then
                        _mpsupport_filenames
                        _mpsupport_reply < <(compgen -d -- "$cur"; compgen -f -X '!*.[xX][mM][lL]' -- "$cur")
                    fi
                    ;;
                show)
                    if (( npos == 0 )); then
                        _mpsupport_reply < <(compgen -W "$(_mpsupport_stored_modules "$prog")" -- "$cur")
                    elif (( npos == 1 )); then
                        _mpsupport_reply < <(compgen -W "$(_mpsupport_stored_versions "$prog" "$pos1")" -- "$cur")
                    fi
                    ;;
            esac
            ;;
        config)
            case $sub in
                "")
                    _mpsupport_reply < <(compgen -W "path list get set init" -- "$cur")
                    ;;
                get|set)
                    (( npos == 0 )) &&
                        _mpsupport_reply < <(compgen -W "$(_mpsupport_config_keys "$prog")" -- "$cur")
                    ;;
            esac
            ;;
        completion)
            [[ -z $sub ]] && _mpsupport_reply < <(compgen -W "bash zsh fish" -- "$cur")
            ;;
    esac
    return 0
}

complete -F _mpsupport mpsupport
