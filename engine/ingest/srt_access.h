// Who may publish where over SRT: the stream id a caller sends and the CIDR
// allow-list of an input. Pure functions, so the listen callback stays short
// and the rules are testable without a socket.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sockaddr;

namespace vigil::ingest {

struct SrtStreamId {
  std::string channelId;
  std::string inputId;
};

enum class SrtStreamIdError { Syntax, Mode };

// Parses the SRT access-control form "#!::r=<channel>/<input>,m=publish"
// (other standard keys are ignored; m is required, as the default mode is
// "request") and the plain fallback "<channel>/<input>". Ids are
// [A-Za-z0-9_.-]+.
struct SrtStreamIdParse {
  std::optional<SrtStreamId> id;
  SrtStreamIdError error = SrtStreamIdError::Syntax;
};
SrtStreamIdParse parseSrtStreamId(std::string_view streamId);

// An IPv4 or IPv6 network "a.b.c.d/n" or "x::y/n" (no "/n": a single host).
// IPv4 networks also match IPv4-mapped IPv6 peers (a dual-stack listener).
class Cidr {
 public:
  static Result<Cidr> parse(std::string_view text);
  bool contains(const sockaddr* peer) const;

 private:
  bool v4_ = true;
  std::array<uint8_t, 16> net_{};
  int prefix_ = 0;
};

// "1.2.3.4:5000" or "[::1]:5000".
std::string peerToString(const sockaddr* peer);

}  // namespace vigil::ingest
