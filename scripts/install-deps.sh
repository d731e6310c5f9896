#!/usr/bin/env bash
# Installs what Vigil needs from Debian 12 packages (and the player-test tools
# from npm). Idempotent: does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev libswscale-dev libswresample-dev
  ffmpeg fonts-dejavu-core
  libsrt-gnutls-dev srt-tools
  libspdlog-dev libfmt-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libssl-dev
  libboost-dev libboost-system-dev liburing-dev
  qt6-base-dev qt6-multimedia-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6opengl6-dev libxkbcommon-dev qt6-qpa-plugins
  xvfb xauth imagemagick
  nginx-light wrk bc time
  chromium nodejs npm
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nginx: any flavour will do.
if [[ " ${missing[*]} " == *" nginx-light "* ]] && command -v nginx >/dev/null; then
  missing=("${missing[@]/nginx-light}")
fi
# node/npm may come from elsewhere than Debian; accept any working install.
for tool in nodejs:node npm:npm; do
  pkg=${tool%%:*}; bin=${tool##*:}
  if command -v "$bin" >/dev/null; then missing=("${missing[@]/$pkg}"); fi
done
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Player tests: hls.js, dash.js and playwright-core from npm (Chromium itself is Debian's).
# Reinstalled whenever the lock file changes.
players=tests/e2e/players
lock_sum=$(sha256sum "$players/package-lock.json" | cut -d' ' -f1)
if [[ "$(cat "$players/node_modules/.lock-sum" 2>/dev/null)" != "$lock_sum" ]]; then
  "$players/install.sh" --loglevel=error
  echo "$lock_sum" > "$players/node_modules/.lock-sum"
fi
