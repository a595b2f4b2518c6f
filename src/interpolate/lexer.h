// Splits a Go text/template source into text and action tokens. Offsets are
// byte positions in the source so every later error can point at the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kiln::interpolate {

enum class TokenKind {
  kText,
  kLeftDelim,   // "{{" or "{{- "
  kRightDelim,  // "}}" or " -}}"
  kComment,     // "/* ... */" right after a left delimiter
  kLeftParen,
  kRightParen,
  kPipe,
  kIdentifier,  // function name
  kKeyword,     // if else end with range define template block break continue
  kField,       // .Name or .A.B (value holds "A.B")
  kDot,
  kString,  // value holds the decoded string
  kNumber,  // value holds the source text; char constants are decoded
  kBool,
  kNil,
};

struct Token {
  TokenKind kind;
  int pos = 0;  // [pos, end) in the source
  int end = 0;
  std::string value;
  bool trim = false;  // delimiters: carries a trim marker
};

// Fails on the first lexical error (unclosed action, bad string, ...).
Result<std::vector<Token>> Lex(std::string_view text);

// An Error at [begin, end) of `text`, with line and column relative to it.
Error ErrorAt(std::string_view text, int begin, int end, std::string summary,
              std::string detail = {});

}  // namespace kiln::interpolate
