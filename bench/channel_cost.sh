#!/usr/bin/env bash
# CPU and memory of vigild running demo channels in real time.
#
#   bench/channel_cost.sh [--build build/release] [--seconds 60] [--channels N] [--interval 1]
#
# Without --channels: `vigild --demo` (channel "demo"). With --channels N: a
# generated config with N demo-like channels (ids demo1..demoN: the built-in
# 640x360p30 test source, the demo ladder, default packaging). Starts vigild
# on a free loopback port with a temporary data directory, waits until every
# channel's master playlist answers 200, then samples /proc/<pid>/stat
# (utime + stime) and /proc/<pid>/status (VmRSS, VmHWM) for --seconds.
# Prints CPU cores used on average (CPU seconds / wall seconds), CPU seconds
# per content second (content: parts the packager actually published over the
# window, read from each channel's first media playlist), the average RSS and
# the peak (VmHWM, over the whole life of the process, start-up included).
# Target: peak under 300 MB RSS. Stops vigild with SIGTERM and checks it
# exits 0. Builds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" seconds=60 channels=0 interval=1
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --channels) channels=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 5 && $seconds -le 3600 ]] || { echo "--seconds must be 5..3600" >&2; exit 2; }
[[ $channels =~ ^[0-9]+$ && $channels -le 32 ]] || { echo "--channels must be 1..32" >&2; exit 2; }
vigild="$build/app/vigild"
[[ -x $vigild ]] || { echo "build first: cmake --build $build --target vigild ($vigild missing)" >&2; exit 2; }
for tool in curl python3 bc; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }; done

# The demo channel's packaging defaults: 2 s segments of ten 200 ms parts.
parts_per_segment=10 part_s=0.2

work=$(mktemp -d /tmp/vigil-channel-cost.XXXXXX)
pid=""
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
ids=()
args=(--http "127.0.0.1:$port" --data "$work/data" --log-level warn)
if ((channels == 0)); then
  ids=(demo)
  args+=(--demo)
else
  for ((i = 1; i <= channels; i++)); do ids+=("demo$i"); done
  python3 - "$work/config.json" "${ids[@]}" <<'EOF'
import json, sys
path, ids = sys.argv[1], sys.argv[2:]
cfg = {"channels": [{"id": i, "name": "Demo " + i[4:], "ladder": "demo"} for i in ids]}
json.dump(cfg, open(path, "w"), indent=2)
EOF
  args+=(--config "$work/config.json")
fi

"$vigild" "${args[@]}" >"$work/vigild.out" 2>"$work/vigild.err" &
pid=$!
start_wait=$(date +%s)
for id in "${ids[@]}"; do
  until curl -fsS -o /dev/null --max-time 2 "$base/live/$id/master.m3u8" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/vigild.err" >&2; echo "vigild exited during start-up" >&2; exit 1; }
    (($(date +%s) - start_wait < 60)) || { echo "no $base/live/$id/master.m3u8 after 60 s" >&2; exit 1; }
    sleep 0.2
  done
done
ready_s=$(($(date +%s) - start_wait))

# Position (in parts) of the newest part of a channel's first media playlist.
media_url() {  # channel id -> URL of its first variant's media playlist
  local uri
  uri=$(curl -fsS --max-time 2 "$base/live/$1/master.m3u8" | grep -v '^#' | grep -m1 .)
  echo "$base/live/$1/$uri"
}
position() {  # URL -> parts published so far (msn * parts_per_segment + part)
  curl -fsS --max-time 2 "$1" | grep '^#EXT-X-PART:' | tail -1 |
    sed -n 's/.*part_\([0-9][0-9]*\)_\([0-9][0-9]*\)\.m4s.*/\1 \2/p' |
    awk -v n="$parts_per_segment" '{print $1 * n + $2}'
}
urls=()
for id in "${ids[@]}"; do urls+=("$(media_url "$id")"); done

hz=$(getconf CLK_TCK)
ticks() { sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
now() { date +%s.%N; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
pos0=()
for u in "${urls[@]}"; do pos0+=("$(position "$u")"); done
t0=$(now); c0=$(ticks)
rss_sum=0 rss_n=0 rss_max=0
end=$(echo "$t0 + $seconds" | bc)
while (($(echo "$(now) < $end" | bc))); do
  kill -0 "$pid" 2>/dev/null || { cat "$work/vigild.err" >&2; echo "vigild died" >&2; exit 1; }
  rss=$(status_kb VmRSS)
  rss_sum=$((rss_sum + rss)) rss_n=$((rss_n + 1))
  ((rss > rss_max)) && rss_max=$rss
  sleep "$interval"
done
t1=$(now); c1=$(ticks)
hwm=$(status_kb VmHWM)
threads=$(status_kb Threads)
pos1=()
for u in "${urls[@]}"; do pos1+=("$(position "$u")"); done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Content produced: parts published over the window, all channels.
parts=0
for i in "${!urls[@]}"; do parts=$((parts + pos1[i] - pos0[i])); done
wall=$(echo "$t1 - $t0" | bc -l)
cpu=$(echo "($c1 - $c0) / $hz" | bc -l)
content=$(echo "$parts * $part_s" | bc -l)
n=${#ids[@]}

# Stop: SIGTERM, then it must exit 0 on its own.
kill -TERM "$pid"
rc=0
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  echo "vigild did not stop within 20 s of SIGTERM" >&2
  rc=124
else
  wait "$pid" || rc=$?
fi
pid=""

echo "vigild, $n demo channel(s) (${ids[*]}), ${seconds}s window after start-up (ready in ${ready_s}s), $threads threads"
echo "load average before: $load_before  after: $load_after"
printf "CPU: %.2f s over %.2f s wall = %.3f cores (%.3f cores per channel)\n" \
  "$cpu" "$wall" "$(echo "$cpu / $wall" | bc -l)" "$(echo "$cpu / $wall / $n" | bc -l)"
printf "content: %.1f s published (%.2f x real time per channel); CPU seconds per content second: %.3f\n" \
  "$content" "$(echo "$content / $wall / $n" | bc -l)" "$(echo "$cpu / $content" | bc -l)"
printf "memory: RSS average %.1f MB, max sampled %.1f MB; peak (VmHWM) %.1f MB  (target: under 300 MB: %s)\n" \
  "$(echo "$rss_sum / $rss_n / 1024" | bc -l)" "$(echo "$rss_max / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" \
  "$( ((hwm < 300 * 1024)) && echo met || echo MISSED)"
printf '{"bench":"channel_cost","channels":%d,"seconds":%.2f,"cpu_s":%.3f,"cores":%.4f,"cores_per_channel":%.4f,"content_s":%.2f,"cpu_per_content_s":%.4f,"rss_avg_mb":%.1f,"rss_peak_mb":%.1f,"exit_status":%d,"loadavg_before":"%s"}\n' \
  "$n" "$wall" "$cpu" "$(echo "$cpu / $wall" | bc -l)" "$(echo "$cpu / $wall / $n" | bc -l)" "$content" \
  "$(echo "$cpu / $content" | bc -l)" "$(echo "$rss_sum / $rss_n / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" "$rc" "$load_before"
if ((rc != 0)); then
  echo "vigild exited with status $rc after SIGTERM" >&2
  tail -5 "$work/vigild.err" >&2
  exit 1
fi
echo "vigild exited 0 after SIGTERM"
