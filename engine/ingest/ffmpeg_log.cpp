#include "ingest/ffmpeg_log.h"

extern "C" {
#include <libavutil/log.h>
}

#include <chrono>
#include <cstdarg>
#include <mutex>
#include <string>

#include "core/log.h"

namespace vigil::ingest {
namespace {

spdlog::level::level_enum levelFor(int avLevel) {
  if (avLevel <= AV_LOG_ERROR) return spdlog::level::err;
  if (avLevel <= AV_LOG_WARNING) return spdlog::level::warn;
  if (avLevel <= AV_LOG_INFO) return spdlog::level::debug;
  return spdlog::level::trace;
}

// av_log may deliver one line in several calls; assemble per thread.
thread_local std::string t_line;
thread_local int t_prefix = 1;

struct RepeatFilter {
  std::mutex mutex;
  std::string last;
  int repeats = 0;
  std::chrono::steady_clock::time_point lastLogged;
};
RepeatFilter g_repeats;

void emit(spdlog::level::level_enum level, const std::string& line) {
  auto logger = log::get("ffmpeg");
  if (!logger->should_log(level)) return;
  {
    std::lock_guard lock(g_repeats.mutex);
    const auto now = std::chrono::steady_clock::now();
    if (line == g_repeats.last && now - g_repeats.lastLogged < std::chrono::seconds(10)) {
      ++g_repeats.repeats;
      return;
    }
    if (g_repeats.repeats > 0) logger->log(level, "(last message repeated {} times)", g_repeats.repeats);
    g_repeats.last = line;
    g_repeats.repeats = 0;
    g_repeats.lastLogged = now;
  }
  logger->log(level, "{}", line);
}

void callback(void* avcl, int avLevel, const char* fmt, va_list vl) {
  if (avLevel > av_log_get_level()) return;
  char buf[1024];
  av_log_format_line2(avcl, avLevel, fmt, vl, buf, sizeof buf, &t_prefix);
  t_line += buf;
  if (t_line.empty() || t_line.back() != '\n') {
    if (t_line.size() < 4096) return;  // wait for the rest of the line (bounded)
  }
  while (!t_line.empty() && (t_line.back() == '\n' || t_line.back() == '\r')) t_line.pop_back();
  if (!t_line.empty()) emit(levelFor(avLevel), t_line);
  t_line.clear();
}

}  // namespace

void installFfmpegLogBridge() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_INFO);
    av_log_set_callback(callback);
  });
}

}  // namespace vigil::ingest
