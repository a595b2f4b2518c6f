// For tests: an Output whose stdout and stderr go to temporary files that
// the test reads back, so what is checked is what a user's terminal gets.
#pragma once

#include <cstdio>
#include <string>

#include "ui/output.h"

namespace kiln::ui {

class CapturedOutput {
 public:
  CapturedOutput() : out_(std::tmpfile()), err_(std::tmpfile()), output_(out_, err_) {}
  ~CapturedOutput() {
    std::fclose(out_);
    std::fclose(err_);
  }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

  Output& output() { return output_; }
  std::string out() { return Read(out_); }
  std::string err() { return Read(err_); }

 private:
  static std::string Read(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    for (int c; (c = std::fgetc(f)) != EOF;) s += static_cast<char>(c);
    return s;
  }
  std::FILE* out_;
  std::FILE* err_;
  Output output_;
};

}  // namespace kiln::ui
