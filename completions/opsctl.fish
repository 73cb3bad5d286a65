# fish completion for opsctl (installed as PREFIX/share/fish/vendor_completions.d/opsctl.fish).
# Job ids come from the job config: --config-file, else STATE/net/config/ops-jobs.json with
# STATE from --state-dir, OPENCLAW_STATE_DIR, OPENCLAW_HOME or ~/.openclaw.

# Options that take a value: their next word is not the command.
set -g __opsctl_valued --socket --state-dir --config-file --ttl --note --not-before -n --lines --target --width

# Prints the command and the words after it (the words typed so far, without options).
function __opsctl_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
        else if contains -- $t $__opsctl_valued
            set skip 1
        else if not string match -q -- '-*' $t
            echo $t
        end
    end
end

function __opsctl_needs_command
    test (count (__opsctl_words)) -eq 0
end

# True when the command is one of $argv.
function __opsctl_using
    set -l words (__opsctl_words)
    test (count $words) -ge 1; and contains -- $words[1] $argv
end

# True when the command takes a job id and none was given yet.
function __opsctl_wants_job
    set -l words (__opsctl_words)
    test (count $words) -eq 1; and contains -- $words[1] status start stop run approve enqueue mute unmute logs
end

function __opsctl_job_ids
    set -l tokens (commandline -opc)
    set -l config ""
    set -l state ""
    for i in (seq 2 (math (count $tokens) - 1))
        switch $tokens[$i]
            case --config-file
                set config $tokens[(math $i + 1)]
            case --state-dir
                set state $tokens[(math $i + 1)]
        end
    end
    if test -z "$config"
        if test -z "$state"
            if set -q OPENCLAW_STATE_DIR
                set state $OPENCLAW_STATE_DIR
            else if set -q OPENCLAW_HOME
                set state $OPENCLAW_HOME
            else
                set state ~/.openclaw
            end
        end
        set config "$state/net/config/ops-jobs.json"
    end
    set config (string replace -r '^~' -- $HOME $config)
    test -r "$config"; or return 0
    string match -a -r -g -- '"id"\s*:\s*"([^"]*)"' <$config
end

complete -c opsctl -f
complete -c opsctl -l socket -r -F -d 'opsd control socket'
complete -c opsctl -l state-dir -x -a '(__fish_complete_directories)' -d 'state directory'
complete -c opsctl -l config-file -r -F -d 'job config'
complete -c opsctl -l json -d 'machine-readable output'
complete -c opsctl -s h -l help -d 'show help'
complete -c opsctl -n __opsctl_needs_command -l version -d "print opsctl's version and exit"

complete -c opsctl -n __opsctl_needs_command -a status -d 'show jobs, queue and outbox'
complete -c opsctl -n __opsctl_needs_command -a tick -d 'probe every job now, run due queue items, report'
complete -c opsctl -n __opsctl_needs_command -a start -d 'start a long_running_read job'
complete -c opsctl -n __opsctl_needs_command -a stop -d 'stop a job (it stays stopped until started)'
complete -c opsctl -n __opsctl_needs_command -a run -d 'run a one-shot job now (write jobs need an approval)'
complete -c opsctl -n __opsctl_needs_command -a approve -d 'approve one run of a write job'
complete -c opsctl -n __opsctl_needs_command -a enqueue -d 'queue a one-shot read job'
complete -c opsctl -n __opsctl_needs_command -a mute -d "hold a job's reminders and routine reports for a while"
complete -c opsctl -n __opsctl_needs_command -a unmute -d "end a job's mute"
complete -c opsctl -n __opsctl_needs_command -a reload -d 're-read the config, apply only the difference'
complete -c opsctl -n __opsctl_needs_command -a reexec -d 'upgrade in place: opsd re-executes its binary'
complete -c opsctl -n __opsctl_needs_command -a logs -d "show a job's output log"
complete -c opsctl -n __opsctl_needs_command -a audit -d 'show the audit log'
complete -c opsctl -n __opsctl_needs_command -a validate-config -d 'check the job config (no daemon needed)'
complete -c opsctl -n __opsctl_needs_command -a selftest -d 'check the installation (no daemon needed)'
complete -c opsctl -n __opsctl_needs_command -a version -d "print opsctl's version and the running opsd's"

complete -c opsctl -n '__opsctl_using status' -l width -x -d 'fit the table into N columns'
complete -c opsctl -n '__opsctl_using tick' -l print-only -d 'return the message instead of sending'
complete -c opsctl -n '__opsctl_using tick run' -l dry-run -d 'decide without acting'
complete -c opsctl -n '__opsctl_using start' -l allow-risk -d 'allow a job whose risk is not read_only'
complete -c opsctl -n '__opsctl_using approve' -l ttl -x -d 'approval lifetime: 30s, 10m, 1h, 2d'
complete -c opsctl -n '__opsctl_using approve' -l note -x -d 'why (recorded in the audit log)'
complete -c opsctl -n '__opsctl_using enqueue' -l not-before -x -d 'ISO 8601 time or a delay'
complete -c opsctl -n '__opsctl_using mute' -l for -x -d 'how long: 30m, 2h, 1d'
complete -c opsctl -n '__opsctl_using mute' -l note -x -d 'why (shown in status, recorded in the audit log)'
complete -c opsctl -n '__opsctl_using logs audit' -s n -l lines -x -d 'number of lines'
complete -c opsctl -n '__opsctl_using logs' -s f -l follow -d 'keep printing new output'
complete -c opsctl -n '__opsctl_using selftest' -l target -x -d 'Telegram chat id to check'

complete -c opsctl -n __opsctl_wants_job -a '(__opsctl_job_ids)' -d job
