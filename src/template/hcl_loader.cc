#include "template/hcl_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>

#include "catalog/catalog.h"
#include "hcl/convert.h"
#include "hcl/eval.h"
#include "hcl/functions/functions.h"
#include "hcl/parser.h"
#include "template/prepare.h"

extern char** environ;

namespace kiln::tmpl {

namespace fs = std::filesystem;

bool IsHclTemplatePath(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  return path.ends_with(".pkr.hcl") || path.ends_with(".pkr.json") || path.ends_with(".hcl");
}

namespace {

using hcl::Value;

// ---------------------------------------------------------------------------
// HCL values -> the model's JSON values.

std::string ScalarString(const Value& v) {
  if (v.is_null() || !v.is_known()) return "";
  switch (v.type().kind()) {
    case hcl::TypeKind::kString: return v.AsString();
    case hcl::TypeKind::kNumber: return hcl::FormatNumber(v.AsNumber());
    case hcl::TypeKind::kBool: return v.AsBool() ? "true" : "false";
    default: return v.UnmarkedDeep().DebugString();
  }
}

void CollectSecrets(const Value& v, bool marked, std::vector<std::string>& secrets) {
  if (!v.is_known() || v.is_null()) return;
  marked = marked || v.sensitive();
  const hcl::Type& t = v.type();
  if (t.is_primitive()) {
    if (marked) secrets.push_back(ScalarString(v));
    return;
  }
  if (t.is_list() || t.is_set() || t.is_tuple())
    for (const Value& e : v.Elements()) CollectSecrets(e, marked, secrets);
  else if (t.is_map() || t.is_object())
    for (const auto& [k, e] : v.Attributes()) CollectSecrets(e, marked, secrets);
}

json::Value ToJson(const Value& v, const SourceRange& range) {
  json::Value out;
  out.range = range;
  if (v.is_null() || !v.is_known()) return out;
  const hcl::Type& t = v.type();
  switch (t.kind()) {
    case hcl::TypeKind::kString:
      out.kind = json::Kind::kString;
      out.text = v.AsString();
      break;
    case hcl::TypeKind::kNumber:
      out.kind = json::Kind::kNumber;
      out.text = hcl::FormatNumber(v.AsNumber());
      break;
    case hcl::TypeKind::kBool:
      out.kind = json::Kind::kBool;
      out.boolean = v.AsBool();
      break;
    case hcl::TypeKind::kList:
    case hcl::TypeKind::kSet:
    case hcl::TypeKind::kTuple:
      out.kind = json::Kind::kArray;
      for (const Value& e : v.Elements()) out.items.push_back(ToJson(e, range));
      break;
    case hcl::TypeKind::kMap:
    case hcl::TypeKind::kObject:
      out.kind = json::Kind::kObject;
      for (const auto& [k, e] : v.Attributes())
        out.members.push_back(json::Member{.key = k, .key_range = range, .value = ToJson(e, range)});
      break;
    default:
      break;
  }
  return out;
}

void SetMember(json::Value& obj, json::Member m) {
  for (json::Member& existing : obj.members)
    if (existing.key == m.key) {
      existing = std::move(m);
      return;
    }
  obj.members.push_back(std::move(m));
}

// The attributes `schema` names; the rest of the body is left alone.
hcl::BodyContent Peek(const hcl::BodyPtr& body, const hcl::BodySchema& schema, Diagnostics& diags) {
  hcl::BodyPtr rest;
  return body->PartialContent(schema, &rest, diags);
}

json::Value EmptyObject(const SourceRange& range) {
  json::Value v;
  v.kind = json::Kind::kObject;
  v.range = range;
  return v;
}

// ---------------------------------------------------------------------------
// Versions: "1.6.6" against constraints such as ">= 1.5.0, < 2".

std::vector<int> ParseVersion(std::string_view s) {
  std::vector<int> parts;
  int n = 0;
  bool any = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      n = n * 10 + (c - '0');
      any = true;
    } else if (c == '.') {
      parts.push_back(n);
      n = 0;
      any = false;
    } else {
      break;
    }
  }
  if (any) parts.push_back(n);
  while (parts.size() < 3) parts.push_back(0);
  return parts;
}

std::optional<bool> SatisfiesConstraint(std::string_view version, std::string_view constraints) {
  std::vector<int> have = ParseVersion(version);
  std::size_t start = 0;
  while (start <= constraints.size()) {
    std::size_t comma = constraints.find(',', start);
    if (comma == std::string_view::npos) comma = constraints.size();
    std::string_view c = constraints.substr(start, comma - start);
    start = comma + 1;
    while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
    while (!c.empty() && c.back() == ' ') c.remove_suffix(1);
    if (c.empty()) continue;
    std::string op;
    while (!c.empty() && std::string_view("<>=!~").find(c.front()) != std::string_view::npos) {
      op += c.front();
      c.remove_prefix(1);
    }
    while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
    if (c.empty() || !std::isdigit(static_cast<unsigned char>(c.front()))) return std::nullopt;
    std::vector<int> want = ParseVersion(c);
    int cmp = have < want ? -1 : have > want ? 1 : 0;
    bool ok = op.empty() || op == "=" ? cmp == 0
              : op == "!="            ? cmp != 0
              : op == ">"             ? cmp > 0
              : op == ">="            ? cmp >= 0
              : op == "<"             ? cmp < 0
              : op == "<="            ? cmp <= 0
              : op == "~>"            ? cmp >= 0 && have[0] == want[0] &&
                                 (std::count(c.begin(), c.end(), '.') >= 2 ? have[1] == want[1] : true)
                                      : false;
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------

struct VarDecl {
  std::string name;
  hcl::Type type;
  std::optional<Value> default_value;
  bool sensitive = false;
  bool nullable = true;
  std::string description;
  std::vector<hcl::Block> validations;
  SourceRange range;  // the block header
  std::optional<Value> value;
  SourceRange value_range;
};

struct LocalDecl {
  std::string name;
  hcl::ExprPtr expr;
  bool sensitive = false;
  SourceRange range;
};

struct DataDecl {
  std::string type, name;
  hcl::Block block;
};

struct SourceDecl {
  std::string type, name;
  hcl::Block block;
};

// One source as a build runs it.
struct BuildSource {
  std::string type, name;  // HCL names: source "type" "name"
  std::string model_name;  // the model's builder name
  const SourceDecl* decl = nullptr;
  hcl::BodyPtr override_body;  // the build's own source block, if any
};

const std::set<std::string> kBuiltinPlugins = {"amazon", "docker", "qemu", "ansible", "null", "file"};

class Loader {
 public:
  Loader(const HclLoadOptions& options, Diagnostics& diags) : options_(options), diags_(diags) {}

  HclLoaded Load(const std::string& path) {
    HclLoaded out;
    Template& t = out.tmpl;
    t.path = path;
    std::error_code ec;
    bool is_dir = fs::is_directory(path, ec);
    fs::path abs = fs::absolute(path, ec);
    t.dir = (is_dir ? abs : abs.parent_path()).lexically_normal().string();
    if (t.dir.size() > 1 && t.dir.ends_with("/")) t.dir.pop_back();
    root_dir_ = is_dir ? path : fs::path(path).parent_path().string();
    if (root_dir_.empty()) root_dir_ = ".";
    cwd_ = fs::current_path(ec).string();

    std::vector<std::string> files, auto_var_files;
    if (is_dir) {
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        std::string name = entry.path().filename().string();
        if (name.ends_with(".pkr.hcl") || name.ends_with(".pkr.json")) files.push_back(entry.path().string());
        else if (name.ends_with(".auto.pkrvars.hcl") || name.ends_with(".auto.pkrvars.json"))
          auto_var_files.push_back(entry.path().string());
      }
      std::sort(files.begin(), files.end());
      std::sort(auto_var_files.begin(), auto_var_files.end());
      if (files.empty()) {
        diags_.push_back(MakeError(fmt::format("no .pkr.hcl or .pkr.json file in {}", path),
                                   "a template directory holds *.pkr.hcl and *.pkr.json files"));
        return out;
      }
    } else {
      files.push_back(path);
    }

    for (const std::string& f : files) ParseRootFile(f);
    if (HasErrors(diags_)) {
      FillStructure(t);
      return out;
    }
    if (options_.structure_only) {
      FillStructure(t);
      return out;
    }

    ResolveVariables(auto_var_files);
    for (const VarDecl& v : vars_)
      if (v.value) CollectSecrets(v.sensitive ? v.value->Marked() : *v.value, false, out.vars.secrets);
    if (HasErrors(diags_)) {
      FillStructure(t);
      return out;
    }
    EvaluateLocalsAndData();
    for (const auto& [name, value] : locals_) CollectSecrets(value, false, out.vars.secrets);
    CheckPackerBlocks();
    if (HasErrors(diags_)) {
      FillStructure(t);
      return out;
    }
    FillVariables(t);
    out.context = StandaloneContext();
    BuildModel(t);
    return out;
  }

 private:
  // ---- parsing --------------------------------------------------------------

  void ParseRootFile(const std::string& file) {
    hcl::File parsed = hcl::ParseFile(file, diags_);
    if (!parsed.body) return;
    files_.push_back(parsed);
    hcl::BodySchema schema{
        .attributes = {},
        .blocks = {{"packer", {}},
                   {"variable", {"name"}},
                   {"variables", {}},
                   {"locals", {}},
                   {"local", {"name"}},
                   {"data", {"type", "name"}},
                   {"source", {"type", "name"}},
                   {"build", {}}},
    };
    hcl::BodyContent content = parsed.body->Content(schema, diags_);
    for (const hcl::Block& b : content.blocks) {
      if (b.type == "packer") packer_blocks_.push_back(b);
      else if (b.type == "variable") DeclareVariable(b);
      else if (b.type == "variables") DeclareVariables(b);
      else if (b.type == "locals") DeclareLocals(b);
      else if (b.type == "local") DeclareLocal(b);
      else if (b.type == "data") DeclareData(b);
      else if (b.type == "source") DeclareSource(b);
      else if (b.type == "build") builds_.push_back(b);
    }
  }

  bool Duplicate(const std::string& what, const std::string& name, const SourceRange& where) {
    std::string key = what + " " + name;
    auto [it, inserted] = declared_.emplace(key, where);
    if (inserted) return false;
    diags_.push_back(MakeError(where, fmt::format("Duplicate {} \"{}\"", what, name),
                               fmt::format("{} \"{}\" was already declared at {}:{}:{}", what, name, it->second.file,
                                           it->second.start.line, it->second.start.column)));
    return true;
  }

  void DeclareVariable(const hcl::Block& b) {
    const std::string& name = b.labels.at(0);
    if (!hcl::IsValidIdentifier(name)) {
      diags_.push_back(MakeError(b.label_ranges.at(0), "Invalid variable name",
                                 "a name must start with a letter or underscore and may contain only letters, "
                                 "digits, underscores and dashes"));
      return;
    }
    if (Duplicate("variable", name, b.def_range)) return;
    hcl::BodySchema schema{
        .attributes = {{"type"}, {"default"}, {"description"}, {"sensitive"}, {"nullable"}},
        .blocks = {{"validation", {}}},
    };
    hcl::BodyContent c = b.body->Content(schema, diags_);
    VarDecl v;
    v.name = name;
    v.range = b.def_range;
    if (auto it = c.attributes.find("type"); it != c.attributes.end())
      v.type = hcl::TypeConstraint(*it->second.expr, diags_);
    if (auto it = c.attributes.find("description"); it != c.attributes.end())
      v.description = ScalarString(hcl::EvaluateAs(*it->second.expr, nullptr, hcl::Type::String(), "description", diags_));
    if (auto it = c.attributes.find("sensitive"); it != c.attributes.end()) {
      Value s = hcl::EvaluateAs(*it->second.expr, nullptr, hcl::Type::Bool(), "sensitive", diags_);
      v.sensitive = s.is_known() && !s.is_null() && s.AsBool();
    }
    if (auto it = c.attributes.find("nullable"); it != c.attributes.end()) {
      Value s = hcl::EvaluateAs(*it->second.expr, nullptr, hcl::Type::Bool(), "nullable", diags_);
      v.nullable = !s.is_known() || s.is_null() || s.AsBool();
    }
    if (auto it = c.attributes.find("default"); it != c.attributes.end()) {
      // Defaults may call env(), and only defaults may.
      Value d = it->second.expr->Evaluate(&DefaultScope(), diags_);
      auto converted = hcl::Convert(d, v.type);
      if (!converted) {
        diags_.push_back(MakeError(it->second.expr->range(), "Invalid default value for variable",
                                   fmt::format("This default value is not compatible with the variable's type "
                                               "constraint: {}.",
                                               converted.error().Describe())));
      } else {
        v.default_value = *converted;
        v.value = *converted;
        v.value_range = it->second.expr->range();
      }
    }
    for (const hcl::Block& vb : c.blocks) v.validations.push_back(vb);
    vars_.push_back(std::move(v));
  }

  void DeclareVariables(const hcl::Block& b) {
    hcl::Attributes attrs = b.body->JustAttributes(diags_);
    for (const auto& [name, attr] : attrs) {
      if (Duplicate("variable", name, attr.name_range)) continue;
      VarDecl v;
      v.name = name;
      v.range = attr.name_range;
      Value d = attr.expr->Evaluate(&DefaultScope(), diags_);
      v.default_value = d;
      v.value = d;
      v.value_range = attr.expr->range();
      vars_.push_back(std::move(v));
    }
  }

  void DeclareLocals(const hcl::Block& b) {
    hcl::Attributes attrs = b.body->JustAttributes(diags_);
    for (const auto& [name, attr] : attrs) {
      if (Duplicate("local", name, attr.name_range)) continue;
      local_decls_.push_back(LocalDecl{name, attr.expr, false, attr.name_range});
    }
  }

  void DeclareLocal(const hcl::Block& b) {
    const std::string& name = b.labels.at(0);
    if (Duplicate("local", name, b.def_range)) return;
    hcl::BodySchema schema{.attributes = {{"expression", true}, {"sensitive"}}, .blocks = {}};
    hcl::BodyContent c = b.body->Content(schema, diags_);
    LocalDecl l{name, nullptr, false, b.def_range};
    if (auto it = c.attributes.find("expression"); it != c.attributes.end()) l.expr = it->second.expr;
    if (auto it = c.attributes.find("sensitive"); it != c.attributes.end()) {
      Value s = hcl::EvaluateAs(*it->second.expr, nullptr, hcl::Type::Bool(), "sensitive", diags_);
      l.sensitive = s.is_known() && !s.is_null() && s.AsBool();
    }
    if (l.expr) local_decls_.push_back(std::move(l));
  }

  void DeclareData(const hcl::Block& b) {
    const std::string& type = b.labels.at(0);
    if (type != "null") {
      diags_.push_back(MakeError(b.label_ranges.at(0), fmt::format("Unknown data source type \"{}\"", type),
                                 "kiln has the built-in data source \"null\" only"));
      return;
    }
    if (Duplicate("data", type + "." + b.labels.at(1), b.def_range)) return;
    data_decls_.push_back(DataDecl{type, b.labels.at(1), b});
  }

  void DeclareSource(const hcl::Block& b) {
    std::string key = b.labels.at(0) + "." + b.labels.at(1);
    if (Duplicate("source", key, b.def_range)) return;
    sources_.emplace(key, SourceDecl{b.labels.at(0), b.labels.at(1), b});
  }

  hcl::FunctionOptions DefaultFunctionOptions(bool with_env) const {
    hcl::FunctionOptions o;
    o.base_dir = root_dir_;
    if (with_env)
      o.env = [this](const std::string& name) -> std::optional<std::string> { return Env(name); };
    return o;
  }

  std::optional<std::string> Env(const std::string& name) const {
    if (!options_.use_process_env) {
      auto it = options_.env.find(name);
      if (it == options_.env.end()) return std::nullopt;
      return it->second;
    }
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  }

  std::vector<std::pair<std::string, std::string>> EnvPairs() const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!options_.use_process_env) {
      for (const auto& [k, v] : options_.env) out.emplace_back(k, v);
      return out;
    }
    for (char** e = environ; e && *e; ++e) {
      std::string_view kv = *e;
      std::size_t eq = kv.find('=');
      if (eq != std::string_view::npos) out.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return out;
  }

  // ---- variables ------------------------------------------------------------

  VarDecl* FindVar(const std::string& name) {
    for (VarDecl& v : vars_)
      if (v.name == name) return &v;
    return nullptr;
  }

  // A -var or PKR_VAR_ value: a string for string (and untyped) variables,
  // an HCL expression otherwise, as Packer reads them.
  std::optional<Value> RawValue(const VarDecl& v, const std::string& raw, const std::string& origin) {
    if (v.type.is_dynamic() || v.type.kind() == hcl::TypeKind::kString) return Value::String(raw);
    hcl::ExprPtr expr = hcl::ParseExpression(raw, origin, diags_);
    if (!expr) return std::nullopt;
    return expr->Evaluate(nullptr, diags_);
  }

  void Assign(VarDecl& v, const Value& value, const SourceRange& where, const std::string& origin) {
    auto converted = hcl::Convert(value, v.type);
    if (!converted) {
      Error e = MakeError(where, "Invalid value for variable",
                          fmt::format("The value for variable \"{}\" from {} is not compatible with its type "
                                      "constraint: {}.",
                                      v.name, origin, converted.error().Describe()));
      if (where.file.empty()) e.where.reset();
      diags_.push_back(std::move(e));
      return;
    }
    v.value = *converted;
    v.value_range = where;
  }

  void ReadVarFile(const std::string& file, bool is_auto) {
    hcl::File parsed = hcl::ParseFile(file, diags_);
    if (!parsed.body) return;
    files_.push_back(parsed);
    hcl::Attributes attrs = parsed.body->JustAttributes(diags_);
    std::vector<const hcl::Attribute*> ordered;
    for (const auto& [name, attr] : attrs) ordered.push_back(&attr);
    for (const hcl::Attribute* attr : ordered) {
      VarDecl* v = FindVar(attr->name);
      if (!v) {
        Error w = MakeError(attr->name_range, "Undefined variable",
                            fmt::format("A \"{}\" variable was set but was not declared in the template; it is "
                                        "ignored.",
                                        attr->name));
        w.warning = true;
        diags_.push_back(std::move(w));
        continue;
      }
      Value value = attr->expr->Evaluate(nullptr, diags_);
      Assign(*v, value, attr->expr->range(), is_auto ? "an auto variables file" : "a -var-file file");
    }
  }

  void ResolveVariables(const std::vector<std::string>& auto_var_files) {
    // default < PKR_VAR_name < *.auto.pkrvars.hcl < -var-file < -var
    for (const auto& [key, raw] : EnvPairs()) {
      if (!key.starts_with("PKR_VAR_")) continue;
      VarDecl* v = FindVar(key.substr(8));
      if (!v) continue;
      if (auto value = RawValue(*v, raw, "<value for var." + v->name + " from environment>"))
        Assign(*v, *value, {}, "the environment variable " + key);
    }
    for (const std::string& f : auto_var_files) ReadVarFile(f, true);
    for (const std::string& f : options_.vars.var_files) ReadVarFile(f, false);
    for (const auto& [name, raw] : options_.vars.vars) {
      VarDecl* v = FindVar(name);
      if (!v) {
        diags_.push_back(MakeError(fmt::format("Undefined -var variable \"{}\"", name),
                                   "A variable was passed with -var but is not declared in the template."));
        continue;
      }
      if (auto value = RawValue(*v, raw, "<value for var." + name + " from arguments>"))
        Assign(*v, *value, {}, "-var");
    }
    for (VarDecl& v : vars_) {
      if (!v.value) {
        diags_.push_back(MakeError(v.range, fmt::format("Unset variable \"{}\"", v.name),
                                   "A used variable must be set or have a default value; see "
                                   "https://www.packer.io/docs/templates/hcl_templates/syntax for details."));
        continue;
      }
      if (!v.nullable && v.value->is_null())
        diags_.push_back(MakeError(v.value_range.file.empty() ? v.range : v.value_range,
                                   fmt::format("Invalid value for variable \"{}\"", v.name),
                                   "The variable is not nullable: a null value is not allowed."));
    }
    if (HasErrors(diags_)) return;
    for (VarDecl& v : vars_) Validate(v);
  }

  void Validate(const VarDecl& v) {
    for (const hcl::Block& b : v.validations) {
      hcl::BodySchema schema{.attributes = {{"condition", true}, {"error_message", true}}, .blocks = {}};
      hcl::BodyContent c = b.body->Content(schema, diags_);
      auto cond = c.attributes.find("condition");
      auto msg = c.attributes.find("error_message");
      if (cond == c.attributes.end() || msg == c.attributes.end()) continue;
      hcl::EvalContext ctx;
      ctx.functions = hcl::StandardFunctions(DefaultFunctionOptions(false));
      ctx.variables["var"] = Value::Object({{v.name, *v.value}});
      Value ok = hcl::EvaluateAs(*cond->second.expr, &ctx, hcl::Type::Bool(), "condition", diags_);
      if (!ok.is_known() || ok.is_null() || ok.AsBool()) continue;
      Value text = hcl::EvaluateAs(*msg->second.expr, &ctx, hcl::Type::String(), "error_message", diags_);
      diags_.push_back(MakeError(v.value_range.file.empty() ? cond->second.expr->range() : v.value_range,
                                 "Invalid value for variable",
                                 fmt::format("{}\n\nThis was checked by the validation rule at {}:{}:{}.",
                                             ScalarString(text), cond->second.expr->range().file,
                                             cond->second.expr->range().start.line,
                                             cond->second.expr->range().start.column)));
    }
  }

  // ---- locals and data ------------------------------------------------------

  Value VarObject() const {
    std::map<std::string, Value> m;
    for (const VarDecl& v : vars_)
      if (v.value) m[v.name] = v.sensitive ? v.value->Marked() : *v.value;
    return Value::Object(std::move(m));
  }

  // Variable defaults' scope: the functions and env(), nothing else.
  const hcl::EvalContext& DefaultScope() {
    if (!default_scope_) {
      default_scope_ = std::make_unique<hcl::EvalContext>();
      default_scope_->functions = hcl::StandardFunctions(DefaultFunctionOptions(true));
    }
    return *default_scope_;
  }

  // The functions, built once; every scope is a child of this one.
  const hcl::EvalContext& FunctionScope() {
    if (!function_scope_) {
      function_scope_ = std::make_unique<hcl::EvalContext>();
      function_scope_->functions = hcl::StandardFunctions(DefaultFunctionOptions(false));
    }
    return *function_scope_;
  }

  // var, local, data, path and packer over the functions. Once locals are
  // known, the same scope serves every source (see Base()).
  hcl::EvalContext BaseContext() {
    hcl::EvalContext ctx = FunctionScope().NewChild();
    ctx.variables["var"] = VarObject();
    ctx.variables["local"] = Value::Object(locals_);
    std::map<std::string, Value> data_by_type;
    for (const auto& [type, by_name] : data_) data_by_type[type] = Value::Object(by_name);
    ctx.variables["data"] = Value::Object(std::move(data_by_type));
    ctx.variables["path"] = Value::Object({{"root", Value::String(root_dir_)}, {"cwd", Value::String(cwd_)}});
    ctx.variables["packer"] = Value::Object({{"version", Value::String(std::string(kPackerCompatVersion))}});
    return ctx;
  }

  const hcl::EvalContext& Base() {
    if (!base_) base_ = std::make_unique<hcl::EvalContext>(BaseContext());
    return *base_;
  }

  // A standalone copy (functions included) that outlives the loader.
  std::shared_ptr<const hcl::EvalContext> StandaloneContext() {
    auto ctx = std::make_shared<hcl::EvalContext>();
    ctx->functions = FunctionScope().functions;
    ctx->variables = Base().variables;
    return ctx;
  }

  bool Ready(const std::vector<hcl::Traversal>& refs) const {
    for (const hcl::Traversal& r : refs) {
      std::string root = hcl::TraversalRootName(r);
      if (root == "local" && r.size() >= 2) {
        const std::string& name = r[1].name;
        bool declared = std::any_of(local_decls_.begin(), local_decls_.end(),
                                    [&](const LocalDecl& l) { return l.name == name; });
        if (declared && !locals_.contains(name)) return false;
      } else if (root == "data" && r.size() >= 3) {
        const std::string& type = r[1].name;
        const std::string& name = r[2].name;
        bool declared = std::any_of(data_decls_.begin(), data_decls_.end(),
                                    [&](const DataDecl& d) { return d.type == type && d.name == name; });
        auto it = data_.find(type);
        bool done = it != data_.end() && it->second.contains(name);
        if (declared && !done) return false;
      }
    }
    return true;
  }

  // `base` with `local` narrowed to the locals `refs` name, so that n locals
  // evaluate in linear time instead of each rebuilding every local. An
  // expression that uses `local` whole or names an unknown local sees them
  // all (and the error's suggestions with them).
  hcl::EvalContext ScopeFor(const std::vector<hcl::Traversal>& refs, const hcl::EvalContext& base) const {
    hcl::EvalContext ctx = base;
    std::map<std::string, Value> named;
    for (const hcl::Traversal& r : refs) {
      if (hcl::TraversalRootName(r) != "local") continue;
      auto it = r.size() >= 2 ? locals_.find(r[1].name) : locals_.end();
      if (it == locals_.end()) {
        ctx.variables["local"] = Value::Object(locals_);
        return ctx;
      }
      named.insert(*it);
    }
    ctx.variables["local"] = Value::Object(std::move(named));
    return ctx;
  }

  void EvaluateLocalsAndData() {
    std::vector<bool> local_done(local_decls_.size()), data_done(data_decls_.size());
    hcl::EvalContext base = BaseContext();  // rebuilt when a data source is done
    bool progress = true;
    while (progress) {
      progress = false;
      for (std::size_t i = 0; i < local_decls_.size(); ++i) {
        if (local_done[i]) continue;
        const LocalDecl& l = local_decls_[i];
        std::vector<hcl::Traversal> refs = l.expr->Variables();
        if (!Ready(refs)) continue;
        hcl::EvalContext ctx = ScopeFor(refs, base);
        Value v = l.expr->Evaluate(&ctx, diags_);
        locals_[l.name] = l.sensitive ? v.Marked() : v;
        local_done[i] = true;
        progress = true;
      }
      for (std::size_t i = 0; i < data_decls_.size(); ++i) {
        if (data_done[i]) continue;
        const DataDecl& d = data_decls_[i];
        hcl::BodySchema schema{.attributes = {{"input"}}, .blocks = {}};
        Diagnostics local_diags;
        hcl::BodyContent c = d.block.body->Content(schema, local_diags);
        std::vector<hcl::Traversal> refs;
        for (const auto& [n, a] : c.attributes)
          for (hcl::Traversal& t : a.expr->Variables()) refs.push_back(std::move(t));
        if (!Ready(refs)) continue;
        diags_.insert(diags_.end(), local_diags.begin(), local_diags.end());
        hcl::EvalContext ctx = ScopeFor(refs, base);
        Value input = Value::Null();
        if (auto it = c.attributes.find("input"); it != c.attributes.end()) input = it->second.expr->Evaluate(&ctx, diags_);
        data_[d.type][d.name] = Value::Object({{"input", input}, {"output", input}});
        base = BaseContext();
        data_done[i] = true;
        progress = true;
      }
    }
    for (std::size_t i = 0; i < local_decls_.size(); ++i)
      if (!local_done[i])
        diags_.push_back(MakeError(local_decls_[i].range, fmt::format("Cyclic dependency in local \"{}\"", local_decls_[i].name),
                                   "locals and data sources refer to each other in a cycle"));
    for (std::size_t i = 0; i < data_decls_.size(); ++i)
      if (!data_done[i])
        diags_.push_back(MakeError(data_decls_[i].block.def_range,
                                   fmt::format("Cyclic dependency in data \"{}\" \"{}\"", data_decls_[i].type,
                                               data_decls_[i].name),
                                   "locals and data sources refer to each other in a cycle"));
  }

  void CheckPackerBlocks() {
    for (const hcl::Block& b : packer_blocks_) {
      hcl::BodySchema schema{.attributes = {{"required_version"}}, .blocks = {{"required_plugins", {}}}};
      hcl::BodyContent c = b.body->Content(schema, diags_);
      if (auto it = c.attributes.find("required_version"); it != c.attributes.end()) {
        hcl::EvalContext ctx = BaseContext();
        Value v = hcl::EvaluateAs(*it->second.expr, &ctx, hcl::Type::String(), "required_version", diags_);
        if (v.is_known() && !v.is_null()) {
          std::optional<bool> ok = SatisfiesConstraint(kPackerCompatVersion, v.AsString());
          if (!ok)
            diags_.push_back(MakeError(it->second.expr->range(), "Invalid version constraint",
                                       fmt::format("\"{}\" is not a version constraint such as \">= 1.5.0\"", v.AsString())));
          else if (!*ok)
            diags_.push_back(MakeError(it->second.expr->range(), "Unsupported Packer version",
                                       fmt::format("This template requires Packer version {}; kiln reads templates as "
                                                   "Packer {} does.",
                                                   v.AsString(), kPackerCompatVersion)));
        }
      }
      for (const hcl::Block& rp : c.blocks) {
        hcl::Attributes plugins = rp.body->JustAttributes(diags_);
        for (const auto& [name, attr] : plugins) {
          hcl::EvalContext ctx = BaseContext();
          Value spec = attr.expr->Evaluate(&ctx, diags_);
          std::string source = name;
          if (spec.is_known() && !spec.is_null() && (spec.type().is_object() || spec.type().is_map()))
            if (Value s = spec.GetAttr("source"); s.is_known() && !s.is_null() && s.type().kind() == hcl::TypeKind::kString)
              source = s.AsString();
          std::string plugin = source.substr(source.rfind('/') == std::string::npos ? 0 : source.rfind('/') + 1);
          if (plugin.starts_with("packer-plugin-")) plugin = plugin.substr(14);
          if (!kBuiltinPlugins.contains(plugin))
            diags_.push_back(MakeError(attr.range, fmt::format("Plugin \"{}\" is not available", source),
                                       fmt::format("kiln builds in the amazon, docker, qemu and ansible plugins; "
                                                   "\"{}\" is not one of them.",
                                                   plugin)));
        }
      }
    }
  }

  // ---- bodies of components -------------------------------------------------

  // Evaluates `body` against a component's option schema into a JSON object;
  // `extra` names common attributes decoded here too.
  json::Value DecodeBody(const hcl::BodyPtr& body, const Schema* schema, const std::vector<std::string>& extra,
                         const hcl::EvalContext& ctx, const SourceRange& where) {
    json::Value out = EmptyObject(where);
    hcl::BodySchema bs;
    std::map<std::string, const Option*> blocks;
    for (const std::string& name : extra) bs.attributes.push_back({name});
    if (schema) {
      for (const std::string& name : schema->Names()) {
        const Option* opt = schema->Find(name);
        if (opt && (opt->kind == OptionKind::kBlock || opt->kind == OptionKind::kBlockList)) {
          bs.blocks.push_back({name, {}});
          blocks[name] = opt;
        } else {
          bs.attributes.push_back({name});
        }
      }
    }
    bs.blocks.push_back({"dynamic", {"type"}});
    hcl::BodyContent c;
    if (schema) {
      c = body->Content(bs, diags_);
    } else {
      hcl::BodyPtr rest;
      c = body->PartialContent(bs, &rest, diags_);
      if (rest) {
        hcl::Attributes more = rest->JustAttributes(diags_);
        for (auto& [k, a] : more) c.attributes.emplace(k, a);
      }
    }
    std::vector<const hcl::Attribute*> attrs;
    for (const auto& [name, attr] : c.attributes) attrs.push_back(&attr);
    std::sort(attrs.begin(), attrs.end(),
              [](const hcl::Attribute* a, const hcl::Attribute* b) { return a->range.start.byte < b->range.start.byte; });
    for (const hcl::Attribute* attr : attrs) {
      Value v = attr->expr->Evaluate(&ctx, diags_);
      if (!v.is_known()) continue;
      CollectSecrets(v, false, secrets_);
      out.members.push_back(json::Member{.key = attr->name, .key_range = attr->name_range,
                                         .value = ToJson(v, attr->expr->range())});
    }
    auto add_block = [&](const std::string& name, json::Value obj, const SourceRange& range) {
      const Option* opt = blocks.at(name);
      if (opt->kind == OptionKind::kBlock) {
        SetMember(out, json::Member{.key = name, .key_range = range, .value = std::move(obj)});
        return;
      }
      for (json::Member& m : out.members)
        if (m.key == name) {
          m.value.items.push_back(std::move(obj));
          return;
        }
      json::Value list;
      list.kind = json::Kind::kArray;
      list.range = range;
      list.items.push_back(std::move(obj));
      out.members.push_back(json::Member{.key = name, .key_range = range, .value = std::move(list)});
    };
    for (const hcl::Block& b : c.blocks) {
      if (b.type == "dynamic") {
        const std::string& name = b.labels.at(0);
        if (!blocks.contains(name)) {
          diags_.push_back(MakeError(b.label_ranges.at(0), "Unsupported block type",
                                     fmt::format("Blocks of type \"{}\" are not expected here.", name)));
          continue;
        }
        for (auto& [obj, range] : ExpandDynamic(b, blocks.at(name)->block, ctx)) add_block(name, std::move(obj), range);
        continue;
      }
      add_block(b.type, DecodeBody(b.body, blocks.at(b.type)->block, {}, ctx, b.def_range), b.def_range);
    }
    return out;
  }

  std::vector<std::pair<json::Value, SourceRange>> ExpandDynamic(const hcl::Block& b, const Schema* schema,
                                                                 const hcl::EvalContext& ctx) {
    std::vector<std::pair<json::Value, SourceRange>> out;
    hcl::BodySchema bs{.attributes = {{"for_each", true}, {"iterator"}, {"labels"}}, .blocks = {{"content", {}}}};
    hcl::BodyContent c = b.body->Content(bs, diags_);
    auto fe = c.attributes.find("for_each");
    if (fe == c.attributes.end()) return out;
    std::string iterator = b.labels.at(0);
    if (auto it = c.attributes.find("iterator"); it != c.attributes.end()) {
      std::string kw = hcl::ExprAsKeyword(it->second.expr);
      if (kw.empty())
        diags_.push_back(MakeError(it->second.expr->range(), "Invalid dynamic iterator name",
                                   "the iterator must be a single identifier"));
      else
        iterator = kw;
    }
    const hcl::Block* content = nullptr;
    for (const hcl::Block& cb : c.blocks) content = &cb;
    if (!content) {
      diags_.push_back(MakeError(b.def_range, "Missing content block", "a dynamic block needs a content block"));
      return out;
    }
    Value coll = fe->second.expr->Evaluate(&ctx, diags_);
    if (!coll.is_known() || coll.is_null()) return out;
    std::vector<std::pair<Value, Value>> items;
    const hcl::Type& t = coll.type();
    if (t.is_list() || t.is_set() || t.is_tuple()) {
      std::int64_t i = 0;
      for (const Value& e : coll.Elements()) items.emplace_back(t.is_set() ? e : Value::Number(i++), e);
    } else if (t.is_map() || t.is_object()) {
      for (const auto& [k, e] : coll.Attributes()) items.emplace_back(Value::String(k), e);
    } else {
      diags_.push_back(MakeError(fe->second.expr->range(), "Invalid dynamic for_each value",
                                 fmt::format("Cannot use a {} value in for_each. An iterable collection is required.",
                                             t.FriendlyName())));
      return out;
    }
    for (const auto& [k, e] : items) {
      hcl::EvalContext child = ctx.NewChild();
      child.variables[iterator] = Value::Object({{"key", k}, {"value", e}});
      out.emplace_back(DecodeBody(content->body, schema, {}, child, content->def_range), b.def_range);
    }
    return out;
  }

  // ---- builds ----------------------------------------------------------------

  std::optional<std::string> RefString(const hcl::ExprPtr& expr) {
    Diagnostics ignore;
    Value v = expr->Evaluate(nullptr, ignore);
    if (ignore.empty() && v.is_known() && !v.is_null() && v.type().kind() == hcl::TypeKind::kString)
      return v.AsString();
    Diagnostics d;
    if (auto tr = hcl::AbsTraversalForExpr(expr, d)) return hcl::TraversalString(*tr);
    diags_.push_back(MakeError(expr->range(), "Invalid source reference",
                               "a source is named \"source.<type>.<name>\""));
    return std::nullopt;
  }

  const SourceDecl* FindSource(const std::string& ref, const SourceRange& where) {
    std::string key = ref;
    if (key.starts_with("source.")) key = key.substr(7);
    else if (key.starts_with("sources.")) key = key.substr(8);
    auto it = sources_.find(key);
    if (it == sources_.end()) {
      diags_.push_back(MakeError(where, fmt::format("Unknown source {}", ref),
                                 "declare it with a source block: source \"<type>\" \"<name>\" { ... }"));
      return nullptr;
    }
    return &it->second;
  }

  std::vector<std::string> StringList(const hcl::Attributes& attrs, const std::string& name, const hcl::EvalContext& ctx) {
    std::vector<std::string> out;
    auto it = attrs.find(name);
    if (it == attrs.end()) return out;
    Value v = hcl::EvaluateAs(*it->second.expr, &ctx, hcl::Type::List(hcl::Type::String()), name, diags_);
    if (!v.is_known() || v.is_null()) return out;
    for (const Value& e : v.Elements()) out.push_back(ScalarString(e));
    return out;
  }

  static bool Matches(const std::vector<std::string>& patterns, const BuildSource& s) {
    std::string full = s.type + "." + s.name;
    for (std::string p : patterns) {
      if (p.starts_with("source.")) p = p.substr(7);
      if (GlobMatch(p, full) || GlobMatch(p, s.name) || GlobMatch(p, s.model_name)) return true;
    }
    return false;
  }

  hcl::EvalContext SourceContext(const BuildSource& s, const std::string& build_name, const Schema* builder_schema) {
    hcl::EvalContext ctx = Base().NewChild();
    ctx.variables["source"] = Value::Object({{"name", Value::String(s.name)}, {"type", Value::String(s.type)}});
    // Values only known while the build runs stay legacy templates that
    // the provisioner renders then, as Packer does.
    std::map<std::string, Value> build{{"name", Value::String(build_name)}};
    for (const std::string& key : BuildValueKeys(builder_schema))
      build[key] = Value::String(fmt::format("{{{{ build `{}` }}}}", key));
    ctx.variables["build"] = Value::Object(std::move(build));
    return ctx;
  }

  // Targets: the sources of this build a component applies to, after its
  // only/except. Returns the model's `only` list: empty when it applies to
  // every builder of the template.
  std::vector<std::string> ModelOnly(const std::vector<const BuildSource*>& targets, std::size_t total_builders) {
    std::vector<std::string> only;
    if (targets.size() == total_builders) return only;
    for (const BuildSource* s : targets) only.push_back(s->model_name);
    return only;
  }

  std::vector<const BuildSource*> Targets(const std::vector<BuildSource>& sources, const hcl::Attributes& attrs,
                                          const hcl::EvalContext& ctx, const SourceRange& where) {
    std::vector<std::string> only = StringList(attrs, "only", ctx), except = StringList(attrs, "except", ctx);
    if (!only.empty() && !except.empty())
      diags_.push_back(MakeError(where, "only one of only and except may be set"));
    std::vector<const BuildSource*> out;
    for (const BuildSource& s : sources) {
      if (!only.empty() && !Matches(only, s)) continue;
      if (Matches(except, s)) continue;
      out.push_back(&s);
    }
    return out;
  }

  std::optional<Provisioner> MakeProvisioner(const hcl::Block& b, const std::vector<BuildSource>& sources,
                                             const std::string& build_name, std::size_t total, std::size_t index,
                                             const std::string& kind) {
    Provisioner p;
    p.type = b.labels.at(0);
    p.name = p.type;
    p.label = fmt::format("{} {}", kind, index);
    p.where = b.def_range;
    p.type_range = b.label_ranges.at(0);
    const Schema* schema = catalog::FindSchema(catalog::Kind::kProvisioner, p.type);
    static const std::vector<std::string> kCommon = {"only", "except", "pause_before", "max_retries", "timeout",
                                                     "override"};
    const hcl::EvalContext& base = Base();
    hcl::BodySchema peek{.attributes = {{"only"}, {"except"}}, .blocks = {}};
    hcl::BodyContent common = Peek(b.body, peek, diags_);
    std::vector<const BuildSource*> targets = Targets(sources, common.attributes, base, b.def_range);
    if (targets.empty()) return std::nullopt;
    p.only = ModelOnly(targets, total);
    bool first = true;
    for (const BuildSource* s : targets) {
      hcl::EvalContext ctx = SourceContext(*s, build_name, catalog::FindSchema(catalog::Kind::kBuilder, s->type));
      std::size_t before = diags_.size();
      json::Value all = DecodeBody(b.body, schema, kCommon, ctx, b.def_range);
      // Report each problem once, not once per source.
      if (!first && diags_.size() > before) diags_.resize(before);
      json::Value options = EmptyObject(b.def_range), common_values = EmptyObject(b.def_range);
      for (json::Member& m : all.members) {
        if (m.key == "only" || m.key == "except") continue;
        if (m.key == "override") {
          if (first) ApplyOverride(p, m.value, sources, targets);
          continue;
        }
        if (m.key == "pause_before" || m.key == "max_retries" || m.key == "timeout")
          common_values.members.push_back(std::move(m));
        else
          options.members.push_back(std::move(m));
      }
      if (first) {
        p.options = std::move(options);
        p.common = std::move(common_values);
        first = false;
      } else if (options.ToJson() != p.options.ToJson()) {
        json::Value& o = p.overrides[s->model_name];
        if (o.members.empty()) o = EmptyObject(b.def_range);
        for (json::Member& m : options.members) SetMember(o, std::move(m));
      }
    }
    return p;
  }

  void ApplyOverride(Provisioner& p, const json::Value& override, const std::vector<BuildSource>& sources,
                     const std::vector<const BuildSource*>& targets) {
    if (!override.is_object()) {
      diags_.push_back(MakeError(override.range, "override must be an object",
                                 "write override = { <source name> = { option = value } }"));
      return;
    }
    for (const json::Member& m : override.members) {
      const BuildSource* target = nullptr;
      for (const BuildSource& s : sources)
        if (m.key == s.name || m.key == s.type + "." + s.name || m.key == s.model_name) target = &s;
      if (!target) {
        diags_.push_back(MakeError(override.range, fmt::format("override names an unknown source '{}'", m.key)));
        continue;
      }
      if (std::find(targets.begin(), targets.end(), target) == targets.end()) continue;
      if (!m.value.is_object()) {
        diags_.push_back(MakeError(override.range, fmt::format("override '{}' must be an object", m.key)));
        continue;
      }
      json::Value& o = p.overrides[target->model_name];
      if (o.members.empty()) o = EmptyObject(override.range);
      for (const json::Member& om : m.value.members) SetMember(o, om);
      p.override_keys[target->model_name] = override.range;
    }
  }

  // One post-processor, or one per source when its options depend on the
  // source (`source.name` in a tag, say): each copy then applies only to its
  // source, and the chain skips copies that are not for the running build.
  std::vector<PostProcessor> MakePostProcessors(const hcl::Block& b, const std::vector<BuildSource>& sources,
                                                const std::string& build_name, std::size_t total,
                                                const std::string& label) {
    PostProcessor pp;
    pp.type = b.labels.at(0);
    pp.name = pp.type;
    pp.label = label;
    pp.where = b.def_range;
    pp.type_range = b.label_ranges.at(0);
    const Schema* schema = catalog::FindSchema(catalog::Kind::kPostProcessor, pp.type);
    const hcl::EvalContext& base = Base();
    hcl::BodySchema peek{.attributes = {{"only"}, {"except"}}, .blocks = {}};
    hcl::BodyContent common = Peek(b.body, peek, diags_);
    std::vector<const BuildSource*> targets = Targets(sources, common.attributes, base, b.def_range);
    std::vector<PostProcessor> out;
    for (const BuildSource* s : targets) {
      hcl::EvalContext ctx = SourceContext(*s, build_name, catalog::FindSchema(catalog::Kind::kBuilder, s->type));
      std::size_t before = diags_.size();
      json::Value all = DecodeBody(b.body, schema, {"only", "except", "name", "keep_input_artifact"}, ctx, b.def_range);
      // Report each problem once, not once per source.
      if (!out.empty() && diags_.size() > before) diags_.resize(before);
      PostProcessor one = pp;
      one.options = EmptyObject(b.def_range);
      for (json::Member& m : all.members) {
        if (m.key == "only" || m.key == "except") continue;
        if (m.key == "name") {
          one.name = m.value.text;
          one.name_range = m.value.range;
        } else if (m.key == "keep_input_artifact") {
          if (m.value.kind == json::Kind::kBool) one.keep_input_artifact = m.value.boolean;
          else if (m.value.is_string() && (m.value.text == "true" || m.value.text == "false"))
            one.keep_input_artifact = m.value.text == "true";
          else if (out.empty())
            diags_.push_back(MakeError(m.value.range, fmt::format("{}: cannot parse 'keep_input_artifact' as bool", label)));
        } else {
          one.options.members.push_back(std::move(m));
        }
      }
      one.only = {s->model_name};
      out.push_back(std::move(one));
    }
    if (out.empty()) return out;
    bool same = std::all_of(out.begin() + 1, out.end(), [&](const PostProcessor& o) {
      return o.name == out.front().name && o.keep_input_artifact == out.front().keep_input_artifact &&
             o.options.ToJson() == out.front().options.ToJson();
    });
    if (same) {
      out.resize(1);
      out.front().only = ModelOnly(targets, total);
    }
    return out;
  }

  void BuildModel(Template& t) {
    // First pass: every build's sources, so only-lists know the total.
    struct BuildInfo {
      const hcl::Block* block;
      std::string name;
      hcl::BodyContent content;
      std::vector<BuildSource> sources;
    };
    std::vector<BuildInfo> infos;
    hcl::BodySchema schema{
        .attributes = {{"name"}, {"description"}, {"sources"}},
        .blocks = {{"source", {"reference"}},
                   {"provisioner", {"type"}},
                   {"post-processor", {"type"}},
                   {"post-processors", {}},
                   {"error-cleanup-provisioner", {"type"}},
                   {"hcp_packer_registry", {}}},
    };
    std::size_t total = 0;
    for (const hcl::Block& b : builds_) {
      BuildInfo info{&b, "", b.body->Content(schema, diags_), {}};
      const hcl::EvalContext& ctx = Base();
      if (auto it = info.content.attributes.find("name"); it != info.content.attributes.end())
        info.name = ScalarString(hcl::EvaluateAs(*it->second.expr, &ctx, hcl::Type::String(), "name", diags_));
      if (auto it = info.content.attributes.find("description"); it != info.content.attributes.end())
        if (t.description.empty())
          t.description = ScalarString(hcl::EvaluateAs(*it->second.expr, &ctx, hcl::Type::String(), "description", diags_));
      std::string prefix = info.name.empty() ? "" : info.name + ".";
      if (auto it = info.content.attributes.find("sources"); it != info.content.attributes.end()) {
        for (const hcl::ExprPtr& e : hcl::ExprList(it->second.expr, diags_)) {
          std::optional<std::string> ref = RefString(e);
          if (!ref) continue;
          if (const SourceDecl* d = FindSource(*ref, e->range()))
            info.sources.push_back(BuildSource{d->type, d->name, prefix + d->type + "." + d->name, d, nullptr});
        }
      }
      for (const hcl::Block& sb : info.content.blocks) {
        if (sb.type != "source") continue;
        const SourceDecl* d = FindSource(sb.labels.at(0), sb.label_ranges.at(0));
        if (!d) continue;
        hcl::BodySchema name_schema{.attributes = {{"name"}}, .blocks = {}};
        hcl::BodyPtr rest;
        hcl::BodyContent nc = sb.body->PartialContent(name_schema, &rest, diags_);
        std::string name = d->name;
        if (auto it = nc.attributes.find("name"); it != nc.attributes.end())
          name = ScalarString(hcl::EvaluateAs(*it->second.expr, &ctx, hcl::Type::String(), "name", diags_));
        info.sources.push_back(BuildSource{d->type, name, prefix + d->type + "." + name, d, rest});
      }
      total += info.sources.size();
      infos.push_back(std::move(info));
    }

    std::set<std::string> names;
    std::size_t prov_index = 0, chain_index = 0;
    for (BuildInfo& info : infos) {
      for (const BuildSource& s : info.sources) {
        Component c;
        c.type = s.type;
        c.name = s.model_name;
        c.label = fmt::format("source {}.{}", s.type, s.name);
        c.where = s.decl->block.def_range;
        c.type_range = s.decl->block.label_ranges.at(0);
        c.name_range = {};  // names are final: no {{ }} rendering
        if (!names.insert(c.name).second) {
          diags_.push_back(MakeError(info.block->def_range, fmt::format("duplicate build name '{}'", c.name),
                                     "name the build blocks (build { name = \"...\" }) to tell them apart"));
          continue;
        }
        const Schema* schema = catalog::FindSchema(catalog::Kind::kBuilder, s.type);
        const hcl::EvalContext& ctx = Base();
        c.options = DecodeBody(s.decl->block.body, schema, {}, ctx, s.decl->block.def_range);
        if (s.override_body) {
          json::Value over = DecodeBody(s.override_body, schema, {}, ctx, s.decl->block.def_range);
          for (json::Member& m : over.members) SetMember(c.options, std::move(m));
        }
        t.builders.push_back(std::move(c));
      }
      for (const hcl::Block& b : info.content.blocks) {
        if (b.type == "provisioner") {
          if (auto p = MakeProvisioner(b, info.sources, info.name, total, ++prov_index, "provisioner"))
            t.provisioners.push_back(std::move(*p));
        } else if (b.type == "error-cleanup-provisioner") {
          if (t.error_cleanup_provisioner) continue;
          if (auto p = MakeProvisioner(b, info.sources, info.name, total, 1, "error-cleanup-provisioner"))
            t.error_cleanup_provisioner = std::move(*p);
        } else if (b.type == "post-processor") {
          ++chain_index;
          Chain chain = MakePostProcessors(b, info.sources, info.name, total, fmt::format("post-processor {}.1", chain_index));
          if (!chain.empty()) t.post_processors.push_back(std::move(chain));
        } else if (b.type == "post-processors") {
          ++chain_index;
          hcl::BodySchema cs{.attributes = {}, .blocks = {{"post-processor", {"type"}}}};
          hcl::BodyContent cc = b.body->Content(cs, diags_);
          Chain chain;
          std::size_t i = 0;
          for (const hcl::Block& pb : cc.blocks)
            for (PostProcessor& pp :
                 MakePostProcessors(pb, info.sources, info.name, total, fmt::format("post-processor {}.{}", chain_index, ++i)))
              chain.push_back(std::move(pp));
          if (!chain.empty()) t.post_processors.push_back(std::move(chain));
        }
      }
    }
    if (builds_.empty())
      diags_.push_back(MakeError(files_.empty() ? SourceRange{} : files_.front().body->MissingItemRange(),
                                 "no build block", "a template needs at least one build block with sources"));
    else if (t.builders.empty() && !HasErrors(diags_))
      diags_.push_back(MakeError(builds_.front().def_range, "at least one source must be used",
                                 "list sources in the build block: sources = [\"source.<type>.<name>\"]"));
  }

  // ---- the model without evaluation ------------------------------------------

  void FillVariables(Template& t) {
    for (const VarDecl& v : vars_) {
      Variable mv;
      mv.name = v.name;
      mv.sensitive = v.sensitive;
      mv.where = v.range;
      if (v.default_value) mv.default_value = ScalarString(*v.default_value);
      t.variables.push_back(std::move(mv));
    }
  }

  static PostProcessor NamedPostProcessor(const hcl::Block& b, Diagnostics& quiet) {
    PostProcessor pp;
    pp.type = pp.name = b.labels.at(0);
    hcl::BodySchema ns{.attributes = {{"name"}}, .blocks = {}};
    hcl::BodyContent nc = Peek(b.body, ns, quiet);
    if (auto it = nc.attributes.find("name"); it != nc.attributes.end()) {
      Value n = it->second.expr->Evaluate(nullptr, quiet);
      if (n.is_known() && !n.is_null()) pp.name = ScalarString(n);
    }
    return pp;
  }

  // For -syntax-only and inspect: types and names, no option values.
  void FillStructure(Template& t) {
    if (t.variables.empty()) FillVariables(t);
    if (!t.builders.empty()) return;
    Diagnostics quiet;
    hcl::BodySchema schema{
        .attributes = {{"name"}, {"description"}, {"sources"}},
        .blocks = {{"source", {"reference"}},
                   {"provisioner", {"type"}},
                   {"post-processor", {"type"}},
                   {"post-processors", {}},
                   {"error-cleanup-provisioner", {"type"}},
                   {"hcp_packer_registry", {}}},
    };
    for (const hcl::Block& b : builds_) {
      hcl::BodyContent c = b.body->Content(schema, quiet);
      std::string prefix;
      if (auto it = c.attributes.find("name"); it != c.attributes.end()) {
        Value n = it->second.expr->Evaluate(nullptr, quiet);
        if (n.is_known() && !n.is_null()) prefix = ScalarString(n) + ".";
      }
      if (auto it = c.attributes.find("description"); it != c.attributes.end() && t.description.empty()) {
        Value n = it->second.expr->Evaluate(nullptr, quiet);
        if (n.is_known() && !n.is_null()) t.description = ScalarString(n);
      }
      auto add = [&](const std::string& ref, std::optional<std::string> rename) {
        std::string key = ref.starts_with("source.") ? ref.substr(7) : ref;
        auto it = sources_.find(key);
        if (it == sources_.end()) return;
        Component comp;
        comp.type = it->second.type;
        comp.name = prefix + comp.type + "." + rename.value_or(it->second.name);
        t.builders.push_back(std::move(comp));
      };
      if (auto it = c.attributes.find("sources"); it != c.attributes.end())
        for (const hcl::ExprPtr& e : hcl::ExprList(it->second.expr, quiet)) {
          Value v = e->Evaluate(nullptr, quiet);
          if (v.is_known() && !v.is_null() && v.type().kind() == hcl::TypeKind::kString) add(v.AsString(), std::nullopt);
          else if (auto tr = hcl::AbsTraversalForExpr(e, quiet)) add(hcl::TraversalString(*tr), std::nullopt);
        }
      for (const hcl::Block& blk : c.blocks) {
        if (blk.type == "source") {
          std::optional<std::string> rename;
          hcl::BodySchema ns{.attributes = {{"name"}}, .blocks = {}};
          hcl::BodyContent nc = Peek(blk.body, ns, quiet);
          if (auto it = nc.attributes.find("name"); it != nc.attributes.end()) {
            Value n = it->second.expr->Evaluate(nullptr, quiet);
            if (n.is_known() && !n.is_null()) rename = ScalarString(n);
          }
          add(blk.labels.at(0), rename);
        } else if (blk.type == "provisioner") {
          Provisioner p;
          p.type = p.name = blk.labels.at(0);
          t.provisioners.push_back(std::move(p));
        } else if (blk.type == "post-processor") {
          t.post_processors.push_back(Chain{NamedPostProcessor(blk, quiet)});
        } else if (blk.type == "post-processors") {
          hcl::BodySchema cs{.attributes = {}, .blocks = {{"post-processor", {"type"}}}};
          hcl::BodyContent cc = blk.body->Content(cs, quiet);
          Chain chain;
          for (const hcl::Block& pb : cc.blocks) chain.push_back(NamedPostProcessor(pb, quiet));
          if (!chain.empty()) t.post_processors.push_back(std::move(chain));
        }
      }
    }
  }

 public:
  std::vector<std::string> secrets_;

 private:
  const HclLoadOptions& options_;
  Diagnostics& diags_;
  std::string root_dir_, cwd_;
  std::vector<hcl::File> files_;
  std::map<std::string, SourceRange> declared_;
  std::vector<hcl::Block> packer_blocks_, builds_;
  std::vector<VarDecl> vars_;
  std::vector<LocalDecl> local_decls_;
  std::vector<DataDecl> data_decls_;
  std::map<std::string, SourceDecl> sources_;
  std::map<std::string, Value> locals_;
  std::map<std::string, std::map<std::string, Value>> data_;
  std::unique_ptr<hcl::EvalContext> function_scope_, default_scope_, base_;
};

}  // namespace

std::shared_ptr<const hcl::EvalContext> EmptyTemplateContext() {
  std::error_code ec;
  auto ctx = std::make_shared<hcl::EvalContext>();
  ctx->functions = hcl::StandardFunctions({});
  ctx->variables["path"] = Value::Object({{"root", Value::String(".")}, {"cwd", Value::String(fs::current_path(ec).string())}});
  ctx->variables["packer"] = Value::Object({{"version", Value::String(std::string(kPackerCompatVersion))}});
  ctx->variables["var"] = Value::Object({});
  ctx->variables["local"] = Value::Object({});
  return ctx;
}

HclLoaded LoadHclTemplate(const std::string& path, const HclLoadOptions& options, Diagnostics& diags) {
  Loader loader(options, diags);
  std::size_t first = diags.size();
  HclLoaded out = loader.Load(path);
  // Var-files carry the secrets: their errors name the place, never quote
  // the line (the values may not be known yet to be masked).
  for (std::size_t i = first; i < diags.size(); ++i) {
    if (!diags[i].where) continue;
    const std::string& file = diags[i].where->file;
    if (std::ranges::find(options.vars.var_files, file) != options.vars.var_files.end() ||
        file.ends_with(".pkrvars.hcl") || file.ends_with(".pkrvars.json"))
      diags[i].hide_source = true;
  }
  for (std::string& s : loader.secrets_) out.vars.secrets.push_back(std::move(s));
  return out;
}

}  // namespace kiln::tmpl
