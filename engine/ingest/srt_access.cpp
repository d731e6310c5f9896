#include "ingest/srt_access.h"

#include <cstdio>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace vigil::ingest {
namespace {

bool validId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

std::optional<SrtStreamId> splitResource(std::string_view r) {
  const auto slash = r.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto channel = r.substr(0, slash), input = r.substr(slash + 1);
  if (!validId(channel) || !validId(input)) return std::nullopt;
  return SrtStreamId{std::string(channel), std::string(input)};
}

}  // namespace

SrtStreamIdParse parseSrtStreamId(std::string_view s) {
  constexpr std::string_view kAccessControl = "#!::";
  if (s.substr(0, 2) != "#!") return {splitResource(s)};
  if (s.substr(0, kAccessControl.size()) != kAccessControl) return {};  // nested "#!:{...}" is not supported
  s.remove_prefix(kAccessControl.size());
  std::optional<std::string_view> resource, mode;
  while (!s.empty()) {
    const auto comma = s.find(',');
    const auto pair = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return {};
    const auto key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (key == "r") {
      if (resource) return {};  // a repeated key is ambiguous
      resource = value;
    } else if (key == "m") {
      if (mode) return {};
      mode = value;
    } else if (key == "t" && value != "stream") {
      return {};  // only live streams are taken
    }
  }
  if (!resource) return {};
  auto id = splitResource(*resource);
  if (!id) return {};
  if (!mode || *mode != "publish") return {std::nullopt, SrtStreamIdError::Mode};
  return {std::move(id)};
}

Result<Cidr> Cidr::parse(std::string_view text) {
  Cidr c;
  const auto slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  if (inet_pton(AF_INET, addr.c_str(), c.net_.data()) == 1) {
    c.v4_ = true;
    c.prefix_ = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), c.net_.data()) == 1) {
    c.v4_ = false;
    c.prefix_ = 128;
  } else {
    return Status::error("allow-list entry '" + std::string(text) + "': not an IPv4 or IPv6 address");
  }
  if (slash != std::string_view::npos) {
    const auto bits = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > c.prefix_)
      return Status::error("allow-list entry '" + std::string(text) + "': bad prefix length");
    c.prefix_ = prefix;
  }
  return c;
}

bool Cidr::contains(const sockaddr* peer) const {
  const uint8_t* addr = nullptr;
  if (peer->sa_family == AF_INET) {
    if (!v4_) return false;
    addr = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(peer)->sin_addr);
  } else if (peer->sa_family == AF_INET6) {
    const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr;
    if (v4_) {
      if (!IN6_IS_ADDR_V4MAPPED(a6)) return false;
      addr = a6->s6_addr + 12;
    } else {
      addr = a6->s6_addr;
    }
  } else {
    return false;
  }
  const int whole = prefix_ / 8, rest = prefix_ % 8;
  if (std::memcmp(addr, net_.data(), whole) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (addr[whole] & mask) == (net_[whole] & mask);
}

std::string peerToString(const sockaddr* peer) {
  char host[INET6_ADDRSTRLEN] = {};
  if (peer->sa_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(peer);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    char out[INET6_ADDRSTRLEN + 16];  // snprintf: GCC 12 warns falsely on string concatenation here
    std::snprintf(out, sizeof out, "%s:%u", host, unsigned{ntohs(a->sin_port)});
    return out;
  }
  if (peer->sa_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(peer);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    char out[INET6_ADDRSTRLEN + 16];
    std::snprintf(out, sizeof out, "[%s]:%u", host, unsigned{ntohs(a->sin6_port)});
    return out;
  }
  return "?";
}

}  // namespace vigil::ingest
