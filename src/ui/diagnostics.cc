#include "ui/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/files.h"

namespace kiln::ui {

std::optional<std::string> SourceCache::Line(const std::string& file, int line) {
  auto it = files_.find(file);
  if (it == files_.end()) {
    Result<std::string> text = ReadFile(file);
    it = files_.emplace(file, text ? std::optional(std::move(*text)) : std::nullopt).first;
  }
  if (!it->second) return std::nullopt;
  std::string_view text = *it->second;
  for (int i = 1; i < line; ++i) {
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    text.remove_prefix(nl + 1);
  }
  std::string_view out = text.substr(0, text.find('\n'));
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return std::string(out);
}

std::string RenderDiagnostic(const Error& error, SourceCache& sources, const MaskFn& mask) {
  std::string out = fmt::format("{}: ", error.warning ? "Warning" : "Error");
  if (error.where && !error.where->file.empty())
    out += fmt::format("{}:{}:{}: ", error.where->file, error.where->start.line, error.where->start.column);
  out += error.summary + "\n";
  if (!error.detail.empty()) out += "  " + error.detail + "\n";
  if (error.where && !error.where->file.empty() && !error.hide_source) {
    if (std::optional<std::string> line = sources.Line(error.where->file, error.where->start.line)) {
      std::string number = std::to_string(error.where->start.line);
      // Tabs stay tabs under the caret so it lines up in a terminal.
      std::string before = line->substr(0, std::max(0, error.where->start.column - 1));
      if (mask) before = mask(before);
      std::string pad;
      for (char c : before) pad += c == '\t' ? '\t' : ' ';
      out += fmt::format("\n  {} | {}\n  {:>{}} | {}^\n", number, *line, "", number.size(), pad);
    }
  }
  return out;
}

std::string RenderDiagnostics(const Diagnostics& diags, SourceCache& sources, const MaskFn& mask) {
  std::set<std::string> seen;
  std::string out;
  for (const Error& e : diags) {
    std::string text = RenderDiagnostic(e, sources, mask);
    if (seen.insert(text).second) out += text + "\n";
  }
  return out;
}

}  // namespace kiln::ui
