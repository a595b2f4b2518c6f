// A small mutation fuzzer for hosts without clang 16 and libFuzzer:
// build hcl_fuzz.cc with this file under g++ -fsanitize=address,undefined.
// It runs every seed file, then mutates seeds (bit flips, byte edits,
// dictionary tokens, splices) for the given number of seconds, reporting
// executions per second. A crash or sanitizer report aborts the process with
// the input saved to ./crash-<n>; an input running longer than 10 s is
// saved to ./hang-<n> and reported.
//
//   hcl_fuzz_standalone SECONDS SEED_DIR...      fuzz
//   hcl_fuzz_standalone FILE...                  replay files (e.g. a crash)
#include <csignal>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string g_current;

void SaveCurrent(const char* prefix) {
  std::string name = std::string(prefix) + std::to_string(getpid());
  std::ofstream(name, std::ios::binary) << g_current;
  std::fprintf(stderr, "\nsaved input to %s\n", name.c_str());
}

void OnAlarm(int) {
  SaveCurrent("hang-");
  std::_Exit(3);
}

void OnCrash(int sig) {
  SaveCurrent("crash-");
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void RunOne(const std::string& in) {
  g_current = in;
  alarm(10);
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  alarm(0);
}

const char* kDict[] = {
    "${", "%{", "}", "~}", "${~", "\"", "<<EOT\n", "\nEOT\n", "<<-EOT\n", "[", "]", "{", "}",
    "(", ")", "=", "==", "!=", "&&", "||", "!", "?", ":", "...", "=>", ".", ",", "*", "[*]",
    ".*", "for", "in", "if", "else", "endif", "endfor", "null", "true", "false", "var.l",
    "var.s", "var.secret", "var.u", "1e9", "0.1", "-", "+", "/", "%", "\n", "#", "//", "/*",
    "*/", "a = ", "block \"l\" {\n", "format(", "jsondecode(", "yamldecode(", "regex(",
    "range(", "tolist(", "toset(", "tomap(", "try(", "can(", "cidrsubnet(", "formatdate(",
    "substr(", "split(", "join(", "merge(", "flatten(", "setproduct(", "pow(", "\\u", "\\",
    "'"};

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  int n = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < n; ++i) {
    std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 7) {
      case 0:
        if (!s.empty()) s[pos % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng() % 8);
        break;
      case 2: s.insert(pos, 1, static_cast<char>(rng() % 256)); break;
      case 3:
      case 4: s.insert(pos, kDict[rng() % (sizeof kDict / sizeof *kDict)]); break;
      case 5: {
        const std::string& o = seeds[rng() % seeds.size()];
        if (o.empty()) break;
        std::size_t a = rng() % o.size();
        s.insert(pos, o.substr(a, 1 + rng() % 64));
        break;
      }
      case 6:
        if (s.size() > 2) {
          std::size_t a = rng() % s.size();
          s.insert(pos, s.substr(a, 1 + rng() % 16));
        }
        break;
    }
  }
  if (s.size() > 8192) s.resize(8192);
  return s;
}

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGALRM, OnAlarm);
  std::signal(SIGSEGV, OnCrash);
  std::signal(SIGABRT, OnCrash);
  std::signal(SIGFPE, OnCrash);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SECONDS SEED_DIR... | %s FILE...\n", argv[0], argv[0]);
    return 2;
  }
  char* end = nullptr;
  long seconds = std::strtol(argv[1], &end, 10);
  if (*end != '\0') {  // replay mode
    for (int i = 1; i < argc; ++i) RunOne(Read(argv[i]));
    std::printf("replayed %d file(s): no crash\n", argc - 1);
    return 0;
  }
  std::vector<std::string> seeds;
  for (int i = 2; i < argc; ++i)
    for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i]))
      if (e.is_regular_file() && e.file_size() < 16384) seeds.push_back(Read(e.path()));
  if (seeds.empty()) seeds.push_back("a = 1\n");
  for (const std::string& s : seeds) RunOne(s);
  std::mt19937_64 rng(12345);
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::seconds(seconds);
  std::uint64_t execs = 0;
  auto last = start;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string in = Mutate(seeds[rng() % seeds.size()], seeds, rng);
    RunOne(in);
    ++execs;
    if (execs % 64 == 0) seeds.push_back(in);  // let mutations compound a little
    if (seeds.size() > 5000) seeds.erase(seeds.begin() + 200, seeds.begin() + 1200);
    auto now = std::chrono::steady_clock::now();
    if (now - last > std::chrono::seconds(30)) {
      last = now;
      double secs = std::chrono::duration<double>(now - start).count();
      std::printf("#%llu execs in %.0fs (%.0f/s)\n", static_cast<unsigned long long>(execs), secs,
                  execs / secs);
      std::fflush(stdout);
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("done: %llu execs in %.0fs (%.0f/s), no crash, no hang, no sanitizer report\n",
              static_cast<unsigned long long>(execs), secs, execs / secs);
  return 0;
}
