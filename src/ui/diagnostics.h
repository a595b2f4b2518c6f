// Renders errors for people: "Error: file:line:col: summary", the detail on
// the next line, then the source line with a caret under the column.
#pragma once

#include <map>
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

std::string RenderDiagnostic(const Error& error, SourceCache& sources);

// Renders all of `diags` (errors and warnings), dropping exact repeats.
std::string RenderDiagnostics(const Diagnostics& diags, SourceCache& sources);

}  // namespace kiln::ui
