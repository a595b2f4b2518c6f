// Owners for libssh's handles: each frees its handle on destruction, so no
// path can leak one or free it twice.
#pragma once

#include <libssh/libssh.h>

#include <memory>

namespace kiln::communicators::ssh {

struct KeyFree {
  void operator()(ssh_key k) const { ssh_key_free(k); }
};
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyFree>;

// Disconnects first when connected.
struct SessionFree {
  void operator()(ssh_session s) const {
    if (ssh_is_connected(s)) ssh_disconnect(s);
    ssh_free(s);
  }
};
using SessionPtr = std::unique_ptr<ssh_session_struct, SessionFree>;

// Closes an open channel, then frees it.
struct ChannelFree {
  void operator()(ssh_channel c) const {
    if (ssh_channel_is_open(c)) ssh_channel_close(c);
    ssh_channel_free(c);
  }
};
using Channel = std::unique_ptr<ssh_channel_struct, ChannelFree>;

// A string libssh allocated (ssh_string_free_char).
struct SshCharFree {
  void operator()(char* p) const { ssh_string_free_char(p); }
};
using SshCharPtr = std::unique_ptr<char, SshCharFree>;

}  // namespace kiln::communicators::ssh
