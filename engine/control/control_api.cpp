#include "control/control_api.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/api_json.h"
#include "control/config.h"
#include "control/engine_api.h"
#include "core/clock.h"
#include "core/log.h"
#include "origin/request_target.h"
#include "package/uri_layout.h"

namespace vigil::control {
using nlohmann::json;

namespace {

constexpr int kMaxLimit = 10'000;
constexpr int kMaxObserveMs = 120'000;
constexpr std::size_t kMaxOperatorBytes = 64;

origin::ControlResponse answer(unsigned status, const json& body) {
  origin::ControlResponse r;
  r.status = status;
  // Strings from the store or the request may hold invalid UTF-8: replaced, never thrown.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

origin::ControlResponse failure(unsigned status, const std::string& message) {
  return answer(status, json{{"error", message}});
}

// A bad parameter: 400 with its message.
struct BadRequest {
  std::string message;
};

using Digest = std::array<unsigned char, 32>;

Digest sha256(const std::string& s) {
  Digest d{};
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), d.data(), &n, EVP_sha256(), nullptr);
  return d;
}

// Constant time in the token's content (and length: both sides are hashed first).
bool tokenMatches(const std::string& presented, const std::string& expected) {
  const Digest a = sha256(presented), b = sha256(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A request under way: the parsed target, its body and its actor.
struct Call {
  const origin::ControlRequest& request;
  std::vector<std::string> params;  // the pattern's {…} segments, in order
  origin::ParsedTarget target;
  std::string actor;

  const std::string* query(std::string_view name) const {
    for (const auto& [k, v] : target.query)
      if (k == name) return &v;
    return nullptr;
  }

  int64_t integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
    const std::string* v = query(name);
    if (!v) return fallback;
    return parseInteger(*v, std::string(name), min, max);
  }

  static int64_t parseInteger(const std::string& text, const std::string& what, int64_t min, int64_t max) {
    int64_t out = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
      throw BadRequest{what + ": expected an integer, got '" + text + "'"};
    if (out < min || out > max)
      throw BadRequest{what + ": must be between " + std::to_string(min) + " and " + std::to_string(max)};
    return out;
  }

  bool flag(std::string_view name, bool fallback) const {
    const std::string* v = query(name);
    if (!v) return fallback;
    if (*v == "1" || *v == "true") return true;
    if (*v == "0" || *v == "false") return false;
    throw BadRequest{std::string(name) + ": expected 1 or 0"};
  }

  // The body as a JSON object (an empty body is {}).
  json body() const {
    if (request.body.empty()) return json::object();
    json j = json::parse(request.body, nullptr, false);
    if (j.is_discarded()) throw BadRequest{"the body is not valid JSON"};
    if (!j.is_object()) throw BadRequest{"the body must be a JSON object"};
    return j;
  }
};

template <typename T>
T member(const json& body, const char* key, std::optional<T> fallback) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw BadRequest{std::string(key) + ": required"};
  }
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) throw BadRequest{std::string(key) + ": expected a boolean"};
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) throw BadRequest{std::string(key) + ": expected a string"};
  } else {
    if (!it->is_number_integer()) throw BadRequest{std::string(key) + ": expected an integer"};
  }
  return it->get<T>();
}

// What an operator action answered: 200 {"ok": true}, or 409 with the engine's reason.
origin::ControlResponse outcome(const Status& s) {
  if (!s) return failure(409, s.message());
  return answer(200, json{{"ok", true}});
}

struct Route {
  std::string method;
  std::vector<std::string> pattern;  // path segments after /api/v1/; "{}" is a parameter
  std::function<origin::ControlResponse(EngineApi&, const ControlApiOptions&, Call&)> run;
};

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

std::vector<std::string> segments(std::string_view pattern) { return split(std::string(pattern)); }

// The channel id of a route; 404 when the engine does not declare it.
std::optional<origin::ControlResponse> unknownChannel(const EngineApi& engine, const std::string& id) {
  if (!package::uri::isValidId(id)) throw BadRequest{"invalid channel id '" + id + "'"};
  for (const auto& spec : engine.channelSpecs())
    if (spec.id == id) return std::nullopt;
  if (engine.channel(id)) return std::nullopt;
  return failure(404, "no channel " + id);
}

int pipelineIndex(const std::string& text) { return static_cast<int>(Call::parseInteger(text, "pipeline", 0, 1)); }

#define VIGIL_CHANNEL_OR_404(engine, id) \
  if (auto missing = unknownChannel(engine, id)) return *missing

const std::vector<Route>& routes() {
  using R = origin::ControlResponse;
  static const std::vector<Route> table = {
      {"GET", segments("engine"),
       [](EngineApi& e, const ControlApiOptions& o, Call&) -> R {
         return answer(200, json{{"version", o.version}, {"api", "v1"}, {"public_base_url", e.publicBaseUrl()}});
       }},
      {"GET", segments("channels"),
       [](EngineApi& e, const ControlApiOptions&, Call&) -> R {
         return answer(200, json{{"channels", api::toJsonList(e.channels())}});
       }},
      {"GET", segments("channel-specs"),
       [](EngineApi& e, const ControlApiOptions&, Call&) -> R {
         return answer(200, json{{"channels", api::toJsonList(e.channelSpecs())}});
       }},
      {"GET", segments("channels/{}"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         if (!package::uri::isValidId(c.params[0])) throw BadRequest{"invalid channel id '" + c.params[0] + "'"};
         const auto status = e.channel(c.params[0]);
         if (!status) return failure(404, "no channel " + c.params[0]);
         return answer(200, api::toJson(*status));
       }},
      {"PUT", segments("channels/{}"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         const std::string& id = c.params[0];
         if (!package::uri::isValidId(id)) throw BadRequest{"invalid channel id '" + id + "'"};
         json body = c.body();
         if (!body.contains("id")) body["id"] = id;
         if (!body["id"].is_string() || body["id"].get<std::string>() != id)
           throw BadRequest{"id: the body's id must be the path's ('" + id + "')"};
         auto spec = api::fromJson<ChannelSpec>(body);
         if (!spec) return failure(422, spec.message());
         if (auto s = e.addChannel(*spec, c.actor); !s) return failure(409, s.message());
         const auto status = e.channel(id);
         return answer(200, status ? api::toJson(*status) : json{{"ok", true}});
       }},
      {"GET", segments("channels/{}/spec"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         if (!package::uri::isValidId(c.params[0])) throw BadRequest{"invalid channel id '" + c.params[0] + "'"};
         for (const auto& spec : e.channelSpecs())
           if (spec.id == c.params[0]) return answer(200, api::toJson(spec));
         return failure(404, "no channel " + c.params[0]);
       }},
      {"POST", segments("channels/{}/start"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         return outcome(e.startChannel(c.params[0], c.actor));
       }},
      {"POST", segments("channels/{}/stop"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         return outcome(e.stopChannel(c.params[0], c.actor));
       }},
      {"POST", segments("channels/{}/input"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         const json body = c.body();
         const auto input = member<std::string>(body, "input", std::nullopt);
         const bool force = member<bool>(body, "force", false);
         return outcome(e.selectInput(c.params[0], input, force, c.actor));
       }},
      {"POST", segments("channels/{}/hold"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         const bool hold = member<bool>(c.body(), "hold", std::nullopt);
         return outcome(e.holdOnBackup(c.params[0], hold, c.actor));
       }},
      {"POST", segments("channels/{}/pipelines/{}/prefer"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         return outcome(e.preferPipeline(c.params[0], pipelineIndex(c.params[1]), c.actor));
       }},
      {"POST", segments("channels/{}/pipelines/{}/restart"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         return outcome(e.restartPipeline(c.params[0], pipelineIndex(c.params[1]), c.actor));
       }},
      {"POST", segments("channels/{}/region-failover"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         return outcome(e.regionFailover(c.params[0], c.actor));
       }},
      {"POST", segments("channels/{}/rehearse"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         const json body = c.body();
         const auto kind = member<std::string>(body, "kind", std::nullopt);
         const auto observeMs = member<int64_t>(body, "observe_ms", 8000);
         if (observeMs < 0 || observeMs > kMaxObserveMs)
           throw BadRequest{"observe_ms: must be between 0 and " + std::to_string(kMaxObserveMs)};
         auto report = e.rehearse(c.params[0], kind, static_cast<int>(observeMs), c.actor);
         if (!report) return failure(409, report.message());
         return answer(200, api::toJson(*report));
       }},
      {"GET", segments("channels/{}/events"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         const int limit = static_cast<int>(c.integer("limit", 100, 1, kMaxLimit));
         return answer(200, json{{"events", api::toJsonList(e.events(c.params[0], limit))}});
       }},
      {"GET", segments("events"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         const int limit = static_cast<int>(c.integer("limit", 100, 1, kMaxLimit));
         // No channel parameter: every channel's and the engine's; "channel=" (empty): the engine's own.
         const std::string* channel = c.query("channel");
         return answer(200, json{{"events", api::toJsonList(e.events(channel ? *channel : "*", limit))}});
       }},
      {"GET", segments("alarms"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         const std::string* channel = c.query("channel");
         const bool openOnly = c.flag("open", true);
         const int limit = static_cast<int>(c.integer("limit", 100, 1, kMaxLimit));
         return answer(
             200, json{{"alarms", api::toJsonList(e.alarms(channel ? *channel : std::string(), openOnly, limit))}});
       }},
      {"POST", segments("alarms/{}/ack"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         const int64_t id = Call::parseInteger(c.params[0], "alarm id", 1, INT64_MAX);
         const auto name = member<std::string>(c.body(), "operator", c.actor);
         if (name.empty() || name.size() > kMaxOperatorBytes)
           throw BadRequest{"operator: 1 to " + std::to_string(kMaxOperatorBytes) + " characters"};
         return outcome(e.acknowledgeAlarm(id, name));
       }},
      {"GET", segments("channels/{}/manifest-age"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         const std::string* rendition = c.query("rendition");
         if (!rendition || rendition->empty()) throw BadRequest{"rendition: required"};
         const int64_t now = nowUtcUs();
         const int64_t to = c.integer("to_us", now, 0, INT64_MAX);
         const int64_t from = c.integer("from_us", to - 10 * 60 * 1'000'000LL, 0, INT64_MAX);
         if (from > to) throw BadRequest{"from_us: must not be after to_us"};
         return answer(200, json{{"points", api::toJsonList(e.manifestAgeSeries(c.params[0], *rendition, from, to))}});
       }},
      {"GET", segments("channels/{}/availability"),
       [](EngineApi& e, const ControlApiOptions&, Call& c) -> R {
         VIGIL_CHANNEL_OR_404(e, c.params[0]);
         auto report = e.availability(c.params[0]);
         if (!report) return failure(409, report.message());
         return answer(200, api::toJson(*report));
       }},
  };
  return table;
}

#undef VIGIL_CHANNEL_OR_404

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::vector<std::string>& params) {
  if (pattern.size() != path.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == "{}") {
      if (path[i].empty()) return false;
      params.push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

bool printable(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
}

}  // namespace

// A bounded queue of calls and the threads that run them.
struct ControlApi::State {
  State(EngineApi& e, ControlApiOptions o) : engine(e), options(std::move(o)) {}

  // Cheap checks, on the caller's (IO) thread: a refused request never waits for a thread.
  std::optional<origin::ControlResponse> refuse(const origin::ControlRequest& req) const {
    if (options.token.empty()) {
      if (!req.peerLoopback)
        return failure(403, "the control API answers loopback clients only (no control.token configured)");
      return std::nullopt;
    }
    constexpr std::string_view kBearer = "Bearer ";
    const bool bearer = req.authorization.size() > kBearer.size() && req.authorization.starts_with(kBearer);
    if (!bearer || !tokenMatches(req.authorization.substr(kBearer.size()), options.token)) {
      auto r = failure(401, "missing or wrong bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vigil\"");
      return r;
    }
    return std::nullopt;
  }

  origin::ControlResponse run(const origin::ControlRequest& req) {
    try {
      return route(req);
    } catch (const BadRequest& e) {
      return failure(400, e.message);
    } catch (const std::exception& e) {
      log::get("control")->error("control API {} {}: {}", req.method, req.target, e.what());
      return failure(500, "internal error");
    }
  }

  origin::ControlResponse route(const origin::ControlRequest& req) {
    Call call{req, {}, {}, "api"};
    if (origin::parseTarget(req.target, origin::TargetLimits{2048, 1024}, call.target) != origin::TargetError::None)
      return failure(400, "malformed request target");
    constexpr std::string_view kBase = "/api/v1/";
    if (!call.target.path.starts_with(kBase)) return failure(404, "no such route (the API is under /api/v1/)");
    if (!req.operatorName.empty()) {
      if (req.operatorName.size() > kMaxOperatorBytes || !printable(req.operatorName))
        return failure(400, "X-Vigil-Operator: 1 to 64 printable characters");
      call.actor = req.operatorName;
    }
    const auto path = split(call.target.path.substr(kBase.size()));
    std::string allowed;
    for (const auto& r : routes()) {
      if (!matches(r.pattern, path, call.params)) continue;
      if (r.method == req.method) return r.run(engine, options, call);
      allowed += (allowed.empty() ? "" : ", ") + r.method;
    }
    if (!allowed.empty()) {
      auto r = failure(405, req.method + " is not allowed here (allowed: " + allowed + ")");
      r.headers.emplace_back("Allow", allowed);
      return r;
    }
    return failure(404, "no such route: " + call.target.path);
  }

  void start() {
    for (int i = 0; i < std::max(1, options.threads); ++i)
      threads.emplace_back([this] {
        for (;;) {
          std::function<void()> job;
          {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return stopping || !queue.empty(); });
            if (stopping) return;
            job = std::move(queue.front());
            queue.pop_front();
          }
          job();
        }
      });
  }

  // False when stopping or full.
  bool submit(std::function<void()> job) {
    std::lock_guard lock(mutex);
    if (stopping || queue.size() >= options.maxQueued) return false;
    queue.push_back(std::move(job));
    wake.notify_one();
    return true;
  }

  void stop(std::deque<std::function<void()>>& left) {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      left.swap(queue);
    }
    wake.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
  }

  EngineApi& engine;
  const ControlApiOptions options;
  std::mutex mutex;  // guards queue and stopping
  std::condition_variable wake;
  std::deque<std::function<void()>> queue;
  bool stopping = false;
  std::vector<std::thread> threads;
};

ControlApi::ControlApi(EngineApi& engine, ControlApiOptions options)
    : state_(std::make_shared<State>(engine, std::move(options))) {
  state_->start();
}

ControlApi::~ControlApi() {
  std::deque<std::function<void()>> left;
  state_->stop(left);
  // Queued calls never ran: their jobs answer 503 when run after the stop.
  for (auto& job : left) job();
}

origin::ControlHandler ControlApi::handler() {
  std::weak_ptr<State> weak = state_;
  return [weak](origin::ControlRequest request, origin::ControlCompletion done) {
    const auto state = weak.lock();
    if (!state) return done(failure(503, "the engine is stopping"));
    if (auto refused = state->refuse(request)) return done(std::move(*refused));
    State* raw = state.get();
    auto shared = std::make_shared<origin::ControlRequest>(std::move(request));
    const bool queued = state->submit([raw, shared, done] {
      bool stopping = false;
      {
        std::lock_guard lock(raw->mutex);
        stopping = raw->stopping;
      }
      done(stopping ? failure(503, "the engine is stopping") : raw->run(*shared));
    });
    if (!queued) done(failure(503, "the control API is busy or stopping; try again"));
  };
}

origin::ControlResponse ControlApi::handle(const origin::ControlRequest& request) {
  if (auto refused = state_->refuse(request)) return std::move(*refused);
  return state_->run(request);
}

}  // namespace vigil::control
