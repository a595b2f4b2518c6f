// A one-line progress bar on stderr for long transfers, shown only when
// stderr is a terminal and the transfer is over 8 MiB (Packer shows one for
// file uploads too). Redrawn at most 5 times a second; the destructor ends
// the line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kiln::communicators::ssh {

class Progress {
 public:
  // `total` 0: unknown size (only bytes so far are shown).
  Progress(std::string label, std::uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(std::uint64_t bytes);

 private:
  void Draw(bool last);

  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, drawn_;
};

}  // namespace kiln::communicators::ssh
