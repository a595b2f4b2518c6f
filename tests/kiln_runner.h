// Runs the kiln binary the way a user does, for the CLI-level tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <thread>

namespace kiln::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  std::string all() const { return out + err; }
};

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `args` is shell text (quoted as a user would type it); runs in `dir` with
// `env` ("K=V K2=V2", shell text) prepended.
inline RunResult RunKiln(const std::string& args, const std::string& dir = ".", const std::string& env = "") {
  static int counter = 0;
  std::string base = "/tmp/kiln-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string cmd = "cd '" + dir + "' && env " + env + " '" KILN_BINARY "' " + args + " >" + base +
                    ".out 2>" + base + ".err </dev/null";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadAll(base + ".out");
  r.err = ReadAll(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

// The command lines (/proc/*/cmdline, NULs as spaces) of every process on
// this host that mention `text`: what any user's `ps` shows. Containers'
// processes and a local sshd's sessions are included.
inline std::set<std::string> CommandLinesContaining(const std::string& text) {
  std::set<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadAll(entry.path().string() + "/cmdline");
    for (char& c : cmdline)
      if (c == '\0') c = ' ';
    if (cmdline.find(text) != std::string::npos) found.insert(name + ": " + cmdline);
  }
  return found;
}

// RunKiln, watching the process list meanwhile for `text`.
inline RunResult RunKilnWatchingPs(const std::string& args, const std::string& dir, const std::string& env,
                                   const std::string& text, std::set<std::string>& seen) {
  std::future<RunResult> run = std::async(std::launch::async, [&] { return RunKiln(args, dir, env); });
  while (run.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready)
    for (const std::string& line : CommandLinesContaining(text)) seen.insert(line);
  return run.get();
}

}  // namespace kiln::testing
