#include "ui/output.h"

#include <fmt/chrono.h>

#include <chrono>
#include <cstdlib>

#include "util/no_destructor.h"

namespace kiln::ui {

Output::~Output() {
  if (own_log_ && log_) std::fclose(log_);
}

Output& Output::Process() {
  static Output* process = [] {
    static NoDestructor<Output> holder(stdout, stderr);  // lives until exit: used from atexit paths too
    Output* o = &holder.get();
    const char* on = std::getenv("KILN_LOG");
    if (!on || !*on || std::string_view(on) == "0") on = std::getenv("PACKER_LOG");
    if (on && *on && std::string_view(on) != "0") {
      const char* path = std::getenv("KILN_LOG_PATH");
      if (!path || !*path) path = std::getenv("PACKER_LOG_PATH");
      std::FILE* file = path && *path ? std::fopen(path, "a") : nullptr;
      o->SetLog(file ? file : stderr, file != nullptr);
    }
    return o;
  }();
  return *process;
}

void Output::SetLog(std::FILE* file, bool own) {
  std::lock_guard lock(mu_);
  if (own_log_ && log_) std::fclose(log_);
  log_ = file;
  own_log_ = own;
}

void Output::AddSecret(std::string_view secret) {
  std::lock_guard lock(mu_);
  masker_.Add(secret);
}

std::string Output::Mask(std::string_view text) {
  std::lock_guard lock(mu_);
  return masker_.Apply(text);
}

std::size_t Output::SafeCut(std::string_view text, std::size_t at) {
  std::lock_guard lock(mu_);
  return masker_.SafeCut(text, at);
}

std::size_t Output::longest_secret() {
  std::lock_guard lock(mu_);
  return masker_.longest();
}

void Output::Write(std::FILE* file, std::string_view text) {
  std::lock_guard lock(mu_);
  std::string masked = masker_.Apply(text);
  std::fwrite(masked.data(), 1, masked.size(), file);
  std::fflush(file);
}

void Output::Out(std::string_view text) { Write(out_, text); }
void Output::Err(std::string_view text) { Write(err_, text); }

void Output::Log(std::string_view text) {
  if (!log_) return;
  auto now = std::chrono::system_clock::now();
  std::string line = fmt::format("{:%Y/%m/%d %H:%M:%S} {}\n",
                                 std::chrono::floor<std::chrono::seconds>(now), text);
  Write(log_, line);
}

}  // namespace kiln::ui
