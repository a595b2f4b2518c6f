// The one place where kiln's bytes leave the process: stdout, stderr and the
// debug log. Every write is masked here, once, so no call site can leak a
// secret, and written whole under a lock, so parallel builds never
// interleave mid-line.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "ui/masker.h"

namespace kiln::ui {

class Output {
 public:
  Output(std::FILE* out, std::FILE* err) : out_(out), err_(err) {}
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // The process's stdout/stderr, with the debug log set from the
  // environment (KILN_LOG or PACKER_LOG, to KILN_LOG_PATH/PACKER_LOG_PATH or
  // stderr).
  static Output& Process();

  void AddSecret(std::string_view secret);
  // `text` as it would be written; for layout that depends on it.
  std::string Mask(std::string_view text);
  // For splitters of over-long lines: Masker::SafeCut and Masker::longest
  // with the secrets registered so far.
  std::size_t SafeCut(std::string_view text, std::size_t at);
  std::size_t longest_secret();
  void Out(std::string_view text);
  void Err(std::string_view text);
  void Log(std::string_view text);  // no-op unless the debug log is on
  bool log_enabled() const { return log_ != nullptr; }
  // Sends the debug log to `file` (owned when `own` is set); nullptr stops it.
  void SetLog(std::FILE* file, bool own);

 private:
  void Write(std::FILE* file, std::string_view text);

  std::mutex mu_;
  Masker masker_;
  std::FILE* out_;
  std::FILE* err_;
  std::FILE* log_ = nullptr;
  bool own_log_ = false;
};

// Debug-log shorthand: Log("docker: exec {} started", id).
template <typename... Args>
void Log(fmt::format_string<Args...> format, Args&&... args) {
  Output& out = Output::Process();
  if (out.log_enabled()) out.Log(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kiln::ui
