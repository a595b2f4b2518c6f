// Runs the kiln binary the way a user does, for the CLI-level tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

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

}  // namespace kiln::testing
