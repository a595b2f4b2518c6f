// What commands and builds say to the user. Human mode prints Packer's
// "==> name: text" lines (colored on a terminal); machine-readable mode
// prints "timestamp,target,type,data..." lines. Both write through Output,
// which masks secrets.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ui/output.h"

namespace kiln::ui {

struct UiOptions {
  bool color = false;
  bool machine_readable = false;
  bool timestamps = false;  // -timestamp-ui: an RFC 3339 time before each line
};

enum class Color { kNone, kBold, kGreen, kRed, kYellow, kCyan, kMagenta, kBlue };

class Ui {
 public:
  Ui(Output& output, UiOptions options, std::string target = {}, Color color = Color::kNone);

  // A build's own Ui: its lines carry "name: " and, on a terminal, a color.
  Ui ForBuild(std::string name, Color color) const;

  void Say(std::string_view text);      // "==> name: text", a new stage
  void Message(std::string_view text);  // "    name: text", detail
  void Error(std::string_view text);    // to stderr, red
  // A machine-readable record; printed only in machine-readable mode.
  void Machine(std::string_view type, const std::vector<std::string>& args);
  // Text printed as is (human mode only), e.g. command results.
  void Raw(std::string_view text);

  bool machine_readable() const { return options_.machine_readable; }
  const UiOptions& options() const { return options_; }
  Output& output() const { return *output_; }

 private:
  void Print(bool to_err, std::string_view kind, std::string_view prefix, std::string_view text, Color color);

  Output* output_;
  UiOptions options_;
  std::string target_;  // build name; empty for the command itself
  Color color_;
};

// Colors given to parallel builds in turn.
Color BuildColor(std::size_t index);

}  // namespace kiln::ui
