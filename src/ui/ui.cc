#include "ui/ui.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

namespace kiln::ui {
namespace {

std::string_view Code(Color c) {
  switch (c) {
    case Color::kNone: return "";
    case Color::kBold: return "\033[1m";
    case Color::kGreen: return "\033[0;32m";
    case Color::kRed: return "\033[0;31m";
    case Color::kYellow: return "\033[0;33m";
    case Color::kCyan: return "\033[0;36m";
    case Color::kMagenta: return "\033[0;35m";
    case Color::kBlue: return "\033[0;34m";
  }
  return "";
}

}  // namespace

Color BuildColor(std::size_t index) {
  static constexpr Color kCycle[] = {Color::kGreen, Color::kCyan, Color::kMagenta, Color::kYellow, Color::kBlue};
  return kCycle[index % std::size(kCycle)];
}

Ui::Ui(Output& output, UiOptions options, std::string target, Color color)
    : output_(&output), options_(options), target_(std::move(target)), color_(color) {}

Ui Ui::ForBuild(std::string name, Color color) const { return Ui(*output_, options_, std::move(name), color); }

void Ui::Say(std::string_view text) { Print(false, "say", "==> ", text, color_ == Color::kNone ? Color::kBold : color_); }
void Ui::Message(std::string_view text) { Print(false, "message", "    ", text, color_); }
void Ui::Error(std::string_view text) { Print(true, "error", "==> ", text, Color::kRed); }

void Ui::Raw(std::string_view text) {
  if (options_.machine_readable) {
    Machine("ui", {"say", std::string(text)});
    return;
  }
  output_->Out(text);
}

void Ui::Machine(std::string_view type, const std::vector<std::string>& args) {
  if (!options_.machine_readable) return;
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::string line = fmt::format("{},{},{}", static_cast<long long>(now), target_, type);
  for (const std::string& arg : args) line += "," + MachineEscape(arg);
  output_->Out(line + "\n");
}

void Ui::Print(bool to_err, std::string_view kind, std::string_view prefix, std::string_view text, Color color) {
  // Each line of a multi-line message gets the prefix, as Packer does.
  std::string name = target_.empty() ? "" : target_ + ": ";
  if (options_.machine_readable) {
    std::string full = target_.empty() ? std::string(text) : fmt::format("{}{}{}", prefix, name, text);
    Machine("ui", {std::string(kind), full});
    return;
  }
  std::string stamp;
  if (options_.timestamps)
    stamp = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}: ",
                        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  std::string out;
  std::string_view rest = text;
  std::string_view head = target_.empty() ? "" : prefix;
  bool colored = options_.color && color != Color::kNone;
  do {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    out += stamp;
    if (colored) out += Code(color);
    out += fmt::format("{}{}{}", head, name, line);
    if (colored) out += "\033[0m";
    out += '\n';
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (nl == std::string_view::npos) break;
  } while (true);
  if (to_err) output_->Err(out);
  else output_->Out(out);
}

}  // namespace kiln::ui
