#!/usr/bin/env bash
# Ingest CPU per input at 6 Mb/s: Vigil's contribution input against the
# ffmpeg CLI receiving and decoding the same feed.
#
#   bench/ingest_cpu.sh [--build build/release] [--seconds 20] [--protocol srt|rtmp|both] [--runs 3]
#
# A 1080p30 H.264 clip at 6 Mb/s (+ AAC 128 kb/s) is made once (cached in
# /tmp/vigil-bench-media), then published in real time with `ffmpeg -re
# -stream_loop -1 -c copy` to each receiver in turn: vigil-ingest-bench (the
# listener, demux and decode of one input, frames thrown away) and `ffmpeg
# -i <listener URL> -f null -` (demux and decode too). Each receiver's CPU
# (utime + stime from /proc) is sampled over the same window, from 5 s after
# the publisher started to 5 + --seconds. Prints cores used by each and the
# ratio ffmpeg / Vigil (above 1: Vigil is cheaper). Loopback only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" seconds=20 protocol=both runs=3
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --protocol) protocol=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 5 && $seconds -le 600 ]] || { echo "--seconds must be 5..600" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 20 ]] || { echo "--runs must be 1..20" >&2; exit 2; }
case $protocol in srt|rtmp) protocols=("$protocol") ;; both) protocols=(srt rtmp) ;; *) echo "--protocol srt|rtmp|both" >&2; exit 2 ;; esac
bench="$build/bench/vigil-ingest-bench"
[[ -x $bench ]] || { echo "build first: cmake --build $build --target vigil-ingest-bench ($bench missing)" >&2; exit 2; }

media=/tmp/vigil-bench-media
mkdir -p "$media"
clip="$media/1080p30-6M.ts"
if [[ ! -s $clip ]]; then
  echo "making $clip (once)..." >&2
  ffmpeg -v error -f lavfi -i testsrc2=size=1920x1080:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t 30 -c:v libx264 -preset veryfast -b:v 6M -maxrate 6M -bufsize 6M -g 60 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -f mpegts -y "$clip.tmp" && mv "$clip.tmp" "$clip"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, int(sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }

# measure <receiver pid> <publish URL> <container>: cores used by the receiver over the window.
measure() {
  local rpid=$1 url=$2 fmt=$3
  ffmpeg -v error -re -stream_loop -1 -i "$clip" -c copy -f "$fmt" "$url" >/dev/null 2>&1 &
  local ppid=$!
  pids+=("$ppid")
  sleep 5
  local t0 c0 t1 c1
  t0=$(date +%s.%N); c0=$(ticks "$rpid")
  sleep "$seconds"
  t1=$(date +%s.%N); c1=$(ticks "$rpid")
  kill "$ppid" 2>/dev/null || true
  wait "$ppid" 2>/dev/null || true
  python3 -c "print(f'{($c1 - $c0) / $hz / ($t1 - $t0):.4f}')"
}

for proto in "${protocols[@]}"; do
  for ((r = 1; r <= runs; r++)); do
    if [[ $proto == srt ]]; then
      port=$(free_port 2); fmt=mpegts
      vurl="srt://127.0.0.1:$port?streamid=bench/in"
      furl="srt://127.0.0.1:$port?mode=listener"
    else
      port=$(free_port 1); fmt=flv
      vurl="rtmp://127.0.0.1:$port/bench/benchkey1"
      furl="rtmp://127.0.0.1:$port/bench/benchkey1"
    fi
    "$bench" --protocol "$proto" --port "$port" --seconds $((seconds + 30)) >/tmp/vigil-ingest-bench.out 2>&1 &
    vpid=$!; pids+=("$vpid")
    sleep 0.5
    vigil=$(measure "$vpid" "$vurl" "$fmt")
    kill "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true

    if [[ $proto == srt ]]; then
      ffmpeg -v error -i "$furl" -f null - >/dev/null 2>&1 &
    else
      ffmpeg -v error -listen 1 -i "$furl" -f null - >/dev/null 2>&1 &
    fi
    fpid=$!; pids+=("$fpid")
    sleep 0.5
    ff=$(measure "$fpid" "$vurl" "$fmt")
    kill "$fpid" 2>/dev/null || true; wait "$fpid" 2>/dev/null || true
    python3 -c "v, f = $vigil, $ff; print(f'$proto run $r: Vigil {v:.3f} cores, ffmpeg CLI {f:.3f} cores, ratio ffmpeg/Vigil {f / v if v else float(\"nan\"):.2f}')"
  done
done
