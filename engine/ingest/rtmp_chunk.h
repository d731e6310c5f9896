// The RTMP chunk stream (RTMP 1.0 specification, section 5.3): messages cut
// into chunks of the negotiated size and interleaved over chunk stream ids.
// ChunkReader is an incremental parser: bytes in, whole messages out, with
// every header form (fmt 0-3, 1- to 3-byte basic headers, extended
// timestamps) and the two control messages that change the parsing itself
// (Set Chunk Size, Abort) applied at once. It is bounded: message length,
// chunk size, the number of chunk streams and the bytes held in partial
// messages. ChunkWriter cuts outgoing messages (fmt 0, then fmt 3).
// Pure and single-threaded; no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace vigil::ingest::rtmp {

// Message type ids.
enum MessageType : uint8_t {
  kSetChunkSize = 1,
  kAbort = 2,
  kAcknowledgement = 3,
  kUserControl = 4,
  kWindowAckSize = 5,
  kSetPeerBandwidth = 6,
  kAudio = 8,
  kVideo = 9,
  kDataAmf3 = 15,
  kCommandAmf3 = 17,
  kDataAmf0 = 18,
  kCommandAmf0 = 20,
  kAggregate = 22,
};

inline constexpr uint32_t kDefaultChunkSize = 128;

struct Message {
  uint32_t chunkStreamId = 0;
  uint8_t type = 0;
  uint32_t streamId = 0;
  uint32_t timestamp = 0;  // milliseconds, absolute (deltas applied)
  std::vector<uint8_t> payload;
};

struct ChunkLimits {
  size_t maxMessageBytes = 8 << 20;
  uint32_t maxChunkSize = 0xffffff;  // the spec's own bound (a message is at most 2^24 - 1 bytes)
  size_t maxChunkStreams = 64;
  size_t maxPendingBytes = 16 << 20;  // held in partial messages over all chunk streams
};

class ChunkReader {
 public:
  explicit ChunkReader(ChunkLimits limits = {}) : limits_(limits) {}

  // Parses bytes, appending every completed message to out (Set Chunk Size
  // and Abort are applied and also appended). An error is final: the
  // stream cannot be resynchronised.
  Status feed(std::span<const uint8_t> bytes, std::deque<Message>& out);

  uint32_t chunkSize() const { return chunkSize_; }
  size_t chunkStreams() const { return streams_.size(); }

 private:
  struct Stream {
    uint32_t timestamp = 0;  // of the last message started
    uint32_t delta = 0;      // applied to a fmt 3 chunk that starts a message
    uint32_t length = 0;
    uint8_t type = 0;
    uint32_t streamId = 0;
    bool extended = false;  // the last fmt 0-2 header carried an extended timestamp
    bool started = false;   // a fmt 0 header was seen (fmt 1-3 need one)
    std::vector<uint8_t> partial;
    bool inMessage = false;
  };
  enum class State { Basic, Header, Payload };

  Status beginChunk(std::deque<Message>& out);
  Status applyControl(const Message& m);

  ChunkLimits limits_;
  uint32_t chunkSize_ = kDefaultChunkSize;
  std::map<uint32_t, Stream> streams_;
  size_t pendingBytes_ = 0;
  State state_ = State::Basic;
  uint8_t header_[18] = {};
  size_t have_ = 0;  // header bytes collected
  uint32_t csid_ = 0;
  size_t chunkLeft_ = 0;  // payload bytes left in the current chunk
};

// Cuts messages into chunks of chunkSize (fmt 0 for the first, fmt 3 after).
class ChunkWriter {
 public:
  void setChunkSize(uint32_t size) { chunkSize_ = size; }
  uint32_t chunkSize() const { return chunkSize_; }
  void write(uint32_t chunkStreamId, uint8_t type, uint32_t streamId, uint32_t timestamp,
             std::span<const uint8_t> payload, std::vector<uint8_t>& out) const;

 private:
  uint32_t chunkSize_ = kDefaultChunkSize;
};

// RTMP media and data messages as an FLV byte stream: the file header once,
// then one tag per message (its 11-byte header, the message, PreviousTagSize).
void appendFlvHeader(std::vector<uint8_t>& out);
void appendFlvTag(uint8_t type, uint32_t timestampMs, std::span<const uint8_t> body, std::vector<uint8_t>& out);

}  // namespace vigil::ingest::rtmp
