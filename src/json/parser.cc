// A small recursive-descent JSON parser (RFC 8259) that keeps positions.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "json/value.h"
#include "util/float64.h"
#include "util/utf8.h"

namespace kiln::json {
namespace {

constexpr int kMaxDepth = 512;  // deeper input is an error, not a stack overflow

class Parser {
 public:
  Parser(std::string_view text, const std::string& file, ParseOptions options)
      : text_(text), file_(file), options_(options) {}

  Result<Value> Document() {
    SkipSpace();
    if (AtEnd()) return Fail("JSON syntax error", "the file is empty; a template is a JSON object");
    Value root;
    if (!ParseValue(root, 0)) return std::unexpected(error_);
    SkipSpace();
    if (!AtEnd() && !options_.ignore_trailing_data)
      return Fail("JSON syntax error",
                  fmt::format("unexpected {} after the end of the document",
                              Describe(Peek())));
    return root;
  }

 private:
  bool AtEnd() const { return pos_.byte >= static_cast<int>(text_.size()); }
  char Peek() const { return text_[pos_.byte]; }

  void Advance() {
    if (Peek() == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else {
      ++pos_.column;
    }
    ++pos_.byte;
  }

  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' ||
                        Peek() == '\r'))
      Advance();
  }

  static std::string Describe(char c) {
    if (c == '\n') return "end of line";
    if (static_cast<unsigned char>(c) < 0x20) return fmt::format("control character {:#04x}", c);
    return fmt::format("character '{}'", c);
  }

  std::unexpected<Error> Fail(std::string summary, std::string detail) {
    SetError(pos_, std::move(summary), std::move(detail));
    return std::unexpected(error_);
  }
  bool SetError(SourcePos at, std::string summary, std::string detail) {
    error_ = MakeError(SourceRange{file_, at, at}, std::move(summary),
                       std::move(detail));
    return false;
  }
  bool Unexpected(std::string_view expected) {
    std::string found = AtEnd() ? "end of file" : Describe(Peek());
    return SetError(pos_, "JSON syntax error",
                    fmt::format("unexpected {}, expected {}", found, expected));
  }

  bool ParseValue(Value& out, int depth) {
    if (depth > kMaxDepth)
      return SetError(pos_, "JSON syntax error", "nesting is too deep");
    out.range.file = file_;
    out.range.start = pos_;
    if (AtEnd()) return Unexpected("a value");
    bool ok;
    switch (Peek()) {
      case '{': ok = ParseObject(out, depth); break;
      case '[': ok = ParseArray(out, depth); break;
      case '"': ok = ParseString(out); break;
      case 't': ok = ParseWord(out, "true", Kind::kBool, true); break;
      case 'f': ok = ParseWord(out, "false", Kind::kBool, false); break;
      case 'n': ok = ParseWord(out, "null", Kind::kNull, false); break;
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) {
          ok = ParseNumber(out);
        } else {
          ok = Unexpected("a value (object, array, string, number, true, false or null)");
        }
    }
    out.range.end = pos_;
    return ok;
  }

  bool ParseWord(Value& out, std::string_view word, Kind kind, bool value) {
    if (text_.substr(pos_.byte, word.size()) != word) return Unexpected("a value");
    for (std::size_t i = 0; i < word.size(); ++i) Advance();
    out.kind = kind;
    out.boolean = value;
    return true;
  }

  bool ParseNumber(Value& out) {
    int start = pos_.byte;
    auto digits = [&] {
      int n = 0;
      while (!AtEnd() && Peek() >= '0' && Peek() <= '9') Advance(), ++n;
      return n;
    };
    if (Peek() == '-') Advance();
    if (!AtEnd() && Peek() == '0') {
      Advance();
    } else if (digits() == 0) {
      return Unexpected("a digit");
    }
    if (!AtEnd() && Peek() == '.') {
      Advance();
      if (digits() == 0) return Unexpected("a digit after '.'");
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      Advance();
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) Advance();
      if (digits() == 0) return Unexpected("a digit in the exponent");
    }
    out.kind = Kind::kNumber;
    out.text = std::string(text_.substr(start, pos_.byte - start));
    if (options_.float64_numbers && !ParseFloat64(out.text))
      return SetError(out.range.start, "number out of range",
                      fmt::format("{} does not fit in a 64-bit float (at most about 1.8e308 in size)",
                                  out.text.size() > 40 ? out.text.substr(0, 40) + "..." : out.text));
    return true;
  }

  bool ReadHex4(std::uint32_t& cp) {
    if (pos_.byte + 4 > static_cast<int>(text_.size()))
      return Unexpected("four hex digits after \\u");
    auto [end, ec] = std::from_chars(text_.data() + pos_.byte,
                                     text_.data() + pos_.byte + 4, cp, 16);
    if (ec != std::errc() || end != text_.data() + pos_.byte + 4)
      return Unexpected("four hex digits after \\u");
    for (int i = 0; i < 4; ++i) Advance();
    return true;
  }

  // Strings carry a map from decoded offsets to source offsets at escapes.
  bool ParseString(Value& out) {
    SourcePos open = pos_;
    Advance();  // opening quote
    out.kind = Kind::kString;
    std::string& s = out.text;
    while (true) {
      if (AtEnd() || Peek() == '\n')
        return SetError(open, "JSON syntax error",
                        "unterminated string: add the closing '\"'");
      char c = Peek();
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20)
        return SetError(pos_, "JSON syntax error",
                        fmt::format("{} in a string; escape it", Describe(c)));
      if (c != '\\') {
        if (static_cast<unsigned char>(c) < 0x80) {
          s += c;
          Advance();
          continue;
        }
        // Bytes that are not UTF-8 become U+FFFD, one per byte, as Go's
        // decoder (and so Packer) does; nothing downstream sees bad UTF-8.
        int n = Utf8SequenceLength(text_, pos_.byte);
        if (n > 0) {
          s.append(text_.substr(pos_.byte, n));
          for (int k = 0; k < n; ++k) Advance();
          continue;
        }
        s += kReplacementChar;
        Advance();
        out.escapes.emplace_back(s.size(), pos_.byte - open.byte);
        continue;
      }
      SourcePos backslash = pos_;
      Advance();
      if (AtEnd()) return Unexpected("an escape character");
      char e = Peek();
      Advance();
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u': {
          std::uint32_t cp;
          if (!ReadHex4(cp)) return false;
          // A surrogate pair is one character; a lone surrogate is U+FFFD
          // (AppendUtf8), and whatever escape follows it stands on its own.
          if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_.byte, 2) == "\\u") {
            std::uint32_t low = 0;
            auto [end, ec] = std::from_chars(text_.data() + pos_.byte + 2,
                                             text_.data() + std::min<std::size_t>(text_.size(), pos_.byte + 6), low, 16);
            if (ec == std::errc() && end == text_.data() + pos_.byte + 6 && low >= 0xDC00 && low < 0xE000) {
              for (int i = 0; i < 6; ++i) Advance();
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
          }
          AppendUtf8(s, cp);
          break;
        }
        default:
          // At the backslash: counting back from pos_ breaks when `e` is a
          // newline (the column restarted).
          if (static_cast<unsigned char>(e) < 0x20)
            return SetError(backslash, "JSON syntax error",
                            fmt::format("invalid escape: '\\' before {}", Describe(e)));
          return SetError(backslash, "JSON syntax error",
                          fmt::format("invalid escape '\\{}' in a string", e));
      }
      out.escapes.emplace_back(s.size(), pos_.byte - open.byte);
    }
    Advance();  // closing quote
    return true;
  }

  bool ParseArray(Value& out, int depth) {
    out.kind = Kind::kArray;
    Advance();
    SkipSpace();
    if (!AtEnd() && Peek() == ']') {
      Advance();
      return true;
    }
    while (true) {
      SkipSpace();
      Value& item = out.items.emplace_back();
      if (!AtEnd() && Peek() == ']')
        return SetError(pos_, "JSON syntax error",
                        "trailing comma before ']': remove the ','");
      if (!ParseValue(item, depth + 1)) return false;
      SkipSpace();
      if (AtEnd()) return Unexpected("',' or ']'");
      if (Peek() == ']') break;
      if (Peek() != ',') return Unexpected("',' or ']'");
      Advance();
    }
    Advance();
    return true;
  }

  bool ParseObject(Value& out, int depth) {
    out.kind = Kind::kObject;
    Advance();
    SkipSpace();
    if (!AtEnd() && Peek() == '}') {
      Advance();
      return true;
    }
    std::unordered_map<std::string, std::size_t> index;  // key -> member
    while (true) {
      SkipSpace();
      if (!AtEnd() && Peek() == '}')
        return SetError(pos_, "JSON syntax error",
                        "trailing comma before '}': remove the ','");
      if (AtEnd() || Peek() != '"') return Unexpected("a string (an object key)");
      Value key;
      key.range.start = pos_;
      if (!ParseString(key)) return false;
      key.range = SourceRange{file_, key.range.start, pos_};
      // One hash look-up per key: an object of n members parses in O(n).
      CountKeyComparisons(1);
      auto [seen, fresh] = index.try_emplace(key.text, out.members.size());
      if (!fresh && !options_.allow_duplicate_keys)
        return SetError(key.range.start, "JSON syntax error",
                        fmt::format("duplicate key '{}'", key.text));
      SkipSpace();
      if (AtEnd() || Peek() != ':') return Unexpected("':' after an object key");
      Advance();
      SkipSpace();
      // A repeated key (var files, as Go) takes the first one's place: last wins.
      Member& m = fresh ? out.members.emplace_back() : out.members[seen->second];
      m.value = Value();
      m.key = std::move(key.text);
      m.key_range = key.range;
      if (!ParseValue(m.value, depth + 1)) return false;
      SkipSpace();
      if (AtEnd()) return Unexpected("',' or '}'");
      if (Peek() == '}') break;
      if (Peek() != ',') return Unexpected("',' or '}'");
      Advance();
    }
    Advance();
    return true;
  }

  std::string_view text_;
  const std::string& file_;
  ParseOptions options_;
  SourcePos pos_;
  Error error_;
};

}  // namespace

Result<Value> Parse(std::string_view text, const std::string& file, ParseOptions options) {
  return Parser(text, file, options).Document();
}

}  // namespace kiln::json
