// The HCL native-syntax lexer. Produces every token of a file, comments and
// newlines included, each with its byte range, so that a formatter can be
// written on the stream (join the tokens' bytes and you get the file back,
// except for horizontal whitespace, which is between tokens: see
// Token::spaces_before).
//
// Template text (quoted strings and heredocs) is lexed into template tokens:
// literals, ${ (TemplateInterp), %{ (TemplateControl), } (TemplateSeqEnd)
// with their ~ strip markers kept in the token bytes ("${~", "~}").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hcl/diagnostic.h"

namespace kiln::hcl {

enum class TokenType {
  kOBrace,           // {
  kCBrace,           // }
  kOBrack,           // [
  kCBrack,           // ]
  kOParen,           // (
  kCParen,           // )
  kOQuote,           // "  (opening a quoted template)
  kCQuote,           // "  (closing it)
  kOHeredoc,         // <<EOT or <<-EOT, newline included
  kCHeredoc,         // the closing marker line, e.g. "  EOT" (newline not included)
  kStar,             // *
  kSlash,            // /
  kPlus,             // +
  kMinus,            // -
  kPercent,          // %
  kEqual,            // =
  kEqualOp,          // ==
  kNotEqual,         // !=
  kLessThan,         // <
  kLessThanEq,       // <=
  kGreaterThan,      // >
  kGreaterThanEq,    // >=
  kAnd,              // &&
  kOr,               // ||
  kBang,             // !
  kDot,              // .
  kComma,            // ,
  kEllipsis,         // ...
  kFatArrow,         // =>
  kQuestion,         // ?
  kColon,            // :
  kTemplateInterp,   // ${ or ${~
  kTemplateControl,  // %{ or %{~
  kTemplateSeqEnd,   // } or ~} closing an interpolation or directive
  kQuotedLit,        // literal text inside a quoted string (escapes not yet decoded)
  kStringLit,        // literal text inside a heredoc (one token per line, newline included)
  kNumberLit,        // 12, 1.5, 1e10
  kIdent,            // foo, foo-bar
  kComment,          // # ..., // ... (newline included), /* ... */
  kNewline,          // \n or \r\n
  kEOF,
  kInvalid,          // a byte that starts no token (diagnosed)
  kBadUTF8,          // invalid UTF-8 (diagnosed)
  kQuote,            // ' (single quotes are not HCL strings; diagnosed)
};

// "{", "identifier", "newline", ... for messages.
std::string_view TokenTypeName(TokenType type);

struct Token {
  TokenType type = TokenType::kEOF;
  std::string bytes;       // the token's exact source bytes
  Range range;             // where they are
  int spaces_before = 0;   // spaces/tabs between the previous token and this one
};

using Tokens = std::vector<Token>;

// Lexes `src` (the whole file). Lexical problems (bad bytes, unterminated
// strings/comments/heredocs, single quotes) are appended to `diags`; the
// stream still covers the whole input and ends with kEOF.
Tokens LexConfig(std::string_view src, const std::string& filename, Diagnostics& diags);

// Lexes `src` as a bare template (the contents of a string: no quotes), as
// used by templatefile and JSON string values. `start` positions the first byte.
Tokens LexTemplate(std::string_view src, const std::string& filename, Pos start,
                   Diagnostics& diags);

}  // namespace kiln::hcl
