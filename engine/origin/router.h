// Maps one parsed HTTP request to a Reply: which object, which status, which
// bytes (shared with the packager, never copied), which cache policy. Holds
// blocking playlist reloads and pending parts/segments through WaitRegistry.
// Knows nothing of sockets: the session turns a Reply into HTTP.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/media_types.h"
#include "origin/asio.h"
#include "origin/cache_policy.h"
#include "origin/origin_metrics.h"
#include "origin/request_target.h"
#include "origin/static_assets.h"
#include "package/uri_layout.h"

namespace vigil::package {
class ChannelPackager;
}

namespace vigil::origin {

class ChannelRegistry;
class WaitRegistry;
class OriginMetrics;

// A quoted ETag held inline: a content hash ("\"<16 hex>-<size>\"") and a
// timeline position of a short rendition id fit, so putting one in a reply
// allocates nothing. A longer one is kept on the heap.
class Etag {
 public:
  Etag() = default;
  Etag(std::string_view s) { assign(s); }
  Etag(const std::string& s) { assign(s); }
  Etag(const char* s) { assign(s); }
  // Copies only the bytes in use (moves too: nothing to steal when inline).
  Etag(const Etag& other) { assign(other.view()); }
  Etag& operator=(const Etag& other) {
    if (this != &other) assign(other.view());
    return *this;
  }

  std::string_view view() const { return spill_.empty() ? std::string_view(inline_.data(), size_) : spill_; }
  operator std::string_view() const { return view(); }
  bool empty() const { return view().empty(); }
  friend bool operator==(const Etag& a, const Etag& b) { return a.view() == b.view(); }

 private:
  void assign(std::string_view s) {
    spill_.clear();
    size_ = 0;
    if (s.size() <= inline_.size()) {
      std::copy(s.begin(), s.end(), inline_.begin());
      size_ = static_cast<std::uint8_t>(s.size());
    } else {
      spill_.assign(s);
    }
  }

  std::array<char, 47> inline_;
  std::uint8_t size_ = 0;
  std::string spill_;
};

struct Reply {
  unsigned status = 200;
  ObjectKind kind = ObjectKind::Other;
  std::string_view contentType;  // static strings only
  Bytes body;                    // nullptr: empty body
  Etag etag;                     // quoted strong ETag, or empty
  bool allowHeader = false;      // 405 and OPTIONS: send Allow
  bool preflight = false;        // OPTIONS: send the CORS preflight headers
  int retryAfterSeconds = 0;     // 503 of a blocking reload that timed out
  // A held request answered because of a publication: released once the
  // reply is written (see HeldReleaseRound).
  HeldRelease heldRelease;
};

struct RequestView {
  http::verb method = http::verb::unknown;
  std::string_view target;
  std::string_view ifNoneMatch;
  // The connection's reusable parse of the target (no strings per request);
  // nullptr: a local one.
  TargetView* scratch = nullptr;
};

class Router {
 public:
  Router(ChannelRegistry& channels, WaitRegistry& waits, OriginMetrics& metrics, const StaticAssets& assets,
         TargetLimits limits)
      : channels_(channels), waits_(waits), metrics_(metrics), assets_(assets), limits_(limits) {}

  awaitable<Reply> handle(const RequestView& req);

  // Exposed for tests: does the If-None-Match list match etag (weak compare
  // for 304 per RFC 9110 13.1.2)?
  static bool etagMatches(std::string_view ifNoneMatch, std::string_view etag);

 private:
  awaitable<Reply> serveObject(const package::uri::ObjectPath& obj, const TargetView& target);
  awaitable<Reply> serveMediaPlaylist(const std::shared_ptr<package::ChannelPackager>& p,
                                      const package::uri::ObjectPath& obj, const PlaylistDirectives& d);
  awaitable<Reply> serveMedia(const std::shared_ptr<package::ChannelPackager>& p, const package::uri::ObjectPath& obj,
                              ObjectKind kind);
  Reply serviceReply(std::string_view path) const;

  ChannelRegistry& channels_;
  WaitRegistry& waits_;
  OriginMetrics& metrics_;
  const StaticAssets& assets_;
  TargetLimits limits_;
};

// Current UTC as ISO 8601 with milliseconds ("2026-01-02T03:04:05.678Z").
std::string isoUtcNow();

}  // namespace vigil::origin
