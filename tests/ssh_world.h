// The test world for SSH builds: OpenSSH sshd instances on 127.0.0.1 started
// by scripts/start-sshd.sh (one taking keys, one taking passwords, both for
// the user kilntest), an ssh-agent holding the test key, and on demand an
// sshd in a debian:bookworm container to reach through the first as a
// bastion. Everything is stopped and removed when the test process exits.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "docker_world.h"
#include "kiln_runner.h"

namespace kiln::testing {

struct SshWorld {
  std::filesystem::path key_dir, password_dir;
  int key_port = 0, password_port = 0;
  std::string password;
  std::string agent_sock;
  int agent_pid = 0;
  int container_port = 0;  // 0 until StartContainer
  std::optional<std::string> unavailable;

  std::string Key() const { return (key_dir / "id_ed25519").string(); }        // OpenSSH format
  std::string PemKey() const { return (key_dir / "id_rsa").string(); }         // PEM format
  std::string WrongKey() const { return (key_dir / "wrong_ed25519").string(); }  // not authorized

  // The password instance and the agent start on first use (each test runs
  // in its own process); empty when they run, else why not.
  std::optional<std::string> StartPasswordServer() {
    if (password_port) return std::nullopt;
    ShellResult p = Sh("bash " KILN_SOURCE_DIR "/scripts/start-sshd.sh " + password_dir.string() + " password");
    if (p.status != 0) return "cannot start sshd: " + p.output;
    password_port = std::atoi(p.output.c_str());
    password = ReadAll((password_dir / "password").string());
    while (!password.empty() && password.back() == '\n') password.pop_back();
    return std::nullopt;
  }
  std::optional<std::string> StartAgent() {
    if (agent_pid > 0) return std::nullopt;
    agent_sock = (key_dir / "agent.sock").string();
    ShellResult a = Sh("ssh-agent -a " + agent_sock + " | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\).*/\\1/p'");
    agent_pid = std::atoi(a.output.c_str());
    ShellResult add = Sh("SSH_AUTH_SOCK=" + agent_sock + " ssh-add -q " + PemKey());
    if (agent_pid <= 0 || add.status != 0) return "cannot start ssh-agent: " + a.output + add.output;
    return std::nullopt;
  }

  // The container sshd (same authorized keys as the key instance); empty
  // when it can run, else why not.
  std::optional<std::string> StartContainer() {
    if (container_port) return std::nullopt;
    if (auto why = DockerWorldUnavailable()) return why;
    ShellResult r = Sh("bash " KILN_SOURCE_DIR "/scripts/start-sshd.sh --container " + key_dir.string());
    if (r.status != 0) return "cannot start the sshd container: " + r.output;
    container_port = std::atoi(ReadAll((key_dir / "container_port").string()).c_str());
    return std::nullopt;
  }

  static SshWorld& Get() {
    static SshWorld* world = [] {
      auto* w = new SshWorld();
      w->Start();
      std::atexit([] { Get().Stop(); });
      return w;
    }();
    return *world;
  }

 private:
  void Start() {
    if (::geteuid() != 0) {
      unavailable = "the SSH tests need root (to run sshd and create the user kilntest)";
      return;
    }
    if (Sh("test -x /usr/sbin/sshd").status != 0) {
      unavailable = "sshd is not installed (scripts/install-deps.sh ssh)";
      return;
    }
    std::string base = "/tmp/kiln-sshw-" + std::to_string(::getpid());
    key_dir = base + "-key";
    password_dir = base + "-pw";
    ShellResult k = Sh("bash " KILN_SOURCE_DIR "/scripts/start-sshd.sh " + key_dir.string() + " key");
    if (k.status != 0) {
      unavailable = "cannot start sshd: " + k.output;
      return;
    }
    key_port = std::atoi(k.output.c_str());
  }
  void Stop() {
    for (const std::filesystem::path& d : {key_dir, password_dir}) {
      if (d.empty()) continue;
      Sh("bash " KILN_SOURCE_DIR "/scripts/start-sshd.sh --stop " + d.string());
      std::filesystem::remove_all(d);
    }
    if (agent_pid > 0) ::kill(agent_pid, SIGTERM);
  }
};

#define KILN_REQUIRE_SSH()                                                     \
  do {                                                                         \
    if (auto why = ::kiln::testing::SshWorld::Get().unavailable) GTEST_SKIP() << *why; \
  } while (0)

// A local scratch dir and a remote dir name, both unique to one build.
struct Scratch {
  std::filesystem::path local;
  std::string remote;
  Scratch() {
    static int n = 0;
    std::string id = std::to_string(::getpid()) + "-" + std::to_string(n++);
    local = std::filesystem::path("/tmp") / ("kiln-ssh-test-" + id);
    remote = "/tmp/kiln-ssh-remote-" + id;
    std::filesystem::create_directories(local);
  }
  ~Scratch() {
    std::filesystem::remove_all(local);
    std::filesystem::remove_all(remote);  // when the machine is this host
  }
  std::string Write(const nlohmann::json& tmpl) const {
    std::filesystem::path p = local / "template.json";
    std::ofstream(p) << tmpl.dump(2);
    return p.string();
  }
};

inline std::string RandomBytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// A null builder reaching the sshd on 127.0.0.1:port as kilntest.
inline nlohmann::json SshBuilder(int port, const std::string& method) {
  return {{"type", "null"},         {"ssh_host", "127.0.0.1"}, {"ssh_port", port},
          {"ssh_username", "kilntest"}, {"ssh_timeout", "20s"},    {"ssh_file_transfer_method", method}};
}

// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    ::close(fd);
    return 0;
  }
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}


}  // namespace kiln::testing
