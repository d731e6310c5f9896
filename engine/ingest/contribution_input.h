// One contribution input as a FrameSource: the bytes its publishers send
// through a listener (MPEG-TS from SrtListener, FLV from RtmpListener) are
// demuxed by libavformat over a custom AVIOContext, decoded (H.264, AAC) and
// stamped onto the channel timeline.
//
//   auto input = std::make_unique<ContributionInput>("news1", "primary", timeline);
//   srtListener.addInput({"news1", "primary", passphrase, 16, 200, {}, input->publisherSink()});
//   input->start(sink);
//
//   ContributionInputOptions flv;
//   flv.container = ContributionInputOptions::Container::Flv;
//   auto rtmp = std::make_unique<ContributionInput>("news1", "backup", timeline, flv);
//   rtmpListener.addInput({"news1", "backup", "live", streamKey, {}, rtmp->publisherSink()});
//
// Timeline: the first frame of the first publisher lands at the current
// timeline time (or the period start, when later); later frames by their
// source-pts offset, on the stream's frame grid. A publisher that goes ends
// its session quietly (no onEndOfStream: a live input ends only by stop());
// the next publisher's first frame follows at the current timeline time, never
// before the last frame delivered. Audio is normalised like FileSource's.
// Garbage or a truncated stream ends its session with an error in status(),
// which also carries the input's health (rate, codecs, GOP, continuity, sync).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/timeline.h"
#include "ingest/frame_source.h"
#include "ingest/pacer.h"
#include "ingest/publisher_sink.h"

namespace vigil::ingest {

class SessionQueue;

struct ContributionInputOptions {
  // What the publishers' bytes are: MPEG-TS (SRT) or FLV (RTMP).
  enum class Container { MpegTs, Flv };
  Container container = Container::MpegTs;
  int sampleRate = 48000;
  int channels = 2;
  // The channel's frame rate: every feed's frames are placed on its grid (a
  // faster feed loses the frames that share a slot, a slower one leaves slots
  // empty; FLV's millisecond timestamps and an encoder that sends no frame
  // rate, read as 1000/33, land right). 0/0: the feed's own rate.
  int frameRateNum = 0;
  int frameRateDen = 0;
  size_t queueBytes = 4 << 20;  // between the listener's and the demux thread (~6 s at 5 Mb/s)
  // Probing budget before the first frame: libavformat's defaults (5 MB, 5 s)
  // cost seconds on a live feed; a stream with SPS/PPS at its start needs little.
  int64_t probeSizeBytes = 200'000;
  int64_t analyzeDurationUs = 300'000;
  // A session whose bytes yield no demuxed packet for this long is garbage
  // (probing: 4 probe sizes, at least 1 MB).
  int64_t maxBytesWithoutPacket = 8 << 20;
};

struct ContributionInputStatus {
  enum class State { Waiting, Probing, Live };
  State state = State::Waiting;
  int64_t sessions = 0;        // publisher sessions seen
  int64_t failedSessions = 0;  // ended by an error (garbage, no video, ...)
  int64_t videoFrames = 0;     // delivered, over all sessions
  int64_t timestampJumps = 0;  // source clock jumps re-anchored (over all sessions)
  int64_t codecChanges = 0;    // mid-session codec changes (each probed afresh)
  int64_t audioFrames = 0;
  int64_t bytesDropped = 0;   // by the queue's drop-oldest policy
  int64_t firstFrameMs = -1;  // latest session: publisher connected -> first video frame delivered
  int width = 0;
  int height = 0;
  std::string lastError;

  // Input health. Latest session unless said otherwise; zero or empty before its first frame.
  int64_t lastPayloadUtcUs = 0;    // when the last payload byte arrived (any session); 0: never
  double bitrateKbps = 0;          // payload received over the last ~2 s
  double frameRate = 0;            // delivered video frames over ~2 s of their source timestamps
  std::string videoCodec;          // libavcodec names: "h264", "aac"
  std::string audioCodec;          // empty: the feed has no audio
  int64_t keyframeIntervalMs = 0;  // between the last two key video packets (source time)
  int64_t continuityErrors = 0;    // MPEG-TS continuity_counter errors, over all sessions (FLV: 0)
  // Delivered video minus delivered audio (timeline pts), over the last
  // 2 s against the session's first 2 s: how far an encoder's audio clock
  // has drifted from its video clock (positive: audio later). AvDriftMeter.
  double avSyncDriftMs = 0;
};

class ContributionInput final : public FrameSource {
 public:
  ContributionInput(std::string channelId, std::string inputId, Timeline timeline,
                    ContributionInputOptions options = {});
  ~ContributionInput() override;
  ContributionInput(const ContributionInput&) = delete;
  ContributionInput& operator=(const ContributionInput&) = delete;

  // What the listener delivers this input's publishers to (SrtInputSpec::sink,
  // RtmpInputSpec::sink).
  std::shared_ptr<PublisherSink> publisherSink() const;

  Status start(FrameSink* sink) override;
  void stop() override;

  ContributionInputStatus status() const;
  // status().lastPayloadUtcUs alone, without the lock and the copy (polled by the input switch).
  int64_t lastPayloadUtcUs() const;
  // Called on the input's thread with the reason whenever a feed proves bad
  // (a session refused or broken, a codec change); set before start().
  void onFeedError(std::function<void(const std::string&)> callback) { feedError_ = std::move(callback); }

 private:
  class Feed;
  struct Session;
  void run(FrameSink* sink);
  // reprobe: the session goes on but its codec changed; run it again from its next bytes.
  Status runSession(FrameSink* sink, int64_t connectedAtUs, bool& reprobe);
  const char* containerName() const;

  const std::string channelId_;
  const std::string inputId_;
  const Timeline timeline_;
  const ContributionInputOptions options_;
  std::shared_ptr<Feed> feed_;  // shared with the listener, which may outlive this input

  // The timeline position carried from one session to the next; the thread only.
  struct Continuity;
  std::unique_ptr<Continuity> continuity_;

  std::function<void(const std::string&)> feedError_;
  mutable std::mutex statusMutex_;  // guards status_
  ContributionInputStatus status_;
  Pacer pacer_;  // the demux thread
};

}  // namespace vigil::ingest
