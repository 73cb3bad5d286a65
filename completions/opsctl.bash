# bash completion for opsctl (installed as PREFIX/share/bash-completion/completions/opsctl).
# Job ids come from the job config: --config-file, else STATE/net/config/ops-jobs.json with
# STATE from --state-dir, OPENCLAW_STATE_DIR, OPENCLAW_HOME or ~/.openclaw.

_opsctl_job_ids() {
  local config="" state="" i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    case "${COMP_WORDS[i]}" in
      --config-file) config="${COMP_WORDS[i + 1]}" ;;
      --state-dir) state="${COMP_WORDS[i + 1]}" ;;
    esac
  done
  if [[ -z "$config" ]]; then
    [[ -z "$state" ]] && state="${OPENCLAW_STATE_DIR:-${OPENCLAW_HOME:-$HOME/.openclaw}}"
    config="${state/#\~/$HOME}/net/config/ops-jobs.json"
  fi
  [[ -r "${config/#\~/$HOME}" ]] || return 0
  grep -o '"id"[[:space:]]*:[[:space:]]*"[^"]*"' "${config/#\~/$HOME}" 2>/dev/null |
    sed 's/.*"\([^"]*\)"$/\1/'
}

_opsctl() {
  local cur prev cmd="" i
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD - 1]}"
  local commands="status tick start stop run approve enqueue mute unmute reload reexec logs audit validate-config selftest version"
  local global="--socket --state-dir --config-file --json --help"

  case "$prev" in
    --state-dir)
      COMPREPLY=($(compgen -d -- "$cur"))
      return ;;
    --config-file | --socket)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --ttl | --note | --not-before | -n | --lines | --target | --width)
      return ;;
  esac

  local positionals=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      --socket | --state-dir | --config-file | --ttl | --note | --not-before | -n | --lines | --target | --width)
        ((i++)) ;;
      -*) ;;
      *)
        if [[ -z "$cmd" ]]; then cmd="${COMP_WORDS[i]}"; else ((positionals++)); fi ;;
    esac
  done

  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W "$global --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi

  local opts=""
  case "$cmd" in
    status) opts="--json --width" ;;
    tick) opts="--print-only --dry-run" ;;
    start) opts="--allow-risk" ;;
    run) opts="--dry-run --wait --timeout --timeout-seconds" ;;
    approve) opts="--ttl --note" ;;
    enqueue) opts="--not-before" ;;
    mute) opts="--for --note" ;;
    logs) opts="-n --lines -f --follow" ;;
    audit) opts="-n --lines" ;;
    selftest) opts="--target" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
    return
  fi
  ((positionals > 0)) && return
  case "$cmd" in
    status | start | stop | run | approve | enqueue | mute | unmute | logs)
      COMPREPLY=($(compgen -W "$(_opsctl_job_ids)" -- "$cur")) ;;
  esac
}

complete -F _opsctl opsctl
