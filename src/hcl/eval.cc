#include "hcl/eval.h"

#include <algorithm>

#include <fmt/format.h>

#include "hcl/convert.h"
#include "hcl/suggest.h"
#include "hcl/parser.h"

namespace kiln::hcl {

// ---------------------------------------------------------------------------
// Scope

EvalContext EvalContext::NewChild() const {
  EvalContext c;
  c.parent_ = this;
  return c;
}

const Value* EvalContext::LookupVariable(const std::string& name) const {
  for (const EvalContext* c = this; c; c = c->parent_) {
    auto it = c->variables.find(name);
    if (it != c->variables.end()) return &it->second;
  }
  return nullptr;
}

const Function* EvalContext::LookupFunction(const std::string& name) const {
  for (const EvalContext* c = this; c; c = c->parent_) {
    auto it = c->functions.find(name);
    if (it != c->functions.end()) return &it->second;
  }
  return nullptr;
}

namespace {

bool AnyFunctions(const EvalContext* ctx) {
  for (const EvalContext* c = ctx; c; c = c->parent())
    if (!c->functions.empty()) return true;
  return false;
}

std::vector<std::string> VariableNames(const EvalContext* ctx) {
  std::vector<std::string> out;
  for (const EvalContext* c = ctx; c; c = c->parent())
    for (const auto& [k, v] : c->variables) out.push_back(k);
  return out;
}

// " Did you mean "x"?" for the closest name, or nothing.
std::string Suggestion(const std::string& given, const std::vector<std::string>& names) {
  std::string best = Suggest(given, names);
  return best.empty() ? "" : fmt::format(" Did you mean \"{}\"?", best);
}

// Whether evaluation of a subexpression produced errors.
struct DiagMark {
  explicit DiagMark(const Diagnostics& d) : diags(d), before(d.size()) {}
  bool Failed() const {
    for (std::size_t i = before; i < diags.size(); ++i)
      if (!diags[i].warning) return true;
    return false;
  }
  const Diagnostics& diags;
  std::size_t before;
};

std::string TypeName(const Value& v) { return v.type().FriendlyName(); }

}  // namespace

// ---------------------------------------------------------------------------
// Simple nodes

Value LiteralExpr::Evaluate(const EvalContext*, Diagnostics&) const { return value; }

Value ParenthesesExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  return source->Evaluate(ctx, diags);
}

Value TemplateWrapExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  return wrapped->Evaluate(ctx, diags);
}

Value TemplateExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  std::string out;
  bool known = true, sensitive = false;
  for (const ExprPtr& part : parts) {
    DiagMark mark(diags);
    Value v = part->Evaluate(ctx, diags);
    if (mark.Failed()) {
      known = false;
      continue;
    }
    sensitive |= v.HasSensitiveDeep();
    if (v.is_null() && v.is_known()) {
      diags.push_back(ErrorAt(part->range(), "Invalid template interpolation value",
                              "The expression result is null. Cannot include a null value in a "
                              "string template."));
      known = false;
      continue;
    }
    if (!v.is_known()) {
      known = false;
      continue;
    }
    auto s = Convert(v.Unmarked(), Type::String());
    if (!s) {
      diags.push_back(ErrorAt(part->range(), "Invalid template interpolation value",
                              fmt::format("Cannot include the given value in a string template: "
                                          "{}.",
                                          s.error().Describe())));
      known = false;
      continue;
    }
    if (!s->is_known()) {
      known = false;
      continue;
    }
    out += s->AsString();
  }
  if (!known) return Value::Unknown(Type::String()).Marked(sensitive);
  return Value::String(std::move(out)).Marked(sensitive);
}

Value TemplateJoinExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  Value t = tuple->Evaluate(ctx, diags);
  if (!t.is_known()) return Value::Unknown(Type::String()).Marked(t.sensitive());
  std::string out;
  bool sensitive = t.sensitive();
  for (const Value& e : t.Elements()) {
    if (!e.is_known()) return Value::Unknown(Type::String()).Marked(sensitive);
    if (e.is_null()) {
      diags.push_back(ErrorAt(tuple->range(), "Invalid template interpolation value",
                              "An iteration result is null. Cannot include a null value in a "
                              "string template."));
      return Value::Unknown(Type::String());
    }
    sensitive |= e.sensitive();
    auto s = Convert(e.Unmarked(), Type::String());
    if (!s) {
      diags.push_back(ErrorAt(tuple->range(), "Invalid template interpolation value",
                              fmt::format("An iteration result is not a string: {}.",
                                          s.error().Describe())));
      return Value::Unknown(Type::String());
    }
    out += s->AsString();
  }
  return Value::String(std::move(out)).Marked(sensitive);
}

Value ScopeTraversalExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  const TraverseStep& root = traversal.front();
  if (!ctx) {
    diags.push_back(ErrorAt(root.range, "Variables not allowed",
                            "Variables may not be used here."));
    return Value::Unknown();
  }
  const Value* v = ctx->LookupVariable(root.name);
  if (!v) {
    diags.push_back(ErrorAt(root.range, "Unknown variable",
                            fmt::format("There is no variable named \"{}\".{}", root.name,
                                        Suggestion(root.name, VariableNames(ctx)))));
    return Value::Unknown();
  }
  return ApplyTraversal(*v, traversal, 1, diags);
}

Value RelativeTraversalExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value src = source->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  return ApplyTraversal(src, traversal, 0, diags);
}

Value IndexExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value coll = collection->Evaluate(ctx, diags);
  Value k = key->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  return IndexValue(coll, k, bracket_range, diags);
}

Value TupleConsExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  std::vector<Value> vals;
  vals.reserve(exprs.size());
  for (const ExprPtr& e : exprs) vals.push_back(e->Evaluate(ctx, diags));
  return Value::Tuple(std::move(vals));
}

Value ObjectConsKeyExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  if (auto kw = AsKeyword()) return Value::String(*kw);
  return wrapped->Evaluate(ctx, diags);
}

Value ObjectConsExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  std::map<std::string, Value> attrs;
  bool known = true, sensitive = false;
  for (const Item& it : items) {
    DiagMark mark(diags);
    Value k = it.key->Evaluate(ctx, diags);
    Value v = it.value->Evaluate(ctx, diags);
    if (mark.Failed()) {
      known = false;
      continue;
    }
    if (k.is_null() && k.is_known()) {
      diags.push_back(ErrorAt(it.key->range(), "Null value as key",
                              "Can't use a null value as a key."));
      known = false;
      continue;
    }
    auto ks = Convert(k, Type::String());
    if (!ks) {
      diags.push_back(ErrorAt(it.key->range(), "Incorrect key type",
                              fmt::format("Can't use this value as a key: {}.",
                                          ks.error().Describe())));
      known = false;
      continue;
    }
    if (!ks->is_known()) {
      known = false;
      continue;
    }
    sensitive |= ks->sensitive();
    attrs[ks->AsString()] = v;
  }
  if (!known) return Value::Unknown().Marked(sensitive);
  return Value::Object(std::move(attrs)).Marked(sensitive);
}

Value ConditionalExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value c = condition->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  // Both results are evaluated for their types; only the chosen one's errors count.
  Diagnostics true_diags, false_diags;
  Value t = true_result->Evaluate(ctx, true_diags);
  Value f = false_result->Evaluate(ctx, false_diags);
  bool ok = true;
  Type unified = UnifyTypes({t.type(), f.type()}, &ok);
  if (!ok && !HasErrors(true_diags) && !HasErrors(false_diags)) {
    diags.push_back(ErrorAt(
        RangeBetween(true_result->range(), false_result->range()),
        "Inconsistent conditional result types",
        fmt::format("The true and false result expressions must have consistent types. The "
                    "'true' value is {}, but the 'false' value is {}.",
                    TypeName(t), TypeName(f))));
    return Value::Unknown();
  }
  if (c.is_null() && c.is_known()) {
    diags.push_back(ErrorAt(condition->range(), "Null condition",
                            "The condition value is null. Conditions must either be true or "
                            "false."));
    return Value::Unknown(unified);
  }
  auto cb = Convert(c, Type::Bool());
  if (!cb) {
    diags.push_back(ErrorAt(condition->range(), "Incorrect condition type",
                            fmt::format("The condition expression must be of type bool.")));
    return Value::Unknown(unified);
  }
  if (!cb->is_known()) return Value::Unknown(unified).Marked(c.sensitive());
  const Value& chosen = cb->AsBool() ? t : f;
  Diagnostics& chosen_diags = cb->AsBool() ? true_diags : false_diags;
  for (Diagnostic& d : chosen_diags) diags.push_back(std::move(d));
  if (HasErrors(chosen_diags)) return Value::Unknown();
  Value result = chosen;
  if (ok) {
    if (auto conv = Convert(chosen, unified)) result = *conv;
  }
  return c.sensitive() ? result.Marked() : result;
}

// ---------------------------------------------------------------------------
// Function calls

Value FunctionCallExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  if (!ctx || !AnyFunctions(ctx)) {
    diags.push_back(ErrorAt(name_range, "Function calls not allowed",
                            "Functions may not be called here."));
    return Value::Unknown();
  }
  const Function* fn = ctx->LookupFunction(name);
  if (!fn) {
    std::vector<std::string> names;
    for (const EvalContext* c = ctx; c; c = c->parent())
      for (const auto& [k, f] : c->functions) names.push_back(k);
    std::string detail = fmt::format("There is no function named \"{}\".", name);
    if (std::string s = Suggestion(name, names); !s.empty()) detail += s;
    diags.push_back(ErrorAt(name_range, "Call to unknown function", detail));
    return Value::Unknown();
  }
  if (fn->lazy) return fn->lazy(args, ctx, diags);

  // Evaluate arguments (expanding the final one if `...`).
  std::vector<Value> vals;
  std::vector<Range> ranges;
  DiagMark mark(diags);
  for (std::size_t i = 0; i < args.size(); ++i) {
    Value v = args[i]->Evaluate(ctx, diags);
    if (expand_final && i + 1 == args.size()) {
      if (v.is_null() && v.is_known()) {
        diags.push_back(ErrorAt(args[i]->range(), "Invalid expanding argument value",
                                "The expanding argument (indicated by ...) must not be null."));
        return Value::Unknown();
      }
      const Type& t = v.type();
      if (!(t.is_list() || t.is_set() || t.is_tuple() || t.is_dynamic())) {
        diags.push_back(ErrorAt(args[i]->range(), "Invalid expanding argument value",
                                "The expanding argument (indicated by ...) must be of a tuple, "
                                "list, or set type."));
        return Value::Unknown();
      }
      if (!v.is_known()) return Value::Unknown(fn->unknown_result_type);
      for (const Value& e : v.Elements()) {
        vals.push_back(v.sensitive() ? e.Marked() : e);
        ranges.push_back(args[i]->range());
      }
      continue;
    }
    vals.push_back(std::move(v));
    ranges.push_back(args[i]->range());
  }
  if (mark.Failed()) return Value::Unknown(fn->unknown_result_type);

  std::size_t nparams = fn->params.size();
  if (vals.size() < nparams) {
    Range r = close_paren_range;
    diags.push_back(ErrorAt(r, "Not enough function arguments",
                            fmt::format("Function \"{}\" expects {} argument(s). Missing value "
                                        "for \"{}\".",
                                        name, nparams, fn->params[vals.size()].name)));
    return Value::Unknown(fn->unknown_result_type);
  }
  if (vals.size() > nparams && !fn->var_param) {
    Range r = ranges[nparams];
    diags.push_back(ErrorAt(r, "Too many function arguments",
                            fmt::format("Function \"{}\" expects only {} argument(s).", name,
                                        nparams)));
    return Value::Unknown(fn->unknown_result_type);
  }

  bool sensitive = false, unknown = false;
  for (std::size_t i = 0; i < vals.size(); ++i) {
    const Param& p = i < nparams ? fn->params[i] : *fn->var_param;
    Value& v = vals[i];
    if (!p.allow_marked) {
      bool had = false;
      v = v.UnmarkedDeep(&had);
      sensitive |= had;
    }
    if (v.is_null() && v.is_known() && !p.allow_null) {
      diags.push_back(ErrorAt(ranges[i], "Invalid function argument",
                              fmt::format("Invalid value for \"{}\" parameter: argument must not "
                                          "be null.",
                                          p.name)));
      return Value::Unknown(fn->unknown_result_type);
    }
    auto c = Convert(v, p.type);
    if (!c) {
      diags.push_back(ErrorAt(ranges[i], "Invalid function argument",
                              fmt::format("Invalid value for \"{}\" parameter: {}.", p.name,
                                          c.error().Describe())));
      return Value::Unknown(fn->unknown_result_type);
    }
    v = *c;
    if (!p.allow_unknown && !v.IsWhollyKnown()) unknown = true;
  }
  if (unknown) return Value::Unknown(fn->unknown_result_type).Marked(sensitive);
  FunctionResult r = fn->impl(vals);
  if (!r) {
    const FunctionError& e = r.error();
    if (e.arg >= 0 && static_cast<std::size_t>(e.arg) < vals.size()) {
      const Param& p = static_cast<std::size_t>(e.arg) < nparams ? fn->params[e.arg] : *fn->var_param;
      diags.push_back(ErrorAt(ranges[e.arg], "Invalid function argument",
                              fmt::format("Invalid value for \"{}\" parameter: {}.", p.name,
                                          e.message)));
    } else {
      diags.push_back(ErrorAt(range(), "Error in function call",
                              fmt::format("Call to function \"{}\" failed: {}.", name, e.message)));
    }
    return Value::Unknown(fn->unknown_result_type);
  }
  return sensitive ? r->Marked() : *r;
}

// ---------------------------------------------------------------------------
// for expressions and splats

Value ForExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value coll = collection->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  if (coll.is_null() && coll.is_known()) {
    diags.push_back(ErrorAt(collection->range(), "Iteration over null value",
                            "A null value cannot be used as the collection in a 'for' "
                            "expression."));
    return Value::Unknown();
  }
  const Type& ct = coll.type();
  if (!(ct.is_list() || ct.is_set() || ct.is_tuple() || ct.is_map() || ct.is_object() ||
        ct.is_dynamic())) {
    diags.push_back(ErrorAt(collection->range(), "Iteration over non-iterable value",
                            fmt::format("A value of type {} cannot be used as the collection in "
                                        "a 'for' expression.",
                                        TypeName(coll))));
    return Value::Unknown();
  }
  if (!coll.is_known()) return Value::Unknown();
  bool sensitive = coll.sensitive();

  std::vector<std::pair<Value, Value>> pairs;  // key, value
  if (ct.is_map() || ct.is_object()) {
    for (const auto& [k, v] : coll.Attributes())
      pairs.emplace_back(Value::String(k), sensitive ? v.Marked() : v);
  } else {
    std::size_t i = 0;
    for (const Value& v : coll.Elements()) {
      Value key = ct.is_set() ? v : Value::Number(static_cast<std::int64_t>(i));
      pairs.emplace_back(key, sensitive ? v.Marked() : v);
      ++i;
    }
  }

  std::vector<Value> tuple_out;
  std::map<std::string, Value> obj_out;
  std::map<std::string, std::vector<Value>> groups;
  std::vector<std::string> group_order;
  bool known = true;
  for (const auto& [k, v] : pairs) {
    EvalContext child = ctx ? ctx->NewChild() : EvalContext();
    if (!key_var.empty()) child.variables[key_var] = k;
    child.variables[val_var] = v;
    if (cond_expr) {
      DiagMark cm(diags);
      Value c = cond_expr->Evaluate(&child, diags);
      if (cm.Failed()) return Value::Unknown();
      if (c.is_null() && c.is_known()) {
        diags.push_back(ErrorAt(cond_expr->range(), "Condition is null",
                                "The value of the 'if' clause must not be null."));
        return Value::Unknown();
      }
      auto cb = Convert(c, Type::Bool());
      if (!cb) {
        diags.push_back(ErrorAt(cond_expr->range(), "Invalid 'for' condition",
                                fmt::format("The 'if' clause value is invalid: {}.",
                                            cb.error().Describe())));
        return Value::Unknown();
      }
      if (!cb->is_known()) {
        known = false;
        continue;
      }
      sensitive |= c.sensitive();
      if (!cb->AsBool()) continue;
    }
    if (key_expr) {
      DiagMark km(diags);
      Value kv = key_expr->Evaluate(&child, diags);
      Value vv = val_expr->Evaluate(&child, diags);
      if (km.Failed()) return Value::Unknown();
      if (kv.is_null() && kv.is_known()) {
        diags.push_back(ErrorAt(key_expr->range(), "Invalid object key",
                                "Key expression in 'for' expression must not produce a null "
                                "value."));
        return Value::Unknown();
      }
      auto ks = Convert(kv, Type::String());
      if (!ks) {
        diags.push_back(ErrorAt(key_expr->range(), "Invalid object key",
                                fmt::format("The key expression produced an invalid result: {}.",
                                            ks.error().Describe())));
        return Value::Unknown();
      }
      if (!ks->is_known()) {
        known = false;
        continue;
      }
      sensitive |= kv.sensitive();
      const std::string& key = ks->AsString();
      if (group) {
        if (!groups.contains(key)) group_order.push_back(key);
        groups[key].push_back(vv);
      } else {
        if (obj_out.contains(key)) {
          diags.push_back(ErrorAt(key_expr->range(), "Duplicate object key",
                                  fmt::format("Two different items produced the key \"{}\" in "
                                              "this 'for' expression. If duplicates are "
                                              "expected, use the ellipsis (...) after the value "
                                              "expression to enable grouping by key.",
                                              key)));
          return Value::Unknown();
        }
        obj_out[key] = vv;
      }
    } else {
      DiagMark vm(diags);
      Value vv = val_expr->Evaluate(&child, diags);
      if (vm.Failed()) return Value::Unknown();
      tuple_out.push_back(vv);
    }
  }
  if (!known) return Value::Unknown().Marked(sensitive);
  if (!key_expr) return Value::Tuple(std::move(tuple_out)).Marked(sensitive);
  if (group)
    for (auto& [k, vs] : groups) obj_out[k] = Value::Tuple(std::move(vs));
  return Value::Object(std::move(obj_out)).Marked(sensitive);
}

Value AnonSymbolExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  for (const EvalContext* c = ctx; c; c = c->parent())
    if (c->splat_symbol == this && c->splat_item) return *c->splat_item;
  diags.push_back(ErrorAt(range(), "Invalid splat", "The splat item is not available here."));
  return Value::Unknown();
}

Value SplatExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value src = source->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  if (src.is_null() && src.is_known()) return Value::Tuple({});
  if (!src.is_known()) return Value::Unknown();
  const Type& t = src.type();
  std::vector<Value> items;
  bool was_list = t.is_list() || t.is_set();
  if (t.is_list() || t.is_set() || t.is_tuple()) {
    items = src.Elements();
  } else {
    // A single value acts as a one-element tuple.
    items.push_back(src);
  }
  std::vector<Value> out;
  for (const Value& element : items) {
    EvalContext child = ctx ? ctx->NewChild() : EvalContext();
    Value it = src.sensitive() ? element.Marked() : element;
    child.splat_item = &it;
    child.splat_symbol = item.get();
    DiagMark im(diags);
    Value r = each->Evaluate(&child, diags);
    if (im.Failed()) return Value::Unknown();
    out.push_back(r);
  }
  if (was_list) {
    Type unified;
    auto u = UnifyValues(out, &unified);
    if (u) {
      if (out.empty()) unified = Type::Dynamic();
      return Value::List(std::move(*u), unified).Marked(src.sensitive());
    }
  }
  return Value::Tuple(std::move(out)).Marked(src.sensitive());
}

// ---------------------------------------------------------------------------
// Operators

namespace {

Value OperandNumber(const Value& v, const char* side, const Range& r, Diagnostics& diags,
                    bool* ok) {
  if (v.is_null() && v.is_known()) {
    diags.push_back(ErrorAt(r, "Invalid operand",
                            fmt::format("Unsuitable value for {} operand: a number is required.",
                                        side)));
    *ok = false;
    return Value::Unknown(Type::Number());
  }
  auto c = Convert(v.Unmarked(), Type::Number());
  if (!c) {
    diags.push_back(ErrorAt(r, "Invalid operand",
                            fmt::format("Unsuitable value for {} operand: {}.", side,
                                        c.error().message == "number required"
                                            ? std::string("a number is required")
                                            : c.error().Describe())));
    *ok = false;
    return Value::Unknown(Type::Number());
  }
  return *c;
}

Value OperandBool(const Value& v, const char* side, const Range& r, Diagnostics& diags, bool* ok) {
  if (v.is_null() && v.is_known()) {
    diags.push_back(ErrorAt(r, "Invalid operand",
                            fmt::format("Unsuitable value for {} operand: a bool is required.",
                                        side)));
    *ok = false;
    return Value::Unknown(Type::Bool());
  }
  auto c = Convert(v.Unmarked(), Type::Bool());
  if (!c) {
    diags.push_back(ErrorAt(r, "Invalid operand",
                            fmt::format("Unsuitable value for {} operand: {}.", side,
                                        c.error().message == "bool required"
                                            ? std::string("a bool is required")
                                            : c.error().Describe())));
    *ok = false;
    return Value::Unknown(Type::Bool());
  }
  return *c;
}

mpq_class TruncQ(const mpq_class& q) {
  mpz_class t;
  mpz_tdiv_q(t.get_mpz_t(), q.get_num_mpz_t(), q.get_den_mpz_t());
  return mpq_class(t);
}

}  // namespace

Value BinaryOpExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value l = lhs->Evaluate(ctx, diags);
  Value r = rhs->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  bool sensitive = l.HasSensitiveDeep() || r.HasSensitiveDeep();
  auto done = [&](Value v) { return sensitive ? v.Marked() : v; };

  if (op == BinaryOp::kEqual || op == BinaryOp::kNotEqual) {
    Value a = l.UnmarkedDeep(), b = r.UnmarkedDeep();
    if (!a.IsWhollyKnown() || !b.IsWhollyKnown()) return done(Value::Unknown(Type::Bool()));
    bool eq;
    if (a.is_null() || b.is_null()) {
      eq = a.is_null() && b.is_null();
    } else if (a.type() == b.type()) {
      eq = a.RawEquals(b);
    } else {
      // Values of different types may still be equal after unification (e.g. a
      // list and a tuple of the same elements are not; numbers vs strings are not).
      eq = false;
    }
    return done(Value::Bool(op == BinaryOp::kEqual ? eq : !eq));
  }
  if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
    bool ok = true;
    Value a = OperandBool(l, "left", lhs->range(), diags, &ok);
    Value b = OperandBool(r, "right", rhs->range(), diags, &ok);
    if (!ok) return Value::Unknown(Type::Bool());
    if (op == BinaryOp::kAnd) {
      if (a.is_known() && !a.AsBool()) return done(Value::False());
      if (b.is_known() && !b.AsBool()) return done(Value::False());
      if (!a.is_known() || !b.is_known()) return done(Value::Unknown(Type::Bool()));
      return done(Value::True());
    }
    if (a.is_known() && a.AsBool()) return done(Value::True());
    if (b.is_known() && b.AsBool()) return done(Value::True());
    if (!a.is_known() || !b.is_known()) return done(Value::Unknown(Type::Bool()));
    return done(Value::False());
  }
  bool ok = true;
  Value a = OperandNumber(l, "left", lhs->range(), diags, &ok);
  Value b = OperandNumber(r, "right", rhs->range(), diags, &ok);
  if (!ok) return Value::Unknown();
  bool comparison = op == BinaryOp::kGreaterThan || op == BinaryOp::kGreaterThanOrEqual ||
                    op == BinaryOp::kLessThan || op == BinaryOp::kLessThanOrEqual;
  if (!a.is_known() || !b.is_known())
    return done(Value::Unknown(comparison ? Type::Bool() : Type::Number()));
  const mpq_class& x = a.AsNumber();
  const mpq_class& y = b.AsNumber();
  switch (op) {
    case BinaryOp::kGreaterThan: return done(Value::Bool(x > y));
    case BinaryOp::kGreaterThanOrEqual: return done(Value::Bool(x >= y));
    case BinaryOp::kLessThan: return done(Value::Bool(x < y));
    case BinaryOp::kLessThanOrEqual: return done(Value::Bool(x <= y));
    case BinaryOp::kAdd: return done(Value::Number(x + y));
    case BinaryOp::kSubtract: return done(Value::Number(x - y));
    case BinaryOp::kMultiply: return done(Value::Number(x * y));
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
      if (y == 0) {
        diags.push_back(ErrorAt(range(), "Operation failed",
                                op == BinaryOp::kDivide
                                    ? "Error during operation: can't divide by zero."
                                    : "Error during operation: can't use modulo by zero."));
        return Value::Unknown(Type::Number());
      }
      if (op == BinaryOp::kDivide) return done(Value::Number(x / y));
      return done(Value::Number(x - y * TruncQ(x / y)));
    default: break;
  }
  return Value::Unknown();
}

Value UnaryOpExpr::Evaluate(const EvalContext* ctx, Diagnostics& diags) const {
  DiagMark mark(diags);
  Value v = val->Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown();
  bool ok = true;
  bool sensitive = v.sensitive();
  if (op == UnaryOp::kNot) {
    Value b = OperandBool(v, "right", val->range(), diags, &ok);
    if (!ok) return Value::Unknown(Type::Bool());
    if (!b.is_known()) return Value::Unknown(Type::Bool()).Marked(sensitive);
    return Value::Bool(!b.AsBool()).Marked(sensitive);
  }
  Value n = OperandNumber(v, "right", val->range(), diags, &ok);
  if (!ok) return Value::Unknown(Type::Number());
  if (!n.is_known()) return Value::Unknown(Type::Number()).Marked(sensitive);
  return Value::Number(-n.AsNumber()).Marked(sensitive);
}

// ---------------------------------------------------------------------------
// Helpers

Result<Value> EvaluateExpr(const Expression& expr, const EvalContext* ctx, Diagnostics* diags) {
  Diagnostics local;
  Value v = expr.Evaluate(ctx, local);
  std::optional<Error> first;
  for (const Diagnostic& d : local)
    if (!d.warning && !first) first = d;
  if (diags)
    for (Diagnostic& d : local) diags->push_back(std::move(d));
  if (first) return std::unexpected(*first);
  return v;
}

Value EvaluateAs(const Expression& expr, const EvalContext* ctx, const Type& want,
                 const std::string& what, Diagnostics& diags) {
  DiagMark mark(diags);
  Value v = expr.Evaluate(ctx, diags);
  if (mark.Failed()) return Value::Unknown(want);
  auto c = Convert(v, want);
  if (!c) {
    diags.push_back(ErrorAt(expr.range(), "Incorrect attribute value type",
                            fmt::format("Inappropriate value for attribute \"{}\": {}.", what,
                                        c.error().Describe())));
    return Value::Unknown(want);
  }
  return *c;
}

namespace {

Type TypeConstraintInner(const Expression& expr, Diagnostics& diags, bool allow_optional,
                         bool* optional) {
  const Expression* e = &expr;
  auto invalid = [&](const Range& r, std::string detail) {
    diags.push_back(ErrorAt(r, "Invalid type specification", std::move(detail)));
    return Type::Dynamic();
  };
  if (e->kind() == ExprKind::kScopeTraversal) {
    const auto& t = static_cast<const ScopeTraversalExpr*>(e)->traversal;
    if (t.size() != 1) return invalid(e->range(), "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).");
    const std::string& n = t[0].name;
    if (n == "string") return Type::String();
    if (n == "number") return Type::Number();
    if (n == "bool") return Type::Bool();
    if (n == "any") return Type::Dynamic();
    if (n == "list" || n == "map" || n == "set")
      return invalid(e->range(), fmt::format("The {} type constructor requires one argument "
                                             "specifying the element type.",
                                             n));
    if (n == "object")
      return invalid(e->range(), "The object type constructor requires one argument specifying the attribute types as a map.");
    if (n == "tuple")
      return invalid(e->range(), "The tuple type constructor requires one argument specifying the element types as a list.");
    return invalid(e->range(), fmt::format("The keyword \"{}\" is not a valid type "
                                           "specification.",
                                           n));
  }
  if (e->kind() == ExprKind::kFunctionCall) {
    auto call = static_cast<const FunctionCallExpr*>(e);
    const std::string& n = call->name;
    if (n == "list" || n == "set" || n == "map" || n == "optional") {
      if (call->args.size() != 1)
        return invalid(call->range(), fmt::format("The {} type constructor requires one "
                                                  "argument specifying the element type.",
                                                  n));
      if (n == "optional") {
        if (!allow_optional)
          return invalid(call->range(), "Keyword \"optional\" is valid only as a modifier for object type attributes.");
        *optional = true;
        return TypeConstraintInner(*call->args[0], diags, false, nullptr);
      }
      Type elem = TypeConstraintInner(*call->args[0], diags, false, nullptr);
      if (n == "list") return Type::List(elem);
      if (n == "set") return Type::Set(elem);
      return Type::Map(elem);
    }
    if (n == "object") {
      if (call->args.size() != 1 || call->args[0]->kind() != ExprKind::kObject)
        return invalid(call->range(), "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.");
      std::map<std::string, Type> attrs;
      std::set<std::string> opts;
      for (const auto& item : static_cast<const ObjectConsExpr*>(call->args[0].get())->items) {
        std::string key = ExprAsKeyword(item.key);
        if (key.empty()) {
          Diagnostics kd;
          Value kv = item.key->Evaluate(nullptr, kd);
          if (!kd.empty() || kv.type().kind() != TypeKind::kString || !kv.is_known())
            return invalid(item.key->range(), "Object constructor map keys must be attribute names.");
          key = kv.AsString();
        }
        bool opt = false;
        attrs[key] = TypeConstraintInner(*item.value, diags, true, &opt);
        if (opt) opts.insert(key);
      }
      return Type::Object(std::move(attrs), std::move(opts));
    }
    if (n == "tuple") {
      if (call->args.size() != 1 || call->args[0]->kind() != ExprKind::kTuple)
        return invalid(call->range(), "Tuple type constructor requires a list of element types.");
      std::vector<Type> elems;
      for (const ExprPtr& x : static_cast<const TupleConsExpr*>(call->args[0].get())->exprs)
        elems.push_back(TypeConstraintInner(*x, diags, false, nullptr));
      return Type::Tuple(std::move(elems));
    }
    return invalid(call->name_range, fmt::format("Keyword \"{}\" is not a valid type constructor.", n));
  }
  if (e->kind() == ExprKind::kParentheses)
    return TypeConstraintInner(*static_cast<const ParenthesesExpr*>(e)->source, diags,
                               allow_optional, optional);
  return invalid(e->range(), "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).");
}

}  // namespace

Type TypeConstraint(const Expression& expr, Diagnostics& diags) {
  if (expr.kind() == ExprKind::kBound) return TypeConstraint(*expr.Inner(), diags);
  if (expr.kind() == ExprKind::kJson) {
    // The JSON variant writes the type as a string: "list(string)".
    Diagnostics vd;
    Value v = expr.Evaluate(nullptr, vd);
    if (HasErrors(vd) || v.type().kind() != TypeKind::kString || !v.is_known()) {
      diags.push_back(ErrorAt(expr.range(), "Invalid type specification",
                              "A type specification in JSON is a string holding a type "
                              "expression, like \"list(string)\"."));
      return Type::Dynamic();
    }
    Pos start = expr.range().start;
    start.column += 1;
    start.byte += 1;
    ExprPtr parsed = ParseExpression(v.AsString(), expr.range().file, diags, start);
    return TypeConstraintInner(*parsed, diags, false, nullptr);
  }
  return TypeConstraintInner(expr, diags, false, nullptr);
}

}  // namespace kiln::hcl
