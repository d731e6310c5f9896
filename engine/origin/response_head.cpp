#include "origin/response_head.h"

#include <array>
#include <charconv>
#include <ctime>
#include <string>

#include "origin/router.h"

namespace vigil::origin {
namespace {

void appendLine(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::string_view httpDate() {
  thread_local std::time_t cachedSecond = -1;
  thread_local char buf[40];
  thread_local std::size_t len = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cachedSecond) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cachedSecond = now;
  }
  return {buf, len};
}

Bytes dateTail() {
  thread_local std::time_t cachedSecond = -1;
  thread_local Bytes tail;
  const std::time_t now = std::time(nullptr);
  if (now != cachedSecond || !tail) {
    std::string s;
    s.reserve(48);
    s.append("Date: ").append(httpDate()).append("\r\n\r\n");
    tail = makeBytes(std::move(s));
    cachedSecond = now;
  }
  return tail;
}

bool hasCacheableHead(const Reply& reply) {
  return reply.status == 200 && reply.body && !reply.etag.empty() && !reply.allowHeader && !reply.preflight &&
         reply.retryAfterSeconds == 0;
}

Bytes renderHead200(const Reply& reply, bool keepAlive) {
  std::string h;
  h.reserve(320);
  h.append("HTTP/1.1 200 OK\r\n");
  appendLine(h, "Server", headers::kServer);
  appendLine(h, "Access-Control-Allow-Origin", headers::kAllowOrigin);
  appendLine(h, "Access-Control-Expose-Headers", headers::kExposeHeaders);
  appendLine(h, "Cache-Control", cacheControlFor(reply.kind, 200));
  if (!reply.contentType.empty()) appendLine(h, "Content-Type", reply.contentType);
  appendLine(h, "ETag", reply.etag);
  char len[24];
  const auto [end, ec] = std::to_chars(len, len + sizeof len, reply.body ? reply.body->size() : 0);
  appendLine(h, "Content-Length", std::string_view(len, static_cast<std::size_t>(end - len)));
  // HTTP/1.1 persists by default: only the closing case needs the header.
  if (!keepAlive) appendLine(h, "Connection", "close");
  return makeBytes(std::move(h));
}

Bytes cachedHead200(const Reply& reply, bool keepAlive) {
  // Direct-mapped: a collision only costs a re-render. The entry holds no
  // reference to the body, so the cache never keeps media alive; everything
  // the head depends on is part of the key.
  struct Entry {
    Etag etag;
    std::string_view contentType;
    std::size_t size = 0;
    ObjectKind kind = ObjectKind::Other;
    bool keepAlive = false;
    Bytes head;
  };
  thread_local std::array<Entry, 256> cache;
  const std::size_t size = reply.body ? reply.body->size() : 0;
  const uint64_t h = fnv1a(reply.etag, (size * 31 + static_cast<uint64_t>(reply.kind)) * 2 + keepAlive);
  Entry& e = cache[h % cache.size()];
  if (e.head && e.size == size && e.kind == reply.kind && e.keepAlive == keepAlive && e.etag == reply.etag &&
      e.contentType == reply.contentType)
    return e.head;
  e.head = renderHead200(reply, keepAlive);
  e.etag = reply.etag;
  e.contentType = reply.contentType;
  e.size = size;
  e.kind = reply.kind;
  e.keepAlive = keepAlive;
  return e.head;
}

}  // namespace vigil::origin
