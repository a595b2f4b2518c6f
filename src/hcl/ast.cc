#include "hcl/ast.h"

#include <algorithm>

#include <fmt/format.h>

#include "hcl/json_body.h"
#include "hcl/suggest.h"

namespace kiln::hcl {

// ---------------------------------------------------------------------------
// Traversals

std::string TraversalRootName(const Traversal& t) {
  if (t.empty() || t[0].kind != TraverseStep::Kind::kRoot) return "";
  return t[0].name;
}

Range TraversalRange(const Traversal& t) {
  if (t.empty()) return Range{};
  return RangeBetween(t.front().range, t.back().range);
}

std::string TraversalString(const Traversal& t) {
  std::string out;
  for (const TraverseStep& s : t) {
    switch (s.kind) {
      case TraverseStep::Kind::kRoot: out += s.name; break;
      case TraverseStep::Kind::kAttr: out += "." + s.name; break;
      case TraverseStep::Kind::kIndex:
        out += "[" + (s.key.type().kind() == TypeKind::kString ? "\"" + s.key.AsString() + "\""
                                                                : s.key.DebugString()) +
               "]";
        break;
    }
  }
  return out;
}

namespace {
std::string TypeDesc(const Value& v) {
  return v.type().FriendlyName();
}
}  // namespace

Value GetAttrValue(const Value& v, const std::string& name, const Range& range,
                   Diagnostics& diags) {
  if (v.is_null() && v.is_known()) {
    diags.push_back(ErrorAt(range, "Attempt to get attribute from null value",
                            "This value is null, so it does not have any attributes."));
    return Value::Unknown();
  }
  const Type& t = v.type();
  switch (t.kind()) {
    case TypeKind::kDynamic: return Value::Unknown();
    case TypeKind::kObject:
      if (!t.HasAttribute(name)) {
        diags.push_back(ErrorAt(range, "Unsupported attribute",
                                fmt::format("This object does not have an attribute named \"{}\".",
                                            name)));
        return Value::Unknown();
      }
      if (!v.is_known()) return Value::Unknown(t.attributes().at(name)).Marked(v.sensitive());
      return v.GetAttr(name);
    case TypeKind::kMap:
      if (!v.is_known()) return Value::Unknown(t.element()).Marked(v.sensitive());
      if (!v.HasAttribute(name)) {
        diags.push_back(ErrorAt(range, "Missing map element",
                                fmt::format("This map does not have an element with the key \"{}\".",
                                            name)));
        return Value::Unknown();
      }
      return v.GetAttr(name);
    default:
      if (t.is_primitive()) {
        diags.push_back(ErrorAt(range, "Unsupported attribute",
                                fmt::format("Can't access attributes on a primitive-typed value ({}).",
                                            TypeDesc(v))));
      } else {
        diags.push_back(ErrorAt(range, "Unsupported attribute",
                                "This value does not have any attributes."));
      }
      return Value::Unknown();
  }
}

Value IndexValue(const Value& coll, const Value& key, const Range& range, Diagnostics& diags) {
  if (coll.is_null() && coll.is_known()) {
    diags.push_back(ErrorAt(range, "Attempt to index null value",
                            "This value is null, so it does not have any indices."));
    return Value::Unknown();
  }
  if (key.is_null() && key.is_known()) {
    diags.push_back(ErrorAt(range, "Invalid index", "Can't use a null value as an indexing key."));
    return Value::Unknown();
  }
  bool mark = coll.sensitive() || key.sensitive();
  const Type& t = coll.type();
  auto unknown = [&](Type ty = Type::Dynamic()) { return Value::Unknown(std::move(ty)).Marked(mark); };
  switch (t.kind()) {
    case TypeKind::kDynamic: return unknown();
    case TypeKind::kList:
    case TypeKind::kTuple: {
      if (!key.is_known()) return unknown(t.is_list() ? t.element() : Type::Dynamic());
      std::optional<std::int64_t> idx;
      if (key.type().kind() == TypeKind::kNumber) {
        idx = key.AsInt64();
      } else if (key.type().kind() == TypeKind::kString) {
        if (auto n = Value::ParseNumber(key.AsString())) idx = n->AsInt64();
        if (!idx) {
          diags.push_back(ErrorAt(range, "Invalid index",
                                  "The given key does not identify an element in this collection "
                                  "value: a number is required."));
          return unknown();
        }
      } else {
        diags.push_back(ErrorAt(range, "Invalid index",
                                "The given key does not identify an element in this collection "
                                "value: a number is required."));
        return unknown();
      }
      if (!coll.is_known()) return unknown(t.is_list() ? t.element() : Type::Dynamic());
      if (!idx || *idx < 0 || static_cast<std::size_t>(*idx) >= coll.Elements().size()) {
        diags.push_back(ErrorAt(
            range, "Invalid index",
            key.type().kind() == TypeKind::kNumber && !key.IsInteger()
                ? std::string("The given key does not identify an element in this collection "
                              "value: indexes must be whole numbers.")
                : std::string("The given key does not identify an element in this collection "
                              "value: the collection has no element for the given key.")));
        return unknown();
      }
      return coll.Index(static_cast<std::size_t>(*idx)).Marked(mark || coll.Index(*idx).sensitive());
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      if (!key.is_known()) return unknown(t.is_map() ? t.element() : Type::Dynamic());
      std::string k;
      if (key.type().kind() == TypeKind::kString) k = key.AsString();
      else if (key.type().kind() == TypeKind::kNumber) k = FormatNumber(key.AsNumber());
      else if (key.type().kind() == TypeKind::kBool) k = key.AsBool() ? "true" : "false";
      else {
        diags.push_back(ErrorAt(range, "Invalid index",
                                "The given key does not identify an element in this collection "
                                "value: a string is required."));
        return unknown();
      }
      if (!coll.is_known()) return unknown(t.is_map() ? t.element() : Type::Dynamic());
      if (!coll.HasAttribute(k)) {
        diags.push_back(ErrorAt(range, "Invalid index",
                                t.is_map() ? "The given key does not identify an element in this "
                                             "collection value."
                                           : fmt::format("The given key does not identify an "
                                                         "element in this collection value: "
                                                         "object has no attribute \"{}\".", k)));
        return unknown();
      }
      Value r = coll.GetAttr(k);
      return mark ? r.Marked() : r;
    }
    case TypeKind::kSet:
      diags.push_back(ErrorAt(range, "Invalid index",
                              "Elements of a set are identified only by their value and don't "
                              "have any separate index or key to select with, so it's only "
                              "possible to perform operations across all elements of the set."));
      return unknown();
    default:
      diags.push_back(ErrorAt(range, "Invalid index",
                              fmt::format("This value does not have any indices: a {} cannot be "
                                          "indexed.",
                                          TypeDesc(coll))));
      return unknown();
  }
}

Value ApplyTraversal(const Value& v, const Traversal& steps, std::size_t first_step,
                     Diagnostics& diags) {
  Value cur = v;
  for (std::size_t i = first_step; i < steps.size(); ++i) {
    const TraverseStep& s = steps[i];
    std::size_t before = diags.size();
    if (s.kind == TraverseStep::Kind::kAttr) cur = GetAttrValue(cur, s.name, s.range, diags);
    else if (s.kind == TraverseStep::Kind::kIndex) cur = IndexValue(cur, s.key, s.range, diags);
    if (diags.size() != before) return Value::Unknown();
  }
  return cur;
}

// ---------------------------------------------------------------------------
// Expressions: variables and static analysis

std::vector<Traversal> Expression::Variables() const {
  std::vector<Traversal> out;
  CollectVariables(out);
  return out;
}

namespace {
void Collect(const ExprPtr& e, std::vector<Traversal>& out) {
  if (e) e->CollectVariables(out);
}
}  // namespace

void TemplateExpr::CollectVariables(std::vector<Traversal>& out) const {
  for (const ExprPtr& p : parts) Collect(p, out);
}
void TemplateWrapExpr::CollectVariables(std::vector<Traversal>& out) const { Collect(wrapped, out); }
void TemplateJoinExpr::CollectVariables(std::vector<Traversal>& out) const { Collect(tuple, out); }
void ScopeTraversalExpr::CollectVariables(std::vector<Traversal>& out) const {
  out.push_back(traversal);
}
void RelativeTraversalExpr::CollectVariables(std::vector<Traversal>& out) const {
  Collect(source, out);
}
void FunctionCallExpr::CollectVariables(std::vector<Traversal>& out) const {
  for (const ExprPtr& a : args) Collect(a, out);
}
void ConditionalExpr::CollectVariables(std::vector<Traversal>& out) const {
  Collect(condition, out);
  Collect(true_result, out);
  Collect(false_result, out);
}
void IndexExpr::CollectVariables(std::vector<Traversal>& out) const {
  Collect(collection, out);
  Collect(key, out);
}
void TupleConsExpr::CollectVariables(std::vector<Traversal>& out) const {
  for (const ExprPtr& e : exprs) Collect(e, out);
}
void ObjectConsExpr::CollectVariables(std::vector<Traversal>& out) const {
  for (const Item& it : items) {
    Collect(it.key, out);
    Collect(it.value, out);
  }
}
void ObjectConsKeyExpr::CollectVariables(std::vector<Traversal>& out) const {
  if (!force_non_literal && AsKeyword()) return;
  Collect(wrapped, out);
}
void ForExpr::CollectVariables(std::vector<Traversal>& out) const {
  Collect(collection, out);
  std::vector<Traversal> inner;
  Collect(key_expr, inner);
  Collect(val_expr, inner);
  Collect(cond_expr, inner);
  for (Traversal& t : inner) {
    std::string root = TraversalRootName(t);
    if (root == key_var || root == val_var) continue;
    out.push_back(std::move(t));
  }
}
void SplatExpr::CollectVariables(std::vector<Traversal>& out) const {
  Collect(source, out);
  Collect(each, out);
}
void ParenthesesExpr::CollectVariables(std::vector<Traversal>& out) const { Collect(source, out); }
void BinaryOpExpr::CollectVariables(std::vector<Traversal>& out) const {
  Collect(lhs, out);
  Collect(rhs, out);
}
void UnaryOpExpr::CollectVariables(std::vector<Traversal>& out) const { Collect(val, out); }

std::optional<std::string> ObjectConsKeyExpr::AsKeyword() const {
  if (force_non_literal || !wrapped || wrapped->kind() != ExprKind::kScopeTraversal)
    return std::nullopt;
  const auto& t = static_cast<const ScopeTraversalExpr*>(wrapped.get())->traversal;
  if (t.size() != 1) return std::nullopt;
  return t[0].name;
}

std::string_view BinaryOpSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr: return "||";
    case BinaryOp::kAnd: return "&&";
    case BinaryOp::kEqual: return "==";
    case BinaryOp::kNotEqual: return "!=";
    case BinaryOp::kGreaterThan: return ">";
    case BinaryOp::kGreaterThanOrEqual: return ">=";
    case BinaryOp::kLessThan: return "<";
    case BinaryOp::kLessThanOrEqual: return "<=";
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSubtract: return "-";
    case BinaryOp::kMultiply: return "*";
    case BinaryOp::kDivide: return "/";
    case BinaryOp::kModulo: return "%";
  }
  return "?";
}

namespace {
const Expression* Unwrap(const Expression* e) {
  while (e) {
    if (e->kind() == ExprKind::kParentheses) e = static_cast<const ParenthesesExpr*>(e)->source.get();
    else if (e->kind() == ExprKind::kBound) e = e->Inner().get();
    else break;
  }
  return e;
}

ExprPtr UnwrapBound(const ExprPtr& e) {
  ExprPtr cur = e;
  while (cur && cur->kind() == ExprKind::kBound) cur = cur->Inner();
  return cur;
}
}  // namespace

std::vector<ExprPtr> ExprList(const ExprPtr& given, Diagnostics& diags) {
  ExprPtr expr = UnwrapBound(given);
  std::vector<ExprPtr> out;
  if (expr->kind() == ExprKind::kJson) {
    if (JSONExprList(*expr, &out)) return out;
  } else if (const Expression* e = Unwrap(expr.get()); e->kind() == ExprKind::kTuple) {
    return static_cast<const TupleConsExpr*>(e)->exprs;
  }
  diags.push_back(ErrorAt(expr->range(), "Invalid expression", "A static list expression is required."));
  return out;
}

std::vector<KeyValueExpr> ExprMap(const ExprPtr& given, Diagnostics& diags) {
  ExprPtr expr = UnwrapBound(given);
  std::vector<KeyValueExpr> out;
  if (expr->kind() == ExprKind::kJson) {
    if (JSONExprMap(*expr, &out)) return out;
  } else if (const Expression* e = Unwrap(expr.get()); e->kind() == ExprKind::kObject) {
    for (const auto& it : static_cast<const ObjectConsExpr*>(e)->items)
      out.push_back({it.key, it.value});
    return out;
  }
  diags.push_back(ErrorAt(expr->range(), "Invalid expression", "A static map expression is required."));
  return out;
}

std::optional<Traversal> AbsTraversalForExpr(const ExprPtr& given, Diagnostics& diags) {
  ExprPtr expr = UnwrapBound(given);
  if (expr->kind() == ExprKind::kJson) return JSONAbsTraversal(*expr, diags);
  const Expression* e = Unwrap(expr.get());
  if (e->kind() == ExprKind::kScopeTraversal)
    return static_cast<const ScopeTraversalExpr*>(e)->traversal;
  if (e->kind() == ExprKind::kObjectKey) {
    auto k = static_cast<const ObjectConsKeyExpr*>(e);
    if (k->wrapped && k->wrapped->kind() == ExprKind::kScopeTraversal)
      return static_cast<const ScopeTraversalExpr*>(k->wrapped.get())->traversal;
  }
  diags.push_back(ErrorAt(expr->range(), "Invalid expression", "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here."));
  return std::nullopt;
}

std::string ExprAsKeyword(const ExprPtr& given) {
  ExprPtr expr = UnwrapBound(given);
  if (expr->kind() == ExprKind::kJson) return JSONAsKeyword(*expr);
  const Expression* e = expr.get();
  if (e->kind() == ExprKind::kObjectKey) {
    auto k = static_cast<const ObjectConsKeyExpr*>(e);
    if (k->force_non_literal) return "";
    e = k->wrapped.get();
  }
  if (e && e->kind() == ExprKind::kScopeTraversal) {
    const auto& t = static_cast<const ScopeTraversalExpr*>(e)->traversal;
    if (t.size() == 1) return t[0].name;
  }
  return "";
}

// ---------------------------------------------------------------------------
// Native bodies

namespace {


std::string LabelList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

const NativeAttribute* NativeBody::FindAttribute(const std::string& name) const {
  for (const NativeAttribute& a : attributes)
    if (a.name == name) return &a;
  return nullptr;
}

Range NativeBody::MissingItemRange() const { return end_range; }

BodyContent NativeBody::PartialContent(const BodySchema& schema, BodyPtr* remain,
                                       Diagnostics& diags) const {
  BodyContent content;
  content.missing_item_range = MissingItemRange();
  std::vector<std::string> attr_names, block_names;
  for (const AttributeSchema& a : schema.attributes) attr_names.push_back(a.name);
  for (const BlockHeaderSchema& b : schema.blocks) block_names.push_back(b.type);
  bool partial = remain != nullptr;

  for (const NativeAttribute& a : attributes) {
    if (hidden_attributes.contains(a.name)) continue;
    if (std::find(attr_names.begin(), attr_names.end(), a.name) != attr_names.end()) {
      content.attributes[a.name] = Attribute{a.name, a.expr, a.range, a.name_range};
      continue;
    }
    if (partial) continue;
    std::string detail = fmt::format("An argument named \"{}\" is not expected here.", a.name);
    if (std::find(block_names.begin(), block_names.end(), a.name) != block_names.end()) {
      detail += fmt::format(" Did you mean to define a block of type \"{}\"?", a.name);
    } else if (std::string s = Suggest(a.name, attr_names); !s.empty()) {
      detail += fmt::format(" Did you mean \"{}\"?", s);
    }
    diags.push_back(ErrorAt(a.name_range, "Unsupported argument", detail));
  }
  for (const AttributeSchema& a : schema.attributes) {
    if (a.required && !content.attributes.contains(a.name)) {
      diags.push_back(ErrorAt(MissingItemRange(), "Missing required argument",
                              fmt::format("The argument \"{}\" is required, but no definition "
                                          "was found.",
                                          a.name)));
    }
  }
  for (const NativeBlock& b : blocks) {
    if (hidden_blocks.contains(b.type)) continue;
    const BlockHeaderSchema* bs = nullptr;
    for (const BlockHeaderSchema& s : schema.blocks)
      if (s.type == b.type) bs = &s;
    if (!bs) {
      if (partial) continue;
      std::string detail = fmt::format("Blocks of type \"{}\" are not expected here.", b.type);
      if (std::find(attr_names.begin(), attr_names.end(), b.type) != attr_names.end()) {
        detail += fmt::format(" Did you mean to define argument \"{}\"? If so, use the equals "
                              "sign to assign it a value.",
                              b.type);
      } else if (std::string s = Suggest(b.type, block_names); !s.empty()) {
        detail += fmt::format(" Did you mean \"{}\"?", s);
      }
      diags.push_back(ErrorAt(b.type_range, "Unsupported block type", detail));
      continue;
    }
    Range def = b.type_range;
    if (!b.label_ranges.empty()) def = RangeBetween(def, b.label_ranges.back());
    if (b.labels.size() < bs->label_names.size()) {
      const std::string& missing = bs->label_names[b.labels.size()];
      diags.push_back(ErrorAt(
          RangeBetween(def, b.open_brace_range), fmt::format("Missing {} for {}", missing, b.type),
          fmt::format("All {} blocks must have {} labels ({}).", b.type, bs->label_names.size(),
                      LabelList(bs->label_names))));
      continue;
    }
    if (b.labels.size() > bs->label_names.size()) {
      const Range& extra = b.label_ranges[bs->label_names.size()];
      diags.push_back(ErrorAt(
          extra, fmt::format("Extraneous label for {}", b.type),
          bs->label_names.empty()
              ? fmt::format("No labels are expected for {} blocks.", b.type)
              : fmt::format("Only {} labels ({}) are expected for {} blocks.",
                            bs->label_names.size(), LabelList(bs->label_names), b.type)));
      continue;
    }
    Block out;
    out.type = b.type;
    out.labels = b.labels;
    out.body = b.body;
    out.def_range = def;
    out.type_range = b.type_range;
    out.label_ranges = b.label_ranges;
    content.blocks.push_back(std::move(out));
  }
  if (remain) {
    auto r = std::make_shared<NativeBody>(*this);
    for (const std::string& n : attr_names) r->hidden_attributes.insert(n);
    for (const std::string& n : block_names) r->hidden_blocks.insert(n);
    *remain = r;
  }
  return content;
}

BodyContent NativeBody::Content(const BodySchema& schema, Diagnostics& diags) const {
  return PartialContent(schema, nullptr, diags);
}

Attributes NativeBody::JustAttributes(Diagnostics& diags) const {
  Attributes out;
  for (const NativeAttribute& a : attributes) {
    if (hidden_attributes.contains(a.name)) continue;
    out[a.name] = Attribute{a.name, a.expr, a.range, a.name_range};
  }
  for (const NativeBlock& b : blocks) {
    if (hidden_blocks.contains(b.type)) continue;
    diags.push_back(ErrorAt(b.type_range, fmt::format("Unexpected \"{}\" block", b.type),
                            "Blocks are not allowed here."));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Merged bodies

namespace {

class MergedBody : public Body {
 public:
  explicit MergedBody(std::vector<BodyPtr> parts) : parts_(std::move(parts)) {}

  BodyContent Content(const BodySchema& schema, Diagnostics& diags) const override {
    return Merge(schema, nullptr, diags);
  }
  BodyContent PartialContent(const BodySchema& schema, BodyPtr* remain,
                             Diagnostics& diags) const override {
    return Merge(schema, remain, diags);
  }
  Attributes JustAttributes(Diagnostics& diags) const override {
    Attributes out;
    for (const BodyPtr& p : parts_) {
      for (auto& [name, a] : p->JustAttributes(diags)) {
        if (auto it = out.find(name); it != out.end()) {
          diags.push_back(ErrorAt(a.name_range, "Duplicate argument",
                                  fmt::format("Argument \"{}\" was already set at {}:{}. Each "
                                              "argument may be set only once.",
                                              name, it->second.name_range.file,
                                              it->second.name_range.start.line)));
          continue;
        }
        out[name] = a;
      }
    }
    return out;
  }
  Range MissingItemRange() const override {
    return parts_.empty() ? Range{} : parts_.front()->MissingItemRange();
  }

 private:
  BodyContent Merge(const BodySchema& schema, BodyPtr* remain, Diagnostics& diags) const {
    BodySchema relaxed = schema;
    for (AttributeSchema& a : relaxed.attributes) a.required = false;
    BodyContent out;
    out.missing_item_range = MissingItemRange();
    std::vector<BodyPtr> remains;
    for (const BodyPtr& p : parts_) {
      BodyPtr r;
      BodyContent c = remain ? p->PartialContent(relaxed, &r, diags) : p->Content(relaxed, diags);
      if (r) remains.push_back(r);
      for (auto& [name, a] : c.attributes) {
        if (auto it = out.attributes.find(name); it != out.attributes.end()) {
          diags.push_back(ErrorAt(a.name_range, "Duplicate argument",
                                  fmt::format("Argument \"{}\" was already set at {}:{}. Each "
                                              "argument may be set only once.",
                                              name, it->second.name_range.file,
                                              it->second.name_range.start.line)));
          continue;
        }
        out.attributes[name] = a;
      }
      for (Block& b : c.blocks) out.blocks.push_back(std::move(b));
    }
    for (const AttributeSchema& a : schema.attributes)
      if (a.required && !out.attributes.contains(a.name))
        diags.push_back(ErrorAt(MissingItemRange(), "Missing required argument",
                                fmt::format("The argument \"{}\" is required, but no definition "
                                            "was found.",
                                            a.name)));
    if (remain) *remain = std::make_shared<MergedBody>(std::move(remains));
    return out;
  }

  std::vector<BodyPtr> parts_;
};

}  // namespace

BodyPtr MergeBodies(std::vector<BodyPtr> bodies) {
  if (bodies.size() == 1) return bodies.front();
  return std::make_shared<MergedBody>(std::move(bodies));
}

}  // namespace kiln::hcl
