// The wire between the engine and a pipeline worker process: length-prefixed
// messages over a local stream socket. Each message is a fixed header, a JSON
// object (what the message is about) and an opaque payload (plane bytes of a
// frame, the bytes of an init segment or a part). Both ends are the same build,
// and the header carries a magic number and a version so a stray peer is
// refused, not misread.
//
//   engine -> worker: Hello (channel spec, timeline, pipeline index), Video,
//                     Audio (decoded frames), Fault (test hook), EndOfStream
//   worker -> engine: Init, Part (CMAF), Stats (once a second: the worker is
//                     alive), Error (fatal: the worker exits after it)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/media_types.h"
#include "core/status.h"
#include "core/timeline.h"
#include "ingest/av_handles.h"

namespace vigil::pipeline::wire {

enum class Type : uint16_t {
  Hello = 1,
  Video = 2,
  Audio = 3,
  Fault = 4,
  EndOfStream = 5,
  Init = 101,
  Part = 102,
  Stats = 103,
  Error = 104,
};

struct Message {
  Type type = Type::Error;
  std::string meta;  // JSON text
  std::string payload;
};

// The whole message as bytes, built once (a frame fans out to both pipelines
// from the same bytes).
std::string encode(Type type, const nlohmann::json& meta, std::string_view payload = {});
// Writes every byte (MSG_NOSIGNAL: a dead peer is an error, not a SIGPIPE).
Status sendAll(int fd, std::string_view bytes);

// Reads whole messages from a blocking stream socket.
class Reader {
 public:
  // onTimeout: for a socket with a receive timeout (SO_RCVTIMEO), called at
  // each timeout; returning false gives up with Status "timeout".
  explicit Reader(int fd, std::function<bool()> onTimeout = {}) : fd_(fd), onTimeout_(std::move(onTimeout)) {}
  // Blocks for the next message. An orderly close between messages is
  // Status "eof"; a bad header, an oversized message or a read error is an
  // error naming what was wrong.
  Result<Message> next();

 private:
  Status readExactly(char* out, size_t n);
  int fd_;
  std::function<bool()> onTimeout_;
};
inline bool isEof(const Status& s) { return !s && s.message() == "eof"; }

// Frames: pts, geometry or sample layout in the meta, planes in the payload.
std::string encodeFrame(Type type, const AVFrame* frame);
Result<av::FramePtr> decodeFrame(const Message& m);

// CMAF objects, both directions of the same struct.
std::string encodeInit(const CmafInit& init);
Result<CmafInit> decodeInit(const Message& m);
std::string encodePart(const CmafPart& part);
Result<CmafPart> decodePart(const Message& m);

// The timeline (durations and periods) a worker needs to cut parts where the engine does.
nlohmann::json timelineToJson(const Timeline& timeline);
Result<Timeline> timelineFromJson(const nlohmann::json& j);

}  // namespace vigil::pipeline::wire
