#include "communicators/ssh/forward.h"

#include <fmt/format.h>
#include <libssh/server.h>  // ssh_execute_message_callbacks and the ssh_message getters (client-side too)
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ui/output.h"

namespace kiln::communicators::ssh {
namespace {

constexpr std::size_t kBuffer = 32 * 1024;
// How long a remote tunnel's connect() to its local host:hostport may take;
// it runs inside libssh's packet handling, so everything waits meanwhile.
constexpr int kConnectTimeoutMs = 3000;

std::string Numeric(const sockaddr* addr, socklen_t len, int* port = nullptr) {
  char host[NI_MAXHOST] = "?", serv[NI_MAXSERV] = "0";
  ::getnameinfo(addr, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
  if (port) *port = std::atoi(serv);
  return host;
}

std::string HostPort(const std::string& host, int port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

// "" and "*" mean every interface, as in OpenSSH.
bool Wildcard(const std::string& bind) { return bind.empty() || bind == "*"; }

struct AddrInfo {
  addrinfo* list = nullptr;
  ~AddrInfo() {
    if (list) ::freeaddrinfo(list);
  }
};

// A connected non-blocking socket to host:port, trying each address in turn.
Result<UniqueFd> ConnectTcp(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  AddrInfo ai;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &ai.list); rc != 0)
    return std::unexpected(MakeError(fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc))));
  std::string why = "no address";
  for (addrinfo* a = ai.list; a; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd) {
      why = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd.get(), a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd.get(), POLLOUT, 0};
      int err = ETIMEDOUT;
      socklen_t len = sizeof err;
      if (::poll(&p, 1, kConnectTimeoutMs) > 0) ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc == 0) return fd;
    why = fmt::format("{}: {}", Numeric(a->ai_addr, a->ai_addrlen), std::strerror(errno));
  }
  return std::unexpected(MakeError(fmt::format("cannot connect to {}: {}", HostPort(host, port), why)));
}

}  // namespace

Forwarder::Forwarder(ssh_session session, std::string label, std::vector<Tunnel> local, std::vector<Tunnel> remote,
                     std::string agent_socket)
    : session_(session),
      label_(std::move(label)),
      local_(std::move(local)),
      remote_(std::move(remote)),
      agent_socket_(std::move(agent_socket)) {}

Forwarder::~Forwarder() {
  // Channels before the session they belong to; the Session frees it next.
  incoming_.clear();
  links_.clear();
  listeners_.clear();
  if (!local_.empty() || !remote_.empty()) ui::Log("ssh: {}: tunnels closed", label_);
}

Result<void> Forwarder::Listen() {
  for (const Tunnel& t : local_) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    AddrInfo ai;
    const char* node = Wildcard(t.bind_address) ? nullptr : t.bind_address.c_str();
    if (int rc = ::getaddrinfo(node, std::to_string(t.port).c_str(), &hints, &ai.list); rc != 0)
      return std::unexpected(MakeError(
          fmt::format("ssh_local_tunnels '{}': cannot resolve {}: {}", t.spec, t.bind_address, ::gai_strerror(rc))));
    // As OpenSSH does: listen on every address the name has; fine while one works.
    std::string failures;
    std::size_t bound = 0;
    for (addrinfo* a = ai.list; a; a = a->ai_next) {
      std::string where = HostPort(Numeric(a->ai_addr, a->ai_addrlen), t.port);
      UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
      int one = 1;
      if (fd) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (fd && a->ai_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      if (!fd || ::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd.get(), 64) != 0) {
        failures += fmt::format("{}{}: {}", failures.empty() ? "" : "; ", where, std::strerror(errno));
        continue;
      }
      ui::Log("ssh: {}: local tunnel {}: listening on {}", label_, t.spec, where);
      listeners_.push_back({&t, std::move(fd)});
      ++bound;
    }
    if (bound == 0)
      return std::unexpected(MakeError(
          fmt::format("ssh_local_tunnels '{}': cannot listen on {}", t.spec, HostPort(t.bind_address, t.port)),
          fmt::format("{}; pick a free port", failures)));
    if (!failures.empty()) ui::Log("ssh: {}: local tunnel {}: not on {}", label_, t.spec, failures);
  }
  for (const Tunnel& t : remote_) {
    // RFC 4254: "" asks for every address; OpenSSH takes "*" the same way.
    const char* address = Wildcard(t.bind_address) ? "" : t.bind_address.c_str();
    if (ssh_channel_listen_forward(session_, address, t.port, nullptr) != SSH_OK)
      return std::unexpected(MakeError(
          fmt::format("ssh_remote_tunnels '{}': {} refused to listen on {}: {}", t.spec, label_,
                      HostPort(t.bind_address, t.port), ssh_get_error(session_)),
          "the machine's sshd must allow forwarding (AllowTcpForwarding yes) and the port must be free there"));
    ui::Log("ssh: {}: remote tunnel {}: the machine listens on {}", label_, t.spec, HostPort(t.bind_address, t.port));
  }
  return {};
}

ssh_channel Forwarder::OnAgentChannel() {
  if (agent_socket_.empty()) return nullptr;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (agent_socket_.size() >= sizeof addr.sun_path) return nullptr;
  std::memcpy(addr.sun_path, agent_socket_.data(), agent_socket_.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ui::Log("ssh: {}: cannot reach the agent at {} for a forwarded request: {}", label_, agent_socket_,
            std::strerror(errno));
    return nullptr;
  }
  ssh_channel ch = ssh_channel_new(session_);
  if (!ch) return nullptr;
  ui::Log("ssh: {}: agent channel opened", label_);
  auto link = std::make_unique<Link>();
  link->what = "agent channel";
  link->fd = std::move(fd);
  link->channel = Channel(ch);
  incoming_.push_back(std::move(link));
  return ch;  // libssh accepts it; the link owns it
}

bool Forwarder::OnForwardedChannel(ssh_message msg) {
  if (ssh_message_type(msg) != SSH_REQUEST_CHANNEL_OPEN || ssh_message_subtype(msg) != SSH_CHANNEL_FORWARDED_TCPIP)
    return false;
  int port = ssh_message_channel_request_open_destination_port(msg);
  auto t = std::find_if(remote_.begin(), remote_.end(), [&](const Tunnel& r) { return r.port == port; });
  if (t == remote_.end()) return false;
  const char* originator = ssh_message_channel_request_open_originator(msg);
  std::string what =
      fmt::format("remote tunnel {} from {}", t->spec,
                  HostPort(originator ? originator : "?", ssh_message_channel_request_open_originator_port(msg)));
  Result<UniqueFd> fd = ConnectTcp(t->host, t->host_port);
  if (!fd) {
    ui::Log("ssh: {}: {}: {}", label_, what, fd.error().summary);
    return false;  // refused: the machine's client sees the connection close
  }
  ssh_channel ch = ssh_message_channel_request_open_reply_accept(msg);
  if (!ch) return true;
  ui::Log("ssh: {}: {}: connected to {}", label_, what, HostPort(t->host, t->host_port));
  auto link = std::make_unique<Link>();
  link->what = std::move(what);
  link->fd = std::move(*fd);
  link->channel = Channel(ch);
  incoming_.push_back(std::move(link));
  return true;
}

void Forwarder::Accept(const Listener& listener) {
  const Tunnel& t = *listener.tunnel;
  for (int i = 0; i < 16; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    UniqueFd fd(::accept4(listener.fd.get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;  // none waiting (or a transient error: the next pass tries again)
    int peer_port = 0;
    std::string peer_host = Numeric(reinterpret_cast<sockaddr*>(&peer), len, &peer_port);
    std::string what = fmt::format("local tunnel {} from {}", t.spec, HostPort(peer_host, peer_port));
    Channel ch(ssh_channel_new(session_));
    if (!ch.get() ||
        ssh_channel_open_forward(ch.get(), t.host.c_str(), t.host_port, peer_host.c_str(), peer_port) != SSH_OK) {
      // Closing the accepted socket tells the client.
      ui::Log("ssh: {}: {}: the machine cannot connect to {}: {}", label_, what, HostPort(t.host, t.host_port),
              ssh_get_error(session_));
      continue;
    }
    ui::Log("ssh: {}: {}: forwarding to {}", label_, what, HostPort(t.host, t.host_port));
    auto link = std::make_unique<Link>();
    link->what = std::move(what);
    link->fd = std::move(fd);
    link->channel = std::move(ch);
    links_.push_back(std::move(link));
  }
}

Forwarder::Step Forwarder::Pump(Link& l) {
  char buf[kBuffer];
  ssh_channel ch = l.channel.get();
  Step step = Step::kIdle;
  for (int round = 0; round < 8; ++round) {
    bool moved = false;
    // Channel to socket; the next read waits until the socket took the last.
    if (!l.channel_done && l.to_socket.empty()) {
      // Extended data has no place on a TCP stream: dropped (OpenSSH too).
      while (ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1) > 0) {
      }
      int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0);
      if (n > 0) {
        l.to_socket.assign(buf, static_cast<std::size_t>(n));
      } else if (n == SSH_ERROR) {
        return Step::kDone;
      } else if (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch)) {
        ::shutdown(l.fd.get(), SHUT_WR);  // the client sees EOF
        l.channel_done = true;
        moved = true;
      }
    }
    if (!l.to_socket.empty()) {
      ssize_t w = ::send(l.fd.get(), l.to_socket.data(), l.to_socket.size(), MSG_NOSIGNAL);
      if (w > 0) {
        l.to_socket.erase(0, static_cast<std::size_t>(w));
        moved = true;
      } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return Step::kDone;  // the client went away
      }
    }
    // Socket to channel, no more than the server's window takes (so that
    // ssh_channel_write never waits for it).
    if (!l.socket_done) {
      std::size_t window = ssh_channel_window_size(ch);
      if (window > 0) {
        ssize_t r = ::recv(l.fd.get(), buf, std::min(window, sizeof buf), 0);
        if (r > 0) {
          if (ssh_channel_write(ch, buf, static_cast<uint32_t>(r)) != r) return Step::kDone;
          moved = true;
        } else if (r == 0) {
          if (ssh_channel_is_open(ch)) ssh_channel_send_eof(ch);
          l.socket_done = true;
          moved = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return Step::kDone;
        }
      }
    }
    // Both halves finished, or the server closed the channel and everything
    // it sent reached the client.
    if (l.channel_done && (l.socket_done || ssh_channel_is_closed(ch))) return Step::kDone;
    if (!moved) break;
    step = Step::kMoved;
  }
  return step;
}

bool Forwarder::Service() {
  auto dropped = [this] {
    return !ssh_is_connected(session_) || (ssh_get_status(session_) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
  };
  if (dropped()) {
    incoming_.clear();
    links_.clear();
    return false;
  }
  // Reads what arrived; channel opens from the server run the callbacks.
  ssh_execute_message_callbacks(session_);
  for (const Listener& l : listeners_) Accept(l);
  // Passes until nothing moves: bytes read for one link may arrive while
  // another is pumped.
  for (int pass = 0; pass < 16; ++pass) {
    for (std::unique_ptr<Link>& l : incoming_) links_.push_back(std::move(l));
    incoming_.clear();
    bool moved = false;
    for (std::size_t i = 0; i < links_.size();) {
      Step step = Pump(*links_[i]);
      if (step == Step::kDone) {
        ui::Log("ssh: {}: {}: closed", label_, links_[i]->what);
        links_.erase(links_.begin() + static_cast<std::ptrdiff_t>(i));
        moved = true;
        continue;
      }
      moved = moved || step == Step::kMoved;
      ++i;
    }
    if (!moved && incoming_.empty()) break;
  }
  return !dropped();
}

bool Forwarder::HasBuffered() {
  if (!incoming_.empty()) return true;
  for (const std::unique_ptr<Link>& l : links_)
    if (!l->channel_done && l->to_socket.empty() && ssh_channel_poll(l->channel.get(), 0) != 0) return true;
  return false;
}

void Forwarder::AppendPollFds(std::vector<pollfd>& fds) const {
  for (const Listener& l : listeners_) fds.push_back({l.fd.get(), POLLIN, 0});
  for (const std::unique_ptr<Link>& l : links_) {
    short events = 0;
    if (!l->socket_done && ssh_channel_window_size(l->channel.get()) > 0) events |= POLLIN;
    if (!l->to_socket.empty()) events |= POLLOUT;
    if (events) fds.push_back({l->fd.get(), events, 0});
  }
}

}  // namespace kiln::communicators::ssh
