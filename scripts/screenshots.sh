#!/usr/bin/env bash
# Screenshots of the console for the README, taken on a real X server (Xvfb):
# the wall, a channel view and the channel editor, over an embedded engine
# running two demo channels and a channel fed over RTMP by the ffmpeg CLI on
# its backup input only (its primary SRT input unpublished: on air from the
# backup, an input alarm open), plus one whose only input is silent (slate).
#   scripts/screenshots.sh [OUT_DIR]     (default docs/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs}
build=${VIGIL_BUILD:-build/dev}
cmake --build "$build" --target vigil vigil-pipeline >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; pkill -f "rtmp://$rtmp/news" || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

http=127.0.0.1:18080 srt=127.0.0.1:19000 rtmp=127.0.0.1:19350
cat > "$work/console.json" <<JSON
{
  "srt": {"listen": "$srt"}, "rtmp": {"listen": "$rtmp"},
  "channels": [
    {"id": "news", "name": "News 24", "ladder": "demo", "redundancy": {"mode": "single"},
     "inputs": [{"id": "primary", "type": "srt", "passphrase": "screenshot-secret"},
                {"id": "backup", "type": "rtmp", "key": "backup-key"}]},
    {"id": "sport", "name": "Sport", "ladder": "demo", "redundancy": {"mode": "single"},
     "inputs": [{"id": "primary", "type": "srt"}]}
  ]
}
JSON

display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1600x960x24 -nolisten tcp >/dev/null 2>&1 &
sleep 1
# The backup's encoder, reconnecting whenever the engine is (re)started.
while true; do
  ffmpeg -nostdin -loglevel error -re -f lavfi -i "testsrc2=size=640x360:rate=30" -f lavfi -i "sine=frequency=440" \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 60 -c:a aac -f flv \
    "rtmp://$rtmp/news/backup-key" >/dev/null 2>&1 || true
  sleep 0.5
done &

shoot() {  # name, seconds to settle, vigil arguments...
  local name=$1 settle=$2
  shift 2
  DISPLAY=$display "$build/app/vigil" --config "$work/console.json" --demo-channels 2 --http "$http" \
    --data "$work/data" --operator alice --log-level warn "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  sleep "$settle"
  DISPLAY=$display import -window root "$out/console-$name.png"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$out/console-$name.png"
}
shoot wall 20
shoot channel 25 --open news
shoot editor 12 --edit news
