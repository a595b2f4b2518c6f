// The test world for docker builds: a running dockerd and the debian:bookworm
// base image, both started/built by the project's scripts when missing.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace kiln::testing {

struct ShellResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline ShellResult Sh(const std::string& command) {
  ShellResult r;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Empty when dockerd answers and debian:bookworm exists; else why not.
inline std::optional<std::string> DockerWorldUnavailable() {
  static std::once_flag once;
  static std::optional<std::string> reason;
  std::call_once(once, [] {
    ShellResult d = Sh("bash " KILN_SOURCE_DIR "/scripts/start-dockerd.sh");
    if (d.status != 0) {
      reason = "dockerd cannot run on this machine: " + d.output;
      return;
    }
    ShellResult img = Sh("bash " KILN_SOURCE_DIR "/scripts/base-image.sh debian:bookworm");
    if (img.status != 0) reason = "cannot build the debian:bookworm base image: " + img.output;
  });
  return reason;
}

#define KILN_REQUIRE_DOCKER()                                  \
  do {                                                         \
    if (auto why = ::kiln::testing::DockerWorldUnavailable()) \
      GTEST_SKIP() << *why;                                    \
  } while (0)

// Containers kiln made in a run (their names start kiln-<run uuid>-).
inline std::string ContainersOfRun(const std::string& run_uuid) {
  return Sh("docker ps -aq --filter name=kiln-" + run_uuid).output;
}

}  // namespace kiln::testing
