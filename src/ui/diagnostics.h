// Renders errors for people: "Error: file:line:col: summary", the detail on
// the next line, then the source line with a caret under the column.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <string>

#include "util/error.h"

namespace kiln::ui {

// Reads each source file once, on first use, for the excerpts.
class SourceCache {
 public:
  // Lets in-memory sources (or already-read files) be used without I/O.
  void Put(const std::string& file, std::string text) { files_[file] = std::move(text); }
  // The 1-based line `line` of `file`, or nullopt when unreadable.
  std::optional<std::string> Line(const std::string& file, int line);

 private:
  std::map<std::string, std::optional<std::string>> files_;
};

// How the output will mask a text; the caret under an excerpt is placed
// by the masked width of what precedes it, so it still lines up.
using MaskFn = std::function<std::string(std::string_view)>;

// The source line under an error, cut to a window of about kExcerptWidth
// bytes around the caret when longer ("..." marks a cut), so an error on a
// 10 MB line prints a line, not 20 MB. Masked before it is cut.
inline constexpr std::size_t kExcerptWidth = 120;
struct Excerpt {
  std::string text;          // what to print after "N | "
  std::string before_caret;  // the part of `text` before the caret
};
Excerpt CutExcerpt(std::string_view line, std::size_t column, const MaskFn& mask = {});

// A summary or detail longer than kMessageWidth bytes (an unknown key of
// 10 MB quoted in "Unknown key 'x...'") is cut there, masked first, with a
// note of how much was cut.
inline constexpr std::size_t kMessageWidth = 1024;
std::string CutMessage(std::string_view text, const MaskFn& mask = {});

std::string RenderDiagnostic(const Error& error, SourceCache& sources, const MaskFn& mask = {});

// Renders all of `diags` (errors and warnings), dropping exact repeats.
std::string RenderDiagnostics(const Diagnostics& diags, SourceCache& sources, const MaskFn& mask = {});

}  // namespace kiln::ui
