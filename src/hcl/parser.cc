#include "hcl/parser.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hcl/json_body.h"
#include "util/utf8.h"

namespace kiln::hcl {

bool IsValidIdentifier(std::string_view s) {
  if (s.empty()) return false;
  unsigned char c0 = s[0];
  if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 >= 0x80))
    return false;
  for (unsigned char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
          (c >= '0' && c <= '9') || c >= 0x80))
      return false;
  return true;
}

namespace {

// Decodes $${ and %%{ only (heredocs and bare templates have no backslash escapes).
std::string DecodeTemplateEscapes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if ((c == '$' || c == '%') && i + 2 < bytes.size() && bytes[i + 1] == c &&
        bytes[i + 2] == '{') {
      out += c;
      out += '{';
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

template <typename T>
std::shared_ptr<T> Make(const Range& r) {
  auto e = std::make_shared<T>();
  e->range_ = r;
  return e;
}

ExprPtr MakeLiteral(Value v, const Range& r) {
  auto e = Make<LiteralExpr>(r);
  e->value = std::move(v);
  return e;
}

// Template items before they are assembled into a tree.
struct TemplateItem {
  enum Kind { kLiteral, kInterp, kIf, kElse, kEndIf, kFor, kEndFor } kind;
  std::string text;  // literal
  ExprPtr expr;      // interp / if condition / for collection
  std::string key_var, val_var;
  bool strip_before = false;  // ~ after the opener: strip the preceding literal's trailing space
  bool strip_after = false;   // ~ before the closer: strip the following literal's leading space
  Range range;
};

class Parser {
 public:
  Parser(Tokens tokens, Diagnostics& diags) : diags_(diags) {
    // Comments are not syntax; they stay in File::tokens for formatters.
    for (Token& t : tokens)
      if (t.type != TokenType::kComment) toks_.push_back(std::move(t));
      else if (!t.bytes.empty() && t.bytes.back() == '\n') {
        // A line comment ends a line: keep its newline as a newline token.
        Token nl;
        nl.type = TokenType::kNewline;
        nl.bytes = "\n";
        nl.range = t.range;
        nl.range.start = t.range.end;
        nl.range.start.byte -= 1;
        toks_.push_back(std::move(nl));
      }
    nl_ignore_.push_back(false);
  }

  // ----- token access -----

  const Token& Peek() {
    SkipIgnoredNewlines();
    return toks_[std::min(p_, toks_.size() - 1)];
  }
  const Token& PeekRaw() const { return toks_[std::min(p_, toks_.size() - 1)]; }
  // The token after the next one (newlines skipped if ignored).
  const Token& PeekAfter() {
    SkipIgnoredNewlines();
    std::size_t q = p_ + 1;
    if (nl_ignore_.back())
      while (q < toks_.size() && toks_[q].type == TokenType::kNewline) ++q;
    return toks_[std::min(q, toks_.size() - 1)];
  }
  Token Read() {
    SkipIgnoredNewlines();
    Token t = toks_[std::min(p_, toks_.size() - 1)];
    if (p_ < toks_.size() - 1) ++p_;
    return t;
  }
  void SkipIgnoredNewlines() {
    if (nl_ignore_.back())
      while (p_ < toks_.size() - 1 && toks_[p_].type == TokenType::kNewline) ++p_;
  }
  void PushNewlines(bool ignore) { nl_ignore_.push_back(ignore); }
  void PopNewlines() { nl_ignore_.pop_back(); }

  bool recovering_ = false;

  void Err(const Range& r, std::string summary, std::string detail) {
    if (recovering_) return;
    diags_.push_back(ErrorAt(r, std::move(summary), std::move(detail)));
    recovering_ = true;
  }

  // Skips to the end of the current line (or the closer of a nested bracket).
  void RecoverToLineEnd() {
    int depth = 0;
    while (true) {
      const Token& t = PeekRaw();
      if (t.type == TokenType::kEOF) return;
      if (depth == 0 && t.type == TokenType::kNewline) return;
      if (t.type == TokenType::kOBrace || t.type == TokenType::kOBrack ||
          t.type == TokenType::kOParen || t.type == TokenType::kTemplateInterp ||
          t.type == TokenType::kTemplateControl)
        ++depth;
      if (t.type == TokenType::kCBrace || t.type == TokenType::kCBrack ||
          t.type == TokenType::kCParen || t.type == TokenType::kTemplateSeqEnd) {
        if (depth == 0) return;
        --depth;
      }
      ++p_;
    }
  }

  // Skips to the token closing `open` (the bracket already read).
  void RecoverToCloser(TokenType open, TokenType close) {
    int depth = 0;
    while (true) {
      const Token& t = PeekRaw();
      if (t.type == TokenType::kEOF) return;
      if (t.type == open) ++depth;
      if (t.type == close) {
        if (depth == 0) return;
        --depth;
      }
      ++p_;
    }
  }

  // ----- bodies -----

  std::shared_ptr<NativeBody> ParseBody(TokenType end) {
    auto body = std::make_shared<NativeBody>();
    std::set<std::string> attr_names;
    while (true) {
      const Token& t = PeekRaw();
      if (t.type == TokenType::kNewline) { ++p_; continue; }
      if (t.type == end || t.type == TokenType::kEOF) {
        body->end_range = t.range;
        break;
      }
      recovering_ = false;
      if (t.type != TokenType::kIdent) {
        if (t.type == TokenType::kCBrace && end == TokenType::kEOF) {
          Err(t.range, "Argument or block definition required",
              "An argument or block definition is required here.");
          ++p_;
          continue;
        }
        Err(t.range, "Argument or block definition required",
            "An argument or block definition is required here. To set an argument, use the "
            "equals sign \"=\" to introduce the argument value.");
        RecoverToLineEnd();
        if (PeekRaw().type == TokenType::kCBrace && end == TokenType::kCBrace) continue;
        if (PeekRaw().type != TokenType::kNewline && PeekRaw().type != TokenType::kEOF) ++p_;
        continue;
      }
      Token ident = toks_[p_++];
      const Token& next = PeekRaw();
      if (next.type == TokenType::kEqual) {
        ++p_;
        NativeAttribute attr;
        attr.name = ident.bytes;
        attr.name_range = ident.range;
        attr.equals_range = next.range;
        PushNewlines(false);
        attr.expr = ParseExpression();
        PopNewlines();
        attr.range = RangeBetween(ident.range, attr.expr->range());
        const Token& after = PeekRaw();
        if (after.type == TokenType::kInvalid || after.type == TokenType::kBadUTF8 ||
            after.type == TokenType::kQuote) {
          RecoverToLineEnd();  // already reported by the lexer
        } else if (after.type != TokenType::kNewline && after.type != TokenType::kEOF &&
            !(after.type == end && end == TokenType::kCBrace && one_line_)) {
          if (!(after.type == TokenType::kCBrace && end == TokenType::kCBrace)) {
            Err(after.range, "Missing newline after argument",
                "An argument definition must end with a newline.");
            RecoverToLineEnd();
          } else {
            Err(after.range, "Missing newline after argument",
                "An argument definition must end with a newline.");
          }
        }
        if (!attr_names.insert(attr.name).second) {
          const NativeAttribute* prev = body->FindAttribute(attr.name);
          diags_.push_back(ErrorAt(
              attr.name_range, "Duplicate argument",
              fmt::format("Argument \"{}\" was already set at {}:{}. Each argument may be set "
                          "only once.",
                          attr.name, prev->name_range.file, prev->name_range.start.line)));
        } else {
          body->attributes.push_back(std::move(attr));
        }
        continue;
      }
      // A block: labels then {
      NativeBlock block;
      block.type = ident.bytes;
      block.type_range = ident.range;
      bool bad = false;
      while (true) {
        const Token& lt = PeekRaw();
        if (lt.type == TokenType::kOBrace) break;
        if (lt.type == TokenType::kIdent) {
          block.labels.push_back(lt.bytes);
          block.label_ranges.push_back(lt.range);
          ++p_;
          continue;
        }
        if (lt.type == TokenType::kOQuote) {
          Range start = lt.range;
          ++p_;
          std::string label;
          bool interp = false;
          while (PeekRaw().type == TokenType::kQuotedLit) {
            label += DecodeQuotedLiteral(PeekRaw().bytes, PeekRaw().range, diags_);
            ++p_;
          }
          if (PeekRaw().type != TokenType::kCQuote) {
            interp = true;
            RecoverToLineEnd();
          }
          Range r = RangeBetween(start, PeekRaw().range);
          if (interp) {
            Err(r, "Invalid block label",
                "Template sequences are not allowed in block labels.");
            bad = true;
            break;
          }
          ++p_;
          block.labels.push_back(label);
          block.label_ranges.push_back(r);
          continue;
        }
        if (lt.type == TokenType::kNewline || lt.type == TokenType::kEOF) {
          Err(RangeBetween(ident.range, ident.range), "Invalid block definition",
              block.labels.empty() && lt.type == TokenType::kNewline
                  ? "Either a quoted string block label or an opening brace (\"{\") is expected "
                    "here. To set an argument, use the equals sign \"=\" to introduce the "
                    "argument value."
                  : "A block definition must have block content delimited by \"{\" and \"}\", "
                    "starting on the same line as the block header.");
        } else {
          Err(lt.range, "Invalid block definition",
              "Either a quoted string block label or an opening brace (\"{\") is expected "
              "here.");
        }
        bad = true;
        break;
      }
      if (bad) {
        RecoverToLineEnd();
        // Skip a following block body, if any, to resynchronise.
        if (PeekRaw().type == TokenType::kOBrace) {
          ++p_;
          RecoverToCloser(TokenType::kOBrace, TokenType::kCBrace);
          if (PeekRaw().type == TokenType::kCBrace) ++p_;
        }
        continue;
      }
      Token open = toks_[p_++];
      block.open_brace_range = open.range;
      // One-line block: { } or { a = 1 } on the same line.
      bool one_line = PeekRaw().type != TokenType::kNewline;
      bool saved_one_line = one_line_;
      one_line_ = one_line;
      if (++depth_ >= kMaxDepth) {
        Err(block.type_range, "Blocks too deeply nested",
            fmt::format("Blocks may be nested at most {} levels deep.", kMaxDepth));
        while (PeekRaw().type != TokenType::kEOF) ++p_;
        --depth_;
        break;
      }
      auto inner = ParseBody(TokenType::kCBrace);
      --depth_;
      one_line_ = saved_one_line;
      if (one_line) {
        if (inner->blocks.size() > 0 || inner->attributes.size() > 1) {
          Err(block.type_range, "Invalid single-argument block definition",
              "A single-line block definition can contain only a single argument. If you "
              "meant to define argument, use an equals sign to assign it a value. To define a "
              "nested block, place it on a line of its own within its parent block.");
        }
      }
      const Token& close = PeekRaw();
      if (close.type != TokenType::kCBrace) {
        Err(RangeBetween(open.range, open.range), "Unclosed configuration block",
            "There is no closing brace for this block before the end of the file. This may be "
            "caused by incorrect brace nesting elsewhere in this file.");
        block.close_brace_range = close.range;
      } else {
        block.close_brace_range = close.range;
        ++p_;
        const Token& after = PeekRaw();
        if (after.type != TokenType::kNewline && after.type != TokenType::kEOF &&
            !(after.type == TokenType::kCBrace && end == TokenType::kCBrace && one_line_)) {
          Err(after.range, "Missing newline after block definition",
              "A block definition must end with a newline.");
          RecoverToLineEnd();
        }
      }
      inner->range = RangeBetween(open.range, block.close_brace_range);
      block.body = inner;
      block.range = RangeBetween(ident.range, block.close_brace_range);
      body->blocks.push_back(std::move(block));
    }
    if (!body->attributes.empty() || !body->blocks.empty()) {
      body->range = body->end_range;
    }
    return body;
  }

  // ----- expressions -----

  // Nesting is bounded so that hostile input cannot exhaust the stack.
  static constexpr int kMaxDepth = 200;
  int depth_ = 0;

  ExprPtr ParseExpression() {
    if (depth_ >= kMaxDepth) {
      Range r = Peek().range;
      Err(r, "Expression too deeply nested",
          fmt::format("Expressions may be nested at most {} levels deep.", kMaxDepth));
      recovering_ = true;
      // Skip the rest of the input: there is no sensible place to resume.
      while (PeekRaw().type != TokenType::kEOF) ++p_;
      return MakeLiteral(Value::Unknown(), r);
    }
    ++depth_;
    ExprPtr e = ParseTernary();
    --depth_;
    return e;
  }

  ExprPtr ParseTernary() {
    ExprPtr cond = ParseBinary(0);
    if (Peek().type != TokenType::kQuestion) return cond;
    Read();
    ExprPtr t = ParseExpression();
    if (Peek().type != TokenType::kColon) {
      Err(Peek().range, "Missing false expression in conditional",
          "The conditional operator (...?...:...) requires a false expression, delimited by a "
          "colon.");
      auto e = Make<ConditionalExpr>(RangeBetween(cond->range(), t->range()));
      e->condition = cond;
      e->true_result = t;
      e->false_result = MakeLiteral(Value::Unknown(), t->range());
      return e;
    }
    Read();
    ExprPtr f = ParseExpression();
    auto e = Make<ConditionalExpr>(RangeBetween(cond->range(), f->range()));
    e->condition = cond;
    e->true_result = t;
    e->false_result = f;
    return e;
  }

  static int Precedence(TokenType t, BinaryOp* op) {
    switch (t) {
      case TokenType::kOr: *op = BinaryOp::kOr; return 1;
      case TokenType::kAnd: *op = BinaryOp::kAnd; return 2;
      case TokenType::kEqualOp: *op = BinaryOp::kEqual; return 3;
      case TokenType::kNotEqual: *op = BinaryOp::kNotEqual; return 3;
      case TokenType::kGreaterThan: *op = BinaryOp::kGreaterThan; return 4;
      case TokenType::kGreaterThanEq: *op = BinaryOp::kGreaterThanOrEqual; return 4;
      case TokenType::kLessThan: *op = BinaryOp::kLessThan; return 4;
      case TokenType::kLessThanEq: *op = BinaryOp::kLessThanOrEqual; return 4;
      case TokenType::kPlus: *op = BinaryOp::kAdd; return 5;
      case TokenType::kMinus: *op = BinaryOp::kSubtract; return 5;
      case TokenType::kStar: *op = BinaryOp::kMultiply; return 6;
      case TokenType::kSlash: *op = BinaryOp::kDivide; return 6;
      case TokenType::kPercent: *op = BinaryOp::kModulo; return 6;
      default: return 0;
    }
  }

  // Precedence climbing; all binary operators are left-associative.
  ExprPtr ParseBinary(int min_prec) {
    ExprPtr lhs = ParseUnary();
    while (true) {
      BinaryOp op;
      int prec = Precedence(Peek().type, &op);
      if (prec == 0 || prec <= min_prec) return lhs;
      Read();
      ExprPtr rhs = ParseBinary(prec);
      auto e = Make<BinaryOpExpr>(RangeBetween(lhs->range(), rhs->range()));
      e->op = op;
      e->lhs = lhs;
      e->rhs = rhs;
      lhs = e;
    }
  }

  ExprPtr ParseUnary() {
    const Token& t = Peek();
    if (t.type == TokenType::kMinus || t.type == TokenType::kBang) {
      Token sym = Read();
      ++depth_;
      ExprPtr v = depth_ >= kMaxDepth ? ParseExpression() : ParseUnary();
      --depth_;
      // -1 folds to a literal number, as HCL does.
      if (sym.type == TokenType::kMinus && v->kind() == ExprKind::kLiteral) {
        auto lit = static_cast<const LiteralExpr*>(v.get());
        if (lit->value.is_known() && !lit->value.is_null() &&
            lit->value.type().kind() == TypeKind::kNumber)
          return MakeLiteral(Value::Number(-lit->value.AsNumber()),
                             RangeBetween(sym.range, v->range()));
      }
      auto e = Make<UnaryOpExpr>(RangeBetween(sym.range, v->range()));
      e->op = sym.type == TokenType::kMinus ? UnaryOp::kNegate : UnaryOp::kNot;
      e->val = v;
      e->symbol_range = sym.range;
      return e;
    }
    return ParsePostfix(ParseTerm());
  }

  // Index and attribute steps, splats.
  ExprPtr ParsePostfix(ExprPtr expr) {
    while (true) {
      const Token& t = PeekRaw();  // traversal steps never follow a newline
      if (t.type == TokenType::kDot) {
        const Token& n = toks_[std::min(p_ + 1, toks_.size() - 1)];
        if (n.type == TokenType::kIdent) {
          Token dot = toks_[p_++];
          Token name = toks_[p_++];
          TraverseStep s{TraverseStep::Kind::kAttr, name.bytes, Value(),
                         RangeBetween(dot.range, name.range)};
          expr = AddStep(expr, std::move(s));
          continue;
        }
        if (n.type == TokenType::kNumberLit) {
          // Legacy index: foo.0 (a "0.1" token is two steps).
          Token dot = toks_[p_++];
          Token num = toks_[p_++];
          std::string_view b = num.bytes;
          std::size_t cut = b.find('.');
          std::vector<std::string> parts;
          if (cut == std::string_view::npos) parts.emplace_back(b);
          else { parts.emplace_back(b.substr(0, cut)); parts.emplace_back(b.substr(cut + 1)); }
          for (const std::string& part : parts) {
            bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
            if (!digits) {
              Err(num.range, "Invalid legacy index syntax",
                  "When using the legacy index syntax, chaining two indexes together is not "
                  "permitted. Use the proper index syntax instead, like [0].");
              break;
            }
            TraverseStep s{TraverseStep::Kind::kIndex, "", *Value::ParseNumber(part),
                           RangeBetween(dot.range, num.range)};
            expr = AddStep(expr, std::move(s));
          }
          continue;
        }
        if (n.type == TokenType::kStar) {
          Token dot = toks_[p_++];
          Token star = toks_[p_++];
          expr = ParseSplat(expr, RangeBetween(dot.range, star.range), /*full=*/false);
          continue;
        }
        Token dot = toks_[p_++];
        Err(n.range, "Invalid attribute name",
            "An attribute name is required after a dot.");
        expr = MakeLiteral(Value::Unknown(), RangeBetween(expr->range(), dot.range));
        continue;
      }
      if (t.type == TokenType::kOBrack) {
        const Token& n = toks_[std::min(p_ + 1, toks_.size() - 1)];
        const Token& n2 = toks_[std::min(p_ + 2, toks_.size() - 1)];
        if (n.type == TokenType::kStar && n2.type == TokenType::kCBrack) {
          Token open = toks_[p_++];
          ++p_;
          Token close = toks_[p_++];
          expr = ParseSplat(expr, RangeBetween(open.range, close.range), /*full=*/true);
          continue;
        }
        Token open = toks_[p_++];
        PushNewlines(true);
        ExprPtr key = ParseExpression();
        const Token& close = Peek();
        Range close_range = close.range;
        if (close.type != TokenType::kCBrack) {
          Err(close.range, "Missing close bracket on index",
              "The index operator must end with a closing bracket (\"]\").");
          RecoverToCloser(TokenType::kOBrack, TokenType::kCBrack);
        }
        if (PeekRaw().type == TokenType::kCBrack) Read();
        PopNewlines();
        // A literal key on a traversal stays a traversal step.
        if (key->kind() == ExprKind::kLiteral && (expr->kind() == ExprKind::kScopeTraversal ||
                                                  expr->kind() == ExprKind::kRelativeTraversal)) {
          TraverseStep s{TraverseStep::Kind::kIndex, "",
                         static_cast<const LiteralExpr*>(key.get())->value,
                         RangeBetween(open.range, close_range)};
          expr = AddStep(expr, std::move(s));
          continue;
        }
        auto e = Make<IndexExpr>(RangeBetween(expr->range(), close_range));
        e->collection = expr;
        e->key = key;
        e->bracket_range = RangeBetween(open.range, close_range);
        expr = e;
        continue;
      }
      return expr;
    }
  }

  ExprPtr AddStep(ExprPtr expr, TraverseStep step) {
    Range r = RangeBetween(expr->range(), step.range);
    if (expr->kind() == ExprKind::kScopeTraversal) {
      auto e = Make<ScopeTraversalExpr>(r);
      e->traversal = static_cast<const ScopeTraversalExpr*>(expr.get())->traversal;
      e->traversal.push_back(std::move(step));
      return e;
    }
    if (expr->kind() == ExprKind::kRelativeTraversal) {
      auto src = static_cast<const RelativeTraversalExpr*>(expr.get());
      auto e = Make<RelativeTraversalExpr>(r);
      e->source = src->source;
      e->traversal = src->traversal;
      e->traversal.push_back(std::move(step));
      return e;
    }
    auto e = Make<RelativeTraversalExpr>(r);
    e->source = expr;
    e->traversal.push_back(std::move(step));
    return e;
  }

  // After [*] (full) or .* (attribute-only): the following steps apply to each element.
  ExprPtr ParseSplat(ExprPtr source, Range marker, bool full) {
    auto item = std::make_shared<AnonSymbolExpr>();
    item->range_ = marker;
    ExprPtr each = item;
    while (true) {
      const Token& t = PeekRaw();
      if (t.type == TokenType::kDot) {
        const Token& n = toks_[std::min(p_ + 1, toks_.size() - 1)];
        if (n.type == TokenType::kIdent) {
          Token dot = toks_[p_++];
          Token name = toks_[p_++];
          each = AddStep(each, TraverseStep{TraverseStep::Kind::kAttr, name.bytes, Value(),
                                            RangeBetween(dot.range, name.range)});
          continue;
        }
        if (n.type == TokenType::kNumberLit && full) {
          Token dot = toks_[p_++];
          Token num = toks_[p_++];
          auto v = Value::ParseNumber(num.bytes);
          each = AddStep(each, TraverseStep{TraverseStep::Kind::kIndex, "",
                                            v ? *v : Value::Number(0),
                                            RangeBetween(dot.range, num.range)});
          continue;
        }
        break;
      }
      if (t.type == TokenType::kOBrack && full) {
        const Token& n = toks_[std::min(p_ + 1, toks_.size() - 1)];
        if (n.type == TokenType::kStar) break;  // nested splat applies to the result
        Token open = toks_[p_++];
        PushNewlines(true);
        ExprPtr key = ParseExpression();
        Range close_range = Peek().range;
        if (Peek().type != TokenType::kCBrack) {
          Err(Peek().range, "Missing close bracket on index",
              "The index operator must end with a closing bracket (\"]\").");
          RecoverToCloser(TokenType::kOBrack, TokenType::kCBrack);
        }
        if (PeekRaw().type == TokenType::kCBrack) Read();
        PopNewlines();
        auto e = Make<IndexExpr>(RangeBetween(each->range(), close_range));
        e->collection = each;
        e->key = key;
        e->bracket_range = RangeBetween(open.range, close_range);
        each = e;
        continue;
      }
      break;
    }
    auto e = Make<SplatExpr>(RangeBetween(source->range(), each->range()));
    e->source = source;
    e->each = each;
    e->item = item;
    e->marker_range = marker;
    return e;
  }

  ExprPtr ParseTerm() {
    const Token& t = Peek();
    switch (t.type) {
      case TokenType::kNumberLit: {
        Token n = Read();
        auto v = Value::ParseNumber(n.bytes);
        if (!v) {
          Err(n.range, "Invalid number literal", "Failed to recognize the value of this number.");
          return MakeLiteral(Value::Unknown(Type::Number()), n.range);
        }
        return MakeLiteral(*v, n.range);
      }
      case TokenType::kIdent: {
        Token id = Read();
        if (id.bytes == "true") return MakeLiteral(Value::True(), id.range);
        if (id.bytes == "false") return MakeLiteral(Value::False(), id.range);
        if (id.bytes == "null") return MakeLiteral(Value::Null(), id.range);
        if (PeekRaw().type == TokenType::kOParen) return ParseCall(id);
        auto e = Make<ScopeTraversalExpr>(id.range);
        e->traversal.push_back(TraverseStep{TraverseStep::Kind::kRoot, id.bytes, Value(), id.range});
        return e;
      }
      case TokenType::kOParen: {
        Token open = Read();
        PushNewlines(true);
        ExprPtr inner = ParseExpression();
        const Token& close = Peek();
        Range close_range = close.range;
        if (close.type != TokenType::kCParen) {
          Err(close.range, "Unbalanced parentheses",
              "Expected a closing parenthesis to terminate the expression.");
          RecoverToCloser(TokenType::kOParen, TokenType::kCParen);
        }
        if (PeekRaw().type == TokenType::kCParen) Read();
        PopNewlines();
        auto e = Make<ParenthesesExpr>(RangeBetween(open.range, close_range));
        e->source = inner;
        return e;
      }
      case TokenType::kOQuote: return ParseQuotedTemplate();
      case TokenType::kOHeredoc: return ParseHeredoc();
      case TokenType::kOBrack: return ParseTuple();
      case TokenType::kOBrace: return ParseObject();
      default: break;
    }
    Token bad = t;
    if (bad.type == TokenType::kInvalid || bad.type == TokenType::kBadUTF8 ||
        bad.type == TokenType::kQuote) {
      recovering_ = true;  // the lexer has already reported this character
      RecoverToLineEnd();
      return MakeLiteral(Value::Unknown(), bad.range);
    }
    if (bad.type == TokenType::kNewline || bad.type == TokenType::kEOF) {
      Err(bad.range, "Invalid expression", "Expected the start of an expression, but found the end of the line.");
    } else {
      Err(bad.range, "Invalid expression",
          fmt::format("Expected the start of an expression, but found {}.",
                      DescribeToken(bad)));
      if (bad.type != TokenType::kCBrace && bad.type != TokenType::kCBrack &&
          bad.type != TokenType::kCParen && bad.type != TokenType::kTemplateSeqEnd &&
          bad.type != TokenType::kCQuote)
        Read();
    }
    return MakeLiteral(Value::Unknown(), bad.range);
  }

  static std::string DescribeToken(const Token& t) {
    switch (t.type) {
      case TokenType::kIdent: return fmt::format("identifier \"{}\"", t.bytes);
      case TokenType::kNewline: return "a newline";
      case TokenType::kEOF: return "the end of the file";
      default: return fmt::format("\"{}\"", t.bytes.empty() ? TokenTypeName(t.type) : t.bytes);
    }
  }

  ExprPtr ParseCall(const Token& name) {
    Token open = Read();
    auto e = Make<FunctionCallExpr>(name.range);
    e->name = name.bytes;
    e->name_range = name.range;
    e->open_paren_range = open.range;
    PushNewlines(true);
    while (Peek().type != TokenType::kCParen && Peek().type != TokenType::kEOF) {
      e->args.push_back(ParseExpression());
      const Token& sep = Peek();
      if (sep.type == TokenType::kEllipsis) {
        Read();
        e->expand_final = true;
        if (Peek().type == TokenType::kComma) Read();
        if (Peek().type != TokenType::kCParen) {
          Err(Peek().range, "Missing closing parenthesis",
              "An expanded function argument (with ...) must be immediately followed by the "
              "closing parenthesis.");
          RecoverToCloser(TokenType::kOParen, TokenType::kCParen);
        }
        break;
      }
      if (sep.type == TokenType::kComma) {
        Read();
        continue;
      }
      if (sep.type != TokenType::kCParen) {
        Err(sep.range, "Missing argument separator",
            "A comma is required to separate each function argument from the next.");
        RecoverToCloser(TokenType::kOParen, TokenType::kCParen);
        break;
      }
    }
    Range close_range = Peek().range;
    if (Peek().type == TokenType::kCParen) {
      Read();
    } else {
      Err(Peek().range, "Unterminated function call",
          "There is no closing parenthesis for this function call before the end of the "
          "file.");
    }
    PopNewlines();
    e->close_paren_range = close_range;
    e->range_ = RangeBetween(name.range, close_range);
    return e;
  }

  ExprPtr ParseTuple() {
    Token open = Read();
    PushNewlines(true);
    if (Peek().type == TokenType::kIdent && Peek().bytes == "for") {
      ExprPtr f = ParseFor(open, /*object=*/false);
      PopNewlines();
      return f;
    }
    auto e = Make<TupleConsExpr>(open.range);
    e->open_range = open.range;
    while (Peek().type != TokenType::kCBrack && Peek().type != TokenType::kEOF) {
      e->exprs.push_back(ParseExpression());
      const Token& sep = Peek();
      if (sep.type == TokenType::kComma) {
        Read();
        continue;
      }
      if (sep.type != TokenType::kCBrack) {
        Err(sep.range, "Missing item separator",
            "Expected a comma to mark the beginning of the next item.");
        RecoverToCloser(TokenType::kOBrack, TokenType::kCBrack);
        break;
      }
    }
    Range close_range = Peek().range;
    if (Peek().type == TokenType::kCBrack) Read();
    else Err(Peek().range, "Missing close bracket", "A tuple must end with \"]\".");
    PopNewlines();
    e->range_ = RangeBetween(open.range, close_range);
    return e;
  }

  ExprPtr ParseObject() {
    Token open = Read();
    PushNewlines(true);
    if (Peek().type == TokenType::kIdent && Peek().bytes == "for") {
      ExprPtr f = ParseFor(open, /*object=*/true);
      PopNewlines();
      return f;
    }
    PopNewlines();
    PushNewlines(false);  // newlines separate items
    auto e = Make<ObjectConsExpr>(open.range);
    e->open_range = open.range;
    while (true) {
      while (PeekRaw().type == TokenType::kNewline) ++p_;
      if (PeekRaw().type == TokenType::kCBrace || PeekRaw().type == TokenType::kEOF) break;
      ExprPtr key_inner;
      bool force = false;
      key_inner = ParseExpression();
      force = key_inner->kind() == ExprKind::kParentheses;
      auto key = Make<ObjectConsKeyExpr>(key_inner->range());
      key->wrapped = key_inner;
      key->force_non_literal = force;
      const Token& eq = PeekRaw();
      if (eq.type != TokenType::kEqual && eq.type != TokenType::kColon) {
        Err(eq.range, "Missing key/value separator",
            "Expected an equals sign (\"=\") to mark the beginning of the attribute value.");
        RecoverToCloser(TokenType::kOBrace, TokenType::kCBrace);
        break;
      }
      ++p_;
      ExprPtr value = ParseExpression();  // a newline ends the item
      e->items.push_back({key, value});
      const Token& sep = PeekRaw();
      if (sep.type == TokenType::kComma || sep.type == TokenType::kNewline) {
        ++p_;
        continue;
      }
      if (sep.type == TokenType::kCBrace) break;
      Err(sep.range, "Missing attribute separator",
          "Expected a newline or comma to mark the beginning of the next attribute.");
      RecoverToCloser(TokenType::kOBrace, TokenType::kCBrace);
      break;
    }
    PopNewlines();
    Range close_range = PeekRaw().range;
    if (PeekRaw().type == TokenType::kCBrace) ++p_;
    else Err(PeekRaw().range, "Missing close brace", "An object must end with \"}\".");
    e->range_ = RangeBetween(open.range, close_range);
    return e;
  }

  ExprPtr ParseFor(const Token& open, bool object) {
    TokenType close_type = object ? TokenType::kCBrace : TokenType::kCBrack;
    TokenType open_type = object ? TokenType::kOBrace : TokenType::kOBrack;
    Read();  // "for"
    auto e = Make<ForExpr>(open.range);
    e->open_range = open.range;
    auto fail = [&](const Range& r, std::string summary, std::string detail) {
      Err(r, std::move(summary), std::move(detail));
      RecoverToCloser(open_type, close_type);
      Range cr = Peek().range;
      if (Peek().type == close_type) Read();
      return MakeLiteral(Value::Unknown(), RangeBetween(open.range, cr));
    };
    if (Peek().type != TokenType::kIdent)
      return fail(Peek().range, "Invalid 'for' expression",
                  "For expression requires variable name after 'for'.");
    std::string first = Read().bytes;
    if (Peek().type == TokenType::kComma) {
      Read();
      if (Peek().type != TokenType::kIdent)
        return fail(Peek().range, "Invalid 'for' expression",
                    "For expression requires value variable name after comma.");
      e->key_var = first;
      e->val_var = Read().bytes;
    } else {
      e->val_var = first;
    }
    if (Peek().type != TokenType::kIdent || Peek().bytes != "in")
      return fail(Peek().range, "Invalid 'for' expression",
                  "For expression requires the 'in' keyword after its name declarations.");
    Read();
    e->collection = ParseExpression();
    if (Peek().type != TokenType::kColon)
      return fail(Peek().range, "Invalid 'for' expression",
                  "For expression requires a colon after the collection expression.");
    Read();
    if (object) {
      e->key_expr = ParseExpression();
      if (Peek().type != TokenType::kFatArrow)
        return fail(Peek().range, "Invalid 'for' expression",
                    "For expression requires the '=>' operator after the key expression.");
      Read();
    }
    e->val_expr = ParseExpression();
    if (Peek().type == TokenType::kEllipsis) {
      if (!object)
        return fail(Peek().range, "Invalid 'for' expression",
                    "Grouping ellipsis (...) can be used only in object 'for' expressions.");
      Read();
      e->group = true;
    }
    if (Peek().type == TokenType::kIdent && Peek().bytes == "if") {
      Read();
      e->cond_expr = ParseExpression();
    }
    if (Peek().type != close_type)
      return fail(Peek().range, "Invalid 'for' expression",
                  object ? "Extra characters after the end of the 'for' expression."
                         : "Extra characters after the end of the 'for' expression.");
    Token close = Read();
    e->close_range = close.range;
    e->range_ = RangeBetween(open.range, close.range);
    return e;
  }

  // ----- templates -----

  ExprPtr ParseQuotedTemplate() {
    Token open = Read();
    PushNewlines(false);
    std::vector<TemplateItem> items;
    ParseTemplateItems(items, TokenType::kCQuote, /*quoted=*/true);
    Range close_range = PeekRaw().range;
    if (PeekRaw().type == TokenType::kCQuote) ++p_;
    PopNewlines();
    return BuildTemplate(items, RangeBetween(open.range, close_range));
  }

  ExprPtr ParseHeredoc() {
    Token open = Read();
    bool flush = open.bytes.size() > 2 && open.bytes[2] == '-';
    PushNewlines(false);
    std::vector<TemplateItem> items;
    ParseTemplateItems(items, TokenType::kCHeredoc, /*quoted=*/false);
    Range close_range = PeekRaw().range;
    if (PeekRaw().type == TokenType::kCHeredoc) ++p_;
    PopNewlines();
    if (flush) Unindent(items);
    return BuildTemplate(items, RangeBetween(open.range, close_range));
  }

  // <<-: removes the smallest indentation found at the start of lines.
  static void Unindent(std::vector<TemplateItem>& items) {
    std::size_t min_indent = std::string::npos;
    bool line_start = true;
    for (const TemplateItem& it : items) {
      if (line_start) {
        if (it.kind == TemplateItem::kLiteral) {
          std::size_t n = 0;
          while (n < it.text.size() && (it.text[n] == ' ' || it.text[n] == '\t')) ++n;
          if (n < it.text.size() && it.text[n] != '\n') min_indent = std::min(min_indent, n);
          else if (n == it.text.size()) min_indent = std::min(min_indent, n);
        } else {
          min_indent = 0;
        }
      }
      line_start = it.kind == TemplateItem::kLiteral && !it.text.empty() && it.text.back() == '\n';
    }
    if (min_indent == std::string::npos || min_indent == 0) return;
    line_start = true;
    for (TemplateItem& it : items) {
      if (line_start && it.kind == TemplateItem::kLiteral) {
        std::size_t n = 0;
        while (n < min_indent && n < it.text.size() && (it.text[n] == ' ' || it.text[n] == '\t'))
          ++n;
        it.text.erase(0, n);
      }
      line_start = it.kind == TemplateItem::kLiteral && !it.text.empty() && it.text.back() == '\n';
    }
  }

  void ParseTemplateItems(std::vector<TemplateItem>& items, TokenType end, bool quoted) {
    while (true) {
      const Token& t = PeekRaw();
      if (t.type == end || t.type == TokenType::kEOF) return;
      if (t.type == TokenType::kQuotedLit || t.type == TokenType::kStringLit) {
        TemplateItem it{TemplateItem::kLiteral};
        it.text = quoted ? DecodeQuotedLiteral(t.bytes, t.range, diags_)
                         : DecodeTemplateEscapes(t.bytes);
        it.range = t.range;
        ++p_;
        // Merge adjacent literal pieces (not across heredoc lines: <<- unindents per line).
        if (!items.empty() && items.back().kind == TemplateItem::kLiteral &&
            (quoted || items.back().text.empty() || items.back().text.back() != '\n')) {
          items.back().text += it.text;
          items.back().range = RangeBetween(items.back().range, it.range);
        } else {
          items.push_back(std::move(it));
        }
        continue;
      }
      if (t.type == TokenType::kTemplateInterp) {
        Token open = toks_[p_++];
        TemplateItem it{TemplateItem::kInterp};
        it.strip_before = open.bytes.size() == 3;
        PushNewlines(true);
        it.expr = ParseExpression();
        it.strip_after = CloseSeq();
        PopNewlines();
        it.range = RangeBetween(open.range, it.expr->range());
        items.push_back(std::move(it));
        continue;
      }
      if (t.type == TokenType::kTemplateControl) {
        Token open = toks_[p_++];
        TemplateItem it{TemplateItem::kLiteral};
        it.strip_before = open.bytes.size() == 3;
        it.range = open.range;
        PushNewlines(true);
        const Token& kw = Peek();
        if (kw.type != TokenType::kIdent) {
          Err(kw.range, "Invalid template directive",
              "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning "
              "of a %{ sequence.");
          RecoverToCloser(TokenType::kTemplateControl, TokenType::kTemplateSeqEnd);
          CloseSeq();
          PopNewlines();
          continue;
        }
        Token word = Read();
        if (word.bytes == "if") {
          it.kind = TemplateItem::kIf;
          it.expr = ParseExpression();
        } else if (word.bytes == "else") {
          it.kind = TemplateItem::kElse;
        } else if (word.bytes == "endif") {
          it.kind = TemplateItem::kEndIf;
        } else if (word.bytes == "endfor") {
          it.kind = TemplateItem::kEndFor;
        } else if (word.bytes == "for") {
          it.kind = TemplateItem::kFor;
          if (Peek().type != TokenType::kIdent) {
            Err(Peek().range, "Invalid 'for' directive",
                "For directive requires variable name after 'for'.");
          } else {
            std::string first = Read().bytes;
            if (Peek().type == TokenType::kComma) {
              Read();
              it.key_var = first;
              if (Peek().type == TokenType::kIdent) it.val_var = Read().bytes;
              else Err(Peek().range, "Invalid 'for' directive",
                       "For directive requires value variable name after comma.");
            } else {
              it.val_var = first;
            }
            if (Peek().type == TokenType::kIdent && Peek().bytes == "in") {
              Read();
              it.expr = ParseExpression();
            } else {
              Err(Peek().range, "Invalid 'for' directive",
                  "For directive requires 'in' keyword after names.");
            }
          }
        } else {
          Err(word.range, "Invalid template control keyword",
              fmt::format("\"{}\" is not a valid template control keyword.", word.bytes));
          RecoverToCloser(TokenType::kTemplateControl, TokenType::kTemplateSeqEnd);
        }
        if (Peek().type != TokenType::kTemplateSeqEnd) {
          Err(Peek().range, "Extra characters in template directive",
              "Expected the end of the directive (\"}\").");
          RecoverToCloser(TokenType::kTemplateControl, TokenType::kTemplateSeqEnd);
        }
        it.strip_after = CloseSeq();
        PopNewlines();
        it.range = RangeBetween(open.range, toks_[p_ > 0 ? p_ - 1 : 0].range);
        if (it.kind != TemplateItem::kLiteral) items.push_back(std::move(it));
        continue;
      }
      // Anything else inside a template means the stream is confused; stop.
      return;
    }
  }

  // Reads the } or ~} that ends a sequence; returns whether it strips.
  bool CloseSeq() {
    const Token& t = Peek();
    if (t.type == TokenType::kTemplateSeqEnd) {
      bool strip = t.bytes.size() == 2;
      Read();
      return strip;
    }
    Err(t.range, "Extra characters after interpolation expression",
        "Expected a closing brace to end the interpolation expression, but found extra "
        "characters.");
    RecoverToCloser(TokenType::kTemplateInterp, TokenType::kTemplateSeqEnd);
    if (PeekRaw().type == TokenType::kTemplateSeqEnd) ++p_;
    return false;
  }

  static void TrimRight(std::string& s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
      s.pop_back();
  }
  static void TrimLeft(std::string& s) {
    std::size_t n = 0;
    while (n < s.size() && (s[n] == ' ' || s[n] == '\t' || s[n] == '\n' || s[n] == '\r')) ++n;
    s.erase(0, n);
  }

  ExprPtr BuildTemplate(std::vector<TemplateItem>& items, const Range& range) {
    // Join literal runs (heredoc lines were kept apart for <<- unindenting).
    std::vector<TemplateItem> merged;
    for (TemplateItem& it : items) {
      if (it.kind == TemplateItem::kLiteral && !merged.empty() &&
          merged.back().kind == TemplateItem::kLiteral) {
        merged.back().text += it.text;
        merged.back().range = RangeBetween(merged.back().range, it.range);
        continue;
      }
      merged.push_back(std::move(it));
    }
    items = std::move(merged);
    // Strip markers.
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].kind == TemplateItem::kLiteral) continue;
      if (items[i].strip_before && i > 0 && items[i - 1].kind == TemplateItem::kLiteral)
        TrimRight(items[i - 1].text);
      if (items[i].strip_after && i + 1 < items.size() &&
          items[i + 1].kind == TemplateItem::kLiteral)
        TrimLeft(items[i + 1].text);
    }
    // "${x}" alone keeps x's own value.
    if (items.size() == 1 && items[0].kind == TemplateItem::kInterp) {
      auto w = Make<TemplateWrapExpr>(range);
      w->wrapped = items[0].expr;
      return w;
    }
    std::size_t pos = 0;
    auto tmpl = BuildParts(items, pos, range, TemplateItem::kLiteral);
    while (pos < items.size()) {  // stray else/endif/endfor
      Err(items[pos].range, "Unexpected template directive",
          "This directive has no matching opening \"if\" or \"for\".");
      ++pos;
      auto rest = BuildParts(items, pos, range, TemplateItem::kLiteral);
      (void)rest;
    }
    tmpl->range_ = range;
    return tmpl;
  }

  // Builds a TemplateExpr from items[pos..] up to (not consuming) a closer.
  std::shared_ptr<TemplateExpr> BuildParts(std::vector<TemplateItem>& items, std::size_t& pos,
                                           const Range& range, TemplateItem::Kind /*unused*/) {
    auto t = Make<TemplateExpr>(range);
    while (pos < items.size()) {
      TemplateItem& it = items[pos];
      switch (it.kind) {
        case TemplateItem::kLiteral:
          if (!it.text.empty()) t->parts.push_back(MakeLiteral(Value::String(it.text), it.range));
          ++pos;
          break;
        case TemplateItem::kInterp:
          t->parts.push_back(it.expr);
          ++pos;
          break;
        case TemplateItem::kIf: {
          Range if_range = it.range;
          ExprPtr cond = it.expr;
          ++pos;
          auto then_part = BuildParts(items, pos, if_range, TemplateItem::kIf);
          std::shared_ptr<TemplateExpr> else_part = Make<TemplateExpr>(if_range);
          if (pos < items.size() && items[pos].kind == TemplateItem::kElse) {
            ++pos;
            else_part = BuildParts(items, pos, if_range, TemplateItem::kIf);
          }
          Range end_range = if_range;
          if (pos < items.size() && items[pos].kind == TemplateItem::kEndIf) {
            end_range = items[pos].range;
            ++pos;
          } else {
            Err(if_range, "Unterminated template if directive",
                "There is no corresponding %{ endif } for this %{ if } directive.");
          }
          auto c = Make<ConditionalExpr>(RangeBetween(if_range, end_range));
          c->condition = cond ? cond : MakeLiteral(Value::Unknown(), if_range);
          c->true_result = then_part;
          c->false_result = else_part;
          t->parts.push_back(c);
          break;
        }
        case TemplateItem::kFor: {
          TemplateItem header = it;
          ++pos;
          auto body = BuildParts(items, pos, header.range, TemplateItem::kFor);
          Range end_range = header.range;
          if (pos < items.size() && items[pos].kind == TemplateItem::kEndFor) {
            end_range = items[pos].range;
            ++pos;
          } else {
            Err(header.range, "Unterminated template for directive",
                "There is no corresponding %{ endfor } for this %{ for } directive.");
          }
          auto f = Make<ForExpr>(RangeBetween(header.range, end_range));
          f->key_var = header.key_var;
          f->val_var = header.val_var;
          f->collection = header.expr ? header.expr : MakeLiteral(Value::Unknown(), header.range);
          f->val_expr = body;
          f->open_range = header.range;
          f->close_range = end_range;
          auto j = Make<TemplateJoinExpr>(f->range());
          j->tuple = f;
          t->parts.push_back(j);
          break;
        }
        case TemplateItem::kElse:
        case TemplateItem::kEndIf:
        case TemplateItem::kEndFor:
          return t;
      }
    }
    return t;
  }

  // Bare template: everything until EOF.
  ExprPtr ParseBareTemplate(const Range& range) {
    PushNewlines(false);
    std::vector<TemplateItem> items;
    ParseTemplateItems(items, TokenType::kEOF, /*quoted=*/false);
    PopNewlines();
    if (items.empty()) return MakeLiteral(Value::String(""), range);
    return BuildTemplate(items, range);
  }

  std::size_t p_ = 0;
  Tokens toks_;

 private:
  Diagnostics& diags_;
  std::vector<bool> nl_ignore_;
  bool one_line_ = false;
};

}  // namespace

std::string DecodeQuotedLiteral(std::string_view bytes, const Range& range, Diagnostics& diags) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if ((c == '$' || c == '%') && i + 2 < bytes.size() && bytes[i + 1] == c &&
        bytes[i + 2] == '{') {
      out += c;
      out += '{';
      i += 2;
      continue;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= bytes.size()) {
      diags.push_back(ErrorAt(range, "Invalid escape sequence",
                              "The symbol \"\\\" must be followed by an escape sequence."));
      break;
    }
    char e = bytes[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u':
      case 'U': {
        std::size_t len = e == 'u' ? 4 : 8;
        std::uint32_t cp = 0;
        bool ok = i + len < bytes.size();
        for (std::size_t k = 1; ok && k <= len; ++k) {
          char h = bytes[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= h - '0';
          else if (h >= 'a' && h <= 'f') cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F') cp |= h - 'A' + 10;
          else ok = false;
        }
        if (!ok || cp > 0x10FFFF) {
          diags.push_back(ErrorAt(range, "Invalid escape sequence",
                                  fmt::format("The \\{} escape must be followed by {} hexadecimal "
                                              "digits.",
                                              e, len)));
          break;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {  // UTF-16 halves are not characters
          diags.push_back(ErrorAt(range, "Invalid escape sequence",
                                  fmt::format("\\{}{:04X} is a UTF-16 surrogate, which UTF-8 cannot encode; "
                                              "write the character itself, or \\U and its code point.",
                                              e, cp)));
          i += len;
          break;
        }
        AppendUtf8(out, cp);
        i += len;
        break;
      }
      default:
        diags.push_back(ErrorAt(
            range, "Invalid escape sequence",
            fmt::format("The symbol \"{}\" is not a valid escape sequence selector.", e)));
        out += e;
    }
  }
  return out;
}

namespace {
// Lexer and parser diagnostics come out in two passes; report them in file order.
void SortByPosition(Diagnostics& diags, std::size_t from) {
  std::stable_sort(diags.begin() + static_cast<std::ptrdiff_t>(from), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     int ab = a.where ? a.where->start.byte : 0;
                     int bb = b.where ? b.where->start.byte : 0;
                     return ab < bb;
                   });
}
}  // namespace

File ParseConfig(std::string_view src, const std::string& filename, Diagnostics& diags) {
  std::size_t first_new = diags.size();
  File file;
  file.filename = filename;
  file.bytes = std::string(src);
  file.tokens = LexConfig(src, filename, diags);
  Parser parser(file.tokens, diags);
  auto body = parser.ParseBody(TokenType::kEOF);
  body->range = Range{filename, Pos{}, parser.toks_.back().range.end};
  file.native = body;
  file.body = body;
  SortByPosition(diags, first_new);
  return file;
}

File ParseSource(std::string_view src, const std::string& filename, Diagnostics& diags) {
  if (filename.size() >= 5 && filename.compare(filename.size() - 5, 5, ".json") == 0)
    return ParseJSON(src, filename, diags);
  return ParseConfig(src, filename, diags);
}

File ParseFile(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.push_back(kiln::MakeError(
        "Failed to read file", fmt::format("The configuration file \"{}\" could not be read.", path)));
    File f;
    f.filename = path;
    auto body = std::make_shared<NativeBody>();
    body->range = Range{path, {}, {}};
    body->end_range = body->range;
    f.native = body;
    f.body = body;
    return f;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseSource(ss.str(), path, diags);
}

ExprPtr ParseExpression(std::string_view src, const std::string& filename, Diagnostics& diags,
                        Pos start) {
  Diagnostics lex_diags;
  Tokens toks;
  {
    // Lex as config, then shift positions to `start`.
    toks = LexConfig(src, filename, lex_diags);
  }
  auto shift = [&](Pos& p) {
    if (p.line == 1) p.column += start.column - 1;
    p.line += start.line - 1;
    p.byte += start.byte;
  };
  for (Token& t : toks) {
    shift(t.range.start);
    shift(t.range.end);
  }
  for (Diagnostic& d : lex_diags) {
    if (d.where) {
      shift(d.where->start);
      shift(d.where->end);
    }
    diags.push_back(std::move(d));
  }
  Parser parser(std::move(toks), diags);
  parser.PushNewlines(true);
  ExprPtr e = parser.ParseExpression();
  const Token& t = parser.Peek();
  if (t.type != TokenType::kEOF) {
    parser.Err(t.range, "Extra characters after expression",
               "An expression was successfully parsed, but extra characters were found after "
               "it.");
  }
  return e;
}

ExprPtr ParseTemplate(std::string_view src, const std::string& filename, Diagnostics& diags,
                      Pos start) {
  Tokens toks = LexTemplate(src, filename, start, diags);
  Range range{filename, start, toks.back().range.end};
  Parser parser(std::move(toks), diags);
  return parser.ParseBareTemplate(range);
}

std::optional<Traversal> ParseTraversalAbs(std::string_view src, const std::string& filename,
                                           Diagnostics& diags, Pos start) {
  Diagnostics local;
  ExprPtr e = ParseExpression(src, filename, local, start);
  bool failed = HasErrors(local);
  for (Diagnostic& d : local) diags.push_back(std::move(d));
  if (failed) return std::nullopt;
  if (e->kind() != ExprKind::kScopeTraversal) {
    diags.push_back(ErrorAt(e->range(), "Invalid traversal",
                            "A single static variable reference is required: only attribute "
                            "access and indexing with constant keys."));
    return std::nullopt;
  }
  return static_cast<const ScopeTraversalExpr*>(e.get())->traversal;
}

}  // namespace kiln::hcl
