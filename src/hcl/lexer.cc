#include "hcl/lexer.h"

#include <fmt/format.h>

#include "util/utf8.h"

namespace kiln::hcl {

std::string_view TokenTypeName(TokenType type) {
  switch (type) {
    case TokenType::kOBrace: return "{";
    case TokenType::kCBrace: return "}";
    case TokenType::kOBrack: return "[";
    case TokenType::kCBrack: return "]";
    case TokenType::kOParen: return "(";
    case TokenType::kCParen: return ")";
    case TokenType::kOQuote: return "opening quote";
    case TokenType::kCQuote: return "closing quote";
    case TokenType::kOHeredoc: return "heredoc introducer";
    case TokenType::kCHeredoc: return "heredoc end marker";
    case TokenType::kStar: return "*";
    case TokenType::kSlash: return "/";
    case TokenType::kPlus: return "+";
    case TokenType::kMinus: return "-";
    case TokenType::kPercent: return "%";
    case TokenType::kEqual: return "=";
    case TokenType::kEqualOp: return "==";
    case TokenType::kNotEqual: return "!=";
    case TokenType::kLessThan: return "<";
    case TokenType::kLessThanEq: return "<=";
    case TokenType::kGreaterThan: return ">";
    case TokenType::kGreaterThanEq: return ">=";
    case TokenType::kAnd: return "&&";
    case TokenType::kOr: return "||";
    case TokenType::kBang: return "!";
    case TokenType::kDot: return ".";
    case TokenType::kComma: return ",";
    case TokenType::kEllipsis: return "...";
    case TokenType::kFatArrow: return "=>";
    case TokenType::kQuestion: return "?";
    case TokenType::kColon: return ":";
    case TokenType::kTemplateInterp: return "${";
    case TokenType::kTemplateControl: return "%{";
    case TokenType::kTemplateSeqEnd: return "end of template sequence";
    case TokenType::kQuotedLit: return "quoted string";
    case TokenType::kStringLit: return "string literal";
    case TokenType::kNumberLit: return "number";
    case TokenType::kIdent: return "identifier";
    case TokenType::kComment: return "comment";
    case TokenType::kNewline: return "newline";
    case TokenType::kEOF: return "end of file";
    case TokenType::kInvalid: return "invalid character";
    case TokenType::kBadUTF8: return "invalid UTF-8";
    case TokenType::kQuote: return "single quote";
  }
  return "token";
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentContinue(unsigned char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
// Strict (RFC 3629): overlong forms and encoded surrogates are bad too.
int Utf8Len(std::string_view s, std::size_t i) { return Utf8SequenceLength(s, i); }

class Lexer {
 public:
  Lexer(std::string_view src, const std::string& filename, Pos start, Diagnostics& diags)
      : src_(src), filename_(filename), pos_(start), diags_(diags) {}

  Tokens LexConfig() {
    modes_.push_back(Mode{Mode::kNormal});
    Run();
    return std::move(tokens_);
  }

  Tokens LexTemplate() {
    modes_.push_back(Mode{Mode::kBare});
    Run();
    return std::move(tokens_);
  }

 private:
  struct Mode {
    enum Kind { kNormal, kInterp, kQuoted, kHeredoc, kBare } kind;
    int depth = 0;          // brace depth within a normal/interp mode
    std::string marker;     // heredoc end marker
    bool line_start = true; // heredoc: at start of a line
    Range open;             // heredoc: its introducer, for errors
  };

  void Run() {
    while (i_ < src_.size()) {
      Mode& m = modes_.back();
      switch (m.kind) {
        case Mode::kNormal:
        case Mode::kInterp: LexNormal(); break;
        case Mode::kQuoted: LexQuoted(); break;
        case Mode::kHeredoc: LexHeredoc(); break;
        case Mode::kBare: LexBare(); break;
      }
    }
    // Unterminated constructs.
    for (auto it = modes_.rbegin(); it != modes_.rend(); ++it) {
      if (it->kind == Mode::kQuoted) {
        Error(HereRange(), "Unterminated template string",
              "No closing marker was found for the string.");
        break;
      }
      if (it->kind == Mode::kHeredoc) {
        Error(it->open, "Unterminated template string",
              fmt::format("No closing marker was found for the heredoc; add a line containing only "
                          "\"{}\".",
                          it->marker));
        break;
      }
    }
    // Close what is still open with empty tokens, so the parser can finish.
    while (modes_.size() > 1) {
      switch (modes_.back().kind) {
        case Mode::kInterp: Emit(TokenType::kTemplateSeqEnd, 0); break;
        case Mode::kQuoted: Emit(TokenType::kCQuote, 0); break;
        case Mode::kHeredoc: Emit(TokenType::kCHeredoc, 0); break;
        default: break;
      }
      modes_.pop_back();
    }
    Emit(TokenType::kEOF, 0);
  }

  Range HereRange() const { return Range{filename_, pos_, pos_}; }

  void Error(const Range& r, std::string summary, std::string detail) {
    diags_.push_back(ErrorAt(r, std::move(summary), std::move(detail)));
  }

  // Emits a token of the next n bytes and advances past them.
  Token& Emit(TokenType type, std::size_t n) {
    Token t;
    t.type = type;
    t.bytes = std::string(src_.substr(i_, n));
    t.spaces_before = pending_spaces_;
    pending_spaces_ = 0;
    Pos start = pos_;
    Advance(n);
    t.range = Range{filename_, start, pos_};
    tokens_.push_back(std::move(t));
    if (type == TokenType::kQuotedLit || type == TokenType::kStringLit) CheckUtf8(tokens_.back());
    return tokens_.back();
  }

  // String contents must be UTF-8 too, as HCL requires of a whole file: the
  // first bad byte of a literal is an error at that byte.
  void CheckUtf8(const Token& t) {
    std::size_t bad = FindInvalidUtf8(t.bytes);
    if (bad == std::string::npos) return;
    Pos at = t.range.start;
    for (std::size_t k = 0; k < bad; ++k, ++at.byte) {
      if (t.bytes[k] == '\n') {
        ++at.line;
        at.column = 1;
      } else {
        ++at.column;
      }
    }
    Pos after = at;
    ++after.byte, ++after.column;
    Error(Range{filename_, at, after}, "Invalid character encoding",
          "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.");
  }

  void Advance(std::size_t n) {
    for (std::size_t k = 0; k < n && i_ < src_.size(); ++k, ++i_) {
      ++pos_.byte;
      if (src_[i_] == '\n') {
        ++pos_.line;
        pos_.column = 1;
      } else {
        ++pos_.column;
      }
    }
  }

  char At(std::size_t k) const { return i_ + k < src_.size() ? src_[i_ + k] : '\0'; }

  void LexNormal() {
    char c = At(0);
    if (c == ' ' || c == '\t' || (c == '\r' && At(1) != '\n')) {
      ++pending_spaces_;
      Advance(1);
      return;
    }
    if (c == '\n') { Emit(TokenType::kNewline, 1); return; }
    if (c == '\r') { Emit(TokenType::kNewline, 2); return; }
    if (c == '#' || (c == '/' && At(1) == '/')) {
      std::size_t n = 0;
      while (i_ + n < src_.size() && src_[i_ + n] != '\n') ++n;
      if (i_ + n < src_.size()) ++n;  // the newline belongs to the comment
      Emit(TokenType::kComment, n);
      return;
    }
    if (c == '/' && At(1) == '*') {
      std::size_t end = src_.find("*/", i_ + 2);
      if (end == std::string_view::npos) {
        Token& t = Emit(TokenType::kComment, src_.size() - i_);
        Error(RangeStartOf(t.range), "Unterminated multi-line comment",
              "A multi-line comment starting with /* must end with */.");
        return;
      }
      Emit(TokenType::kComment, end + 2 - i_);
      return;
    }
    if (IsDigit(c)) {
      std::size_t n = 0;
      while (IsDigit(At(n))) ++n;
      if (At(n) == '.' && IsDigit(At(n + 1))) {
        ++n;
        while (IsDigit(At(n))) ++n;
      }
      if (At(n) == 'e' || At(n) == 'E') {
        std::size_t k = n + 1;
        if (At(k) == '+' || At(k) == '-') ++k;
        if (IsDigit(At(k))) {
          while (IsDigit(At(k))) ++k;
          n = k;
        }
      }
      Emit(TokenType::kNumberLit, n);
      return;
    }
    if (IsIdentStart(static_cast<unsigned char>(c))) {
      std::size_t n = 0;
      while (i_ + n < src_.size() && IsIdentContinue(static_cast<unsigned char>(src_[i_ + n]))) {
        if (static_cast<unsigned char>(src_[i_ + n]) >= 0x80) {
          int len = Utf8Len(src_, i_ + n);
          if (len == 0) break;
          n += len;
        } else {
          ++n;
        }
      }
      if (n == 0) {  // a bad UTF-8 byte
        Token& t = Emit(TokenType::kBadUTF8, 1);
        Error(t.range, "Invalid character encoding",
              "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected "
              "in your editor.");
        return;
      }
      Emit(TokenType::kIdent, n);
      return;
    }
    if (c == '"') {
      Emit(TokenType::kOQuote, 1);
      modes_.push_back(Mode{Mode::kQuoted});
      return;
    }
    if (c == '<' && At(1) == '<') {
      std::size_t k = 2;
      bool flush = false;
      if (At(k) == '-') { flush = true; ++k; }
      std::size_t id_start = k;
      while (IsIdentContinue(static_cast<unsigned char>(At(k)))) ++k;
      if (k > id_start && IsIdentStart(static_cast<unsigned char>(At(id_start)))) {
        std::string marker(src_.substr(i_ + id_start, k - id_start));
        std::size_t nl = k;
        if (At(nl) == '\r') ++nl;
        if (At(nl) == '\n') {
          Token& intro = Emit(TokenType::kOHeredoc, nl + 1);
          Mode m{Mode::kHeredoc};
          m.marker = marker;
          m.open = intro.range;
          m.open.end = m.open.start;
          m.open.end.column += static_cast<int>(k);
          m.open.end.byte += static_cast<int>(k);
          m.open.end.line = m.open.start.line;
          modes_.push_back(std::move(m));
          (void)flush;
          return;
        }
      }
      Token& t = Emit(TokenType::kInvalid, 2);
      Error(t.range, "Invalid heredoc introducer",
            "A heredoc starts with <<MARKER or <<-MARKER followed directly by a newline.");
      return;
    }
    auto two = [&](char a, char b) { return c == a && At(1) == b; };
    if (At(0) == '.' && At(1) == '.' && At(2) == '.') { Emit(TokenType::kEllipsis, 3); return; }
    if (two('=', '=')) { Emit(TokenType::kEqualOp, 2); return; }
    if (two('!', '=')) { Emit(TokenType::kNotEqual, 2); return; }
    if (two('<', '=')) { Emit(TokenType::kLessThanEq, 2); return; }
    if (two('>', '=')) { Emit(TokenType::kGreaterThanEq, 2); return; }
    if (two('&', '&')) { Emit(TokenType::kAnd, 2); return; }
    if (two('|', '|')) { Emit(TokenType::kOr, 2); return; }
    if (two('=', '>')) { Emit(TokenType::kFatArrow, 2); return; }
    Mode& m = modes_.back();
    if (two('~', '}') && m.kind == Mode::kInterp && m.depth == 0) {
      Emit(TokenType::kTemplateSeqEnd, 2);
      modes_.pop_back();
      return;
    }
    switch (c) {
      case '{': ++m.depth; Emit(TokenType::kOBrace, 1); return;
      case '}':
        if (m.kind == Mode::kInterp && m.depth == 0) {
          Emit(TokenType::kTemplateSeqEnd, 1);
          modes_.pop_back();
          return;
        }
        if (m.depth > 0) --m.depth;
        Emit(TokenType::kCBrace, 1);
        return;
      case '[': Emit(TokenType::kOBrack, 1); return;
      case ']': Emit(TokenType::kCBrack, 1); return;
      case '(': Emit(TokenType::kOParen, 1); return;
      case ')': Emit(TokenType::kCParen, 1); return;
      case '*': Emit(TokenType::kStar, 1); return;
      case '/': Emit(TokenType::kSlash, 1); return;
      case '+': Emit(TokenType::kPlus, 1); return;
      case '-': Emit(TokenType::kMinus, 1); return;
      case '%': Emit(TokenType::kPercent, 1); return;
      case '=': Emit(TokenType::kEqual, 1); return;
      case '<': Emit(TokenType::kLessThan, 1); return;
      case '>': Emit(TokenType::kGreaterThan, 1); return;
      case '!': Emit(TokenType::kBang, 1); return;
      case '.': Emit(TokenType::kDot, 1); return;
      case ',': Emit(TokenType::kComma, 1); return;
      case '?': Emit(TokenType::kQuestion, 1); return;
      case ':': Emit(TokenType::kColon, 1); return;
      case '\'': {
        Token& t = Emit(TokenType::kQuote, 1);
        Error(t.range, "Invalid character",
              "Single quotes are not valid. Use double quotes (\") to enclose strings.");
        return;
      }
      default: break;
    }
    int len = Utf8Len(src_, i_);
    if (len == 0) {
      Token& t = Emit(TokenType::kBadUTF8, 1);
      Error(t.range, "Invalid character encoding",
            "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in "
            "your editor.");
      return;
    }
    Token& t = Emit(TokenType::kInvalid, len);
    Error(t.range, "Invalid character", "This character is not used within the language.");
  }

  // Template sequence introducer at i_? Returns its length (2 or 3 with ~), 0 if none.
  std::size_t SeqIntro(TokenType* type) const {
    char c = At(0);
    if ((c == '$' || c == '%') && At(1) == '{') {
      *type = c == '$' ? TokenType::kTemplateInterp : TokenType::kTemplateControl;
      return At(2) == '~' ? 3 : 2;
    }
    return 0;
  }

  // Starts an interpolation or directive.
  void OpenSeq(TokenType type, std::size_t n) {
    Emit(type, n);
    modes_.push_back(Mode{Mode::kInterp});
  }

  // Length of literal text from i_ up to a template sequence, stopping at `stop`
  // characters; escapes ($${, %%{, and backslash escapes when `backslash`) are skipped.
  std::size_t LiteralLen(bool backslash, bool stop_at_quote, bool stop_at_newline) const {
    std::size_t n = 0;
    while (i_ + n < src_.size()) {
      char c = src_[i_ + n];
      char d = i_ + n + 1 < src_.size() ? src_[i_ + n + 1] : '\0';
      char e = i_ + n + 2 < src_.size() ? src_[i_ + n + 2] : '\0';
      if ((c == '$' || c == '%') && d == c && e == '{') { n += 3; continue; }
      if ((c == '$' || c == '%') && d == '{') break;
      if (stop_at_quote && c == '"') break;
      if (c == '\n') {
        if (stop_at_newline) break;
        ++n;
        if (!stop_at_quote) break;  // heredoc: one token per line
        continue;
      }
      if (backslash && c == '\\' && i_ + n + 1 < src_.size()) {
        n += src_[i_ + n + 1] == '\n' ? 1 : 2;
        continue;
      }
      ++n;
    }
    return n;
  }

  void LexQuoted() {
    char c = At(0);
    if (c == '"') {
      Emit(TokenType::kCQuote, 1);
      modes_.pop_back();
      return;
    }
    TokenType type;
    if (std::size_t n = SeqIntro(&type)) { OpenSeq(type, n); return; }
    if (c == '\n' || (c == '\r' && At(1) == '\n')) {
      // A quoted string cannot span lines: diagnose and recover by closing it here.
      Error(Range{filename_, pos_, pos_}, "Invalid multi-line string",
            "Quoted strings may not be split over multiple lines. To produce a multi-line "
            "string, either use the \\n escape to represent a newline character or use the "
            "\"heredoc\" multi-line template syntax.");
      Emit(TokenType::kCQuote, 0);  // synthetic close, so the parser can go on
      modes_.pop_back();
      return;
    }
    std::size_t n = LiteralLen(/*backslash=*/true, /*stop_at_quote=*/true, /*stop_at_newline=*/true);
    if (n == 0) n = 1;
    Emit(TokenType::kQuotedLit, n);
  }

  void LexHeredoc() {
    Mode& m = modes_.back();
    if (m.line_start) {
      // Is this line the end marker (optionally indented)?
      std::size_t k = 0;
      while (At(k) == ' ' || At(k) == '\t') ++k;
      if (src_.substr(i_ + k, m.marker.size()) == m.marker) {
        std::size_t after = i_ + k + m.marker.size();
        if (after == src_.size() || src_[after] == '\n' || src_[after] == '\r') {
          Emit(TokenType::kCHeredoc, k + m.marker.size());
          modes_.pop_back();
          return;
        }
      }
    }
    TokenType type;
    if (std::size_t n = SeqIntro(&type)) {
      m.line_start = false;
      OpenSeq(type, n);
      return;
    }
    std::size_t n = 0;
    while (i_ + n < src_.size()) {
      char c = src_[i_ + n];
      char d = i_ + n + 1 < src_.size() ? src_[i_ + n + 1] : '\0';
      char e = i_ + n + 2 < src_.size() ? src_[i_ + n + 2] : '\0';
      if ((c == '$' || c == '%') && d == c && e == '{') { n += 3; continue; }
      if ((c == '$' || c == '%') && d == '{') break;
      ++n;
      if (c == '\n') break;
    }
    Token& t = Emit(TokenType::kStringLit, n);
    m.line_start = !t.bytes.empty() && t.bytes.back() == '\n';
  }

  void LexBare() {
    TokenType type;
    if (std::size_t n = SeqIntro(&type)) { OpenSeq(type, n); return; }
    std::size_t n = 0;
    while (i_ + n < src_.size()) {
      char c = src_[i_ + n];
      char d = i_ + n + 1 < src_.size() ? src_[i_ + n + 1] : '\0';
      char e = i_ + n + 2 < src_.size() ? src_[i_ + n + 2] : '\0';
      if ((c == '$' || c == '%') && d == c && e == '{') { n += 3; continue; }
      if ((c == '$' || c == '%') && d == '{') break;
      ++n;
    }
    Emit(TokenType::kStringLit, n);
  }

  std::string_view src_;
  const std::string& filename_;
  Pos pos_;
  Diagnostics& diags_;
  std::size_t i_ = 0;
  int pending_spaces_ = 0;
  std::vector<Mode> modes_;
  Tokens tokens_;
};

}  // namespace

Tokens LexConfig(std::string_view src, const std::string& filename, Diagnostics& diags) {
  return Lexer(src, filename, Pos{}, diags).LexConfig();
}

Tokens LexTemplate(std::string_view src, const std::string& filename, Pos start,
                   Diagnostics& diags) {
  return Lexer(src, filename, start, diags).LexTemplate();
}

}  // namespace kiln::hcl
