#!/usr/bin/env bash
# Installs what is missing, builds Vigil (release), and runs the demo channel:
# a built-in test source through a small ABR ladder, served as LL-HLS, HLS
# and DASH with a viewer page, in the master-control console when there is a
# display (headless, with a message saying so, when there is none). Ctrl-C
# or closing the console stops it.
#
#   VIGIL_HTTP=0.0.0.0:8080 scripts/demo.sh     # listen elsewhere (default 127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release

# The viewer page at / loads hls.js and dash.js from here.
players=build/release/player
mkdir -p "$players"
cp tests/e2e/players/node_modules/hls.js/dist/hls.min.js "$players/"
cp tests/e2e/players/node_modules/dashjs/dist/modern/umd/dash.all.min.js "$players/"

http=${VIGIL_HTTP:-127.0.0.1:8080}
echo
echo "Vigil demo: open http://${http}/ in a browser (LL-HLS, HLS or DASH)."
echo "Players and ffprobe can use the URLs printed below. Ctrl-C stops the engine."
echo
exec build/release/app/vigil --demo --http "$http" --data build/release/demo-data --player-dir "$players" "$@"
