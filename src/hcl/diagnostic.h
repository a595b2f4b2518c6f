// HCL diagnostics are kiln's one Error type (util/error.h): summary, detail,
// a source range, a warning flag. This header adds the names HCL code uses
// and helpers to build them; rendering with the source line and a caret is
// ui::RenderDiagnostics (ui/diagnostics.h).
#pragma once

#include <string>

#include "util/error.h"

namespace kiln::hcl {

using Pos = kiln::SourcePos;
using Range = kiln::SourceRange;
using Diagnostic = kiln::Error;
using Diagnostics = kiln::Diagnostics;

// An error diagnostic at `where`.
Diagnostic ErrorAt(const Range& where, std::string summary, std::string detail = {});
// A warning diagnostic at `where`.
Diagnostic WarningAt(const Range& where, std::string summary, std::string detail = {});

// The smallest range covering both (same file assumed).
Range RangeBetween(const Range& a, const Range& b);
// An empty range at the start / end of `r`.
Range RangeStartOf(const Range& r);
Range RangeEndOf(const Range& r);

// "file:line:col-line:col" style text, for tests and logs ("f.hcl:1:1-5").
std::string RangeString(const Range& r);

}  // namespace kiln::hcl
