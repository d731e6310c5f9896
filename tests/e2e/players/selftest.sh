#!/usr/bin/env bash
# Validates play.mjs against live streams made by the ffmpeg CLI (not Vigil):
# ffmpeg writes fMP4 HLS or DASH into a temp dir, nginx serves it on 127.0.0.1
# with CORS headers, and play.mjs watches it with hls.js or dash.js.
#
#   ./selftest.sh [--seconds 20] [--out DIR] [case ...]
#
# Cases: hls, hls-ll (hls.js lowLatencyMode on the same stream), dash,
# dash-utc (MPD with -utc_timing_url), dash-ldash (-streaming 1 -ldash 1),
# 404-hls, 404-dash. Default: all. One ffmpeg and one Chromium at a time.
# Extra play.mjs arguments for every case: PLAY_ARGS="--live-sync-duration 6".
# Needs: ffmpeg, nginx, node, and "npm ci --no-audit --no-fund" done here.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
SECONDS_TO_WATCH=20
OUT=""
CASES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_TO_WATCH="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) CASES+=("$1"); shift ;;
  esac
done
[[ ${#CASES[@]} -gt 0 ]] || CASES=(hls hls-ll dash dash-utc dash-ldash 404-hls 404-dash)
[[ -d "$HERE/node_modules/playwright-core" ]] || { echo "run: (cd $HERE && npm ci --no-audit --no-fund)" >&2; exit 2; }

TMP="$(mktemp -d /tmp/vigil-selftest.XXXXXX)"
chmod 755 "$TMP"
OUT="${OUT:-$TMP/results}"
mkdir -p "$TMP/www" "$TMP/logs" "$OUT"
NGINX_PID=""
FFMPEG_PID=""

cleanup() {
  [[ -n "$FFMPEG_PID" ]] && kill "$FFMPEG_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$TMP/www"
}
trap cleanup EXIT INT TERM

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE="http://127.0.0.1:$PORT"

cat >"$TMP/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $TMP/logs/body;
  proxy_temp_path $TMP/logs/proxy;
  fastcgi_temp_path $TMP/logs/fastcgi;
  uwsgi_temp_path $TMP/logs/uwsgi;
  scgi_temp_path $TMP/logs/scgi;
  types {
    application/vnd.apple.mpegurl m3u8;
    application/dash+xml mpd;
    video/mp4 mp4 m4s;
    text/html html;
  }
  default_type application/octet-stream;
  sendfile on;
  tcp_nodelay on;
  map \$uri \$cache_control {
    ~\.(m3u8|mpd)\$ "max-age=1";
    default        "max-age=60";
  }
  server {
    listen 127.0.0.1:$PORT;
    root $TMP/www;
    add_header Access-Control-Allow-Origin * always;
    add_header Access-Control-Expose-Headers "Date, Content-Length" always;
    add_header Cache-Control \$cache_control always;
    location = /time { default_type text/plain; return 200 "\$time_iso8601"; }
  }
}
EOF
nginx -p "$TMP" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 50); do curl -s -o /dev/null "$BASE/time" && break; sleep 0.1; done

# One ffmpeg live source, bounded by -t. Args: output dir, then muxer args.
start_ffmpeg() {
  local dir="$1"; shift
  rm -rf "$TMP/www/$dir"; mkdir -p "$TMP/www/$dir"
  local dur=$((SECONDS_TO_WATCH + 40))
  (cd "$TMP/www/$dir" && exec ffmpeg -hide_banner -nostdin -loglevel warning -re \
      -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$dur" \
      -map 0:v -map 1:a -c:v libx264 -preset superfast -pix_fmt yuv420p -b:v 800k -maxrate 800k -bufsize 1600k \
      -g 60 -keyint_min 60 -sc_threshold 0 -c:a aac -b:a 96k -ar 48000 "$@") \
      >"$TMP/logs/ffmpeg-$dir.log" 2>&1 &
  FFMPEG_PID=$!
}
stop_ffmpeg() {
  [[ -n "$FFMPEG_PID" ]] && kill "$FFMPEG_PID" 2>/dev/null || true
  wait "$FFMPEG_PID" 2>/dev/null || true
  FFMPEG_PID=""
}
# Wait (bounded) until the manifest exists and N media files were written.
wait_for() {
  local manifest="$1" pattern="$2" n="$3"
  for _ in $(seq 150); do
    if [[ -s "$manifest" ]] && [[ $(find "$(dirname "$manifest")" -name "$pattern" | wc -l) -ge $n ]]; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for $manifest" >&2; return 1
}

RESULTS=()
run_play() {
  local name="$1"; shift
  local rc=0
  echo "== $name: node play.mjs $*" >&2
  node "$HERE/play.mjs" --seconds "$SECONDS_TO_WATCH" --json "$OUT/$name.json" "$@" ${PLAY_ARGS:-} >/dev/null 2>"$OUT/$name.err" || rc=$?
  tail -n 1 "$OUT/$name.err" >&2
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const L = r.latency, p = r.latency.player;
    console.log([process.argv[2], "exit=" + process.argv[3], "startup=" + r.startupMs + "ms",
      "lat(" + L.source + ") p50/p95/max=" + L.p50 + "/" + L.p95 + "/" + L.max,
      "player p50=" + p.p50, "stalls=" + r.stalls.count + "/" + r.stalls.totalMs + "ms",
      "playerStalls=" + r.stalls.playerReported, "errors=" + r.errors.count + (r.errors.fatal ? "(fatal)" : ""),
      "played=" + r.progress.playedSeconds + "s", "frames=" + (r.frames && r.frames.decoded)].join("  "));
  ' "$OUT/$name.json" "$name" "$rc" >>"$OUT/summary.txt" || echo "$name exit=$rc (no json)" >>"$OUT/summary.txt"
  RESULTS+=("$name=$rc")
}

for c in "${CASES[@]}"; do
  case "$c" in
    hls|hls-ll)
      start_ffmpeg hls -f hls -hls_time 2 -hls_list_size 6 -hls_segment_type fmp4 \
        -hls_flags program_date_time+delete_segments+independent_segments+temp_file \
        -hls_fmp4_init_filename init.mp4 -hls_segment_filename 'seg_%05d.m4s' index.m3u8
      wait_for "$TMP/www/hls/index.m3u8" 'seg_*.m4s' 2
      if [[ "$c" == hls ]]; then run_play "$c" --kind hls --url "$BASE/hls/index.m3u8"
      else run_play "$c" --kind hls --low-latency --url "$BASE/hls/index.m3u8"; fi
      stop_ffmpeg ;;
    dash|dash-utc|dash-ldash)
      extra=()
      [[ "$c" == dash-utc ]] && extra=(-utc_timing_url "$BASE/time")
      [[ "$c" == dash-ldash ]] && extra=(-utc_timing_url "$BASE/time" -streaming 1 -ldash 1 -frag_type duration -frag_duration 0.5 -target_latency 3)
      start_ffmpeg "$c" -f dash -seg_duration 2 -window_size 6 -extra_window_size 4 -use_template 1 -use_timeline 1 \
        -adaptation_sets "id=0,streams=v id=1,streams=a" "${extra[@]}" manifest.mpd
      wait_for "$TMP/www/$c/manifest.mpd" 'chunk-stream0-*.m4s' 2
      cp "$TMP/www/$c/manifest.mpd" "$OUT/$c.mpd" 2>/dev/null || true
      if [[ "$c" == dash-ldash ]]; then run_play "$c" --kind dash --low-latency --url "$BASE/$c/manifest.mpd"
      else run_play "$c" --kind dash --url "$BASE/$c/manifest.mpd"; fi
      stop_ffmpeg ;;
    404-hls) run_play "$c" --kind hls --seconds 10 --url "$BASE/missing/index.m3u8" ;;
    404-dash) run_play "$c" --kind dash --seconds 10 --url "$BASE/missing/manifest.mpd" ;;
    *) echo "unknown case $c" >&2 ;;
  esac
done

cp "$TMP/logs/"*.log "$OUT/" 2>/dev/null || true
echo "results in $OUT" >&2
cat "$OUT/summary.txt"
