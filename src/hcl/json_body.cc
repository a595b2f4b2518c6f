#include "hcl/json_body.h"

#include <fmt/format.h>

#include "hcl/eval.h"

namespace kiln::hcl {

namespace {

using JsonRoot = std::shared_ptr<const json::Value>;

class JsonExpr : public Expression {
 public:
  JsonExpr(JsonRoot root, const json::Value& v) : root_(std::move(root)), v_(&v) {
    range_ = v.range;
  }
  ExprKind kind() const override { return ExprKind::kJson; }

  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override {
    return Eval(*v_, ctx, diags);
  }

  void CollectVariables(std::vector<Traversal>& out) const override { Collect(*v_, out); }

  const json::Value& value() const { return *v_; }
  const JsonRoot& root() const { return root_; }

 private:
  // A JSON string is a template when there is a context to evaluate it in.
  static ExprPtr StringTemplate(const json::Value& v, Diagnostics& diags) {
    Pos start = v.range.start;
    start.column += 1;
    start.byte += 1;
    return ParseTemplate(v.text, v.range.file, diags, start);
  }

  static Value Eval(const json::Value& v, const EvalContext* ctx, Diagnostics& diags) {
    switch (v.kind) {
      case json::Kind::kNull: return Value::Null();
      case json::Kind::kBool: return Value::Bool(v.boolean);
      case json::Kind::kNumber: {
        auto n = Value::ParseNumber(v.text);
        if (!n) {
          diags.push_back(ErrorAt(v.range, "Invalid JSON number",
                                  fmt::format("\"{}\" is not a number HCL can represent.", v.text)));
          return Value::Unknown(Type::Number());
        }
        return *n;
      }
      case json::Kind::kString: {
        if (!ctx || (v.text.find("${") == std::string::npos && v.text.find("%{") == std::string::npos))
          return Value::String(UnescapeLiteral(v.text));
        ExprPtr t = StringTemplate(v, diags);
        return t->Evaluate(ctx, diags);
      }
      case json::Kind::kArray: {
        std::vector<Value> vals;
        for (const json::Value& e : v.items) vals.push_back(Eval(e, ctx, diags));
        return Value::Tuple(std::move(vals));
      }
      case json::Kind::kObject: {
        std::map<std::string, Value> attrs;
        for (const json::Member& m : v.members) {
          std::string key = m.key;
          if (ctx && key.find("${") != std::string::npos) {
            json::Value kv;
            kv.kind = json::Kind::kString;
            kv.text = m.key;
            kv.range = m.key_range;
            Value k = StringTemplate(kv, diags)->Evaluate(ctx, diags);
            if (k.type().kind() != TypeKind::kString || !k.is_known()) continue;
            key = k.AsString();
          }
          attrs[key] = Eval(m.value, ctx, diags);
        }
        return Value::Object(std::move(attrs));
      }
    }
    return Value::Unknown();
  }

  // Without a context, "$${" still means "${" (HCL's JSON spec).
  static std::string UnescapeLiteral(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if ((s[i] == '$' || s[i] == '%') && i + 2 < s.size() && s[i + 1] == s[i] && s[i + 2] == '{') {
        out += s[i];
        out += '{';
        i += 2;
        continue;
      }
      out += s[i];
    }
    return out;
  }

  static void Collect(const json::Value& v, std::vector<Traversal>& out) {
    switch (v.kind) {
      case json::Kind::kString:
        if (v.text.find("${") != std::string::npos || v.text.find("%{") != std::string::npos) {
          Diagnostics ignored;
          StringTemplate(v, ignored)->CollectVariables(out);
        }
        return;
      case json::Kind::kArray:
        for (const json::Value& e : v.items) Collect(e, out);
        return;
      case json::Kind::kObject:
        for (const json::Member& m : v.members) Collect(m.value, out);
        return;
      default: return;
    }
  }

  JsonRoot root_;
  const json::Value* v_;
};

class JsonBody : public Body {
 public:
  JsonBody(JsonRoot root, const json::Value& obj) : root_(std::move(root)), obj_(&obj) {}

  BodyContent Content(const BodySchema& schema, Diagnostics& diags) const override {
    return Decode(schema, nullptr, diags);
  }
  BodyContent PartialContent(const BodySchema& schema, BodyPtr* remain,
                             Diagnostics& diags) const override {
    return Decode(schema, remain, diags);
  }

  Attributes JustAttributes(Diagnostics& diags) const override {
    Attributes out;
    if (!CheckObject(diags)) return out;
    for (const json::Member& m : obj_->members) {
      if (m.key == "//" || hidden_.contains(m.key)) continue;
      out[m.key] = MakeAttr(m);
    }
    return out;
  }

  Range MissingItemRange() const override {
    Range r = obj_->range;
    r.start = r.end;
    if (r.start.column > 1) {
      r.start.column -= 1;
      r.start.byte -= 1;
    }
    return r;
  }

  std::set<std::string> hidden_;

 private:
  bool CheckObject(Diagnostics& diags) const {
    if (obj_->kind == json::Kind::kObject) return true;
    diags.push_back(ErrorAt(obj_->range, "Incorrect JSON value type",
                            "A JSON object is required here, setting the arguments for this "
                            "block."));
    return false;
  }

  Attribute MakeAttr(const json::Member& m) const {
    Attribute a;
    a.name = m.key;
    a.expr = std::make_shared<JsonExpr>(root_, m.value);
    a.range = RangeBetween(m.key_range, m.value.range);
    a.name_range = m.key_range;
    return a;
  }

  BodyContent Decode(const BodySchema& schema, BodyPtr* remain, Diagnostics& diags) const {
    BodyContent content;
    content.missing_item_range = MissingItemRange();
    if (!CheckObject(diags)) return content;
    for (const json::Member& m : obj_->members) {
      if (m.key == "//" || hidden_.contains(m.key)) continue;
      bool is_attr = false;
      for (const AttributeSchema& a : schema.attributes) is_attr |= a.name == m.key;
      if (is_attr) {
        if (content.attributes.contains(m.key)) {
          diags.push_back(ErrorAt(m.key_range, "Duplicate argument",
                                  fmt::format("The argument \"{}\" was already set.", m.key)));
          continue;
        }
        content.attributes[m.key] = MakeAttr(m);
        continue;
      }
      const BlockHeaderSchema* bs = nullptr;
      for (const BlockHeaderSchema& b : schema.blocks)
        if (b.type == m.key) bs = &b;
      if (bs) {
        DecodeBlocks(m, *bs, m.value, {}, {}, content.blocks, diags);
        continue;
      }
      if (remain) continue;
      diags.push_back(ErrorAt(m.key_range, "Extraneous JSON object property",
                              fmt::format("No argument or block type is named \"{}\".", m.key)));
    }
    for (const AttributeSchema& a : schema.attributes)
      if (a.required && !content.attributes.contains(a.name))
        diags.push_back(ErrorAt(MissingItemRange(), "Missing required argument",
                                fmt::format("The argument \"{}\" is required, but no definition "
                                            "was found.",
                                            a.name)));
    if (remain) {
      auto r = std::make_shared<JsonBody>(root_, *obj_);
      r->hidden_ = hidden_;
      for (const AttributeSchema& a : schema.attributes) r->hidden_.insert(a.name);
      for (const BlockHeaderSchema& b : schema.blocks) r->hidden_.insert(b.type);
      *remain = r;
    }
    return content;
  }

  // Labels are nested object keys; any level may be an array of objects.
  void DecodeBlocks(const json::Member& m, const BlockHeaderSchema& bs, const json::Value& v,
                    std::vector<std::string> labels, std::vector<Range> label_ranges,
                    std::vector<Block>& out, Diagnostics& diags) const {
    if (v.kind == json::Kind::kArray) {
      for (const json::Value& e : v.items) DecodeBlocks(m, bs, e, labels, label_ranges, out, diags);
      return;
    }
    if (v.kind != json::Kind::kObject) {
      diags.push_back(ErrorAt(v.range, "Incorrect JSON value type",
                              fmt::format("A JSON object is required here, to define {} \"{}\" "
                                          "block.",
                                          labels.size() < bs.label_names.size()
                                              ? "labels for a"
                                              : "the content of a",
                                          bs.type)));
      return;
    }
    if (labels.size() < bs.label_names.size()) {
      if (v.members.empty()) {
        diags.push_back(ErrorAt(v.range, fmt::format("Missing {} for {}",
                                                     bs.label_names[labels.size()], bs.type),
                                fmt::format("All {} blocks must have {} labels.", bs.type,
                                            bs.label_names.size())));
        return;
      }
      for (const json::Member& lm : v.members) {
        auto l = labels;
        auto lr = label_ranges;
        l.push_back(lm.key);
        lr.push_back(lm.key_range);
        DecodeBlocks(m, bs, lm.value, l, lr, out, diags);
      }
      return;
    }
    Block b;
    b.type = bs.type;
    b.labels = std::move(labels);
    b.label_ranges = std::move(label_ranges);
    b.type_range = m.key_range;
    b.def_range = b.label_ranges.empty() ? m.key_range : RangeBetween(m.key_range, b.label_ranges.back());
    b.body = std::make_shared<JsonBody>(root_, v);
    out.push_back(std::move(b));
  }

  JsonRoot root_;
  const json::Value* obj_;
};

const JsonExpr* AsJson(const Expression& e) { return dynamic_cast<const JsonExpr*>(&e); }

}  // namespace

File ParseJSON(std::string_view src, const std::string& filename, Diagnostics& diags) {
  File file;
  file.filename = filename;
  file.bytes = std::string(src);
  auto parsed = json::Parse(src, filename);
  if (!parsed) {
    diags.push_back(parsed.error());
    auto empty = std::make_shared<json::Value>();
    empty->kind = json::Kind::kObject;
    empty->range = Range{filename, {}, {}};
    file.body = std::make_shared<JsonBody>(empty, *empty);
    return file;
  }
  auto root = std::make_shared<const json::Value>(std::move(*parsed));
  if (root->kind != json::Kind::kObject) {
    diags.push_back(ErrorAt(root->range, "Invalid JSON configuration",
                            "The root of a JSON configuration file must be an object."));
  }
  file.body = std::make_shared<JsonBody>(root, *root);
  return file;
}

BodyPtr JSONBody(std::shared_ptr<const json::Value> root, const json::Value& object) {
  return std::make_shared<JsonBody>(std::move(root), object);
}

ExprPtr JSONExpression(std::shared_ptr<const json::Value> root, const json::Value& value) {
  return std::make_shared<JsonExpr>(std::move(root), value);
}

bool JSONExprList(const Expression& expr, std::vector<ExprPtr>* out) {
  const JsonExpr* j = AsJson(expr);
  if (!j || j->value().kind != json::Kind::kArray) return false;
  for (const json::Value& e : j->value().items) out->push_back(std::make_shared<JsonExpr>(j->root(), e));
  return true;
}

bool JSONExprMap(const Expression& expr, std::vector<KeyValueExpr>* out) {
  const JsonExpr* j = AsJson(expr);
  if (!j || j->value().kind != json::Kind::kObject) return false;
  for (const json::Member& m : j->value().members) {
    auto key = std::make_shared<LiteralExpr>();
    key->value = Value::String(m.key);
    key->range_ = m.key_range;
    out->push_back({key, std::make_shared<JsonExpr>(j->root(), m.value)});
  }
  return true;
}

std::optional<Traversal> JSONAbsTraversal(const Expression& expr, Diagnostics& diags) {
  const JsonExpr* j = AsJson(expr);
  if (!j || j->value().kind != json::Kind::kString) {
    diags.push_back(ErrorAt(expr.range(), "Invalid expression",
                            "A single static variable reference is required, given as a string "
                            "in JSON."));
    return std::nullopt;
  }
  Pos start = j->value().range.start;
  start.column += 1;
  start.byte += 1;
  return ParseTraversalAbs(j->value().text, j->value().range.file, diags, start);
}

std::string JSONAsKeyword(const Expression& expr) {
  const JsonExpr* j = AsJson(expr);
  if (!j || j->value().kind != json::Kind::kString) return "";
  return j->value().text;
}

}  // namespace kiln::hcl
