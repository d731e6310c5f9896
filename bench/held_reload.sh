#!/usr/bin/env bash
# Blocking reload: time from a part's publication to the last of N held
# LL-HLS playlist requests answered (target: p99 under 20 ms at N = 1,000).
#
#   bench/held_reload.sh [--build build/release] [--connections 1000] [--rounds 20]
#       [--threads 1] [--client-threads 2] [--out results.txt]
#
# Starts origin_bench_server --live (a real packager publishing a 200 ms part
# every 200 ms, served by the origin) on a free loopback port, then
# vigil-held-reload-bench, which holds N keep-alive connections and, each
# round, asks for the next part on all of them at once. --threads: the
# origin's IO threads; --client-threads: the client's reading threads. The server prints
# `published <msn> <part> <utc_us>` per part; the client reads those lines
# from the server's output file. Builds nothing: build both targets first.
# Loopback only, every step bounded in time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build/release" connections=1000 rounds=20 threads=1 client_threads=2 out=""
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --client-threads) client_threads=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $connections =~ ^[0-9]+$ && $connections -ge 1 && $connections -le 5000 ]] || { echo "--connections must be 1..5000" >&2; exit 2; }
[[ $rounds =~ ^[0-9]+$ && $rounds -ge 1 && $rounds -le 1000 ]] || { echo "--rounds must be 1..1000" >&2; exit 2; }
server="$build/bench/origin_bench_server"
client="$build/bench/vigil-held-reload-bench"
for b in "$server" "$client"; do
  [[ -x $b ]] || { echo "build first: cmake --build $build --target origin_bench_server vigil-held-reload-bench ($b missing)" >&2; exit 2; }
done

# N sockets in the client and N in the server: both inherit this limit.
need=$((connections + 256))
if (( $(ulimit -n) < need )); then
  ulimit -n "$((need > 8192 ? need : 8192))" 2>/dev/null || { echo "cannot raise the open-file limit to $need (hard limit $(ulimit -Hn))" >&2; exit 2; }
fi

work=$(mktemp -d /tmp/vigil-held-reload.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

: >"$work/server.out"; : >"$work/server.err"
# Port 0: the origin binds an ephemeral port and prints it.
"$server" --live --port 0 --listen 127.0.0.1 --threads "$threads" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/^serving on :\([0-9][0-9]*\)$/\1/p' "$work/server.out" || true)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; echo "server exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "server did not start in 10 s" >&2; cat "$work/server.err" >&2; exit 1; }
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/live/bench/v0/playlist.m3u8" || { echo "no playlist" >&2; exit 1; }

echo "origin_bench_server --live on 127.0.0.1:$port ($threads io thread(s)); $connections connections" \
  "($client_threads client reading thread(s)), $rounds rounds;" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Each round is bounded (3 s); the whole run too.
limit=$((30 + rounds * 5))
status=0
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
# The server's own share: publication -> last held reply written, a histogram
# in /metrics (vigil_http_held_release_seconds); read before and after the run.
release_metrics() {
  curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" | sed -n 's/^vigil_http_held_release_seconds_//p' || true
}
release0=$(release_metrics)
ticks0=$(cpu_ticks)
timeout --signal=TERM --kill-after=5 "$limit" \
  "$client" --port "$port" --publish-log "$work/server.out" --connections "$connections" --threads "$client_threads" --rounds "$rounds" \
  >"$work/client.out" 2>"$work/client.err" || status=$?
ticks1=$(cpu_ticks)
release1=$(release_metrics)
cat "$work/client.err" >&2
cat "$work/client.out"
# Includes connection set-up and the idle publishing between rounds (small).
hz=$(getconf CLK_TCK)
printf "server CPU during the client run: %.2f s, %.1f ms per round (%d rounds incl. warm-up: parse %d requests, hold, answer)\n" \
  "$(echo "($ticks1 - $ticks0) / $hz" | bc -l)" "$(echo "($ticks1 - $ticks0) * 1000 / $hz / ($rounds + 1)" | bc -l)" \
  "$((rounds + 1))" "$connections"
# Bucket bounds: the p50/p99 printed are the upper bounds of the buckets they fall in.
awk -v before="$release0" -v after="$release1" '
  function load(text, into,   n, lines, i, f) {
    n = split(text, lines, "\n")
    for (i = 1; i <= n; i++) { split(lines[i], f, " "); if (f[1] != "") into[f[1]] = f[2] }
  }
  function bound(q,   i, want) {
    want = q * count
    for (i = 1; i <= nb; i++) if (cum[i] >= want) return les[i]
    return "+Inf"
  }
  BEGIN {
    load(before, b); load(after, a)
    count = a["count"] - b["count"]
    if (count <= 0) { print "server side: no held release recorded"; exit }
    for (k in a) if (k ~ /^bucket\{le="/) {
      le = k; sub(/^bucket\{le="/, "", le); sub(/"\}$/, "", le)
      if (le != "+Inf") { les[++nb] = le + 0; keys[nb] = k }
    }
    for (i = 1; i <= nb; i++) for (j = i + 1; j <= nb; j++) if (les[j] < les[i]) {
      t = les[i]; les[i] = les[j]; les[j] = t; t = keys[i]; keys[i] = keys[j]; keys[j] = t
    }
    for (i = 1; i <= nb; i++) cum[i] = a[keys[i]] - b[keys[i]]
    printf "server side, publication -> last held reply written (%d publications): mean %.2f ms, p50 <= %s ms, p99 <= %s ms\n",
      count, (a["sum"] - b["sum"]) * 1000 / count, bound(0.5) * 1000, bound(0.99) * 1000
  }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n $out ]] && cp "$work/client.out" "$out"
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "server died during the run:" >&2; cat "$work/server.err" >&2; exit 1
fi
exit "$status"
