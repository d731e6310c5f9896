// The HTTP control API (/api/v1/) over an EngineApi, served by the origin on
// its port: what a remote console (control/remote_engine.h) and scripts use.
// JSON bodies (control/api_json.h), one route per EngineApi call; the actor
// of every operator action is the X-Vigil-Operator header, else "api".
//
// Requests come from the origin's IO threads, which serve players and must
// never wait on the engine (a rehearsal observes for seconds, other calls
// commit to SQLite): authentication is done there (cheap), the call itself on
// this API's own small thread pool, and the origin resumes the connection
// when the answer is ready.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "origin/origin.h"

namespace vigil::control {

class EngineApi;

struct ControlApiOptions {
  // Authorization: Bearer <token>; empty: loopback clients only (others 403).
  std::string token;
  std::string version;  // reported by GET /api/v1/engine
  int threads = 2;
  std::size_t maxQueued = 32;  // requests waiting for a thread; over: 503
};

class ControlApi {
 public:
  ControlApi(EngineApi& engine, ControlApiOptions options);
  // Refuses new requests (503), answers the queued ones 503, waits for the
  // ones under way. The engine must outlive it.
  ~ControlApi();
  ControlApi(const ControlApi&) = delete;
  ControlApi& operator=(const ControlApi&) = delete;

  // For Origin::setControlHandler: authenticates on the calling thread and
  // queues the call for the pool.
  origin::ControlHandler handler();
  // One request, authenticated and answered on the calling thread.
  origin::ControlResponse handle(const origin::ControlRequest& request);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace vigil::control
