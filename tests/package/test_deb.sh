#!/usr/bin/env bash
# The Debian package as an operator gets it: builds it (dev/package), checks what it holds,
# installs it with `apt install ./opsd_*.deb`, runs the installed opsctl (--version,
# selftest), finds the man pages, then removes it and checks that nothing is left.
# Run as root on a disposable Debian 12 machine (CI): it installs and removes the package
# opsd, and installs man-db when missing. Exit 0 when every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() {
  echo "test_deb: FAIL: $*" >&2
  exit 1
}
ok() { echo "test_deb: ok: $*"; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs and removes the package opsd"
installed() { dpkg-query -W -f='${Status}' opsd 2>/dev/null | grep -q "^install ok installed"; }
if installed; then
  fail "the package opsd is already installed; remove it first (apt remove opsd)"
fi
export DEBIAN_FRONTEND=noninteractive
dpkg-query -W -f='${Status}' man-db 2>/dev/null | grep -q "install ok installed" ||
  apt-get install -y -qq --no-install-recommends man-db >/dev/null

deb=$(dev/package | tail -n 1)
[ -f "$deb" ] || fail "dev/package made no .deb ($deb)"
ok "built $(basename "$deb")"
work=$(mktemp -d)
cleanup() {
  if installed; then
    apt-get purge -y -qq opsd >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# What the package holds: every file in its standard place.
dpkg -c "$deb" | awk '{print $NF}' >"$work/contents"
expected=(
  ./usr/bin/opsd ./usr/bin/opsctl
  ./usr/lib/systemd/system/opsd.service ./usr/lib/systemd/user/opsd.service
  ./usr/share/opsd/config-examples/ops-jobs.json
  ./usr/share/opsd/config-examples/ops-jobs.example.json
  ./usr/share/opsd/config-examples/ops-jobs.schema.json
  ./usr/share/opsd/launchd/ai.openclaw.opsd.plist
  ./usr/share/bash-completion/completions/opsctl
  ./usr/share/zsh/vendor-completions/_opsctl
  ./usr/share/fish/vendor_completions.d/opsctl.fish
  ./usr/share/man/man1/opsctl.1.gz ./usr/share/man/man8/opsd.8.gz
  ./usr/share/doc/opsd/README.md
)
for f in "${expected[@]}"; do
  grep -qxF "$f" "$work/contents" || fail "dpkg -c does not list $f"
done
if grep -E '^\./(etc|var|home|root|tmp|usr/local)/' "$work/contents"; then
  fail "the package has files outside /usr (above)"
fi
ok "dpkg -c lists the ${#expected[@]} expected files"

# Dependencies come from dpkg-shlibdeps; no maintainer script starts or enables anything.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libssl3 libboost-json1.81.0; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
ok "Depends: $depends"
dpkg-deb -e "$deb" "$work/control"
for script in preinst postinst prerm postrm; do
  [ ! -e "$work/control/$script" ] || fail "the package has a $script script"
done
ok "no maintainer scripts"

# Install as an operator does. A minimal image may tell dpkg to drop man pages; this test
# is about the package, so it keeps them.
apt_opts=()
if grep -qs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
  apt_opts=(-o 'DPkg::Options::=--path-include=/usr/share/man/*')
fi
apt install -y -qq "${apt_opts[@]}" "$deb" >"$work/apt.log" 2>&1 || {
  cat "$work/apt.log" >&2
  fail "apt install $deb"
}
ok "apt install ./$(basename "$deb")"
[ "$(command -v opsctl)" = /usr/bin/opsctl ] || fail "opsctl is not /usr/bin/opsctl"
version=$(dpkg-deb -f "$deb" Version)
[ "$(opsctl --version)" = "opsctl $version" ] || fail "opsctl --version: $(opsctl --version)"
[ "$(opsd --version)" = "opsd $version" ] || fail "opsd --version: $(opsd --version)"
ok "opsctl --version and opsd --version print $version"
grep -qE '^ExecStart=/usr/bin/opsd( |$)' /usr/lib/systemd/system/opsd.service ||
  fail "the system unit does not start /usr/bin/opsd"
if ls /etc/systemd/system/*.wants/opsd.service /etc/systemd/user/*.wants/opsd.service \
  2>/dev/null; then
  fail "installing the package enabled the service (above)"
fi
ok "units name /usr/bin/opsd and are not enabled"

# selftest with a state dir made from the installed example, no Telegram configured: it
# checks the config and only warns about the missing openclaw.json.
state="$work/state"
mkdir -p "$state/net/config"
cp /usr/share/opsd/config-examples/ops-jobs.json "$state/net/config/"
env -u OPENCLAW_CONFIG_PATH -u TELEGRAM_BOT_TOKEN opsctl --state-dir "$state" selftest \
  >"$work/selftest.out" 2>&1 || {
  cat "$work/selftest.out" >&2
  fail "opsctl selftest"
}
grep -q '^\[ok\]' "$work/selftest.out" || fail "selftest printed no [ok] line"
ok "opsctl selftest passes"

[ "$(man -w opsctl)" = /usr/share/man/man1/opsctl.1.gz ] || fail "man -w opsctl: $(man -w opsctl)"
[ "$(man -w 8 opsd)" = /usr/share/man/man8/opsd.8.gz ] || fail "man -w 8 opsd"
man -P cat opsctl 2>/dev/null | grep -q "control opsd" || fail "man opsctl does not render"
ok "man -w opsctl: $(man -w opsctl)"
if command -v fish >/dev/null; then
  # Not --no-config: that also leaves fish's completion path empty.
  HOME="$work" fish -c 'complete -C "opsctl sta"' | grep -q '^status' ||
    fail "fish does not complete opsctl from the installed completion"
  ok "fish completes opsctl"
fi

# Removal leaves none of the package's files behind.
apt-get remove -y -qq opsd >/dev/null 2>&1 || fail "apt-get remove opsd"
! installed || fail "opsd is still installed"
while read -r f; do
  p="${f#.}"
  [ -n "$p" ] && [ "$p" != / ] || continue
  if [ -f "$p" ] || [ -L "$p" ]; then fail "$p is left after apt remove"; fi
done <"$work/contents"
[ ! -e /usr/share/opsd ] || fail "/usr/share/opsd is left after apt remove"
ok "apt remove leaves nothing behind"
echo "test_deb: all checks passed"
