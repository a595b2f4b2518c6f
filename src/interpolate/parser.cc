#include "interpolate/parser.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "interpolate/functions.h"
#include "interpolate/lexer.h"

namespace kiln::interpolate {
namespace {

// strconv.ParseInt(text, 0, 64): sign, then 0x / 0o / 0b / 0 prefixes.
std::optional<int64_t> ParseGoInt(std::string text) {
  std::erase(text, '_');
  bool neg = !text.empty() && (text[0] == '-' || text[0] == '+');
  std::string_view s(text);
  if (neg) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = std::tolower(s[1]);
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
    s.remove_prefix(p == 'x' || p == 'o' || p == 'b' ? 2 : 1);
  }
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
    return std::nullopt;
  if (v > (neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1))
    return std::nullopt;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

std::optional<double> ParseGoFloat(std::string text) {
  std::erase(text, '_');
  size_t lead = !text.empty() && (text[0] == '-' || text[0] == '+');
  if (lead >= text.size() ||
      !(std::isdigit(static_cast<unsigned char>(text[lead])) ||
        text[lead] == '.'))
    return std::nullopt;  // strtod would accept "inf" and "nan"
  // Go's hexadecimal floats need a 'p' exponent; strtod's do not.
  std::string_view digits = std::string_view(text).substr(lead);
  if ((digits.starts_with("0x") || digits.starts_with("0X")) &&
      digits.find_first_of("pP") == std::string_view::npos)
    return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return d;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : src_(text), toks_(std::move(tokens)) {}

  Result<NodeList> Run() {
    NodeList nodes;
    auto stop = ParseList(nodes);
    if (!stop) return std::unexpected(stop.error());
    if (*stop != kEof) {
      const Token& t = toks_[*stop];
      return Fail(t, fmt::format("unexpected {{{{{}}}}}", t.value),
                  "it has no matching {{if}} or {{with}}");
    }
    return nodes;
  }

 private:
  static constexpr size_t kEof = static_cast<size_t>(-1);

  std::unexpected<Error> Fail(const Token& t, std::string summary,
                              std::string detail = {}) const {
    return std::unexpected(
        ErrorAt(src_, t.pos, t.end, std::move(summary), std::move(detail)));
  }
  // Counts one more level of nesting (a "(" or a block) opened at `at`; an
  // error past kMaxNesting. The caller decrements depth_ when it closes.
  std::optional<std::unexpected<Error>> Enter(const Token& at,
                                              std::string_view what) {
    if (depth_ >= kMaxNesting)
      return Fail(at, "template nested too deeply",
                  fmt::format("{} may be nested at most {} levels deep", what,
                              kMaxNesting));
    ++depth_;
    return std::nullopt;
  }
  const Token* Peek() const { return i_ < toks_.size() ? &toks_[i_] : nullptr; }
  bool PeekIs(TokenKind kind) const { return Peek() && Peek()->kind == kind; }
  // Describes a token for "unexpected ..." messages.
  std::string Describe(const Token* t) const {
    return t ? fmt::format("\"{}\"", src_.substr(t->pos, t->end - t->pos))
             : "EOF";
  }

  // Parses nodes until EOF or an {{else}} / {{end}}; returns the index of the
  // keyword token that stopped it (the "{{" before it is consumed), or kEof.
  Result<size_t> ParseList(NodeList& out) {
    while (const Token* t = Peek()) {
      if (t->kind == TokenKind::kText) {
        Node n{.kind = Node::Kind::kText,
               .begin = t->pos,
               .end = t->end,
               .text = t->value};
        n.trim_left = i_ > 0 && toks_[i_ - 1].kind == TokenKind::kRightDelim &&
                      toks_[i_ - 1].trim;
        n.trim_right = i_ + 1 < toks_.size() && toks_[i_ + 1].trim;
        out.push_back(std::move(n));
        ++i_;
        continue;
      }
      const Token& open = toks_[i_++];  // a left delimiter
      const Token* next = Peek();
      if (next && next->kind == TokenKind::kComment) {
        i_ += 2;  // the comment and its right delimiter
        out.push_back({.kind = Node::Kind::kComment,
                       .begin = open.pos,
                       .end = toks_[i_ - 1].end});
        continue;
      }
      if (next && next->kind == TokenKind::kKeyword) {
        if (next->value == "else" || next->value == "end") return i_++;
        if (next->value != "if" && next->value != "with")
          return Fail(*next,
                      fmt::format("{{{{{}}}}} is not supported", next->value),
                      "Packer templates support if, else and with");
        ++i_;
        if (auto e = Enter(open, "{{if}} and {{with}} blocks")) return *e;
        auto block = ParseBlock(
            open, next->value == "if" ? Node::Kind::kIf : Node::Kind::kWith);
        --depth_;
        if (!block) return std::unexpected(block.error());
        out.push_back(std::move(*block));
        continue;
      }
      Node action{.kind = Node::Kind::kAction, .begin = open.pos};
      auto pipe = ParsePipeline(open, "command", TokenKind::kRightDelim);
      if (!pipe) return std::unexpected(pipe.error());
      action.pipeline = std::move(*pipe);
      action.end = toks_[i_ - 1].end;
      out.push_back(std::move(action));
    }
    return kEof;
  }

  // After "{{if" or "{{with": parses through the matching {{end}}.
  Result<Node> ParseBlock(const Token& open, Node::Kind kind) {
    const char* name = kind == Node::Kind::kIf ? "if" : "with";
    Node node{.kind = kind, .begin = open.pos};
    auto pipe = ParsePipeline(open, name, TokenKind::kRightDelim);
    if (!pipe) return std::unexpected(pipe.error());
    node.pipeline = std::move(*pipe);
    auto stop = ParseList(node.body);
    if (!stop) return std::unexpected(stop.error());
    if (*stop == kEof)
      return Fail(open, "unexpected EOF",
                  fmt::format("{{{{{}}}}} has no matching {{{{end}}}}", name));
    if (toks_[*stop].value == "else") {
      if (PeekIs(TokenKind::kKeyword) && Peek()->value == "if") {
        // "{{else if x}}" opens a nested if that shares our {{end}}.
        const Token& else_open = toks_[*stop - 1];
        ++i_;
        if (auto e = Enter(else_open, "{{if}} and {{with}} blocks")) return *e;
        auto nested = ParseBlock(else_open, Node::Kind::kIf);
        --depth_;
        if (!nested) return std::unexpected(nested.error());
        node.end = nested->end;
        node.else_body.push_back(std::move(*nested));
        return node;
      }
      if (!PeekIs(TokenKind::kRightDelim))
        return Fail(toks_[*stop], "unexpected tokens after {{else}}");
      ++i_;
      stop = ParseList(node.else_body);
      if (!stop) return std::unexpected(stop.error());
      if (*stop == kEof)
        return Fail(
            open, "unexpected EOF",
            fmt::format("{{{{{}}}}} has no matching {{{{end}}}}", name));
      if (toks_[*stop].value != "end")
        return Fail(toks_[*stop], "expected {{end}}; found {{else}}");
    }
    if (!PeekIs(TokenKind::kRightDelim))
      return Fail(toks_[*stop], "unexpected tokens after {{end}}");
    node.end = toks_[i_++].end;
    return node;
  }

  // Parses commands up to `close` (consumed). `open` is the token that
  // started it, for "missing value" errors.
  Result<Pipeline> ParsePipeline(const Token& open, std::string_view what,
                                 TokenKind close) {
    Pipeline pipe{.pos = open.pos};
    Command cmd;
    for (;;) {
      const Token* t = Peek();
      if (t && (t->kind == close || t->kind == TokenKind::kPipe)) {
        if (cmd.args.empty())
          return Fail(*t, fmt::format("missing value for {}", what));
        if (pipe.commands.size() > 0 &&
            cmd.args[0].kind != Operand::Kind::kFunction &&
            cmd.args[0].kind != Operand::Kind::kField &&
            cmd.args[0].kind != Operand::Kind::kPipeline)
          return Fail(*t,
                      fmt::format("non executable command in pipeline stage {}",
                                  pipe.commands.size() + 1));
        pipe.commands.push_back(std::move(cmd));
        cmd = {};
        ++i_;
        if (t->kind == close) return pipe;
        continue;
      }
      auto operand = ParseOperand();
      if (!operand) return std::unexpected(operand.error());
      cmd.args.push_back(std::move(*operand));
    }
  }

  Result<Operand> ParseOperand() {
    const Token* t = Peek();
    if (!t)
      return std::unexpected(
          ErrorAt(src_, src_.size(), src_.size(), "unexpected EOF"));
    Operand op{.pos = t->pos, .end = t->end, .text = t->value};
    ++i_;
    switch (t->kind) {
      case TokenKind::kIdentifier:
        if (!FindFunction(t->value))
          return Fail(*t, fmt::format("function \"{}\" not defined", t->value));
        op.kind = Operand::Kind::kFunction;
        return op;
      case TokenKind::kField:
        op.kind = Operand::Kind::kField;
        return op;
      case TokenKind::kDot:
        op.kind = Operand::Kind::kDot;
        return op;
      case TokenKind::kString:
        op.kind = Operand::Kind::kString;
        return op;
      case TokenKind::kNil:
        op.kind = Operand::Kind::kNil;
        return op;
      case TokenKind::kBool:
        op.kind = Operand::Kind::kBool;
        op.bool_value = t->value == "true";
        return op;
      case TokenKind::kNumber: {
        op.kind = Operand::Kind::kNumber;
        if (auto i = ParseGoInt(t->value)) {
          op.is_int = true;
          op.int_value = *i;
          op.float_value = static_cast<double>(*i);
        } else if (auto f = ParseGoFloat(t->value)) {
          // Digits alone that do not fit in int64 are an error, as in Go;
          // only a float literal may be that large.
          if (t->value.find_first_of(".eEpP") == std::string::npos)
            return Fail(*t, fmt::format("integer overflow: \"{}\"", t->value),
                        "integer constants must fit in 64 bits");
          op.float_value = *f;
          op.is_float = true;
          // An integral float is also an int when int64 can hold it
          // ([-2^63, 2^63); converting a larger one is undefined).
          constexpr double kTwo63 = 9223372036854775808.0;
          op.is_int = *f >= -kTwo63 && *f < kTwo63 && *f == std::trunc(*f);
          if (op.is_int) op.int_value = static_cast<int64_t>(*f);
        } else {
          return Fail(*t, fmt::format("bad number syntax: \"{}\"", t->value));
        }
        return op;
      }
      case TokenKind::kLeftParen: {
        if (auto e = Enter(*t, "parenthesized pipelines")) return *e;
        parens_.push_back(t);
        auto pipe =
            ParsePipeline(*t, "parenthesized pipeline", TokenKind::kRightParen);
        parens_.pop_back();
        --depth_;
        if (!pipe) return std::unexpected(pipe.error());
        op.kind = Operand::Kind::kPipeline;
        op.end = toks_[i_ - 1].end;
        op.pipeline = std::make_shared<Pipeline>(std::move(*pipe));
        return op;
      }
      default:
        // Reaching "}}" inside parentheses means one never closed.
        if (t->kind == TokenKind::kRightDelim && !parens_.empty())
          return Fail(*parens_.back(), "unclosed left paren");
        return Fail(*t, fmt::format("unexpected {} in command", Describe(t)));
    }
  }

  std::string_view src_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  std::vector<const Token*> parens_;  // open "(" around the current operand
  int depth_ = 0;                     // open "(" and blocks, for Enter
};

}  // namespace

Result<NodeList> Parse(std::string_view text) {
  auto tokens = Lex(text);
  if (!tokens) return std::unexpected(tokens.error());
  return Parser(text, std::move(*tokens)).Run();
}

}  // namespace kiln::interpolate
