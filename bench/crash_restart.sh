#!/usr/bin/env bash
# Continuity through a crash: how soon a vigild killed with -9 and started
# again has its channel back in the manifest, and what the playlist shows.
#
#   bench/crash_restart.sh [--build build/release] [--runs 5] [--out results.txt]
#
# One data directory for every run: vigild --demo (the demo channel) runs
# until its v0 playlist lists two complete segments, is killed with SIGKILL at
# a random point of a segment, and is started again at once. A poller reads
# the v0 media playlist every 10 ms from the moment of the restart and
# stamps: the origin answering again, the first part of the new period listed
# (the discontinuity sequence bumped, or after an EXT-X-DISCONTINUITY), and
# the first complete segment of the new period. Target (issue: "the channel comes back within one segment duration
# of the restart"): restart -> first part at most the segment duration (2 s).
# Also checked on every run: media sequence numbers continue (the first new
# segment is numbered after the last one listed before the kill), the
# discontinuity sequence is bumped by one; an operator command answered just
# before each kill (prefer a pipeline) and every event and alarm the engine
# API showed before it are in the database after it, and the database passes
# PRAGMA integrity_check after the last run. Loopback only; builds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" runs=5 out=""
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[0-9]+$ && $runs -ge 1 && $runs -le 50 ]] || { echo "--runs must be 1..50" >&2; exit 2; }
vigild="$build/app/vigild"
[[ -x $vigild ]] || { echo "build first: cmake --build --preset release ($vigild missing)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 (the CLI) is needed for the integrity check" >&2; exit 2; }

work=$(mktemp -d /tmp/vigil-crash-restart.XXXXXX)
vpid=""
cleanup() {
  [[ -n $vpid ]] && kill -KILL "$vpid" 2>/dev/null || true
  [[ -n $vpid ]] && wait "$vpid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/live/demo/v0/playlist.m3u8"
api="http://127.0.0.1:$port/api/v1"

start_vigild() {
  "$vigild" --demo --http "127.0.0.1:$port" --data "$work/data" >>"$work/vigild.log" 2>&1 &
  vpid=$!
}

# poll <start time> <mode> [discontinuity sequence before]: mode "ready" waits for two complete segments and
# prints the playlist's last complete MSN and discontinuity sequence; mode
# "restart" prints the stamps (seconds after the start time) and the new
# period's first MSN and discontinuity sequence.
poll() {
  python3 - "$base" "$@" <<'EOF'
import sys, time, urllib.error, urllib.request
url, t0, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
disc_before = int(sys.argv[4]) if len(sys.argv) > 4 else None
def facts(body):
    # Segments and parts of the new period: after an EXT-X-DISCONTINUITY, or
    # all of them when the discontinuity sequence moved past disc_before (a
    # restarted engine lists nothing of the period before).
    msn = disc = None; complete = []; parts = 0; seg_parts = 0; new_parts = 0; new_complete = []
    n = 0; in_new = False
    for line in body.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"): msn = int(line.split(":")[1])
        elif line.startswith("#EXT-X-DISCONTINUITY-SEQUENCE:"):
            disc = int(line.split(":")[1]); in_new = disc_before is not None and disc > disc_before
        elif line == "#EXT-X-DISCONTINUITY": in_new = True
        elif line.startswith("#EXT-X-PART:") and in_new: new_parts += 1
        elif line.startswith("#EXTINF:"):
            complete.append(msn + n)
            if in_new: new_complete.append(msn + n)
            n += 1
    return msn, disc, complete, new_parts, new_complete
deadline = time.time() + 30
up = first_part = first_seg = None
while time.time() < deadline:
    try:
        body = urllib.request.urlopen(url, timeout=1).read().decode()
    except urllib.error.HTTPError:  # the origin answers (404 until the channel has a part)
        if up is None: up = time.time() - t0
        time.sleep(0.01); continue
    except Exception:
        time.sleep(0.01); continue
    now = time.time() - t0
    if up is None: up = now
    msn, disc, complete, parts_after, complete_after = facts(body)
    if mode == "ready":
        if len(complete) >= 2: print(complete[-1], disc); sys.exit(0)
    else:
        if parts_after and first_part is None: first_part = now
        if complete_after and first_seg is None:
            first_seg = now
            # The new period's first segment: numbered from the playlist, listed after the tag.
            print(f"{up:.3f} {first_part:.3f} {first_seg:.3f} {complete_after[0]} {disc}")
            sys.exit(0)
    time.sleep(0.01)
print("timeout", file=sys.stderr); sys.exit(1)
EOF
}

echo "vigild --demo on 127.0.0.1:$port; $runs kill -9 / restart cycles; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%4s %10s %12s %14s %16s %10s %10s\n" run "origin up" "first part" "first segment" "MSN before/after" "disc seq" verdict
start_vigild
ups=() parts=() segs=() failed=0
for run in $(seq "$runs"); do
  read -r last_msn disc_before < <(poll "$(date +%s.%N)" ready) || { echo "vigild did not come up" >&2; tail -20 "$work/vigild.log" >&2; exit 1; }
  sleep "$(python3 -c 'import random; print(round(random.uniform(0, 2), 3))')"
  # The last complete segment listed just before the kill.
  read -r last_msn disc_before < <(poll "$(date +%s.%N)" ready)
  # An operator action answered just before the kill, and every event and
  # alarm the API has shown: all must be in the database after the crash.
  prefer=$((run % 2))
  curl -fsS --max-time 5 -X POST "$api/channels/demo/pipelines/$prefer/prefer" -o /dev/null ||
    { echo "prefer $prefer refused" >&2; exit 1; }
  curl -fsS --max-time 5 "$api/events?limit=1000" >"$work/events.$run.json"
  curl -fsS --max-time 5 "$api/alarms?open=false&limit=1000" >"$work/alarms.$run.json"
  kill -KILL "$vpid"; wait "$vpid" 2>/dev/null || true
  t0=$(date +%s.%N)
  start_vigild
  read -r up part seg first_msn disc_after < <(poll "$t0" restart "$disc_before") || { echo "no new period within 30 s" >&2; tail -20 "$work/vigild.log" >&2; exit 1; }
  verdict=ok
  ((first_msn > last_msn)) || verdict="MSN-regressed"
  ((disc_after == disc_before + 1)) || verdict="disc-seq"
  (($(echo "$part <= 2.0" | bc -l))) || verdict="late"
  [[ $verdict == ok ]] || failed=1
  printf "%4d %9.3fs %11.3fs %13.3fs %16s %10s %10s\n" "$run" "$up" "$part" "$seg" "$last_msn/$first_msn" "$disc_before->$disc_after" "$verdict"
  ups+=("$up") parts+=("$part") segs+=("$seg")
done
kill -TERM "$vpid"; wait "$vpid" 2>/dev/null || true; vpid=""
integrity=$(sqlite3 "$work/data/vigil.db" "PRAGMA integrity_check")
# Every event and alarm id the API showed before a kill, looked up in the database.
read -r lost seen_events seen_alarms prefers < <(python3 - "$work" "$runs" <<'EOF'
import json, sqlite3, sys
work, runs = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(f"{work}/data/vigil.db")
events = {r[0]: r[1] for r in db.execute("SELECT id, kind FROM events")}
alarms = {r[0] for r in db.execute("SELECT id FROM alarms")}
seen_e, seen_a, lost = set(), set(), 0
for run in range(1, runs + 1):
    for e in json.load(open(f"{work}/events.{run}.json"))["events"]:
        seen_e.add(e["id"]); lost += e["id"] not in events
    for a in json.load(open(f"{work}/alarms.{run}.json"))["alarms"]:
        seen_a.add(a["id"]); lost += a["id"] not in alarms
prefers = sum(1 for k in events.values() if k == "pipeline.prefer")
print(lost, len(seen_e), len(seen_a), prefers)
EOF
)
median() { printf "%s\n" "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
max() { printf "%s\n" "$@" | sort -g | tail -1; }
summary="restart -> origin up: median $(median "${ups[@]}") s; -> first part of the new period: median $(median "${parts[@]}") s, max $(max "${parts[@]}") s (target <= 2 s); -> first complete segment: median $(median "${segs[@]}") s; integrity_check: $integrity; events and alarms shown by the API before a kill: $seen_events and $seen_alarms, missing after: $lost; pipeline.prefer events recorded: $prefers of $runs"
echo "$summary"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n $out ]] && echo "$summary" >"$out"
[[ $integrity == ok && $failed == 0 && $lost == 0 && $prefers -ge $runs ]]
