#include "hcl/dynblock.h"

#include <fmt/format.h>

#include "hcl/convert.h"

namespace kiln::hcl {

namespace {

// Iterator bindings accumulated through nested dynamic blocks.
using Bindings = std::vector<std::pair<std::string, Value>>;

// An expression evaluated with extra variables bound (the iterators).
class BoundExpr : public Expression {
 public:
  BoundExpr(ExprPtr inner, Bindings bindings) : inner_(std::move(inner)), bindings_(std::move(bindings)) {
    range_ = inner_->range();
  }
  ExprKind kind() const override { return ExprKind::kBound; }
  ExprPtr Inner() const override { return inner_; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override {
    EvalContext child = ctx ? ctx->NewChild() : EvalContext();
    for (const auto& [name, v] : bindings_) child.variables[name] = v;
    return inner_->Evaluate(&child, diags);
  }
  void CollectVariables(std::vector<Traversal>& out) const override {
    std::vector<Traversal> all;
    inner_->CollectVariables(all);
    for (Traversal& t : all) {
      bool bound = false;
      for (const auto& [name, v] : bindings_) bound |= TraversalRootName(t) == name;
      if (!bound) out.push_back(std::move(t));
    }
  }
  Range StartRange() const override { return inner_->StartRange(); }

 private:
  ExprPtr inner_;
  Bindings bindings_;
};

class DynamicBody : public Body {
 public:
  DynamicBody(BodyPtr inner, const EvalContext* ctx, Bindings bindings)
      : inner_(std::move(inner)), ctx_(ctx), bindings_(std::move(bindings)) {}

  BodyContent Content(const BodySchema& schema, Diagnostics& diags) const override {
    return Decode(schema, nullptr, diags);
  }
  BodyContent PartialContent(const BodySchema& schema, BodyPtr* remain,
                             Diagnostics& diags) const override {
    return Decode(schema, remain, diags);
  }
  Attributes JustAttributes(Diagnostics& diags) const override {
    Attributes attrs = inner_->JustAttributes(diags);
    for (auto& [name, a] : attrs) a.expr = Wrap(a.expr);
    return attrs;
  }
  Range MissingItemRange() const override { return inner_->MissingItemRange(); }

 private:
  ExprPtr Wrap(ExprPtr e) const {
    if (bindings_.empty()) return e;
    return std::make_shared<BoundExpr>(std::move(e), bindings_);
  }

  BodyContent Decode(const BodySchema& schema, BodyPtr* remain, Diagnostics& diags) const {
    BodySchema with_dynamic = schema;
    bool wants_dynamic = false;
    for (const BlockHeaderSchema& b : schema.blocks) wants_dynamic |= b.type == "dynamic";
    if (!wants_dynamic) with_dynamic.blocks.push_back({"dynamic", {"type"}});
    BodyPtr rest;
    BodyContent c = remain ? inner_->PartialContent(with_dynamic, &rest, diags)
                           : inner_->Content(with_dynamic, diags);
    BodyContent out;
    out.missing_item_range = c.missing_item_range;
    for (auto& [name, a] : c.attributes) {
      a.expr = Wrap(a.expr);
      out.attributes[name] = a;
    }
    for (Block& b : c.blocks) {
      if (b.type != "dynamic" || wants_dynamic) {
        b.body = std::make_shared<DynamicBody>(b.body, ctx_, bindings_);
        out.blocks.push_back(std::move(b));
        continue;
      }
      const std::string& type = b.labels[0];
      const BlockHeaderSchema* target = nullptr;
      for (const BlockHeaderSchema& s : schema.blocks)
        if (s.type == type) target = &s;
      if (!target) {
        if (remain) continue;  // left for whoever decodes the rest
        diags.push_back(ErrorAt(b.label_ranges[0], "Unsupported block type",
                                fmt::format("Blocks of type \"{}\" are not expected here.", type)));
        continue;
      }
      Expand(b, *target, out.blocks, diags);
    }
    if (remain) *remain = std::make_shared<DynamicBody>(rest, ctx_, bindings_);
    return out;
  }

  void Expand(const Block& dyn, const BlockHeaderSchema& target, std::vector<Block>& out,
              Diagnostics& diags) const {
    static const BodySchema kDynSchema{
        {{"for_each", true}, {"iterator", false}, {"labels", false}},
        {{"content", {}}},
    };
    BodyContent spec = dyn.body->Content(kDynSchema, diags);
    const Block* content = nullptr;
    for (const Block& b : spec.blocks) {
      if (content) {
        diags.push_back(ErrorAt(b.def_range, "Duplicate content block",
                                "Only one content block is allowed in a dynamic block."));
        return;
      }
      content = &b;
    }
    if (!content) {
      diags.push_back(ErrorAt(dyn.body->MissingItemRange(), "Missing content block",
                              "A dynamic block must have a nested block of type \"content\"."));
      return;
    }
    if (!spec.attributes.contains("for_each")) return;
    std::string iterator = dyn.labels[0];
    if (auto it = spec.attributes.find("iterator"); it != spec.attributes.end()) {
      iterator = ExprAsKeyword(it->second.expr);
      if (iterator.empty()) {
        diags.push_back(ErrorAt(it->second.expr->range(), "Invalid dynamic iterator name",
                                "Dynamic iterator must be a single variable name."));
        return;
      }
    }
    // for_each sees the outer iterators too.
    EvalContext outer = ctx_ ? ctx_->NewChild() : EvalContext();
    for (const auto& [name, v] : bindings_) outer.variables[name] = v;
    const Attribute& fe = spec.attributes.at("for_each");
    std::size_t before = diags.size();
    Value coll = fe.expr->Evaluate(&outer, diags);
    if (diags.size() != before) return;
    const Type& t = coll.type();
    if (coll.is_null() || !(t.is_list() || t.is_set() || t.is_tuple() || t.is_map() || t.is_object())) {
      diags.push_back(ErrorAt(fe.expr->range(), "Invalid dynamic for_each value",
                              fmt::format("Cannot use a {} value in for_each. An iterable collection is required.",
                                          coll.is_null() ? "null" : t.FriendlyName())));
      return;
    }
    if (!coll.is_known()) {
      diags.push_back(ErrorAt(fe.expr->range(), "Invalid dynamic for_each value",
                              "The for_each value is not known yet; it must be known when the configuration is loaded."));
      return;
    }
    std::vector<std::pair<Value, Value>> items;
    if (t.is_map() || t.is_object()) {
      for (const auto& [k, v] : coll.Attributes()) items.emplace_back(Value::String(k), v);
    } else {
      std::size_t i = 0;
      for (const Value& v : coll.Elements())
        items.emplace_back(t.is_set() ? v : Value::Number(static_cast<std::int64_t>(i++)), v);
    }
    for (const auto& [k, v] : items) {
      Bindings b = bindings_;
      b.emplace_back(iterator, Value::Object({{"key", k}, {"value", v}}));
      std::vector<std::string> labels;
      std::vector<Range> label_ranges;
      if (auto it = spec.attributes.find("labels"); it != spec.attributes.end()) {
        EvalContext lctx = ctx_ ? ctx_->NewChild() : EvalContext();
        for (const auto& [name, bv] : b) lctx.variables[name] = bv;
        Value lv = EvaluateAs(*it->second.expr, &lctx, Type::List(Type::String()), "labels", diags);
        if (!lv.is_known() || lv.is_null()) return;
        for (const Value& l : lv.Elements()) {
          labels.push_back(l.AsString());
          label_ranges.push_back(it->second.expr->range());
        }
      }
      if (labels.size() != target.label_names.size()) {
        diags.push_back(ErrorAt(dyn.def_range, fmt::format("Wrong number of labels for {}", target.type),
                                fmt::format("{} blocks need {} labels; the dynamic block's labels gave {}.",
                                            target.type, target.label_names.size(), labels.size())));
        return;
      }
      Block gen;
      gen.type = target.type;
      gen.labels = std::move(labels);
      gen.label_ranges = std::move(label_ranges);
      gen.def_range = dyn.def_range;
      gen.type_range = dyn.label_ranges[0];
      gen.body = std::make_shared<DynamicBody>(content->body, ctx_, std::move(b));
      out.push_back(std::move(gen));
    }
  }

  BodyPtr inner_;
  const EvalContext* ctx_;
  Bindings bindings_;
};

}  // namespace

BodyPtr ExpandDynamicBlocks(BodyPtr body, const EvalContext* ctx) {
  return std::make_shared<DynamicBody>(std::move(body), ctx, Bindings{});
}

}  // namespace kiln::hcl
