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
      stallStart = null;
    }
  });
  video.addEventListener('waiting', () => {
    R.waitingEvents++;
    if (R.firstPlayingMs !== null && stallStart === null) stallStart = now();
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
    });
    if (R.latency.length > 2000) R.latency.shift();
  }, 500);

  window.__finish = () => {
    if (stallStart !== null) {
      R.stalls.push({ atMs: Math.round(stallStart), durationMs: Math.round(now() - stallStart), ongoing: true });
      stallStart = null;
    }
    R.frames = frames();
    R.currentTime = video.currentTime;
    return R;
  };

  const num = (x) => (typeof x === 'number' && isFinite(x) ? +x.toFixed(3) : null);

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
      debug: false,
      enableWorker: true,
      lowLatencyMode: !!cfg.lowLatency,
      // Keep hls.js from reaching for anything but the stream.
      capLevelToPlayerSize: false,
      backBufferLength: 30,
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
