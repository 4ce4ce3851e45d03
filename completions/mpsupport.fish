# fish completion for mpsupport.
#
# Installed as share/fish/vendor_completions.d/mpsupport.fish (fish loads it on demand).
# Without it, load it by hand, e.g. in ~/.config/fish/config.fish:
#     mpsupport completion fish | source

# __mpsupport_operands: the words typed after the program that are not flags nor flag
# values: the command, its subcommand, then positional arguments.
function __mpsupport_operands
    set -l words (commandline -opc)
    set -e words[1]
    set -l operands
    set -l skip 0
    for word in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $word
            case --config --log-file --timeout --jq --at --warn-days --thresholds --limit --max-per-minute --expiring-within
                set skip 1
            case --known-hosts --identity --exec-hash --ssh-client --ssh-config --connections
                if test "$operands[1]" = verify; or test "$operands[1]" = diagnose
                    set skip 1
                end
            case --url --admin --files --sftp --only --bundle --order --admin-email --log-tail
                if test "$operands[1]" = diagnose
                    set skip 1
                else if test "$operands[1]" = ticket; and contains -- $word --url --admin --bundle --order
                    set skip 1
                end
            case --summary --message --message-file --email --admin-access --files-access --sftp-access --via --contact-subject
                if test "$operands[1]" = ticket
                    set skip 1
                end
            case --key --url
                if test "$operands[1]" = pristine
                    set skip 1
                end
            case --module --version
                # Values only for `verify`, `diagnose`, `pristine add` and `ticket` (top-level --version has none).
                if test "$operands[1]" = verify; or test "$operands[1]" = diagnose; or test "$operands[1] $operands[2]" = "pristine add"; or test "$operands[1]" = ticket
                    set skip 1
                end
            case '-*'
            case '*'
                set -a operands $word
        end
    end
    for operand in $operands
        echo $operand
    end
end

# __mpsupport_at N WORD...: exactly N operands are typed and they begin with WORD...
function __mpsupport_at
    set -l want $argv[1]
    set -e argv[1]
    set -l have (__mpsupport_operands)
    test (count $have) -eq $want; or return 1
    set -l i 1
    for word in $argv
        test "$have[$i]" = "$word"; or return 1
        set i (math $i + 1)
    end
    return 0
end

# __mpsupport_in WORD...: the operands begin with WORD... (more may follow).
function __mpsupport_in
    set -l have (__mpsupport_operands)
    test (count $have) -ge (count $argv); or return 1
    set -l i 1
    for word in $argv
        test "$have[$i]" = "$word"; or return 1
        set i (math $i + 1)
    end
    return 0
end

# __mpsupport_program: the mpsupport being completed, as typed.
function __mpsupport_program
    set -l words (commandline -opc)
    echo $words[1]
end

function __mpsupport_stored_modules
    set -l prog (__mpsupport_program)
    command -q $prog; or return 0
    command $prog --no-input --json pristine list 2>/dev/null </dev/null | string replace -rf '^\s*"module": "([^"]*)",?$' '$1' | sort -u
end

# __mpsupport_stored_versions [MODULE]: versions of the module named by the command line.
function __mpsupport_stored_versions
    set -l prog (__mpsupport_program)
    command -q $prog; or return 0
    set -l module $argv[1]
    if test -z "$module"
        set -l words (commandline -opc)
        set -l i (contains -i -- --module $words)
        and set module $words[(math $i + 1)]
    end
    if test -z "$module"
        set -l operands (__mpsupport_operands)
        test "$operands[1]" = verify; and set module (string replace -r '/+$' '' -- $operands[2] | string replace -r '.*/' '')
    end
    test -n "$module"; or return 0
    command $prog --no-input --json pristine list $module 2>/dev/null </dev/null | string replace -rf '^\s*"version": "([^"]*)",?$' '$1'
end

# __mpsupport_verify_modules: for `verify SHOP_ROOT --module`, the installed modules.
function __mpsupport_verify_modules
    set -l operands (__mpsupport_operands)
    set -l dir $operands[2]
    if test -n "$dir"; and test -d "$dir/modules"
        for entry in $dir/modules/*/
            basename $entry
        end
    else
        __mpsupport_stored_modules
    end
end

# __mpsupport_stores: the [stores.NAME] profiles of the configuration.
function __mpsupport_stores
    set -l prog (__mpsupport_program)
    command -q $prog; or return 0
    $prog --no-input config list 2>/dev/null </dev/null | string replace -rf '^stores\.([A-Za-z0-9_-]+)\..*' '$1' | sort -u
end

# __mpsupport_diagnose_only: check groups and ids for diagnose --only.
function __mpsupport_diagnose_only
    printf '%s\n' storefront admin files logs core
    set -l prog (__mpsupport_program)
    command -q $prog; or return 0
    $prog --no-input diagnose --list-checks 2>/dev/null </dev/null | string replace -r ' .*' ''
end

function __mpsupport_config_keys
    set -l prog (__mpsupport_program)
    command -q $prog; or return 0
    command $prog --no-input config list 2>/dev/null </dev/null | string replace -rf '^([A-Za-z0-9_.-]+) = .*' '$1'
end

# __mpsupport_zips_and_dirs: release archives (*.zip) and folders.
function __mpsupport_zips_and_dirs
    set -l token (commandline -ct)
    __fish_complete_directories "$token" ''
    __fish_complete_suffix "$token" .zip | string match -ri -- '^[^\t]*\.zip(\t.*)?$'
end

complete -c mpsupport -f

# Global flags (accepted before and after the command).
complete -c mpsupport -l config -r -F -d 'Read this configuration file'
complete -c mpsupport -l json -d 'Print one JSON document on stdout'
complete -c mpsupport -l no-color -d 'No colours (also NO_COLOR)'
complete -c mpsupport -s q -l quiet -d 'Print only problems and the verdict'
complete -c mpsupport -s v -l verbose -d 'More log output on stderr (-vv: debug)'
complete -c mpsupport -l log-file -r -F -d 'Also write the debug log to this file'
complete -c mpsupport -l no-input -d 'Never prompt (also MPSUPPORT_NO_INPUT=1)'
complete -c mpsupport -l timeout -x -d 'Seconds to wait for a remote (1-3600, default 30)'
complete -c mpsupport -l insecure -d 'Do not verify TLS certificates (reported loudly)'
complete -c mpsupport -l jq -x -d 'Filter the JSON document with a jq expression (implies --json)'
complete -c mpsupport -s h -l help -d 'Print help'
complete -c mpsupport -n '__mpsupport_at 0' -l version -d 'Print the version'

# Commands.
complete -c mpsupport -n '__mpsupport_at 0' -a diagnose -d 'Check a shop'"'"'s storefront, back office, module files and logs'
complete -c mpsupport -n '__mpsupport_at 0' -a verify -d 'Compare an installed module with its pristine release'
complete -c mpsupport -n '__mpsupport_at 0' -a expiry -d 'Show when support ends for orders'
complete -c mpsupport -n '__mpsupport_at 0' -a remind -d 'E-mail customers whose support ends soon (for cron)'
complete -c mpsupport -n '__mpsupport_at 0' -a orders -d 'Import and inspect the orders ledger'
complete -c mpsupport -n '__mpsupport_at 0' -a ticket -d 'Prepare, send and list support tickets'
complete -c mpsupport -n '__mpsupport_at 0' -a ledger -d 'Move the orders ledger to a shared PostgreSQL database'
complete -c mpsupport -n '__mpsupport_at 0' -a pristine -d 'Store and inspect pristine module releases'
complete -c mpsupport -n '__mpsupport_at 0' -a config -d 'Show and create the configuration file'
complete -c mpsupport -n '__mpsupport_at 0' -a completion -d 'Print a shell completion script'
complete -c mpsupport -n '__mpsupport_at 0' -a help -d 'Print the help of a command'
complete -c mpsupport -n '__mpsupport_at 1 help' -a 'diagnose verify expiry remind orders ticket ledger pristine config completion'

# diagnose [STORE] [--url U] [--admin U] [--files sftp://...|DIR] [--module NAME]... [--only ...] [--bundle F.zip]
complete -c mpsupport -n '__mpsupport_at 1 diagnose' -a '(__mpsupport_stores)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l url -x -d 'Storefront URL'
complete -c mpsupport -n '__mpsupport_in diagnose' -l admin -x -d 'Back-office URL'
complete -c mpsupport -n '__mpsupport_in diagnose' -l files -r -a '(__fish_complete_directories)' -d 'Shop root: an sftp:// address or a folder here'
complete -c mpsupport -n '__mpsupport_in diagnose' -l sftp -x -d 'Old name of --files'
complete -c mpsupport -n '__mpsupport_in diagnose' -l module -x -a '(__mpsupport_stored_modules)' -d 'Module to check (repeatable)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l all-modules -d 'Check every module folder under modules/ of the shop'
complete -c mpsupport -n '__mpsupport_in diagnose' -l only -x -a '(__mpsupport_diagnose_only)' -d 'Only these groups or check ids'
complete -c mpsupport -n '__mpsupport_in diagnose' -l bundle -r -F -d 'Write a support bundle (.zip)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l order -x -d 'Order reference (prefixes the bundle name)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l admin-email -x -d 'Check this employee can log in (MPSUPPORT_ADMIN_PASSWORD)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l log-tail -x -d 'KiB read from the end of each log file'
complete -c mpsupport -n '__mpsupport_in diagnose' -l exec-hash -x -a 'auto never only' -d 'Hash module files on the server'
complete -c mpsupport -n '__mpsupport_in diagnose' -l connections -x -d 'ftp://: at most N control connections (default 4)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l allow-plain-ftp -d 'ftp://: accept a server without TLS'
complete -c mpsupport -n '__mpsupport_in diagnose' -l list-checks -d 'List every check id'
complete -c mpsupport -n '__mpsupport_in diagnose' -l no-fetch -d 'Never download a missing pristine release'
complete -c mpsupport -n '__mpsupport_in diagnose' -l known-hosts -r -F -d 'known_hosts file (default ~/.ssh/known_hosts)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l accept-new-host-key -d 'Record an unknown host key (never a changed one)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l identity -r -F -d 'Private key file (repeatable)'
complete -c mpsupport -n '__mpsupport_in diagnose' -l ssh-client -x -a 'libssh2 openssh' -d 'SSH implementation'
complete -c mpsupport -n '__mpsupport_in diagnose' -l ssh-config -r -F -d 'ssh configuration file (ssh -F, openssh client)'

# verify DIR|file://...|sftp://... [--module NAME | --all] [--version V] [--diff] [--strict]
#        [--known-hosts FILE] [--accept-new-host-key] [--identity FILE]...
complete -c mpsupport -n '__mpsupport_at 1 verify' -a '(__fish_complete_directories (commandline -ct) "")'
complete -c mpsupport -n '__mpsupport_at 1 verify' -a '(__mpsupport_stores)' -d 'Store profile'
complete -c mpsupport -n '__mpsupport_in verify' -l module -x -a '(__mpsupport_verify_modules)' -d 'Module name (DIR is a shop root)'
complete -c mpsupport -n '__mpsupport_in verify' -l all -d 'Shop root: verify every module under modules/'
complete -c mpsupport -n '__mpsupport_in verify' -l version -x -a '(__mpsupport_stored_versions)' -d 'Compare with this stored release'
complete -c mpsupport -n '__mpsupport_in verify' -l diff -d 'Print unified diffs of changed text files'
complete -c mpsupport -n '__mpsupport_in verify' -l strict -d 'Any difference from the release is a finding'
complete -c mpsupport -n '__mpsupport_in verify' -l known-hosts -r -F -d 'known_hosts file for sftp:// (default ~/.ssh/known_hosts)'
complete -c mpsupport -n '__mpsupport_in verify' -l accept-new-host-key -d 'Record an unknown host key (never a changed one)'
complete -c mpsupport -n '__mpsupport_in verify' -l identity -r -F -d 'Private key file for sftp:// (repeatable)'
complete -c mpsupport -n '__mpsupport_in verify' -l ssh-client -x -a 'libssh2 openssh' -d 'SSH implementation for sftp://'
complete -c mpsupport -n '__mpsupport_in verify' -l ssh-config -r -F -d 'ssh configuration file (ssh -F, openssh client)'
complete -c mpsupport -n '__mpsupport_in verify' -l core -d 'Shop root: also compare PrestaShop core files'
complete -c mpsupport -n '__mpsupport_in verify' -l no-fetch -d 'Never download a missing pristine release'
complete -c mpsupport -n '__mpsupport_in verify' -l exec-hash -x -a 'auto never only' -d 'sftp://: hash files on the server (auto, never, only)'
complete -c mpsupport -n '__mpsupport_in verify' -l connections -x -d 'ftp://: at most N control connections (default 4)'
complete -c mpsupport -n '__mpsupport_in verify' -l allow-plain-ftp -d 'ftp://: accept a server without TLS'

# expiry ORDER_REF... [--at DATE] [--warn-days N]
complete -c mpsupport -n '__mpsupport_in expiry' -l at -x -d 'Answer as of this day (YYYY-MM-DD)'
complete -c mpsupport -n '__mpsupport_in expiry' -l warn-days -x -d 'Support ending within N days is expiring'

# remind [--thresholds 30,7,1] [--at DATE] [--dry-run] [--expired] [--limit N] [--max-per-minute N]
complete -c mpsupport -n '__mpsupport_in remind' -l thresholds -x -d 'Days before the end, e.g. 30,7,1'
complete -c mpsupport -n '__mpsupport_in remind' -l at -x -d 'Run as if today were this day (YYYY-MM-DD)'
complete -c mpsupport -n '__mpsupport_in remind' -l dry-run -d 'List what would be sent; send and write nothing'
complete -c mpsupport -n '__mpsupport_in remind' -l expired -d 'Also notify support that ended within 30 days'
complete -c mpsupport -n '__mpsupport_in remind' -l limit -x -d 'Send at most N e-mails'
complete -c mpsupport -n '__mpsupport_in remind' -l max-per-minute -x -d 'Send at most N e-mails per minute'

# orders import|sync|show|list
complete -c mpsupport -n '__mpsupport_at 1 orders' -a import -d 'Import orders from a CSV file (all rows or none)'
complete -c mpsupport -n '__mpsupport_at 1 orders' -a sync -d 'Fetch new and changed orders from the shop webservice'
complete -c mpsupport -n '__mpsupport_at 1 orders' -a show -d 'Show one order, its support windows and reminders'
complete -c mpsupport -n '__mpsupport_at 1 orders' -a list -d 'List module purchases and when their support ends'
complete -c mpsupport -n '__mpsupport_at 2 orders import' -a '(__fish_complete_suffix (commandline -ct) .csv)'
complete -c mpsupport -n '__mpsupport_in orders import' -l skip-bad -d 'Import the good rows and list the bad ones'
complete -c mpsupport -n '__mpsupport_in orders sync' -l full -d 'Fetch every order again'
complete -c mpsupport -n '__mpsupport_in orders show' -l at -x -d 'As of this day (YYYY-MM-DD)'
complete -c mpsupport -n '__mpsupport_in orders list' -l expiring-within -x -d 'Only support ending within N days'
complete -c mpsupport -n '__mpsupport_in orders list' -l at -x -d 'As of this day (YYYY-MM-DD)'

# ledger migrate --to URL [--from FILE]
complete -c mpsupport -n '__mpsupport_at 1 ledger' -a migrate -d 'Copy the local ledger into PostgreSQL'
complete -c mpsupport -n '__mpsupport_in ledger migrate' -l to -x -d 'The PostgreSQL ledger URL, without password'
complete -c mpsupport -n '__mpsupport_in ledger migrate' -l from -r -F -d 'The SQLite ledger to copy'

# ticket draft|open [STORE] [--order REF] ... | list
complete -c mpsupport -n '__mpsupport_at 1 ticket' -a draft -d 'Print the ticket that ticket open would send'
complete -c mpsupport -n '__mpsupport_at 1 ticket' -a open -d 'Send a ticket through the contact form or by e-mail'
complete -c mpsupport -n '__mpsupport_at 1 ticket' -a list -d 'List the tickets sent'
for verb in draft open
    complete -c mpsupport -n "__mpsupport_at 2 ticket $verb" -a '(__mpsupport_stores)'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l order -x -d 'Order reference of the module purchase'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l module -x -d 'Technical name of the module'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l summary -x -d 'One line: what does not work'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l message -x -d 'The description'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l message-file -r -F -d 'Read the description from a file'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l url -x -d 'The store URL'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l admin -x -d 'The back-office URL'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l email -x -d 'Your e-mail address'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l admin-access -x -a 'on-request withheld' -d 'Back-office credentials on request'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l files-access -x -a 'on-request withheld' -d 'FTP or SFTP access on request'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l sftp-access -x -a 'on-request withheld' -d 'Old name of --files-access'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l via -x -a 'form email' -d 'The channel'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l bundle -r -a '(__mpsupport_zips_and_dirs)' -d 'Attach this bundle (.zip)'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l diagnose -d 'Run diagnose now and attach its bundle'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l contact-subject -x -d 'id_contact or name of the form subject'
    complete -c mpsupport -n "__mpsupport_in ticket $verb" -l force -d 'Send even when support expired'
end

# pristine add|list|show
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a add -d 'Store a release (.zip or unpacked folder)'
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a list -d 'List stored releases'
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a show -d 'Show one stored release and its files'
complete -c mpsupport -n '__mpsupport_at 2 pristine add' -a '(__mpsupport_zips_and_dirs)'
complete -c mpsupport -n '__mpsupport_in pristine add' -l module -x -a '(__mpsupport_stored_modules)' -d 'Module name'
complete -c mpsupport -n '__mpsupport_in pristine add' -l version -x -d 'Release version'
complete -c mpsupport -n '__mpsupport_in pristine add' -l replace -d 'Replace a different release of the same version'
complete -c mpsupport -n '__mpsupport_at 2 pristine list' -a '(__mpsupport_stored_modules)'
complete -c mpsupport -n '__mpsupport_at 2 pristine show' -a '(__mpsupport_stored_modules)'
complete -c mpsupport -n '__mpsupport_at 3 pristine show' -a '(__mpsupport_stored_versions (__mpsupport_operands)[3])'
# pristine fetch|import-core|keygen|sign
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a fetch -d 'Download a signed release from the vendor'
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a import-core -d 'Import PrestaShop core checksum list'
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a keygen -d 'Vendor: new Ed25519 release-signing key'
complete -c mpsupport -n '__mpsupport_at 1 pristine' -a sign -d 'Vendor: write RELEASE.zip.sig'
complete -c mpsupport -n '__mpsupport_at 2 pristine fetch' -a '(__mpsupport_stored_modules)'
complete -c mpsupport -n '__mpsupport_at 2 pristine import-core' -a '(__fish_complete_suffix .xml)'
complete -c mpsupport -n '__mpsupport_in pristine import-core' -l url -x -d 'Download the checksum XML from this URL'
complete -c mpsupport -n '__mpsupport_in pristine keygen' -l key -r -F -d 'Private key file to create'
complete -c mpsupport -n '__mpsupport_at 2 pristine sign' -a '(__fish_complete_suffix .zip)'
complete -c mpsupport -n '__mpsupport_in pristine sign' -l key -r -F -d 'Private key file'

# config path|list|get|set|init
complete -c mpsupport -n '__mpsupport_at 1 config' -a path -d 'Print the configuration file in use'
complete -c mpsupport -n '__mpsupport_at 1 config' -a list -d 'Print every effective setting'
complete -c mpsupport -n '__mpsupport_at 1 config' -a get -d 'Print one setting'
complete -c mpsupport -n '__mpsupport_at 1 config' -a set -d 'Change one setting in the configuration file'
complete -c mpsupport -n '__mpsupport_at 1 config' -a init -d 'Write a commented configuration file'
complete -c mpsupport -n '__mpsupport_at 2 config get' -a '(__mpsupport_config_keys)'
complete -c mpsupport -n '__mpsupport_at 2 config set' -a '(__mpsupport_config_keys)'
complete -c mpsupport -n '__mpsupport_in config init' -l force -d 'Overwrite an existing file'

# completion bash|zsh|fish
complete -c mpsupport -n '__mpsupport_at 1 completion' -a 'bash zsh fish' -d 'Shell'
