// One error type for all of kiln: a summary, what to do about it, and where
// in which file it happened (HCL's Diagnostic). Result<T> carries either.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

struct SourcePos {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
  int byte = 0;    // 0-based offset into the file
};

struct SourceRange {
  std::string file;
  SourcePos start;
  SourcePos end;
};

struct Error {
  bool warning = false;
  std::string summary;               // "Unknown root level key in template"
  std::string detail;                // what the user can do about it
  std::optional<SourceRange> where;  // empty for runtime errors
  // The file at `where` holds secrets (a var-file): errors name the place
  // but never quote its line.
  bool hide_source = false;

  // "file:line:col: summary: detail" (or "summary: detail" without a place).
  std::string Message() const;
};

template <typename T>
using Result = std::expected<T, Error>;

// Collected while loading: loaders keep going after an error so that one run
// reports all of them.
using Diagnostics = std::vector<Error>;

inline bool HasErrors(const Diagnostics& diags) {
  for (const Error& e : diags)
    if (!e.warning) return true;
  return false;
}

// An Error without a position.
Error MakeError(std::string summary, std::string detail = {});
// An Error at a place in a file.
Error MakeError(const SourceRange& where, std::string summary,
                std::string detail = {});

}  // namespace kiln
