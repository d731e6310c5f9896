// Runs inside the test page. Plays window.__cfg.url with hls.js or dash.js and
// records everything play.mjs reports into window.__report. No network access
// besides the stream's origin and the page's own server.
(() => {
  'use strict';
  const cfg = window.__cfg;
  const video = document.getElementById('v');
  const now = () => performance.now(); // ms since navigation start
  const R = (window.__report = {
    player: null,
    version: null,
    playerConfig: null,
    firstPlayingMs: null,
    startCurrentTime: null,
    currentTime: 0,
    playedSeconds: 0,
    jumps: [],
    waitingEvents: 0,
    stalls: [],
    playerStalls: [],
    frozenMs: 0,
    errors: [],
    fatal: false,
    fatalReason: null,
    latency: [],
    levels: [],
    levelList: null,
    resolutions: [],
    frames: null,
    consoleNotes: [],
  });

  const MAX_ERRORS = 200;
  function addError(e) {
    if (R.errors.length < MAX_ERRORS) R.errors.push(e);
    if (e.fatal && !R.fatal) {
      R.fatal = true;
      R.fatalReason = [e.type, e.details, e.httpCode ? 'HTTP ' + e.httpCode : null, e.url]
        .filter(Boolean).join(' ');
    }
  }

  // ---- the player's own log: the last lines kept, and copied around stalls ----
  const LOG_RING = 800;
  const logRing = [];
  const keep = (level) => (...args) => {
    const text = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : String(a))).join(' ');
    const line = `${Math.round(now())} ${level} ${text}`.slice(0, 400);
    logRing.push(line);
    if (logRing.length > LOG_RING) logRing.shift();
    // Where the player chose to start and how it steered its latency: what
    // explains a latency far from the playlist's target.
    if (R.startLog.length < 40 && /startPosition|[Ss]eek|latency-controller|nudg/.test(text)) R.startLog.push(line);
  };
  const playerLog = { log: keep('log'), info: keep('info'), debug: keep('debug'), warn: keep('warn'), error: keep('error'), trace: keep('trace') };
  // A stall's log: what the ring held when it began (its last 3 s), then
  // what came during the stall; at most 3 stalls and 600 lines each.
  R.stallLogs = [];
  R.startLog = [];
  let stallLog = null;
  const lineMs = (l) => Number(l.slice(0, l.indexOf(' ')));
  function beginStallLog(atMs) {
    if (R.stallLogs.length >= 3) return;
    stallLog = { atMs, before: logRing.filter((l) => lineMs(l) >= atMs - 3000).slice(-400) };
  }
  function keepStallLog() {
    if (!stallLog) return;
    const during = logRing.filter((l) => lineMs(l) > stallLog.atMs).slice(0, 200);
    R.stallLogs.push(stallLog.before.concat(during));
    stallLog = null;
  }

  // ---- element-level observation (same for both players) ----
  let stallStart = null;
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.addEventListener('playing', () => {
    const t = now();
    if (R.firstPlayingMs === null) {
      R.firstPlayingMs = t;
      R.startCurrentTime = video.currentTime;
    }
    if (stallStart !== null) {
      R.stalls.push({ atMs: Math.round(stallStart), durationMs: Math.round(t - stallStart) });
      keepStallLog();
      stallStart = null;
    }
  });
  video.addEventListener('waiting', () => {
    R.waitingEvents++;
    if (R.firstPlayingMs !== null && stallStart === null) {
      stallStart = now();
      beginStallLog(stallStart);
    }
  });
  video.addEventListener('resize', () => {
    if (R.resolutions.length < 100) R.resolutions.push({ atMs: Math.round(now()), width: video.videoWidth, height: video.videoHeight });
  });
  video.addEventListener('error', () => {
    const me = video.error;
    addError({ atMs: Math.round(now()), source: 'video', type: 'mediaElementError',
      details: me ? `code ${me.code}: ${me.message}` : 'unknown', fatal: true });
  });

  // currentTime bookkeeping every 250 ms: played time, forward jumps, freezes.
  let lastCt = null;
  let lastTick = null;
  setInterval(() => {
    const t = now();
    const ct = video.currentTime;
    R.currentTime = ct;
    if (R.firstPlayingMs !== null && lastCt !== null) {
      const d = ct - lastCt;
      if (d > 0 && d < 1.5) R.playedSeconds += d;
      else if (Math.abs(d) >= 1.5) R.jumps.push({ atMs: Math.round(t), from: lastCt, to: ct });
      if (d === 0 && !video.paused && stallStart === null) R.frozenMs += t - lastTick;
    }
    lastCt = ct;
    lastTick = t;
  }, 250);

  function bufferedAhead() {
    const b = video.buffered;
    const ct = video.currentTime;
    for (let i = 0; i < b.length; i++) {
      if (ct >= b.start(i) - 0.1 && ct <= b.end(i)) return +(b.end(i) - ct).toFixed(3);
    }
    return 0;
  }

  function frames() {
    const q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
    return {
      decoded: q ? q.totalVideoFrames : null,
      dropped: q ? q.droppedVideoFrames : null,
      webkitDecoded: video.webkitDecodedFrameCount ?? null,
    };
  }

  let sampleLatency = () => ({});
  setInterval(() => {
    R.frames = frames();
    if (R.firstPlayingMs === null) return;
    const s = sampleLatency();
    R.latency.push({
      atMs: Math.round(now()),
      currentTime: +video.currentTime.toFixed(3),
      playbackRate: video.playbackRate,
      bufferAhead: bufferedAhead(),
      ...s,
      ...(cfg.readClock ? { glassToGlass: lastGlassToGlass === null ? null : +lastGlassToGlass.toFixed(3) } : {}),
    });
    if (R.latency.length > 2000) R.latency.shift();
  }, 500);

  window.__finish = () => {
    if (stallStart !== null) {
      R.stalls.push({ atMs: Math.round(stallStart), durationMs: Math.round(now() - stallStart), ongoing: true });
      keepStallLog();
      stallStart = null;
    }
    R.frames = frames();
    R.currentTime = video.currentTime;
    return R;
  };

  const num = (x) => (typeof x === 'number' && isFinite(x) ? +x.toFixed(3) : null);

  // ---- --read-clock: the capture clock drawn into the picture ----
  // bench/clock_publisher.cpp draws, into each frame when it is captured, the
  // UTC milliseconds modulo 2^32 as 44 cells of 14x28 px at (12, 12) of a
  // 640x360 picture: start guard (white, black), 32 value bits (most
  // significant first), CRC-8 (polynomial 0x07) of the value's four bytes,
  // end guard (black, white). On each displayed frame the video is drawn into
  // a 640x360 canvas (any rendition scales back to those coordinates), every
  // cell's centre is averaged, and a frame is used only if every cell is
  // clearly black or white, the guards match and the CRC holds; its
  // glass-to-glass latency is Date.now() minus the decoded capture time (the
  // publisher and the browser share this machine's clock).
  const CLOCK = { cellW: 14, cellH: 28, x: 12, y: 12, cells: 44, w: 640, h: 360 };
  const MAX_CLOCK_SAMPLES = 200000;
  function crc8(bytes) {
    let crc = 0;
    for (const b of bytes) {
      crc ^= b;
      for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
    return crc;
  }
  function decodeClock(ctx) {
    const band = ctx.getImageData(0, CLOCK.y, CLOCK.w, CLOCK.cellH).data;
    const bits = [];
    const mx = Math.floor(CLOCK.cellW / 4), my = Math.floor(CLOCK.cellH / 4);
    for (let c = 0; c < CLOCK.cells; c++) {
      const x0 = CLOCK.x + c * CLOCK.cellW;
      let sum = 0, n = 0;
      for (let y = my; y < CLOCK.cellH - my; y++) {
        for (let x = x0 + mx; x < x0 + CLOCK.cellW - mx; x++) {
          const i = (y * CLOCK.w + x) * 4;
          sum += band[i] + band[i + 1] + band[i + 2];
          n += 3;
        }
      }
      const v = sum / n;
      if (v < 80) bits.push(0);
      else if (v > 175) bits.push(1);
      else return null; // undecided cell: not a clean frame
    }
    if (bits[0] !== 1 || bits[1] !== 0 || bits[42] !== 0 || bits[43] !== 1) return null;
    let value = 0;
    for (let i = 0; i < 32; i++) value = value * 2 + bits[2 + i];
    let crc = 0;
    for (let i = 0; i < 8; i++) crc = crc * 2 + bits[34 + i];
    const bytes = [Math.floor(value / 2 ** 24) & 0xff, Math.floor(value / 2 ** 16) & 0xff, Math.floor(value / 2 ** 8) & 0xff, value & 0xff];
    if (crc8(bytes) !== crc) return null;
    // Unwrap modulo 2^32 ms (49.7 days) to the capture time nearest now.
    const now = Date.now();
    let t = now - (now % 2 ** 32) + value;
    if (t > now + 2 ** 31) t -= 2 ** 32;
    else if (t < now - 2 ** 31) t += 2 ** 32;
    return t;
  }
  let lastGlassToGlass = null;
  if (cfg.readClock) {
    R.clock = { framesSeen: 0, invalid: 0, values: [], firstValidAtMs: null };
    if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype)) {
      addError({ atMs: Math.round(now()), source: 'page', type: 'setup', details: 'requestVideoFrameCallback not supported', fatal: true });
    } else {
      const canvas = document.createElement('canvas');
      canvas.width = CLOCK.w;
      canvas.height = CLOCK.h;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      const onFrame = () => {
        const shownAt = Date.now();
        R.clock.framesSeen++;
        try {
          ctx.drawImage(video, 0, 0, CLOCK.w, CLOCK.h);
          const captured = decodeClock(ctx);
          if (captured === null) R.clock.invalid++;
          else {
            lastGlassToGlass = (shownAt - captured) / 1000;
            if (R.clock.firstValidAtMs === null) R.clock.firstValidAtMs = Math.round(now());
            if (R.clock.values.length < MAX_CLOCK_SAMPLES) R.clock.values.push(lastGlassToGlass);
          }
        } catch (err) {
          R.clock.invalid++;
          if (R.errors.length < MAX_ERRORS) R.errors.push({ atMs: Math.round(now()), source: 'page', type: 'readClock', details: String(err), fatal: false });
        }
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
  }


  // ---- hls.js ----
  function startHls() {
    const Hls = window.Hls;
    R.player = 'hls.js';
    R.version = Hls.version;
    if (!Hls.isSupported()) {
      addError({ atMs: Math.round(now()), source: 'hls.js', type: 'setup', details: 'MSE not supported', fatal: true });
      return;
    }
    const config = {
      // hls.js's own log goes to a ring (cheap; nothing printed), so that a
      // stall is reported with what hls.js was doing around it.
      debug: playerLog,
      enableWorker: true,
      lowLatencyMode: !!cfg.lowLatency,
      // Keep hls.js from reaching for anything but the stream.
      capLevelToPlayerSize: false,
      // hls.js's own default (Infinity). With backBufferLength: 30, hls.js
      // 1.7.4 stalled ~3 s at a segment boundary once its back-buffer
      // eviction began (4 of 4 one-minute LL-HLS runs here; none with the
      // default): its flush interrupts the part loading (hls.js#6919).
      backBufferLength: Infinity,
      // A live stream's MediaSource duration is Infinity (with a live
      // seekable range), as live players built on hls.js set it. By default
      // hls.js 1.7.4 re-sets the duration on every playlist refresh (every
      // 200 ms part in LL-HLS), and at startup one of those sets raced its own
      // appends ("The 'updating' attribute is true"). That race is gone; the
      // refused append it led to still happens now and then around the
      // startup seek (tests/e2e/players/README.md).
      liveDurationInfinity: true,
    };
    if (cfg.lowLatency) {
      // Target latency comes from the playlist: in lowLatencyMode hls.js uses
      // PART-HOLD-BACK (else HOLD-BACK) unless liveSyncDuration(Count) is set,
      // which would override the server. Only gentle rate-based catch-up here.
      config.maxLiveSyncPlaybackRate = 1.15;
    }
    if (cfg.liveSyncDuration != null) {
      config.liveSyncDuration = cfg.liveSyncDuration;
      config.liveMaxLatencyDuration = Math.max(cfg.liveSyncDuration * 3, cfg.liveSyncDuration + 6);
    }
    R.playerConfig = config;
    const hls = new Hls(config);
    window.__hls = hls;
    let currentHlsLevel = -1;

    hls.on(Hls.Events.ERROR, (ev, data) => {
      const e = {
        atMs: Math.round(now()),
        source: 'hls.js',
        type: data.type,
        details: data.details,
        fatal: !!data.fatal,
        reason: data.reason || (data.error && data.error.message) || null,
        httpCode: (data.response && data.response.code) || null,
        url: (data.frag && data.frag.url) || (data.context && data.context.url) || data.url || null,
      };
      if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR && R.firstPlayingMs !== null) {
        R.playerStalls.push({ atMs: e.atMs, event: 'BUFFER_STALLED_ERROR', bufferAhead: bufferedAhead() });
      }
      addError(e);
    });
    hls.on(Hls.Events.MANIFEST_PARSED, (ev, data) => {
      R.levelList = data.levels.map((l, i) => ({ index: i, width: l.width, height: l.height, bitrate: l.bitrate, codecs: [l.videoCodec, l.audioCodec].filter(Boolean).join(',') }));
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (ev, data) => {
      const l = hls.levels[data.level];
      currentHlsLevel = data.level;
      R.levels.push({ atMs: Math.round(now()), level: data.level, width: l && l.width, height: l && l.height, bitrate: l && l.bitrate });
    });

    sampleLatency = () => {
      // Independent latency from EXT-X-PROGRAM-DATE-TIME: wall clock minus the
      // PDT-mapped time of video.currentTime (extrapolated from the last
      // segment that starts at or before it).
      const lvl = hls.levels[currentHlsLevel >= 0 ? currentHlsLevel : hls.currentLevel];
      const d = lvl && lvl.details;
      const ct = video.currentTime;
      let pdt = null;
      if (d && d.fragments) {
        let f = null;
        for (const fr of d.fragments) {
          if (fr.start <= ct + 0.001 && fr.programDateTime) f = fr;
          else if (fr.start > ct) break;
        }
        if (f) pdt = (Date.now() - (f.programDateTime + (ct - f.start) * 1000)) / 1000;
      }
      return {
        pdtLatency: num(pdt),
        playerLatency: num(hls.latency),
        targetLatency: num(hls.targetLatency),
        partHoldBack: d ? num(d.partHoldBack) : null,
        holdBack: d ? num(d.holdBack) : null,
        level: currentHlsLevel,
      };
    };

    hls.attachMedia(video);
    hls.on(Hls.Events.MEDIA_ATTACHED, () => hls.loadSource(cfg.url));
    video.play().catch(() => {}); // autoplay (muted) also starts it
  }

  // ---- dash.js ----
  function startDash() {
    const dashjs = window.dashjs;
    R.player = 'dash.js';
    const player = dashjs.MediaPlayer().create();
    window.__dash = player;
    R.version = player.getVersion();
    const settings = {
      debug: { logLevel: dashjs.Debug.LOG_LEVEL_WARNING },
      streaming: {
        // Used only when the MPD has no UTCTiming of its own; keeps dash.js
        // off public time servers.
        utcSynchronization: {
          defaultTimingSource: { scheme: 'urn:mpeg:dash:utc:http-xsdate:2014', value: cfg.timeUrl },
        },
      },
    };
    if (cfg.lowLatency) {
      settings.streaming.liveCatchup = { enabled: true };
    }
    if (cfg.liveSyncDuration != null) {
      settings.streaming.delay = { liveDelay: cfg.liveSyncDuration };
    }
    R.playerConfig = settings;
    player.updateSettings(settings);
    const E = dashjs.MediaPlayer.events;

    player.on(E.ERROR, (e) => {
      const err = e.error || {};
      addError({
        atMs: Math.round(now()), source: 'dash.js', type: 'error',
        details: `code ${err.code}: ${err.message || ''}`.trim(),
        fatal: true,
        url: (err.data && (err.data.url || (err.data.request && err.data.request.url))) || null,
      });
    });
    player.on(E.PLAYBACK_ERROR, (e) => {
      addError({ atMs: Math.round(now()), source: 'dash.js', type: 'playbackError', details: String(e.error && (e.error.message || e.error.code) || e.error), fatal: true });
    });
    const playerStall = (name) => () => {
      if (R.firstPlayingMs !== null) R.playerStalls.push({ atMs: Math.round(now()), event: name, bufferAhead: bufferedAhead() });
    };
    player.on(E.PLAYBACK_STALLED, playerStall('PLAYBACK_STALLED'));
    player.on(E.PLAYBACK_WAITING, playerStall('PLAYBACK_WAITING'));
    const rep = (r) => r && { id: r.id, width: r.width, height: r.height, bitrate: r.bandwidth };
    player.on(E.STREAM_INITIALIZED, () => {
      const r = player.getCurrentRepresentationForType('video');
      if (r) R.levels.push({ atMs: Math.round(now()), ...rep(r) });
      try {
        const list = player.getRepresentationsByType('video') || [];
        R.levelList = list.map(rep);
      } catch (_) { /* older API */ }
    });
    player.on(E.QUALITY_CHANGE_RENDERED, (e) => {
      if (e.mediaType === 'video') R.levels.push({ atMs: Math.round(now()), ...rep(e.newRepresentation) });
    });

    sampleLatency = () => ({
      playerLatency: num(player.getCurrentLiveLatency()),
      targetLatency: num(player.getTargetLiveDelay()),
    });
    player.initialize(video, cfg.url, true);
  }

  try {
    if (cfg.kind === 'hls') startHls();
    else startDash();
  } catch (err) {
    addError({ atMs: Math.round(now()), source: 'page', type: 'exception', details: String(err && err.stack || err), fatal: true });
  }
})();
