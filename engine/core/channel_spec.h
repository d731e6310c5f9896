// Plain parameter structs describing a channel: what the config file, the
// control API and (later) the console's editor all fill in. Defaults here are
// the product defaults; validation lives in control/config (one schema).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

struct VideoRenditionSpec {
  std::string id;  // "v0" ... (URI-safe)
  int width = 0;
  int height = 0;
  int frameRateNum = 30;  // output frame rate; must divide the source rate
  int frameRateDen = 1;
  int64_t bitrateBps = 0;
  int64_t maxrateBps = 0;            // VBV cap; 0 = same as bitrate
  int64_t bufsizeBits = 0;           // VBV buffer; 0 = an eighth of a segment at maxrate (videoRateControl)
  std::string preset = "superfast";  // x264 preset
  std::string profile = "high";      // baseline | main | high
  std::string level;                 // "" = let x264 choose, else e.g. "4.2"
};

struct AudioRenditionSpec {
  std::string id = "a0";
  int sampleRate = 48000;
  int channels = 2;
  int64_t bitrateBps = 128000;
  std::string language = "en";
  std::string name = "Main";
};

struct PackagingSpec {
  int segmentDurationMs = 2000;
  int partDurationMs = 200;    // 0 would disable LL-HLS parts; 100..1000
  int partHoldBackMs = 600;    // >= 3 part targets (rfc8216bis)
  int liveWindowSegments = 6;  // segments listed in the live playlist
  int dvrWindowSegments = 60;  // segments kept in memory and addressable
};

// When the monitor raises the channel's alarms (monitor/alarm_rules.h).
struct AlarmSpec {
  // Manifest age thresholds; 0: the default, 3 s and 6 s with LL-HLS parts,
  // scaled by segment duration / 2 s for classic HLS (part == segment).
  int manifestAgeWarningMs = 0;
  int manifestAgeCriticalMs = 0;
  int clearAfterMs = 2000;     // a manifest-age alarm clears after the age stays below warning this long
  int badFeedClearMs = 30000;  // input.bad-feed clears after the input is fit with still error counters this long
};

// The built-in test source: a moving pattern with a burned-in wall clock and a tone.
struct TestSourceSpec {
  int width = 640;
  int height = 360;
  int frameRateNum = 30;
  int frameRateDen = 1;
  int sampleRate = 48000;
  int channels = 2;
  int toneHz = 1000;
  bool realtime = true;  // pace frames to the wall clock (false: as fast as possible)
};

// A contribution input: SRT (the stream id names it) or RTMP (application and stream key).
struct InputSpec {
  std::string id = "primary";           // URI-safe; the SRT stream id is <channel>/<id>
  std::string type = "srt";             // "srt" | "rtmp"
  std::string app;                      // RTMP application (rtmp://host/<app>/<key>); empty: the channel id
  std::string key;                      // RTMP stream key: a secret, never logged; required for RTMP
  std::string passphrase;               // SRT AES passphrase, 10..79 characters; empty: unencrypted
  int pbkeylen = 16;                    // AES-128 / 192 / 256: 16, 24, 32
  int latencyMs = 120;                  // SRT receive latency (retransmission window)
  std::vector<std::string> allowCidrs;  // callers' addresses allowed; empty: any
};

// When the input switch takes an input off air, and when it brings the primary
// back (inputs[0] is the primary; the others are backups, in order).
struct FailoverSpec {
  int lossMs = 500;             // no video frame for this long: loss of signal (undecodable while bytes still arrive)
  int blackMs = 3000;           // black picture for this long; 0: never a reason
  int silenceMs = 5000;         // audio below -60 dBFS (or none) for this long; 0: never a reason
  int freezeMs = 3000;          // the same picture for this long; 0: never a reason
  bool autoReturn = true;       // back to the primary once it has been fit for returnHoldoffMs
  int returnHoldoffMs = 10000;  // then the switch happens at the next segment boundary
};

// Redundant pipelines (DESIGN.md contract 6): a Standard channel runs two
// pipeline worker processes over the same frames, a Single channel one; the
// packager takes each part from the preferred one while it keeps up.
struct RedundancySpec {
  std::string mode = "standard";  // "standard" (two pipelines) | "single"
  int preferred = 0;              // the pipeline parts come from while it is healthy
  int lagMs = 250;                // the preferred pipeline's part this late behind the other's: take the other's
  int hangMs = 3000;              // a worker silent (or fed without a part) this long is killed and restarted
  int steadySegments = 2;         // a restarted pipeline rejoins after this many segments without a spike
  bool emergencySlate = true;     // an in-engine slate ladder goes on air while no pipeline delivers
  int pipelines() const { return mode == "single" ? 1 : 2; }
};

// Region failover: a standby region (another engine following this one)
// takes the channel's viewers. Vigil's part is the hook: it POSTs what
// happened to hookUrl, whose owner steers the traffic (DNS, a CDN's origin
// group); control/region_failover.h.
struct RegionFailoverSpec {
  std::string hookUrl;  // http://host[:port]/path; empty: no standby region
  int afterMs = 0;      // output in outage this long calls the hook by itself; 0: only an operator does
};

struct ChannelSpec {
  std::string id;    // URI-safe channel id
  std::string name;  // display name
  // What the source must look like: the test source's parameters, or what a
  // contribution input is expected to carry (the ladder is checked against it).
  TestSourceSpec source;
  std::vector<InputSpec> inputs;  // empty: the built-in test source
  FailoverSpec failover;
  RedundancySpec redundancy;
  RegionFailoverSpec regionFailover;
  std::vector<VideoRenditionSpec> video;
  AudioRenditionSpec audio;
  PackagingSpec packaging;
  AlarmSpec alarms;
};

// The rate control a video rendition is encoded with, and the bitrate no
// segment of it can exceed. In the VBV model the bits of any window of T
// seconds are at most maxrate * T + bufsize, so a segment of D seconds
// averages at most maxrate + bufsize / D: that is the rendition's peak (HLS
// BANDWIDTH, DASH @bandwidth). An unset bufsize is an eighth of a segment at
// maxrate, so no segment can exceed 1.125 x maxrate: x264's 1-pass ABR with
// a one-second buffer lets the segments of a steady encoder swing to 1.17 x
// their target on the test pattern, which every player downloading such a
// segment reads as a drop in throughput (bench/RESULTS.md, "Restart spike").
struct VideoRateControl {
  int64_t maxrateBps = 0;
  int64_t bufsizeBits = 0;
  int64_t segmentPeakBps = 0;
};
VideoRateControl videoRateControl(const VideoRenditionSpec& spec, int64_t segmentDuration90k);

// Every rendition id of a channel: the video ladder's in order, then the audio's.
std::vector<std::string> renditionIds(const ChannelSpec& spec);

// The product default ladder: 1080p60 6 Mbps / 720p60 3 Mbps / 480p 1.2 Mbps /
// 360p 0.6 Mbps / 160p 0.3 Mbps, capped at the source resolution (no upscaling).
std::vector<VideoRenditionSpec> defaultLadder(int sourceWidth, int sourceHeight, int sourceFps);
// The small ladder of the demo and the tests: real time on 2 cores with headroom.
std::vector<VideoRenditionSpec> demoLadder();

}  // namespace vigil
