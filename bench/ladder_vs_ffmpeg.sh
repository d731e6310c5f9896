#!/usr/bin/env bash
# Vigil's ladder against the ffmpeg CLI doing the same ladder in one process
# (same source file, presets, bitrates, VBV, keyframe placement), as fast as
# possible. Prints wall seconds, CPU seconds and peak RSS of each (from
# /usr/bin/time), median of N runs, and the ratios ffmpeg/Vigil for speed.
#
#   bench/ladder_vs_ffmpeg.sh [--ladder demo|default] [--runs 3] [--seconds 30] [--build build/release]
#
# demo: a 640x360p30 source through the 3-rung demo ladder.
# default: a 1920x1080p30 source through the product ladder (5 rungs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ladder=demo runs=3 seconds=30 build="$here/../build/release"
while (($#)); do
  case "$1" in
    --ladder) ladder=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench="$build/bench/vigil-ladder-bench"
[[ -x $bench ]] || { echo "build first: cmake --preset release && cmake --build --preset release ($bench missing)" >&2; exit 2; }

work=$(mktemp -d /tmp/vigil-ladder.XXXXXX)
trap 'rm -rf "$work"' EXIT
size=640x360
[[ $ladder == default ]] && size=1920x1080
src="$work/src.mp4"
# A source with motion and detail (testsrc2), encoded fast so decoding is cheap.
ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=$size:rate=30" -f lavfi -i sine=frequency=1000:sample_rate=48000 \
  -t "$seconds" -c:v libx264 -preset ultrafast -g 60 -pix_fmt yuv420p -c:a aac -b:a 128k "$src"

ffcmd=$("$bench" --input "$src" --ladder "$ladder" --print-ffmpeg)

measure() {  # prints "wall cpu maxrss_kb"
  local out="$work/time.txt"
  /usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  awk '{printf "%.3f %.3f %d\n", $1, $2 + $3, $4}' "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$work/vigil" ; : > "$work/ffmpeg"
for ((i = 0; i < runs; i++)); do
  measure "$bench" --input "$src" --ladder "$ladder" >> "$work/vigil"
  measure bash -c "exec $ffcmd" >> "$work/ffmpeg"
done
frames=$((seconds * 30))
report() {  # name file
  local wall cpu rss
  wall=$(cut -d' ' -f1 "$2" | median); cpu=$(cut -d' ' -f2 "$2" | median); rss=$(cut -d' ' -f3 "$2" | median)
  printf "%-8s wall %7.2f s  cpu %7.2f s  fps %7.1f  cpu/content-s %.3f  peak RSS %6d KB\n" \
    "$1" "$wall" "$cpu" "$(echo "$frames / $wall" | bc -l)" "$(echo "$cpu / $seconds" | bc -l)" "$rss"
  echo "$wall $cpu" > "$work/$1.med"
}
echo "ladder=$ladder source=${size}p30 ${seconds}s, median of $runs runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
report vigil "$work/vigil"
report ffmpeg "$work/ffmpeg"
read -r vw vc < "$work/vigil.med"; read -r fw fc < "$work/ffmpeg.med"
printf "ratio ffmpeg/vigil: fps %.2f  cpu-efficiency %.2f  (above 1.0: Vigil is faster / cheaper)\n" \
  "$(echo "$fw / $vw" | bc -l)" "$(echo "$fc / $vc" | bc -l)"
