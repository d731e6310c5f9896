#include "origin/router.h"

#include "core/clock.h"

#include <array>
#include <cstdio>
#include <ctime>

#include "origin/channel_registry.h"
#include "origin/origin_metrics.h"
#include "origin/wait_registry.h"
#include "package/channel_packager.h"

namespace vigil::origin {
namespace {

using package::Availability;
using package::PlaylistPosition;
using Kind = package::uri::ObjectPath::Kind;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTypeM3u8 = "application/vnd.apple.mpegurl";
constexpr std::string_view kTypeMpd = "application/dash+xml";
constexpr std::string_view kTypeVideo = "video/mp4";
constexpr std::string_view kTypeAudio = "audio/mp4";
constexpr std::string_view kTypeText = "text/plain; charset=utf-8";
constexpr std::string_view kTypeJson = "application/json";
constexpr std::string_view kTypeMetrics = "text/plain; version=0.0.4; charset=utf-8";

ObjectKind kindOf(Kind k) {
  switch (k) {
    case Kind::Master:
      return ObjectKind::Master;
    case Kind::Dash:
      return ObjectKind::Dash;
    case Kind::MediaPlaylist:
      return ObjectKind::MediaPlaylist;
    case Kind::Init:
      return ObjectKind::Init;
    case Kind::Segment:
      return ObjectKind::Segment;
    case Kind::Part:
      return ObjectKind::Part;
  }
  return ObjectKind::Other;
}

// Error bodies are shared constants: no allocation per refused request.
Bytes textBody(std::string_view s) { return makeBytes(std::string(s)); }
const Bytes& bodyFor(unsigned status) {
  static const Bytes k400 = textBody("bad request\n"), k404 = textBody("not found\n"),
                     k405 = textBody("method not allowed\n"), k414 = textBody("uri too long\n"),
                     k503 = textBody("not available in time\n"), kNone;
  switch (status) {
    case 400:
      return k400;
    case 404:
      return k404;
    case 405:
      return k405;
    case 414:
      return k414;
    case 503:
      return k503;
    default:
      return kNone;
  }
}

Reply errorReply(unsigned status, ObjectKind kind) {
  Reply r;
  r.status = status;
  r.kind = kind;
  r.contentType = kTypeText;
  r.body = bodyFor(status);
  return r;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Strong ETag of a rendered object (manifest, init), hashed once per object:
// a small per-thread cache keyed by the shared buffer's identity. Comparing
// control blocks (owner_before) is safe against address reuse, because the
// cached weak_ptr keeps the old control block alive.
Etag contentEtag(const Bytes& bytes) {
  struct Entry {
    std::weak_ptr<const std::string> key;
    Etag etag;
  };
  thread_local std::array<Entry, 64> cache;
  Entry& e = cache[(reinterpret_cast<uintptr_t>(bytes.get()) >> 4) % cache.size()];
  if (!e.key.owner_before(bytes) && !bytes.owner_before(e.key) && !e.key.expired()) return e.etag;
  char buf[48];
  const int n =
      std::snprintf(buf, sizeof buf, "\"%016llx-%zx\"", static_cast<unsigned long long>(fnv1a(*bytes)), bytes->size());
  e.key = bytes;
  e.etag = std::string_view(buf, static_cast<std::size_t>(n));
  return e.etag;
}

// Parts and segments are immutable and named by their timeline position:
// identity + size is a strong validator without touching the bytes.
Etag positionEtag(const package::uri::ObjectPath& obj, std::size_t size) {
  char buf[128];  // a 64-character id and the largest numbers fit
  int n = 0;
  if (obj.kind == Kind::Part)
    n = std::snprintf(buf, sizeof buf, "\"%s.%lld.%d.%zx\"", obj.rendition.c_str(), static_cast<long long>(obj.msn),
                      obj.part, size);
  else
    n = std::snprintf(buf, sizeof buf, "\"%s.%lld.%zx\"", obj.rendition.c_str(), static_cast<long long>(obj.msn), size);
  return std::string_view(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
}

bool atOrAfter(PlaylistPosition have, PlaylistPosition want) {
  return have.msn > want.msn || (have.msn == want.msn && have.part >= want.part);
}

// rfc8216bis 6.2.5.2: 3 / part target duration when it is under a second, else 3.
int64_t advancePartLimit(const PackagingSpec& spec) {
  if (spec.partDurationMs > 0 && spec.partDurationMs < 1000) return 3000 / spec.partDurationMs;
  return 3;
}

// The most a request may be held: three target durations (rfc8216bis 6.2.5.2).
Clock::duration holdLimit(const PackagingSpec& spec) { return std::chrono::milliseconds(3 * spec.segmentDurationMs); }

}  // namespace

std::string isoUtcNow() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

bool Router::etagMatches(std::string_view ifNoneMatch, std::string_view etag) {
  if (ifNoneMatch.empty() || etag.empty()) return false;
  std::size_t pos = 0;
  while (pos < ifNoneMatch.size()) {
    while (pos < ifNoneMatch.size() && (ifNoneMatch[pos] == ' ' || ifNoneMatch[pos] == ',')) ++pos;
    std::size_t end = ifNoneMatch.find(',', pos);
    if (end == std::string_view::npos) end = ifNoneMatch.size();
    std::string_view tag = ifNoneMatch.substr(pos, end - pos);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);  // weak comparison for If-None-Match
    if (tag == etag) return true;
    pos = end + 1;
  }
  return false;
}

awaitable<Reply> Router::handle(const RequestView& req) {
  TargetView local;
  TargetView& target = req.scratch ? *req.scratch : local;
  const TargetError err = parseTarget(req.target, limits_, target);
  if (err == TargetError::TooLong) co_return errorReply(414, ObjectKind::Other);
  if (err != TargetError::None) co_return errorReply(400, ObjectKind::Other);

  std::optional<package::uri::ObjectPath> obj;
  if (target.path.starts_with(package::uri::kLivePrefix)) obj = package::uri::parse(target.path);
  const ObjectKind kind = obj ? kindOf(obj->kind) : ObjectKind::Other;

  if (req.method == http::verb::options) {
    Reply r;
    r.status = 204;
    r.kind = kind;
    r.allowHeader = true;
    r.preflight = true;
    co_return r;
  }
  if (req.method != http::verb::get && req.method != http::verb::head) {
    Reply r = errorReply(405, kind);
    r.allowHeader = true;
    co_return r;
  }

  Reply reply;
  if (obj) {
    reply = co_await serveObject(*obj, target);
  } else if (target.path.starts_with(package::uri::kLivePrefix)) {
    reply = errorReply(404, ObjectKind::Other);
  } else {
    reply = serviceReply(target.path);
  }
  if (reply.status == 200 && etagMatches(req.ifNoneMatch, reply.etag)) {
    reply.status = 304;
    reply.body = nullptr;
  }
  co_return reply;
}

Reply Router::serviceReply(std::string_view path) const {
  Reply r;
  r.kind = ObjectKind::Other;
  if (const StaticAsset* asset = assets_.find(path)) {
    r.contentType = asset->contentType;
    r.body = asset->body;
    r.etag = asset->etag;
  } else if (path == "/healthz") {
    r.contentType = kTypeJson;
    r.body = makeBytes("{\"status\":\"ok\",\"channels\":" + std::to_string(channels_.size()) + "}\n");
  } else if (path == "/metrics") {
    const int64_t nowUs = nowUtcUs();
    r.contentType = kTypeMetrics;
    r.body = makeBytes(metrics_.render(channels_.all(), nowUs));
  } else if (path == "/time") {
    // DASH UTCTiming (urn:mpeg:dash:utc:http-iso:2014): the body is the time.
    r.contentType = kTypeText;
    r.body = makeBytes(isoUtcNow());
  } else {
    return errorReply(404, ObjectKind::Other);
  }
  return r;
}

awaitable<Reply> Router::serveObject(const package::uri::ObjectPath& obj, const TargetView& target) {
  const ObjectKind kind = kindOf(obj.kind);
  auto p = channels_.find(obj.channel);
  if (!p) co_return errorReply(404, kind);

  switch (obj.kind) {
    case Kind::Master:
    case Kind::Dash: {
      Bytes bytes = obj.kind == Kind::Master ? p->multivariantPlaylist() : p->dashManifest();
      if (!bytes) co_return errorReply(404, kind);  // not every rendition has started yet
      Reply r;
      r.kind = kind;
      r.contentType = obj.kind == Kind::Master ? kTypeM3u8 : kTypeMpd;
      r.etag = contentEtag(bytes);
      r.body = std::move(bytes);
      co_return r;
    }
    case Kind::MediaPlaylist: {
      auto directives = parseDirectives(target.query);
      if (!directives) co_return errorReply(400, kind);
      co_return co_await serveMediaPlaylist(p, obj, *directives);
    }
    case Kind::Init:
    case Kind::Segment:
    case Kind::Part:
      co_return co_await serveMedia(p, obj, kind);
  }
  co_return errorReply(404, kind);
}

awaitable<Reply> Router::serveMediaPlaylist(const std::shared_ptr<package::ChannelPackager>& p,
                                            const package::uri::ObjectPath& obj, const PlaylistDirectives& d) {
  const std::string& rendition = obj.rendition;
  if (!p->hasRendition(rendition)) co_return errorReply(404, ObjectKind::MediaPlaylist);
  auto answer = [&]() {
    Bytes bytes = p->mediaPlaylist(rendition, d.skip);
    if (!bytes) return errorReply(404, ObjectKind::MediaPlaylist);
    Reply r;
    r.kind = ObjectKind::MediaPlaylist;
    r.contentType = kTypeM3u8;
    r.etag = contentEtag(bytes);
    r.body = std::move(bytes);
    return r;
  };
  if (!d.blocking()) co_return answer();

  const PlaylistPosition last = p->lastPosition(rendition);
  if (last.msn < 0) co_return errorReply(404, ObjectKind::MediaPlaylist);  // no playlist to block on yet
  const int partsPerSegment = p->timeline().partsPerSegment();
  const int64_t msn = *d.msn;
  PlaylistPosition want{msn, d.part.value_or(0)};
  // 6.2.5.2: a part index past the parent's final part means part 0 of the next segment.
  if (d.part && *d.part >= partsPerSegment) want = {msn + 1, 0};

  // 6.2.5.2: too far ahead -> 400 at once.
  if (msn > last.msn + 2) co_return errorReply(400, ObjectKind::MediaPlaylist);
  if (d.part) {
    const int64_t ahead = (want.msn - last.msn) * partsPerSegment + (want.part - last.part);
    if (ahead > advancePartLimit(p->spec())) co_return errorReply(400, ObjectKind::MediaPlaylist);
  }

  // _HLS_msn alone waits for the whole segment M; with _HLS_part for that part.
  auto satisfied = [&]() {
    const PlaylistPosition now = p->lastPosition(rendition);
    if (d.part) return atOrAfter(now, want);
    return now.msn > msn || p->segment(rendition, msn).availability == Availability::Ready;
  };
  if (satisfied()) co_return answer();

  const auto start = Clock::now();
  const auto deadline = start + holdLimit(p->spec());
  // Segment waiters are woken from the segment's first part on and re-check:
  // the packager, not the part count, says when a segment is complete.
  const PlaylistPosition wakeAt = d.part ? want : PlaylistPosition{msn, 0};
  metrics_.heldBegin();
  bool ok = false;
  // One reference fits std::function's inline buffer; the lambda's own
  // captures would not (an allocation per held request).
  const std::function<bool()> ready = [&satisfied] { return satisfied(); };
  HeldRelease release;
  for (;;) {
    auto wake = co_await waits_.wait(p->channelId(), rendition, wakeAt, deadline, ready);
    if (satisfied()) {
      ok = true;
      release = std::move(wake.release);
      break;
    }
    if (wake.outcome != WaitRegistry::Outcome::Woken || Clock::now() >= deadline) break;
    if (channels_.find(p->channelId()) != p) break;  // channel removed while held
  }
  metrics_.heldEnd();
  metrics_.observeBlockingWait(std::chrono::duration<double>(Clock::now() - start).count());
  if (ok) {
    Reply r = answer();
    r.heldRelease = std::move(release);
    co_return r;
  }
  // 6.2.5.2: not available after three target durations -> 503.
  Reply r = errorReply(503, ObjectKind::MediaPlaylist);
  r.retryAfterSeconds = 1;
  co_return r;
}

awaitable<Reply> Router::serveMedia(const std::shared_ptr<package::ChannelPackager>& p,
                                    const package::uri::ObjectPath& obj, ObjectKind kind) {
  auto lookup = [&]() {
    switch (obj.kind) {
      case Kind::Init:
        return p->init(obj.rendition);
      case Kind::Segment:
        return p->segment(obj.rendition, obj.msn);
      default:
        return p->part(obj.rendition, obj.msn, obj.part);
    }
  };
  package::ObjectLookup found = lookup();
  HeldRelease release;
  if (found.availability == Availability::Pending && obj.kind != Kind::Init) {
    // A preload-hinted part, or a DASH segment asked for a little early: hold
    // it until published (rfc8216bis 6.2.6), within three target durations.
    const auto start = Clock::now();
    const auto deadline = start + holdLimit(p->spec());
    const PlaylistPosition wakeAt{obj.msn, obj.kind == Kind::Part ? obj.part : 0};
    auto settled = [&]() {
      found = lookup();
      return found.availability != Availability::Pending;
    };
    metrics_.heldBegin();
    const std::function<bool()> ready = [&settled] { return settled(); };
    for (;;) {
      auto wake = co_await waits_.wait(p->channelId(), obj.rendition, wakeAt, deadline, ready);
      if (settled()) {
        release = std::move(wake.release);
        break;
      }
      if (wake.outcome != WaitRegistry::Outcome::Woken || Clock::now() >= deadline) break;
      if (channels_.find(p->channelId()) != p) break;
    }
    metrics_.heldEnd();
    metrics_.observeBlockingWait(std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (found.availability != Availability::Ready || !found.bytes) co_return errorReply(404, kind);

  Reply r;
  r.kind = kind;
  const auto track = channels_.trackKind(*p, obj.rendition);
  r.contentType = track == TrackKind::Audio ? kTypeAudio : kTypeVideo;
  r.etag = obj.kind == Kind::Init ? contentEtag(found.bytes) : positionEtag(obj, found.bytes->size());
  r.body = std::move(found.bytes);
  r.heldRelease = std::move(release);
  co_return r;
}

}  // namespace vigil::origin
