// Forwarding over one logged-in SSH connection, as OpenSSH's client does it:
//   ssh_local_tunnels (-L)   kiln listens here; each accepted connection gets
//                            a direct-tcpip channel to host:hostport.
//   ssh_remote_tunnels (-R)  the machine's sshd listens (tcpip-forward); each
//                            forwarded-tcpip channel it opens is connected to
//                            host:hostport from here.
//   agent forwarding         each auth-agent@openssh.com channel the server
//                            opens (commands asked for it) is connected to
//                            the agent at $SSH_AUTH_SOCK.
//
// The Session owns its Forwarder and destroys it before freeing the libssh
// session: listeners, sockets and channels are all closed then. A reconnect
// makes a new Session, so the tunnels are set up again.
//
// Not thread-safe, like the Session: Service() and the libssh callbacks run
// on whichever thread holds the communicator's lock (a command's read loop,
// a transfer, or the communicator's idle pump). Little blocks: the sockets
// are non-blocking, bytes move only as far as the channel windows allow, and
// data waiting for a slow socket stops reading its channel. Opening a
// channel waits for the server's answer, and a remote tunnel's connect()
// here for at most 3 s.
#pragma once

#include <libssh/libssh.h>
#include <poll.h>

#include <memory>
#include <string>
#include <vector>

#include "communicators/ssh/config.h"
#include "communicators/ssh/session.h"
#include "util/unique_fd.h"

namespace kiln::communicators::ssh {

class Forwarder {
 public:
  // `agent_socket` empty: no agent forwarding. Does no I/O yet.
  Forwarder(ssh_session session, std::string label, std::vector<Tunnel> local, std::vector<Tunnel> remote,
            std::string agent_socket);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Binds the local tunnels' listeners (every address bind_address names;
  // fails when none can be bound) and asks the server to listen for the
  // remote ones (fails when it refuses). The error names the tunnel.
  Result<void> Listen();

  // One non-blocking pass: lets libssh read what arrived (running the
  // callbacks below), accepts local connections, moves bytes both ways and
  // closes finished connections. Returns false when the connection dropped.
  bool Service();
  // True when libssh holds bytes a link could take now (so waiting on the
  // sockets would sleep while there is work); may read from the session.
  bool HasBuffered();
  // What Service() waits for: the listeners, and each socket when it can
  // take or give bytes. The session's socket is the caller's.
  void AppendPollFds(std::vector<pollfd>& fds) const;

  bool forwards_agent() const { return !agent_socket_.empty(); }

  // libssh callbacks (the Session routes them here). A channel the server
  // opens for the agent: connects to the agent and returns a new channel to
  // accept, or null to refuse.
  ssh_channel OnAgentChannel();
  // A forwarded-tcpip open for one of the remote tunnels: accepts it and
  // connects to the tunnel's host:hostport. False: not ours (libssh gives
  // the default answer).
  bool OnForwardedChannel(ssh_message msg);

 private:
  struct Listener {
    const Tunnel* tunnel;
    UniqueFd fd;
  };
  // One forwarded TCP (or agent) connection: a socket and its channel.
  struct Link {
    std::string what;  // for the log: "local tunnel 8080:localhost:80 from 127.0.0.1:5234"
    UniqueFd fd;
    Channel channel;
    std::string to_socket;      // read from the channel, not yet written to the socket
    bool socket_done = false;   // the socket's peer finished sending: EOF sent on the channel
    bool channel_done = false;  // the channel's EOF passed on: the socket is shut for writing
  };

  enum class Step { kIdle, kMoved, kDone };
  // Accepts the connections waiting on `listener`, each with a new channel.
  void Accept(const Listener& listener);
  // Moves what it can both ways; kDone when the link is finished (or broken).
  Step Pump(Link& link);

  ssh_session session_;
  std::string label_;
  std::vector<Tunnel> local_, remote_;
  std::string agent_socket_;
  std::vector<Listener> listeners_;
  std::vector<std::unique_ptr<Link>> links_;
  // Opened by the callbacks, which may run in the middle of Service()'s
  // walk over links_; adopted at the start of the next pass.
  std::vector<std::unique_ptr<Link>> incoming_;
};

}  // namespace kiln::communicators::ssh
