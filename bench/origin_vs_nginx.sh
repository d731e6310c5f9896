#!/usr/bin/env bash
# Serves a ~1 KB playlist and a 100 KB part from tmpfs with nginx (one worker,
# bench/nginx/edge.conf.in), loads each with wrk, and prints requests/s and
# p99 latency. Given Vigil's URLs for the same kind of objects, it loads those
# too and prints Vigil/nginx ratios.
#
#   bench/origin_vs_nginx.sh [--duration 10] [--connections 100] [--threads 2]
#       [--vigil-url-playlist URL --vigil-url-part URL] [--out results.txt]
#
# Vigil hook: start vigild with a live channel first, then pass a playlist URL
# (e.g. a rendition's media playlist, without _HLS_msn so it answers at once)
# and a part URL that exists for the whole run (an immutable part). Only
# loopback URLs are accepted. Every run is bounded (wrk -d, plus a timeout).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
DURATION=10
CONNECTIONS=100
THREADS=2
VIGIL_PLAYLIST=""
VIGIL_PART=""
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --vigil-url-playlist) VIGIL_PLAYLIST="$2"; shift 2 ;;
    --vigil-url-part) VIGIL_PART="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 && "$DURATION" -le 120 ]] || { echo "--duration must be 1..120 s" >&2; exit 2; }
if [[ -n "$VIGIL_PLAYLIST" || -n "$VIGIL_PART" ]]; then
  [[ -n "$VIGIL_PLAYLIST" && -n "$VIGIL_PART" ]] || { echo "give both --vigil-url-playlist and --vigil-url-part" >&2; exit 2; }
  for u in "$VIGIL_PLAYLIST" "$VIGIL_PART"; do
    [[ "$u" =~ ^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?/ ]] || { echo "not a loopback URL: $u" >&2; exit 2; }
  done
fi
for tool in nginx wrk curl; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }; done

SHM="$(mktemp -d /dev/shm/vigil-bench.XXXXXX)"
chmod 755 "$SHM"
mkdir -p "$SHM/www" "$SHM/run"
NGINX_PID=""
cleanup() {
  if [[ -n "$NGINX_PID" ]]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  rm -rf "$SHM"
}
trap cleanup EXIT INT TERM

# ---- fixtures: an LL-HLS style media playlist (~1 KB) and a 100 KB part ----
{
  echo '#EXTM3U'
  echo '#EXT-X-VERSION:9'
  echo '#EXT-X-TARGETDURATION:2'
  echo '#EXT-X-PART-INF:PART-TARGET=0.2'
  echo '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.6,HOLD-BACK=6.0'
  echo '#EXT-X-MEDIA-SEQUENCE:881000'
  echo '#EXT-X-MAP:URI="init.mp4"'
  for s in 0 1 2; do
    echo "#EXT-X-PROGRAM-DATE-TIME:2025-01-01T00:00:0$((s * 2)).000Z"
    echo '#EXTINF:2.000,'
    echo "seg_$((881000 + s)).m4s"
  done
  for p in 0 1 2 3 4 5 6 7 8 9; do
    if [[ $p -eq 0 ]]; then ind=',INDEPENDENT=YES'; else ind=''; fi
    echo "#EXT-X-PART:DURATION=0.200,URI=\"part_881003_$p.m4s\"$ind"
  done
  echo '#EXTINF:2.000,'
  echo 'seg_881003.m4s'
  echo '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part_881004_0.m4s"'
  echo '#EXT-X-RENDITION-REPORT:URI="../720p/index.m3u8",LAST-MSN=881003,LAST-PART=9'
} >"$SHM/www/playlist.m3u8"
head -c 102400 /dev/urandom >"$SHM/www/part.m4s"
# Comparing with Vigil: nginx serves the very bytes Vigil serves, so both
# answer the same sizes (the synthetic fixtures above are the nginx-only case).
if [[ -n "$VIGIL_PLAYLIST" ]]; then
  curl -sf -o "$SHM/www/playlist.m3u8" "$VIGIL_PLAYLIST" || { echo "cannot fetch $VIGIL_PLAYLIST" >&2; exit 1; }
  curl -sf -o "$SHM/www/part.m4s" "$VIGIL_PART" || { echo "cannot fetch $VIGIL_PART" >&2; exit 1; }
fi
PLAYLIST_BYTES=$(stat -c %s "$SHM/www/playlist.m3u8")
PART_BYTES=$(stat -c %s "$SHM/www/part.m4s")

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null || echo 18090)"
sed -e "s|@PREFIX@|$SHM/run|g" -e "s|@ROOT@|$SHM/www|g" -e "s|@PORT@|$PORT|g" \
  "$HERE/nginx/edge.conf.in" >"$SHM/run/nginx.conf"
nginx -p "$SHM/run" -e "$SHM/run/error.log" -c "$SHM/run/nginx.conf" &
NGINX_PID=$!
up=0
for _ in $(seq 50); do
  if curl -sf -o /dev/null "http://127.0.0.1:$PORT/playlist.m3u8"; then up=1; break; fi
  sleep 0.1
done
[[ $up -eq 1 ]] || { echo "nginx did not come up:"; cat "$SHM/run/error.log" >&2; exit 1; }

check_url() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true)
  [[ "$code" == 200 ]] || { echo "GET $1 answered $code, expected 200" >&2; exit 1; }
}

# Runs wrk on one URL; prints "rps p99_ms errors".
bench_url() {
  local url="$1" log
  log="$SHM/run/wrk.$RANDOM.log"
  timeout $((DURATION + 20)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" >"$log" 2>&1 || true
  awk '
    function to_ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { p99 = to_ms($2) }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); err += v } }
    END {
      if (rps == "") { print "NA NA NA"; exit }
      printf "%.0f %.3f %d\n", rps, p99, err
    }' "$log"
}

LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"
ROWS=()
run_target() {
  local target="$1" object="$2" url="$3" r
  check_url "$url"
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency $target/$object ..." >&2
  r=$(bench_url "$url")
  ROWS+=("$target $object $r")
}

run_target nginx playlist "http://127.0.0.1:$PORT/playlist.m3u8"
run_target nginx part "http://127.0.0.1:$PORT/part.m4s"
if [[ -n "$VIGIL_PLAYLIST" ]]; then
  run_target vigil playlist "$VIGIL_PLAYLIST"
  run_target vigil part "$VIGIL_PART"
fi

report() {
  echo "# origin_vs_nginx: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, 127.0.0.1"
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc) cores  $(nginx -v 2>&1 | sed 's/.*: //')  $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}')"
  echo "# load average before: $LOAD_BEFORE, after: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "# fixtures: playlist ${PLAYLIST_BYTES} B, part ${PART_BYTES} B (tmpfs); nginx: 1 worker, sendfile, tcp_nodelay, no tcp_nopush, keepalive, access_log off"
  printf '%-8s %-9s %12s %10s %8s\n' target object requests/s p99_ms errors
  for row in "${ROWS[@]}"; do
    # shellcheck disable=SC2086
    printf '%-8s %-9s %12s %10s %8s\n' $row
  done
  if [[ -n "$VIGIL_PLAYLIST" ]]; then
    echo
    printf '%-9s %14s %14s\n' object rps_vigil/nginx p99_vigil/nginx
    for obj in playlist part; do
      local n v
      n=$(printf '%s\n' "${ROWS[@]}" | awk -v o="$obj" '$1 == "nginx" && $2 == o')
      v=$(printf '%s\n' "${ROWS[@]}" | awk -v o="$obj" '$1 == "vigil" && $2 == o')
      awk -v n="$n" -v v="$v" -v o="$obj" 'BEGIN {
        split(n, a, " "); split(v, b, " ");
        rr = (a[3] > 0 && b[3] != "NA") ? sprintf("%.2f", b[3] / a[3]) : "NA";
        pr = (a[4] > 0 && b[4] != "NA") ? sprintf("%.2f", b[4] / a[4]) : "NA";
        printf "%-9s %14s %14s\n", o, rr, pr }'
    done
  else
    echo "# Vigil not benchmarked: pass --vigil-url-playlist URL --vigil-url-part URL to compare."
  fi
}
if [[ -n "$OUT" ]]; then report | tee "$OUT"; else report; fi
