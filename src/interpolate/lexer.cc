#include "interpolate/lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "util/utf8.h"

namespace kiln::interpolate {
namespace {

constexpr std::array<std::string_view, 10> kKeywords = {
    "if",     "else",     "end",   "with",  "range",
    "define", "template", "block", "break", "continue"};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;  // Go allows Unicode letters
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  Result<std::vector<Token>> Run() {
    size_t pos = 0;
    while (pos < s_.size()) {
      size_t open = s_.find("{{", pos);
      if (open == std::string_view::npos) open = s_.size();
      if (open > pos)
        Emit(TokenKind::kText, pos, open,
             std::string(s_.substr(pos, open - pos)));
      if (open == s_.size()) break;
      auto end = LexAction(open);
      if (!end) return std::unexpected(end.error());
      pos = *end;
    }
    return std::move(tokens_);
  }

 private:
  void Emit(TokenKind kind, size_t pos, size_t end, std::string value = {},
            bool trim = false) {
    tokens_.push_back({kind, static_cast<int>(pos), static_cast<int>(end),
                       std::move(value), trim});
  }
  std::unexpected<Error> Fail(size_t begin, size_t end, std::string summary,
                              std::string detail = {}) {
    return std::unexpected(
        ErrorAt(s_, begin, end, std::move(summary), std::move(detail)));
  }
  bool At(size_t i, std::string_view prefix) const {
    return s_.substr(std::min(i, s_.size())).starts_with(prefix);
  }
  // Length of a right delimiter at i ("}}" or " -}}"), 0 if none.
  size_t RightDelimAt(size_t i) const {
    if (At(i, "}}")) return 2;
    if (i + 1 < s_.size() && IsSpace(s_[i]) && s_[i + 1] == '-' &&
        At(i + 2, "}}"))
      return 4;
    return 0;
  }

  // Lexes one action starting at the "{{" at `open`; returns where text
  // resumes.
  Result<size_t> LexAction(size_t open) {
    size_t i = open + 2;
    bool trim = i + 1 < s_.size() && s_[i] == '-' && IsSpace(s_[i + 1]);
    if (trim) i += 2;
    Emit(TokenKind::kLeftDelim, open, i, {}, trim);
    if (At(i, "/*")) {
      size_t close = s_.find("*/", i + 2);
      if (close == std::string_view::npos)
        return Fail(open, s_.size(), "unclosed comment");
      Emit(TokenKind::kComment, i, close + 2);
      size_t n = RightDelimAt(close + 2);
      if (n == 0)
        return Fail(open, close + 2, "comment ends before closing delimiter");
      Emit(TokenKind::kRightDelim, close + 2, close + 2 + n, {}, n == 4);
      return close + 2 + n;
    }
    for (;;) {
      if (size_t n = RightDelimAt(i)) {
        Emit(TokenKind::kRightDelim, i, i + n, {}, n == 4);
        return i + n;
      }
      if (i >= s_.size())
        return Fail(open, s_.size(), "unclosed action", "missing \"}}\"");
      char c = s_[i];
      if (IsSpace(c)) {
        ++i;
      } else if (c == '(' || c == ')' || c == '|') {
        Emit(c == '('   ? TokenKind::kLeftParen
             : c == ')' ? TokenKind::kRightParen
                        : TokenKind::kPipe,
             i, i + 1, std::string(1, c));
        ++i;
      } else if (c == '"' || c == '`' || c == '\'') {
        auto end = LexQuoted(i);
        if (!end) return std::unexpected(end.error());
        i = *end;
      } else if (c == '.' && !(i + 1 < s_.size() && IsDigit(s_[i + 1]))) {
        size_t j = i;  // ".A.B" is one field token
        while (j + 1 < s_.size() && s_[j] == '.' && IsAlnum(s_[j + 1])) {
          ++j;
          while (j < s_.size() && IsAlnum(s_[j])) ++j;
        }
        if (j == i)
          Emit(TokenKind::kDot, i, ++j);
        else
          Emit(TokenKind::kField, i, j,
               std::string(s_.substr(i + 1, j - i - 1)));
        i = j;
      } else if (c == '.' || c == '+' || c == '-' || IsDigit(c)) {
        size_t j = i + 1;
        bool hex =
            At(i, "0x") || At(i, "0X") || At(i + 1, "0x") || At(i + 1, "0X");
        while (j < s_.size()) {
          char d = s_[j];
          bool exp_sign = (d == '+' || d == '-') &&
                          (s_[j - 1] == 'p' || s_[j - 1] == 'P' ||
                           (!hex && (s_[j - 1] == 'e' || s_[j - 1] == 'E')));
          if (!IsAlnum(d) && d != '.' && !exp_sign) break;
          ++j;
        }
        Emit(TokenKind::kNumber, i, j, std::string(s_.substr(i, j - i)));
        i = j;
      } else if (IsAlnum(c)) {
        size_t j = i;
        while (j < s_.size() && IsAlnum(s_[j])) ++j;
        std::string word(s_.substr(i, j - i));
        TokenKind kind = TokenKind::kIdentifier;
        if (word == "true" || word == "false")
          kind = TokenKind::kBool;
        else if (word == "nil")
          kind = TokenKind::kNil;
        else if (std::ranges::find(kKeywords, word) != kKeywords.end())
          kind = TokenKind::kKeyword;
        Emit(kind, i, j, std::move(word));
        i = j;
      } else if (c == '$') {
        return Fail(i, i + 1, "template variables ($x) are not supported");
      } else {
        return Fail(
            i, i + 1,
            fmt::format("unrecognized character in action: U+{:04X} '{}'",
                        static_cast<unsigned char>(c), c));
      }
    }
  }

  // Lexes "...", `...` or '.' at i; returns the offset after the closing quote.
  Result<size_t> LexQuoted(size_t i) {
    char q = s_[i];
    if (q == '`') {
      size_t close = s_.find('`', i + 1);
      if (close == std::string_view::npos)
        return Fail(i, s_.size(), "unterminated raw quoted string");
      Emit(TokenKind::kString, i, close + 1,
           std::string(s_.substr(i + 1, close - i - 1)));
      return close + 1;
    }
    std::string out;
    size_t j = i + 1;
    for (;;) {
      if (j >= s_.size() || s_[j] == '\n')
        return Fail(i, j,
                    q == '"' ? "unterminated quoted string"
                             : "unterminated character constant");
      char c = s_[j];
      if (c == q) break;
      if (c != '\\') {
        out += c;
        ++j;
        continue;
      }
      auto n = DecodeEscape(j, q, out);
      if (!n) return std::unexpected(n.error());
      j = *n;
    }
    if (q == '"') {
      Emit(TokenKind::kString, i, j + 1, std::move(out));
      return j + 1;
    }
    // A char constant is an integer: the code point of its one character.
    uint32_t r = 0;
    size_t len = out.size();
    unsigned char lead = len ? out[0] : 0;
    size_t want = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (len == 0 || len != want)
      return Fail(i, j + 1, "malformed character constant");
    r = want == 1 ? lead : lead & (0xFF >> (want + 1));
    for (size_t k = 1; k < len; ++k) r = (r << 6) | (out[k] & 0x3F);
    Emit(TokenKind::kNumber, i, j + 1, std::to_string(r));
    return j + 1;
  }

  // Decodes the Go escape at s_[j] == '\\' into out; returns the next offset.
  Result<size_t> DecodeEscape(size_t j, char quote, std::string& out) {
    if (j + 1 >= s_.size())
      return Fail(j, j + 1, "invalid escape in quoted string");
    char e = s_[j + 1];
    static constexpr std::string_view kSimple = "abfnrtv\\",
                                      kValues = "\a\b\f\n\r\t\v\\";
    if (size_t k = kSimple.find(e); k != std::string_view::npos) {
      out += kValues[k];
      return j + 2;
    }
    if (e == quote) {
      out += e;
      return j + 2;
    }
    int digits = e == 'x'                 ? 2
                 : e == 'u'               ? 4
                 : e == 'U'               ? 8
                 : (e >= '0' && e <= '7') ? 3
                                          : 0;
    int base = (e >= '0' && e <= '7') ? 8 : 16;
    size_t start = base == 8 ? j + 1 : j + 2;
    std::string_view hex = s_.substr(std::min(start, s_.size()), digits);
    uint32_t v = 0;
    auto [end, ec] =
        std::from_chars(hex.data(), hex.data() + hex.size(), v, base);
    bool ok = digits > 0 && hex.size() == size_t(digits) && ec == std::errc() &&
              end == hex.data() + hex.size();
    if (!ok || (base == 8 && v > 255) || v > 0x10FFFF)
      return Fail(j, std::min(s_.size(), start + std::max(digits, 1)),
                  fmt::format("invalid escape \\{} in quoted string", e));
    if (e == 'x' || base == 8)
      out += static_cast<char>(v);  // a raw byte
    else
      AppendUtf8(out, v);
    return start + digits;
  }

  std::string_view s_;
  std::vector<Token> tokens_;
};

}  // namespace

Result<std::vector<Token>> Lex(std::string_view text) {
  return Lexer(text).Run();
}

Error ErrorAt(std::string_view text, int begin, int end, std::string summary,
              std::string detail) {
  auto pos_of = [&](int offset) {
    SourcePos p{.byte = offset};
    for (int i = 0; i < offset && i < static_cast<int>(text.size()); ++i) {
      if (text[i] == '\n') {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    return p;
  };
  return MakeError(
      SourceRange{.start = pos_of(begin), .end = pos_of(std::max(begin, end))},
      std::move(summary), std::move(detail));
}

}  // namespace kiln::interpolate
