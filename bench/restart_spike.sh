#!/usr/bin/env bash
# Restart spike: the bitrate of a cold encoder's first segments, and what
# viewers receive across a pipeline restart.
#
#   bench/restart_spike.sh [--build build/release] [--runs 3] [--out results.txt]
#                          [--cases cold-demo,cold-wide,...] [--source 360|720] [--keep DIR]
#
# Every run is a fresh vigild on loopback with two channels on the built-in
# test source (640x360p30 with the demo ladder 360p 800 / 270p 450 / 180p
# 200 kb/s, or --source 720: 1280x720p30 with 720p 3000 / 360p 800 kb/s),
# started together, so segment N carries the same pictures in both: "spike",
# the one measured, and "ref" (one pipeline, never touched), the undisturbed
# encoder's size of every segment. A poller reads every video rendition's media
# playlist (a few times a second) and fetches each new complete segment from
# the origin. A segment's ratio is its bytes on the wire * 8 / EXTINF / the
# rendition's target bitrate; "/ref" is its bytes / ref's same segment.
#   cold-<vbv>: spike has redundancy.mode single. The first three complete
#     segments after the channel start; then its only worker is killed
#     (SIGKILL, at a random point in a segment) and the restarted encoder's
#     first three complete segments are taken (every later segment is its
#     own), and the partial one it began in. VBV: demo = the demo ladder as
#     built in (maxrate = bitrate, bufsize an eighth of a segment at maxrate),
#     wide = maxrate 1.1x bitrate, bufsize = maxrate (one second; the built-in
#     ladder before), tight = maxrate = bufsize = bitrate, loose = maxrate 3x,
#     bufsize 6x.
#   std-guard, std-noguard (+ "-loose" or "-wide": that VBV, else demo): spike is a
#     Standard channel, steady_segments 2 or 0. Pipeline 0's worker is killed
#     after 5+ segments; every published segment from 2 before to 8 after the
#     one the kill fell in, each marked with where it came from (vigild's
#     "pipeline A -> B at <rendition> S.P" lines; a switch is logged once for
#     all renditions): p0 before the kill, mix the segment of the kill (both
#     pipelines), p1 the other pipeline, R the restarted pipeline 0. "guard"
#     is the selector's own test redone from the outside: bytes / max(target,
#     ref's same segment) of R's segments (ref stands in for the peer).
# Real time: frames dropped (vigil_pipeline_frames_dropped_total) before the
# kill / at the end (the dead worker's down time adds about 20), and the
# "lags more than" / "no pipeline has the part" lines vigild logged before and
# after the kill (a restart in a single channel leaves one hole per rendition);
# both 0 before the kill: the machine kept real time. Prints every run and
# medians of the worst figures.
# --keep DIR keeps every run's config, log, playlists and segments; --analyze DIR
# prints the figures of such a directory again (same --runs, --cases, --source).
# Builds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" runs=3 out="" source=360 keep="" analyze=""
cases="cold-demo,cold-wide,cold-loose,std-guard,std-noguard,std-guard-wide,std-noguard-wide"
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --source) source=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --analyze) analyze=$2; shift 2 ;;
    -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 50 ]] || { echo "--runs must be 1..50" >&2; exit 2; }
[[ $source == 360 || $source == 720 ]] || { echo "--source must be 360 or 720" >&2; exit 2; }
vigild="$build/app/vigild"
[[ -x $vigild && -x $build/app/vigil-pipeline ]] ||
  { echo "build first: cmake --build $build --target vigild vigil-pipeline" >&2; exit 2; }
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing" >&2; exit 2; }
done
IFS=, read -ra case_list <<<"$cases"
for c in "${case_list[@]}"; do
  [[ $c =~ ^(cold-(demo|wide|tight|loose)|std-(guard|noguard)(-loose|-wide)?)$ ]] || { echo "unknown case $c" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
[[ -z $analyze ]] || { rmdir "$work"; work=$(cd "$analyze" && pwd); keep=""; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n $keep ]]; then mkdir -p "$keep" && cp -r "$work"/. "$keep"/; fi
  [[ -n $analyze ]] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if [[ $source == 360 ]]; then
  src='{"width": 640, "height": 360, "fps": 30}'
  rungs=("v0 640 360 800 main" "v1 480 270 450 main" "v2 320 180 200 baseline")
else
  src='{"width": 1280, "height": 720, "fps": 30}'
  rungs=("v0 1280 720 3000 high" "v1 640 360 800 main")
fi
renditions=() targets=()
for r in "${rungs[@]}"; do read -r id _ _ kbps _ <<<"$r"; renditions+=("$id"); targets+=("$kbps"); done

ladder() {  # VBV variant -> the ladder as JSON
  local vbv=$1 sep="" json="[" id w h kbps prof max buf
  for r in "${rungs[@]}"; do
    read -r id w h kbps prof <<<"$r"
    case $vbv in
      demo) max=$kbps buf=0 ;;  # 0: the engine's own rule
      wide) max=$((kbps * 11 / 10)) buf=$max ;;
      tight) max=$kbps buf=$kbps ;;
      loose) max=$((kbps * 3)) buf=$((kbps * 6)) ;;
    esac
    json+="$sep{\"id\": \"$id\", \"width\": $w, \"height\": $h, \"fps\": 30, \"bitrate_kbps\": $kbps,"
    json+=" \"maxrate_kbps\": $max, \"bufsize_kbits\": $buf, \"preset\": \"superfast\", \"profile\": \"$prof\"}"
    sep=", "
  done
  echo "$json]"
}

vpid="" origin="" run_dir=""
start_vigild() {  # mode steady_segments vbv
  local port ch r
  port=$(free_port)
  for ch in spike ref; do for r in "${renditions[@]}"; do mkdir -p "$run_dir/seg/$ch/$r"; done; done
  cat >"$run_dir/vigil.json" <<EOF
{"channels": [{"id": "spike", "source": $src, "ladder": $(ladder "$3"),
               "redundancy": {"mode": "$1", "steady_segments": $2}},
              {"id": "ref", "source": $src, "ladder": $(ladder "$3"), "redundancy": {"mode": "single"}}]}
EOF
  origin="http://127.0.0.1:$port"
  "$vigild" --config "$run_dir/vigil.json" --http "127.0.0.1:$port" --data "$run_dir/data" \
    >"$run_dir/vigild.log" 2>&1 &
  vpid=$!
  pids+=("$vpid")
}

poll() {  # appends every playlist to <ch>.<r>.playlists, fetches each new complete segment
  local ch r s
  while :; do
    for ch in spike ref; do
      for r in "${renditions[@]}"; do
        curl -sf --max-time 2 "$origin/live/$ch/$r/playlist.m3u8" -o "$run_dir/pl" || continue
        { echo "#POLL $(date +%s.%N)"; cat "$run_dir/pl"; } >>"$run_dir/$ch.$r.playlists"
        for s in $(grep -o '^seg_[0-9]*\.m4s' "$run_dir/pl"); do
          [[ -s $run_dir/seg/$ch/$r/$s ]] ||
            curl -sf --max-time 2 "$origin/live/$ch/$r/$s" -o "$run_dir/seg/$ch/$r/$s" || true
        done
      done
    done
    sleep 0.2
  done
}

wait_segment() {  # msn, timeout seconds: every video rendition of both channels has fetched seg_<msn>
  local deadline=$((SECONDS + $2)) ch r
  for ch in spike ref; do
    for r in "${renditions[@]}"; do
      while [[ ! -s $run_dir/seg/$ch/$r/seg_$1.m4s ]]; do
        ((SECONDS < deadline)) || { echo "timed out waiting for $ch/$r seg_$1" >&2; tail -20 "$run_dir/vigild.log" >&2; exit 1; }
        kill -0 "$vpid" 2>/dev/null || { echo "vigild died" >&2; tail -20 "$run_dir/vigild.log" >&2; exit 1; }
        sleep 0.1
      done
    done
  done
}

worker_pid() {  # pipeline index: pid of the spike channel's vigil-pipeline with that index
  ps -o pid=,args= --ppid "$vpid" | awk -v i="$1" '/vigil-pipeline/ && $0 ~ ("--index " i " --channel spike$") { print $1 }'
}

segment_at() {  # wall-clock seconds -> the spike channel's segment number, from its first program date time
  python3 - "$run_dir/spike.${renditions[0]}.playlists" "$1" <<'EOF'
import re, sys, datetime
text, t = open(sys.argv[1]).read(), float(sys.argv[2])
m = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)\n(?:.*\n)*?#EXT-X-PROGRAM-DATE-TIME:(\S+)", text)
msn0, pdt = int(m.group(1)), datetime.datetime.fromisoformat(m.group(2).replace("Z", "+00:00")).timestamp()
print(msn0 + int((t - pdt) // 2))
EOF
}

kill_worker() {  # pipeline index; prints the segment the kill fell in
  local pid t
  pid=$(worker_pid "$1")
  [[ -n $pid ]] || { echo "no worker for pipeline $1" >&2; exit 1; }
  curl -sf --max-time 2 "$origin/metrics" -o "$run_dir/metrics.before" || true
  sleep "$(python3 -c 'import random; print(round(random.uniform(0, 2), 3))')"  # anywhere in a segment
  t=$(date +%s.%N)
  kill -9 "$pid"
  echo "kill $t $1 $pid" >>"$run_dir/events"
  segment_at "$t"
}

run_case() {  # case run_number
  local c=$1 mode steady vbv k poller
  run_dir="$work/$c.$2"
  mkdir -p "$run_dir"
  case $c in
    cold-*) mode=single steady=2 vbv=${c#cold-} ;;
    std-guard*) mode=standard steady=2 vbv=demo ;;
    std-noguard*) mode=standard steady=0 vbv=demo ;;
  esac
  [[ $c == *-loose ]] && vbv=loose
  [[ $c == *-wide ]] && vbv=wide
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$run_dir/events"
  start_vigild "$mode" "$steady" "$vbv"
  poll &
  poller=$!
  pids+=("$poller")
  if [[ $mode == single ]]; then
    wait_segment 4 40
    k=$(kill_worker 0)
    wait_segment $((k + 5)) 60
  else
    wait_segment 5 40
    k=$(kill_worker 0)
    wait_segment $((k + 8)) 60
  fi
  curl -sf --max-time 2 "$origin/metrics" -o "$run_dir/metrics" || true
  kill "$poller" 2>/dev/null || true
  wait "$poller" 2>/dev/null || true
  kill "$vpid" 2>/dev/null || true
  wait "$vpid" 2>/dev/null || true
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$run_dir/events"
}

if [[ -z $analyze ]]; then
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for ((n = 1; n <= runs; n++)); do
    for c in "${case_list[@]}"; do
      echo "run $n: $c" >&2
      run_case "$c" "$n"
    done
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
fi

python3 - "$work" "$runs" "$source" "${renditions[*]}" "${targets[*]}" "${case_list[@]}" <<'EOF' | tee ${out:+"$out"}
import datetime, os, re, statistics, sys
work, runs, source = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rends = sys.argv[4].split()
targets = dict(zip(rends, (int(t) * 1000 for t in sys.argv[5].split())))
cases = sys.argv[6:]
NAN = float("nan")

def ts(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

def mdat_bytes(b):
    i, n = 0, 0
    while i + 8 <= len(b):
        size = int.from_bytes(b[i:i + 4], "big")
        if size < 8: break
        if b[i + 4:i + 8] == b"mdat": n += size - 8
        i += size
    return n

def segments(d, ch, r):
    """msn -> {dur, pdt, parts: [(index, duration, independent)], bytes, mdat}, from every poll of the playlist."""
    segs = {}
    f = f"{d}/{ch}.{r}.playlists"
    for poll in (open(f).read().split("#POLL ")[1:] if os.path.exists(f) else []):
        msn = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", poll).group(1)) - 1
        pending, pdt = [], None
        for ln in poll.split("\n"):
            if ln.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
                msn += 1; pdt = ts(ln.split(":", 1)[1]); pending = []
            elif ln.startswith("#EXT-X-PART:"):
                m = re.search(r'DURATION=([\d.]+),URI="part_(\d+)_(\d+)\.m4s"', ln)
                pending.append((int(m.group(3)), float(m.group(1)), "INDEPENDENT=YES" in ln))
            elif ln.startswith("#EXTINF:"):
                s = segs.setdefault(msn, {"parts": None})
                s["dur"], s["pdt"] = float(ln[8:].rstrip(",")), pdt
                if pending: s["parts"] = pending
    for msn, s in list(segs.items()):
        p = f"{d}/seg/{ch}/{r}/seg_{msn}.m4s"
        if not os.path.exists(p):
            del segs[msn]; continue
        b = open(p, "rb").read()
        s["bytes"], s["mdat"] = len(b), mdat_bytes(b)
    return segs

def regular(s):  # one encoder's whole segment: parts 0..n back to back, 2 s, a keyframe at part 0 only
    p = s["parts"]
    return bool(p) and [x[0] for x in p] == list(range(len(p))) and abs(s["dur"] - 2.0) < 1e-3 \
        and p[0][2] and not any(x[2] for x in p[1:])

def fmt(v): return f"{v:.2f}"
def med(v):
    v = [x for x in v if x == x]
    return statistics.median(v) if v else NAN

print(f"source {'640x360' if source == '360' else '1280x720'}p30; targets "
      + ", ".join(f"{r} {targets[r] // 1000} kb/s" for r in rends)
      + "; ratio = segment bytes * 8 / EXTINF / target; /ref = bytes / the untouched channel's same segment")
overhead = []
for c in cases:
    print(f"\n== {c}")
    summary = []
    for n in range(1, runs + 1):
        d = f"{work}/{c}.{n}"
        ev = {}
        for ln in open(f"{d}/events"):
            key, *v = ln.split()
            ev.setdefault(key, []).append(v)
        kill_t = float(ev["kill"][0][0])
        load = " -> ".join(" ".join(x) for x in ev["load"])
        spike = {r: segments(d, "spike", r) for r in rends}
        ref = {r: segments(d, "ref", r) for r in rends}
        for r in rends:
            overhead += [1 - s["mdat"] / s["bytes"] for s in spike[r].values() if regular(s)]
        def ratio(r, m): s = spike[r][m]; return s["bytes"] * 8 / s["dur"] / targets[r]
        def vsref(r, m):
            s, q = spike[r][m], ref[r].get(m)
            return s["bytes"] / q["bytes"] if q and abs(s["dur"] - q["dur"]) < 1e-3 else NAN
        s0 = min(spike[rends[0]])
        k = s0 + int((kill_t - spike[rends[0]][s0]["pdt"]) // 2)  # the segment the kill fell in
        def drops(f):
            text = open(f).read() if os.path.exists(f) else ""
            return sum(int(float(x)) for x in
                       re.findall(r'vigil_pipeline_frames_dropped_total\{channel="[^"]*",pipeline="\d+"\} (\S+)', text))
        dropped = f"{drops(f'{d}/metrics.before')} / {drops(f'{d}/metrics')}"
        # vigild's log lines with their time; "late" = parts a pipeline delivered too late or
        # not at all (lag switches, holes): the machine did not keep real time
        log_before, log_after = [], []
        for ln in open(f"{d}/vigild.log"):
            m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) ", ln)
            if m:
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
                (log_before if t < kill_t else log_after).append(ln)
        late = lambda lines, ch: sum(1 for ln in lines if f"[ch={ch}" in ln and
                                     ("lags more than" in ln or "no pipeline has the part" in ln))
        log = "".join(log_after)
        print(f"run {n} (load {load}; kill in segment {k}; frames dropped {dropped}; late parts or holes "
              f"before the kill {late(log_before, 'spike')} + {late(log_before, 'ref')} (ref), "
              f"after {late(log_after, 'spike')} + {late(log_after, 'ref')})")
        if c.startswith("cold"):
            worst = {"start": 0, "restart": 0, "restart/ref": 0, "partial": 0}
            for r in rends:
                segs = spike[r]
                whole = [m for m in sorted(segs) if regular(segs[m])]
                # the restarted encoder's first whole segment: after the last irregular one from the kill's on
                irr = [m for m in sorted(segs) if k <= m <= k + 2 and not regular(segs[m])]
                first = max(irr) + 1 if irr else k + 1
                cold = [ratio(r, m) for m in whole[:3]]
                warm = [m for m in sorted(segs) if first <= m < first + 3]
                print(f"  {r}: channel start {' '.join(map(fmt, cold))} | restart (segments {first}-{first + 2}) "
                      + " ".join(f"{fmt(ratio(r, m))}/ref {fmt(vsref(r, m))}" for m in warm)
                      + f" | partial segment {' '.join(f'{m}: {fmt(ratio(r, m))}' for m in irr) or '-'}")
                worst["start"] = max([worst["start"]] + cold)
                worst["restart"] = max([worst["restart"]] + [ratio(r, m) for m in warm])
                worst["restart/ref"] = max([worst["restart/ref"]] + [vsref(r, m) for m in warm])
                worst["partial"] = max([worst["partial"]] + [ratio(r, m) for m in irr])
            print("  worst: " + ", ".join(f"{key} {fmt(v)}" for key, v in worst.items()))
        else:
            steady = re.findall(r"\[ch=spike\] pipeline 0 steady again \(segment (\d+) at ([\d.]+)x", log)
            away = re.findall(r"\[ch=spike\] pipeline 0 -> 1 at (\w+) (\d+)\.(\d+)", log)
            back = re.findall(r"\[ch=spike\] pipeline 1 -> 0 at (\w+) (\d+)\.(\d+)", log)
            s_away = int(away[0][1]) if away else k
            s_back = int(back[0][1]) if back else 1 << 40
            def src(m): return "p0" if m < s_away else "mix" if m == s_away else "p1" if m < s_back else "R"
            at = lambda e: f"{e[0][0]} {e[0][1]}.{e[0][2]}" if e else "-"
            print(f"  pipeline 0 -> 1 at {at(away)}; steady again: "
                  f"{'segment %s at %sx' % steady[0] if steady else '-'}; back to 0 at {at(back)}")
            worst = {"all": (0, ""), "R": (0, ""), "not R": (0, ""), "guard": (0, ""), "/ref before kill": (0, "")}
            def bump(key, v, where):
                if v == v and v > worst[key][0]: worst[key] = (v, where)
            for r in rends:
                row = [m for m in range(k - 2, k + 9) if m in spike[r]]
                print(f"  {r}: " + " ".join(f"{m - k:+d}{src(m)} {fmt(ratio(r, m))}/{fmt(vsref(r, m))}" for m in row))
                for m in row:
                    where = f"{r} {m - k:+d}"
                    bump("all", ratio(r, m), where)
                    bump("R" if src(m) == "R" else "not R", ratio(r, m), where)
                    if src(m) == "R" and m in ref[r]:
                        bump("guard", spike[r][m]["bytes"] / max(targets[r] * spike[r][m]["dur"] / 8, ref[r][m]["bytes"]), where)
                    if m < k: bump("/ref before kill", vsref(r, m), where)
            print("  worst: " + ", ".join(f"{key} {fmt(v)} ({w})" for key, (v, w) in worst.items()))
            worst = {key: v for key, (v, _) in worst.items()}
        summary.append(worst)
    print("median of the runs' worst: " + ", ".join(f"{key} {fmt(med([s[key] for s in summary]))}" for key in summary[0]))
if overhead:
    print(f"\nfMP4 boxes (not mdat) in whole segments: median {100 * med(overhead):.1f} % of the bytes")
EOF
