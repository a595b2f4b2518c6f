// Canonical formatting of HCL native syntax, as `packer fmt` (HashiCorp's
// hclwrite) formats: two-space indentation by bracket nesting, one space
// between most tokens and none inside brackets, around dots or before
// commas, '=' aligned across consecutive single-line attributes, trailing
// comments aligned. Works on the token stream, so comments, blank lines
// and heredoc contents are kept. Idempotent: Format(Format(x)) == Format(x).
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kiln::hclfmt {

// The formatted text, or the file's syntax errors (nothing is formatted
// when the file does not parse).
Result<std::string> Format(std::string_view src, const std::string& filename);

}  // namespace kiln::hclfmt
