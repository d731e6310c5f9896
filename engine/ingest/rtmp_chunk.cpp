#include "ingest/rtmp_chunk.h"

#include <algorithm>

namespace vigil::ingest::rtmp {
namespace {

uint32_t be24(const uint8_t* p) { return uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2]; }
uint32_t be32(const uint8_t* p) { return uint32_t{p[0]} << 24 | be24(p + 1); }
void put24(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  put24(out, v);
}

// Bytes of the basic header, known from its first byte.
size_t basicHeaderSize(uint8_t first) {
  const uint8_t id = first & 0x3f;
  return id == 0 ? 2 : id == 1 ? 3 : 1;
}
constexpr size_t kMessageHeaderSize[4] = {11, 7, 3, 0};

}  // namespace

Status ChunkReader::feed(std::span<const uint8_t> bytes, std::deque<Message>& out) {
  size_t at = 0;
  while (at < bytes.size()) {
    if (state_ == State::Payload) {
      Stream& s = streams_[csid_];
      const size_t n = std::min(chunkLeft_, bytes.size() - at);
      s.partial.insert(s.partial.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                       bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
      pendingBytes_ += n;
      at += n;
      chunkLeft_ -= n;
      if (chunkLeft_ > 0) continue;
      state_ = State::Basic;
      have_ = 0;
      if (s.partial.size() < s.length) continue;  // more chunks to come
      Message m{csid_, s.type, s.streamId, s.timestamp, std::move(s.partial)};
      pendingBytes_ -= m.payload.size();
      s.partial = {};
      s.inMessage = false;
      if (m.type == kSetChunkSize || m.type == kAbort)
        if (Status st = applyControl(m); !st) return st;
      out.push_back(std::move(m));
      continue;
    }
    // Basic and message header bytes, collected until the header is whole.
    header_[have_++] = bytes[at++];
    const size_t basic = basicHeaderSize(header_[0]);
    if (have_ < basic) continue;
    const uint8_t fmt = header_[0] >> 6;
    size_t need = basic + kMessageHeaderSize[fmt];
    if (have_ < need) continue;
    if (have_ == need) {
      // The chunk stream id and whether an extended timestamp follows.
      const uint8_t id = header_[0] & 0x3f;
      csid_ = id == 0 ? 64u + header_[1] : id == 1 ? 64u + header_[1] + 256u * header_[2] : id;
      bool extended = false;
      if (fmt < 3) {
        extended = be24(header_ + basic) == 0xffffff;
      } else {
        auto it = streams_.find(csid_);
        extended = it != streams_.end() && it->second.extended;
      }
      if (extended) continue;  // 4 more bytes
    } else if (have_ < need + 4) {
      continue;
    }
    if (Status s = beginChunk(out); !s) return s;
  }
  return Status::ok();
}

// A whole chunk header is in header_: update the chunk stream, start the payload.
Status ChunkReader::beginChunk(std::deque<Message>& out) {
  const size_t basic = basicHeaderSize(header_[0]);
  const uint8_t fmt = header_[0] >> 6;
  const uint8_t* mh = header_ + basic;
  if (csid_ < 2) return Status::error("RTMP: chunk stream id " + std::to_string(csid_) + " is reserved");
  auto it = streams_.find(csid_);
  if (it == streams_.end()) {
    if (streams_.size() >= limits_.maxChunkStreams)
      return Status::error("RTMP: more than " + std::to_string(limits_.maxChunkStreams) + " chunk streams");
    it = streams_.emplace(csid_, Stream{}).first;
  }
  Stream& s = it->second;
  const bool hasExtended = have_ == basic + kMessageHeaderSize[fmt] + 4;
  const uint32_t extendedValue = hasExtended ? be32(header_ + basic + kMessageHeaderSize[fmt]) : 0;
  if (fmt == 0) {
    if (s.inMessage) return Status::error("RTMP: a new message header in the middle of a message");
    const uint32_t field = be24(mh);
    s.timestamp = hasExtended ? extendedValue : field;
    s.delta = s.timestamp;  // a fmt 3 chunk after a fmt 0 one takes its timestamp as the delta (5.3.1.2.4)
    s.length = be24(mh + 3);
    s.type = mh[6];
    s.streamId = uint32_t{mh[7]} | uint32_t{mh[8]} << 8 | uint32_t{mh[9]} << 16 | uint32_t{mh[10]} << 24;
    s.extended = hasExtended;
    s.started = true;
  } else if (fmt == 1 || fmt == 2) {
    if (!s.started)
      return Status::error("RTMP: a fmt " + std::to_string(fmt) + " chunk before any fmt 0 on its stream");
    if (s.inMessage) return Status::error("RTMP: a new message header in the middle of a message");
    s.delta = hasExtended ? extendedValue : be24(mh);
    s.timestamp += s.delta;
    if (fmt == 1) {
      s.length = be24(mh + 3);
      s.type = mh[6];
    }
    s.extended = hasExtended;
  } else {
    if (!s.started) return Status::error("RTMP: a fmt 3 chunk before any fmt 0 on its stream");
    // A continuation, or a new message like the last one, one delta later.
    if (!s.inMessage) s.timestamp += hasExtended ? extendedValue : s.delta;
  }
  if (!s.inMessage) {
    if (s.length > limits_.maxMessageBytes)
      return Status::error("RTMP: message of " + std::to_string(s.length) + " bytes (limit " +
                           std::to_string(limits_.maxMessageBytes) + ")");
    s.inMessage = true;
    s.partial.clear();
  }
  const size_t left = s.length - s.partial.size();
  chunkLeft_ = std::min<size_t>(left, chunkSize_);
  if (pendingBytes_ + chunkLeft_ > limits_.maxPendingBytes)
    return Status::error("RTMP: over " + std::to_string(limits_.maxPendingBytes) + " bytes in partial messages");
  state_ = State::Payload;
  have_ = 0;
  if (chunkLeft_ == 0) {
    // An empty message is complete with its header. Empty media messages
    // happen (some encoders send them); an empty control message is an error.
    state_ = State::Basic;
    s.inMessage = false;
    if (s.type == kSetChunkSize || s.type == kAbort) return Status::error("RTMP: empty control message");
    out.push_back(Message{csid_, s.type, s.streamId, s.timestamp, {}});
  }
  return Status::ok();
}

Status ChunkReader::applyControl(const Message& m) {
  if (m.payload.size() < 4) return Status::error("RTMP: short control message");
  const uint32_t v = be32(m.payload.data());
  if (m.type == kSetChunkSize) {
    if (v & 0x80000000u || v < 1 || v > limits_.maxChunkSize)
      return Status::error("RTMP: bad chunk size " + std::to_string(v));
    chunkSize_ = v;
    return Status::ok();
  }
  // Abort: drop the partial message of that chunk stream.
  if (auto it = streams_.find(v); it != streams_.end()) {
    pendingBytes_ -= it->second.partial.size();
    it->second.partial = {};
    it->second.inMessage = false;
  }
  return Status::ok();
}

void ChunkWriter::write(uint32_t csid, uint8_t type, uint32_t streamId, uint32_t timestamp,
                        std::span<const uint8_t> payload, std::vector<uint8_t>& out) const {
  auto basic = [&](uint8_t fmt) {
    if (csid < 64) {
      out.push_back(static_cast<uint8_t>(fmt << 6 | csid));
    } else if (csid < 320) {
      out.push_back(static_cast<uint8_t>(fmt << 6));
      out.push_back(static_cast<uint8_t>(csid - 64));
    } else {
      out.push_back(static_cast<uint8_t>(fmt << 6 | 1));
      out.push_back(static_cast<uint8_t>((csid - 64) & 0xff));
      out.push_back(static_cast<uint8_t>((csid - 64) >> 8));
    }
  };
  const bool extended = timestamp >= 0xffffff;
  basic(0);
  put24(out, extended ? 0xffffff : timestamp);
  put24(out, static_cast<uint32_t>(payload.size()));
  out.push_back(type);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(streamId >> (8 * i)));  // little-endian
  if (extended) put32(out, timestamp);
  size_t at = 0;
  for (;;) {
    const size_t n = std::min<size_t>(chunkSize_, payload.size() - at);
    out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(at),
               payload.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    if (at >= payload.size()) break;
    basic(3);
    if (extended) put32(out, timestamp);
  }
}

void appendFlvHeader(std::vector<uint8_t>& out) {
  static constexpr uint8_t kHeader[] = {'F', 'L', 'V', 1, 0x05 /* audio and video */, 0, 0, 0, 9, 0, 0, 0, 0};
  out.insert(out.end(), std::begin(kHeader), std::end(kHeader));
}

void appendFlvTag(uint8_t type, uint32_t timestampMs, std::span<const uint8_t> body, std::vector<uint8_t>& out) {
  out.push_back(type);
  put24(out, static_cast<uint32_t>(body.size()));
  put24(out, timestampMs & 0xffffff);
  out.push_back(static_cast<uint8_t>(timestampMs >> 24));
  put24(out, 0);  // stream id
  out.insert(out.end(), body.begin(), body.end());
  put32(out, static_cast<uint32_t>(body.size() + 11));
}

}  // namespace vigil::ingest::rtmp
