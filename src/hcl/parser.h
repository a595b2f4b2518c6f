// Parsing HCL native syntax (and, through ParseFile, the JSON variant).
// Parsing collects diagnostics and keeps going: the returned tree holds
// whatever could be understood, so one run reports every syntax error.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "hcl/ast.h"
#include "hcl/diagnostic.h"
#include "hcl/lexer.h"

namespace kiln::hcl {

// A parsed file. `body` is the generic interface; `native` is set for native
// syntax files (null for JSON). `tokens` is the full token stream of a native
// file (comments and newlines included), for formatters.
struct File {
  std::string filename;
  std::string bytes;
  BodyPtr body;
  std::shared_ptr<const NativeBody> native;
  Tokens tokens;
};

// Native syntax (.hcl, .pkr.hcl, .pkrvars.hcl).
File ParseConfig(std::string_view src, const std::string& filename, Diagnostics& diags);

// Native syntax or JSON, chosen by the file name (".json" suffix means JSON).
File ParseSource(std::string_view src, const std::string& filename, Diagnostics& diags);

// Reads and parses a file from disk (an unreadable file is a diagnostic).
File ParseFile(const std::string& path, Diagnostics& diags);

// One expression, e.g. from `kiln console` or a -var value. `start` positions
// its first byte (default: line 1 column 1). Trailing tokens are an error.
ExprPtr ParseExpression(std::string_view src, const std::string& filename, Diagnostics& diags,
                        Pos start = {});

// A bare template (no surrounding quotes), e.g. templatefile's contents.
ExprPtr ParseTemplate(std::string_view src, const std::string& filename, Diagnostics& diags,
                      Pos start = {});

// "var.a.b[0]" as an absolute traversal (no expressions, only names, numbers, strings).
std::optional<Traversal> ParseTraversalAbs(std::string_view src, const std::string& filename,
                                           Diagnostics& diags, Pos start = {});

// Decodes the escapes of a quoted literal's bytes (\n \t \" \\ \uXXXX
// \UXXXXXXXX, $${ and %%{). Bad escapes are diagnosed at `range`.
std::string DecodeQuotedLiteral(std::string_view bytes, const Range& range, Diagnostics& diags);

// Whether `s` is a valid HCL identifier (letters, digits, _ and -, not starting with a digit or -).
bool IsValidIdentifier(std::string_view s);

}  // namespace kiln::hcl
