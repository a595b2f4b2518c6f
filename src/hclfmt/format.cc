#include "hclfmt/format.h"

#include <vector>

#include "hcl/lexer.h"
#include "hcl/parser.h"

namespace kiln::hclfmt {
namespace {

using hcl::Token;
using hcl::TokenType;

struct Tok {
  const Token* token;
  int spaces = 0;
};

// One output line: `lead` up to an aligned '=', `assign` from it, and a
// trailing comment.
struct Line {
  std::vector<Tok> lead, assign, comment;
  int indent = 0;
};

int BracketChange(TokenType t) {
  switch (t) {
    case TokenType::kOBrace:
    case TokenType::kOBrack:
    case TokenType::kOParen:
    case TokenType::kTemplateInterp:
    case TokenType::kTemplateControl:
      return 1;
    case TokenType::kCBrace:
    case TokenType::kCBrack:
    case TokenType::kCParen:
    case TokenType::kTemplateSeqEnd:
      return -1;
    default:
      return 0;
  }
}

bool IsTemplateText(TokenType t) {
  return t == TokenType::kQuotedLit || t == TokenType::kStringLit;
}

// Whether one space goes between `subject` and `after` (`before` precedes
// subject; null at the line's start).
bool SpaceAfter(const Token* before, const Token& subject, const Token* after) {
  if (!after || after->type == TokenType::kNewline || after->type == TokenType::kEOF) return false;
  TokenType s = subject.type, a = after->type;
  if (s == TokenType::kIdent && a == TokenType::kOParen) return false;  // f(x)
  if (s == TokenType::kDot || a == TokenType::kDot) return false;       // a.b
  if (a == TokenType::kComma || a == TokenType::kEllipsis) return false;
  if (s == TokenType::kComma) return true;
  if (IsTemplateText(s) || s == TokenType::kOQuote || s == TokenType::kOHeredoc || IsTemplateText(a) ||
      a == TokenType::kCQuote || a == TokenType::kCHeredoc)
    return false;  // template text is kept as written
  if (s == TokenType::kIdent && subject.bytes == "in" && before && before->type == TokenType::kIdent) return true;
  if (a == TokenType::kOBrack && (s == TokenType::kIdent || s == TokenType::kNumberLit || BracketChange(s) < 0))
    return false;  // a[0], f(x)[0]
  if (s == TokenType::kMinus) {
    // Negation sticks to its operand; subtraction is spaced.
    if (!before) return false;
    switch (before->type) {
      case TokenType::kOParen: case TokenType::kOBrace: case TokenType::kOBrack: case TokenType::kEqual:
      case TokenType::kColon: case TokenType::kComma: case TokenType::kQuestion: case TokenType::kPlus:
      case TokenType::kStar: case TokenType::kSlash: case TokenType::kPercent: case TokenType::kMinus:
      case TokenType::kEqualOp: case TokenType::kNotEqual: case TokenType::kGreaterThan:
      case TokenType::kGreaterThanEq: case TokenType::kLessThan: case TokenType::kLessThanEq: case TokenType::kAnd:
      case TokenType::kOr: case TokenType::kBang: case TokenType::kTemplateInterp: case TokenType::kTemplateControl:
      case TokenType::kFatArrow:
        return false;
      default:
        return true;
    }
  }
  if (s == TokenType::kOBrace || a == TokenType::kCBrace) return !(s == TokenType::kOBrace && a == TokenType::kCBrace);
  if ((s == TokenType::kTemplateInterp || s == TokenType::kTemplateControl) && a == TokenType::kOBrace) return true;
  if (s == TokenType::kCBrace && a == TokenType::kTemplateSeqEnd) return true;
  if (s == TokenType::kTemplateSeqEnd && (a == TokenType::kTemplateInterp || a == TokenType::kTemplateControl))
    return false;
  if (BracketChange(s) > 0) return false;
  if (BracketChange(a) < 0) return false;
  return true;
}

bool EndsLine(const Token& t) {
  return t.type == TokenType::kNewline || (t.type == TokenType::kComment && !t.bytes.empty() && t.bytes.back() == '\n');
}

std::size_t Width(std::string_view bytes) {
  std::size_t n = 0;
  for (unsigned char c : bytes)
    if ((c & 0xC0) != 0x80) ++n;  // count characters, not UTF-8 continuation bytes
  return n;
}

std::size_t Columns(const std::vector<Tok>& cell) {
  std::size_t n = 0;
  for (const Tok& t : cell) n += static_cast<std::size_t>(t.spaces) + Width(t.token->bytes);
  return n;
}

}  // namespace

Result<std::string> Format(std::string_view src, const std::string& filename) {
  hcl::Diagnostics diags;
  hcl::File file = hcl::ParseConfig(src, filename, diags);
  for (const Error& e : diags)
    if (!e.warning) return std::unexpected(e);

  // Lines of tokens.
  std::vector<Line> lines(1);
  for (const Token& t : file.tokens) {
    if (t.type == TokenType::kEOF) break;
    lines.back().lead.push_back(Tok{&t});
    if (EndsLine(t)) lines.emplace_back();
  }
  if (lines.back().lead.empty()) lines.pop_back();

  // Split off trailing comments and assignments whose value ends on the line.
  for (Line& line : lines) {
    std::vector<Tok>& lead = line.lead;
    std::size_t n = lead.size();
    if (n > 0 && lead[n - 1].token->type == TokenType::kNewline) --n;  // the newline stays last
    if (n > 1 && lead[n - 1].token->type == TokenType::kComment) {
      line.comment.assign(lead.begin() + static_cast<long>(n - 1), lead.end());
      lead.erase(lead.begin() + static_cast<long>(n - 1), lead.end());
    }
    for (std::size_t i = 1; i < lead.size(); ++i) {
      if (lead[i].token->type != TokenType::kEqual) continue;
      int net = 0;
      for (std::size_t k = i; k < lead.size(); ++k) {
        net += BracketChange(lead[k].token->type);
        if (lead[k].token->type == TokenType::kOHeredoc) break;
      }
      if (net == 0) {
        line.assign.assign(lead.begin() + static_cast<long>(i), lead.end());
        lead.erase(lead.begin() + static_cast<long>(i), lead.end());
      }
      break;
    }
  }

  // Indentation by bracket nesting.
  std::vector<int> indents;
  for (Line& line : lines) {
    if (line.lead.empty()) continue;
    if (line.lead.front().token->type == TokenType::kNewline) continue;
    int net = 0;
    for (const std::vector<Tok>* cell : {&line.lead, &line.assign})
      for (const Tok& t : *cell) {
        net += BracketChange(t.token->type);
        if (t.token->type == TokenType::kOHeredoc) break;
      }
    if (net < 0) {
      int closed = -net;
      while (closed > 0 && !indents.empty()) {
        if (closed > indents.back()) {
          closed -= indents.back();
          indents.pop_back();
        } else if (closed < indents.back()) {
          indents.back() -= closed;
          closed = 0;
        } else {
          indents.pop_back();
          closed = 0;
        }
      }
    }
    line.indent = 2 * static_cast<int>(indents.size());
    if (net > 0) indents.push_back(net);
  }

  // Spaces between tokens: over the whole line, lead then assign then comment.
  for (Line& line : lines) {
    std::vector<Tok*> all;
    for (std::vector<Tok>* cell : {&line.lead, &line.assign, &line.comment})
      for (Tok& t : *cell) all.push_back(&t);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (i == 0) {
        all[i]->spaces = all[i]->token->type == TokenType::kNewline ? 0 : line.indent;
        continue;
      }
      // A heredoc's lines and closing marker are kept exactly.
      const Token* before = i >= 2 ? all[i - 2]->token : nullptr;
      all[i]->spaces = SpaceAfter(before, *all[i - 1]->token, all[i]->token) ? 1 : 0;
    }
    if (!line.comment.empty() && !(line.lead.empty() && line.assign.empty())) line.comment.front().spaces = 1;
  }

  // Align '=' across runs of lines with assignments, then trailing comments.
  auto align = [&](auto has, auto width, auto first) {
    std::size_t start = 0;
    while (start < lines.size()) {
      if (!has(lines[start])) {
        ++start;
        continue;
      }
      std::size_t end = start, widest = 0;
      while (end < lines.size() && has(lines[end])) widest = std::max(widest, width(lines[end])), ++end;
      for (std::size_t i = start; i < end; ++i) first(lines[i]).spaces = static_cast<int>(widest - width(lines[i]) + 1);
      start = end;
    }
  };
  align([](const Line& l) { return !l.assign.empty(); }, [](const Line& l) { return Columns(l.lead); },
        [](Line& l) -> Tok& { return l.assign.front(); });
  align([](const Line& l) { return !l.comment.empty() && !(l.lead.empty() && l.assign.empty()); },
        [](const Line& l) { return Columns(l.lead) + Columns(l.assign); },
        [](Line& l) -> Tok& { return l.comment.front(); });

  std::string out;
  out.reserve(src.size() + src.size() / 8);
  for (const Line& line : lines)
    for (const std::vector<Tok>* cell : {&line.lead, &line.assign, &line.comment})
      for (const Tok& t : *cell) {
        out.append(static_cast<std::size_t>(t.spaces), ' ');
        out += t.token->bytes;
      }
  return out;
}

}  // namespace kiln::hclfmt
