// Shared by the SRT ingest tests: a frame collector and waiting helpers.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "core/clock.h"
#include "ingest/frame_source.h"
#include "ingest/publisher_sink.h"
#include "support/wait_for.h"

namespace srttest {

struct Seen {
  bool video;
  int64_t pts;
  int nbSamples, sampleRate, channels, format;
  int64_t atUs;  // wall clock of delivery
};

class Collector : public vigil::ingest::FrameSink {
 public:
  void onVideoFrame(const AVFrame* f) override { add({true, f->pts, 0, 0, 0, f->format, vigil::nowUtcUs()}); }
  void onAudioFrame(const AVFrame* f) override {
    add({false, f->pts, f->nb_samples, f->sample_rate, f->ch_layout.nb_channels, f->format, vigil::nowUtcUs()});
  }
  void onEndOfStream() override { ended = true; }
  std::vector<Seen> frames() {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  int videoCount() {
    std::lock_guard lock(mutex_);
    return videos_;
  }
  std::atomic<bool> ended{false};

 private:
  void add(Seen s) {
    std::lock_guard lock(mutex_);
    videos_ += s.video;
    frames_.push_back(s);
  }
  std::mutex mutex_;
  std::vector<Seen> frames_;
  int videos_ = 0;
};

using vigil::test::waitFor;

// One publisher session carrying bytes, handed over as a listener does (1316-byte messages).
inline void publish(vigil::ingest::PublisherSink& sink, const QByteArray& bytes) {
  sink.onPublisherConnected("127.0.0.1:1234");
  for (qsizetype off = 0; off < bytes.size(); off += 1316)
    sink.onPayload(reinterpret_cast<const uint8_t*>(bytes.constData() + off),
                   static_cast<size_t>(std::min<qsizetype>(1316, bytes.size() - off)));
  sink.onPublisherGone();
}

// Video pts strictly increase on the frame grid; audio is contiguous 48 kHz
// stereo fltp in frames of at most 1024 samples. Returns an empty string or
// what is wrong.
inline std::string checkTimestamps(const std::vector<Seen>& frames, int64_t frameTicks) {
  int64_t lastVideo = -1, audioEnd = -1;
  for (const auto& f : frames) {
    if (f.video) {
      if (lastVideo >= 0 && (f.pts <= lastVideo || (f.pts - lastVideo) % frameTicks != 0))
        return "video pts " + std::to_string(f.pts) + " after " + std::to_string(lastVideo);
      lastVideo = f.pts;
    } else {
      if (f.sampleRate != 48000 || f.channels != 2 || f.nbSamples > 1024 || f.format != 8 /* AV_SAMPLE_FMT_FLTP */)
        return "audio frame not normalised";
      if (audioEnd >= 0 && f.pts < audioEnd) return "audio overlaps at " + std::to_string(f.pts);
      audioEnd = f.pts + int64_t{f.nbSamples} * 90000 / 48000;
    }
  }
  return {};
}

}  // namespace srttest
