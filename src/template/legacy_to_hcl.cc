#include "template/legacy_to_hcl.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "catalog/catalog.h"
#include "interpolate/parser.h"
#include "template/prepare.h"
#include "template/weak_decode.h"

namespace kiln::tmpl {
namespace {

using json::Kind;
using json::Value;

// ---------------------------------------------------------------------------
// Output: a body is a list of attributes and blocks; attributes in a run are
// aligned on '=' as `packer fmt` does.

struct Item {
  std::vector<std::string> comments;  // "# ..." lines above
  bool blank_before = false;
  std::string key;
  bool is_block = false;
  std::string value;         // attribute: the expression (may span lines)
  std::string labels;        // block: ` "a" "b"` (with the leading space)
  std::vector<Item> body;    // block
};

std::string Pad(int depth) { return std::string(static_cast<std::size_t>(depth) * 2, ' '); }

void Render(const std::vector<Item>& items, int depth, std::string& out) {
  std::size_t i = 0;
  while (i < items.size()) {
    if (items[i].is_block) {
      const Item& b = items[i];
      if (b.blank_before && !out.empty() && !out.ends_with("{\n")) out += "\n";
      for (const std::string& c : b.comments) out += Pad(depth) + c + "\n";
      out += Pad(depth) + b.key + b.labels + " {\n";
      Render(b.body, depth + 1, out);
      out += Pad(depth) + "}\n";
      ++i;
      continue;
    }
    // A run of attributes: ends at a block, a comment, a blank line, or
    // right after an attribute whose value spans lines.
    std::size_t end = i;
    std::size_t width = 0;
    // An attribute whose value opens a bracket it closes on a later line
    // stands alone, unaligned, as `packer fmt` leaves it.
    auto multi = [&](std::size_t k) { return items[k].value.find('\n') != std::string::npos; };
    if (multi(i)) {
      width = items[i].key.size();
      end = i + 1;
    }
    while (end < items.size() && !items[end].is_block && !multi(end)) {
      if (end > i && (!items[end].comments.empty() || items[end].blank_before)) break;
      width = std::max(width, items[end].key.size());
      ++end;
    }
    for (std::size_t k = i; k < end; ++k) {
      const Item& a = items[k];
      if (a.blank_before && !out.empty() && !out.ends_with("{\n")) out += "\n";
      for (const std::string& c : a.comments) out += Pad(depth) + c + "\n";
      out += fmt::format("{}{:<{}} = {}\n", Pad(depth), a.key, width, a.value);
    }
    i = end;
  }
}

// ---------------------------------------------------------------------------
// Strings and {{ }} calls.

// The body of an HCL quoted template: escapes, and literal "${"/"%{" doubled.
std::string EscapeTemplateText(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '$':
      case '%':
        out += c;
        if (i + 1 < s.size() && s[i + 1] == '{') out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else out += c;
    }
  }
  return out;
}

std::string QuoteLiteral(std::string_view s) { return "\"" + EscapeTemplateText(s) + "\""; }

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

struct Translator {
  bool in_variable = false;  // variable defaults: only env() may be called
  bool in_builder = false;   // a source's options: build_name/build_type stay legacy
  // {{user `x`}}: a variable, or a local (a JSON variable whose default
  // used other variables or functions); an undeclared one renders as "",
  // as in the JSON template.
  std::set<std::string> variables, locals;
  bool used_timestamp = false;
  std::vector<std::string>* untranslated = nullptr;

  // An HCL expression for one operand, or nullopt.
  std::optional<std::string> Operand(const interpolate::Operand& op) {
    using K = interpolate::Operand::Kind;
    switch (op.kind) {
      case K::kString: return "\"" + EscapeTemplateText(op.text) + "\"";
      case K::kNumber: return op.text.empty() ? std::to_string(op.int_value) : op.text;
      case K::kBool: return op.bool_value ? "true" : "false";
      case K::kPipeline: return op.pipeline ? Pipeline(*op.pipeline) : std::nullopt;
      case K::kFunction: return Call(op.text, {});
      default: return std::nullopt;
    }
  }

  static std::optional<std::string> Literal(const interpolate::Operand& op) {
    if (op.kind == interpolate::Operand::Kind::kString) return op.text;
    return std::nullopt;
  }

  std::optional<std::string> Call(const std::string& fn, const std::vector<std::string>& a,
                                  const std::vector<const interpolate::Operand*>& raw = {}) {
    auto n = [&](std::size_t count) { return a.size() == count; };
    auto literal = [&](std::size_t i) -> std::optional<std::string> {
      if (i < raw.size() && raw[i]) return Literal(*raw[i]);
      return std::nullopt;
    };
    if (fn == "user" && n(1) && !in_variable) {
      std::optional<std::string> name = literal(0);
      if (!name) return std::nullopt;
      if (locals.contains(*name)) return "local." + *name;
      if (variables.contains(*name)) return IsIdentifier(*name) ? std::optional("var." + *name) : std::nullopt;
      return "\"\"";
    }
    if (fn == "env" && n(1)) return fmt::format("env({})", a[0]);
    if (in_variable) return std::nullopt;
    if (fn == "timestamp" && n(0)) {
      used_timestamp = true;
      return "local.timestamp";
    }
    if (fn == "isotime" && n(0)) return "timestamp()";
    if (fn == "isotime" && n(1)) return fmt::format("legacy_isotime({})", a[0]);
    if (fn == "strftime" && n(1)) return fmt::format("legacy_strftime({})", a[0]);
    if (fn == "uuid" && n(0)) return "uuidv4()";
    if (fn == "pwd" && n(0)) return "path.cwd";
    if (fn == "template_dir" && n(0)) return "path.root";
    if (fn == "packer_version" && n(0)) return "packer.version";
    if (fn == "build_name" && n(0) && !in_builder) return "source.name";
    if (fn == "build_type" && n(0) && !in_builder) return "source.type";
    if (fn == "build" && n(1)) {
      std::optional<std::string> key = literal(0);
      if (key && IsIdentifier(*key)) return "build." + *key;
      return std::nullopt;
    }
    if ((fn == "upper" || fn == "lower" || fn == "consul_key") && n(1))
      return fmt::format("{}({})", fn, a[0]);
    if ((fn == "vault" || fn == "aws_secretsmanager") && n(2))
      return fmt::format("{}({}, {})", fn, a[0], a[1]);
    if (fn == "aws_secretsmanager" && n(1)) return fmt::format("aws_secretsmanager({}, null)", a[0]);
    if (fn == "aws_secretsmanager_raw" && n(1)) return fmt::format("aws_secretsmanager_raw({})", a[0]);
    if (fn == "split" && n(3)) return fmt::format("element(split({}, {}), {})", a[1], a[0], a[2]);
    if (fn == "replace_all" && n(3)) return fmt::format("replace({}, {}, {})", a[2], a[0], a[1]);
    return std::nullopt;
  }

  std::optional<std::string> Pipeline(const interpolate::Pipeline& p) {
    std::optional<std::string> previous;
    for (const interpolate::Command& cmd : p.commands) {
      if (cmd.args.empty()) return std::nullopt;
      const interpolate::Operand& head = cmd.args[0];
      if (head.kind != interpolate::Operand::Kind::kFunction) {
        if (cmd.args.size() != 1 || previous) return std::nullopt;
        previous = Operand(head);
        if (!previous) return std::nullopt;
        continue;
      }
      std::vector<std::string> args;
      std::vector<const interpolate::Operand*> raw;
      for (std::size_t i = 1; i < cmd.args.size(); ++i) {
        std::optional<std::string> e = Operand(cmd.args[i]);
        if (!e) return std::nullopt;
        args.push_back(*e);
        raw.push_back(&cmd.args[i]);
      }
      if (previous) {
        args.push_back(*previous);
        raw.push_back(nullptr);
      }
      previous = Call(head.text, args, raw);
      if (!previous) return std::nullopt;
    }
    return previous;
  }

  struct Translated {
    std::string quoted;               // an HCL quoted template
    std::optional<std::string> bare;  // the expression, when the string is one call
    bool kept = false;                // some part was kept as written
  };

  Translated String(std::string_view text) {
    Translated t;
    Result<interpolate::NodeList> nodes = interpolate::Parse(text);
    if (!nodes) {
      Keep(text);
      t.quoted = QuoteLiteral(text);
      t.kept = true;
      return t;
    }
    std::string body;
    int actions = 0;
    bool only_action = true;
    std::optional<std::string> single;
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      const interpolate::Node& node = (*nodes)[i];
      std::string_view source = text.substr(node.begin, node.end - node.begin);
      switch (node.kind) {
        case interpolate::Node::Kind::kText: {
          std::string_view s = node.text;
          // A trim marker on a neighbouring action eats the whitespace.
          if (i > 0 && (*nodes)[i - 1].kind == interpolate::Node::Kind::kAction && (*nodes)[i - 1].trim_right)
            while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
          if (i + 1 < nodes->size() && (*nodes)[i + 1].trim_left)
            while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
          if (!s.empty()) only_action = false;
          body += EscapeTemplateText(s);
          break;
        }
        case interpolate::Node::Kind::kComment:
          break;
        case interpolate::Node::Kind::kAction: {
          ++actions;
          std::optional<std::string> e = Pipeline(node.pipeline);
          if (e) {
            body += "${" + *e + "}";
            single = e;
          } else {
            // {{ .Field }} is rendered later by the component itself, in
            // HCL templates too; anything else is kept and reported.
            if (!RenderedByPlugin(node.pipeline)) {
              Keep(source);
              t.kept = true;
            }
            body += EscapeTemplateText(source);
            only_action = false;
          }
          break;
        }
        default:
          Keep(source);
          t.kept = true;
          body += EscapeTemplateText(source);
          only_action = false;
      }
    }
    t.quoted = "\"" + body + "\"";
    if (actions == 1 && only_action && single) t.bare = single;
    return t;
  }

  // {{ .Field }}, clean_resource_name (the amazon plugin's) and, in a
  // source, build_name/build_type are rendered later by the component
  // itself, in HCL2 templates too: they stay as written.
  bool RenderedByPlugin(const interpolate::Pipeline& p) const {
    if (p.commands.empty() || p.commands[0].args.empty()) return false;
    const interpolate::Operand& head = p.commands[0].args[0];
    using K = interpolate::Operand::Kind;
    if (p.commands.size() == 1 && p.commands[0].args.size() == 1 && (head.kind == K::kField || head.kind == K::kDot))
      return true;
    if (head.kind != K::kFunction) return false;
    if (head.text == "clean_resource_name") return true;
    return in_builder && (head.text == "build_name" || head.text == "build_type");
  }

  void Keep(std::string_view source) {
    if (untranslated) untranslated->push_back(std::string(source));
  }
};

// ---------------------------------------------------------------------------
// Values in the types of their options.

class Writer {
 public:
  Writer(Translator& tr) : tr_(tr) {}

  // The attribute value for `v`; `depth` is the attribute's indentation.
  std::string Expr(const Value& v, const Option* opt, int depth, std::vector<std::string>& comments) {
    OptionKind kind = opt ? opt->kind : OptionKind::kAny;
    switch (v.kind) {
      case Kind::kNull: return "null";
      case Kind::kBool:
        if (kind == OptionKind::kString || kind == OptionKind::kDuration)
          return QuoteLiteral(v.boolean ? "true" : "false");
        return v.boolean ? "true" : "false";
      case Kind::kNumber:
        if (kind == OptionKind::kString) return QuoteLiteral(v.text);
        if (kind == OptionKind::kDuration) return QuoteLiteral(v.text + "ns");
        if (kind == OptionKind::kBool) {
          std::optional<bool> b = WeakBool(v);
          return b ? (*b ? "true" : "false") : v.text;
        }
        if (kind == OptionKind::kStringList) return "[" + QuoteLiteral(v.text) + "]";
        return v.text;
      case Kind::kString: return StringExpr(v.text, kind, comments);
      case Kind::kArray: {
        const Option elem{.name = "", .kind = kind == OptionKind::kIntList ? OptionKind::kInt
                                              : kind == OptionKind::kStringList ? OptionKind::kString
                                                                                : OptionKind::kAny};
        std::vector<std::string> items;
        bool multi = false;
        for (const Value& item : v.items) {
          items.push_back(Expr(item, &elem, depth + 1, comments));
          multi = multi || item.is_object() || items.back().find('\n') != std::string::npos;
        }
        if (!multi) {
          std::string out = "[";
          for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
          return out + "]";
        }
        std::string out = "[\n";
        for (const std::string& item : items) out += Pad(depth + 1) + item + ",\n";
        return out + Pad(depth) + "]";
      }
      case Kind::kObject: {
        if (v.members.empty()) return "{}";
        const Option elem{.name = "", .kind = kind == OptionKind::kStringMap ? OptionKind::kString : OptionKind::kAny};
        std::vector<Item> items;
        for (const json::Member& m : v.members) {
          Item it;
          it.key = IsIdentifier(m.key) ? m.key : QuoteLiteral(m.key);
          it.value = Expr(m.value, &elem, depth + 1, comments);
          items.push_back(std::move(it));
        }
        std::string out = "{\n";
        Render(items, depth + 1, out);
        return out + Pad(depth) + "}";
      }
    }
    return "null";
  }

  std::string StringExpr(const std::string& text, OptionKind kind, std::vector<std::string>& comments) {
    bool templated = text.find("{{") != std::string::npos;
    if (!templated) {
      if (kind == OptionKind::kBool) {
        if (std::optional<bool> b = WeakBool(text)) return *b ? "true" : "false";
      } else if (kind == OptionKind::kInt) {
        if (std::optional<long long> n = WeakInt(text)) return std::to_string(*n);
      } else if (kind == OptionKind::kFloat) {
        Value tmp;
        tmp.kind = Kind::kString;
        tmp.text = text;
        if (WeakFloat(tmp)) return text;
      } else if (kind == OptionKind::kStringList || kind == OptionKind::kIntList) {
        // Packer splits a lone string on commas.
        std::string out = "[";
        std::size_t start = 0;
        bool first = true;
        while (start <= text.size()) {
          std::size_t comma = text.find(',', start);
          if (comma == std::string::npos) comma = text.size();
          std::string part = text.substr(start, comma - start);
          std::optional<long long> n = kind == OptionKind::kIntList ? WeakInt(part) : std::nullopt;
          out += (first ? "" : ", ") + (n ? std::to_string(*n) : QuoteLiteral(part));
          first = false;
          start = comma + 1;
        }
        return out + "]";
      }
      return QuoteLiteral(text);
    }
    Translator::Translated t = tr_.String(text);
    if (t.kept)
      comments.push_back(fmt::format("# kiln hcl2_upgrade: could not translate {}: kept as written", QuoteLiteral(text)));
    if (t.bare && kind != OptionKind::kString && kind != OptionKind::kDuration && kind != OptionKind::kAny) {
      if (kind == OptionKind::kStringList || kind == OptionKind::kIntList) return fmt::format("split(\",\", {})", *t.bare);
      return *t.bare;
    }
    return t.quoted;
  }

  // Items for an object's members, decoded against `schema` (may be null);
  // nested blocks for kBlock and kBlockList options. Sorted by key, as
  // Packer writes them.
  std::vector<Item> Body(const Value& obj, const Schema* schema, int depth) {
    std::vector<Item> items;
    std::vector<const json::Member*> members;
    for (const json::Member& m : obj.members) members.push_back(&m);
    std::stable_sort(members.begin(), members.end(),
                     [](const json::Member* a, const json::Member* b) { return a->key < b->key; });
    for (const json::Member* m : members) {
      const Option* opt = schema ? schema->Find(m->key) : nullptr;
      if (opt && opt->kind == OptionKind::kBlock && m->value.is_object()) {
        Item b;
        b.key = m->key;
        b.is_block = true;
        b.body = Body(m->value, opt->block, depth + 1);
        items.push_back(std::move(b));
        continue;
      }
      if (opt && opt->kind == OptionKind::kBlockList && m->value.is_array() &&
          std::all_of(m->value.items.begin(), m->value.items.end(), [](const Value& x) { return x.is_object(); })) {
        for (const Value& each : m->value.items) {
          Item b;
          b.key = m->key;
          b.is_block = true;
          b.body = Body(each, opt->block, depth + 1);
          items.push_back(std::move(b));
        }
        continue;
      }
      items.push_back(Attr(m->key, m->value, opt, depth));
    }
    return items;
  }

  Item Attr(const std::string& key, const Value& v, const Option* opt, int depth) {
    Item it;
    it.key = IsIdentifier(key) ? key : QuoteLiteral(key);
    it.value = Expr(v, opt, depth, it.comments);
    return it;
  }

 private:
  Translator& tr_;
};

Item RawAttr(std::string key, std::string value) {
  Item it;
  it.key = std::move(key);
  it.value = std::move(value);
  return it;
}

std::string ListOf(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + QuoteLiteral(names[i]);
  return out + "]";
}

}  // namespace

std::string UpgradedSourceName(const Component& builder, std::size_t index) {
  std::string name = builder.name;
  while (!name.empty() && name.front() == ' ') name.erase(0, 1);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  std::replace(name.begin(), name.end(), ' ', '_');
  // A source is referenced as source.<type>.<name>: the name must be an
  // identifier ("5" or "{{user `x`}}" cannot be).
  if (name.empty() || name == builder.type || !IsIdentifier(name)) return fmt::format("autogenerated_{}", index + 1);
  return name;
}

UpgradeResult UpgradeToHcl(const Template& t, const UpgradeOptions& options) {
  UpgradeResult result;
  Translator tr;
  tr.untranslated = &result.untranslated;
  Writer w(tr);
  const bool notes = options.with_annotations;

  // Build names of the JSON template -> "type.source_name" in HCL, and the
  // bare source name that override keys use.
  std::map<std::string, std::string> full_names, source_names;
  for (std::size_t i = 0; i < t.builders.size(); ++i) {
    const Component& b = t.builders[i];
    std::string name = UpgradedSourceName(b, i);
    full_names.emplace(b.name, b.type + "." + name);
    source_names.emplace(b.name, name);
  }
  auto map_names = [&](const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const std::string& n : names) {
      auto it = full_names.find(n);
      out.push_back(it == full_names.end() ? n : it->second);
    }
    return out;
  };

  std::vector<Item> top;

  if (!t.min_packer_version.empty()) {
    Item packer;
    packer.key = "packer";
    packer.is_block = true;
    packer.blank_before = true;
    if (notes) packer.comments.push_back("# The Packer version this template needs (min_packer_version).");
    packer.body.push_back(RawAttr("required_version", QuoteLiteral(">= " + t.min_packer_version)));
    top.push_back(std::move(packer));
  }

  // Variables, sorted by name. JSON variables are strings. One whose default
  // uses other variables or functions (other than env) becomes a local, as
  // HCL2 variables cannot refer to anything.
  std::vector<const Variable*> vars;
  for (const Variable& v : t.variables) vars.push_back(&v);
  std::sort(vars.begin(), vars.end(), [](const Variable* a, const Variable* b) { return a->name < b->name; });
  auto default_node = [](const Variable& v) {
    if (v.default_node.is_string()) return v.default_node;
    Value s;
    s.kind = Kind::kString;
    s.text = v.default_value.value_or("");
    return s;
  };
  for (const Variable* v : vars) {
    if (v->default_value && v->default_value->find("{{") != std::string::npos) {
      Translator probe;
      probe.in_variable = true;
      if (probe.String(*v->default_value).kept) {
        tr.locals.insert(v->name);
        continue;
      }
    }
    tr.variables.insert(v->name);
  }
  bool first_var = true;
  std::vector<Item> variable_locals;
  for (const Variable* v : vars) {
    const Option str{.name = "default", .kind = OptionKind::kString};
    if (tr.locals.contains(v->name)) {
      Item value = w.Attr(v->name, default_node(*v), &str, 1);
      if (!v->sensitive) {
        variable_locals.push_back(std::move(value));
        continue;
      }
      Item block;
      block.key = "local";
      block.labels = " " + QuoteLiteral(v->name);
      block.is_block = true;
      block.blank_before = true;
      value.key = "expression";
      block.body.push_back(std::move(value));
      block.body.push_back(RawAttr("sensitive", "true"));
      top.push_back(std::move(block));
      continue;
    }
    Item block;
    block.key = "variable";
    block.labels = " " + QuoteLiteral(v->name);
    block.is_block = true;
    block.blank_before = true;
    if (notes && first_var)
      block.comments.push_back("# Variables: every JSON variable is a string; change the types as you need.");
    first_var = false;
    block.body.push_back(RawAttr("type", "string"));
    if (v->default_value) {
      tr.in_variable = true;
      Item def = w.Attr("default", default_node(*v), &str, 1);
      tr.in_variable = false;
      block.body.push_back(std::move(def));
    }
    if (v->sensitive) block.body.push_back(RawAttr("sensitive", "true"));
    top.push_back(std::move(block));
  }
  if (!variable_locals.empty()) {
    Item locals;
    locals.key = "locals";
    locals.is_block = true;
    locals.blank_before = true;
    locals.comments.push_back("# JSON variables whose defaults used other variables or functions.");
    locals.body = std::move(variable_locals);
    top.push_back(std::move(locals));
  }

  // Sources first (they decide whether the timestamp local is needed).
  std::vector<Item> sources;
  std::vector<std::string> source_refs;
  for (std::size_t i = 0; i < t.builders.size(); ++i) {
    const Component& b = t.builders[i];
    std::string name = UpgradedSourceName(b, i);
    Item block;
    block.key = "source";
    block.labels = fmt::format(" {} {}", QuoteLiteral(b.type), QuoteLiteral(name));
    block.is_block = true;
    block.blank_before = true;
    if (notes && i == 0)
      block.comments.push_back("# One source block per JSON builder; the build block below runs them.");
    tr.in_builder = true;
    block.body = w.Body(b.options, catalog::FindSchema(catalog::Kind::kBuilder, b.type), 1);
    tr.in_builder = false;
    sources.push_back(std::move(block));
    source_refs.push_back(fmt::format("source.{}.{}", b.type, name));
  }

  Item build;
  build.key = "build";
  build.is_block = true;
  build.blank_before = true;
  if (notes) build.comments.push_back("# The build: its sources, then provisioners and post-processors in order.");
  if (!t.description.empty()) build.body.push_back(RawAttr("description", QuoteLiteral(t.description)));
  Item sources_attr = RawAttr("sources", ListOf(source_refs));
  sources_attr.blank_before = !build.body.empty();
  build.body.push_back(std::move(sources_attr));

  auto provisioner_block = [&](const Provisioner& p, std::string key, int depth) {
    Item block;
    block.key = std::move(key);
    block.labels = " " + QuoteLiteral(p.type);
    block.is_block = true;
    block.blank_before = true;
    const Schema* schema = catalog::FindSchema(catalog::Kind::kProvisioner, p.type);
    block.body = w.Body(p.options, schema, depth + 1);
    std::vector<Item> common = w.Body(p.common, &ProvisionerCommonOptions(), depth + 1);
    block.body.insert(block.body.end(), common.begin(), common.end());
    if (!p.only.empty()) block.body.push_back(RawAttr("only", ListOf(map_names(p.only))));
    if (!p.except.empty()) block.body.push_back(RawAttr("except", ListOf(map_names(p.except))));
    if (!p.overrides.empty()) {
      std::vector<Item> per_source;
      for (const auto& [name, opts] : p.overrides) {
        auto it = source_names.find(name);
        Item o;
        o.key = it == source_names.end() ? name : it->second;
        if (!IsIdentifier(o.key)) o.key = QuoteLiteral(o.key);
        std::vector<Item> body = w.Body(opts, schema, depth + 3);
        // Nested blocks cannot appear in an object: write them as objects.
        std::string value = "{\n";
        std::vector<Item> attrs;
        for (Item& b : body) {
          if (b.is_block) {
            std::string inner = "{\n";
            Render(b.body, depth + 4, inner);
            attrs.push_back(RawAttr(b.key, inner + Pad(depth + 3) + "}"));
          } else {
            attrs.push_back(std::move(b));
          }
        }
        Render(attrs, depth + 3, value);
        o.value = value + Pad(depth + 2) + "}";
        per_source.push_back(std::move(o));
      }
      std::string value = "{\n";
      Render(per_source, depth + 2, value);
      block.body.push_back(RawAttr("override", value + Pad(depth + 1) + "}"));
    }
    return block;
  };

  for (const Provisioner& p : t.provisioners) build.body.push_back(provisioner_block(p, "provisioner", 1));

  auto pp_block = [&](const PostProcessor& pp, int depth) {
    Item block;
    block.key = "post-processor";
    block.labels = " " + QuoteLiteral(pp.type);
    block.is_block = true;
    block.blank_before = depth == 1;
    block.body = w.Body(pp.options, catalog::FindSchema(catalog::Kind::kPostProcessor, pp.type), depth + 1);
    if (!pp.name.empty() && pp.name != pp.type) block.body.push_back(RawAttr("name", QuoteLiteral(pp.name)));
    if (pp.keep_input_artifact)
      block.body.push_back(RawAttr("keep_input_artifact", *pp.keep_input_artifact ? "true" : "false"));
    if (!pp.only.empty()) block.body.push_back(RawAttr("only", ListOf(map_names(pp.only))));
    if (!pp.except.empty()) block.body.push_back(RawAttr("except", ListOf(map_names(pp.except))));
    std::stable_sort(block.body.begin(), block.body.end(), [](const Item& a, const Item& b) {
      return !a.is_block && !b.is_block ? a.key < b.key : (!a.is_block && b.is_block);
    });
    return block;
  };

  for (const Chain& chain : t.post_processors) {
    if (chain.size() == 1) {
      build.body.push_back(pp_block(chain.front(), 1));
      continue;
    }
    Item seq;
    seq.key = "post-processors";
    seq.is_block = true;
    seq.blank_before = true;
    for (const PostProcessor& pp : chain) seq.body.push_back(pp_block(pp, 2));
    build.body.push_back(std::move(seq));
  }

  if (t.error_cleanup_provisioner)
    build.body.push_back(provisioner_block(*t.error_cleanup_provisioner, "error-cleanup-provisioner", 1));

  if (tr.used_timestamp) {
    Item locals;
    locals.key = "locals";
    locals.is_block = true;
    locals.blank_before = true;
    locals.comments.push_back("# {{timestamp}} of the JSON template: the build's start time as digits.");
    locals.body.push_back(RawAttr("timestamp", "regex_replace(timestamp(), \"[- TZ:]\", \"\")"));
    top.push_back(std::move(locals));
  }
  for (Item& s : sources) top.push_back(std::move(s));
  top.push_back(std::move(build));

  std::string out;
  if (notes) {
    out += "# Generated by 'kiln hcl2_upgrade' from " + t.path + ".\n";
    out += "# Check the result before relying on it: values kiln could not translate are\n";
    out += "# kept as written, with a comment above them.\n";
  }
  Render(top, 0, out);
  if (out.starts_with("\n")) out.erase(0, 1);
  result.text = std::move(out);
  return result;
}

}  // namespace kiln::tmpl
