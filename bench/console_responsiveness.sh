#!/usr/bin/env bash
# The console's responsiveness with N demo channels (default 4) running in its
# embedded engine, on a real X server (Xvfb): GUI-thread lateness, frames the
# confidence monitors show, the console's CPU and memory; and the monitors'
# decoding cost beside the ffmpeg CLI decoding the same renditions.
#   bench/console_responsiveness.sh [--channels 4] [--seconds 30]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${VIGIL_BUILD:-build/dev}
cmake --build "$build" --target vigil-console-bench vigil-pipeline >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
xvfb-run -a -s "-screen 0 1920x1080x24" "$build/bench/vigil-console-bench" "$@" 2>/tmp/console_bench.log | tee /tmp/console_bench.jsonl
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<'PY'
import json
rows = [json.loads(l) for l in open('/tmp/console_bench.jsonl') if l.startswith('{')]
by = {r['phase']: r for r in rows}
if 'switch' in by:
    print(f"opening a channel's view held the GUI thread {by['switch']['open_view_ms']:.1f} ms, "
          f"leaving it (every probe stopped) {by['switch']['close_view_ms']:.1f} ms")
rows = [r for r in rows if r['phase'] != 'switch']
for r in rows:
    print(f"{r['phase']:7s} GUI late p50 {r['gui_late_p50_ms']:.1f} ms, p99 {r['gui_late_p99_ms']:.1f} ms, "
          f"max {r['gui_late_max_ms']:.1f} ms, >50 ms: {r['gui_late_over_50ms']}; "
          f"GUI busy p99 {r['gui_busy_p99_ms']:.1f} ms, max {r['gui_busy_max_ms']:.1f} ms, >50 ms: {r['gui_busy_over_50ms']}; "
          f"{r['frames_per_second_all_sinks']:.1f} frames/s over {r['video_sinks']} monitors; "
          f"console {r['console_cores']:.3f} cores, peak RSS {r['console_peak_rss_mb']:.0f} MB; "
          f"ffmpeg {r['ffmpeg_cores']:.3f} cores")
if 'view' in by and 'wall' in by and 'ffmpeg' in by:
    monitors = by['view']['console_cores'] - by['wall']['console_cores']
    ff = by['ffmpeg']['ffmpeg_cores']
    print(f"confidence monitors cost {monitors:.3f} cores; ffmpeg CLI decoding the same renditions {ff:.3f} cores; "
          f"ratio monitors/ffmpeg {monitors / ff if ff else float('nan'):.2f}")
PY
