#!/usr/bin/env bash
# Glass-to-glass latency from a contribution input to hls.js in low-latency
# mode, and publisher first packet -> first playable part.
#
#   bench/glass_to_glass.sh [--build build/release] [--protocol srt|rtmp|both]
#                           [--seconds 30] [--runs 1] [--bitrate 800] [--out results.txt] [--keep]
#
# Per protocol and run: a fresh vigild (loopback, ports read from its log)
# with one channel "g2g": a 640x360p30 source spec, the demo ladder, default
# packaging (2 s segments of 200 ms parts), and one input, SRT (latency 120 ms,
# the default, on both ends) or RTMP. vigil-clock-publisher publishes to it,
# drawing the UTC millisecond of each frame's capture into the picture. While
# the channel still plays its slate, the script polls v0's media playlist:
# "first playable part" is the first time a part whose program time ends after
# the input went on air (vigild's "slate -> <input>") is listed; measured from
# the publisher's first packet (vigild's log gives the feed-probed and on-air
# steps in between). Then tests/e2e/players/play.mjs plays the master playlist
# with hls.js in low-latency mode for --seconds, reads the clock back from every
# displayed frame (--read-clock) and reports the glass-to-glass distribution;
# /metrics' manifest age of v0 is sampled alongside. Everything on this
# machine, one clock. Builds nothing: needs vigild and vigil-clock-publisher
# in --build, and tests/e2e/players/install.sh done. --keep leaves each run's
# logs, player JSON and samples in the printed directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" protocol=both seconds=30 runs=1 bitrate=800 out="" keep=0
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --protocol) protocol=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --bitrate) bitrate=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$protocol" in srt) protocols=(srt) ;; rtmp) protocols=(rtmp) ;; both) protocols=(rtmp srt) ;;
  *) echo "--protocol must be srt, rtmp or both" >&2; exit 2 ;; esac
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 5 && $seconds -le 3600 ]] || { echo "--seconds must be 5..3600" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 50 ]] || { echo "--runs must be 1..50" >&2; exit 2; }
[[ $bitrate =~ ^[0-9]+$ ]] || { echo "--bitrate must be kbps" >&2; exit 2; }
vigild="$build/app/vigild"
publisher="$build/bench/vigil-clock-publisher"
players="$here/../tests/e2e/players"
for f in "$vigild" "$publisher"; do
  [[ -x $f ]] || { echo "build first: cmake --build $build --target vigild vigil-clock-publisher ($f missing)" >&2; exit 2; }
done
[[ -d $players/node_modules/hls.js ]] || { echo "run tests/e2e/players/install.sh first" >&2; exit 2; }
for tool in curl python3 node; do command -v "$tool" >/dev/null || { echo "$tool missing" >&2; exit 2; }; done

work=$(mktemp -d /tmp/vigil-g2g.XXXXXX)
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_all
  if ((keep)); then echo "kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

wait_log() {  # file, pattern, timeout seconds
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1"; do
    ((SECONDS < deadline)) || { echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; exit 1; }
    sleep 0.05
  done
}

results="$work/results.jsonl"
: >"$results"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

one_run() {  # protocol, run number
  local proto=$1 run=$2 dir="$work/$1-$2"
  mkdir -p "$dir"
  local input
  if [[ $proto == srt ]]; then
    input='{"id": "srt", "type": "srt", "latency_ms": 120}'
  else
    input='{"id": "rtmp", "type": "rtmp", "app": "g2g", "key": "g2g-bench-key"}'
  fi
  cat >"$dir/vigil.json" <<EOF
{"srt": {"listen": "127.0.0.1:0"}, "rtmp": {"listen": "127.0.0.1:0"},
 "channels": [{"id": "g2g", "source": {"width": 640, "height": 360, "fps": 30},
               "inputs": [$input]}]}
EOF
  local log="$dir/vigild.log"
  "$vigild" --config "$dir/vigil.json" --http 127.0.0.1:0 --data "$dir/data" --log-format text >"$log" 2>&1 &
  pids+=($!)
  wait_log "$log" "serving on http://" 15
  wait_log "$log" "SRT listening on port|RTMP listening on port" 5
  local base port url
  base=$(grep -oE 'serving on http://[0-9.]+:[0-9]+' "$log" | head -1 | cut -d' ' -f3)
  if [[ $proto == srt ]]; then
    wait_log "$log" "SRT listening on port" 5
    port=$(grep -oE 'SRT listening on port [0-9]+' "$log" | awk '{print $NF}')
    url="srt://127.0.0.1:$port?streamid=g2g/srt&latency=120000"  # libavformat's latency is in microseconds
  else
    wait_log "$log" "RTMP listening on port" 5
    port=$(grep -oE 'RTMP listening on port [0-9]+' "$log" | awk '{print $NF}')
    url="rtmp://127.0.0.1:$port/g2g/g2g-bench-key"
  fi
  local master="$base/live/g2g/master.m3u8" media="$base/live/g2g/v0/playlist.m3u8"
  # The channel is up on its slate: wait for parts, then a little more.
  local deadline=$((SECONDS + 20))
  until curl -fsS --max-time 2 "$media" 2>/dev/null | grep -q '^#EXT-X-PART:'; do
    ((SECONDS < deadline)) || { echo "no parts in $media" >&2; exit 1; }
    sleep 0.2
  done
  sleep 2

  "$publisher" --url "$url" --seconds $((seconds + 40)) --bitrate "$bitrate" >"$dir/publisher.out" 2>"$dir/publisher.err" &
  local pub=$!
  pids+=($pub)
  python3 - "$log" "$dir/publisher.out" "$media" "$proto" >"$dir/start.json" <<'EOF' || { cat "$dir/publisher.err" >&2; exit 1; }
# First packet -> first playable part: polls the media playlist and vigild's log.
import datetime, json, re, sys, time, urllib.request
log, pub_out, media, input_id = sys.argv[1:5]
def local_ts(line):  # vigild's text log: local time with milliseconds
    return datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()
deadline = time.time() + 30
first_packet = None
while first_packet is None:
    m = re.search(r"^first packet (\d+)", open(pub_out).read(), re.M)
    if m: first_packet = int(m.group(1)) / 1e6
    elif time.time() > deadline: sys.exit("the publisher wrote no packet")
    else: time.sleep(0.005)
probed = on_air = playable = part = None
while playable is None:
    if time.time() > deadline: sys.exit("no playable part within 30 s of the first packet")
    text = open(log).read()
    if probed is None:
        m = re.search(rf"^(.{{23}}) .*\[ch=g2g in={input_id}\] \S+ feed: .*$", text, re.M)
        if m: probed = local_ts(m.group(1))
    if on_air is None:
        m = re.search(rf"^(.{{23}}) .*\[ch=g2g\] slate -> {input_id}:.*$", text, re.M)
        if m: on_air = local_ts(m.group(1))
    if on_air is not None:
        body = urllib.request.urlopen(media, timeout=2).read().decode()
        seen = time.time()
        start = None
        for line in body.splitlines():
            if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
                start = datetime.datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp()
            elif line.startswith("#EXT-X-PART:") and start is not None:
                d = float(re.search(r"DURATION=([0-9.]+)", line).group(1))
                if start + d > on_air:  # this part holds the input's pictures
                    playable, part = seen, re.search(r'URI="([^"]+)"', line).group(1)
                    break
                start += d
            elif line.startswith("#EXTINF:"):
                start = None  # the next segment states its own program time
    time.sleep(0.01)
ms = lambda a, b: None if a is None or b is None else round((b - a) * 1000)
print(json.dumps({"first_packet_to_probed_ms": ms(first_packet, probed), "first_packet_to_on_air_ms": ms(first_packet, on_air),
                  "first_packet_to_playable_ms": ms(first_packet, playable), "first_part": part}))
EOF

  # Manifest age of v0 every 0.5 s while the player plays.
  (while :; do
     curl -fsS --max-time 1 "$base/metrics" 2>/dev/null |
       sed -n 's/^vigil_manifest_age_seconds{channel="g2g",rendition="v0"} //p'
     sleep 0.5
   done) >"$dir/manifest_age.txt" &
  local sampler=$!
  pids+=($sampler)
  # Publish lag: blocking reloads for each next part (the origin answers when
  # it is published); lag = answer time - the part's end in program time,
  # i.e. how long after its last frame was captured a part becomes available.
  python3 - "$media" >"$dir/publish_lag.txt" <<'EOF' &
import datetime, re, sys, time, urllib.request
media = sys.argv[1]
url, first = media, True
while True:
    try:
        body = urllib.request.urlopen(url, timeout=5).read().decode()
    except Exception:
        time.sleep(0.1); url, first = media, True; continue
    seen = time.time()
    start, newest, hint = None, None, None
    for line in body.splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            start = datetime.datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp()
        elif line.startswith("#EXT-X-PART:") and start is not None:
            start += float(re.search(r"DURATION=([0-9.]+)", line).group(1))
            newest = (re.search(r'URI="([^"]+)"', line).group(1), start)
        elif line.startswith("#EXTINF:"):
            start = None
        elif line.startswith("#EXT-X-PRELOAD-HINT:"):
            hint = re.search(r'part_(\d+)_(\d+)\.m4s', line)
    if newest and not first:
        print(f"{newest[0]} {seen - newest[1]:.4f}", flush=True)
    first = False
    url = f"{media}?_HLS_msn={hint.group(1)}&_HLS_part={hint.group(2)}" if hint else media
    if not hint: time.sleep(0.05)
EOF
  local lagger=$!
  pids+=($lagger)
  local rc=0
  node "$players/play.mjs" --kind hls --low-latency --read-clock --url "$master" --seconds "$seconds" \
    --json "$dir/player.json" >/dev/null 2>"$dir/player.err" || rc=$?
  kill "$sampler" "$lagger" 2>/dev/null || true
  kill "$pub" 2>/dev/null || true
  wait "$pub" 2>/dev/null || true
  grep -E '^(PASS|FAIL)' "$dir/player.err" >&2 || true
  python3 - "$proto" "$run" "$dir" "$rc" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results" <<'EOF'
import json, statistics, sys
proto, run, d, rc, load = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
start = json.load(open(f"{d}/start.json"))
p = json.load(open(f"{d}/player.json"))
ages = sorted(float(x) for x in open(f"{d}/manifest_age.txt").read().split() if x.strip())
lags = sorted(float(l.split()[1]) for l in open(f"{d}/publish_lag.txt") if len(l.split()) == 2)
q = lambda v, p: round(v[min(len(v) - 1, int(p * len(v)))], 3) if v else None
pub = [l for l in open(f"{d}/publisher.out").read().splitlines() if l.startswith("sent ")]
g = p.get("glassToGlass") or {}
print(json.dumps({"protocol": proto, "run": run, "player_ok": rc == 0, "reasons": p.get("reasons"),
    **start, "g2g": g, "pdt_latency": p["latency"].get("programDateTime"), "hls_latency": p["latency"].get("player"),
    "target_latency": (p["latency"]["samples"] or [{}])[-1].get("targetLatency"),
    "stalls": p["stalls"]["count"], "startup_ms": p["startupMs"],
    "levels": sorted({l.get("height") for l in p["levels"]["seen"] if l.get("height")}),
    "manifest_age_p50": statistics.median(ages) if ages else None, "manifest_age_max": ages[-1] if ages else None,
    "publish_lag": {"n": len(lags), "min": q(lags, 0), "p50": q(lags, .5), "p95": q(lags, .95), "max": q(lags, 1)},
    "publisher": pub[0] if pub else None, "loadavg_after": load}))
EOF
  stop_all
  tail -1 "$results" | python3 -c "$(cat <<'EOF'
import json, sys
r = json.loads(sys.stdin.read())
g, pdt = r["g2g"], r["pdt_latency"] or {}
print(f"{r['protocol']} run {r['run']}: glass-to-glass p50 {g.get('p50')} s p95 {g.get('p95')} s "
      f"({g.get('n')} frames, {g.get('invalid')} unreadable); hls.js PDT latency p50 {pdt.get('p50')} s; "
      f"first packet -> first playable part {r['first_packet_to_playable_ms']} ms "
      f"(probed {r['first_packet_to_probed_ms']}, on air {r['first_packet_to_on_air_ms']}); "
      f"part published {r['publish_lag']['p50']} s after its end (p50); manifest age p50 {r['manifest_age_p50']} s; stalls {r['stalls']}; load {r['loadavg_after']}")
EOF
)"
}

for ((run = 1; run <= runs; run++)); do
  for proto in "${protocols[@]}"; do one_run "$proto" "$run"; done
done

python3 - "$results" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" "$seconds" "$bitrate" <<'EOF' | tee ${out:+"$out"}
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"glass-to-glass, hls.js low-latency, {sys.argv[4]} s per run, publisher {sys.argv[5]} kbps; "
      f"load average before {sys.argv[2]}, after {sys.argv[3]}")
targets = {"rtmp": 1.2, "srt": 1.4}
anchors = {"rtmp": 1.42, "srt": 1.75}
for proto in ("rtmp", "srt"):
    rs = [r for r in rows if r["protocol"] == proto]
    if not rs: continue
    p50s = [r["g2g"].get("p50") for r in rs if r["g2g"].get("p50") is not None]
    p95s = [r["g2g"].get("p95") for r in rs if r["g2g"].get("p95") is not None]
    pdts = [(r["pdt_latency"] or {}).get("p50") for r in rs if (r["pdt_latency"] or {}).get("p50") is not None]
    lags = [r["publish_lag"]["p50"] for r in rs if r["publish_lag"]["p50"] is not None]
    fp = [r["first_packet_to_playable_ms"] for r in rs]
    print(f"{proto.upper()}: glass-to-glass p50 per run {' / '.join(f'{x:.3f}' for x in p50s)} s "
          f"(median {statistics.median(p50s):.3f} s; target {targets[proto]} s, OvenMediaEngine {anchors[proto]} s); "
          f"p95 {' / '.join(f'{x:.3f}' for x in p95s)} s")
    print(f"  hls.js PDT latency p50 {' / '.join(f'{x:.3f}' for x in pdts)} s; "
          f"first packet -> first playable part {' / '.join(str(x) for x in fp)} ms (target < 1000)")
    print(f"  part available after its end (program time), p50 {' / '.join(f'{x:.3f}' for x in lags)} s")
print("RESULTS " + json.dumps(rows))
EOF
