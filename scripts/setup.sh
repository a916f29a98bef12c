#!/usr/bin/env bash
# Prepares a machine to build and run TokenSkip.Agents. Idempotent: every step checks first and
# only acts when something is missing, and says what it does.
#
#  1. .NET 10 SDK: uses the one on PATH; otherwise installs it (Ubuntu's archive when it has
#     dotnet-sdk-10.0, else Microsoft's dotnet-install.sh into ~/.dotnet).
#  2. C++ runtime for TorchSharp: TorchSharp 0.107's native library needs GLIBCXX_3.4.32 (GCC 13's
#     libstdc++). Debian 12 ships GCC 12's. On such a system this adds Debian 13 (trixie) as an apt
#     source pinned at priority 100 (so nothing else is ever upgraded from it) and installs only
#     libstdc++6 (and what it strictly needs) from there.
#  3. A font for plots: `tokenskip eval` draws results.png with ScottPlot/SkiaSharp, which reads fonts from
#     /usr/share/fonts; without any, the plot renders with no text. Installs fonts-dejavu-core when none is there.
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else say "need root for: $*"; exit 1; fi; }

# --- 1. .NET SDK ---------------------------------------------------------------------------------
ensure_dotnet() {
  if [ -x "$HOME/.dotnet/dotnet" ] && ! command -v dotnet >/dev/null; then export PATH="$HOME/.dotnet:$PATH"; fi
  if command -v dotnet >/dev/null && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
    say ".NET SDK $(dotnet --version) found: nothing to install."
    return
  fi
  say ".NET 10 SDK not found."
  if command -v apt-get >/dev/null && apt-cache show dotnet-sdk-10.0 >/dev/null 2>&1; then
    say "installing dotnet-sdk-10.0 from the distribution's archive (apt-get install dotnet-sdk-10.0)."
    as_root apt-get install -y --no-install-recommends dotnet-sdk-10.0
  else
    say "installing the .NET 10 SDK into ~/.dotnet with Microsoft's dotnet-install.sh."
    command -v curl >/dev/null || as_root apt-get install -y --no-install-recommends curl ca-certificates
    curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
    bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet"
    export PATH="$HOME/.dotnet:$PATH"
    say "add ~/.dotnet to PATH in your shell profile to use 'dotnet' directly."
  fi
}

# --- 2. libstdc++ for TorchSharp -----------------------------------------------------------------
libstdcxx_path() {
  for p in /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 \
           /lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
    [ -e "$p" ] && { echo "$p"; return; }
  done
}

has_glibcxx_3_4_32() {
  local lib; lib=$(libstdcxx_path)
  [ -n "$lib" ] && grep -aq 'GLIBCXX_3\.4\.32' "$lib"
}

ensure_libstdcxx() {
  if has_glibcxx_3_4_32; then
    say "libstdc++ provides GLIBCXX_3.4.32 ($(libstdcxx_path)): TorchSharp's runtime needs nothing."
    return
  fi
  say "libstdc++ lacks GLIBCXX_3.4.32, which TorchSharp 0.107 (libtorch 2.10) needs."
  . /etc/os-release
  if [ "${ID:-}" != "debian" ] || [ "${VERSION_ID:-}" != "12" ]; then
    say "this is ${PRETTY_NAME:-an unknown system}: install a libstdc++ from GCC 13 or newer, then rerun."
    exit 1
  fi
  local mirror
  mirror=$(grep -hoE '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
           | grep -v security | awk '{print $2}' | head -n1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  say "adding Debian 13 (trixie) from $mirror as /etc/apt/sources.list.d/tokenskip-trixie.sources,"
  say "pinned at priority 100 in /etc/apt/preferences.d/tokenskip-trixie so nothing else upgrades from it."
  as_root tee /etc/apt/sources.list.d/tokenskip-trixie.sources >/dev/null <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  as_root tee /etc/apt/preferences.d/tokenskip-trixie >/dev/null <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  say "apt-get update && apt-get install -t trixie libstdc++6"
  as_root apt-get update -qq
  local log=/tmp/tokenskip-setup-apt.log
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq -t trixie libstdc++6 >"$log" 2>&1 \
    || { cat "$log"; say "apt-get install failed (log above)."; exit 1; }
  say "packages taken from trixie (libstdc++6 and the runtime libraries it requires; log: $log):"
  grep -oE '^Unpacking [^ ]+ \([^)]*\)' "$log" | sed 's/^Unpacking /[setup]   /' || true
  if has_glibcxx_3_4_32; then say "done: libstdc++6 $(dpkg-query -W -f='${Version}' libstdc++6) installed."
  else say "libstdc++6 from trixie did not provide GLIBCXX_3.4.32"; exit 1; fi
}

# --- 3. a font for evaluation plots ----------------------------------------------------------------
ensure_font() {
  if [ -n "$(find /usr/share/fonts -name '*.ttf' -print -quit 2>/dev/null)" ]; then
    say "a TrueType font is installed under /usr/share/fonts: evaluation plots have text."
    return
  fi
  if ! command -v apt-get >/dev/null; then
    say "no font under /usr/share/fonts and no apt-get: evaluation plots will have no text (install any .ttf font)."
    return
  fi
  say "no font under /usr/share/fonts: installing fonts-dejavu-core so evaluation plots have text."
  as_root apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null 2>&1 \
    || { as_root apt-get update -qq && as_root apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null; }
}

ensure_dotnet
ensure_libstdcxx
ensure_font
