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

Excerpt CutExcerpt(std::string_view line, std::size_t column, const MaskFn& mask) {
  // Masked first, so that a cut can never leave half a secret unmasked.
  std::string text = mask ? mask(line) : std::string(line);
  std::string before = mask ? mask(line.substr(0, column)) : std::string(line.substr(0, column));
  std::size_t caret = std::min(before.size(), text.size());
  if (text.size() <= kExcerptWidth) return {std::move(text), std::move(before)};
  // A window of kExcerptWidth bytes around the caret, on UTF-8 boundaries.
  auto continuation = [&](std::size_t i) { return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; };
  std::size_t start = caret > kExcerptWidth / 2 ? caret - kExcerptWidth / 2 : 0;
  std::size_t end = std::min(text.size(), start + kExcerptWidth);
  if (end == text.size()) start = end - kExcerptWidth;
  for (int k = 0; k < 3 && continuation(start) && start < caret; ++k) ++start;
  for (int k = 0; k < 3 && continuation(end) && end > caret; ++k) --end;
  std::string head = start > 0 ? "..." : "", tail = end < text.size() ? "..." : "";
  return {head + text.substr(start, end - start) + tail, head + text.substr(start, caret - start)};
}

std::string CutMessage(std::string_view message, const MaskFn& mask) {
  if (message.size() <= kMessageWidth) return std::string(message);
  std::string text = mask ? mask(message) : std::string(message);
  if (text.size() <= kMessageWidth) return text;
  std::size_t end = kMessageWidth;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // a whole character
  return fmt::format("{}... ({} more bytes)", text.substr(0, end), text.size() - end);
}

std::string RenderDiagnostic(const Error& error, SourceCache& sources, const MaskFn& mask) {
  std::string out = fmt::format("{}: ", error.warning ? "Warning" : "Error");
  if (error.where && !error.where->file.empty())
    out += fmt::format("{}:{}:{}: ", error.where->file, error.where->start.line, error.where->start.column);
  out += CutMessage(error.summary, mask) + "\n";
  if (!error.detail.empty()) out += "  " + CutMessage(error.detail, mask) + "\n";
  if (error.where && !error.where->file.empty() && !error.hide_source) {
    if (std::optional<std::string> line = sources.Line(error.where->file, error.where->start.line)) {
      std::string number = std::to_string(error.where->start.line);
      std::size_t column = std::min<std::size_t>(std::max(0, error.where->start.column - 1), line->size());
      Excerpt excerpt = CutExcerpt(*line, column, mask);
      // Tabs stay tabs under the caret so it lines up in a terminal.
      std::string pad;
      for (char c : excerpt.before_caret) pad += c == '\t' ? '\t' : ' ';
      out += fmt::format("\n  {} | {}\n  {:>{}} | {}^\n", number, excerpt.text, "", number.size(), pad);
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
