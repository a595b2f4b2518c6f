#include "hcl/diagnostic.h"

#include <fmt/format.h>

namespace kiln::hcl {

Diagnostic ErrorAt(const Range& where, std::string summary, std::string detail) {
  return kiln::MakeError(where, std::move(summary), std::move(detail));
}

Diagnostic WarningAt(const Range& where, std::string summary, std::string detail) {
  Diagnostic d = kiln::MakeError(where, std::move(summary), std::move(detail));
  d.warning = true;
  return d;
}

Range RangeBetween(const Range& a, const Range& b) {
  Range r = a;
  if (b.start.byte < r.start.byte) r.start = b.start;
  if (b.end.byte > r.end.byte) r.end = b.end;
  return r;
}

Range RangeStartOf(const Range& r) {
  Range out = r;
  out.end = r.start;
  return out;
}

Range RangeEndOf(const Range& r) {
  Range out = r;
  out.start = r.end;
  return out;
}

std::string RangeString(const Range& r) {
  if (r.start.line == r.end.line)
    return fmt::format("{}:{}:{}-{}", r.file, r.start.line, r.start.column, r.end.column);
  return fmt::format("{}:{}:{}-{}:{}", r.file, r.start.line, r.start.column, r.end.line,
                     r.end.column);
}

}  // namespace kiln::hcl
