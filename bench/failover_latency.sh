#!/usr/bin/env bash
# Input failover: switch latency over N failovers, and what they cost the picture.
#
#   bench/failover_latency.sh [--build build/release] [--failovers 20] [--loss-ms 500] [--out results.txt]
#
# One ffmpeg encoder (640x360p30, x264 ultrafast, AAC) feeds a channel twice:
# straight to its backup input over SRT, and to its primary through
# srt-live-transmit relaying the encoder's UDP output. Each round kills the
# relay (the primary path is cut), waits for vigild's "primary -> backup"
# switch, restarts the relay and waits for the return to the primary (hold-off
# 1 s, at a segment boundary). Per failover it records the time from the
# primary's last decoded frame to the switch (vigild's own "no video for N ms")
# and the frames replayed from the backup (frames the primary did not deliver,
# so none was lost), and how long the pictures paused before the backup, the
# same programme, bridged the primary's gap (vigild's "silent for N ms:
# bridging"). Prints min / p50 / p90 / max. Loopback only; builds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" failovers=20 loss=500 out=""
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --failovers) failovers=$2; shift 2 ;;
    --loss-ms) loss=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $failovers =~ ^[0-9]+$ && $failovers -ge 1 && $failovers -le 500 ]] || { echo "--failovers must be 1..500" >&2; exit 2; }
[[ $loss =~ ^[0-9]+$ && $loss -ge 100 && $loss -le 10000 ]] || { echo "--loss-ms must be 100..10000" >&2; exit 2; }
vigild="$build/app/vigild"
[[ -x $vigild ]] || { echo "build first: cmake --build $build --target vigild ($vigild missing)" >&2; exit 2; }
for tool in ffmpeg srt-live-transmit python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-deps.sh)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, int(sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }
srt_port=$(free_port 2)  # SOCK_DGRAM
udp_port=$(free_port 2)
cat >"$work/vigil.json" <<EOF
{"srt": {"listen": "127.0.0.1:$srt_port"},
 "channels": [{"id": "live1",
   "failover": {"loss_ms": $loss, "return_holdoff_ms": 1000},
   "inputs": [{"id": "primary"}, {"id": "backup"}]}]}
EOF
log="$work/vigild.log"
"$vigild" --config "$work/vigil.json" --http 127.0.0.1:0 --data "$work/data" >"$log" 2>&1 &
pids+=($!)

wait_log() {  # pattern, count, timeout seconds
  local deadline=$((SECONDS + $3))
  while (( $(grep -cE "$1" "$log" || true) < $2 )); do
    (( SECONDS < deadline )) || { echo "timed out waiting for '$1' (#$2); log: $log" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.05
  done
}
wait_log "SRT listening on port" 1 10

relay_pid=""
start_relay() {
  srt-live-transmit -q "udp://:$udp_port" "srt://127.0.0.1:$srt_port?streamid=live1/primary&latency=120" \
    >/dev/null 2>&1 &
  relay_pid=$!
  pids+=("$relay_pid")
}
start_relay
ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -c:v libx264 -preset ultrafast -tune zerolatency -g 30 \
  -c:a aac -map 0:v -map 1:a -f tee \
  "[f=mpegts:onfail=ignore]udp://127.0.0.1:$udp_port?pkt_size=1316|[f=mpegts:onfail=ignore]srt://127.0.0.1:$srt_port?streamid=live1/backup&latency=120" \
  >"$work/encoder.log" 2>&1 &
pids+=($!)
sleep 3

count() { grep -cE "$1" "$log" || true; }
wait_log "-> primary:" 1 20  # the primary on air (from the slate, or back from the backup)
for ((i = 1; i <= failovers; i++)); do
  fails=$(count "primary -> backup"); returns=$(count "backup -> primary")
  kill -9 "$relay_pid"
  wait "$relay_pid" 2>/dev/null || true
  wait_log "primary -> backup" $((fails + 1)) 10
  sleep 1
  start_relay
  wait_log "backup -> primary" $((returns + 1)) 20
  sleep 1
done

python3 - "$log" "$failovers" "$loss" <<'EOF' | tee ${out:+"$out"}
import re, sys
log, n, loss = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3])
ms = [int(m) for m in re.findall(r"primary -> backup: loss of signal \(no video for (\d+) ms\)", log)]
replayed = [int(m) for m in re.findall(r"primary -> backup: [^\n]*\((\d+) frames replayed\)", log)]
def q(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
print(f"failovers: {len(ms)} (loss threshold {loss} ms)")
print(f"primary's last frame -> backup on air, ms: min {min(ms)}  p50 {q(ms, .5)}  p90 {q(ms, .9)}  max {max(ms)}")
bridged = [int(m) for m in re.findall(r"primary silent for (\d+) ms: bridging with backup", log)]
if bridged:
    print(f"pictures paused before the backup bridged the gap, ms: min {min(bridged)}  p50 {q(bridged, .5)}  p90 {q(bridged, .9)}  max {max(bridged)}  ({len(bridged)} bridges)")
if replayed:
    print(f"frames replayed from the backup per failover: min {min(replayed)}  p50 {q(replayed, .5)}  max {max(replayed)}")
print(f"returns to the primary: {len(re.findall(r'backup -> primary', log))}")
EOF
