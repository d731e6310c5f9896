#!/usr/bin/env node
// Plays a live HLS or DASH stream in headless Chromium with hls.js or dash.js
// and reports errors, stalls, startup time, progress, latency, renditions and
// decoded frames as one JSON object. Exit 0 when playback was healthy.
//
//   node play.mjs --kind hls|dash --url <manifest URL> [--seconds 20]
//                 [--low-latency] [--max-latency S] [--live-sync-duration S]
//                 [--margin S] [--json out.json] [--chromium PATH]
//                 [--read-clock]
//
// --read-clock: the stream carries the capture wall clock drawn into its
// pictures by bench/clock_publisher.cpp; each displayed frame's code is read
// back from a canvas and the result gains "glassToGlass" (seconds from
// capture to display: n, min, p50, p95, max; frames whose code fails
// validation are counted, not used).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NM = path.join(HERE, 'node_modules');

const USAGE = `usage: node play.mjs --kind hls|dash --url <manifest URL> [--seconds 20]
       [--low-latency] [--max-latency S] [--live-sync-duration S] [--margin S]
       [--json out.json] [--chromium /usr/bin/chromium] [--read-clock]`;

function parseArgs(argv) {
  const o = { kind: null, url: null, seconds: 20, lowLatency: false, json: null, maxLatency: null,
    liveSyncDuration: null, margin: 2, chromium: '/usr/bin/chromium', readClock: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const numVal = () => {
      const v = Number(val());
      if (!isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    switch (a) {
      case '--kind': o.kind = val(); break;
      case '--url': o.url = val(); break;
      case '--seconds': o.seconds = numVal(); break;
      case '--low-latency': o.lowLatency = true; break;
      case '--json': o.json = val(); break;
      case '--max-latency': o.maxLatency = numVal(); break;
      case '--live-sync-duration': o.liveSyncDuration = numVal(); break;
      case '--margin': o.margin = numVal(); break;
      case '--chromium': o.chromium = val(); break;
      case '--read-clock': o.readClock = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (o.kind !== 'hls' && o.kind !== 'dash') throw new Error('--kind must be hls or dash');
  if (!o.url) throw new Error('--url is required');
  if (o.seconds < 3 || o.seconds > 3600) throw new Error('--seconds must be within 3..3600');
  return o;
}

const PLAYER_FILES = {
  hls: path.join(NM, 'hls.js', 'dist', 'hls.min.js'),
  dash: path.join(NM, 'dashjs', 'dist', 'modern', 'umd', 'dash.all.min.js'),
};

function pageHtml(cfg) {
  // JSON inside <script>: escape '<' so a URL cannot close the tag.
  const json = JSON.stringify(cfg).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>vigil player check</title></head>
<body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline width="640" height="360"></video>
<script>window.__cfg = ${json};</script>
<script src="/player.js"></script>
<script src="/page.js"></script>
</body></html>`;
}

// Tiny static server: the test page, the player library, the harness script,
// and /time (ISO 8601 with milliseconds) for DASH clock synchronisation.
function startServer(opts) {
  const files = {
    '/player.js': PLAYER_FILES[opts.kind],
    '/page.js': path.join(HERE, 'page.js'),
  };
  for (const f of Object.values(files)) {
    if (!fs.existsSync(f)) throw new Error(`missing ${f}: run "npm ci --no-audit --no-fund" in ${HERE}`);
  }
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const send = (code, type, body) => {
      res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
      res.end(body);
    };
    if (u.pathname === '/' || u.pathname === '/index.html') {
      return send(200, 'text/html; charset=utf-8', pageHtml(server.pageCfg));
    }
    if (u.pathname === '/time') return send(200, 'text/plain', new Date().toISOString());
    if (u.pathname === '/favicon.ico') return send(204, 'text/plain', '');
    const f = files[u.pathname];
    if (!f) return send(404, 'text/plain', 'not found');
    send(200, 'text/javascript; charset=utf-8', fs.readFileSync(f));
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function quantile(sorted, q) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}

function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && isFinite(x)).sort((a, b) => a - b);
  const r3 = (x) => (x === null ? null : +x.toFixed(3));
  return { n: v.length, min: r3(v[0] ?? null), p50: r3(quantile(v, 0.5)), p95: r3(quantile(v, 0.95)), max: r3(v.length ? v[v.length - 1] : null) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${e.message}\n${USAGE}`);
    process.exit(2);
  }

  // Hard stop: whatever happens, this process ends.
  const hardLimitMs = (opts.seconds + 90) * 1000;
  const killer = setTimeout(() => {
    console.error(`FAIL: harness exceeded its ${hardLimitMs / 1000} s limit`);
    process.exit(1);
  }, hardLimitMs);

  const server = await startServer(opts);
  const base = `http://127.0.0.1:${server.address().port}`;
  server.pageCfg = { kind: opts.kind, url: opts.url, lowLatency: opts.lowLatency,
    liveSyncDuration: opts.liveSyncDuration, timeUrl: `${base}/time`, readClock: opts.readClock };

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chromium-'));
  const consoleNotes = [];
  const requests = [];
  let context;
  let report = null;
  let harnessError = null;
  let wallStart = null;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: opts.chromium,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required', '--disable-crash-reporter', '--disable-breakpad',
      ],
      timeout: 30000,
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && consoleNotes.length < 50) consoleNotes.push(`${m.type()}: ${m.text()}`.slice(0, 500));
    });
    // Every media request with its timing, kept to explain a stall afterwards.
    const started = new Map();
    const done = (r, status) => {
      const t0 = started.get(r);
      if (t0 === undefined) return;
      started.delete(r);
      const u = new URL(r.url());
      requests.push({ t0: t0 - wallStart, t1: Date.now() - wallStart, status, url: u.pathname.split('/').slice(-2).join('/') + u.search });
    };
    page.on('request', (r) => { if (r.url().startsWith(opts.url.split('/live/')[0])) started.set(r, Date.now()); });
    page.on('requestfinished', async (r) => { const resp = await r.response().catch(() => null); done(r, resp ? resp.status() : 0); });
    page.on('requestfailed', (r) => done(r, `failed: ${r.failure()?.errorText}`));
    page.on('pageerror', (e) => { if (consoleNotes.length < 50) consoleNotes.push(`pageerror: ${e.message}`.slice(0, 500)); });

    wallStart = Date.now();
    await page.goto(`${base}/`, { waitUntil: 'load', timeout: 30000 });
    // Watch for the given seconds from page load, leaving early on a fatal error.
    const deadline = wallStart + opts.seconds * 1000;
    let toldPlaying = false;
    while (Date.now() < deadline) {
      await sleep(Math.min(toldPlaying ? 500 : 100, Math.max(0, deadline - Date.now())));
      const state = await page.evaluate(() => window.__report && { fatal: window.__report.fatal, playing: window.__report.firstPlayingMs });
      if (state && state.fatal) { await sleep(300); break; }
      // A line as soon as the picture moves, for a caller that acts once a
      // viewer is watching (the report comes at the end).
      if (!toldPlaying && state && typeof state.playing === 'number') {
        toldPlaying = true;
        process.stderr.write(`playing: first frame ${Math.round(state.playing)} ms after the page load\n`);
      }
    }
    report = await page.evaluate(() => window.__finish());
  } catch (e) {
    harnessError = e.message.split('\n')[0];
  } finally {
    if (context) await context.close().catch(() => {});
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const watchedSeconds = wallStart ? (Date.now() - wallStart) / 1000 : 0;

  const out = evaluate(opts, report, harnessError, consoleNotes, watchedSeconds);
  // The requests around each stall (page time ~ harness time since the page load).
  if (out.stalls && out.stalls.events.length)
    out.stalls.requests = requests.filter((q) => out.stalls.events.some((e) =>
      q.t1 >= e.atMs - 3000 && q.t0 <= e.atMs + e.durationMs + 500)).slice(0, 200);
  const text = JSON.stringify(out, null, 2);
  if (opts.json) fs.writeFileSync(opts.json, text + '\n');
  const g2g = out.glassToGlass ? `, glass-to-glass p50 ${out.glassToGlass.p50} s p95 ${out.glassToGlass.p95} s (${out.glassToGlass.n} frames, ${out.glassToGlass.invalid} unreadable)` : '';
  const verdict = out.ok
    ? `PASS: ${opts.kind} startup ${out.startupMs} ms, latency p50 ${out.latency.p50} s (${out.latency.source})${g2g}, no stalls`
    : `FAIL: ${out.reasons.join('; ')}`;
  clearTimeout(killer);
  // Exit only once both are written: of a report over 64 KB (a stall's
  // requests) a pipe takes what fits at once and Node writes the rest later;
  // process.exit() cut it there, and the verdict after it.
  process.stdout.write(text + '\n', () => process.stderr.write(verdict + '\n', () => process.exit(out.ok ? 0 : 1)));
}

function evaluate(opts, R, harnessError, consoleNotes, watchedSeconds) {
  const reasons = [];
  if (harnessError) reasons.push(`harness error: ${harnessError}`);
  R = R || { errors: [], stalls: [], playerStalls: [], latency: [], levels: [], jumps: [] };

  const started = R.firstPlayingMs != null;
  const startupMs = started ? Math.round(R.firstPlayingMs) : null;
  if (R.fatal) reasons.push(`fatal player error: ${R.fatalReason}`);
  if (!started && !harnessError) reasons.push(R.fatal ? 'playback never started' : `playback never started within ${opts.seconds} s`);

  const stallCount = R.stalls.length;
  const stallMs = R.stalls.reduce((s, x) => s + x.durationMs, 0);
  if (stallCount > 0) reasons.push(`${stallCount} stall(s) after startup, ${stallMs} ms in total`);
  if (R.playerStalls.length > 0) reasons.push(`${R.playerStalls.length} player-reported stall event(s) after startup`);
  const frozenMs = Math.round(R.frozenMs || 0);
  if (frozenMs > 1500) reasons.push(`video frozen (not paused, not waiting, currentTime still) for ${frozenMs} ms`);

  const expectedMin = Math.max(0, opts.seconds - (startupMs ?? opts.seconds * 1000) / 1000 - opts.margin);
  const played = +(R.playedSeconds || 0).toFixed(3);
  const advanced = started ? +(R.currentTime - R.startCurrentTime).toFixed(3) : 0;
  if (started && !R.fatal && played < expectedMin) reasons.push(`playback progressed ${played} s, expected at least ${expectedMin.toFixed(3)} s`);

  const samples = R.latency || [];
  const pdt = stats(samples.map((s) => s.pdtLatency));
  const player = stats(samples.map((s) => s.playerLatency));
  const source = opts.kind === 'hls' && pdt.n > 0 ? 'program-date-time' : 'player';
  const primary = source === 'program-date-time' ? pdt : player;
  if (opts.maxLatency != null) {
    if (primary.p50 == null) reasons.push('no latency samples to compare with --max-latency');
    else if (primary.p50 >= opts.maxLatency) reasons.push(`latency p50 ${primary.p50} s is not below ${opts.maxLatency} s`);
  }

  let glassToGlass;
  if (opts.readClock) {
    const c = R.clock || { framesSeen: 0, invalid: 0, values: [], firstValidAtMs: null };
    glassToGlass = { ...stats(c.values), framesSeen: c.framesSeen, invalid: c.invalid, firstValidAtMs: c.firstValidAtMs };
    if (started && glassToGlass.n === 0) reasons.push(`--read-clock: none of ${c.framesSeen} displayed frames carried a valid clock code`);
  }

  const levelsSeen = [];
  for (const l of R.levels || []) {
    const key = JSON.stringify([l.level ?? l.id, l.width, l.height, l.bitrate]);
    if (!levelsSeen.some((x) => x.key === key)) levelsSeen.push({ key, ...l });
  }

  return {
    ok: reasons.length === 0,
    reasons,
    kind: opts.kind,
    url: opts.url,
    player: R.player ? { name: R.player, version: R.version, config: R.playerConfig } : null,
    lowLatency: opts.lowLatency,
    seconds: opts.seconds,
    watchedSeconds: +watchedSeconds.toFixed(3),
    startupMs,
    progress: { playedSeconds: played, currentTimeAdvanced: advanced, expectedMinSeconds: +expectedMin.toFixed(3),
      startCurrentTime: R.startCurrentTime ?? null, endCurrentTime: R.currentTime ?? null, jumps: R.jumps },
    stalls: { count: stallCount, totalMs: stallMs, waitingEvents: R.waitingEvents ?? 0, frozenMs,
      playerReported: R.playerStalls.length, events: R.stalls, playerEvents: R.playerStalls.slice(0, 50),
      playerLog: stallCount ? (R.stallLogs ?? []) : [] },
    startLog: R.startLog ?? [],
    errors: { count: R.errors.length, fatal: !!R.fatal, list: R.errors.slice(0, 50) },
    latency: { source, maxLatency: opts.maxLatency, ...primary,
      programDateTime: opts.kind === 'hls' ? pdt : undefined, player,
      samples: samples.map(({ atMs, pdtLatency, playerLatency, targetLatency, playbackRate, bufferAhead, glassToGlass }) =>
        ({ atMs, pdtLatency, playerLatency, targetLatency, playbackRate, bufferAhead,
          ...(opts.readClock ? { glassToGlass } : {}) })) },
    levels: { available: R.levelList ?? null, seen: levelsSeen.map(({ key, ...l }) => l), videoResolutions: R.resolutions ?? [] },
    frames: R.frames ?? null,
    ...(opts.readClock ? { glassToGlass } : {}),
    console: consoleNotes,
  };
}

main().catch((e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
