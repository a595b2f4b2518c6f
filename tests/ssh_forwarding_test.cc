// Agent forwarding and tunnels (ssh_local_tunnels, ssh_remote_tunnels) of
// the SSH communicator, in `kiln build` with the null builder against the
// real sshd of tests/ssh_world.h. The machine is this host, so a server the
// test runs on 127.0.0.1 is "on the machine" for a local tunnel and "here"
// for a remote one; each test only reaches it through the tunnel's own port,
// which nothing but kiln (or the machine's sshd) listens on.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "kiln_runner.h"
#include "ssh_world.h"

extern char** environ;

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::steady_clock;

// What the server sends for "big": enough to need several channel windows.
const std::string& BigPayload() {
  static const std::string big = RandomBytes(3 * 1024 * 1024 + 13, 7);
  return big;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (w <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(w));
  }
  return true;
}

// A TCP server on 127.0.0.1 (a thread per connection). Each connection
// sends one line: "big" gets BigPayload(), "echo" gets back every byte sent
// after the line until EOF, anything else gets "pong <line> <token>". Then
// the server closes the connection.
class LineServer {
 public:
  explicit LineServer(std::string token) : token_(std::move(token)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 && ::listen(fd_, 16) == 0) {
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin_port);
    }
    accepter_ = std::thread([this] { Serve(); });
  }
  ~LineServer() {
    stop_ = true;
    accepter_.join();
    for (std::thread& t : handlers_) t.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      handlers_.emplace_back([this, c] { Handle(c); });
    }
  }
  void Handle(int c) {
    timeval tv{.tv_sec = 30, .tv_usec = 0};  // never hang a test for good
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string line;
    char ch;
    while (::recv(c, &ch, 1, 0) == 1 && ch != '\n') line += ch;
    if (line == "big") {
      SendAll(c, BigPayload());
    } else if (line == "echo") {
      char buf[16 * 1024];
      for (ssize_t n; (n = ::recv(c, buf, sizeof buf, 0)) > 0;)
        if (!SendAll(c, std::string_view(buf, static_cast<std::size_t>(n)))) break;
    } else {
      SendAll(c, "pong " + line + " " + token_ + "\n");
    }
    ::close(c);
  }

  std::string token_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread accepter_;
  std::vector<std::thread> handlers_;  // only the accepter adds; joined after it
};

int ConnectTo(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{.tv_sec = 30, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends `data` to 127.0.0.1:port (then EOF) while reading the answer to
// the end; nullopt when nothing listens there.
std::optional<std::string> Exchange(int port, const std::string& data) {
  int fd = ConnectTo(port);
  if (fd < 0) return std::nullopt;
  std::thread sender([&] {
    SendAll(fd, data);
    ::shutdown(fd, SHUT_WR);
  });
  std::string got;
  char buf[64 * 1024];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
  sender.join();
  ::close(fd);
  return got;
}

bool WaitForFile(const fs::path& p, std::chrono::seconds limit, const std::atomic<bool>& done) {
  auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline && !done) {
    if (fs::exists(p)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fs::exists(p);
}

// A shell-local step that says it started (touches `ready`) and waits until
// the test touches `go` (at most a minute).
json PauseStep(const fs::path& ready, const fs::path& go) {
  return {{"type", "shell-local"},
          {"inline",
           {"touch " + ready.string(),
            "i=0; while [ ! -e " + go.string() + " ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done"}}};
}

json KeyBuilder() {
  json b = SshBuilder(SshWorld::Get().key_port, "scp");
  b["ssh_private_key_file"] = SshWorld::Get().Key();
  return b;
}

// "SHA256:..." of the key the test agent holds.
std::string AgentKeyFingerprint() {
  std::string line = Sh("ssh-keygen -lf " + SshWorld::Get().PemKey() + ".pub").output;
  std::size_t start = line.find("SHA256:");
  return start == std::string::npos ? "no fingerprint" : line.substr(start, line.find(' ', start) - start);
}

const char* kSshAddList =
    "if ssh-add -l; then echo ssh-add-ok; else echo \"ssh-add-failed $?\"; fi; echo \"sock=${SSH_AUTH_SOCK:-none}\"";

TEST(SshAgentForwarding, TheMachineListsTheLocalAgentsKeys) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartAgent()) GTEST_SKIP() << *why;
  Scratch s;
  // Two commands: each asks for the agent on its own channel.
  json tmpl = {{"builders", {KeyBuilder()}},
               {"provisioners",
                {{{"type", "shell"}, {"inline", {"echo first", kSshAddList}}},
                 {{"type", "shell"}, {"inline", {"echo second", kSshAddList}}}}}};
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string(), "SSH_AUTH_SOCK=" + w.agent_sock);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  std::string fingerprint = AgentKeyFingerprint();
  std::size_t first = r.out.find(fingerprint);
  ASSERT_NE(first, std::string::npos) << fingerprint << "\n" << r.all();
  EXPECT_NE(r.out.find(fingerprint, first + 1), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("null: ssh-add-ok"), std::string::npos) << r.all();
  EXPECT_EQ(r.out.find("ssh-add-failed"), std::string::npos) << r.all();
  EXPECT_EQ(r.out.find("sock=none"), std::string::npos) << r.all();
}

TEST(SshAgentForwarding, DisabledOrWithoutAnAgentTheMachineHasNone) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartAgent()) GTEST_SKIP() << *why;
  Scratch s;
  std::string fingerprint = AgentKeyFingerprint();
  json disabled = KeyBuilder();
  disabled["ssh_disable_agent_forwarding"] = true;
  for (auto [builder, env] : {std::pair{disabled, "SSH_AUTH_SOCK=" + w.agent_sock},
                              std::pair{KeyBuilder(), std::string("-u SSH_AUTH_SOCK")}}) {
    SCOPED_TRACE(env);
    json tmpl = {{"builders", {builder}}, {"provisioners", {{{"type", "shell"}, {"inline", {kSshAddList}}}}}};
    RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string(), env);
    ASSERT_EQ(r.exit_code, 0) << r.all();
    // ssh-add: "Could not open a connection to your authentication agent", exit 2.
    EXPECT_NE(r.out.find("null: ssh-add-failed 2"), std::string::npos) << r.all();
    EXPECT_NE(r.out.find("null: sock=none"), std::string::npos) << r.all();
    EXPECT_EQ(r.out.find(fingerprint), std::string::npos) << r.all();
  }
}

TEST(SshTunnels, LocalTunnelReachesAServerFromTheMachine) {
  KILN_REQUIRE_SSH();
  LineServer server("local-token-31");
  ASSERT_NE(server.port(), 0);
  Scratch s;
  int local_port = FreePort();
  fs::path ready = s.local / "ready", go = s.local / "go";
  json b = KeyBuilder();
  b["ssh_local_tunnels"] = {std::to_string(local_port) + ":127.0.0.1:" + std::to_string(server.port())};
  json tmpl = {{"builders", {b}},
               {"provisioners", {{{"type", "shell"}, {"inline", {"echo connected"}}}, PauseStep(ready, go)}}};
  RunResult r;
  std::atomic<bool> done{false};
  std::thread build([&] {
    r = RunKiln("build " + s.Write(tmpl), s.local.string());
    done = true;
  });
  if (WaitForFile(ready, std::chrono::seconds(60), done)) {
    // While no command runs: the communicator's pump serves the tunnel.
    std::optional<std::string> pong = Exchange(local_port, "hello\n");
    ASSERT_TRUE(pong.has_value()) << "nothing listens on " << local_port;
    EXPECT_EQ(*pong, "pong hello local-token-31\n");
    // Several windows each way, both directions at once, then a half-close.
    std::string payload = RandomBytes(2 * 1024 * 1024 + 5, 11);
    std::optional<std::string> echoed = Exchange(local_port, "echo\n" + payload);
    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(echoed->size(), payload.size());
    EXPECT_TRUE(*echoed == payload);
    // Connections side by side.
    std::vector<std::thread> clients;
    std::atomic<int> good{0};
    for (int i = 0; i < 4; ++i)
      clients.emplace_back([&, i] {
        std::string big = Exchange(local_port, "big\n").value_or("");
        std::string pong2 = Exchange(local_port, "c" + std::to_string(i) + "\n").value_or("");
        if (big == BigPayload() && pong2 == "pong c" + std::to_string(i) + " local-token-31\n") ++good;
      });
    for (std::thread& t : clients) t.join();
    EXPECT_EQ(good, 4);
  }
  std::ofstream(go).put('\n');
  build.join();
  ASSERT_TRUE(fs::exists(ready)) << r.all();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("null: connected"), std::string::npos) << r.out;
  EXPECT_EQ(server.connections(), 10);
  // The build is over: the tunnel's port is closed.
  EXPECT_FALSE(Exchange(local_port, "late\n").has_value());
}

// A remote step (bash) that sends `line` through 127.0.0.1:port and prints
// the answer, then fetches "big" and prints its sha256.
std::string RemoteClient(int port, const std::string& line) {
  std::string p = std::to_string(port);
  return "exec 3<>/dev/tcp/127.0.0.1/" + p + "; echo " + line + " >&3; cat <&3; exec 3<&-; " +
         "exec 4<>/dev/tcp/127.0.0.1/" + p + "; echo big >&4; sha256sum <&4; exec 4<&-";
}

std::string BigSha256() {
  Scratch s;
  std::ofstream(s.local / "big", std::ios::binary) << BigPayload();
  return Sh("sha256sum < '" + (s.local / "big").string() + "'").output.substr(0, 64);
}

TEST(SshTunnels, RemoteTunnelReachesAServerHere) {
  KILN_REQUIRE_SSH();
  LineServer server("remote-token-47");
  ASSERT_NE(server.port(), 0);
  Scratch s;
  int remote_port = FreePort();
  json b = KeyBuilder();
  b["ssh_remote_tunnels"] = {std::to_string(remote_port) + ":127.0.0.1:" + std::to_string(server.port())};
  // The command waits on the tunnel: the command's own read loop serves it.
  json tmpl = {{"builders", {b}},
               {"provisioners",
                {{{"type", "shell"},
                  {"inline_shebang", "/bin/bash -e"},
                  {"inline", {RemoteClient(remote_port, "from-the-machine")}}}}}};
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("null: pong from-the-machine remote-token-47"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("null: " + BigSha256() + "  -"), std::string::npos) << r.all();
  EXPECT_EQ(server.connections(), 2);
}

// Through a bastion to the sshd container: the target session's socket is
// the bastion pump's socketpair. The container's sshd answers the local
// tunnel; the remote tunnel comes back here through both hops.
TEST(SshTunnels, ThroughABastionToAContainer) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartContainer()) GTEST_SKIP() << *why;
  LineServer server("bastion-token-9");
  ASSERT_NE(server.port(), 0);
  Scratch s;
  int local_port = FreePort(), remote_port = FreePort();
  while (remote_port == local_port) remote_port = FreePort();
  fs::path ready = s.local / "ready", go = s.local / "go";
  json b = SshBuilder(w.container_port, "scp");
  b["ssh_private_key_file"] = w.Key();
  b["ssh_bastion_host"] = "127.0.0.1";
  b["ssh_bastion_port"] = w.key_port;
  b["ssh_bastion_username"] = "kilntest";
  b["ssh_local_tunnels"] = {std::to_string(local_port) + ":127.0.0.1:22"};  // the container's own sshd
  b["ssh_remote_tunnels"] = {std::to_string(remote_port) + ":127.0.0.1:" + std::to_string(server.port())};
  json tmpl = {{"builders", {b}},
               {"provisioners",
                {{{"type", "shell"},
                  {"inline_shebang", "/bin/bash -e"},
                  {"inline", {RemoteClient(remote_port, "from-the-container")}}},
                 PauseStep(ready, go)}}};
  RunResult r;
  std::atomic<bool> done{false};
  std::thread build([&] {
    r = RunKiln("build " + s.Write(tmpl), s.local.string());
    done = true;
  });
  std::string banner;
  if (WaitForFile(ready, std::chrono::seconds(90), done)) {
    int fd = ConnectTo(local_port);
    char buf[256];
    ssize_t n = fd >= 0 ? ::recv(fd, buf, sizeof buf, 0) : -1;
    if (n > 0) banner.assign(buf, static_cast<std::size_t>(n));
    if (fd >= 0) ::close(fd);
  }
  std::ofstream(go).put('\n');
  build.join();
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(banner.starts_with("SSH-2.0-OpenSSH")) << banner;
  EXPECT_NE(r.out.find("null: pong from-the-container bastion-token-9"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("null: " + BigSha256() + "  -"), std::string::npos) << r.all();
}

// The shell step kills the sshd process serving its connection, as a
// reboot would; the next step reconnects.
const char* kKillMyConnection =
    "p=$$; while [ \"$(cat /proc/$p/comm)\" != sshd ]; do p=$(awk '{print $4}' /proc/$p/stat); done; "
    "kill -9 $p; sleep 5; echo still-connected";

TEST(SshTunnels, AReconnectSetsTheTunnelsUpAgain) {
  KILN_REQUIRE_SSH();
  LineServer server("again-token-5");
  ASSERT_NE(server.port(), 0);
  Scratch s;
  int local_port = FreePort(), remote_port = FreePort();
  while (remote_port == local_port) remote_port = FreePort();
  std::string target = ":127.0.0.1:" + std::to_string(server.port());
  json b = KeyBuilder();
  b["ssh_local_tunnels"] = {std::to_string(local_port) + target};
  b["ssh_remote_tunnels"] = {std::to_string(remote_port) + target};
  json bash_step = {{"type", "shell"}, {"inline_shebang", "/bin/bash -e"}};
  json before = bash_step, after = bash_step;
  before["inline"] = {RemoteClient(remote_port, "before")};
  after["inline"] = {RemoteClient(remote_port, "after")};
  json tmpl = {
      {"builders", {b}},
      {"provisioners",
       {before,
        {{"type", "shell"}, {"inline", {"echo rebooting", kKillMyConnection}}, {"expect_disconnect", true}},
        after,
        {{"type", "shell-local"},
         {"inline_shebang", "/bin/bash -e"},
         {"inline", {"exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(local_port) + "; echo via-local >&3; cat <&3"}}}}}};
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.out.find("still-connected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("null: pong before again-token-5"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("null: pong after again-token-5"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("pong via-local again-token-5"), std::string::npos) << r.all();
  std::string big = "null: " + BigSha256() + "  -";
  std::size_t first = r.out.find(big);
  EXPECT_NE(first, std::string::npos) << r.all();
  EXPECT_NE(r.out.rfind(big), first) << r.all();  // before and after the reconnect
}

TEST(SshTunnels, ALocalPortInUseFailsTheConnection) {
  KILN_REQUIRE_SSH();
  LineServer taken("taken");  // already listening on 127.0.0.1:port
  ASSERT_NE(taken.port(), 0);
  Scratch s;
  std::string spec = "127.0.0.1:" + std::to_string(taken.port()) + ":127.0.0.1:22";
  json b = KeyBuilder();
  b["ssh_local_tunnels"] = {spec};
  json tmpl = {{"builders", {b}}, {"provisioners", {{{"type", "shell"}, {"inline", {"echo connected"}}}}}};
  auto start = steady_clock::now();
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  // Not retried until ssh_timeout: the port will not free itself.
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(15)) << r.all();
  EXPECT_NE(r.err.find("ssh_local_tunnels '" + spec + "': cannot listen on 127.0.0.1:" + std::to_string(taken.port())),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Address already in use"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("null: connected"), std::string::npos) << r.out;
}

// Ctrl-C while a tunnel carries a connection: kiln stops the pump, closes
// the tunnel and exits.
TEST(SshTunnels, InterruptClosesTheTunnelsAndExits) {
  KILN_REQUIRE_SSH();
  LineServer server("interrupt-token");
  ASSERT_NE(server.port(), 0);
  Scratch s;
  int local_port = FreePort();
  fs::path ready = s.local / "ready", go = s.local / "go";
  json b = KeyBuilder();
  b["ssh_local_tunnels"] = {std::to_string(local_port) + ":127.0.0.1:" + std::to_string(server.port())};
  json tmpl = {{"builders", {b}}, {"provisioners", {PauseStep(ready, go)}}};
  std::string bin = KILN_BINARY, cmd = "build", path = s.Write(tmpl);
  char* argv[] = {bin.data(), cmd.data(), path.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  std::atomic<bool> never{false};
  bool paused = WaitForFile(ready, std::chrono::seconds(60), never);
  int held = -1;
  if (paused) {
    EXPECT_EQ(Exchange(local_port, "hi\n").value_or(""), "pong hi interrupt-token\n");
    held = ConnectTo(local_port);  // an open link: "echo" and some bytes, no EOF
    EXPECT_GE(held, 0);
    SendAll(held, "echo\nsome bytes");
    char buf[10];
    EXPECT_EQ(::recv(held, buf, sizeof buf, 0), 10);  // through the tunnel and back
  }
  ::kill(pid, SIGINT);
  auto deadline = steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(pid, &status, WNOHANG)) == 0 && steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (waited == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    ADD_FAILURE() << "kiln did not exit within 20s of SIGINT";
  }
  std::ofstream(go).put('\n');
  ASSERT_TRUE(paused);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  if (held >= 0) {
    char buf[64];
    EXPECT_LE(::recv(held, buf, sizeof buf, 0), 0);  // the tunnel closed the link
    ::close(held);
  }
  EXPECT_FALSE(Exchange(local_port, "late\n").has_value());
}

// Malformed entries fail before anything starts, each at its place.
TEST(SshConfig, MalformedTunnelsAreErrorsWithTheirPlace) {
  Scratch s;
  const char* text = R"({
  "builders": [{
    "type": "null",
    "ssh_host": "127.0.0.1",
    "ssh_username": "u",
    "ssh_password": "tunnel-test-password",
    "ssh_local_tunnels": ["8080:localhost:80", "8080:localhost"],
    "ssh_remote_tunnels": ["99999:localhost:80"]
  }]
}
)";
  std::ofstream(s.local / "template.json") << text;
  RunResult r = RunKiln("build template.json", s.local.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("template.json:7:48: bad ssh_local_tunnels entry '8080:localhost': expected "
                       "[bind_address:]port:host:hostport"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("write it as OpenSSH's -L takes it"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("template.json:8:28: bad ssh_remote_tunnels entry '99999:localhost:80': '99999' is not a "
                       "port (1-65535)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("'8080:localhost:80'"), std::string::npos) << r.err;  // the good one
  EXPECT_EQ(r.out.find("Waiting for SSH"), std::string::npos) << r.out;

  // HCL: the place is the list (its elements carry no positions of their own).
  std::ofstream(s.local / "template.pkr.hcl") << R"(source "null" "x" {
  ssh_host           = "127.0.0.1"
  ssh_username       = "u"
  ssh_password       = "tunnel-test-password"
  ssh_remote_tunnels = ["8080:localhost:80", "[::1:8080:localhost:80"]
}
build { sources = ["source.null.x"] }
)";
  r = RunKiln("build template.pkr.hcl", s.local.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("template.pkr.hcl:5:24: bad ssh_remote_tunnels entry '[::1:8080:localhost:80': '[' "
                       "without a closing ']'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("write it as OpenSSH's -R takes it"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kiln::testing
