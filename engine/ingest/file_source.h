// A media file as a channel input: demuxed and decoded with libavformat /
// libavcodec, stamped onto the channel timeline (the first video frame at the
// start of the timeline's current period), optionally paced to the wall clock
// and looped. Video frames keep the file's size and pixel format (the
// pipeline's scaler converts); audio is normalised to what the AAC encoder
// takes: fltp, 48 kHz (FileSourceSpec), 1024-sample frames.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/timeline.h"
#include "ingest/frame_source.h"
#include "ingest/pacer.h"

namespace vigil::ingest {

struct FileSourceSpec {
  std::string path;
  bool realtime = false;  // pace to the wall clock (false: as fast as possible)
  bool loop = false;      // start over at the end, continuing the timeline
  int sampleRate = 48000;
  int channels = 2;
};

class FileSource final : public FrameSource {
 public:
  FileSource(std::string channelId, FileSourceSpec spec, Timeline timeline, int64_t maxDurationMs = 0);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Opens the file and its decoders (start() does it when not done yet), so
  // the caller can size the ladder from the input first.
  Status open();
  int width() const;
  int height() const;
  // Video frame rate as num/den (the stream's average rate).
  int frameRateNum() const;
  int frameRateDen() const;
  bool hasAudio() const;

  Status start(FrameSink* sink) override;
  void stop() override;

 private:
  struct Media;
  void run(FrameSink* sink);

  const std::string channelId_;
  const FileSourceSpec spec_;
  const Timeline timeline_;
  const int64_t maxDurationMs_;
  std::unique_ptr<Media> media_;  // opened by open(), then used only by the thread
  Pacer pacer_;                   // the source's thread; stop() interrupts a pacing sleep
};

}  // namespace vigil::ingest
