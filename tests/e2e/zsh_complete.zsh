# What zsh completion offers: zsh -f zsh_complete.zsh COMPDIR OUT WORD... (the last word is
# the one being typed; pass "" to complete a new word). Candidates go to OUT, one per line.
compdir=$1 out=$2
shift 2
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=($compdir \$fpath); autoload -Uz compinit; compinit -u -D"
# Record every candidate the completion functions add.
zpty -w z "compadd() { local -a h; builtin compadd -O h \"\$@\"; print -rl -- \$h >> $out; }"
zpty -n -w z "$*"$'\t'
# zle skips work while typeahead is pending: wait for the first candidates (at most 20 s, for
# a loaded machine; there may be none), give the rest a moment, then Ctrl-U drops the typed
# line and the marker file says the shell is done.
for i in {1..200}; do
  [[ -e $out ]] && break
  sleep 0.1
done
sleep 0.3
zpty -w z $'\x15'"print -r done > $out.done"
for i in {1..200}; do
  [[ -e $out.done ]] && break
  sleep 0.1
done
zpty -d z
[[ -e $out.done ]]
