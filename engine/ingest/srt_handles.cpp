#include "ingest/srt_handles.h"

#include <syslog.h>
#include <mutex>

#include "core/log.h"

namespace vigil::srt {
namespace {

// libsrt's own messages (for instance why a handshake failed) go to the
// "srt" logger instead of stderr, so the host's sinks see them.
void forwardLog(void*, int level, const char*, int, const char* area, const char* message) {
  auto logger = log::get("srt");
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  const auto lvl = level <= LOG_ERR       ? spdlog::level::err
                   : level == LOG_WARNING ? spdlog::level::warn
                   : level <= LOG_INFO    ? spdlog::level::info
                                          : spdlog::level::debug;
  logger->log(lvl, "[{}] {}", area ? area : "", text);
}

std::mutex gMutex;  // guards gLibrary
std::weak_ptr<void> gLibrary;

}  // namespace

LibraryGuard acquireLibrary() {
  std::lock_guard lock(gMutex);
  if (auto existing = gLibrary.lock()) return existing;
  srt_setlogflags(SRT_LOGF_DISABLE_TIME | SRT_LOGF_DISABLE_THREADNAME | SRT_LOGF_DISABLE_EOL);
  srt_setloghandler(nullptr, &forwardLog);
  srt_setloglevel(LOG_WARNING);
  srt_startup();
  // The deleter runs when the last owner goes; it takes the mutex so a new
  // acquireLibrary() cannot start the library while it is being cleaned up.
  LibraryGuard guard(reinterpret_cast<void*>(1), [](void*) {
    std::lock_guard cleanupLock(gMutex);
    srt_cleanup();
  });
  gLibrary = guard;
  return guard;
}

}  // namespace vigil::srt
