#include "interpolate/engine.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <span>

#include "interpolate/functions.h"
#include "interpolate/go_fmt.h"
#include "interpolate/lexer.h"
#include "interpolate/parser.h"
#include "interpolate/value.h"

namespace kiln::interpolate {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

// The declared type of argument `i` of `f` ('s', 'i' or 'a').
char ParamType(const Function& f, size_t i) {
  return f.params[std::min(i, f.params.size() - 1)];
}

std::optional<Error> CheckArity(std::string_view src, const Function& f,
                                const Operand& fn, size_t got) {
  size_t want = f.min_args();
  if (f.variadic ? got >= want : got == want) return std::nullopt;
  return ErrorAt(src, fn.pos, fn.end,
                 fmt::format("wrong number of args for {}: want {}{} got {}",
                             f.name, f.variadic ? "at least " : "", want, got));
}

// Finds what cannot be rendered yet: calls to `build` before the build ran,
// and data fields before the data is known.
struct DeferScan {
  bool no_build, no_data;

  bool Uses(const Operand& op, bool dot_is_data) const {
    switch (op.kind) {
      case Operand::Kind::kFunction:
        return no_build && op.text == "build";
      case Operand::Kind::kField:
      case Operand::Kind::kDot:
        return no_data && dot_is_data;
      case Operand::Kind::kPipeline:
        return Uses(*op.pipeline, dot_is_data);
      default:
        return false;
    }
  }
  bool Uses(const Pipeline& p, bool dot_is_data) const {
    for (const Command& c : p.commands)
      for (const Operand& op : c.args)
        if (Uses(op, dot_is_data)) return true;
    return false;
  }
  bool Uses(const NodeList& list, bool dot_is_data) const {
    for (const Node& n : list)
      if (Uses(n, dot_is_data)) return true;
    return false;
  }
  bool Uses(const Node& n, bool dot_is_data) const {
    if (n.kind == Node::Kind::kText || n.kind == Node::Kind::kComment)
      return false;
    // Inside {{with}}, "." is the with value rather than the data.
    bool body_dot = n.kind == Node::Kind::kWith ? false : dot_is_data;
    return Uses(n.pipeline, dot_is_data) || Uses(n.body, body_dot) ||
           Uses(n.else_body, dot_is_data);
  }
};

class Evaluator {
 public:
  Evaluator(std::string_view src, const Context& ctx) : src_(src), ctx_(ctx) {}

  // Appends the rendering of `nodes` to `out`. At the top level, actions
  // that need what the context lacks are copied verbatim instead.
  Result<void> RenderList(const NodeList& nodes, const Value& dot,
                          std::string& out, bool top_level) {
    DeferScan scan{!ctx_.build_values && ctx_.build_allowed, !ctx_.data};
    std::vector<bool> deferred(nodes.size());
    for (size_t i = 0; top_level && i < nodes.size(); ++i)
      deferred[i] = scan.Uses(nodes[i], true);
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      if (n.kind == Node::Kind::kText) {
        // A deferred neighbour keeps its trim marker, so its whitespace stays.
        std::string_view text = n.text;
        if (n.trim_left && !(i > 0 && deferred[i - 1]))
          text.remove_prefix(
              std::min(text.find_first_not_of(kSpace), text.size()));
        if (n.trim_right && !(i + 1 < nodes.size() && deferred[i + 1]))
          text = text.substr(0, text.find_last_not_of(kSpace) + 1);
        out += text;
        continue;
      }
      if (n.kind == Node::Kind::kComment) continue;
      if (deferred[i]) {
        if (auto e = CheckBuildKeys(n)) return std::unexpected(*e);
        out += src_.substr(n.begin, n.end - n.begin);
        continue;
      }
      auto v = EvalPipeline(n.pipeline, dot);
      if (!v) return std::unexpected(v.error());
      Result<void> r;
      if (n.kind == Node::Kind::kAction)
        out += std::holds_alternative<std::monostate>(*v) ? "<no value>"
                                                          : FormatValue(*v);
      else if (n.kind == Node::Kind::kWith && Truth(*v))
        r = RenderList(n.body, *v, out, false);
      else
        r = RenderList(Truth(*v) ? n.body : n.else_body, dot, out, false);
      if (!r) return r;
      if (out.size() > kMaxStringBytes)
        return std::unexpected(ErrorAt(
            src_, n.begin, n.end,
            fmt::format("the rendered text would be longer than {} MiB",
                        kMaxStringBytes >> 20)));
    }
    return {};
  }

 private:
  // A deferred {{build `Key`}} is still checked now, so that a typo fails
  // validation instead of the build.
  std::optional<Error> CheckBuildKeys(const Node& n) const {
    if (ctx_.build_keys.empty()) return std::nullopt;
    std::optional<Error> found;
    auto check_pipeline = [&](const Pipeline& p, auto& self) -> void {
      for (const Command& c : p.commands) {
        const Operand& head = c.args[0];
        if (head.kind == Operand::Kind::kFunction && head.text == "build" && c.args.size() > 1 &&
            c.args[1].kind == Operand::Kind::kString &&
            std::ranges::find(ctx_.build_keys, c.args[1].text) == ctx_.build_keys.end() && !found)
          found = ErrorAt(src_, c.args[1].pos, c.args[1].end,
                          fmt::format("unknown build value '{}'", c.args[1].text),
                          fmt::format("this build offers: {}", fmt::join(ctx_.build_keys, ", ")));
        for (const Operand& op : c.args)
          if (op.kind == Operand::Kind::kPipeline) self(*op.pipeline, self);
      }
    };
    auto walk = [&](const Node& node, auto& self) -> void {
      check_pipeline(node.pipeline, check_pipeline);
      for (const Node& b : node.body) self(b, self);
      for (const Node& b : node.else_body) self(b, self);
    };
    walk(n, walk);
    return found;
  }

  std::unexpected<Error> Fail(const Operand& at, std::string summary,
                              std::string detail = {}) const {
    return std::unexpected(
        ErrorAt(src_, at.pos, at.end, std::move(summary), std::move(detail)));
  }
  std::string_view Source(const Operand& op) const {
    return src_.substr(op.pos, op.end - op.pos);
  }

  Result<Value> EvalPipeline(const Pipeline& p, const Value& dot) {
    std::optional<Value> piped;
    for (const Command& c : p.commands) {
      auto v = EvalCommand(c, dot, piped);
      if (!v) return v;
      piped = std::move(*v);
    }
    return *piped;
  }

  Result<Value> EvalCommand(const Command& c, const Value& dot,
                            const std::optional<Value>& piped) {
    const Operand& head = c.args[0];
    if (head.kind == Operand::Kind::kFunction)
      return EvalFunction(head, std::span(c.args).subspan(1), dot, piped);
    if (c.args.size() > 1 || piped)
      return Fail(head, fmt::format("can't give argument to non-function {}",
                                    Source(head)));
    if (head.kind == Operand::Kind::kNil)
      return Fail(head, "nil is not a command");
    return EvalArg(head, 'a', dot);
  }

  Result<Value> EvalFunction(const Operand& fn, std::span<const Operand> args,
                             const Value& dot,
                             const std::optional<Value>& piped) {
    const Function& f = *FindFunction(fn.text);  // the parser checked it exists
    if (auto e = CheckArity(src_, f, fn, args.size() + (piped ? 1 : 0)))
      return std::unexpected(*e);
    std::vector<Value> values;
    for (size_t i = 0; i < args.size(); ++i) {
      auto v = EvalArg(args[i], ParamType(f, i), dot);
      if (!v) return v;
      values.push_back(std::move(*v));
    }
    if (piped) {
      auto v = CheckType(*piped, ParamType(f, args.size()), fn);
      if (!v) return v;
      values.push_back(std::move(*v));
    }
    auto result = f.call(values, ctx_);
    if (const auto* s = result ? std::get_if<std::string>(&*result) : nullptr;
        s && s->size() > kMaxStringBytes)
      result = std::unexpected(fmt::format(
          "the result would be longer than {} MiB", kMaxStringBytes >> 20));
    if (!result)
      return Fail(fn,
                  fmt::format("error calling {}: {}", f.name, result.error()));
    return std::move(*result);
  }

  // Evaluates one argument as Go does for a parameter of type `type`.
  Result<Value> EvalArg(const Operand& op, char type, const Value& dot) {
    auto expected = [&] {
      return Fail(op,
                  fmt::format("expected {}; found {}",
                              type == 's' ? "string" : "integer", Source(op)));
    };
    switch (op.kind) {
      case Operand::Kind::kString:
        if (type == 'i') return expected();
        return op.text;
      case Operand::Kind::kNumber:
        if (type == 's' || (type == 'i' && !op.is_int)) return expected();
        if (type == 'a' && op.is_float) return op.float_value;
        return op.int_value;
      case Operand::Kind::kBool:
        if (type != 'a') return expected();
        return op.bool_value;
      case Operand::Kind::kNil:
        if (type != 'a')
          return Fail(op, fmt::format("cannot assign nil to {}",
                                      type == 's' ? "string" : "int"));
        return Value();
      case Operand::Kind::kFunction: {
        auto v = EvalFunction(op, {}, dot, std::nullopt);
        return v ? CheckType(*v, type, op) : v;
      }
      case Operand::Kind::kPipeline: {
        auto v = EvalPipeline(*op.pipeline, dot);
        return v ? CheckType(*v, type, op) : v;
      }
      case Operand::Kind::kDot:
        return CheckType(dot, type, op);
      case Operand::Kind::kField:
        break;
    }
    Value cur = dot;
    for (size_t start = 0; start <= op.text.size();) {
      size_t stop = std::min(op.text.find('.', start), op.text.size());
      std::string name = op.text.substr(start, stop - start);
      start = stop + 1;
      auto* map = std::get_if<const DataMap*>(&cur);
      if (!map)
        return Fail(op, fmt::format("can't evaluate field {} in type {}", name,
                                    TypeName(cur)));
      auto it = (*map)->find(name);
      if (it == (*map)->end()) {
        std::vector<std::string> known;
        for (const auto& [k, v] : **map) known.push_back("." + k);
        return Fail(op, fmt::format("unknown data field .{}", name),
                    known.empty() ? "no data fields are available here"
                                  : fmt::format("available here: {}",
                                                fmt::join(known, ", ")));
      }
      cur = it->second;
    }
    return CheckType(cur, type, op);
  }

  Result<Value> CheckType(Value v, char type, const Operand& at) const {
    bool ok = type == 'a' ||
              (type == 's' && std::holds_alternative<std::string>(v)) ||
              (type == 'i' && std::holds_alternative<int64_t>(v));
    if (!ok)
      return Fail(at, fmt::format("wrong type for value; expected {}; got {}",
                                  type == 's' ? "string" : "int", TypeName(v)));
    return v;
  }

  std::string_view src_;
  const Context& ctx_;
};

// Check(): argument counts of every call, including "x | f" and "(f)".
std::optional<Error> CheckPipeline(std::string_view src, const Pipeline& p) {
  for (size_t stage = 0; stage < p.commands.size(); ++stage) {
    const std::vector<Operand>& args = p.commands[stage].args;
    for (size_t i = 0; i < args.size(); ++i) {
      const Operand& op = args[i];
      std::optional<Error> e;
      if (op.kind == Operand::Kind::kFunction)
        e = CheckArity(src, *FindFunction(op.text), op,
                       i == 0 ? args.size() - 1 + (stage > 0) : 0);
      else if (op.kind == Operand::Kind::kPipeline)
        e = CheckPipeline(src, *op.pipeline);
      if (e) return e;
    }
  }
  return std::nullopt;
}

std::optional<Error> CheckList(std::string_view src, const NodeList& nodes) {
  for (const Node& n : nodes) {
    if (n.kind == Node::Kind::kText || n.kind == Node::Kind::kComment) continue;
    if (auto e = CheckPipeline(src, n.pipeline)) return e;
    if (auto e = CheckList(src, n.body)) return e;
    if (auto e = CheckList(src, n.else_body)) return e;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> Render(std::string_view text, const Context& ctx) {
  if (!HasActions(text)) return std::string(text);
  auto nodes = Parse(text);
  if (!nodes) return std::unexpected(nodes.error());
  Value dot = ctx.data ? Value(&*ctx.data) : Value();
  std::string out;
  Evaluator evaluator(text, ctx);
  if (auto r = evaluator.RenderList(*nodes, dot, out, /*top_level=*/true); !r)
    return std::unexpected(r.error());
  return out;
}

std::optional<Error> Check(std::string_view text) {
  if (!HasActions(text)) return std::nullopt;
  auto nodes = Parse(text);
  if (!nodes) return nodes.error();
  return CheckList(text, *nodes);
}

}  // namespace kiln::interpolate
