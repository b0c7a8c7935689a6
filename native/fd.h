// A descriptor closed on every path out of the scope that owns it, and the
// error a socket holds.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pktkit {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// The error a socket reports without blocking (ENETDOWN when its interface
// went down, ENODEV when it went away), or 0. Reading it clears it: call it
// only to end the capture.
inline int pending_socket_error(int fd) {
  if (fd < 0) return 0;
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 0) != 1 || !(p.revents & POLLERR)) return 0;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return 0;
  return err;
}

}  // namespace pktkit
