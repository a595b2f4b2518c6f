#include "template/json_loader.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <set>

#include "template/weak_decode.h"
#include "util/files.h"

namespace kiln::tmpl {
namespace {

using json::Kind;
using json::Member;
using json::Value;

Error At(const SourceRange& where, std::string summary, std::string detail = {}) {
  return MakeError(where, std::move(summary), std::move(detail));
}

Error WrongKind(const Value& v, std::string_view what, std::string_view want) {
  return At(v.range, fmt::format("{} must be {}", what, want),
            fmt::format("found {}", json::KindName(v.kind)));
}

class JsonTemplateReader {
 public:
  explicit JsonTemplateReader(Diagnostics& diags) : diags_(diags) {}

  void Read(const Value& root, Template& t) {
    if (!root.is_object()) {
      diags_.push_back(WrongKind(root, "the template", "an object"));
      return;
    }
    for (const Member& m : root.members) ReadRootKey(m, t);
    if (t.builders.empty()) {
      const Value* builders = FindRootKey(root, "builders");
      diags_.push_back(At(builders ? builders->range : root.range, "at least one builder must be defined",
                          "add a \"builders\" list with at least one builder"));
    }
    CheckBuildNames(t);
  }

 private:
  // Go's encoding/json matches struct fields ignoring case, so Packer
  // accepts "Builders"; kiln does too.
  static std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  static const Value* FindRootKey(const Value& root, std::string_view key) {
    for (const Member& m : root.members)
      if (Lower(m.key) == key) return &m.value;
    return nullptr;
  }

  void ReadRootKey(const Member& m, Template& t) {
    const Value& v = m.value;
    const std::string key = Lower(m.key);
    if (m.key.starts_with("_")) {
      if (!v.is_string())
        diags_.push_back(At(v.range, fmt::format("comment '{}' must be a string", m.key),
                            fmt::format("found {}", json::KindName(v.kind))));
    } else if (key == "description") {
      if (String(v, "description")) t.description = v.text;
    } else if (key == "min_packer_version") {
      if (String(v, "min_packer_version")) {
        t.min_packer_version = v.text;
        t.min_packer_version_range = v.range;
      }
    } else if (key == "push" || key == "comments") {
      // Keys of Packer's past (Atlas push, old comments) that it still
      // accepts and ignores.
      Error warning = At(m.key_range, fmt::format("'{}' is ignored", m.key), "kiln does not use it; remove it");
      warning.warning = true;
      diags_.push_back(std::move(warning));
    } else if (key == "variables") {
      ReadVariables(v, t);
    } else if (key == "sensitive-variables") {
      ReadSensitive(v, t);
    } else if (key == "builders") {
      ReadBuilders(v, t);
    } else if (key == "provisioners") {
      if (!Array(v, "provisioners")) return;
      for (std::size_t i = 0; i < v.items.size(); ++i)
        if (auto p = ReadProvisioner(v.items[i], fmt::format("provisioner {}", i + 1)))
          t.provisioners.push_back(std::move(*p));
    } else if (key == "error-cleanup-provisioner") {
      t.error_cleanup_provisioner = ReadProvisioner(v, "error-cleanup-provisioner");
    } else if (key == "post-processors") {
      ReadPostProcessors(v, t);
    } else {
      diags_.push_back(At(m.key_range,
                          fmt::format("Unknown root level key in template: '{}'", m.key),
                          "valid keys are description, min_packer_version, variables, "
                          "sensitive-variables, builders, provisioners, post-processors "
                          "and error-cleanup-provisioner; prefix a comment key with '_'"));
    }
  }

  bool String(const Value& v, std::string_view what) {
    if (v.is_string()) return true;
    diags_.push_back(WrongKind(v, what, "a string"));
    return false;
  }
  bool Array(const Value& v, std::string_view what) {
    if (v.is_array()) return true;
    diags_.push_back(WrongKind(v, what, "an array"));
    return false;
  }
  bool Object(const Value& v, std::string_view what) {
    if (v.is_object()) return true;
    diags_.push_back(WrongKind(v, what, "an object"));
    return false;
  }

  // only/except take a lone string as a list of one, as Packer decodes
  // them; sensitive-variables must be a list.
  std::vector<std::string> StringList(const Value& v, std::string_view what, bool lone_string = false) {
    std::vector<std::string> out;
    if (lone_string && v.is_string()) return {v.text};
    if (!Array(v, what)) return out;
    for (const Value& item : v.items)
      if (String(item, fmt::format("each element of {}", what))) out.push_back(item.text);
    return out;
  }

  void ReadVariables(const Value& v, Template& t) {
    if (!Object(v, "variables")) return;
    for (const Member& m : v.members) {
      Variable var{.name = m.key, .where = m.key_range, .default_node = m.value};
      if (m.value.is_string()) {
        var.default_value = m.value.text;
      } else if (!m.value.is_null()) {
        diags_.push_back(At(m.value.range,
                            fmt::format("variable {}: the default must be a string or null", m.key),
                            fmt::format("found {}; quote it, e.g. \"{}\"",
                                        json::KindName(m.value.kind), m.value.text)));
      }
      t.variables.push_back(std::move(var));
    }
  }

  void ReadSensitive(const Value& v, Template& t) {
    // Through a name index: n variables and n sensitive names cost O(n log n).
    std::map<std::string_view, Variable*> by_name;
    for (Variable& var : t.variables) by_name.emplace(var.name, &var);
    for (const std::string& name : StringList(v, "sensitive-variables")) {
      if (auto it = by_name.find(name); it != by_name.end())
        it->second->sensitive = true;
      else
        pending_sensitive_.insert(name);  // declared after "variables" or not at all: Packer accepts it
    }
  }

  void ReadBuilders(const Value& v, Template& t) {
    if (!Array(v, "builders")) return;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const Value& item = v.items[i];
      std::string what = fmt::format("builder {}", i + 1);
      if (!Object(item, what)) continue;
      Component b{.label = what, .where = item.range};
      if (!ReadType(item, what, b)) continue;
      b.name = b.type;
      b.options.kind = Kind::kObject;
      b.options.range = item.range;
      for (const Member& m : item.members) {
        if (m.key == "type") continue;
        if (m.key == "name") {
          if (std::optional<std::string> name = WeakString(m.value)) {
            b.name = *name;
            b.name_range = m.value.range;
          } else {
            diags_.push_back(WrongKind(m.value, "a builder's name", "a string"));
          }
          continue;
        }
        b.options.members.push_back(m);
      }
      t.builders.push_back(std::move(b));
    }
  }

  bool ReadType(const Value& obj, std::string_view what, Component& c) {
    const Value* type = obj.Find("type");
    if (!type) {
      diags_.push_back(At(obj.range, fmt::format("{}: missing 'type'", what),
                          "add \"type\": \"<component type>\""));
      return false;
    }
    if (!String(*type, fmt::format("{}: 'type'", what))) return false;
    c.type = type->text;
    c.type_range = type->range;
    return true;
  }

  std::optional<Provisioner> ReadProvisioner(const Value& v, const std::string& what) {
    if (!Object(v, what)) return std::nullopt;
    Provisioner p;
    p.where = v.range;
    if (!ReadType(v, what, p)) return std::nullopt;
    p.name = p.type;
    p.label = what;
    p.options.kind = p.common.kind = Kind::kObject;
    p.options.range = p.common.range = v.range;
    for (const Member& m : v.members) {
      const Value& val = m.value;
      if (m.key == "type") continue;
      if (m.key == "only" || m.key == "except") {
        ReadBuildList(m, what, m.key == "only" ? p.only : p.except);
      } else if (m.key == "pause_before" || m.key == "timeout" || m.key == "max_retries") {
        p.common.members.push_back(m);
      } else if (m.key == "override") {
        if (!Object(val, "override")) continue;
        for (const Member& o : val.members) {
          if (Object(o.value, fmt::format("override '{}'", o.key))) {
            p.overrides.emplace(o.key, o.value);
            p.override_keys.emplace(o.key, o.key_range);
          }
        }
      } else {
        p.options.members.push_back(m);
      }
    }
    if (!p.only.empty() && !p.except.empty())
      diags_.push_back(At(v.range, fmt::format("{}: only one of only and except may be set", what)));
    return p;
  }

  void ReadBuildList(const Member& m, std::string_view what, std::vector<std::string>& out) {
    out = StringList(m.value, fmt::format("{}: '{}'", what, m.key), /*lone_string=*/true);
    for (std::size_t i = 0; i < out.size(); ++i)
      build_refs_.push_back({std::string(what), m.key, out[i],
                             m.value.is_array() ? m.value.items[i].range : m.value.range});
  }

  void ReadPostProcessors(const Value& v, Template& t) {
    if (!Array(v, "post-processors")) return;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const Value& item = v.items[i];
      Chain chain;
      if (item.is_array()) {
        for (std::size_t j = 0; j < item.items.size(); ++j) {
          if (item.items[j].is_array()) {
            diags_.push_back(At(item.items[j].range, "nested chains are not allowed",
                                "a post-processor chain is a flat array of post-processors"));
            continue;
          }
          if (auto pp = ReadPostProcessor(item.items[j], fmt::format("post-processor {}.{}", i + 1, j + 1)))
            chain.push_back(std::move(*pp));
        }
      } else if (auto pp = ReadPostProcessor(item, fmt::format("post-processor {}.1", i + 1))) {
        chain.push_back(std::move(*pp));
      }
      if (!chain.empty()) t.post_processors.push_back(std::move(chain));
    }
  }

  std::optional<PostProcessor> ReadPostProcessor(const Value& v, const std::string& what) {
    PostProcessor pp;
    pp.where = v.range;
    pp.label = what;
    pp.options.kind = Kind::kObject;
    pp.options.range = v.range;
    if (v.is_string()) {
      pp.type = pp.name = v.text;
      pp.type_range = v.range;
      return pp;
    }
    if (!v.is_object()) {
      diags_.push_back(WrongKind(v, what, "a string, an object or an array"));
      return std::nullopt;
    }
    if (!ReadType(v, what, pp)) return std::nullopt;
    pp.name = pp.type;
    for (const Member& m : v.members) {
      const Value& val = m.value;
      if (m.key == "type") continue;
      if (m.key == "name") {
        if (String(val, "a post-processor's name")) pp.name = val.text;
      } else if (m.key == "only" || m.key == "except") {
        ReadBuildList(m, what, m.key == "only" ? pp.only : pp.except);
      } else if (m.key == "keep_input_artifact") {
        // Strictly a JSON bool: Packer rejects even "true" here.
        if (val.kind == Kind::kBool) {
          pp.keep_input_artifact = val.boolean;
        } else {
          diags_.push_back(At(val.range, fmt::format("{}: cannot parse 'keep_input_artifact' as bool", what),
                              fmt::format("found {}; write true or false without quotes", json::KindName(val.kind))));
        }
      } else {
        pp.options.members.push_back(m);
      }
    }
    if (!pp.only.empty() && !pp.except.empty())
      diags_.push_back(At(v.range, fmt::format("{}: only one of only and except may be set", what)));
    return pp;
  }

  // Builder names must be unique, and only/except/override must name one.
  void CheckBuildNames(Template& t) {
    std::set<std::string> seen;
    for (const Component& b : t.builders)
      if (!seen.insert(b.name).second)
        diags_.push_back(At(b.name_range.file.empty() ? b.type_range : b.name_range,
                            fmt::format("duplicate build name '{}'", b.name),
                            "give each builder a distinct \"name\""));
    for (const BuildRef& ref : build_refs_)
      if (!seen.contains(ref.name))
        diags_.push_back(At(ref.where,
                            fmt::format("{}: '{}' names an unknown build '{}'", ref.what, ref.key, ref.name),
                            BuildNamesHint(t)));
    auto check_overrides = [&](const Provisioner& p) {
      for (const auto& [name, where] : p.override_keys)
        if (!seen.contains(name))
          diags_.push_back(At(where, fmt::format("{}: override names an unknown build '{}'", p.label, name),
                              BuildNamesHint(t)));
    };
    for (const Provisioner& p : t.provisioners) check_overrides(p);
    if (t.error_cleanup_provisioner) check_overrides(*t.error_cleanup_provisioner);
    for (Variable& var : t.variables)
      if (pending_sensitive_.contains(var.name)) var.sensitive = true;
  }

  static std::string BuildNamesHint(const Template& t) {
    std::string names;
    for (const Component& b : t.builders) names += (names.empty() ? "" : ", ") + b.name;
    return names.empty() ? "the template has no builds" : "the builds are: " + names;
  }

  struct BuildRef {
    std::string what, key, name;
    SourceRange where;
  };
  Diagnostics& diags_;
  std::vector<BuildRef> build_refs_;
  std::set<std::string> pending_sensitive_;
};

}  // namespace

Template ParseJsonTemplate(std::string_view text, const std::string& path, Diagnostics& diags) {
  Template t;
  t.path = path;
  std::error_code ec;
  t.dir = std::filesystem::absolute(std::filesystem::path(path), ec).parent_path().string();
  Result<Value> root = json::Parse(text, path, {.float64_numbers = true});
  if (!root) {
    diags.push_back(root.error());
    return t;
  }
  JsonTemplateReader(diags).Read(*root, t);
  return t;
}

Template LoadJsonTemplate(const std::string& path, Diagnostics& diags) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    diags.push_back(text.error());
    Template t;
    t.path = path;
    return t;
  }
  return ParseJsonTemplate(*text, path, diags);
}

}  // namespace kiln::tmpl
