#include "control/remote_engine.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "control/api_json.h"
#include "control/config.h"
#include "control/http_client.h"

namespace vigil::control {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kTimeout{5000};
constexpr milliseconds kRehearsalMargin{10'000};
constexpr std::uint64_t kMaxResponseBytes = 64ull * 1024 * 1024;

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string channelPath(const std::string& id) { return "/api/v1/channels/" + encode(id); }

}  // namespace

struct RemoteEngine::Impl {
  struct Answer {
    unsigned status = 0;
    json body;
  };

  std::string baseUrl;
  std::string token;
  std::string operatorName;
  std::string version;
  std::string publicBaseUrl;
  std::unique_ptr<HttpClient> client;  // serialises its exchanges itself

  mutable std::mutex mutex;  // guards lastError
  mutable std::string lastError;

  Status parseBaseUrl(const std::string& url) {
    auto parsed = HttpUrl::parse(url, "control API URL");
    if (!parsed) return parsed.status();
    baseUrl = parsed->base();
    client = std::make_unique<HttpClient>(std::move(*parsed), "the engine at " + baseUrl);
    return Status::ok();
  }

  // One request and its answer (HttpClient: keep-alive, reopened once when
  // the engine closed it meanwhile, bounded by the timeout).
  Result<Answer> exchange(http::verb verb, const std::string& target, const json* body, const std::string& actor,
                          milliseconds timeout) const {
    HttpRequest req;
    req.method = verb == http::verb::post  ? HttpRequest::Method::Post
                 : verb == http::verb::put ? HttpRequest::Method::Put
                                           : HttpRequest::Method::Get;
    req.target = target;
    req.timeout = timeout;
    req.maxResponseBytes = kMaxResponseBytes;
    req.headers = {{"User-Agent", "vigil-remote"}, {"Accept", "application/json"}};
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    if (!actor.empty()) req.headers.emplace_back("X-Vigil-Operator", actor);
    if (body) {
      req.contentType = "application/json";
      req.body = body->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    auto res = client->exchange(req);
    if (!res) return res.status();
    Answer answer;
    answer.status = res->status;
    answer.body = json::parse(res->body, nullptr, false);
    if (answer.body.is_discarded()) {
      if (answer.status / 100 == 2)
        return Status::error("the engine at " + baseUrl + " answered " + std::to_string(answer.status) +
                             " with a body that is not JSON");
      answer.body = json::object();
    }
    return answer;
  }

  // An answer other than 2xx as an error with the server's message.
  Result<json> call(http::verb verb, const std::string& target, const json* body = nullptr,
                    const std::string& actor = {}, milliseconds timeout = kTimeout) const {
    auto answer = exchange(verb, target, body, actor, timeout);
    std::lock_guard lock(mutex);
    if (!answer) {
      lastError = answer.message();
      return answer.status();
    }
    if (answer->status / 100 != 2) {
      std::string message;
      if (answer->body.is_object() && answer->body.contains("error") && answer->body["error"].is_string())
        message = answer->body["error"].get<std::string>();
      else
        message = "HTTP " + std::to_string(answer->status);
      if (answer->status == 401 || answer->status == 403)
        message = "the engine at " + baseUrl + " refused access (" + std::to_string(answer->status) + "): " + message;
      lastError = message;
      Result<json> failed = Status::error(message);
      return failed;
    }
    lastError.clear();
    return std::move(answer->body);
  }

  // A list member of a 2xx answer; empty on any error (kept in lastError).
  template <typename T>
  std::vector<T> list(const std::string& target, const char* key) const {
    auto body = call(http::verb::get, target);
    if (!body) return {};
    if (!body->is_object() || !body->contains(key)) return noteError<T>(std::string("answer without '") + key + "'");
    auto items = api::fromJsonList<T>((*body)[key]);
    if (!items) return noteError<T>(items.message());
    return std::move(*items);
  }

  template <typename T>
  std::vector<T> noteError(const std::string& message) const {
    std::lock_guard lock(mutex);
    lastError = "the engine at " + baseUrl + " answered badly: " + message;
    return {};
  }

  template <typename T>
  Result<T> object(Result<json> body) const {
    if (!body) return body.status();
    auto v = api::fromJson<T>(*body);
    if (!v) return Status::error("the engine at " + baseUrl + " answered badly: " + v.message());
    return v;
  }

  Status action(const std::string& target, const json& body, const std::string& actor) const {
    return call(http::verb::post, target, &body, actorFor(actor)).status();
  }

  // The default actor is this console's operator.
  std::string actorFor(const std::string& actor) const {
    return actor.empty() || actor == "operator" ? (operatorName.empty() ? actor : operatorName) : actor;
  }
};

RemoteEngine::RemoteEngine() : impl_(std::make_unique<Impl>()) {}
RemoteEngine::~RemoteEngine() = default;

Result<std::unique_ptr<RemoteEngine>> RemoteEngine::connect(std::string baseUrl, std::string token,
                                                            std::string operatorName) {
  std::unique_ptr<RemoteEngine> engine(new RemoteEngine());
  auto& d = *engine->impl_;
  if (auto s = d.parseBaseUrl(baseUrl); !s) return s;
  d.token = std::move(token);
  d.operatorName = std::move(operatorName);
  auto info = d.call(http::verb::get, "/api/v1/engine");
  if (!info) return Status::error("cannot attach to " + d.baseUrl + ": " + info.message());
  if (!info->is_object() || info->value("api", "") != "v1")
    return Status::error(d.baseUrl + " does not speak the Vigil control API v1");
  d.version = info->value("version", "");
  d.publicBaseUrl = info->value("public_base_url", "");
  return engine;
}

const std::string& RemoteEngine::engineVersion() const { return impl_->version; }
const std::string& RemoteEngine::baseUrl() const { return impl_->baseUrl; }

std::string RemoteEngine::lastError() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->lastError;
}

std::vector<ChannelStatus> RemoteEngine::channels() const {
  return impl_->list<ChannelStatus>("/api/v1/channels", "channels");
}

std::optional<ChannelStatus> RemoteEngine::channel(const std::string& id) const {
  auto status = impl_->object<ChannelStatus>(impl_->call(http::verb::get, channelPath(id)));
  if (!status) return std::nullopt;
  return std::move(*status);
}

std::vector<ChannelSpec> RemoteEngine::channelSpecs() const {
  return impl_->list<ChannelSpec>("/api/v1/channel-specs", "channels");
}

Status RemoteEngine::addChannel(const ChannelSpec& spec, const std::string& actor) {
  const json body = channelToJson(spec);
  return impl_->call(http::verb::put, channelPath(spec.id), &body, impl_->actorFor(actor)).status();
}

Status RemoteEngine::startChannel(const std::string& id, const std::string& actor) {
  return impl_->action(channelPath(id) + "/start", json::object(), actor);
}

Status RemoteEngine::stopChannel(const std::string& id, const std::string& actor) {
  return impl_->action(channelPath(id) + "/stop", json::object(), actor);
}

Status RemoteEngine::selectInput(const std::string& channelId, const std::string& inputId, bool force,
                                 const std::string& actor) {
  return impl_->action(channelPath(channelId) + "/input", json{{"input", inputId}, {"force", force}}, actor);
}

Status RemoteEngine::holdOnBackup(const std::string& channelId, bool hold, const std::string& actor) {
  return impl_->action(channelPath(channelId) + "/hold", json{{"hold", hold}}, actor);
}

Status RemoteEngine::regionFailover(const std::string& channelId, const std::string& actor) {
  // The engine waits up to 5 s for its hook: a margin beyond that.
  const json body = json::object();
  return impl_
      ->call(http::verb::post, channelPath(channelId) + "/region-failover", &body, impl_->actorFor(actor),
             kRehearsalMargin + milliseconds(5000))
      .status();
}

Status RemoteEngine::preferPipeline(const std::string& channelId, int pipeline, const std::string& actor) {
  return impl_->action(channelPath(channelId) + "/pipelines/" + std::to_string(pipeline) + "/prefer", json::object(),
                       actor);
}

Status RemoteEngine::restartPipeline(const std::string& channelId, int pipeline, const std::string& actor) {
  return impl_->action(channelPath(channelId) + "/pipelines/" + std::to_string(pipeline) + "/restart", json::object(),
                       actor);
}

Result<RehearsalReport> RemoteEngine::rehearse(const std::string& channelId, const std::string& kind, int observeMs,
                                               const std::string& actor) {
  const json body{{"kind", kind}, {"observe_ms", observeMs}};
  const auto timeout = milliseconds(std::max(0, observeMs)) + kRehearsalMargin;
  return impl_->object<RehearsalReport>(
      impl_->call(http::verb::post, channelPath(channelId) + "/rehearse", &body, impl_->actorFor(actor), timeout));
}

std::vector<store::EventRecord> RemoteEngine::events(const std::string& channelId, int limit) const {
  const std::string l = "limit=" + std::to_string(std::max(1, limit));
  if (channelId == "*") return impl_->list<store::EventRecord>("/api/v1/events?" + l, "events");
  if (channelId.empty()) return impl_->list<store::EventRecord>("/api/v1/events?channel=&" + l, "events");
  return impl_->list<store::EventRecord>(channelPath(channelId) + "/events?" + l, "events");
}

std::vector<monitor::Alarm> RemoteEngine::alarms(const std::string& channelId, bool openOnly, int limit) const {
  std::string target =
      "/api/v1/alarms?open=" + std::string(openOnly ? "1" : "0") + "&limit=" + std::to_string(std::max(1, limit));
  if (!channelId.empty()) target += "&channel=" + encode(channelId);
  return impl_->list<monitor::Alarm>(target, "alarms");
}

Status RemoteEngine::acknowledgeAlarm(int64_t alarmId, const std::string& operatorName) {
  return impl_->action("/api/v1/alarms/" + std::to_string(alarmId) + "/ack", json{{"operator", operatorName}},
                       operatorName);
}

std::vector<monitor::AgePoint> RemoteEngine::manifestAgeSeries(const std::string& channelId,
                                                               const std::string& renditionId, int64_t fromUtcUs,
                                                               int64_t toUtcUs) const {
  return impl_->list<monitor::AgePoint>(channelPath(channelId) + "/manifest-age?rendition=" + encode(renditionId) +
                                            "&from_us=" + std::to_string(fromUtcUs) +
                                            "&to_us=" + std::to_string(toUtcUs),
                                        "points");
}

Result<monitor::AvailabilityReport> RemoteEngine::availability(const std::string& channelId) const {
  return impl_->object<monitor::AvailabilityReport>(
      impl_->call(http::verb::get, channelPath(channelId) + "/availability"));
}

std::string RemoteEngine::publicBaseUrl() const { return impl_->publicBaseUrl; }

}  // namespace vigil::control
