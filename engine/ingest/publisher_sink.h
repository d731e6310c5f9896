// The seam between a contribution listener (SRT, RTMP) and the input it feeds:
// one publisher session after another, as bytes of a container the input
// demuxes (MPEG-TS from SRT, FLV from RTMP).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vigil::ingest {

// Receives one input's publisher sessions, on the listener's thread. The
// calls must not block: every input of every channel shares that thread.
class PublisherSink {
 public:
  virtual ~PublisherSink() = default;
  // A publisher was accepted; payload follows until onPublisherGone.
  virtual void onPublisherConnected(const std::string& peer) = 0;
  // A piece of the session's byte stream, whole units of its container: one
  // SRT message (live mode: up to 1456 bytes, whole TS packets), or the FLV
  // header or one FLV tag with its PreviousTagSize.
  virtual void onPayload(const uint8_t* data, size_t size) = 0;
  // The publisher disconnected, broke, or was dropped (input removed, listener stopped).
  virtual void onPublisherGone() = 0;
};

}  // namespace vigil::ingest
