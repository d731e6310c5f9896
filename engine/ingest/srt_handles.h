// Move-only owners for libsrt handles and the one process-wide
// srt_startup/srt_cleanup guard. Internal to ingest: it includes <srt/srt.h>.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <srt/srt.h>

namespace vigil::srt {

// libsrt is started while at least one guard lives and cleaned up after the
// last one goes, so listeners can come and go without tearing the library
// down under another. Every owner of an SRT socket holds one (declared
// before its sockets, so the sockets close first).
using LibraryGuard = std::shared_ptr<void>;
LibraryGuard acquireLibrary();

class Socket {
 public:
  Socket() = default;
  explicit Socket(SRTSOCKET s) : s_(s) {}
  ~Socket() { reset(); }
  Socket(Socket&& o) noexcept : s_(std::exchange(o.s_, SRT_INVALID_SOCK)) {}
  Socket& operator=(Socket&& o) noexcept {
    if (this != &o) {
      reset();
      s_ = std::exchange(o.s_, SRT_INVALID_SOCK);
    }
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  SRTSOCKET get() const { return s_; }
  explicit operator bool() const { return s_ != SRT_INVALID_SOCK; }
  void reset() {
    if (s_ != SRT_INVALID_SOCK) srt_close(s_);
    s_ = SRT_INVALID_SOCK;
  }

 private:
  SRTSOCKET s_ = SRT_INVALID_SOCK;
};

class Epoll {
 public:
  Epoll() = default;
  explicit Epoll(int eid) : eid_(eid) {}
  ~Epoll() { reset(); }
  Epoll(Epoll&& o) noexcept : eid_(std::exchange(o.eid_, -1)) {}
  Epoll& operator=(Epoll&& o) noexcept {
    if (this != &o) {
      reset();
      eid_ = std::exchange(o.eid_, -1);
    }
    return *this;
  }
  Epoll(const Epoll&) = delete;
  Epoll& operator=(const Epoll&) = delete;

  int get() const { return eid_; }
  explicit operator bool() const { return eid_ >= 0; }
  void reset() {
    if (eid_ >= 0) srt_epoll_release(eid_);
    eid_ = -1;
  }

 private:
  int eid_ = -1;
};

// The text of libsrt's last error on this thread.
inline std::string lastError() { return srt_getlasterror_str(); }

}  // namespace vigil::srt
