#include "communicators/ssh/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include "ui/output.h"

namespace kiln::communicators::ssh {
namespace {

constexpr std::uint64_t kMinSize = 8 << 20;

std::string Size(std::uint64_t bytes) {
  if (bytes >= (1ull << 30)) return fmt::format("{:.2f} GiB", bytes / double(1ull << 30));
  return fmt::format("{:.1f} MiB", bytes / double(1 << 20));
}

}  // namespace

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(::isatty(STDERR_FILENO) && (total == 0 || total >= kMinSize)),
      start_(std::chrono::steady_clock::now()),
      drawn_(start_) {}

Progress::~Progress() {
  if (enabled_ && done_ >= kMinSize) Draw(true);
}

void Progress::Add(std::uint64_t bytes) {
  done_ += bytes;
  if (!enabled_ || done_ < kMinSize) return;
  auto now = std::chrono::steady_clock::now();
  if (now - drawn_ < std::chrono::milliseconds(200)) return;
  drawn_ = now;
  Draw(false);
}

void Progress::Draw(bool last) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? done_ / secs : 0;
  std::string line;
  if (total_ > 0) {
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * double(done_) / double(total_));
    if (filled > kWidth) filled = kWidth;
    line = fmt::format("\r    {} [{}{}] {} / {} ({}/s)", label_, std::string(filled, '='), std::string(kWidth - filled, ' '),
                       Size(done_), Size(total_), Size(static_cast<std::uint64_t>(rate)));
  } else {
    line = fmt::format("\r    {} {} ({}/s)", label_, Size(done_), Size(static_cast<std::uint64_t>(rate)));
  }
  line += last ? "\n" : "\x1b[K";
  ui::Output::Process().Err(line);
}

}  // namespace kiln::communicators::ssh
